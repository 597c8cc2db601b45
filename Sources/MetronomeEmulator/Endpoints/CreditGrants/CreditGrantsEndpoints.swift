import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Credit grants, the plans-era balance: `/v1/credits/createGrant|editGrant|voidGrant|listGrants|listEntries`.
struct CreditGrantsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// Customers on a page of `listEntries`, which takes no `limit`.
    static let entriesPageSize = 25

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/credits/createGrant", use: create)
        routes.post("/v1/credits/editGrant", use: edit)
        routes.post("/v1/credits/voidGrant", use: void)
        routes.post("/v1/credits/listGrants", use: list)
        routes.post("/v1/credits/listEntries", use: listEntries)
        return routes
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let decoded = try await request.decodeJSON(as: BodyWithFields<CreateCreditGrantRequest>.self, context: context)
        try decoded.refuse(CreateCreditGrantRequest.unsupportedFields)
        let id = try await database.createCreditGrant(try decoded.value.validated(), now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func edit(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: EditCreditGrantRequest.self, context: context)
        let id = try Validate.id(body.id, field: "id")
        try await database.editCreditGrant(
            id: id,
            CreditGrantEdit(
                name: try body.name.map { try Validate.name($0) }, expiresAt: body.expiresAt, creditGrantType: body.creditGrantType
            ),
            now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// Voids the grant. Grants here never issue a purchase invoice, so
    /// `void_credit_purchase_invoice` has nothing to void.
    @Sendable func void(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: VoidCreditGrantRequest.self, context: context)
        let id = try Validate.id(body.id, field: "id")
        try await database.voidCreditGrant(id: id, releaseUniquenessKey: body.releaseUniquenessKey ?? false, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "credit-grants")
        let body = try await request.decodeJSON(as: ListCreditGrantsRequest.self, context: context)
        let rows = try await database.creditGrants(
            matching: try body.validated(), afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit, now: clock.now()
        )
        let names = try await database.creditTypeNames()
        return try JSONResponse.ok(Page(rows: rows, request: page, list: "credit-grants", key: { [String($0.record.seq ?? 0)] }) {
            CreditGrantWire($0, names: names)
        })
    }

    /// Each customer's credit ledgers, one customer per row, in the order customers were created.
    @Sendable func listEntries(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let page = try PageRequest(queryWithoutLimit: query, list: "credit-ledgers", pageSize: Self.entriesPageSize)
        let descending: Bool
        switch query.string("sort") {
        case nil, "asc": descending = false
        case "desc": descending = true
        case let other?: throw APIError.badRequest("'sort' must be asc or desc, not '\(other)'")
        }
        let body = try await request.decodeJSON(as: ListCreditEntriesRequest.self, context: context)
        let now = clock.now()
        if let endingBefore = body.endingBefore, endingBefore > now {
            throw APIError.badRequest("'ending_before' must not be in the future")
        }
        if let start = body.startingOn, let end = body.endingBefore, start >= end {
            throw APIError.badRequest("'ending_before' must be after 'starting_on'")
        }
        let filter = CreditLedgerFilter(
            customerIds: try Validate.ids(body.customerIds ?? [], field: "customer_ids"),
            creditTypeIds: try Validate.ids(body.creditTypeIds ?? [], field: "credit_type_ids"),
            startingOn: body.startingOn, endingBefore: body.endingBefore, descending: descending
        )
        let rows = try await database.creditLedgers(
            matching: filter, afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit, now: now
        )
        return try JSONResponse.ok(Page(rows: rows, request: page, list: "credit-ledgers", key: { [String($0.seq)] }) {
            CustomerCreditLedgersWire(customerId: $0.customerId, ledgers: $0.ledgers.map(CustomerCreditLedgersWire.LedgerWire.init))
        })
    }
}
