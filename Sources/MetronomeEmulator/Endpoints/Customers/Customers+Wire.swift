import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

// MARK: - Responses

/// Metronome's `Customer`: what create and setName answer.
struct CustomerWire: Encodable {
    var id: String
    var externalId: String
    var ingestAliases: [String]
    var name: String
    var customFields: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, externalId = "external_id", ingestAliases = "ingest_aliases", name, customFields = "custom_fields"
    }

    init(_ snapshot: CustomerSnapshot) {
        id = snapshot.record.id
        externalId = snapshot.record.externalId
        ingestAliases = snapshot.ingestAliases
        name = snapshot.record.name
        customFields = snapshot.record.customFields
    }
}

/// Metronome's `CustomerDetail`: what retrieve and list answer.
struct CustomerDetailWire: Encodable {
    var id: String
    var createdAt: Timestamp
    var customFields: [String: String]
    var customerConfig: CustomerConfig
    var externalId: String
    var ingestAliases: [String]
    var name: String
    var updatedAt: Timestamp
    var archivedAt: Timestamp?
    var currentBillableStatus: CurrentBillableStatus

    struct CustomerConfig: Encodable {
        var salesforceAccountId: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(salesforceAccountId, forKey: .salesforceAccountId)
        }

        enum CodingKeys: String, CodingKey {
            case salesforceAccountId = "salesforce_account_id"
        }
    }

    struct CurrentBillableStatus: Encodable {
        var value: String
        var effectiveAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case value, effectiveAt = "effective_at"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, createdAt = "created_at", customFields = "custom_fields", customerConfig = "customer_config"
        case externalId = "external_id", ingestAliases = "ingest_aliases", name, updatedAt = "updated_at"
        case archivedAt = "archived_at", currentBillableStatus = "current_billable_status"
    }

    init(_ snapshot: CustomerSnapshot) {
        let record = snapshot.record
        id = record.id
        createdAt = record.createdAt
        customFields = record.customFields
        customerConfig = CustomerConfig(salesforceAccountId: record.salesforceAccountId)
        externalId = record.externalId
        ingestAliases = snapshot.ingestAliases
        name = record.name
        updatedAt = record.updatedAt
        archivedAt = record.archivedAt
        currentBillableStatus = record.archivedAt.map { CurrentBillableStatus(value: "unbillable", effectiveAt: $0) }
            ?? CurrentBillableStatus(value: "billable", effectiveAt: record.createdAt)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(customFields, forKey: .customFields)
        try container.encode(customerConfig, forKey: .customerConfig)
        try container.encode(externalId, forKey: .externalId)
        try container.encode(ingestAliases, forKey: .ingestAliases)
        try container.encode(name, forKey: .name)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(archivedAt, forKey: .archivedAt)
        try container.encode(currentBillableStatus, forKey: .currentBillableStatus)
    }
}

// MARK: - Requests

/// The body of `POST /v1/customers`.
struct CreateCustomerRequest: Decodable {
    var name: String
    var ingestAliases: [String]?
    var externalId: String?
    var customFields: [String: String]?
    var billingConfig: LegacyBillingConfigBody?
    var customerBillingProviderConfigurations: [CustomerBillingProviderConfigurationBody]?
    var customerRevenueSystemConfigurations: [CustomerRevenueSystemConfigurationBody]?

    enum CodingKeys: String, CodingKey {
        case name, ingestAliases = "ingest_aliases", externalId = "external_id", customFields = "custom_fields"
        case billingConfig = "billing_config"
        case customerBillingProviderConfigurations = "customer_billing_provider_configurations"
        case customerRevenueSystemConfigurations = "customer_revenue_system_configurations"
    }

    /// The aliases the customer will hold: `external_id` first, then `ingest_aliases`, each once.
    func validatedIngestAliases() throws -> [String] {
        try Validate.count(ingestAliases ?? [], field: "ingest_aliases", max: Limits.ingestAliasesPerCustomer)
        return try IngestAliases.validated([externalId].compactMap { $0 } + (ingestAliases ?? []))
    }
}

/// Ingest aliases as a request sends them.
enum IngestAliases {
    /// `requested` in order without repeats, each checked to be 1–128 characters.
    static func validated(_ requested: [String]) throws -> [String] {
        var seen = Set<String>()
        return try requested.filter { alias in
            try Validate.length(alias, field: "ingest_aliases", Limits.identifierLength)
            return seen.insert(alias).inserted
        }
    }
}

/// The legacy `billing_config` of a customer create, and the body of
/// `POST /v1/customers/{id}/billing-config/{type}` (where the type comes from the path).
struct LegacyBillingConfigBody: Codable {
    var billingProviderType: BillingProviderType?
    var billingProviderCustomerId: String
    var awsCustomerAccountId: String?
    var awsCustomerId: String?
    var awsIsSubscriptionProduct: Bool?
    var awsProductCode: String?
    var awsRegion: String?
    var stripeCollectionMethod: StripeCollectionMethod?

