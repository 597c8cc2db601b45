import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Metronome's `ContractV2`: the terms of a contract as they stand, at the top level, where v1
/// nests them under `initial` and `current`. Built from v1's answer for the same contract, so
/// both versions show the same commits, balances and ledgers.
struct ContractV2Wire: Encodable {
    var id: String
    var customerId: String
    var commits: [CommitWire]
    var credits: [CommitWire]
    var createdAt: Timestamp
    var createdBy: String
    var overrides: [OverrideWire]
    var scheduledCharges: [ScheduledChargeWire]
    var discounts: [ScheduledChargeWire]
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var transitions: [ContractBodyWire.TransitionWire]
    /// Each usage filter with the moment the next one (or the contract's end) takes over.
    var usageFilter: [ContractBodyWire.UsageFilterWire.Window]
    var usageStatementSchedule: ContractBodyWire.UsageStatementScheduleWire
    var subscriptions: [SubscriptionWire]
    var customFields: [String: String]
    var name: String?
    var netPaymentTermsDays: Decimal?
    var rateCardId: String?
    var uniquenessKey: String?
    var archivedAt: Timestamp?
    var multiplierOverridePrioritization: MultiplierOverridePrioritization
    var recurringCommits: [RecurringCommitWire]
    var recurringCredits: [RecurringCommitWire]
    var prepaidBalanceThresholdConfiguration: PrepaidBalanceThresholdWire?
    var professionalServices: [ProServiceWire]
    var spendThresholdConfiguration: SpendThresholdWire?
    var resellerRoyalties: [ResellerRoyaltiesV2Wire]
    var spendTrackers: [SpendTrackerWire]
    var customerBillingProviderConfiguration: BillingProviderConfigurationWire?
    var billingProviderConfigurationSchedule: [BillingProviderConfigurationScheduleWire]
    var revenueSystemConfigurationSchedule: [RevenueSystemConfigurationScheduleWire]
    var scheduledChargesOnUsageInvoices: String?
    var totalContractValue: Decimal?
    var salesforceOpportunityId: String?
    var netsuiteSalesOrderId: String?
    var hierarchyConfiguration: HierarchyConfigurationWire?

    enum CodingKeys: String, CodingKey {
        case hierarchyConfiguration = "hierarchy_configuration"
        case id, customerId = "customer_id", commits, credits, createdAt = "created_at", createdBy = "created_by"
        case overrides, scheduledCharges = "scheduled_charges", discounts, startingAt = "starting_at"
        case endingBefore = "ending_before", transitions, usageFilter = "usage_filter"
        case usageStatementSchedule = "usage_statement_schedule", subscriptions, customFields = "custom_fields", name
        case netPaymentTermsDays = "net_payment_terms_days", rateCardId = "rate_card_id"
        case uniquenessKey = "uniqueness_key", archivedAt = "archived_at"
        case multiplierOverridePrioritization = "multiplier_override_prioritization"
        case recurringCommits = "recurring_commits", recurringCredits = "recurring_credits"
        case prepaidBalanceThresholdConfiguration = "prepaid_balance_threshold_configuration"
        case professionalServices = "professional_services", spendThresholdConfiguration = "spend_threshold_configuration"
        case spendTrackers = "spend_trackers"
        case resellerRoyalties = "reseller_royalties", customerBillingProviderConfiguration = "customer_billing_provider_configuration"
        case scheduledChargesOnUsageInvoices = "scheduled_charges_on_usage_invoices", totalContractValue = "total_contract_value"
        case salesforceOpportunityId = "salesforce_opportunity_id", netsuiteSalesOrderId = "netsuite_sales_order_id"
        case billingProviderConfigurationSchedule = "billing_provider_configuration_schedule"
        case revenueSystemConfigurationSchedule = "revenue_system_configuration_schedule"
    }

