import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A row of `contract`: the contract's own terms; its commits and credits are rows of
/// `commit_or_credit`.
package struct ContractRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "contract"
    package var seq: Int64?
    package var id: String
    package var customerId: String
    package var name: String?
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?
    package var rateCardId: String?
    package var usageStatementSchedule: StoredUsageStatementSchedule
    package var netPaymentTermsDays: Decimal?
    package var scheduledCharges: [StoredScheduledCharge]
    package var discounts: [StoredScheduledCharge]
    package var subscriptions: [StoredSubscription]
    package var overrides: [StoredOverride]
    package var transitions: [StoredTransition]
    package var customFields: [String: String]
    package var uniquenessKey: String?
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?
    package var multiplierOverridePrioritization: MultiplierOverridePrioritization
    package var usageFilters: [UsageFilterTerms]
    package var recurringCommits: [RecurringCommitTerms]
    package var prepaidBalanceThreshold: PrepaidBalanceThreshold?
    package var spendThreshold: SpendThreshold?
    package var resellerRoyalties: [ResellerRoyaltyTerms]
    package var spendTrackers: [SpendTrackerTerms]
    package var billingProviderConfigurationId: String?
    package var billingProviderConfigurationEffectiveAt: Timestamp?
    package var revenueSystemConfigurationId: String?
    package var revenueSystemConfigurationEffectiveAt: Timestamp?
    package var scheduledChargesOnUsageInvoices: Bool
    package var salesReferences: ContractTerms.SalesReferences
    package var hierarchy: ContractHierarchy?
    /// The parent's contract, for a child in an account hierarchy.
    package var parentContractId: String?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let customerId = Column(CodingKeys.customerId)
        package static let startingAt = Column(CodingKeys.startingAt)
        package static let endingBefore = Column(CodingKeys.endingBefore)
        package static let uniquenessKey = Column(CodingKeys.uniquenessKey)
        package static let archivedAt = Column(CodingKeys.archivedAt)
        package static let parentContractId = Column(CodingKeys.parentContractId)
    }

    package enum CodingKeys: String, CodingKey {
        case hierarchy, parentContractId = "parent_contract_id"
        case seq, id, customerId = "customer_id", name, startingAt = "starting_at", endingBefore = "ending_before"
        case rateCardId = "rate_card_id", usageStatementSchedule = "usage_statement_schedule"
        case netPaymentTermsDays = "net_payment_terms_days", scheduledCharges = "scheduled_charges", discounts
        case subscriptions, overrides, transitions, customFields = "custom_fields", uniquenessKey = "uniqueness_key"
        case createdAt = "created_at", archivedAt = "archived_at"
        case multiplierOverridePrioritization = "multiplier_override_prioritization", usageFilters = "usage_filters"
        case recurringCommits = "recurring_commits", prepaidBalanceThreshold = "prepaid_balance_threshold"
        case spendThreshold = "spend_threshold", resellerRoyalties = "reseller_royalties"
        case billingProviderConfigurationId = "billing_provider_configuration_id", spendTrackers = "spend_trackers"
        case billingProviderConfigurationEffectiveAt = "billing_provider_configuration_effective_at"
        case revenueSystemConfigurationId = "revenue_system_configuration_id"
        case revenueSystemConfigurationEffectiveAt = "revenue_system_configuration_effective_at"
        case scheduledChargesOnUsageInvoices = "scheduled_charges_on_usage_invoices", salesReferences = "sales_references"
    }

    /// The contract's usage statement periods.
    package var statementCadence: BillingCadence {
        usageStatementSchedule.domain.cadence(start: startingAt, end: endingBefore)
    }

    /// The row of `terms` (whose commits and credits are stored apart).
    package init(_ terms: ContractTerms) {
        id = terms.id
        customerId = terms.customerId
        name = terms.name
        startingAt = terms.startingAt
        endingBefore = terms.endingBefore
        rateCardId = terms.rateCardId
        usageStatementSchedule = StoredUsageStatementSchedule(terms.usageStatementSchedule)
        netPaymentTermsDays = terms.netPaymentTermsDays
        scheduledCharges = terms.scheduledCharges.map(StoredScheduledCharge.init)
        discounts = terms.discounts.map(StoredScheduledCharge.init)
        subscriptions = terms.subscriptions.map(StoredSubscription.init)
        overrides = terms.overrides.map(StoredOverride.init)
        transitions = terms.transitions.map(StoredTransition.init)
        customFields = terms.customFields
        uniquenessKey = terms.uniquenessKey
        createdAt = terms.createdAt
        archivedAt = terms.archivedAt
        multiplierOverridePrioritization = terms.multiplierOverridePrioritization
        usageFilters = terms.usageFilters
        recurringCommits = terms.recurringCommits
        prepaidBalanceThreshold = terms.prepaidBalanceThreshold
        spendThreshold = terms.spendThreshold
        resellerRoyalties = terms.resellerRoyalties
        spendTrackers = terms.spendTrackers
        billingProviderConfigurationId = terms.billingProviderConfigurationId
        billingProviderConfigurationEffectiveAt = terms.billingProviderConfigurationEffectiveAt
        revenueSystemConfigurationId = terms.revenueSystemConfigurationId
        revenueSystemConfigurationEffectiveAt = terms.revenueSystemConfigurationEffectiveAt
        scheduledChargesOnUsageInvoices = terms.scheduledChargesOnUsageInvoices
        salesReferences = terms.salesReferences
        hierarchy = terms.hierarchy
        parentContractId = terms.hierarchy?.parent?.contractId
    }

    /// The contract's terms with `commitsAndCredits`, which are split by kind.
    package func terms(commitsAndCredits: [CommitTerms]) -> ContractTerms {
        ContractTerms(
            id: id, customerId: customerId, name: name, startingAt: startingAt, endingBefore: endingBefore,
            rateCardId: rateCardId, usageStatementSchedule: usageStatementSchedule.domain, netPaymentTermsDays: netPaymentTermsDays,
            commits: commitsAndCredits.filter { $0.kind == .commit }, credits: commitsAndCredits.filter { $0.kind == .credit },
            scheduledCharges: scheduledCharges.map(\.domain), discounts: discounts.map(\.domain),
            subscriptions: subscriptions.map(\.domain), overrides: overrides.map(\.domain),
            transitions: transitions.map(\.domain), customFields: customFields, uniquenessKey: uniquenessKey, createdAt: createdAt,
            archivedAt: archivedAt, multiplierOverridePrioritization: multiplierOverridePrioritization, usageFilters: usageFilters,
            recurringCommits: recurringCommits, prepaidBalanceThreshold: prepaidBalanceThreshold, spendThreshold: spendThreshold,
            resellerRoyalties: resellerRoyalties, spendTrackers: spendTrackers, billingProviderConfigurationId: billingProviderConfigurationId,
            billingProviderConfigurationEffectiveAt: billingProviderConfigurationEffectiveAt,
            revenueSystemConfigurationId: revenueSystemConfigurationId,
            revenueSystemConfigurationEffectiveAt: revenueSystemConfigurationEffectiveAt,
            scheduledChargesOnUsageInvoices: scheduledChargesOnUsageInvoices, salesReferences: salesReferences,
            hierarchy: hierarchy
        )
    }
}