    enum CodingKeys: String, CodingKey {
        case billingProviderType = "billing_provider_type"
        case billingProviderCustomerId = "billing_provider_customer_id"
        case awsCustomerAccountId = "aws_customer_account_id"
        case awsCustomerId = "aws_customer_id"
        case awsIsSubscriptionProduct = "aws_is_subscription_product"
        case awsProductCode = "aws_product_code"
        case awsRegion = "aws_region"
        case stripeCollectionMethod = "stripe_collection_method"
    }
}

/// One item of `customer_billing_provider_configurations` on customer create.
struct CustomerBillingProviderConfigurationBody: Decodable {
    var billingProvider: BillingProviderType
    var configuration: [String: JSONValue]?
    var deliveryMethod: DeliveryMethod?
    var deliveryMethodId: String?
    var taxProvider: TaxProvider?

    enum CodingKeys: String, CodingKey {
        case billingProvider = "billing_provider", configuration, deliveryMethod = "delivery_method"
        case deliveryMethodId = "delivery_method_id", taxProvider = "tax_provider"
    }

    /// The configuration to store for `customerId`.
    func validated(customerId: String, field: String) throws -> NewBillingProviderConfiguration {
        guard deliveryMethod != nil || deliveryMethodId != nil else {
            throw APIError.badRequest("\(field): either 'delivery_method' or 'delivery_method_id' is required")
        }
        return NewBillingProviderConfiguration(
            customerId: customerId, billingProvider: billingProvider.rawValue,
            deliveryMethod: deliveryMethod?.rawValue,
            deliveryMethodId: try deliveryMethodId.map { try Validate.id($0, field: "\(field).delivery_method_id") },
            configuration: .object(configuration ?? [:]), taxProvider: taxProvider?.rawValue
        )
    }
}

/// One item of `customer_revenue_system_configurations` on customer create.
struct CustomerRevenueSystemConfigurationBody: Decodable {
    var provider: RevenueSystemProvider
    var configuration: [String: JSONValue]?
    var deliveryMethod: DeliveryMethod?
    var deliveryMethodId: String?

    enum CodingKeys: String, CodingKey {
        case provider, configuration, deliveryMethod = "delivery_method", deliveryMethodId = "delivery_method_id"
    }

    /// The configuration to store for `customerId`.
    func validated(customerId: String, field: String) throws -> NewRevenueSystemConfiguration {
        guard deliveryMethod != nil || deliveryMethodId != nil else {
            throw APIError.badRequest("\(field): either 'delivery_method' or 'delivery_method_id' is required")
        }
        return NewRevenueSystemConfiguration(
            customerId: customerId, provider: provider.rawValue, deliveryMethod: deliveryMethod?.rawValue,
            deliveryMethodId: try deliveryMethodId.map { try Validate.id($0, field: "\(field).delivery_method_id") },
            configuration: .object(configuration ?? [:])
        )
    }
}

/// The body of `POST /v1/customers/archive`.
struct ArchiveCustomerRequest: Decodable {
    var id: String
}

/// The body of `POST /v1/customers/{id}/setName`.
struct SetCustomerNameRequest: Decodable {
    var name: String
}

/// The body of `POST /v1/customers/{id}/setIngestAliases`.
struct SetIngestAliasesRequest: Decodable {
    var ingestAliases: [String]

    enum CodingKeys: String, CodingKey {
        case ingestAliases = "ingest_aliases"
    }
}

/// The body of `POST /v1/customers/{id}/updateConfig`: only the fields sent change.
struct UpdateCustomerConfigRequest: Decodable {
    var salesforceAccountId: FieldUpdate<String>
    var leaveStripeInvoicesInDraft: FieldUpdate<Bool>

    enum CodingKeys: String, CodingKey {
        case salesforceAccountId = "salesforce_account_id"
        case leaveStripeInvoicesInDraft = "leave_stripe_invoices_in_draft"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        salesforceAccountId = try container.decodeUpdate(String.self, forKey: .salesforceAccountId)
        leaveStripeInvoicesInDraft = try container.decodeUpdate(Bool.self, forKey: .leaveStripeInvoicesInDraft)
    }
}

// MARK: - Enums

/// Metronome's billing providers.
enum BillingProviderType: String, WireEnum {
    case awsMarketplace = "aws_marketplace"
    case stripe
    case netsuite
    case custom
    case azureMarketplace = "azure_marketplace"
    case quickbooksOnline = "quickbooks_online"
    case workday
    case gcpMarketplace = "gcp_marketplace"
    case metronome
}

/// Metronome's revenue systems.
enum RevenueSystemProvider: String, WireEnum {
    case netsuite
}

/// How invoices reach a billing provider.
enum DeliveryMethod: String, WireEnum {
    case directToBillingProvider = "direct_to_billing_provider"
    case awsSqs = "aws_sqs"
    case tackle
    case awsSns = "aws_sns"
}

/// Tax providers Metronome can use through Stripe.
enum TaxProvider: String, WireEnum {
    case anrok
    case avalara
    case stripe
}

/// Stripe's collection methods.
enum StripeCollectionMethod: String, WireEnum {
    case chargeAutomatically = "charge_automatically"
    case sendInvoice = "send_invoice"
}
