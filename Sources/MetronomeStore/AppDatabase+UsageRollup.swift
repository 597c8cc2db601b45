import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

extension AppDatabase {
    /// The billable metrics events are rolled up for: every metric the emulator evaluates (SQL
    /// metrics are not), archived ones included since their past usage stays billable.
    package static func rolledUpMetrics(_ db: Database) throws -> [RatedMetric] {
        try BillableMetricRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM billable_metric WHERE sql IS NULL ORDER BY seq"))
            .map { RatedMetric(id: $0.id, definition: $0.definition) }
    }

    /// The rolled-up metrics among `ids`, in the order of `rolledUpMetrics`: what rating a plan's
    /// charges or a metric's alerts reads, without decoding every other metric.
    package static func rolledUpMetrics(_ db: Database, ids: Set<String>) throws -> [RatedMetric] {
        try ids.compactMap { try BillableMetricRecord.fetchOne(db, cachedWhereIdIs: $0) }
            .filter { $0.sql == nil }
            .sorted { ($0.seq ?? 0) < ($1.seq ?? 0) }
            .map { RatedMetric(id: $0.id, definition: $0.definition) }
    }

    /// The same as `rolledUpMetrics`, reading only the IDs while they are those in `cache`:
    /// what ingest asks for every batch.
    package static func rolledUpMetrics(_ db: Database, cache: RolledUpMetricsCache) throws -> [RatedMetric] {
        let ids = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM billable_metric WHERE sql IS NULL ORDER BY seq"))
        if let last = cache.last, last.map(\.id) == ids { return last }
        let metrics = try rolledUpMetrics(db)
        cache.last = metrics
        return metrics
    }

    private static let addCountsPerStatement = 50

    /// For each number of buckets up to `addCountsPerStatement`, the upsert adding that many counts.
    private static let addCountsQueries: [String] = (0...addCountsPerStatement).map { rows in
        """
        INSERT INTO usage_rollup (billable_metric_id, customer_ref, hour, group_values, event_count, total)
        VALUES \(Array(repeating: "(?, ?, ?, ?, ?, '0')", count: max(rows, 1)).joined(separator: ", "))
        ON CONFLICT (billable_metric_id, customer_ref, hour, group_values) DO UPDATE SET event_count = event_count + excluded.event_count
        """
    }

