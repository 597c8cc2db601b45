import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The Customers resource: `/v1/customers` and its per-customer actions.
struct CustomersEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock
    /// Bodies of `retrieve`, a function of the store alone, reused until the next commit.
    let retrievedBodies = ResponseBodyCache()

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/customers", use: create)
        routes.get("/v1/customers", use: list)
        routes.get("/v1/customers/{customer_id}", use: retrieve)
        routes.post("/v1/customers/archive", use: archive)
        routes.post("/v1/customers/{customer_id}/setName", use: setName)
        routes.post("/v1/customers/{customer_id}/setIngestAliases", use: setIngestAliases)
        routes.post("/v1/customers/{customer_id}/updateConfig", use: updateConfig)
        return routes
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateCustomerRequest.self, context: context)
        if let externalId = body.externalId {
            try Validate.length(externalId, field: "external_id", Limits.identifierLength)
        }
        let configurations = try (body.customerBillingProviderConfigurations ?? []).enumerated().map { index, item in
            // The customer ID is filled in by the store once the customer exists.
            try item.validated(customerId: "", field: "customer_billing_provider_configurations[\(index)]")
        }
        let revenueSystems = try (body.customerRevenueSystemConfigurations ?? []).enumerated().map { index, item in
            try item.validated(customerId: "", field: "customer_revenue_system_configurations[\(index)]")
        }
        let new = NewCustomer(
            name: try Validate.name(body.name),
            ingestAliases: try body.validatedIngestAliases(),
            externalId: body.externalId,
            customFields: body.customFields ?? [:],
            legacyBillingConfig: try body.billingConfig.map { config in
                guard let type = config.billingProviderType else {
                    throw APIError.badRequest("Missing required field 'billing_config.billing_provider_type'")
                }
                return try LegacyBillingConfig(billingProviderType: type.rawValue, body: config)
            },
            billingProviderConfigurations: configurations,
            revenueSystemConfigurations: revenueSystems
        )
        let customer = try await database.createCustomer(new, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: CustomerWire(customer)))
    }

    @Sendable func retrieve(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.customerId(context)
        // Read before the store, so a write that lands meanwhile leaves the cached copy unused.
        let commits = database.commits.value
        if let body = retrievedBodies.body(for: id, commits: commits) {
            return JSONResponse.ok(bytes: body)
        }
        let customer = try await database.customer(id: id)
        let body = try StreamingJSONEncoder.encode(DataEnvelope(data: CustomerDetailWire(customer)))
        retrievedBodies.remember(body, for: id, commits: commits)
        return JSONResponse.ok(bytes: body)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let page = try PageRequest(query: query, list: "customers")
        let customerIds = try query.strings("customer_ids").map { try Validate.id($0, field: "customer_ids") }
        let salesforceAccountIds = query.strings("salesforce_account_ids")
        try Validate.count(customerIds, field: "customer_ids", max: Limits.idsPerFilter)
        try Validate.count(salesforceAccountIds, field: "salesforce_account_ids", max: Limits.idsPerFilter)
        let filter = CustomerFilter(
            customerIds: customerIds,
            ingestAlias: query.string("ingest_alias"),
            onlyArchived: try query.bool("only_archived") ?? false,
            salesforceAccountIds: salesforceAccountIds
        )
        let rows = try await database.customers(
            matching: filter, afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit
        )
        return try JSONResponse.ok(
            Page(rows: rows, request: page, list: "customers", key: { [String($0.record.seq ?? 0)] }, transform: CustomerDetailWire.init)
        )
    }

    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ArchiveCustomerRequest.self, context: context)
        let id = try Validate.id(body.id, field: "id")
        try await database.archiveCustomer(id: id, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func setName(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.customerId(context)
        let body = try await request.decodeJSON(as: SetCustomerNameRequest.self, context: context)
        let customer = try await database.setCustomerName(id: id, name: try Validate.name(body.name), now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: CustomerWire(customer)))
    }

    @Sendable func setIngestAliases(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.customerId(context)
        let body = try await request.decodeJSON(as: SetIngestAliasesRequest.self, context: context)
        try Validate.count(body.ingestAliases, field: "ingest_aliases", max: Limits.ingestAliasesPerCustomer)
        let aliases = try IngestAliases.validated(body.ingestAliases)
        try await database.setIngestAliases(customerId: id, aliases: aliases, now: clock.now())
        return JSONResponse.empty()
    }

    @Sendable func updateConfig(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.customerId(context)
        let body = try await request.decodeJSON(as: UpdateCustomerConfigRequest.self, context: context)
        try await database.updateCustomerConfig(
            customerId: id, salesforceAccountId: body.salesforceAccountId,
            leaveStripeInvoicesInDraft: body.leaveStripeInvoicesInDraft, now: clock.now()
        )
        return JSONResponse.empty()
    }

    /// The `{customer_id}` of the path, checked to be a UUID.
    static func customerId(_ context: Context) throws -> String {
        try Validate.id(context.parameters.get("customer_id") ?? "", field: "customer_id")
    }
}
