import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Metronome's `Contract`: the contract as it stands (`current`), the amendments v1
/// `contracts/amend` made, and `initial`: the current terms without the commits, credits,
/// overrides and charges that amendments and edits added (other changes, such as a new end date
/// or an archived commit, show in both).
struct ContractWire: Encodable {
    var id: String
    var customerId: String
    var amendments: [AmendmentWire]
    var initial: ContractBodyWire
    var current: ContractBodyWire
    var subscriptions: [SubscriptionWire]
    var customFields: [String: String]
    var uniquenessKey: String?
    var archivedAt: Timestamp?
    var packageId: String?
    var prepaidBalanceThresholdConfiguration: PrepaidBalanceThresholdWire?
    var spendThresholdConfiguration: SpendThresholdWire?
    var scheduledChargesOnUsageInvoices: String?
    /// The billing provider configuration in effect at the snapshot's moment.
    var customerBillingProviderConfiguration: BillingProviderConfigurationWire?
    /// Not in v1's shape; v2 shows it.
    var billingProviderConfigurationSchedule: [BillingProviderConfigurationScheduleWire] = []
    /// Not in v1's shape; v2 shows it.
    var revenueSystemConfigurationSchedule: [RevenueSystemConfigurationScheduleWire] = []
    /// Not in v1's shape; v2 shows it.
    var multiplierOverridePrioritization = MultiplierOverridePrioritization.lowestMultiplier
    /// Each filter until the next starts, or the contract ends. Not in v1's shape; v2 shows it.
    var usageFilterWindows: [ContractBodyWire.UsageFilterWire.Window] = []

    enum CodingKeys: String, CodingKey {
        case id, customerId = "customer_id", amendments, initial, current, subscriptions, customFields = "custom_fields"
        case uniquenessKey = "uniqueness_key", archivedAt = "archived_at", packageId = "package_id"
        case prepaidBalanceThresholdConfiguration = "prepaid_balance_threshold_configuration"
        case spendThresholdConfiguration = "spend_threshold_configuration"
        case scheduledChargesOnUsageInvoices = "scheduled_charges_on_usage_invoices"
        case customerBillingProviderConfiguration = "customer_billing_provider_configuration"
    }

    init(_ snapshot: ContractSnapshot) {
        let terms = snapshot.terms
        id = terms.id
        customerId = terms.customerId
        amendments = snapshot.edits.filter { $0.kind == .amendment }.map { AmendmentWire($0, names: snapshot.names) }
        let added = snapshot.edits.reduce(into: Set<String>()) { $0.formUnion($1.addedIds) }
        var initialTerms = terms
        initialTerms.commits.removeAll { added.contains($0.id) }
        initialTerms.credits.removeAll { added.contains($0.id) }
        initialTerms.overrides.removeAll { added.contains($0.id) }
        initialTerms.scheduledCharges.removeAll { added.contains($0.id) }
        initialTerms.discounts.removeAll { added.contains($0.id) }
        initialTerms.recurringCommits.removeAll { added.contains($0.id) }
        initial = ContractBodyWire(initialTerms, names: snapshot.names, asOf: snapshot.asOf)
        initial.professionalServices = snapshot.professionalServices.filter { !added.contains($0.id) }.map(ProServiceWire.init)
        current = ContractBodyWire(terms, names: snapshot.names, asOf: snapshot.asOf)
        current.professionalServices = snapshot.professionalServices.map(ProServiceWire.init)
        // An amendment's total contract value is the contract's from then on; `initial` keeps the first.
        if let value = snapshot.edits.last(where: { $0.salesReferences?.totalContractValue != nil })?.salesReferences?.totalContractValue {
            current.totalContractValue = value
        }
        let hierarchy = HierarchyConfigurationWire(terms.hierarchy, children: snapshot.children)
        initial.hierarchyConfiguration = hierarchy
        current.hierarchyConfiguration = hierarchy
        subscriptions = terms.subscriptions.map {
            SubscriptionWire($0, names: snapshot.names, anchor: terms.usageStatementSchedule.billingAnchorDate, asOf: snapshot.asOf)
        }
        multiplierOverridePrioritization = terms.multiplierOverridePrioritization
        let filters = terms.usageFilters
        usageFilterWindows = filters.enumerated().map { index, filter in
            ContractBodyWire.UsageFilterWire.Window(
                groupKey: filter.groupKey, groupValues: filter.groupValues, startingAt: filter.startingAt,
                endingBefore: index + 1 < filters.count ? filters[index + 1].startingAt : terms.endingBefore
            )
        }
        customFields = terms.customFields
        uniquenessKey = terms.uniquenessKey
        archivedAt = terms.archivedAt
        packageId = snapshot.packageId
        prepaidBalanceThresholdConfiguration = current.prepaidBalanceThresholdConfiguration
        scheduledChargesOnUsageInvoices = current.scheduledChargesOnUsageInvoices
        spendThresholdConfiguration = current.spendThresholdConfiguration
        if let billingProvider = snapshot.billingProviderConfiguration {
            let effectiveAt = terms.billingProviderConfigurationEffectiveAt ?? terms.startingAt
            billingProviderConfigurationSchedule = [
                BillingProviderConfigurationScheduleWire(
                    billingProviderConfiguration: BillingProviderConfigurationWire(billingProvider), effectiveAt: effectiveAt
                ),
            ]
            // One given on create shows from the first; one an edit added, once it is in effect.
            if terms.billingProviderConfigurationEffectiveAt.map({ $0 <= snapshot.asOf }) ?? true {
                customerBillingProviderConfiguration = BillingProviderConfigurationWire(billingProvider)
            }
        }
        revenueSystemConfigurationSchedule = snapshot.revenueSystemConfiguration.map { revenueSystem in
            [
                RevenueSystemConfigurationScheduleWire(
                    revenueSystemConfiguration: RevenueSystemConfigurationWire(revenueSystem),
                    effectiveAt: terms.revenueSystemConfigurationEffectiveAt ?? terms.startingAt
                ),
            ]
        } ?? []
    }
}

