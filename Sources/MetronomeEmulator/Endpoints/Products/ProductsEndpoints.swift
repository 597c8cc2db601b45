import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Contract products: `/v1/contract-pricing/products/create|get|update|list|archive`.
struct ProductsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/contract-pricing/products/create", use: create)
        routes.post("/v1/contract-pricing/products/get", use: get)
        routes.post("/v1/contract-pricing/products/update", use: update)
        routes.post("/v1/contract-pricing/products/list", use: list)
        routes.post("/v1/contract-pricing/products/archive", use: archive)
        return routes
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateProductRequest.self, context: context)
        let now = clock.now()
        let new = NewProduct(
            type: body.type, state: try body.fields.state(name: try Validate.name(body.name), startingAt: now, now: now),
            customFields: body.customFields ?? [:]
        )
        let id = try await database.createProduct(new, now: now)
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: GetProductRequest.self, context: context)
        let product = try await database.product(id: try Validate.id(body.id, field: "id"))
        return try JSONResponse.ok(DataEnvelope(data: ProductWire(product, now: clock.now())))
    }

    /// Adds a version taking effect at `starting_at` (on an hour boundary); fields left out
    /// keep their values.
    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: UpdateProductRequest.self, context: context)
        let id = try Validate.id(body.productId, field: "product_id")
        guard ProductVersions.isOnHourBoundary(body.startingAt) else {
            throw APIError.badRequest("'starting_at' must be on an hour boundary (e.g. 1:00, not 1:30)")
        }
        let update = try body.fields.state(
            name: try body.name.map { try Validate.name($0) }, startingAt: body.startingAt, now: clock.now()
        )
        try await database.updateProduct(id: id, update: update)
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "products")
        let body = try await request.decodeJSON(as: ListProductsRequest.self, context: context)
        let rows = try await database.products(
            filter: body.archiveFilter ?? .notArchived, afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit
        )
        let now = clock.now()
        return try JSONResponse.ok(
            Page(rows: rows, request: page, list: "products", key: { [String($0.seq ?? 0)] }, transform: { ProductWire($0, now: now) })
        )
    }

    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ArchiveProductRequest.self, context: context)
        let id = try Validate.id(body.productId, field: "product_id")
        try await database.archiveProduct(id: id, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }
}
