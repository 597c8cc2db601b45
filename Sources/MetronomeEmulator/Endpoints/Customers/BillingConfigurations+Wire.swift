import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

// MARK: - Billing provider configurations

/// The body of `POST /v1/setCustomerBillingProviderConfigurations`.
struct SetBillingProviderConfigurationsRequest: Decodable {
    var data: [Item]

    /// One configuration to create.
    struct Item: Decodable {
        var customerId: String
        var billingProvider: BillingProviderType
        var configuration: [String: JSONValue]?
        var deliveryMethod: DeliveryMethod?
        var deliveryMethodId: String?
        var taxProvider: TaxProvider?

        enum CodingKeys: String, CodingKey {
            case customerId = "customer_id", billingProvider = "billing_provider", configuration
            case deliveryMethod = "delivery_method", deliveryMethodId = "delivery_method_id"
            case taxProvider = "tax_provider"
        }

        /// As the customer-create form of a configuration, whose validation it shares.
        var body: CustomerBillingProviderConfigurationBody {
            CustomerBillingProviderConfigurationBody(
                billingProvider: billingProvider, configuration: configuration, deliveryMethod: deliveryMethod,
                deliveryMethodId: deliveryMethodId, taxProvider: taxProvider
            )
        }
    }
}

/// One item of the set endpoint's answer.
struct CreatedBillingProviderConfigurationWire: Encodable {
    var id: String
    var billingProvider: String
    var configuration: JSONValue
    var customerId: String
    var deliveryMethodId: String
    var taxProvider: String?

    enum CodingKeys: String, CodingKey {
        case id, billingProvider = "billing_provider", configuration, customerId = "customer_id"
        case deliveryMethodId = "delivery_method_id", taxProvider = "tax_provider"
    }

    init(_ record: BillingProviderConfigurationRecord) {
        id = record.id
        billingProvider = record.billingProvider
        configuration = record.configuration
        customerId = record.customerId
        deliveryMethodId = record.deliveryMethodId
        taxProvider = record.taxProvider
    }
}

/// The body of `POST /v1/getCustomerBillingProviderConfigurations`.
struct GetBillingProviderConfigurationsRequest: Decodable {
    var customerId: String
    var includeArchived: Bool?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", includeArchived = "include_archived"
    }
}

/// One item of the get endpoint's answer.
struct BillingProviderConfigurationWire: Encodable {
    var id: String
    var archivedAt: Timestamp?
    var billingProvider: String
    var configuration: JSONValue
    var customerId: String
    var deliveryMethod: String
    var deliveryMethodConfiguration: JSONValue
    var deliveryMethodId: String

    enum CodingKeys: String, CodingKey {
        case id, archivedAt = "archived_at", billingProvider = "billing_provider", configuration
        case customerId = "customer_id", deliveryMethod = "delivery_method"
        case deliveryMethodConfiguration = "delivery_method_configuration", deliveryMethodId = "delivery_method_id"
    }

    init(_ snapshot: BillingProviderConfigurationSnapshot) {
        id = snapshot.record.id
        archivedAt = snapshot.record.archivedAt
        billingProvider = snapshot.record.billingProvider
        configuration = snapshot.record.configuration
        customerId = snapshot.record.customerId
        deliveryMethod = snapshot.deliveryMethod.deliveryMethod
        deliveryMethodConfiguration = snapshot.deliveryMethod.configuration
        deliveryMethodId = snapshot.deliveryMethod.id
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(archivedAt, forKey: .archivedAt)
        try container.encode(billingProvider, forKey: .billingProvider)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(deliveryMethod, forKey: .deliveryMethod)
        try container.encode(deliveryMethodConfiguration, forKey: .deliveryMethodConfiguration)
        try container.encode(deliveryMethodId, forKey: .deliveryMethodId)
    }
}

/// The body of `POST /v1/archiveCustomerBillingProviderConfigurations`, and its answer.
struct ArchiveBillingProviderConfigurationsBody: Codable {
    var customerBillingProviderConfigurationIds: [String]
    var customerId: String

    enum CodingKeys: String, CodingKey {
        case customerBillingProviderConfigurationIds = "customer_billing_provider_configuration_ids"
        case customerId = "customer_id"
    }
}
