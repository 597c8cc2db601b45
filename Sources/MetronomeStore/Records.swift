import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

extension FetchableRecord where Self: TableRecord {
    /// The record with `id`, through a statement prepared once per connection: the query
    /// interface compiles and prepares its SQL anew on every fetch, which the lookups of every
    /// draft read added up to a tenth of the read.
    static func fetchOne(_ db: Database, cachedWhereIdIs id: String) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: "SELECT * FROM \(databaseTableName) WHERE id = ?"), arguments: [id])
    }
}

/// A row of `credit_type`: a currency or custom pricing unit.
package struct CreditTypeRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "credit_type"
    package var seq: Int64?
    package var id: String
    package var name: String
    package var isCurrency: Bool
    package var archivedAt: Timestamp?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let archivedAt = Column(CodingKeys.archivedAt)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, name, isCurrency = "is_currency", archivedAt = "archived_at"
    }

    /// A value with each stored property given.
    package init(seq: Int64? = nil, id: String, name: String, isCurrency: Bool, archivedAt: Timestamp? = nil) {
        self.seq = seq
        self.id = id
        self.name = name
        self.isCurrency = isCurrency
        self.archivedAt = archivedAt
    }
}

/// A row of `customer`.
package struct CustomerRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "customer"
    package var seq: Int64?
    package var id: String
    package var name: String
    package var externalId: String
    package var customFields: [String: String]
    package var salesforceAccountId: String?
    package var leaveStripeInvoicesInDraft: Bool?
    package var createdAt: Timestamp
    package var updatedAt: Timestamp
    package var archivedAt: Timestamp?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let salesforceAccountId = Column(CodingKeys.salesforceAccountId)
        package static let archivedAt = Column(CodingKeys.archivedAt)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, name
        case externalId = "external_id"
        case customFields = "custom_fields"
        case salesforceAccountId = "salesforce_account_id"
        case leaveStripeInvoicesInDraft = "leave_stripe_invoices_in_draft"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case archivedAt = "archived_at"
    }


    /// A value with each stored property given.
    package init(
        seq: Int64? = nil,
        id: String,
        name: String,
        externalId: String,
        customFields: [String: String],
        salesforceAccountId: String? = nil,
        leaveStripeInvoicesInDraft: Bool? = nil,
        createdAt: Timestamp,
        updatedAt: Timestamp,
        archivedAt: Timestamp? = nil
    ) {
        self.seq = seq
        self.id = id
        self.name = name
        self.externalId = externalId
        self.customFields = customFields
        self.salesforceAccountId = salesforceAccountId
        self.leaveStripeInvoicesInDraft = leaveStripeInvoicesInDraft
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.archivedAt = archivedAt
    }
}

extension CustomerRecord {
    /// Reads a row by column name, without the generic decoding machinery: customers are read
    /// on the hottest paths.
    package init(row: Row) throws {
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
package struct IngestAliasRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "customer_ingest_alias"
    package var alias: String
    package var customerId: String
    package var position: Int

    package enum Columns {
        package static let alias = Column(CodingKeys.alias)
        package static let customerId = Column(CodingKeys.customerId)
        package static let position = Column(CodingKeys.position)
    }

    package enum CodingKeys: String, CodingKey {
        case alias, customerId = "customer_id", position
    }

    /// A value with each stored property given.
    package init(alias: String, customerId: String, position: Int) {
        self.alias = alias
        self.customerId = customerId
        self.position = position
    }
}

/// A customer with its ingest aliases, in order: what every customer response is built from.
package struct CustomerSnapshot: Sendable {
    package var record: CustomerRecord
    package var ingestAliases: [String]

    /// A value with each stored property given.
    package init(record: CustomerRecord, ingestAliases: [String]) {
        self.record = record
        self.ingestAliases = ingestAliases
    }
}

/// A row of `customer_billing_config`: the legacy, one-per-provider billing configuration.
package struct CustomerBillingConfigRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "customer_billing_config"
    package var customerId: String
    package var billingProviderType: String
    /// `billing_provider_customer_id` and the provider-specific fields, as sent.
    package var settings: JSONValue

    package enum Columns {
        package static let customerId = Column(CodingKeys.customerId)
        package static let billingProviderType = Column(CodingKeys.billingProviderType)
    }

