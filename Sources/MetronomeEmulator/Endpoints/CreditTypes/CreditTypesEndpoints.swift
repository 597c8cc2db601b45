import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Credit types (pricing units): `GET /v1/credit-types/list`, `POST /v1/credit-types/create|archive`.
struct CreditTypesEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/v1/credit-types/list", use: list)
        routes.post("/v1/credit-types/create", use: create)
        routes.post("/v1/credit-types/archive", use: archive)
        return routes
    }

    /// Creates a custom pricing unit.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateCreditTypeRequest.self, context: context)
        let id = try await database.createCustomCreditType(name: try Validate.name(body.name))
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// Archives a custom pricing unit; what already uses it keeps it.
    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ArchiveCreditTypeRequest.self, context: context)
        let id = try Validate.id(body.id, field: "id")
        try await database.archiveCustomCreditType(id: id, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "credit-types")
        let rows = try await database.creditTypes(afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit)
        return try JSONResponse.ok(
            Page(rows: rows, request: page, list: "credit-types", key: { [String($0.seq ?? 0)] }, transform: CreditTypeWire.init)
        )
    }
}

/// The body of `create`: `{"name"}`.
struct CreateCreditTypeRequest: Decodable {
    var name: String
}

/// The body of `archive`: `{"id"}`.
struct ArchiveCreditTypeRequest: Decodable {
    var id: String
}

/// A credit type on the wire.
struct CreditTypeWire: Encodable {
    var id: String
    var isCurrency: Bool
    var name: String

    enum CodingKeys: String, CodingKey {
        case id, isCurrency = "is_currency", name
    }

    init(_ record: CreditTypeRecord) {
        id = record.id
        isCurrency = record.isCurrency
        name = record.name
    }
}

/// A credit type as `{id, name}`.
struct CreditTypeDataWire: Encodable {
    var id: String
    var name: String

    /// The credit type of a record.
    init(_ record: CreditTypeRecord) {
        id = record.id
        name = record.name
    }

    /// The credit type `id` (USD cents when nil), named from `names`.
    init(id: String?, names: [String: String]) {
        self.id = id ?? CreditTypes.usdCentsId
        self.name = names[self.id] ?? self.id
    }
}