/// A contract's `hierarchy_configuration`: a child's parent and how it bills, or a parent's
/// children and how it consolidates them.
enum HierarchyConfigurationWire: Encodable {
    case child(
        parent: ContractHierarchy.Node, payer: ContractHierarchy.Payer?, usageStatementBehavior: ContractHierarchy.UsageStatementBehavior?
    )
    case parent(children: [ContractHierarchy.Node], invoiceConsolidationType: ContractHierarchy.InvoiceConsolidationType?)

    /// The configuration of a contract with `hierarchy` and `children`; nil outside any hierarchy.
    init?(_ hierarchy: ContractHierarchy?, children: [ContractHierarchy.Node]) {
        if let parent = hierarchy?.parent {
            self = .child(parent: parent, payer: hierarchy?.payer, usageStatementBehavior: hierarchy?.usageStatementBehavior)
        } else if !children.isEmpty || hierarchy?.invoiceConsolidationType != nil {
            self = .parent(children: children, invoiceConsolidationType: hierarchy?.invoiceConsolidationType)
        } else {
            return nil
        }
    }

    private enum CodingKeys: String, CodingKey {
        case parent, payer, usageStatementBehavior = "usage_statement_behavior", children, parentBehavior = "parent_behavior"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .child(let parent, let payer, let usageStatementBehavior):
            try container.encode(parent, forKey: .parent)
            try container.encodeIfPresent(payer, forKey: .payer)
            try container.encodeIfPresent(usageStatementBehavior, forKey: .usageStatementBehavior)
        case .parent(let children, let invoiceConsolidationType):
            try container.encode(children, forKey: .children)
            try container.encodeIfPresent(
                invoiceConsolidationType.map(HierarchyConfigurationBody.ParentBehavior.init), forKey: .parentBehavior
            )
        }
    }
}

extension ContractWire {
    /// This contract with the balance and ledger of each commit and credit, as asked.
    func showing(_ accounts: [String: CommitAccount], balance: Bool, ledgers: Bool) -> ContractWire {
        guard balance || ledgers else { return self }
        func show(_ commits: [CommitWire]) -> [CommitWire] {
            commits.map { commit in
                var commit = commit
                if balance { commit.balance = accounts[commit.id]?.balance ?? 0 }
                if ledgers { commit.ledger = (accounts[commit.id]?.ledger ?? []).map(LedgerEntryWire.init) }
                return commit
            }
        }
        var copy = self
        copy.initial.commits = show(initial.commits)
        copy.initial.credits = show(initial.credits)
        copy.current.commits = show(current.commits)
        copy.current.credits = show(current.credits)
        return copy
    }
}