    package enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", billingProviderType = "billing_provider_type", settings
    }

    /// A value with each stored property given.
    package init(customerId: String, billingProviderType: String, settings: JSONValue) {
        self.customerId = customerId
        self.billingProviderType = billingProviderType
        self.settings = settings
    }
}

/// A row of `delivery_method`: how invoices reach a billing provider, set up in Metronome's app
/// (here: in fixtures).
package struct DeliveryMethodRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "delivery_method"
    package var seq: Int64?
    package var id: String
    package var deliveryMethod: String
    package var configuration: JSONValue

    package enum Columns {
        package static let id = Column(CodingKeys.id)
        package static let deliveryMethod = Column(CodingKeys.deliveryMethod)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, deliveryMethod = "delivery_method", configuration
    }

    /// A value with each stored property given.
    package init(seq: Int64? = nil, id: String, deliveryMethod: String, configuration: JSONValue) {
        self.seq = seq
        self.id = id
        self.deliveryMethod = deliveryMethod
        self.configuration = configuration
    }
}

/// A row of `customer_billing_provider_configuration`.
package struct BillingProviderConfigurationRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "customer_billing_provider_configuration"
    package var seq: Int64?
    package var id: String
    package var customerId: String
    package var billingProvider: String
    package var deliveryMethodId: String
    package var configuration: JSONValue
    package var taxProvider: String?
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let customerId = Column(CodingKeys.customerId)
        package static let billingProvider = Column(CodingKeys.billingProvider)
        package static let deliveryMethodId = Column(CodingKeys.deliveryMethodId)
        package static let archivedAt = Column(CodingKeys.archivedAt)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, customerId = "customer_id", billingProvider = "billing_provider"
        case deliveryMethodId = "delivery_method_id", configuration, taxProvider = "tax_provider"
        case createdAt = "created_at", archivedAt = "archived_at"
    }

    /// A value with each stored property given.
    package init(
        seq: Int64? = nil,
        id: String,
        customerId: String,
        billingProvider: String,
        deliveryMethodId: String,
        configuration: JSONValue,
        taxProvider: String? = nil,
        createdAt: Timestamp,
        archivedAt: Timestamp? = nil
    ) {
        self.seq = seq
        self.id = id
        self.customerId = customerId
        self.billingProvider = billingProvider
        self.deliveryMethodId = deliveryMethodId
        self.configuration = configuration
        self.taxProvider = taxProvider
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }
}

/// A billing provider configuration with its delivery method, as the get endpoint shows it.
package struct BillingProviderConfigurationSnapshot: Sendable {
    package var record: BillingProviderConfigurationRecord
    package var deliveryMethod: DeliveryMethodRecord

    /// A value with each stored property given.
    package init(record: BillingProviderConfigurationRecord, deliveryMethod: DeliveryMethodRecord) {
        self.record = record
        self.deliveryMethod = deliveryMethod
    }
}

/// A row of `customer_revenue_system_configuration`: where a customer's revenue is recognized.
package struct RevenueSystemConfigurationRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "customer_revenue_system_configuration"
    package var seq: Int64?
    package var id: String
    package var customerId: String
    package var provider: String
    package var deliveryMethodId: String
    package var configuration: JSONValue
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let customerId = Column(CodingKeys.customerId)
        package static let provider = Column(CodingKeys.provider)
        package static let deliveryMethodId = Column(CodingKeys.deliveryMethodId)
        package static let archivedAt = Column(CodingKeys.archivedAt)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, customerId = "customer_id", provider, deliveryMethodId = "delivery_method_id", configuration
        case createdAt = "created_at", archivedAt = "archived_at"
    }

    /// A value with each stored property given.
    package init(
        seq: Int64? = nil,
        id: String,
        customerId: String,
        provider: String,
        deliveryMethodId: String,
        configuration: JSONValue,
        createdAt: Timestamp,
        archivedAt: Timestamp? = nil
    ) {
        self.seq = seq
        self.id = id
        self.customerId = customerId
        self.provider = provider
        self.deliveryMethodId = deliveryMethodId
        self.configuration = configuration
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }
}

