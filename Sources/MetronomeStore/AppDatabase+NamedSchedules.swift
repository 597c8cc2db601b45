import GRDB
import MetronomeBilling
import MetronomeCodecs

/// Whose named schedule: a customer's, a contract's or a rate card's.
package enum NamedScheduleOwner: Sendable {
    case customer(String)
    case contract(customerId: String, contractId: String)
    case rateCard(String)

    /// `kind` of a contract's schedules.
    package static let contractKind = "contract"

    package var kind: String {
        switch self {
        case .customer: "customer"
        case .contract: Self.contractKind
        case .rateCard: "rate_card"
        }
    }

    package var id: String {
        switch self {
        case .customer(let id), .rateCard(let id), .contract(_, let id): id
        }
    }

    /// 404 unless the owner exists.
    fileprivate func checkExists(_ db: Database) throws {
        switch self {
        case .customer(let id): _ = try AppDatabase.customerRecord(id: id, db)
        case .contract(let customerId, let contractId):
            _ = try AppDatabase.customerRecord(id: customerId, db)
            _ = try AppDatabase.contractRecord(customerId: customerId, contractId: contractId, db)
        case .rateCard(let id): _ = try AppDatabase.rateCardRecord(id: id, db)
        }
    }
}

/// One named schedule of a contract, as `listNamedSchedules` answers it.
package struct ContractNamedSchedule: Sendable {
    /// The contract's insertion order: with `name`, the list's page key.
    package var contractSeq: Int64
    package var contractId: String
    package var name: String
    /// Its segments, earliest first.
    package var segments: [ScheduleSegment]

    /// A value with each stored property given.
    package init(contractSeq: Int64, contractId: String, name: String, segments: [ScheduleSegment]) {
        self.contractSeq = contractSeq
        self.contractId = contractId
        self.name = name
        self.segments = segments
    }
}

extension AppDatabase {
    /// Up to `limit` named schedules of a customer's contracts (archived ones too), in contract
    /// creation order then by name, after `after` (a contract's sequence and a name); only those
    /// of `contractId` or named `name` when given. 404 for an unknown customer or contract.
    package func contractNamedSchedules(
        customerId: String, contractId: String?, name: String?, after: (seq: Int64, name: String)?, limit: Int
    ) async throws -> [ContractNamedSchedule] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            if let contractId {
                _ = try Self.contractRecord(customerId: customerId, contractId: contractId, db)
            }
            var contracts = ContractRecord.filter(ContractRecord.Columns.customerId == customerId)
            if let contractId {
                contracts = contracts.filter(ContractRecord.Columns.id == contractId)
            }
            if let after {
                contracts = contracts.filter(ContractRecord.Columns.seq >= after.seq)
            }
            let seqs = Dictionary(uniqueKeysWithValues: try contracts.fetchAll(db).map { ($0.id, $0.seq ?? 0) })
            var segments = NamedScheduleSegmentRecord
                .filter(NamedScheduleSegmentRecord.Columns.ownerKind == NamedScheduleOwner.contractKind)
                .filter(seqs.keys.contains(NamedScheduleSegmentRecord.Columns.ownerId))
            if let name {
                segments = segments.filter(NamedScheduleSegmentRecord.Columns.scheduleName == name)
            }
            var schedules: [String: ContractNamedSchedule] = [:]
            for record in try segments.order(NamedScheduleSegmentRecord.Columns.startingAt).fetchAll(db) {
                let key = "\(record.ownerId)\u{1F}\(record.scheduleName)"
                schedules[key, default: ContractNamedSchedule(
                    contractSeq: seqs[record.ownerId] ?? 0, contractId: record.ownerId, name: record.scheduleName, segments: []
                )].segments.append(
                    ScheduleSegment(startingAt: record.startingAt, endingBefore: record.endingBefore, value: record.value)
                )
            }
            let ordered = schedules.values.sorted { ($0.contractSeq, $0.name) < ($1.contractSeq, $1.name) }
            let kept = after.map { after in ordered.filter { ($0.contractSeq, $0.name) > (after.seq, after.name) } } ?? ordered
            return Array(kept.prefix(limit))
        }
    }

    /// The segments of a named schedule, earliest first; empty for a name never set.
    package func namedSchedule(of owner: NamedScheduleOwner, name: String) async throws -> [ScheduleSegment] {
        try await writer.read { db in
            try owner.checkExists(db)
            return try Self.segments(of: owner, name: name, db)
        }
    }

    /// Writes `segment` over the named schedule (see `NamedSchedule.overlay`).
    package func updateNamedSchedule(of owner: NamedScheduleOwner, name: String, segment: ScheduleSegment) async throws {
        try await writer.write { db in
            try owner.checkExists(db)
            let updated = NamedSchedule.overlay(try Self.segments(of: owner, name: name, db), with: segment)
            try Self.segmentRequest(of: owner, name: name).deleteAll(db)
            for segment in updated {
                try NamedScheduleSegmentRecord(
                    ownerKind: owner.kind, ownerId: owner.id, scheduleName: name,
                    startingAt: segment.startingAt, endingBefore: segment.endingBefore, value: segment.value
                ).insert(db)
            }
        }
    }

    private static func segmentRequest(of owner: NamedScheduleOwner, name: String) -> QueryInterfaceRequest<NamedScheduleSegmentRecord> {
        NamedScheduleSegmentRecord
            .filter(NamedScheduleSegmentRecord.Columns.ownerKind == owner.kind)
            .filter(NamedScheduleSegmentRecord.Columns.ownerId == owner.id)
            .filter(NamedScheduleSegmentRecord.Columns.scheduleName == name)
    }

    private static func segments(of owner: NamedScheduleOwner, name: String, _ db: Database) throws -> [ScheduleSegment] {
        try segmentRequest(of: owner, name: name)
            .order(NamedScheduleSegmentRecord.Columns.startingAt)
            .fetchAll(db)
            .map { ScheduleSegment(startingAt: $0.startingAt, endingBefore: $0.endingBefore, value: $0.value) }
    }
}
