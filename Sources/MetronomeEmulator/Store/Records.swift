import Foundation
import GRDB

/// A row of `credit_type`: a currency or custom pricing unit.
struct CreditTypeRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "credit_type"
    var seq: Int64?
    var id: String
    var name: String
    var isCurrency: Bool
    var archivedAt: Timestamp?

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
        static let archivedAt = Column(CodingKeys.archivedAt)
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, name, isCurrency = "is_currency", archivedAt = "archived_at"
    }
}

/// A row of `customer`.
struct CustomerRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "customer"
    var seq: Int64?
    var id: String
    var name: String
    var externalId: String
    var customFields: [String: String]
    var salesforceAccountId: String?
    var leaveStripeInvoicesInDraft: Bool?
    var createdAt: Timestamp
    var updatedAt: Timestamp
    var archivedAt: Timestamp?

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
        static let salesforceAccountId = Column(CodingKeys.salesforceAccountId)
        static let archivedAt = Column(CodingKeys.archivedAt)
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, name
        case externalId = "external_id"
        case customFields = "custom_fields"
        case salesforceAccountId = "salesforce_account_id"
        case leaveStripeInvoicesInDraft = "leave_stripe_invoices_in_draft"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case archivedAt = "archived_at"
    }

}

extension CustomerRecord {
    /// Reads a row by column name, without the generic decoding machinery: customers are read
    /// on the hottest paths.
    init(row: Row) throws {
        seq = row["seq"]
        id = row["id"]
        name = row["name"]
        externalId = row["external_id"]
        let customFieldsJSON: String = row["custom_fields"]
        customFields = customFieldsJSON == "{}" ? [:] : try JSONDecoder().decode([String: String].self, from: Data(customFieldsJSON.utf8))
        salesforceAccountId = row["salesforce_account_id"]
        leaveStripeInvoicesInDraft = row["leave_stripe_invoices_in_draft"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
        archivedAt = row["archived_at"]
    }
}

/// A row of `customer_ingest_alias`: one alias and the customer holding it.
struct IngestAliasRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "customer_ingest_alias"
    var alias: String
    var customerId: String
    var position: Int

    enum Columns {
        static let alias = Column(CodingKeys.alias)
        static let customerId = Column(CodingKeys.customerId)
        static let position = Column(CodingKeys.position)
    }

    enum CodingKeys: String, CodingKey {
        case alias, customerId = "customer_id", position
    }
}

/// A customer with its ingest aliases, in order: what every customer response is built from.
struct CustomerSnapshot: Sendable {
    var record: CustomerRecord
    var ingestAliases: [String]
}

/// A row of `customer_billing_config`: the legacy, one-per-provider billing configuration.
struct CustomerBillingConfigRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "customer_billing_config"
    var customerId: String
    var billingProviderType: String
    /// `billing_provider_customer_id` and the provider-specific fields, as sent.
    var settings: JSONValue

    enum Columns {
        static let customerId = Column(CodingKeys.customerId)
        static let billingProviderType = Column(CodingKeys.billingProviderType)
    }

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", billingProviderType = "billing_provider_type", settings
    }
}

/// A row of `delivery_method`: how invoices reach a billing provider, set up in Metronome's app
/// (here: in fixtures).
struct DeliveryMethodRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "delivery_method"
    var seq: Int64?
    var id: String
    var deliveryMethod: String
    var configuration: JSONValue

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let deliveryMethod = Column(CodingKeys.deliveryMethod)
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, deliveryMethod = "delivery_method", configuration
    }
}

/// A row of `customer_billing_provider_configuration`.
struct BillingProviderConfigurationRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "customer_billing_provider_configuration"
    var seq: Int64?
    var id: String
    var customerId: String
    var billingProvider: String
    var deliveryMethodId: String
    var configuration: JSONValue
    var taxProvider: String?
    var createdAt: Timestamp
    var archivedAt: Timestamp?

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
        static let customerId = Column(CodingKeys.customerId)
        static let billingProvider = Column(CodingKeys.billingProvider)
        static let deliveryMethodId = Column(CodingKeys.deliveryMethodId)
        static let archivedAt = Column(CodingKeys.archivedAt)
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, customerId = "customer_id", billingProvider = "billing_provider"
        case deliveryMethodId = "delivery_method_id", configuration, taxProvider = "tax_provider"
        case createdAt = "created_at", archivedAt = "archived_at"
    }
}

/// A billing provider configuration with its delivery method, as the get endpoint shows it.
struct BillingProviderConfigurationSnapshot: Sendable {
    var record: BillingProviderConfigurationRecord
    var deliveryMethod: DeliveryMethodRecord
}

