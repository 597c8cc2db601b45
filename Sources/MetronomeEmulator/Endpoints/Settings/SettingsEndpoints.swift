import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Account settings: `/v1/setUpBillingProvider`, `/v1/listConfiguredBillingProviders`,
/// `/v1/upsertAvalaraCredentials`.
struct SettingsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// Page size of `listConfiguredBillingProviders`, which takes no `limit`.
    static let billingProvidersPageSize = 100

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/setUpBillingProvider", use: setUpBillingProvider)
        routes.post("/v1/listConfiguredBillingProviders", use: listConfiguredBillingProviders)
        routes.post("/v1/upsertAvalaraCredentials", use: upsertAvalaraCredentials)
        return routes
    }

    /// Sets up a billing provider for the account; answers the new delivery method's ID.
    @Sendable func setUpBillingProvider(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: SetUpBillingProviderRequest.self, context: context)
        let id = try await database.setUpBillingProvider(
            billingProvider: body.billingProvider.rawValue, deliveryMethod: body.deliveryMethod.rawValue,
            configuration: .object(body.configuration), now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: DeliveryMethodIDPayload(deliveryMethodId: id)))
    }

    @Sendable func listConfiguredBillingProviders(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ListConfiguredBillingProvidersRequest.self, context: context)
        let page = try PageRequest(
            bodyLimit: nil, bodyToken: body.nextPage, list: "configured-billing-providers",
            defaultLimit: Self.billingProvidersPageSize, maxLimit: Self.billingProvidersPageSize
        )
        let rows = try await database.configuredBillingProviders(afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit)
        return try JSONResponse.ok(
            Page(
                rows: rows, request: page, list: "configured-billing-providers", key: { [String($0.seq)] },
                transform: ConfiguredBillingProviderWire.init
            )
        )
    }

    /// Keeps the credentials for each delivery method; they are never sent back.
    @Sendable func upsertAvalaraCredentials(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: UpsertAvalaraCredentialsRequest.self, context: context)
        guard !body.deliveryMethodIds.isEmpty else {
            throw APIError.badRequest("'delivery_method_ids' must not be empty")
        }
        for (field, text) in [("avalara_username", body.avalaraUsername), ("avalara_password", body.avalaraPassword)] where text.isEmpty {
            throw APIError.badRequest("'\(field)' must not be empty")
        }
        let ids = try body.deliveryMethodIds.enumerated().map { index, id in
            try Validate.id(id, field: "delivery_method_ids[\(index)]")
        }
        try await database.upsertAvalaraCredentials(
            NewAvalaraCredentials(
                environment: body.avalaraEnvironment.rawValue, username: body.avalaraUsername,
                password: body.avalaraPassword, commitTransactions: body.commitTransactions, deliveryMethodIds: ids
            ),
            now: clock.now()
        )
        return try JSONResponse.ok([String: String]())
    }
}

// MARK: - Wire types

/// The body of `setUpBillingProvider`.
struct SetUpBillingProviderRequest: Decodable {
    var billingProvider: AccountBillingProvider
    var deliveryMethod: AccountDeliveryMethod
    var configuration: [String: JSONValue]

    /// The billing providers that can be set up for the account.
    enum AccountBillingProvider: String, WireEnum {
        case awsMarketplace = "aws_marketplace"
        case azureMarketplace = "azure_marketplace"
        case gcpMarketplace = "gcp_marketplace"
    }

    /// How invoices reach the billing provider.
    enum AccountDeliveryMethod: String, WireEnum {
        case directToBillingProvider = "direct_to_billing_provider"
        case awsSqs = "aws_sqs"
        case awsSns = "aws_sns"
    }

    enum CodingKeys: String, CodingKey {
        case billingProvider = "billing_provider", deliveryMethod = "delivery_method", configuration
    }
}

/// The body of `listConfiguredBillingProviders`: the page cursor only.
struct ListConfiguredBillingProvidersRequest: Decodable {
    var nextPage: String?

    enum CodingKeys: String, CodingKey {
        case nextPage = "next_page"
    }
}

/// The body of `upsertAvalaraCredentials`.
struct UpsertAvalaraCredentialsRequest: Decodable {
    var avalaraEnvironment: AvalaraEnvironment
    var avalaraUsername: String
    var avalaraPassword: String
    var deliveryMethodIds: [String]
    var commitTransactions: Bool?

    /// The Avalara environment the credentials are for.
    enum AvalaraEnvironment: String, WireEnum {
        case production = "PRODUCTION"
        case sandbox = "SANDBOX"
    }

    enum CodingKeys: String, CodingKey {
        case avalaraEnvironment = "avalara_environment", avalaraUsername = "avalara_username"
        case avalaraPassword = "avalara_password", deliveryMethodIds = "delivery_method_ids"
        case commitTransactions = "commit_transactions"
    }
}

/// `{"delivery_method_id": ...}`, inside `data`.
struct DeliveryMethodIDPayload: Encodable {
    var deliveryMethodId: String

    enum CodingKeys: String, CodingKey {
        case deliveryMethodId = "delivery_method_id"
    }
}

/// A billing provider set up for the account, as `listConfiguredBillingProviders` shows it.
struct ConfiguredBillingProviderWire: Encodable {
    var billingProvider: String
    var deliveryMethod: String
    var deliveryMethodConfiguration: JSONValue
    var deliveryMethodId: String

    enum CodingKeys: String, CodingKey {
        case billingProvider = "billing_provider", deliveryMethod = "delivery_method"
        case deliveryMethodConfiguration = "delivery_method_configuration", deliveryMethodId = "delivery_method_id"
    }

    /// The provider on the wire.
    init(_ provider: ConfiguredBillingProvider) {
        billingProvider = provider.billingProvider
        deliveryMethod = provider.deliveryMethod.deliveryMethod
        deliveryMethodConfiguration = provider.deliveryMethod.configuration
        deliveryMethodId = provider.deliveryMethod.id
    }
}
