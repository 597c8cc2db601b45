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
    var scheduledChargesOnUsageInvoices: String?
    var totalContractValue: Decimal?
    var salesforceOpportunityId: String?
    var netsuiteSalesOrderId: String?

    enum CodingKeys: String, CodingKey {
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
    }

    /// The v2 shape of v1's `contract`: its `current` terms, lifted to the top level. v2's
    /// commits carry no `uniqueness_key`, and its credits no `rate_type` either.
    init(_ contract: ContractWire) {
        let terms = contract.current
        id = contract.id
        customerId = contract.customerId
        commits = terms.commits.map { commit in
            var commit = commit
            commit.uniquenessKey = nil
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
        scheduledChargesOnUsageInvoices = terms.scheduledChargesOnUsageInvoices
        totalContractValue = terms.totalContractValue
        salesforceOpportunityId = terms.salesforceOpportunityId
        netsuiteSalesOrderId = terms.netsuiteSalesOrderId
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