/// A revenue system configuration with its delivery method, as a contract shows it.
package struct RevenueSystemConfigurationSnapshot: Sendable {
    package var record: RevenueSystemConfigurationRecord
    package var deliveryMethod: DeliveryMethodRecord

    /// A value with each stored property given.
    package init(record: RevenueSystemConfigurationRecord, deliveryMethod: DeliveryMethodRecord) {
        self.record = record
        self.deliveryMethod = deliveryMethod
    }
}

/// A row of `named_schedule_segment`: one segment of a customer's, contract's or rate card's
/// named schedule.
package struct NamedScheduleSegmentRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "named_schedule_segment"
    package var ownerKind: String
    package var ownerId: String
    package var scheduleName: String
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?
    package var value: JSONValue

    package enum Columns {
        package static let ownerKind = Column(CodingKeys.ownerKind)
        package static let ownerId = Column(CodingKeys.ownerId)
        package static let scheduleName = Column(CodingKeys.scheduleName)
        package static let startingAt = Column(CodingKeys.startingAt)
    }

    package enum CodingKeys: String, CodingKey {
        case ownerKind = "owner_kind", ownerId = "owner_id", scheduleName = "schedule_name"
        case startingAt = "starting_at", endingBefore = "ending_before", value
    }

    /// A value with each stored property given.
    package init(
        ownerKind: String,
        ownerId: String,
        scheduleName: String,
        startingAt: Timestamp,
        endingBefore: Timestamp? = nil,
        value: JSONValue
    ) {
        self.ownerKind = ownerKind
        self.ownerId = ownerId
        self.scheduleName = scheduleName
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.value = value
    }
}

/// A row of `billable_metric`.
package struct BillableMetricRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "billable_metric"
    package var seq: Int64?
    package var id: String
    package var name: String
    package var aggregationType: AggregationType?
    package var aggregationKey: String?
    /// The metric's rule on `event_type`, if any.
    package var eventTypeFilter: EventTypeFilter? {
        get { storedEventTypeFilter?.domain }
        set { storedEventTypeFilter = newValue.map(StoredEventTypeFilter.init) }
    }
    /// The metric's rules on event properties.
    package var propertyFilters: [PropertyFilter] {
        get { storedPropertyFilters.map(\.domain) }
        set { storedPropertyFilters = newValue.map(StoredPropertyFilter.init) }
    }
    private var storedEventTypeFilter: StoredEventTypeFilter?
    private var storedPropertyFilters: [StoredPropertyFilter]
    package var groupKeys: [[String]]
    package var sql: String?
    package var customFields: [String: String]
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let archivedAt = Column(CodingKeys.archivedAt)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, name, aggregationType = "aggregation_type", aggregationKey = "aggregation_key"
        case storedEventTypeFilter = "event_type_filter", storedPropertyFilters = "property_filters", groupKeys = "group_keys"
        case sql, customFields = "custom_fields", createdAt = "created_at", archivedAt = "archived_at"
    }


    /// What the metric counts, for the billing core.
    package var definition: BillableMetricDefinition {
        BillableMetricDefinition(
            aggregationType: aggregationType, aggregationKey: aggregationKey, eventTypeFilter: eventTypeFilter,
            propertyFilters: propertyFilters, groupKeys: groupKeys, sql: sql
        )
    }

    /// A value with each stored property given.
    package init(
        seq: Int64? = nil,
        id: String,
        name: String,
        aggregationType: AggregationType? = nil,
        aggregationKey: String? = nil,
        eventTypeFilter: EventTypeFilter? = nil,
        propertyFilters: [PropertyFilter],
        groupKeys: [[String]],
        sql: String? = nil,
        customFields: [String: String],
        createdAt: Timestamp,
        archivedAt: Timestamp? = nil
    ) {
        self.seq = seq
        self.id = id
        self.name = name
        self.aggregationType = aggregationType
        self.aggregationKey = aggregationKey
        storedEventTypeFilter = eventTypeFilter.map(StoredEventTypeFilter.init)
        storedPropertyFilters = propertyFilters.map(StoredPropertyFilter.init)
        self.groupKeys = groupKeys
        self.sql = sql
        self.customFields = customFields
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }
}

/// A usage event as stored, with what ingest learned of it.
package struct StoredUsageEvent: Sendable {
    package var seq: Int64
    package var event: UsageEvent
    package var ingestedAt: Timestamp
    package var isDuplicate: Bool

    /// A value with each stored property given.
    package init(seq: Int64, event: UsageEvent, ingestedAt: Timestamp, isDuplicate: Bool) {
        self.seq = seq
        self.event = event
        self.ingestedAt = ingestedAt
        self.isDuplicate = isDuplicate
    }
}

