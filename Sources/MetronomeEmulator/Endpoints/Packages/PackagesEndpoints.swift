import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Packages: `/v1/packages/create|get|list|archive|listContractsOnPackage`.
struct PackagesEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// Default page size of `list`, as Metronome documents it.
    static let listDefaultLimit = 10

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/packages/create", use: create)
        routes.post("/v1/packages/get", use: get)
        routes.post("/v1/packages/list", use: list)
        routes.post("/v1/packages/archive", use: archive)
        routes.post("/v1/packages/listContractsOnPackage", use: listContracts)
        return routes
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let decoded = try await request.decodeJSON(as: BodyWithFields<CreatePackageRequest>.self, context: context)
        try decoded.refuse(CreatePackageRequest.unsupportedFields)
        let id = try await database.createPackage(try decoded.value.validated(), now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: PackageIDRequest.self, context: context)
        let package = try await database.package(id: try Validate.id(body.packageId, field: "package_id"))
        return try JSONResponse.ok(DataEnvelope(data: PackageWire(package)))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "packages", defaultLimit: Self.listDefaultLimit)
        let body = try await request.decodeJSON(as: ListPackagesRequest.self, context: context)
        let rows = try await database.packages(
            filter: body.archiveFilter ?? .notArchived, afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit
        )
        return try JSONResponse.ok(
            Page(rows: rows, request: page, list: "packages", key: { [String($0.record.seq ?? 0)] }, transform: PackageWire.init)
        )
    }

    /// Archives the package: no new contract can be provisioned on it.
    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: PackageIDRequest.self, context: context)
        let id = try Validate.id(body.packageId, field: "package_id")
        try await database.archivePackage(id: id, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// The contracts provisioned on the package, filtered as `contracts/list` filters.
    @Sendable func listContracts(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "package-contracts")
        let body = try await request.decodeJSON(as: ListContractsOnPackageRequest.self, context: context)
        if body.coveringDate != nil, body.startingAt != nil {
            throw APIError.badRequest("Give 'covering_date' or 'starting_at', not both")
        }
        let rows = try await database.contractsOnPackage(
            id: try Validate.id(body.packageId, field: "package_id"),
            filter: ContractListFilter(
                coveringDate: body.coveringDate, startingAt: body.startingAt, includeArchived: body.includeArchived ?? false
            ),
            afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit
        )
        return try JSONResponse.ok(
            Page(rows: rows, request: page, list: "package-contracts", key: { [String($0.seq)] }, transform: PackageContractWire.init)
        )
    }
}