/// Metronome's `ContractWithoutAmendments`: the terms of a contract.
struct ContractBodyWire: Encodable {
    var commits: [CommitWire]
    var credits: [CommitWire]
    var createdAt: Timestamp
    var createdBy: String
    var overrides: [OverrideWire]
    var scheduledCharges: [ScheduledChargeWire]
    var discounts: [ScheduledChargeWire]
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var transitions: [TransitionWire]
    var usageStatementSchedule: UsageStatementScheduleWire
    var name: String?
    var netPaymentTermsDays: Decimal?
    var rateCardId: String?
    var professionalServices: [ProServiceWire] = []
    var usageFilter: UsageFilterWire?
    var recurringCommits: [RecurringCommitWire]
    var recurringCredits: [RecurringCommitWire]
    var prepaidBalanceThresholdConfiguration: PrepaidBalanceThresholdWire?
    var spendThresholdConfiguration: SpendThresholdWire?
    var resellerRoyalties: [ResellerRoyaltyWire]
    var spendTrackers: [SpendTrackerWire]
    var scheduledChargesOnUsageInvoices: String?
    var totalContractValue: Decimal?
    var salesforceOpportunityId: String?
    var netsuiteSalesOrderId: String?
    /// Set from the snapshot, which knows the contract's children.
    var hierarchyConfiguration: HierarchyConfigurationWire?

    /// `usage_filter`: the first filter, the one in force now, and every later one.
    struct UsageFilterWire: Encodable {
        var current: Window?
        var initial: Window
        var updates: [Window]

        /// One filter from `starting_at`; v2 also gives where it ends.
        struct Window: Encodable {
            var groupKey: String
            var groupValues: [String]
            var startingAt: Timestamp
            var endingBefore: Timestamp?

            enum CodingKeys: String, CodingKey {
                case groupKey = "group_key", groupValues = "group_values", startingAt = "starting_at"
                case endingBefore = "ending_before"
            }
        }

        init?(_ filters: [UsageFilterTerms], asOf: Timestamp) {
            func window(_ filter: UsageFilterTerms) -> Window {
                Window(groupKey: filter.groupKey, groupValues: filter.groupValues, startingAt: filter.startingAt)
            }
            guard let first = filters.first else { return nil }
            initial = window(first)
            current = UsageFilterTerms.inForce(filters, at: asOf).map(window)
            updates = filters.dropFirst().map(window)
        }
    }

    /// An item of `transitions`: the contract this one renews.
    struct TransitionWire: Encodable {
        var fromContractId: String
        var toContractId: String
        var type: String

        enum CodingKeys: String, CodingKey {
            case fromContractId = "from_contract_id", toContractId = "to_contract_id", type
        }
    }

    /// The usage statement schedule as Metronome answers it: frequency and anchor.
    struct UsageStatementScheduleWire: Encodable {
        var billingAnchorDate: Timestamp
        var frequency: UsageStatementSchedule.Frequency

        enum CodingKeys: String, CodingKey {
            case billingAnchorDate = "billing_anchor_date", frequency
        }
    }

    enum CodingKeys: String, CodingKey {
        case commits, credits, createdAt = "created_at", createdBy = "created_by", overrides
        case scheduledCharges = "scheduled_charges", discounts, startingAt = "starting_at", endingBefore = "ending_before"
        case transitions, usageStatementSchedule = "usage_statement_schedule", name
        case netPaymentTermsDays = "net_payment_terms_days", rateCardId = "rate_card_id", usageFilter = "usage_filter"
        case recurringCommits = "recurring_commits", recurringCredits = "recurring_credits"
        case professionalServices = "professional_services"
        case prepaidBalanceThresholdConfiguration = "prepaid_balance_threshold_configuration"
        case spendThresholdConfiguration = "spend_threshold_configuration", resellerRoyalties = "reseller_royalties"
        case spendTrackers = "spend_trackers"
        case scheduledChargesOnUsageInvoices = "scheduled_charges_on_usage_invoices", totalContractValue = "total_contract_value"
        case salesforceOpportunityId = "salesforce_opportunity_id", netsuiteSalesOrderId = "netsuite_sales_order_id"
        case hierarchyConfiguration = "hierarchy_configuration"
    }