/// A row of `named_schedule_segment`: one segment of a customer's, contract's or rate card's
/// named schedule.
struct NamedScheduleSegmentRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "named_schedule_segment"
    var ownerKind: String
    var ownerId: String
    var scheduleName: String
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var value: JSONValue

    enum Columns {
        static let ownerKind = Column(CodingKeys.ownerKind)
        static let ownerId = Column(CodingKeys.ownerId)
        static let scheduleName = Column(CodingKeys.scheduleName)
        static let startingAt = Column(CodingKeys.startingAt)
    }

    enum CodingKeys: String, CodingKey {
        case ownerKind = "owner_kind", ownerId = "owner_id", scheduleName = "schedule_name"
        case startingAt = "starting_at", endingBefore = "ending_before", value
    }
}

/// A row of `billable_metric`.
struct BillableMetricRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "billable_metric"
    var seq: Int64?
    var id: String
    var name: String
    var aggregationType: AggregationType?
    var aggregationKey: String?
    var eventTypeFilter: EventTypeFilter?
    var propertyFilters: [PropertyFilter]
    var groupKeys: [[String]]
    var sql: String?
    var customFields: [String: String]
    var createdAt: Timestamp
    var archivedAt: Timestamp?

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
        static let archivedAt = Column(CodingKeys.archivedAt)
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, name, aggregationType = "aggregation_type", aggregationKey = "aggregation_key"
        case eventTypeFilter = "event_type_filter", propertyFilters = "property_filters", groupKeys = "group_keys"
        case sql, customFields = "custom_fields", createdAt = "created_at", archivedAt = "archived_at"
    }


    /// What the metric counts, for the billing core.
    var definition: BillableMetricDefinition {
        BillableMetricDefinition(
            aggregationType: aggregationType, aggregationKey: aggregationKey, eventTypeFilter: eventTypeFilter,
            propertyFilters: propertyFilters, groupKeys: groupKeys, sql: sql
        )
    }
}

/// A usage event as stored, with what ingest learned of it.
struct StoredUsageEvent: Sendable {
    var seq: Int64
    var event: UsageEvent
    var ingestedAt: Timestamp
    var isDuplicate: Bool
}

/// A row of `plan`: a fixture plan, kept whole.
struct PlanRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "plan"
    var seq: Int64?
    var id: String
    var definition: PlanDefinition

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
    }
}

/// A price adjustment of a customer plan: a change to one charge's price from a billing period on.
struct PriceAdjustment: Codable, Sendable {
    var adjustmentType: AdjustmentType
    var chargeId: String
    var startPeriod: Decimal
    var quantity: Decimal?
    var tier: Decimal?
    var value: Decimal?

    /// How the adjustment changes the price.
    enum AdjustmentType: String, WireEnum {
        case percentage, fixed, override, quantity
    }

    enum CodingKeys: String, CodingKey {
        case adjustmentType = "adjustment_type", chargeId = "charge_id", startPeriod = "start_period"
        case quantity, tier, value
    }
}

/// A trial at the start of a customer plan.
struct TrialSpec: Codable, Sendable {
    var lengthInDays: Decimal
    var spendingCap: SpendingCap?

    /// The most the trial may bill.
    struct SpendingCap: Codable, Sendable {
        var amount: Decimal
        var creditTypeId: String

        enum CodingKeys: String, CodingKey {
            case amount, creditTypeId = "credit_type_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case lengthInDays = "length_in_days", spendingCap = "spending_cap"
    }
}

/// A row of `customer_plan`: a customer on a plan from `startingOn` until `endingBefore`.
struct CustomerPlanRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "customer_plan"
    var seq: Int64?
    var id: String
    var customerId: String
    var planId: String
    var startingOn: Timestamp
    var endingBefore: Timestamp?
    var netPaymentTermsDays: Decimal?
    var priceAdjustments: [PriceAdjustment]
    var trialSpec: TrialSpec?
    var overageRateAdjustments: [JSONValue]
    var customFields: [String: String]

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
        static let customerId = Column(CodingKeys.customerId)
        static let planId = Column(CodingKeys.planId)
        static let startingOn = Column(CodingKeys.startingOn)
        static let endingBefore = Column(CodingKeys.endingBefore)
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, customerId = "customer_id", planId = "plan_id", startingOn = "starting_on"
        case endingBefore = "ending_before", netPaymentTermsDays = "net_payment_terms_days"
        case priceAdjustments = "price_adjustments", trialSpec = "trial_spec"
        case overageRateAdjustments = "overage_rate_adjustments", customFields = "custom_fields"
    }


    /// Whether the plan is in force at `moment`.
    func isActive(at moment: Timestamp) -> Bool {
        startingOn <= moment && endingBefore.map { moment < $0 } ?? true
    }

    /// When the trial ends, if the plan has one.
    var trialEnd: Timestamp? {
        trialSpec.map { trial in
            let days = NSDecimalNumber(decimal: trial.lengthInDays * Decimal(Timestamp.millisecondsPerDay)).int64Value
            return Timestamp(millisecondsSinceEpoch: startingOn.millisecondsSinceEpoch + days)
        }
    }

    /// The billing periods of this customer plan: monthly from its start, after its trial if any.
    var cadence: BillingCadence { .monthly(from: startingOn, until: endingBefore, trialEnd: trialEnd) }
}