/// A row of `commit_or_credit`: a commit or credit of a contract or of a customer.
package struct CommitRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "commit_or_credit"
    package var seq: Int64?
    package var id: String
    package var kind: CommitKind
    package var type: CommitType?
    package var customerId: String
    package var contractId: String?
    package var productId: String
    package var name: String?
    package var description: String?
    package var priority: Decimal?
    package var creditTypeId: String
    package var accessSchedule: [StoredAccessSegment]
    /// Denormalised from `accessSchedule` so that lists filter by date in SQL.
    package var accessStartingAt: Timestamp
    package var accessEndingBefore: Timestamp
    package var invoiceSchedule: StoredInvoiceSchedule?
    package var applicableProductIds: [String]?
    package var applicableProductTags: [String]?
    package var applicableContractIds: [String]?
    package var specifiers: [CommitSpecifier]?
    package var rateType: CommitRateType?
    package var rolloverFraction: Decimal?
    package var invoiceContractId: String?
    package var uniquenessKey: String?
    package var customFields: [String: String]
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?
    package var recurringCommitId: String?
    package var thresholdCharge: Bool
    package var rolledOverFrom: RolledOverFrom?
    package var netsuiteSalesOrderId: String?
    package var salesforceOpportunityId: String?
    package var countsAsDiscounted: Bool?
    package var childAccess: CommitChildAccess?
    package var subscriptionConfig: RecurringSubscriptionConfig?
    package var amount: Decimal?
    /// QUANTITY, or nil for SPEND.
    package var accessType: BalanceAccessType?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let kind = Column(CodingKeys.kind)
        package static let customerId = Column(CodingKeys.customerId)
        package static let contractId = Column(CodingKeys.contractId)
        package static let accessStartingAt = Column(CodingKeys.accessStartingAt)
        package static let accessEndingBefore = Column(CodingKeys.accessEndingBefore)
        package static let uniquenessKey = Column(CodingKeys.uniquenessKey)
        package static let archivedAt = Column(CodingKeys.archivedAt)
        package static let recurringCommitId = Column(CodingKeys.recurringCommitId)
        package static let accessType = Column(CodingKeys.accessType)
    }

    package enum CodingKeys: String, CodingKey {
        case recurringCommitId = "recurring_commit_id", thresholdCharge = "threshold_charge", rolledOverFrom = "rolled_over_from"
        case netsuiteSalesOrderId = "netsuite_sales_order_id", salesforceOpportunityId = "salesforce_opportunity_id"
        case countsAsDiscounted = "counts_as_discounted", childAccess = "child_access", subscriptionConfig = "subscription_config"
        case amount, accessType = "access_type"
        case seq, id, kind, type, customerId = "customer_id", contractId = "contract_id", productId = "product_id", name
        case description, priority, creditTypeId = "credit_type_id", accessSchedule = "access_schedule"
        case accessStartingAt = "access_starting_at", accessEndingBefore = "access_ending_before"
        case invoiceSchedule = "invoice_schedule", applicableProductIds = "applicable_product_ids"
        case applicableProductTags = "applicable_product_tags", applicableContractIds = "applicable_contract_ids"
        case specifiers, rateType = "rate_type", rolloverFraction = "rollover_fraction"
        case invoiceContractId = "invoice_contract_id", uniquenessKey = "uniqueness_key", customFields = "custom_fields"
        case createdAt = "created_at", archivedAt = "archived_at"
    }

    /// The row of `terms`, whose access schedule must not be empty.
    package init(_ terms: CommitTerms) {
        id = terms.id
        kind = terms.kind
        type = terms.type
        customerId = terms.customerId
        contractId = terms.contractId
        productId = terms.productId
        name = terms.name
        description = terms.description
        priority = terms.priority
        creditTypeId = terms.creditTypeId
        accessSchedule = terms.accessSchedule.map(StoredAccessSegment.init)
        accessStartingAt = terms.accessStartingAt ?? terms.createdAt
        accessEndingBefore = terms.accessEndingBefore ?? terms.createdAt
        invoiceSchedule = terms.invoiceSchedule.map(StoredInvoiceSchedule.init)
        applicableProductIds = terms.applicableProductIds
        applicableProductTags = terms.applicableProductTags
        applicableContractIds = terms.applicableContractIds
        specifiers = terms.specifiers
        rateType = terms.rateType
        rolloverFraction = terms.rolloverFraction
        invoiceContractId = terms.invoiceContractId
        uniquenessKey = terms.uniquenessKey
        customFields = terms.customFields
        createdAt = terms.createdAt
        archivedAt = terms.archivedAt
        recurringCommitId = terms.recurringCommitId
        thresholdCharge = terms.isThresholdCharge
        rolledOverFrom = terms.rolledOverFrom
        netsuiteSalesOrderId = terms.netsuiteSalesOrderId
        salesforceOpportunityId = terms.salesforceOpportunityId
        countsAsDiscounted = terms.countsAsDiscounted
        childAccess = terms.childAccess
        subscriptionConfig = terms.subscriptionConfig
        amount = terms.amount
        accessType = terms.accessType == .spend ? nil : terms.accessType
    }

    /// The commit or credit this row holds.
    package var terms: CommitTerms {
        CommitTerms(
            id: id, kind: kind, type: type, customerId: customerId, contractId: contractId, productId: productId, name: name,
            description: description, priority: priority, creditTypeId: creditTypeId, accessSchedule: accessSchedule.map(\.domain),
            invoiceSchedule: invoiceSchedule?.domain, applicableProductIds: applicableProductIds,
            applicableProductTags: applicableProductTags, applicableContractIds: applicableContractIds,
            specifiers: specifiers, rateType: rateType, rolloverFraction: rolloverFraction,
            invoiceContractId: invoiceContractId, uniquenessKey: uniquenessKey, customFields: customFields,
            createdAt: createdAt, archivedAt: archivedAt, recurringCommitId: recurringCommitId,
            isThresholdCharge: thresholdCharge, rolledOverFrom: rolledOverFrom, netsuiteSalesOrderId: netsuiteSalesOrderId,
            salesforceOpportunityId: salesforceOpportunityId, countsAsDiscounted: countsAsDiscounted,
            childAccess: childAccess, subscriptionConfig: subscriptionConfig, amount: amount, accessType: accessType ?? .spend
        )
    }
}
