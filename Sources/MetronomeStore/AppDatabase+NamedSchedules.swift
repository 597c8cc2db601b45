import GRDB
import MetronomeBilling
import MetronomeCodecs

/// Whose named schedule: a customer's, a contract's or a rate card's.
package enum NamedScheduleOwner: Sendable {
    case customer(String)
    case contract(customerId: String, contractId: String)
    case rateCard(String)

    package var kind: String {
        switch self {
        case .customer: "customer"
        case .contract: "contract"
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

extension AppDatabase {
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