    /// The v2 shape of v1's `contract`: its `current` terms, lifted to the top level. v2's
    /// commits carry no `uniqueness_key` and no deprecated `amount`, and its credits no
    /// `rate_type` either.
    init(_ contract: ContractWire) {
        let terms = contract.current
        id = contract.id
        customerId = contract.customerId
        commits = terms.commits.map { commit in
            var commit = commit
            commit.uniquenessKey = nil
            commit.amount = nil
            return commit
        }
        credits = terms.credits.map { credit in
            var credit = credit
            credit.uniquenessKey = nil
            credit.rateType = nil
            return credit
        }
        createdAt = terms.createdAt
        createdBy = terms.createdBy
        overrides = terms.overrides
        scheduledCharges = terms.scheduledCharges
        discounts = terms.discounts
        startingAt = terms.startingAt
        endingBefore = terms.endingBefore
        transitions = terms.transitions
        usageFilter = contract.usageFilterWindows
        multiplierOverridePrioritization = contract.multiplierOverridePrioritization
        recurringCommits = terms.recurringCommits
        recurringCredits = terms.recurringCredits
        prepaidBalanceThresholdConfiguration = terms.prepaidBalanceThresholdConfiguration
        professionalServices = terms.professionalServices
        spendThresholdConfiguration = terms.spendThresholdConfiguration
        resellerRoyalties = ResellerRoyaltiesV2Wire.grouped(terms.resellerRoyalties)
        spendTrackers = terms.spendTrackers
        customerBillingProviderConfiguration = contract.customerBillingProviderConfiguration
        billingProviderConfigurationSchedule = contract.billingProviderConfigurationSchedule
        revenueSystemConfigurationSchedule = contract.revenueSystemConfigurationSchedule
        scheduledChargesOnUsageInvoices = terms.scheduledChargesOnUsageInvoices
        totalContractValue = terms.totalContractValue
        salesforceOpportunityId = terms.salesforceOpportunityId
        netsuiteSalesOrderId = terms.netsuiteSalesOrderId
        hierarchyConfiguration = terms.hierarchyConfiguration
        usageStatementSchedule = terms.usageStatementSchedule
        subscriptions = contract.subscriptions
        customFields = contract.customFields
        name = terms.name
        netPaymentTermsDays = terms.netPaymentTermsDays
        rateCardId = terms.rateCardId
        uniquenessKey = contract.uniquenessKey
        archivedAt = contract.archivedAt
    }
}

// MARK: - Configuration schedules

/// One segment of `billing_provider_configuration_schedule`: the configuration from
/// `effective_at` until the next segment's (null: the last).
struct BillingProviderConfigurationScheduleWire: Encodable {
    var billingProviderConfiguration: BillingProviderConfigurationWire?
    var effectiveAt: Timestamp
    var effectiveUntil: Timestamp?

    enum CodingKeys: String, CodingKey {
        case billingProviderConfiguration = "billing_provider_configuration", effectiveAt = "effective_at"
        case effectiveUntil = "effective_until"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(billingProviderConfiguration, forKey: .billingProviderConfiguration)
        try container.encode(effectiveAt, forKey: .effectiveAt)
        try container.encode(effectiveUntil, forKey: .effectiveUntil)
    }
}

/// One segment of `revenue_system_configuration_schedule`, as the billing provider one.
struct RevenueSystemConfigurationScheduleWire: Encodable {
    var revenueSystemConfiguration: RevenueSystemConfigurationWire?
    var effectiveAt: Timestamp
    var effectiveUntil: Timestamp?

    enum CodingKeys: String, CodingKey {
        case revenueSystemConfiguration = "revenue_system_configuration", effectiveAt = "effective_at"
        case effectiveUntil = "effective_until"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(revenueSystemConfiguration, forKey: .revenueSystemConfiguration)
        try container.encode(effectiveAt, forKey: .effectiveAt)
        try container.encode(effectiveUntil, forKey: .effectiveUntil)
    }
}

/// A customer's revenue system configuration, as a contract shows it.
struct RevenueSystemConfigurationWire: Encodable {
    var id: String
    var archivedAt: Timestamp?
    var configuration: JSONValue
    var customerId: String
    var deliveryMethod: String
    var deliveryMethodConfiguration: JSONValue
    var deliveryMethodId: String
    var provider: String

    enum CodingKeys: String, CodingKey {
        case id, archivedAt = "archived_at", configuration, customerId = "customer_id", deliveryMethod = "delivery_method"
        case deliveryMethodConfiguration = "delivery_method_configuration", deliveryMethodId = "delivery_method_id", provider
    }

    init(_ snapshot: RevenueSystemConfigurationSnapshot) {
        id = snapshot.record.id
        archivedAt = snapshot.record.archivedAt
        configuration = snapshot.record.configuration
        customerId = snapshot.record.customerId
        deliveryMethod = snapshot.deliveryMethod.deliveryMethod
        deliveryMethodConfiguration = snapshot.deliveryMethod.configuration
        deliveryMethodId = snapshot.deliveryMethod.id
        provider = snapshot.record.provider
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(archivedAt, forKey: .archivedAt)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(customerId, forKey: .customerId)
        try container.encode(deliveryMethod, forKey: .deliveryMethod)
        try container.encode(deliveryMethodConfiguration, forKey: .deliveryMethodConfiguration)
        try container.encode(deliveryMethodId, forKey: .deliveryMethodId)
        try container.encode(provider, forKey: .provider)
    }
}