    /// Adds what `buckets` and `uniques` counted to the stored rollup.
    package static func storeRollup(_ buckets: [UsageBucketKey: UsageBucket], uniques: Set<UsageUniqueValue>, _ db: Database) throws {
        let select = try db.cachedStatement(sql: """
            SELECT event_count, total, maximum, latest_at, latest_transaction_id, latest_value FROM usage_rollup
            WHERE billable_metric_id = ? AND customer_ref = ? AND hour = ? AND group_values = ?
            """)
        let upsert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO usage_rollup
            (billable_metric_id, customer_ref, hour, group_values, event_count, total, maximum, latest_at, latest_transaction_id, latest_value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        // Events without a quantity only add to the count, which SQL can add without reading the
        // stored decimals back, many buckets a statement.
        var counts: [(key: UsageBucketKey, eventCount: Int64)] = []
        func addCounts() throws {
            guard !counts.isEmpty else { return }
            let statement = try db.cachedStatement(sql: addCountsQueries[counts.count])
            try statement.execute {
                var index: Int32 = 0
                for (key, eventCount) in counts {
                    try statement.bind(key.billableMetricId, at: index + 1)
                    try statement.bind(key.customerRef, at: index + 2)
                    try statement.bind(key.hour, at: index + 3)
                    try statement.bind(key.groupValues, at: index + 4)
                    try statement.bind(eventCount, at: index + 5)
                    index += 5
                }
            }
            counts.removeAll(keepingCapacity: true)
        }
        for (key, added) in buckets {
            if added.total == 0, added.maximum == nil, added.latest == nil {
                counts.append((key, added.eventCount))
                if counts.count == addCountsPerStatement { try addCounts() }
                continue
            }
            let keyArguments: StatementArguments = [key.billableMetricId, key.customerRef, key.hour, key.groupValues]
            var bucket = try Row.fetchOne(select, arguments: keyArguments).map { usageBucket(from: $0, at: 0) } ?? UsageBucket()
            bucket.merge(added)
            try upsert.execute(arguments: keyArguments + [
                bucket.eventCount, bucket.total.description, bucket.maximum?.description, bucket.latest?.at.millisecondsSinceEpoch,
                bucket.latest?.transactionId, bucket.latest?.value.description,
            ])
        }
        try addCounts()
        let insertUnique = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO usage_rollup_unique (billable_metric_id, customer_ref, hour, group_values, value) VALUES (?, ?, ?, ?, ?)
            """)
        for unique in uniques {
            try insertUnique.execute(arguments: [
                unique.bucket.billableMetricId, unique.bucket.customerRef, unique.bucket.hour, unique.bucket.groupValues, unique.value,
            ])
        }
    }

    /// Rolls up every counted event already stored for a metric that is new.
    package static func backfillRollup(for metric: RatedMetric, _ db: Database) throws {
        var folded = UsageRollup.Folded()
        try forEachStoredEvent(db) { _, _, stored in
            guard !stored.isDuplicate, let event = try? usageEvent(from: stored.event) else { return }
            UsageRollup.fold(event, into: &folded, metrics: [metric])
        }
        try storeRollup(folded.buckets, uniques: folded.uniques, db)
    }

    /// What `metrics` counted for events sent with any of `refs` in the hours of `[start, end)`.
    package static func metricUsage(
        _ metrics: [RatedMetric], refs: [String], from start: Timestamp, to end: Timestamp, _ db: Database
    ) throws -> [String: MetricUsage] {
        var usage: [String: MetricUsage] = [:]
        guard !metrics.isEmpty, !refs.isEmpty else { return usage }
        let refMarks = databaseQuestionMarks(count: refs.count)
        let range: StatementArguments = [start.millisecondsSinceEpoch, end.millisecondsSinceEpoch]
        for metric in metrics {
            var groupCache: [String: [String: String]] = [:]
            func groups(_ text: String) -> [String: String] {
                if let cached = groupCache[text] { return cached }
                let values = UsageRollup.groupValues(text)
                groupCache[text] = values
                return values
            }
            let arguments: StatementArguments = [metric.id] + StatementArguments(refs) + range
            let select = try db.cachedStatement(sql: """
                SELECT group_values, event_count, total, maximum, latest_at, latest_transaction_id, latest_value FROM usage_rollup
                WHERE billable_metric_id = ? AND customer_ref IN (\(refMarks)) AND hour >= ? AND hour < ?
                """)
            let aggregation = metric.definition.aggregationType
            // A period holds a row per hour: each is read in place, by position, and not copied.
            var buckets: [(groupValues: [String: String], bucket: UsageBucket)] = []
            let rows = try Row.fetchCursor(select, arguments: arguments)
            while let row = try rows.next() {
                buckets.append((groups(row[0]), usageBucket(from: row, at: 1, for: aggregation)))
            }
            var uniqueValues: [(groupValues: [String: String], value: String)] = []
            if metric.definition.aggregationType == .unique {
                uniqueValues = try Row.fetchAll(db, sql: """
                    SELECT DISTINCT group_values, value FROM usage_rollup_unique
                    WHERE billable_metric_id = ? AND customer_ref IN (\(refMarks)) AND hour >= ? AND hour < ?
                    """, arguments: arguments).map { (groups($0[0]), $0[1]) }
            }
            usage[metric.id] = MetricUsage(metric: metric, buckets: buckets, uniqueValues: uniqueValues)
        }
        return usage
    }

    /// A stored bucket from `row`'s columns event_count, total, maximum, latest_at,
    /// latest_transaction_id and latest_value, in that order from `first`. With `aggregation`,
    /// only the figures that aggregation reads are parsed (decimal text is the costly part of
    /// reading a period's rollup).
    private static func usageBucket(from row: Row, at first: Int, for aggregation: AggregationType? = nil) -> UsageBucket {
        var bucket = UsageBucket()
        bucket.eventCount = row[first]
        if aggregation == nil || aggregation == .sum { bucket.total = decimal(row[first + 1]) ?? 0 }
        if aggregation == nil || aggregation == .max { bucket.maximum = decimal(row[first + 2]) }
        if aggregation == nil || aggregation == .latest, let at: Int64 = row[first + 3],
            let transactionId: String = row[first + 4], let value = decimal(row[first + 5])
        {
            bucket.latest = .init(at: Timestamp(millisecondsSinceEpoch: at), transactionId: transactionId, value: value)
        }
        return bucket
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    private static func decimal(_ text: String?) -> Decimal? {
        text.flatMap { Decimal(string: $0, locale: posix) }
    }
}
