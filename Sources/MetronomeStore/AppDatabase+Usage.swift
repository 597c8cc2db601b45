import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// An event to store: its properties are the JSON text the client sent.
package struct NewUsageEvent: Sendable {
    package var transactionId: String
    package var customerRef: String
    package var eventType: String
    package var timestamp: Timestamp
    package var propertiesJSON: String

    /// A value with each stored property given.
    package init(
        transactionId: String,
        customerRef: String,
        eventType: String,
        timestamp: Timestamp,
        propertiesJSON: String
    ) {
        self.transactionId = transactionId
        self.customerRef = customerRef
        self.eventType = eventType
        self.timestamp = timestamp
        self.propertiesJSON = propertiesJSON
    }
}

/// A customer and every reference its events may carry: its ID and its ingest aliases.
package struct UsageCustomer: Sendable {
    package var id: String
    package var name: String
    package var refs: [String]

    /// A value with each stored property given.
    package init(id: String, name: String, refs: [String]) {
        self.id = id
        self.name = name
        self.refs = refs
    }
}

extension AppDatabase {
    /// How long a `transaction_id` is remembered: a repeat within this window is ignored.
    package static let deduplicationWindowMilliseconds: Int64 = 34 * Timestamp.millisecondsPerDay

    /// Stores a batch of events in one transaction. An event whose `transaction_id` was counted
    /// within the deduplication window is kept as a duplicate (so events search can show it) but
    /// never counts as usage. New events are added to the usage rollup that rating reads.
    /// Returns how many events were new.
    @discardableResult
    package func ingest(_ events: [NewUsageEvent], now: Timestamp) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            ingest(events, now: now) { continuation.resume(with: $0) }
        }
    }

    /// The same, without waiting: `completion` is called on the writer once the batch is stored
    /// (or failed to be).
    package func ingest(_ events: [NewUsageEvent], now: Timestamp, completion: @escaping @Sendable (Result<Int, any Error>) -> Void) {
        // Everything that does not depend on what is stored is done here, beside the one writer
        // that every request waits on. The rollup is folded for the metrics the last batch saw
        // and as if every event were new; the transaction folds again in the rare case that
        // this guess is wrong.
        let guessedMetrics = rolledUpMetrics.last
        let guessedRollup = guessedMetrics.map { Self.rollup(events, metrics: $0) }
        let batch = PreparedBatch(events: events, guessedMetrics: guessedMetrics, guessedRollup: guessedRollup)
        writer.enqueueIngest { db in completion(Result { try store(batch, now: now, db) }) }
    }

    private func store(_ batch: PreparedBatch, now: Timestamp, _ db: Database) throws -> Int {
        var counted: (positions: [Int], entry: UsageTransactionIndex.Entry)?
        try db.inTransaction {
            counted = try Self.store(
                batch, now: now, known: usageTransactions.lookUp(batch.keys), cache: rolledUpMetrics,
                unknownRefs: unknownCustomerRefs, db
            )
            return .commit
        }
        // Only once committed: a failed transaction must leave every ID as it was.
        guard let counted else { return 0 }
        usageTransactions.record(batch.keys, at: counted.positions, as: counted.entry)
        return counted.positions.count
    }

    /// A batch of events with what storing it needs that can be made before the write.
    private struct PreparedBatch: Sendable {
        let events: [NewUsageEvent]
        let keys: UsageTransactionIndex.Keys
        let spans: [(customerRef: String, first: Int64, last: Int64)]
        let encoded: UsageEventBatchCoding.EncodedBatch
        let guessedMetrics: [RatedMetric]?
        let guessedRollup: UsageRollup.Folded?

        init(events: [NewUsageEvent], guessedMetrics: [RatedMetric]?, guessedRollup: UsageRollup.Folded?) {
            self.events = events
            keys = UsageTransactionIndex.Keys(events.map(\.transactionId))
            spans = UsageEventBatchCoding.customerRefSpans(events)
            encoded = UsageEventBatchCoding.EncodedBatch(events)
            self.guessedMetrics = guessedMetrics
            self.guessedRollup = guessedRollup
        }
    }

    /// Stores `batch` as one row and adds its new events to the rollup; returns the positions of
    /// the events it counted, with their index entry.
    private static func store(
        _ batch: PreparedBatch, now: Timestamp, known: [(entry: UsageTransactionIndex.Entry?, repeatsEarlier: Bool)],
        cache: RolledUpMetricsCache, unknownRefs: UnknownCustomerRefs, _ db: Database
    ) throws -> (positions: [Int], entry: UsageTransactionIndex.Entry) {
        let events = batch.events
        // Usage that may fall in a period past its grace period must not reach its invoice. Such
        // invoices are finalized as the clock reaches their due moment; a customer whose moment
        // has come but is not applied yet (the settlement service wakes a moment later) is
        // settled here, before these events are stored.
        let lateRefs = batch.spans.filter {
            $0.first < now.millisecondsSinceEpoch - BillingCadence.gracePeriodMilliseconds && !unknownRefs.contains($0.customerRef)
        }.map(\.customerRef)
        if !lateRefs.isEmpty {
            let resolve = try db.cachedStatement(sql: customersOfRefsQueries[lateRefs.count])
            var named: Set<String> = []
            var customerIds: [String] = []
            for row in try Row.fetchAll(resolve, arguments: StatementArguments(lateRefs)) {
                let (ref, customerId): (String, String) = (row[0], row[1])
                named.insert(ref)
                if !customerIds.contains(customerId) { customerIds.append(customerId) }
            }
            unknownRefs.insert(lateRefs.filter { !named.contains($0) })
            let dueMoment = try db.cachedStatement(sql: "SELECT due_at FROM customer_settlement WHERE customer_id = ?")
            for customerId in customerIds {
                guard let due = try Int64.fetchOne(dueMoment, arguments: [customerId]), due <= now.millisecondsSinceEpoch else {
                    continue
                }
                try settle(customerId: customerId, now: now, db)
            }
        }

        let cutoff = now.millisecondsSinceEpoch - deduplicationWindowMilliseconds
        var countedHere: [Int] = []
        var duplicates: [Bool] = []
        var superseded: [(transactionId: String, batchSeq: Int64)] = []
        var encoded = batch.encoded
        for (position, (earlier, repeatsEarlier)) in known.enumerated() {
            // A repeat within the batch is a duplicate whether its first was counted here or,
            // recently, before.
            let isDuplicate = repeatsEarlier || (earlier.map { $0.countedAt > cutoff } ?? false)
            duplicates.append(isDuplicate)
            if isDuplicate {
                encoded.markDuplicate(position)
            } else {
                countedHere.append(position)
                if let earlier { superseded.append((events[position].transactionId, earlier.batchSeq)) }
            }
        }

        try db.cachedStatement(sql: "INSERT INTO usage_event_batch (ingested_at, events) VALUES (?, ?)")
            .execute(arguments: [now.millisecondsSinceEpoch, encoded.bytes])
        let batchSeq = db.lastInsertedRowID
        for start in stride(from: 0, to: batch.spans.count, by: refsPerStatement) {
            let spans = batch.spans[start..<min(start + refsPerStatement, batch.spans.count)]
            var arguments: [DatabaseValueConvertible?] = []
            arguments.reserveCapacity(spans.count * 4)
            for span in spans { arguments += [span.customerRef, batchSeq, span.first, span.last] }
            try db.cachedStatement(sql: insertRefsQueries[spans.count]).execute(arguments: StatementArguments(arguments))
        }
        let insertRepeat = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO usage_event_repeat (transaction_id, batch_seq) VALUES (?, ?)
            """)
        for (transactionId, earlierBatch) in superseded {
            try insertRepeat.execute(arguments: [transactionId, earlierBatch])
        }
        for (event, isDuplicate) in zip(events, duplicates) where isDuplicate {
            try insertRepeat.execute(arguments: [event.transactionId, batchSeq])
        }

        let metrics = try rolledUpMetrics(db, cache: cache)
        let rollup: UsageRollup.Folded
        if let guessedRollup = batch.guessedRollup, let guessedMetrics = batch.guessedMetrics, !duplicates.contains(true),
            guessedMetrics.map(\.id) == metrics.map(\.id)
        {
            rollup = guessedRollup
        } else {
            rollup = Self.rollup(zip(events, duplicates).filter { !$0.1 }.map(\.0), metrics: metrics)
        }
        try storeRollup(rollup.buckets, uniques: rollup.uniques, db)

        return (countedHere, UsageTransactionIndex.Entry(countedAt: now.millisecondsSinceEpoch, batchSeq: batchSeq))
    }

    /// Each of `count` references that names a customer, by ID or ingest alias, with that
    /// customer's ID: one query for each number of references a batch can hold, made once.
    private static let refsPerStatement = 50

    /// For each number of a batch's customer references up to `refsPerStatement`, the insert of
    /// that many: one statement instead of one each.
    private static let insertRefsQueries: [String] = (0...refsPerStatement).map { count in
        "INSERT INTO usage_event_batch_ref (customer_ref, batch_seq, first_timestamp, last_timestamp) VALUES "
            + Array(repeating: "(?, ?, ?, ?)", count: max(count, 1)).joined(separator: ", ")
    }

    private static let customersOfRefsQueries: [String] = (0...100).map { count in
        let refs = (1...max(count, 1)).map { "?\($0)" }.joined(separator: ",")
        return """
            SELECT id, id FROM customer WHERE id IN (\(refs))
            UNION ALL SELECT alias, customer_id FROM customer_ingest_alias WHERE alias IN (\(refs))
            """
    }

    /// What `events` add to the rollup of `metrics`, reading of each event only the properties
    /// that the metrics matching its event type read.
    private static func rollup(_ events: [NewUsageEvent], metrics: [RatedMetric]) -> UsageRollup.Folded {
        var folded = UsageRollup.Folded()
        guard !metrics.isEmpty else { return folded }
        var byEventType: [String: (metrics: [RatedMetric], propertyNames: [String])] = [:]
        var eventType: String?
        var candidates: [RatedMetric] = []
        var properties = PickedProperties(names: [])
        for event in events {
            // Events of a batch mostly share one event type, read as one shared string.
            if event.eventType != eventType {
                let entry = byEventType[event.eventType] ?? {
                    let matching = metrics.filter { $0.definition.eventTypeFilter?.matches(event.eventType) ?? true }
                    let entry = (matching, Array(matching.reduce(into: Set<String>()) { $0.formUnion($1.propertyNames) }))
                    byEventType[event.eventType] = entry
                    return entry
                }()
                (eventType, candidates, properties) = (event.eventType, entry.metrics, PickedProperties(names: entry.propertyNames))
                // Events of a batch mostly fall in buckets of their own (other customers, other
                // hours): growing the table one doubling at a time rehashed every key each time.
                folded.buckets.reserveCapacity(min(events.count * candidates.count, 4096))
            }
            guard !candidates.isEmpty, properties.pick(fromObject: event.propertiesJSON) else { continue }
            UsageRollup.fold(
                customerRef: event.customerRef, eventType: event.eventType, timestamp: event.timestamp,
                transactionId: event.transactionId, properties: properties, into: &folded, metrics: candidates
            )
        }
        return folded
    }

    /// Whether `transactionId` was counted within the deduplication window before `now`.
    package func isCounted(_ transactionId: String, now: Timestamp) -> Bool {
        let cutoff = now.millisecondsSinceEpoch - Self.deduplicationWindowMilliseconds
        return usageTransactions.entries(for: [transactionId])[transactionId].map { $0.countedAt > cutoff } ?? false
    }

    /// Fills `index` with every counted `transaction_id` stored: the latest batch that counted it wins.
    package static func indexUsageTransactions(into index: UsageTransactionIndex, _ db: Database) throws {
        var table = TransactionIdTable()
        let rows = try Row.fetchCursor(db, sql: "SELECT seq, ingested_at, events FROM usage_event_batch ORDER BY seq")
        while let row = try rows.next() {
            let entry = UsageTransactionIndex.Entry(countedAt: row[1], batchSeq: row[0])
            try row.withUnsafeData(atIndex: 2) { data in
                try data?.withUnsafeBytes { raw in
                    try UsageEventBatchCoding.forEachCountedTransactionId(in: raw) { table.set($0, to: entry) }
                }
            }
        }
        index.replace(with: table)
    }

    /// Calls `body` with every stored event, batch by batch in the order they were ingested, and
    /// in each batch in the order sent.
    package static func forEachStoredEvent(
        _ db: Database, where condition: String = "", arguments: StatementArguments = [],
        _ body: (_ batchSeq: Int64, _ ingestedAt: Int64, BatchedUsageEvent) throws -> Void
    ) throws {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT seq, ingested_at, events FROM usage_event_batch \(condition) ORDER BY seq", arguments: arguments
        )
        while let row = try rows.next() {
            let batchSeq: Int64 = row[0]
            let ingestedAt: Int64 = row[1]
            let events = try row.withUnsafeData(atIndex: 2) { data in try data.map(UsageEventBatchCoding.decode) ?? [] }
            for stored in events {
                try body(batchSeq, ingestedAt, stored)
            }
        }
    }

    /// The customers usage is reported for: those named (any state; 404 for an unknown one), or
    /// every customer that is not archived.
    package func usageCustomers(ids: [String]?) async throws -> [UsageCustomer] {
        try await writer.read { db in try Self.usageCustomers(ids: ids, db) }
    }

    private static func usageCustomers(ids: [String]?, _ db: Database) throws -> [UsageCustomer] {
        let records: [CustomerRecord]
        if let ids {
            records = try ids.map { try customerRecord(id: $0, db) }
        } else {
            records = try CustomerRecord.filter(CustomerRecord.Columns.archivedAt == nil)
                .order(CustomerRecord.Columns.seq).fetchAll(db)
        }
        return try records.map { record in
            let aliases = try Self.aliases(of: record.id, db)
            return UsageCustomer(id: record.id, name: record.name, refs: [record.id] + aliases)
        }
    }

    /// The counted (non-duplicate) events sent with any of `refs`, in `[startingAt, endingBefore)`,
    /// in time order (ingest order among equal times).
    package func usageEvents(refs: [String], startingAt: Timestamp, endingBefore: Timestamp) async throws -> [UsageEvent] {
        guard !refs.isEmpty else { return [] }
        return try await writer.read { db in
            try Self.usageEvents(refs: refs, startingAt: startingAt, endingBefore: endingBefore, db)
        }
    }

    private static func usageEvents(refs: [String], startingAt: Timestamp, endingBefore: Timestamp, _ db: Database) throws -> [UsageEvent] {
        guard !refs.isEmpty else { return [] }
        let wanted = Set(refs)
        let range = startingAt.millisecondsSinceEpoch..<endingBefore.millisecondsSinceEpoch
        // Batches are read in ingest order, so the running position orders equal times.
        var found: [(order: (Int64, Int), event: NewUsageEvent)] = []
        try Self.forEachStoredEvent(db, where: """
            WHERE seq IN (SELECT batch_seq FROM usage_event_batch_ref
                WHERE customer_ref IN (\(databaseQuestionMarks(count: refs.count))) AND last_timestamp >= ? AND first_timestamp < ?)
            """, arguments: StatementArguments(refs) + [range.lowerBound, range.upperBound]) { _, _, stored in
            let moment = stored.event.timestamp.millisecondsSinceEpoch
            guard !stored.isDuplicate, range.contains(moment), wanted.contains(stored.event.customerRef) else { return }
            found.append(((moment, found.count), stored.event))
        }
        return try found.sorted { $0.order < $1.order }.map { try Self.usageEvent(from: $0.event) }
    }

    /// Every stored event with one of `transactionIds` (duplicates included), newest ingest first,
    /// with the customer its reference resolves to now, if any.
    package func usageEvents(transactionIds: [String]) async throws -> [(StoredUsageEvent, UsageCustomer?)] {
        guard !transactionIds.isEmpty else { return [] }
        let counted = usageTransactions.entries(for: transactionIds)
        return try await writer.read { db in
            let wanted = Set(transactionIds)
            var batches = Set(counted.values.map(\.batchSeq))
            batches.formUnion(try Int64.fetchAll(db, sql: """
                SELECT batch_seq FROM usage_event_repeat WHERE transaction_id IN (\(databaseQuestionMarks(count: transactionIds.count)))
                """, arguments: StatementArguments(transactionIds)))
            guard !batches.isEmpty else { return [] }
            var found: [StoredUsageEvent] = []
            var position: Int64 = 0
            var lastBatch: Int64 = -1
            try Self.forEachStoredEvent(
                db, where: "WHERE seq IN (\(databaseQuestionMarks(count: batches.count)))", arguments: StatementArguments(Array(batches))
            ) { batchSeq, ingestedAt, stored in
                if batchSeq != lastBatch { (lastBatch, position) = (batchSeq, 0) }
                defer { position += 1 }
                guard wanted.contains(stored.event.transactionId) else { return }
                found.append(StoredUsageEvent(
                    seq: Self.eventSeq(batchSeq: batchSeq, position: position), event: try Self.usageEvent(from: stored.event),
                    ingestedAt: Timestamp(millisecondsSinceEpoch: ingestedAt), isDuplicate: stored.isDuplicate
                ))
            }
            return try found.sorted { $0.seq > $1.seq }.map { stored in
                (stored, try Self.customer(resolving: stored.event.customerRef, db))
            }
        }
    }

    /// A stored event's place in ingest order, unique across the store: an ingest request holds at
    /// most 100 events.
    package static func eventSeq(batchSeq: Int64, position: Int64) -> Int64 { batchSeq * 128 + position }

    /// The customer whose ID or ingest alias is `ref`, if any.
    package static func customer(resolving ref: String, _ db: Database) throws -> UsageCustomer? {
        let record = try CustomerRecord.filter(CustomerRecord.Columns.id == ref).fetchOne(db)
            ?? CustomerRecord.fetchOne(db, sql: """
                SELECT customer.* FROM customer JOIN customer_ingest_alias ON customer_ingest_alias.customer_id = customer.id
                WHERE customer_ingest_alias.alias = ?
                """, arguments: [ref])
        return record.map { UsageCustomer(id: $0.id, name: $0.name, refs: []) }
    }

    package static func usageEvent(from stored: NewUsageEvent) throws -> UsageEvent {
        guard case .object(let values) = try JSONValue(jsonText: stored.propertiesJSON) else {
            throw StoreError.corrupt("Stored event properties are not an object")
        }
        return UsageEvent(
            transactionId: stored.transactionId, customerRef: stored.customerRef, eventType: stored.eventType,
            timestamp: stored.timestamp, properties: values
        )
    }
}

// MARK: - The usage report

/// How `/v1/usage` groups one metric: by the values of one property, those given or all.
package struct UsageGroupBy: Sendable {
    package var key: String
    package var values: [String]?

    /// A value with each stored property given.
    package init(key: String, values: [String]? = nil) {
        self.key = key
        self.values = values
    }
}

/// One row of the usage report: a customer's usage of a metric in one window, at `position`
/// (indexes of the customer, the metric and the window), which orders and pages the report.
package struct UsageWindowRow: Sendable {
    package var position: [Int64]
    package var customerId: String
    package var metricId: String
    package var metricName: String
    package var window: Range<Timestamp>
    package var value: Decimal?
    package var groups: [String: Decimal?]?
}

extension AppDatabase {
    /// Up to `limit` rows of the usage report after `after`, in one transaction: for each customer
    /// (those named, 404 for an unknown one, else every active customer), each metric (those
    /// named, archived ones included, 404 for an unknown one, else every active metric), and
    /// each window, the metric's value over the customer's counted events.
    package func usageWindows(
        customerIds: [String]?, metricIds: [String], groupBy: [String: UsageGroupBy], windows: [Range<Timestamp>],
        after: [Int64]?, limit: Int
    ) async throws -> [UsageWindowRow] {
        try await writer.read { db in
            let customers = try Self.usageCustomers(ids: customerIds, db)
            var request = BillableMetricRecord.order(BillableMetricRecord.Columns.seq)
            if metricIds.isEmpty {
                request = request.filter(BillableMetricRecord.Columns.archivedAt == nil)
            } else {
                request = request.filter(metricIds.contains(BillableMetricRecord.Columns.id))
            }
            var metrics = try request.fetchAll(db)
            if let missing = metricIds.first(where: { id in !metrics.contains { $0.id == id } }) {
                throw StoreError.notFound("Billable metric", missing)
            }
            if !metricIds.isEmpty {
                metrics = metricIds.compactMap { id in metrics.first { $0.id == id } }
            }
            guard let first = windows.first, let last = windows.last else { return [] }
            var rows: [UsageWindowRow] = []
            for (customerIndex, customer) in customers.enumerated() {
                if let after, Int64(customerIndex) < after[0] { continue }
                let events = try Self.usageEvents(
                    refs: customer.refs, startingAt: first.lowerBound, endingBefore: last.upperBound, db
                )
                for (metricIndex, metric) in metrics.enumerated() {
                    if let after, Int64(customerIndex) == after[0], Int64(metricIndex) < after[1] { continue }
                    let definition = metric.definition
                    let matching = events.filter(definition.matches)
                    for (windowIndex, window) in windows.enumerated() {
                        let position = [Int64(customerIndex), Int64(metricIndex), Int64(windowIndex)]
                        if let after, position.lexicographicallyPrecedes(after) || position == after { continue }
                        let inWindow = matching.filter { window.contains($0.timestamp) }
                        rows.append(UsageWindowRow(
                            position: position, customerId: customer.id, metricId: metric.id, metricName: metric.name,
                            window: window, value: definition.aggregate(inWindow),
                            groups: groupBy[metric.id].map {
                                UsageAggregation.groups(of: definition, events: inWindow, key: $0.key, values: $0.values)
                            }
                        ))
                        if rows.count == limit { return rows }
                    }
                }
            }
            return rows
        }
    }
}
