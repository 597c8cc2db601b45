import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// A customer's billing configurations: the legacy per-provider `billing-config` and the
/// billing provider configurations of contracts.
struct BillingConfigurationsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/customers/{customer_id}/billing-config/{billing_provider_type}", use: createLegacy)
        routes.get("/v1/customers/{customer_id}/billing-config/{billing_provider_type}", use: retrieveLegacy)
        routes.delete("/v1/customers/{customer_id}/billing-config/{billing_provider_type}", use: deleteLegacy)
        routes.post("/v1/setCustomerBillingProviderConfigurations", use: set)
        routes.post("/v1/getCustomerBillingProviderConfigurations", use: get)
        routes.post("/v1/archiveCustomerBillingProviderConfigurations", use: archive)
        return routes
    }

    // MARK: - Legacy billing config

    @Sendable func createLegacy(_ request: Request, context: Context) async throws -> Response {
        let (customerId, type) = try Self.pathParameters(context)
        let body = try await request.decodeJSON(as: LegacyBillingConfigBody.self, context: context)
        let config = try LegacyBillingConfig(billingProviderType: type.rawValue, body: body)
        try await database.saveLegacyBillingConfig(config, customerId: customerId)
        return JSONResponse.empty()
    }

    @Sendable func retrieveLegacy(_ request: Request, context: Context) async throws -> Response {
        let (customerId, type) = try Self.pathParameters(context)
        let config = try await database.legacyBillingConfig(customerId: customerId, billingProviderType: type.rawValue)
        var body = try config.body()
        body.billingProviderType = nil
        return try JSONResponse.ok(DataEnvelope(data: body))
    }

    @Sendable func deleteLegacy(_ request: Request, context: Context) async throws -> Response {
        let (customerId, type) = try Self.pathParameters(context)
        try await database.deleteLegacyBillingConfig(customerId: customerId, billingProviderType: type.rawValue)
        return JSONResponse.empty()
    }

    private static func pathParameters(_ context: Context) throws -> (String, BillingProviderType) {
        let customerId = try CustomersEndpoints.customerId(context)
        let typeText = context.parameters.get("billing_provider_type") ?? ""
        guard let type = BillingProviderType(wireValue: typeText) else {
            throw APIError.badRequest(
                "'\(typeText)' is not a billing provider type; expected one of: \(BillingProviderType.allowedValues)"
            )
        }
        return (customerId, type)
    }

    // MARK: - Billing provider configurations

    @Sendable func set(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: SetBillingProviderConfigurationsRequest.self, context: context)
        let configurations = try body.data.enumerated().map { index, item in
            try item.body.validated(
                customerId: try Validate.id(item.customerId, field: "data[\(index)].customer_id"), field: "data[\(index)]"
            )
        }
        let created = try await database.setBillingProviderConfigurations(configurations, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: created.map(CreatedBillingProviderConfigurationWire.init)))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: GetBillingProviderConfigurationsRequest.self, context: context)
        let configurations = try await database.billingProviderConfigurations(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            includeArchived: body.includeArchived ?? false
        )
        return try JSONResponse.ok(DataEnvelope(data: configurations.map(BillingProviderConfigurationWire.init)))
    }

    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        var body = try await request.decodeJSON(as: ArchiveBillingProviderConfigurationsBody.self, context: context)
        body.customerId = try Validate.id(body.customerId, field: "customer_id")
        body.customerBillingProviderConfigurationIds = try body.customerBillingProviderConfigurationIds.map {
            try Validate.id($0, field: "customer_billing_provider_configuration_ids")
        }
        try await database.archiveBillingProviderConfigurations(
            customerId: body.customerId, ids: body.customerBillingProviderConfigurationIds, now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: body))
    }
}

extension LegacyBillingConfig {
    /// The config to store from a request body; the provider type comes from the path or the
    /// `billing_config` object.
    init(billingProviderType: String, body: LegacyBillingConfigBody) throws {
        try Validate.length(body.billingProviderCustomerId, field: "billing_provider_customer_id", 1...256)
        var settings = body
        settings.billingProviderType = nil
        self.init(
            billingProviderType: billingProviderType,
            settings: try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(settings))
        )
    }

    /// The stored fields in their wire form.
    func body() throws -> LegacyBillingConfigBody {
        try JSONDecoder().decode(LegacyBillingConfigBody.self, from: JSONEncoder().encode(settings))
    }
}