    init(_ terms: ContractTerms, names: CatalogNames, asOf: Timestamp) {
        commits = terms.commits.map { CommitWire($0, names: names) }
        credits = terms.credits.map { CommitWire($0, names: names) }
        createdAt = terms.createdAt
        createdBy = AppDatabase.apiAuthor
        overrides = terms.overrides.map { OverrideWire($0, names: names) }
        scheduledCharges = terms.scheduledCharges.map { ScheduledChargeWire($0, names: names) }
        discounts = terms.discounts.map { ScheduledChargeWire($0, names: names) }
        startingAt = terms.startingAt
        endingBefore = terms.endingBefore
        transitions = terms.transitions.map {
            TransitionWire(fromContractId: $0.fromContractId, toContractId: $0.toContractId, type: $0.type)
        }
        usageStatementSchedule = UsageStatementScheduleWire(
            billingAnchorDate: terms.usageStatementSchedule.billingAnchorDate, frequency: terms.usageStatementSchedule.frequency
        )
        name = terms.name
        netPaymentTermsDays = terms.netPaymentTermsDays
        rateCardId = terms.rateCardId
        usageFilter = UsageFilterWire(terms.usageFilters, asOf: asOf)
        recurringCommits = terms.recurringCommits.filter { $0.kind == .commit }.map {
            RecurringCommitWire($0, contractId: terms.id, names: names)
        }
        recurringCredits = terms.recurringCommits.filter { $0.kind == .credit }.map {
            RecurringCommitWire($0, contractId: terms.id, names: names)
        }
        prepaidBalanceThresholdConfiguration = terms.prepaidBalanceThreshold.map(PrepaidBalanceThresholdWire.init)
        spendThresholdConfiguration = terms.spendThreshold.map(SpendThresholdWire.init)
        resellerRoyalties = terms.resellerRoyalties.map(ResellerRoyaltyWire.init)
        spendTrackers = terms.spendTrackers.map { SpendTrackerWire($0, terms: terms, asOf: asOf) }
        scheduledChargesOnUsageInvoices = terms.scheduledChargesOnUsageInvoices ? "ALL" : nil
        totalContractValue = terms.salesReferences.totalContractValue
        salesforceOpportunityId = terms.salesReferences.salesforceOpportunityId
        netsuiteSalesOrderId = terms.salesReferences.netsuiteSalesOrderId
    }
}

/// Metronome's `RecurringCommit` and `RecurringCredit` (a credit has no `invoice_amount`).
struct RecurringCommitWire: Encodable {
    var id: String
    var accessAmount: Amount
    var anchorDate: Timestamp
    var commitDuration: CommitDuration
    var priority: Decimal
    var product: ProductRefWire
    var rateType: CommitRateType
    var startingAt: Timestamp
    var applicableProductIds: [String]?
    var applicableProductTags: [String]?
    var contract: ContractRefWire
    var description: String?
    var endingBefore: Timestamp?
    var invoiceAmount: Amount?
    var name: String?
    var proration: RecurringCommitTerms.Proration
    var prorationRounding: RecurringCommitTerms.Rounding?
    var recurrenceFrequency: RecurringCommitTerms.RecurrenceFrequency?
    var rolloverFraction: Decimal?
    var specifiers: [CommitSpecifierWire]?
    var netsuiteSalesOrderId: String?
    var hierarchyConfiguration: CommitHierarchyConfigurationWire?
    var subscriptionConfig: RecurringSubscriptionConfig?

    /// `access_amount` and `invoice_amount`.
    struct Amount: Encodable {
        var creditTypeId: String
        var unitPrice: Decimal
        var quantity: Decimal

        enum CodingKeys: String, CodingKey {
            case creditTypeId = "credit_type_id", unitPrice = "unit_price", quantity
        }
    }

    /// `commit_duration`, in periods.
    struct CommitDuration: Encodable {
        var value: Int
        var unit = "PERIODS"
    }

    enum CodingKeys: String, CodingKey {
        case id, accessAmount = "access_amount", anchorDate = "anchor_date", commitDuration = "commit_duration", priority
        case product, rateType = "rate_type", startingAt = "starting_at", applicableProductIds = "applicable_product_ids"
        case applicableProductTags = "applicable_product_tags", contract, description, endingBefore = "ending_before"
        case invoiceAmount = "invoice_amount", name, proration, recurrenceFrequency = "recurrence_frequency"
        case rolloverFraction = "rollover_fraction", prorationRounding = "proration_rounding", specifiers
        case netsuiteSalesOrderId = "netsuite_sales_order_id", hierarchyConfiguration = "hierarchy_configuration"
        case subscriptionConfig = "subscription_config"
    }

