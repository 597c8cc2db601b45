import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A row of `contract_version`: a contract and its commits and credits as they stood until a
/// change at `supersededAt` (an edit, amendment, new end, usage filter, archive or renewal), kept
/// so that the contract can be read as of an earlier date.
struct ContractVersionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "contract_version"
    var seq: Int64?
    var contractId: String
    var supersededAt: Timestamp
    var contract: ContractRecord
    var commits: [CommitRecord]

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let contractId = Column(CodingKeys.contractId)
        static let supersededAt = Column(CodingKeys.supersededAt)
    }

    enum CodingKeys: String, CodingKey {
        case seq, contractId = "contract_id", supersededAt = "superseded_at", contract, commits
    }
}

extension AppDatabase {
    /// Keeps the contract `contractId` and its commits and credits as they stand now, before a
    /// change made at `moment`. Call it inside the change's transaction, before the change is written.
    static func keepVersion(of contractId: String, supersededAt moment: Timestamp, _ db: Database) throws {
        guard let record = try ContractRecord.filter(ContractRecord.Columns.id == contractId).fetchOne(db) else { return }
        let commits = try CommitRecord.filter(CommitRecord.Columns.contractId == record.id).order(CommitRecord.Columns.seq).fetchAll(db)
        try ContractVersionRecord(contractId: record.id, supersededAt: moment, contract: record, commits: commits).insert(db)
    }

    /// The contract as it stood at `asOf`: the version kept before the first change made after
    /// it (or the contract as it stands, if none was), without the commits and credits made after
    /// it and the edits made after it. 404 for an unknown customer or contract, or one created
    /// after `asOf`.
    package func contract(customerId: String, contractId: String, asOf: Timestamp) async throws -> ContractSnapshot {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            var record = try Self.contractRecord(customerId: customerId, contractId: contractId, db)
            guard record.createdAt <= asOf else {
                throw StoreError.invalid(
                    "'as_of_date': contract \(contractId) was created at \(record.createdAt.rfc3339), after \(asOf.rfc3339)"
                )
            }
            let version = try ContractVersionRecord.filter(ContractVersionRecord.Columns.contractId == contractId)
                .filter(ContractVersionRecord.Columns.supersededAt > asOf)
                .order(ContractVersionRecord.Columns.seq).fetchOne(db)
            var commits = try version.map { $0.commits.map(\.terms) }
                ?? Self.commitsByContract(ids: [contractId], includeArchived: true, db)[contractId] ?? []
            if let version {
                let seq = record.seq
                record = version.contract
                record.seq = seq
            }
            commits.removeAll { $0.createdAt > asOf }
            commits = commits.map { commit in
                var commit = commit
                if let archived = commit.archivedAt, archived > asOf { commit.archivedAt = nil }
                return commit
            }
            if let archived = record.archivedAt, archived > asOf { record.archivedAt = nil }
            return try Self.snapshots(of: [record], commits: [contractId: commits], editsUntil: asOf, now: asOf, db)[0]
        }
    }
}
