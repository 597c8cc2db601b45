import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Named schedules of customers, contracts and rate cards: `getNamedSchedule` and `updateNamedSchedule`
/// under each owner's path, on one machinery (`NamedSchedule.overlay`); `listNamedSchedules` for contracts.
struct NamedSchedulesEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase

    /// The kinds of owner, with the body field naming one.
    enum OwnerKind {
        case customer, contract, rateCard

        var idField: String {
            switch self {
            case .customer: "customer_id"
            case .contract: "contract_id"
            case .rateCard: "rate_card_id"
            }
        }

        func owner(_ body: NamedScheduleOwnerFields) throws -> NamedScheduleOwner {
            let given: String? = switch self {
            case .customer: body.customerId
            case .contract: body.contractId
            case .rateCard: body.rateCardId
            }
            guard let given else { throw APIError.badRequest("Missing required field '\(idField)'") }
            let id = try Validate.id(given, field: idField)
            switch self {
            case .customer: return .customer(id)
            case .rateCard: return .rateCard(id)
            case .contract:
                guard let customerId = body.customerId else { throw APIError.badRequest("Missing required field 'customer_id'") }
                return .contract(customerId: try Validate.id(customerId, field: "customer_id"), contractId: id)
            }
        }
    }

    /// The routes of every owner kind.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/customers/getNamedSchedule") { try await get($0, context: $1, kind: .customer) }
        routes.post("/v1/customers/updateNamedSchedule") { try await update($0, context: $1, kind: .customer) }
        routes.post("/v1/contracts/getNamedSchedule") { try await get($0, context: $1, kind: .contract) }
        routes.post("/v1/contracts/updateNamedSchedule") { try await update($0, context: $1, kind: .contract) }
        routes.post("/v1/contracts/listNamedSchedules", use: listContractSchedules)
        routes.post("/v1/contract-pricing/rate-cards/getNamedSchedule") { try await get($0, context: $1, kind: .rateCard) }
        routes.post("/v1/contract-pricing/rate-cards/updateNamedSchedule") { try await update($0, context: $1, kind: .rateCard) }
        return routes
    }

    @Sendable func get(_ request: Request, context: Context, kind: OwnerKind) async throws -> Response {
        let decoded = try await request.decodeJSON(as: BodyWithFields<GetNamedScheduleRequest>.self, context: context)
        try decoded.refuse(NamedScheduleOwnerFields.unsupportedFields)
        let body = decoded.value
        var segments = try await database.namedSchedule(of: try kind.owner(body.owner), name: body.scheduleName)
        if let coveringDate = body.coveringDate {
            segments = NamedSchedule.segment(of: segments, covering: coveringDate).map { [$0] } ?? []
        }
        return try JSONResponse.ok(DataEnvelope(data: segments.map(ScheduleSegmentWire.init)))
    }

    /// The named schedules of a customer's contracts, or of one contract, a page at a time.
    @Sendable func listContractSchedules(_ request: Request, context: Context) async throws -> Response {
        let decoded = try await request.decodeJSON(
            as: BodyWithFields<ListContractNamedSchedulesRequest>.self, context: context
        )
        try decoded.refuse(NamedScheduleOwnerFields.unsupportedFields)
        let body = decoded.value
        let list = "contract-named-schedules"
        let page = try PageRequest(
            bodyLimit: body.limit, bodyToken: body.nextPage, list: list, defaultLimit: Limits.pageSize, maxLimit: Limits.pageSize
        )
        let after = try page.after.map { cursor in
            guard cursor.key.count == 2 else { throw APIError.badRequest("'next_page' is not a valid cursor") }
            return (seq: try cursor.integer(at: 0), name: cursor.key[1])
        }
        let rows = try await database.contractNamedSchedules(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            contractId: try body.contractId.map { try Validate.id($0, field: "contract_id") }, name: body.scheduleName,
            after: after, limit: page.fetchLimit
        )
        return try JSONResponse.ok(
            Page(rows: rows, request: page, list: list, key: { [String($0.contractSeq), $0.name] }) {
                ContractNamedScheduleWire($0, covering: body.coveringDate)
            }
        )
    }

    @Sendable func update(_ request: Request, context: Context, kind: OwnerKind) async throws -> Response {
        let decoded = try await request.decodeJSON(as: BodyWithFields<UpdateNamedScheduleRequest>.self, context: context)
        try decoded.refuse(NamedScheduleOwnerFields.unsupportedFields)
        let body = decoded.value
        let owner = try kind.owner(body.owner)
        try Validate.length(body.scheduleName, field: "schedule_name", 1...256)
        try Validate.range(startingAt: body.startingAt, endingBefore: body.endingBefore)
        let segment = ScheduleSegment(startingAt: body.startingAt, endingBefore: body.endingBefore, value: body.value)
        try await database.updateNamedSchedule(of: owner, name: body.scheduleName, segment: segment)
        return JSONResponse.empty()
    }
}
