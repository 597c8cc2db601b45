import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A manual entry to add to a commit's or credit's segment, already validated by its endpoint.
package struct NewManualBalanceEntry: Sendable {
    package var customerId: String
    /// The contract the commit or credit belongs to; nil for a customer-level one.
    package var contractId: String?
    package var commitId: String
    package var segmentId: String
    package var amount: Decimal
    package var reason: String
    /// Defaults to the start of the segment.
    package var timestamp: Timestamp?
    package var uniquenessKey: String?

    /// A value with each stored property given.
    package init(
        customerId: String, contractId: String?, commitId: String, segmentId: String, amount: Decimal, reason: String,
        timestamp: Timestamp?, uniquenessKey: String?
    ) {
        self.customerId = customerId
        self.contractId = contractId
        self.commitId = commitId
        self.segmentId = segmentId
        self.amount = amount
        self.reason = reason
        self.timestamp = timestamp
        self.uniquenessKey = uniquenessKey
    }
}

/// A manual entry as stored: it adds `amount` (negative: draws down) to a segment from `timestamp`.
package struct ManualBalanceEntry: Sendable {
    package var segmentId: String
    package var amount: Decimal
    package var reason: String
    package var timestamp: Timestamp

    /// A value with each stored property given.
    package init(segmentId: String, amount: Decimal, reason: String, timestamp: Timestamp) {
        self.segmentId = segmentId
        self.amount = amount
        self.reason = reason
        self.timestamp = timestamp
    }
}

extension AppDatabase {
    /// Adds a manual entry to a segment of a commit or credit: drafts whose periods end after its
    /// timestamp, and the balance from then on, count it. 404 for an unknown customer, contract,
    /// commit or segment (or a commit of another contract, or a contract-level one named without
    /// its contract); 409 for a reused uniqueness key.
    package func addManualBalanceEntry(_ new: NewManualBalanceEntry, now: Timestamp) async throws {
        try await writer.write { db in
            _ = try Self.customerRecord(id: new.customerId, db)
            if let contractId = new.contractId {
                _ = try Self.contractRecord(customerId: new.customerId, contractId: contractId, db)
            }
            guard let commit = try CommitRecord.filter(CommitRecord.Columns.id == new.commitId)
                .filter(CommitRecord.Columns.customerId == new.customerId).fetchOne(db)?.terms,
                commit.contractId == new.contractId
            else {
                throw StoreError.notFound(new.contractId.map { "Commit or credit of contract \($0)" } ?? "Customer commit or credit", new.commitId)
            }
            guard let segment = commit.accessSchedule.first(where: { $0.id == new.segmentId }) else {
                throw StoreError.notFound("Segment of \(new.commitId)", new.segmentId)
            }
            if let key = new.uniquenessKey,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM manual_balance_entry WHERE uniqueness_key = ?", arguments: [key]) ?? 0 > 0 {
                throw StoreError.conflict(Self.uniquenessKeyUsedMessage)
            }
            try Self.settle(customerId: new.customerId, now: now, db)
            try db.execute(sql: """
                INSERT INTO manual_balance_entry (customer_id, commit_id, segment_id, amount, reason, timestamp, uniqueness_key, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    new.customerId, new.commitId, new.segmentId, new.amount, new.reason, new.timestamp ?? segment.startingAt,
                    new.uniquenessKey, now,
                ])
            try Self.settle(customerId: new.customerId, now: now, db)
        }
    }

    /// The customer's manual entries, in the order they were added.
    static func manualBalanceEntries(customerId: String, _ db: Database) throws -> [ManualBalanceEntry] {
        try Row.fetchAll(db, sql: """
            SELECT segment_id, amount, reason, timestamp FROM manual_balance_entry WHERE customer_id = ? ORDER BY seq
            """, arguments: [customerId]).map { row in
            ManualBalanceEntry(segmentId: row[0], amount: row[1], reason: row[2], timestamp: row[3])
        }
    }
}