    init(_ terms: RecurringCommitTerms, contractId: String, names: CatalogNames) {
        subscriptionConfig = terms.subscriptionConfig
        func amount(_ amount: RecurringCommitTerms.Amount) -> Amount {
            Amount(creditTypeId: amount.creditTypeId, unitPrice: amount.unitPrice, quantity: amount.quantity)
        }
        id = terms.id
        accessAmount = amount(terms.accessAmount)
        anchorDate = terms.anchorDate
        commitDuration = CommitDuration(value: terms.commitDurationPeriods)
        priority = terms.priority
        product = ProductRefWire(terms.productId, names: names)
        rateType = terms.rateType
        startingAt = terms.startingAt
        applicableProductIds = terms.applicableProductIds
        applicableProductTags = terms.applicableProductTags
        contract = ContractRefWire(id: contractId)
        description = terms.description
        endingBefore = terms.endingBefore
        invoiceAmount = terms.invoiceAmount.map(amount)
        name = terms.name
        proration = terms.proration
        prorationRounding = terms.prorationRounding
        specifiers = terms.specifiers?.map(CommitSpecifierWire.init)
        netsuiteSalesOrderId = terms.netsuiteSalesOrderId
        hierarchyConfiguration = terms.childAccess.map(CommitHierarchyConfigurationWire.init)
        recurrenceFrequency = terms.recurrenceFrequency
        rolloverFraction = terms.rolloverFraction
    }
}

/// Metronome's `ScheduledCharge` (and `Discount`, the same shape).
struct ScheduledChargeWire: Encodable {
    var id: String
    var product: ProductRefWire
    var schedule: InvoiceScheduleWire
    var name: String?
    var customFields: [String: String]
    var netsuiteSalesOrderId: String?

    enum CodingKeys: String, CodingKey {
        case id, product, schedule, name, customFields = "custom_fields", netsuiteSalesOrderId = "netsuite_sales_order_id"
    }

    init(_ charge: ScheduledChargeTerms, names: CatalogNames) {
        id = charge.id
        product = ProductRefWire(charge.productId, names: names)
        schedule = InvoiceScheduleWire(charge.schedule, names: names)
        name = charge.name
        customFields = charge.customFields
        netsuiteSalesOrderId = charge.netsuiteSalesOrderId
    }
}

/// Metronome's `Subscription`.
struct SubscriptionWire: Encodable {
    var id: String
    var billingPeriods: BillingPeriodsWire
    var collectionSchedule: String
    var createdAt: Timestamp
    var proration: Proration
    var quantityManagementMode: String
    var quantitySchedule: [QuantitySegment]
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var subscriptionRate: Rate
    var name: String?
    var description: String?
    var customFields: [String: String]

    /// `billing_periods`: the previous, current and next periods of the subscription.
    struct BillingPeriodsWire: Encodable {
        var previous: Window?
        var current: Window?
        var next: Window?

        /// One period.
        struct Window: Encodable {
            var startingAt: Timestamp
            var endingBefore: Timestamp

            enum CodingKeys: String, CodingKey {
                case startingAt = "starting_at", endingBefore = "ending_before"
            }

            init?(_ period: BillingPeriod?) {
                guard let period else { return nil }
                startingAt = period.start
                endingBefore = period.end
            }
        }
    }

    /// `proration`.
    struct Proration: Encodable {
        var invoiceBehavior: String
        var isProrated: Bool
        var rounding: ProrationRounding?

        enum CodingKeys: String, CodingKey {
            case invoiceBehavior = "invoice_behavior", isProrated = "is_prorated", rounding
        }
    }

    /// One item of `quantity_schedule`.
    struct QuantitySegment: Encodable {
        var quantity: Decimal
        var startingAt: Timestamp
        var endingBefore: Timestamp?

        enum CodingKeys: String, CodingKey {
            case quantity, startingAt = "starting_at", endingBefore = "ending_before"
        }
    }

    /// `subscription_rate`.
    struct Rate: Encodable {
        var billingFrequency: UsageStatementSchedule.Frequency
        var product: ProductRefWire

        enum CodingKeys: String, CodingKey {
            case billingFrequency = "billing_frequency", product
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, billingPeriods = "billing_periods", collectionSchedule = "collection_schedule", createdAt = "created_at"
        case proration, quantityManagementMode = "quantity_management_mode", quantitySchedule = "quantity_schedule"
        case startingAt = "starting_at", endingBefore = "ending_before", subscriptionRate = "subscription_rate", name
        case description, customFields = "custom_fields", seatConfig = "seat_config", billingCycleConfig = "billing_cycle_config"
    }