/// A row of `plan`: a fixture plan, kept whole.
package struct PlanRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "plan"
    package var seq: Int64?
    package var id: String
    /// The plan as its fixture defines it.
    package var definition: PlanDefinition {
        get { storedDefinition.domain }
        set { storedDefinition = StoredPlanDefinition(newValue) }
    }
    private var storedDefinition: StoredPlanDefinition

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, storedDefinition = "definition"
    }

    /// A value with each stored property given.
    package init(seq: Int64? = nil, id: String, definition: PlanDefinition) {
        self.seq = seq
        self.id = id
        storedDefinition = StoredPlanDefinition(definition)
    }
}

/// A row of `customer_plan`: a customer on a plan from `startingOn` until `endingBefore`.
package struct CustomerPlanRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "customer_plan"
    package var seq: Int64?
    package var id: String
    package var customerId: String
    package var planId: String
    package var startingOn: Timestamp
    package var endingBefore: Timestamp?
    package var netPaymentTermsDays: Decimal?
    /// Changes to the plan's charge prices, each from a billing period on.
    package var priceAdjustments: [PriceAdjustment] {
        get { storedPriceAdjustments.map(\.domain) }
        set { storedPriceAdjustments = newValue.map(StoredPriceAdjustment.init) }
    }
    /// The trial at the start of the plan, if any.
    package var trialSpec: TrialSpec? {
        get { storedTrialSpec?.domain }
        set { storedTrialSpec = newValue.map(StoredTrialSpec.init) }
    }
    private var storedPriceAdjustments: [StoredPriceAdjustment]
    private var storedTrialSpec: StoredTrialSpec?
    package var overageRateAdjustments: [JSONValue]
    package var customFields: [String: String]

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let customerId = Column(CodingKeys.customerId)
        package static let planId = Column(CodingKeys.planId)
        package static let startingOn = Column(CodingKeys.startingOn)
        package static let endingBefore = Column(CodingKeys.endingBefore)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, customerId = "customer_id", planId = "plan_id", startingOn = "starting_on"
        case endingBefore = "ending_before", netPaymentTermsDays = "net_payment_terms_days"
        case storedPriceAdjustments = "price_adjustments", storedTrialSpec = "trial_spec"
        case overageRateAdjustments = "overage_rate_adjustments", customFields = "custom_fields"
    }


    /// Whether the plan is in force at `moment`.
    package func isActive(at moment: Timestamp) -> Bool {
        startingOn <= moment && endingBefore.map { moment < $0 } ?? true
    }

    /// When the trial ends, if the plan has one.
    package var trialEnd: Timestamp? {
        trialSpec.map { trial in
            let days = NSDecimalNumber(decimal: trial.lengthInDays * Decimal(Timestamp.millisecondsPerDay)).int64Value
            return Timestamp(millisecondsSinceEpoch: startingOn.millisecondsSinceEpoch + days)
        }
    }

    /// The billing periods of this customer plan: monthly from its start, after its trial if any.
    package var cadence: BillingCadence { .monthly(from: startingOn, until: endingBefore, trialEnd: trialEnd) }

    /// A value with each stored property given.
    package init(
        seq: Int64? = nil,
        id: String,
        customerId: String,
        planId: String,
        startingOn: Timestamp,
        endingBefore: Timestamp? = nil,
        netPaymentTermsDays: Decimal? = nil,
        priceAdjustments: [PriceAdjustment],
        trialSpec: TrialSpec? = nil,
        overageRateAdjustments: [JSONValue],
        customFields: [String: String]
    ) {
        self.seq = seq
        self.id = id
        self.customerId = customerId
        self.planId = planId
        self.startingOn = startingOn
        self.endingBefore = endingBefore
        self.netPaymentTermsDays = netPaymentTermsDays
        storedPriceAdjustments = priceAdjustments.map(StoredPriceAdjustment.init)
        storedTrialSpec = trialSpec.map(StoredTrialSpec.init)
        self.overageRateAdjustments = overageRateAdjustments
        self.customFields = customFields
    }
}
