import Foundation
import MetronomeBilling
import MetronomeCodecs

/// What the emulator loads at start and on reset: the objects that, in Metronome, come from
/// its app or exist before any API call. One JSON file per kind in a folder, each an array:
/// `credit_types.json`, `delivery_methods.json`, `customers.json`, `billable_metrics.json`,
/// `products.json`, `rate_cards.json`, `plans.json`.
package struct Fixtures: Sendable {
    package var creditTypes: [CreditTypeFixture] = []
    package var deliveryMethods: [DeliveryMethodFixture] = []
    package var customers: [CustomerFixture] = []
    package var billableMetrics: [BillableMetricFixture] = []
    package var products: [NewProduct] = []
    package var rateCards: [RateCardFixture] = []
    package var plans: [PlanDefinition] = []

    /// No fixtures at all (`--no-fixtures`).
    package static let none = Fixtures()

    /// A value with each stored property given.
    package init(
        creditTypes: [CreditTypeFixture] = [],
        deliveryMethods: [DeliveryMethodFixture] = [],
        customers: [CustomerFixture] = [],
        billableMetrics: [BillableMetricFixture] = [],
        products: [NewProduct] = [],
        rateCards: [RateCardFixture] = [],
        plans: [PlanDefinition] = []
    ) {
        self.creditTypes = creditTypes
        self.deliveryMethods = deliveryMethods
        self.customers = customers
        self.billableMetrics = billableMetrics
        self.products = products
        self.rateCards = rateCards
        self.plans = plans
    }
}

/// A credit type (pricing unit): `{"id", "name", "is_currency"}`.
package struct CreditTypeFixture: Codable, Sendable {
    package var id: String
    package var name: String
    package var isCurrency: Bool

    package enum CodingKeys: String, CodingKey {
        case id, name, isCurrency = "is_currency"
    }

    /// A value with each stored property given.
    package init(id: String, name: String, isCurrency: Bool) {
        self.id = id
        self.name = name
        self.isCurrency = isCurrency
    }
}

/// A delivery method set up in Metronome's app: `{"id", "delivery_method", "configuration"}`.
package struct DeliveryMethodFixture: Codable, Sendable {
    package var id: String
    package var deliveryMethod: String
    package var configuration: JSONValue?

    package enum CodingKeys: String, CodingKey {
        case id, deliveryMethod = "delivery_method", configuration
    }

    /// A value with each stored property given.
    package init(id: String, deliveryMethod: String, configuration: JSONValue? = nil) {
        self.id = id
        self.deliveryMethod = deliveryMethod
        self.configuration = configuration
    }
}

/// A customer that exists from the start, with a fixed ID so tests can name it:
/// `{"id", "name", "ingest_aliases", "external_id", "custom_fields"}`.
package struct CustomerFixture: Codable, Sendable {
    package var id: String
    package var name: String
    package var ingestAliases: [String]?
    package var externalId: String?
    package var customFields: [String: String]?

    package enum CodingKeys: String, CodingKey {
        case id, name, ingestAliases = "ingest_aliases", externalId = "external_id", customFields = "custom_fields"
    }

    /// A value with each stored property given.
    package init(
        id: String,
        name: String,
        ingestAliases: [String]? = nil,
        externalId: String? = nil,
        customFields: [String: String]? = nil
    ) {
        self.id = id
        self.name = name
        self.ingestAliases = ingestAliases
        self.externalId = externalId
        self.customFields = customFields
    }
}

/// A billable metric that exists from the start: `{"id", "name", ...}` with the fields of
/// `POST /v1/billable-metrics/create`.
package struct BillableMetricFixture: Sendable {
    package var id: String
    package var name: String
    package var definition: BillableMetricDefinition
    package var customFields: [String: String]

    /// A value with each stored property given.
    package init(id: String, name: String, definition: BillableMetricDefinition, customFields: [String: String]) {
        self.id = id
        self.name = name
        self.definition = definition
        self.customFields = customFields
    }
}

/// A rate card that exists from the start, with its rates.
package struct RateCardFixture: Sendable {
    package var card: NewRateCard
    package var rates: [Rate]

    /// A value with each stored property given.
    package init(card: NewRateCard, rates: [Rate]) {
        self.card = card
        self.rates = rates
    }
}