    /// `seat_config` of a SEAT_BASED subscription: the usage property naming a seat.
    var seatConfig: SeatConfig?
    var billingCycleConfig: BillingCycleConfig

    /// `billing_cycle_config`: the anchor of its billing periods, and where it is invoiced.
    struct BillingCycleConfig: Encodable {
        var anchorDate: Timestamp
        var invoicePlacement: InvoicePlacement

        enum CodingKeys: String, CodingKey {
            case anchorDate = "anchor_date", invoicePlacement = "invoice_placement"
        }
    }

    /// `seat_config`.
    struct SeatConfig: Encodable {
        var seatGroupKey: String

        enum CodingKeys: String, CodingKey {
            case seatGroupKey = "seat_group_key"
        }
    }

    init(_ subscription: SubscriptionTerms, names: CatalogNames, anchor: Timestamp, asOf: Timestamp) {
        id = subscription.id
        let periods = ContractRating.billingPeriods(of: subscription, anchor: anchor, at: asOf)
        billingPeriods = BillingPeriodsWire(
            previous: .init(periods.previous), current: .init(periods.current), next: .init(periods.next)
        )
        collectionSchedule = subscription.collectionSchedule
        createdAt = subscription.createdAt
        proration = Proration(
            invoiceBehavior: subscription.invoiceBehavior, isProrated: subscription.isProrated, rounding: subscription.prorationRounding
        )
        quantityManagementMode = subscription.quantityManagementMode
        // As the SDK documents it: the quantity in force and those scheduled after it.
        let segments = subscription.quantitySegments
        let current = segments.lastIndex { $0.startingAt <= asOf } ?? 0
        quantitySchedule = segments[current...].map {
            QuantitySegment(quantity: $0.quantity, startingAt: $0.startingAt, endingBefore: $0.endingBefore)
        }
        startingAt = subscription.startingAt
        endingBefore = subscription.endingBefore
        subscriptionRate = Rate(billingFrequency: subscription.billingFrequency, product: ProductRefWire(subscription.productId, names: names))
        name = subscription.name
        description = subscription.description
        customFields = subscription.customFields
        seatConfig = subscription.seatConfig.map { SeatConfig(seatGroupKey: $0.seatGroupKey) }
        billingCycleConfig = BillingCycleConfig(
            anchorDate: subscription.billingAnchorDate ?? anchor, invoicePlacement: subscription.invoicePlacement
        )
    }
}

/// Metronome's `Override`.
struct OverrideWire: Encodable {
    var id: String
    var createdAt: Timestamp
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var type: OverrideType
    var product: ProductRefWire?
    var applicableProductTags: [String]?
    var overrideSpecifiers: [CommitSpecifier]?
    var entitled: Bool?
    var isCommitSpecific: Bool?
    var multiplier: Decimal?
    var overwriteRate: RateWire?
    var overrideTiers: [OverrideTierWire]?
    var priority: Decimal?
    var target: CommitRateType?

    enum CodingKeys: String, CodingKey {
        case id, createdAt = "created_at", startingAt = "starting_at", endingBefore = "ending_before", type, product
        case applicableProductTags = "applicable_product_tags", overrideSpecifiers = "override_specifiers", entitled
        case isCommitSpecific = "is_commit_specific", multiplier, overwriteRate = "overwrite_rate"
        case overrideTiers = "override_tiers", priority, target
    }

