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
}
