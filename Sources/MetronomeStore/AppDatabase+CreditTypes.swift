import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

extension AppDatabase {
    /// Up to `limit` credit types that are not archived, oldest first, after sequence `afterSeq`.
    package func creditTypes(afterSeq: Int64?, limit: Int) async throws -> [CreditTypeRecord] {
        try await writer.read { db in
            var request = CreditTypeRecord
                .filter(CreditTypeRecord.Columns.archivedAt == nil)
                .order(CreditTypeRecord.Columns.seq)
            if let afterSeq {
                request = request.filter(CreditTypeRecord.Columns.seq > afterSeq)
            }
            return try request.limit(limit).fetchAll(db)
        }
    }

    /// Creates a custom pricing unit (a credit type that is not a currency); returns its ID.
    package func createCustomCreditType(name: String) async throws -> String {
        try await writer.write { db in
            let record = CreditTypeRecord(id: UUID().uuidString.lowercased(), name: name, isCurrency: false)
            try record.insert(db)
            return record.id
        }
    }

    /// Archives a custom pricing unit: 404 if unknown, 400 for a currency or one archived already.
    /// What already uses it keeps it; new uses are refused.
    package func archiveCustomCreditType(id: String, now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.creditTypeRecord(id: id, db)
            guard !record.isCurrency else {
                throw StoreError.invalid("Credit type \(id) is a currency; only custom pricing units can be archived")
            }
            guard record.archivedAt == nil else {
                throw StoreError.invalid("Credit type \(id) is already archived")
            }
            record.archivedAt = now
            try record.update(db)
        }
    }

    /// The credit type with `id` for a new use: 404 if there is none, 400 if it is archived.
    package static func activeCreditTypeRecord(id: String, _ db: Database) throws -> CreditTypeRecord {
        let record = try creditTypeRecord(id: id, db)
        guard record.archivedAt == nil else {
            throw StoreError.invalid("Credit type \(id) is archived")
        }
        return record
    }
}
