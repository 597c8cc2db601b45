import Foundation
import GRDB

/// An event to store: its properties are the JSON text the client sent.
struct NewUsageEvent: Sendable {
    var transactionId: String
    var customerRef: String
    var eventType: String
    var timestamp: Timestamp
    var propertiesJSON: String
}

/// A customer and every reference its events may carry: its ID and its ingest aliases.
struct UsageCustomer: Sendable {
    var id: String
    var name: String
    var refs: [String]
}

extension AppDatabase {
    /// How long a `transaction_id` is remembered: a repeat within this window is ignored.
    static let deduplicationWindowMilliseconds: Int64 = 34 * Timestamp.millisecondsPerDay

    /// Stores a batch of events in one transaction. An event whose `transaction_id` was ingested
    /// within the deduplication window is kept as a duplicate (so events search can show it)
    /// but never counts as usage. New events are added to the usage rollup that rating reads.
    /// Returns how many events were new.
    @discardableResult
    func ingest(_ events: [NewUsageEvent], now: Timestamp) async throws -> Int {
        try await writer.write { db in
            let seen = try db.cachedStatement(sql: """
                SELECT 1 FROM usage_event WHERE transaction_id = ? AND is_duplicate = 0 AND ingested_at > ? LIMIT 1
                """)
            let insert = try db.cachedStatement(sql: """
                INSERT INTO usage_event (transaction_id, customer_ref, event_type, timestamp, properties, ingested_at, is_duplicate)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let cutoff = now.millisecondsSinceEpoch - Self.deduplicationWindowMilliseconds
            // Usage that may fall in a period past its grace period must not reach its invoice:
            // finalize such invoices before these events are stored.
            let lateRefs = Set(events.filter {
                $0.timestamp.millisecondsSinceEpoch < now.millisecondsSinceEpoch - BillingCadence.gracePeriodMilliseconds
            }.map(\.customerRef))
            let resolve = try db.cachedStatement(sql: """
                SELECT id FROM customer WHERE id = ? UNION SELECT customer_id FROM customer_ingest_alias WHERE alias = ?
                """)
            for customerId in Set(try lateRefs.flatMap { try String.fetchAll(resolve, arguments: [$0, $0]) }) {
                try Self.settleInvoices(customerId: customerId, now: now, db)
            }
            let metrics = try Self.rolledUpMetrics(db, cache: metricDefinitions)
            var buckets: [UsageBucketKey: UsageBucket] = [:]
            var uniques: Set<UsageUniqueValue> = []
            var accepted = 0
            for event in events {
                let isNew = try Bool.fetchOne(seen, arguments: [event.transactionId, cutoff]) == nil
                if isNew {
                    accepted += 1
                    if !metrics.isEmpty, case .object(let properties)? = try? JSONValue(jsonText: event.propertiesJSON) {
                        let usage = UsageEvent(
                            transactionId: event.transactionId, customerRef: event.customerRef, eventType: event.eventType,
                            timestamp: event.timestamp, properties: properties
                        )
                        UsageRollup.fold(usage, into: &buckets, uniques: &uniques, metrics: metrics)
                    }
                }
                try insert.execute(arguments: [
                    event.transactionId, event.customerRef, event.eventType, event.timestamp.millisecondsSinceEpoch,
                    event.propertiesJSON, now.millisecondsSinceEpoch, !isNew,
                ])
            }
            try Self.storeRollup(buckets, uniques: uniques, db)
            return accepted
        }
    }

    /// The customers usage is reported for: those named (any state; 404 for an unknown one), or
    /// every customer that is not archived.
    func usageCustomers(ids: [String]?) async throws -> [UsageCustomer] {
        try await writer.read { db in
            let records: [CustomerRecord]
            if let ids {
                records = try ids.map { try Self.customerRecord(id: $0, db) }
            } else {
                records = try CustomerRecord.filter(CustomerRecord.Columns.archivedAt == nil)
                    .order(CustomerRecord.Columns.seq).fetchAll(db)
            }
            return try records.map { record in
                let aliases = try Self.aliases(of: record.id, db)
                return UsageCustomer(id: record.id, name: record.name, refs: [record.id] + aliases)
            }
        }
    }

    /// The counted (non-duplicate) events sent with any of `refs`, in `[startingAt, endingBefore)`.
    func usageEvents(refs: [String], startingAt: Timestamp, endingBefore: Timestamp) async throws -> [UsageEvent] {
        try await writer.read { db in
            let placeholders = databaseQuestionMarks(count: refs.count)
            let rows = try Row.fetchAll(db, sql: """
                SELECT transaction_id, customer_ref, event_type, timestamp, properties FROM usage_event
                WHERE customer_ref IN (\(placeholders)) AND timestamp >= ? AND timestamp < ? AND is_duplicate = 0
                ORDER BY timestamp, seq
                """, arguments: StatementArguments(refs + [startingAt.millisecondsSinceEpoch, endingBefore.millisecondsSinceEpoch]))
            return try rows.map(Self.usageEvent(from:))
        }
    }

    /// Every stored event with one of `transactionIds` (duplicates included), newest ingest first,
    /// with the customer its reference resolves to now, if any.
    func usageEvents(transactionIds: [String]) async throws -> [(StoredUsageEvent, UsageCustomer?)] {
        guard !transactionIds.isEmpty else { return [] }
        return try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT seq, transaction_id, customer_ref, event_type, timestamp, properties, ingested_at, is_duplicate
                FROM usage_event WHERE transaction_id IN (\(databaseQuestionMarks(count: transactionIds.count)))
                ORDER BY seq DESC
                """, arguments: StatementArguments(transactionIds))
            return try rows.map { row in
                let stored = StoredUsageEvent(
                    seq: row["seq"], event: try Self.usageEvent(from: row),
                    ingestedAt: Timestamp(millisecondsSinceEpoch: row["ingested_at"]), isDuplicate: row["is_duplicate"]
                )
                return (stored, try Self.customer(resolving: stored.event.customerRef, db))
            }
        }
    }

    /// The customer whose ID or ingest alias is `ref`, if any.
    static func customer(resolving ref: String, _ db: Database) throws -> UsageCustomer? {
        let record = try CustomerRecord.filter(CustomerRecord.Columns.id == ref).fetchOne(db)
            ?? CustomerRecord.fetchOne(db, sql: """
                SELECT customer.* FROM customer JOIN customer_ingest_alias ON customer_ingest_alias.customer_id = customer.id
                WHERE customer_ingest_alias.alias = ?
                """, arguments: [ref])
        return record.map { UsageCustomer(id: $0.id, name: $0.name, refs: []) }
    }

    static func usageEvent(from row: Row) throws -> UsageEvent {
        let properties: String = row["properties"]
        guard case .object(let values) = try JSONValue(jsonText: properties) else {
            throw APIError.internalError("Stored event properties are not an object")
        }
        return UsageEvent(
            transactionId: row["transaction_id"], customerRef: row["customer_ref"], eventType: row["event_type"],
            timestamp: Timestamp(millisecondsSinceEpoch: row["timestamp"]), properties: values
        )
    }
}