    init(_ override: OverrideTerms, names: CatalogNames) {
        id = override.id
        createdAt = override.createdAt
        startingAt = override.startingAt
        endingBefore = override.endingBefore
        type = override.type
        product = override.productId.map { ProductRefWire($0, names: names) }
        applicableProductTags = override.applicableProductTags
        overrideSpecifiers = override.specifiers
        entitled = override.entitled
        isCommitSpecific = override.isCommitSpecific
        multiplier = override.multiplier
        overwriteRate = override.overwriteRate.map { RateWire($0, names: names) }
        overrideTiers = override.tiers?.map(OverrideTierWire.init)
        priority = override.priority
        target = override.target
    }
}

extension RateWire {
    /// An OVERWRITE override's `overwrite_rate`, its credit type named from `names`.
    init(_ rate: OverwriteRate, names: CatalogNames) {
        rateType = rate.rateType
        creditType = rate.creditTypeId.map { CreditTypeDataWire(id: $0, names: names.creditTypes) }
        customRate = rate.customRate
        isProrated = rate.isProrated
        price = rate.price
        quantity = rate.quantity
        tiers = rate.tiers?.map(TierWire.init)
    }
}

/// One rate of `getContractRateSchedule`: the list rate, and the rate after the contract's
/// overrides when one changes it.
struct ContractRateWire: Encodable {
    var entitled: Bool
    var listRate: RateWire
    var overrideRate: RateWire?
    var productCustomFields: [String: String]
    var productId: String
    var productName: String
    var productTags: [String]
    var rateCardId: String
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var billingFrequency: BillingFrequency?
    var commitRate: CommitRateWire?
    var pricingGroupValues: [String: String]?

    enum CodingKeys: String, CodingKey {
        case entitled, listRate = "list_rate", overrideRate = "override_rate", productCustomFields = "product_custom_fields"
        case productId = "product_id", productName = "product_name", productTags = "product_tags"
        case rateCardId = "rate_card_id", startingAt = "starting_at", endingBefore = "ending_before"
        case billingFrequency = "billing_frequency", commitRate = "commit_rate", pricingGroupValues = "pricing_group_values"
    }

    init(_ row: ContractRateListing) {
        let listing = row.listing
        entitled = row.entitled
        listRate = RateWire(listing.rate, creditType: listing.creditType, withCommitRate: false)
        overrideRate = row.overrideRate.map { RateWire($0, creditType: row.overrideCreditType, withCommitRate: false) }
        productCustomFields = listing.product.customFields
        productId = listing.product.id
        productName = listing.productState.name ?? ""
        productTags = listing.productState.tags ?? []
        rateCardId = row.rateCardId
        startingAt = listing.rate.startingAt
        endingBefore = listing.rate.endingBefore
        billingFrequency = listing.rate.billingFrequency
        commitRate = listing.rate.commitRate.map(CommitRateWire.init)
        pricingGroupValues = listing.rate.pricingGroupValues
    }
}

/// An item of a contract's `amendments`: what one v1 `contracts/amend` added, from its
/// `starting_at`.
struct AmendmentWire: Encodable {
    var id: String
    var commits: [CommitWire]
    var credits: [CommitWire]
    var overrides: [OverrideWire]
    var scheduledCharges: [ScheduledChargeWire]
    var discounts: [ScheduledChargeWire]
    var createdAt: Timestamp
    var createdBy: String
    var startingAt: Timestamp
    var professionalServices: [ProServiceWire]
    var resellerRoyalties: [ResellerRoyaltyWire]
    var netsuiteSalesOrderId: String?
    var salesforceOpportunityId: String?

    enum CodingKeys: String, CodingKey {
        case id, commits, credits, overrides, scheduledCharges = "scheduled_charges", discounts, createdAt = "created_at"
        case createdBy = "created_by", startingAt = "starting_at", professionalServices = "professional_services"
        case resellerRoyalties = "reseller_royalties", netsuiteSalesOrderId = "netsuite_sales_order_id"
        case salesforceOpportunityId = "salesforce_opportunity_id"
    }

    /// `amendment` on the wire, its products and credit types named from `names`.
    init(_ amendment: ContractEdit, names: CatalogNames) {
        id = amendment.id
        commits = amendment.addCommits.map { CommitWire($0, names: names) }
        credits = amendment.addCredits.map { CommitWire($0, names: names) }
        overrides = amendment.addOverrides.map { OverrideWire($0, names: names) }
        scheduledCharges = amendment.addScheduledCharges.map { ScheduledChargeWire($0, names: names) }
        discounts = amendment.addDiscounts.map { ScheduledChargeWire($0, names: names) }
        createdAt = amendment.timestamp
        createdBy = AppDatabase.apiAuthor
        startingAt = amendment.startingAt ?? amendment.timestamp
        professionalServices = amendment.addProfessionalServices.map(ProServiceWire.init)
        resellerRoyalties = amendment.addResellerRoyalties.map(ResellerRoyaltyWire.init)
        netsuiteSalesOrderId = amendment.salesReferences?.netsuiteSalesOrderId
        salesforceOpportunityId = amendment.salesReferences?.salesforceOpportunityId
    }
}
