import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The owner fields of a named-schedule body; which one is required depends on the path.
struct NamedScheduleOwnerFields: Decodable {
    var customerId: String?
    var contractId: String?
    var rateCardId: String?

    /// `properties`, which qualifies which of several schedules of one name applies: a schedule
    /// here has one value at a time, so it is refused rather than ignored.
    static let unsupportedFields = ["properties"]

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", rateCardId = "rate_card_id"
    }
}

/// The body of every `getNamedSchedule`.
struct GetNamedScheduleRequest: Decodable {
    var owner: NamedScheduleOwnerFields
    var scheduleName: String
    var coveringDate: Timestamp?

    enum CodingKeys: String, CodingKey {
        case scheduleName = "schedule_name", coveringDate = "covering_date"
    }

    init(from decoder: any Decoder) throws {
        owner = try NamedScheduleOwnerFields(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scheduleName = try container.decode(String.self, forKey: .scheduleName)
        coveringDate = try container.decodeIfPresent(Timestamp.self, forKey: .coveringDate)
    }
}

/// The body of every `updateNamedSchedule`.
struct UpdateNamedScheduleRequest: Decodable {
    var owner: NamedScheduleOwnerFields
    var scheduleName: String
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var value: JSONValue

    enum CodingKeys: String, CodingKey {
        case scheduleName = "schedule_name", startingAt = "starting_at", endingBefore = "ending_before", value
    }

    init(from decoder: any Decoder) throws {
        owner = try NamedScheduleOwnerFields(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scheduleName = try container.decode(String.self, forKey: .scheduleName)
        startingAt = try container.decode(Timestamp.self, forKey: .startingAt)
        endingBefore = try container.decodeIfPresent(Timestamp.self, forKey: .endingBefore)
        value = try container.decode(JSONValue.self, forKey: .value)
    }
}

/// The body of `/v1/contracts/listNamedSchedules` (the page `next_page` and `limit` are in the body).
struct ListContractNamedSchedulesRequest: Decodable {
    var customerId: String
    var contractId: String?
    var scheduleName: String?
    var coveringDate: Timestamp?
    var limit: Int?
    var nextPage: String?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", scheduleName = "schedule_name"
        case coveringDate = "covering_date", limit, nextPage = "next_page"
    }
}

/// One item of `listNamedSchedules`: a contract's named schedule and its segments.
struct ContractNamedScheduleWire: Encodable {
    var contractId: String
    var scheduleName: String
    var segments: [ScheduleSegmentWire]

    enum CodingKeys: String, CodingKey {
        case contractId = "contract_id", scheduleName = "schedule_name", segments
    }

    /// `schedule`, with only the segment covering `coveringDate` (if any) when one is given.
    init(_ schedule: ContractNamedSchedule, covering coveringDate: Timestamp?) {
        contractId = schedule.contractId
        scheduleName = schedule.name
        let segments = coveringDate.map { date in NamedSchedule.segment(of: schedule.segments, covering: date).map { [$0] } ?? [] }
        self.segments = (segments ?? schedule.segments).map(ScheduleSegmentWire.init)
    }
}

/// One segment of a named schedule on the wire.
struct ScheduleSegmentWire: Encodable {
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var value: JSONValue

    enum CodingKeys: String, CodingKey {
        case startingAt = "starting_at", endingBefore = "ending_before", value
    }

    init(_ segment: ScheduleSegment) {
        startingAt = segment.startingAt
        endingBefore = segment.endingBefore
        value = segment.value
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(startingAt, forKey: .startingAt)
        try container.encode(endingBefore, forKey: .endingBefore)
        try container.encode(value, forKey: .value)
    }
}
