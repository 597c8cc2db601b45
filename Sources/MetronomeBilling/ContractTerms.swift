import Foundation
import MetronomeCodecs

// MARK: - Commits and credits

/// Whether an amount a customer may spend was bought (a commit) or given (a credit).
package enum CommitKind: String, WireEnum {
    case commit = "COMMIT"
    case credit = "CREDIT"
}

/// When a commit is paid for: up front (PREPAID) or as a minimum trued up later (POSTPAID).
package enum CommitType: String, WireEnum {
    case prepaid = "PREPAID"
    case postpaid = "POSTPAID"
}

/// Which price usage draws down a commit or credit at.
package enum CommitRateType: String, WireEnum {
    case commitRate = "COMMIT_RATE"
    case listRate = "LIST_RATE"
}

/// Narrows what a commit, credit or override applies to; unset fields match anything.
package struct CommitSpecifier: Sendable, Equatable, Codable {
    package var productId: String?
    package var productTags: [String]?
    package var pricingGroupValues: [String: String]?
    package var presentationGroupValues: [String: String]?
    /// A commit-specific override's commits (`commit_ids`), recurring commits whose commits it
    /// covers (`recurring_commit_ids`), or either, credits too (`any_commit_or_credit_ids`).
    package var commitIds: [String]?
    package var recurringCommitIds: [String]?
    package var anyCommitOrCreditIds: [String]?
    /// An override specifier's billing frequency: it applies to rates of that frequency only.
    package var billingFrequency: BillingFrequency?

    /// A value with each stored property given.
    package init(
        productId: String? = nil,
        productTags: [String]? = nil,
        pricingGroupValues: [String: String]? = nil,
        presentationGroupValues: [String: String]? = nil,
        commitIds: [String]? = nil,
        recurringCommitIds: [String]? = nil,
        anyCommitOrCreditIds: [String]? = nil,
        billingFrequency: BillingFrequency? = nil
    ) {
        self.billingFrequency = billingFrequency
        self.productId = productId
        self.productTags = productTags
        self.pricingGroupValues = pricingGroupValues
        self.presentationGroupValues = presentationGroupValues
        self.commitIds = commitIds
        self.recurringCommitIds = recurringCommitIds
        self.anyCommitOrCreditIds = anyCommitOrCreditIds
    }

    /// Also the stored format of commits, overrides and recurring commits: never rename a key.
    package enum CodingKeys: String, CodingKey {
        case productId = "product_id", productTags = "product_tags", pricingGroupValues = "pricing_group_values"
        case presentationGroupValues = "presentation_group_values", commitIds = "commit_ids"
        case recurringCommitIds = "recurring_commit_ids", anyCommitOrCreditIds = "any_commit_or_credit_ids"
        case billingFrequency = "billing_frequency"
    }

    /// The commit and recurring commit IDs it names, if any.
    package var namedCommitIds: [String]? {
        let named = (commitIds ?? []) + (recurringCommitIds ?? []) + (anyCommitOrCreditIds ?? [])
        return commitIds == nil && recurringCommitIds == nil && anyCommitOrCreditIds == nil ? nil : named
    }
}

/// One segment of an access schedule: `amount` may be spent over `[startingAt, endingBefore)`.
package struct AccessSegment: Sendable, Equatable {
    package var id: String
    package var amount: Decimal
    package var startingAt: Timestamp
    package var endingBefore: Timestamp

    /// Whether the segment is open at `moment`.
    package func covers(_ moment: Timestamp) -> Bool { startingAt <= moment && moment < endingBefore }

    /// A value with each stored property given.
    package init(id: String, amount: Decimal, startingAt: Timestamp, endingBefore: Timestamp) {
        self.id = id
        self.amount = amount
        self.startingAt = startingAt
        self.endingBefore = endingBefore
    }
}

/// One charge of an invoice schedule: `quantity` × `unitPrice` = `amount`, billed at `timestamp`.
package struct InvoiceItem: Sendable, Equatable {
    package var id: String
    package var amount: Decimal
    package var quantity: Decimal
    package var unitPrice: Decimal
    package var timestamp: Timestamp

    /// A value with each stored property given.
    package init(id: String, amount: Decimal, quantity: Decimal, unitPrice: Decimal, timestamp: Timestamp) {
        self.id = id
        self.amount = amount
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.timestamp = timestamp
    }
}

/// What is invoiced, and when: the schedule of a commit, a scheduled charge or a discount.
package struct InvoiceScheduleTerms: Sendable, Equatable {
    package var creditTypeId: String
    package var items: [InvoiceItem]
    package var doNotInvoice: Bool

    /// A value with each stored property given.
    package init(creditTypeId: String, items: [InvoiceItem], doNotInvoice: Bool) {
        self.creditTypeId = creditTypeId
        self.items = items
        self.doNotInvoice = doNotInvoice
    }
}

/// A commit or credit, at contract level (`contractId` set) or customer level: what the billing
/// engine draws down.
package struct CommitTerms: Sendable, Equatable {
    package var id: String
    package var kind: CommitKind
    /// PREPAID or POSTPAID for commits; nil for credits.
    package var type: CommitType?
    package var customerId: String
    package var contractId: String?
    /// The FIXED product the commit or credit is sold as.
    package var productId: String
    package var name: String?
    package var description: String?
    /// Lower draws down first; nil when not given.
    package var priority: Decimal?
    /// The unit of the access and invoice amounts.
    package var creditTypeId: String
    package var accessSchedule: [AccessSegment]
    /// How a commit is invoiced; nil for credits and complimentary (uninvoiced) commits.
    package var invoiceSchedule: InvoiceScheduleTerms?
    package var applicableProductIds: [String]?
    package var applicableProductTags: [String]?
    package var applicableContractIds: [String]?
    package var specifiers: [CommitSpecifier]?
    package var rateType: CommitRateType?
    package var rolloverFraction: Decimal?
    /// The contract whose invoices bill a customer-level commit.
    package var invoiceContractId: String?
    package var uniquenessKey: String?
    package var customFields: [String: String]
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?
    /// The recurring commit or credit that created it, if one did.
    package var recurringCommitId: String?
    /// Whether threshold billing (auto-recharge or a spend threshold) created it.
    package var isThresholdCharge: Bool
    /// The commit or credit of the contract renewed whose unused balance this one carries.
    package var rolledOverFrom: RolledOverFrom?
    /// References to other systems, kept and shown.
    package var netsuiteSalesOrderId: String?
    package var salesforceOpportunityId: String?
    /// `spend_tracker_attributes.counts_as_discounted`: spend trackers count its purchase as discounted.
    package var countsAsDiscounted: Bool?
    /// `hierarchy_configuration.child_access` of a contract's commit or credit: which child
    /// contracts may draw it down; nil as NONE.
    package var childAccess: CommitChildAccess?
    /// The subscription config of the recurring commit that made it, if one is attached.
    package var subscriptionConfig: RecurringSubscriptionConfig?
    /// The deprecated `amount` a client gave with the access schedule, kept as given.
    package var amount: Decimal?
    /// `access_schedule.access_type`: SPEND balances are amounts of its credit type, QUANTITY
    /// balances numbers of units, drawn by the units of usage they pay for.
    package var accessType: BalanceAccessType = .spend

    /// When access starts: the first segment's start.
    package var accessStartingAt: Timestamp? { accessSchedule.map(\.startingAt).min() }
    /// When access ends: the last segment's end.
    package var accessEndingBefore: Timestamp? { accessSchedule.map(\.endingBefore).max() }
    /// Whether some segment is open at `moment`.
    package func covers(_ moment: Timestamp) -> Bool { accessSchedule.contains { $0.covers(moment) } }
    /// A PREPAID commit that nobody is invoiced for.
    package var isComplimentary: Bool { kind == .commit && type == .prepaid && (invoiceSchedule?.items.isEmpty ?? true) }
    /// Whether no product filter is set, so the commit or credit applies to every product.
    package var appliesToAllProducts: Bool {
        (applicableProductIds ?? []).isEmpty && (applicableProductTags ?? []).isEmpty && (specifiers ?? []).isEmpty
    }

    /// A value with each stored property given.
    package init(
        id: String,
        kind: CommitKind,
        type: CommitType? = nil,
        customerId: String,
        contractId: String? = nil,
        productId: String,
        name: String? = nil,
        description: String? = nil,
        priority: Decimal? = nil,
        creditTypeId: String,
        accessSchedule: [AccessSegment],
        invoiceSchedule: InvoiceScheduleTerms? = nil,
        applicableProductIds: [String]? = nil,
        applicableProductTags: [String]? = nil,
        applicableContractIds: [String]? = nil,
        specifiers: [CommitSpecifier]? = nil,
        rateType: CommitRateType? = nil,
        rolloverFraction: Decimal? = nil,
        invoiceContractId: String? = nil,
        uniquenessKey: String? = nil,
        customFields: [String: String],
        createdAt: Timestamp,
        archivedAt: Timestamp? = nil,
        recurringCommitId: String? = nil,
        isThresholdCharge: Bool = false,
        rolledOverFrom: RolledOverFrom? = nil,
        netsuiteSalesOrderId: String? = nil,
        salesforceOpportunityId: String? = nil,
        countsAsDiscounted: Bool? = nil,
        childAccess: CommitChildAccess? = nil,
        subscriptionConfig: RecurringSubscriptionConfig? = nil,
        amount: Decimal? = nil,
        accessType: BalanceAccessType = .spend
    ) {
        self.accessType = accessType
        self.amount = amount
        self.subscriptionConfig = subscriptionConfig
        self.childAccess = childAccess
        self.netsuiteSalesOrderId = netsuiteSalesOrderId
        self.salesforceOpportunityId = salesforceOpportunityId
        self.countsAsDiscounted = countsAsDiscounted
        self.recurringCommitId = recurringCommitId
        self.isThresholdCharge = isThresholdCharge
        self.rolledOverFrom = rolledOverFrom
        self.id = id
        self.kind = kind
        self.type = type
        self.customerId = customerId
        self.contractId = contractId
        self.productId = productId
        self.name = name
        self.description = description
        self.priority = priority
        self.creditTypeId = creditTypeId
        self.accessSchedule = accessSchedule
        self.invoiceSchedule = invoiceSchedule
        self.applicableProductIds = applicableProductIds
        self.applicableProductTags = applicableProductTags
        self.applicableContractIds = applicableContractIds
        self.specifiers = specifiers
        self.rateType = rateType
        self.rolloverFraction = rolloverFraction
        self.invoiceContractId = invoiceContractId
        self.uniquenessKey = uniquenessKey
        self.customFields = customFields
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }
}

// MARK: - Contracts

/// How often a contract's usage statements (invoices) are cut, and from which anchor.
package struct UsageStatementSchedule: Sendable, Equatable {
    package var frequency: Frequency
    package var day: Day
    /// The moment periods count from.
    package var billingAnchorDate: Timestamp
    /// `invoice_generation_starting_at`: no statement is made for a period that starts before it
    /// (historical invoices bill those); nil: from the contract's start.
    package var invoiceGenerationStartingAt: Timestamp?

    /// Whether a statement is made for `period`.
    package func generates(_ period: BillingPeriod) -> Bool {
        invoiceGenerationStartingAt.map { period.start >= $0 } ?? true
    }

    /// The statement periods of a contract over `[start, end)` on this schedule.
    package func cadence(start: Timestamp, end: Timestamp?) -> BillingCadence {
        BillingCadence(start: start, end: end, anchor: billingAnchorDate, length: ContractRating.length(of: frequency))
    }

    /// The statement frequency.
    package enum Frequency: String, WireEnum {
        case monthly = "MONTHLY"
        case quarterly = "QUARTERLY"
        case annual = "ANNUAL"
        case weekly = "WEEKLY"
    }

    /// Where periods are anchored.
    package enum Day: String, WireEnum {
        case firstOfMonth = "FIRST_OF_MONTH"
        case contractStart = "CONTRACT_START"
        case customDate = "CUSTOM_DATE"
    }

    /// The schedule of a contract starting at `contractStart`: the first of its month at 00:00
    /// UTC, the contract start, or `anchor` (required for, and implying, CUSTOM_DATE).
    /// Nothing given: monthly on the first.
    package static func resolve(
        frequency: Frequency?, day: Day?, anchor: Timestamp?, contractStart: Timestamp
    ) throws(PricingRuleViolation) -> UsageStatementSchedule {
        let day = day ?? (anchor == nil ? .firstOfMonth : .customDate)
        let resolved: Timestamp
        switch day {
        case .firstOfMonth:
            resolved = BillingCadence.startOfMonth(contractStart)
        case .contractStart:
            resolved = contractStart
        case .customDate:
            guard let anchor else {
                throw PricingRuleViolation(message: "'usage_statement_schedule.billing_anchor_date' is required when 'day' is CUSTOM_DATE")
            }
            resolved = anchor
        }
        return UsageStatementSchedule(frequency: frequency ?? .monthly, day: day, billingAnchorDate: resolved)
    }

    /// A value with each stored property given.
    package init(frequency: Frequency, day: Day, billingAnchorDate: Timestamp, invoiceGenerationStartingAt: Timestamp? = nil) {
        self.frequency = frequency
        self.day = day
        self.billingAnchorDate = billingAnchorDate
        self.invoiceGenerationStartingAt = invoiceGenerationStartingAt
    }
}

/// A charge billed on a schedule (or, with `isDiscount`, a discount credited on one).
package struct ScheduledChargeTerms: Sendable, Equatable {
    package var id: String
    package var productId: String
    package var name: String?
    package var schedule: InvoiceScheduleTerms
    package var customFields: [String: String]
    package var netsuiteSalesOrderId: String?

    /// A value with each stored property given.
    package init(
        id: String,
        productId: String,
        name: String? = nil,
        schedule: InvoiceScheduleTerms,
        customFields: [String: String],
        netsuiteSalesOrderId: String? = nil
    ) {
        self.netsuiteSalesOrderId = netsuiteSalesOrderId
        self.id = id
        self.productId = productId
        self.name = name
        self.schedule = schedule
        self.customFields = customFields
    }
}

/// A subscription of a contract: a quantity of a SUBSCRIPTION product billed each period.
package struct SubscriptionTerms: Sendable, Equatable {
    package var id: String
    package var productId: String
    package var billingFrequency: UsageStatementSchedule.Frequency
    package var collectionSchedule: String
    package var isProrated: Bool
    package var invoiceBehavior: String
    package var quantityManagementMode: String
    package var initialQuantity: Decimal
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?
    package var name: String?
    package var description: String?
    package var customFields: [String: String]
    package var createdAt: Timestamp
    /// The seats of a SEAT_BASED subscription; nil for QUANTITY_ONLY.
    package var seatConfig: SeatConfig?
    /// The quantity changes edits scheduled, in the order they were made.
    package var quantityChanges: [SubscriptionQuantityChange] = []
    /// The seat updates edits made of a SEAT_BASED subscription, in the order they were made.
    package var seatUpdates: [SubscriptionSeatUpdates] = []
    /// How a prorated period's amount is rounded; nil: not rounded.
    package var prorationRounding: ProrationRounding?
    /// `billing_cycle_config.anchor_date`: where its billing periods are anchored; nil: on the
    /// contract's usage statement anchor.
    package var billingAnchorDate: Timestamp?
    /// `billing_cycle_config.invoice_placement`.
    package var invoicePlacement: InvoicePlacement = .onUsageInvoice

    /// A SEAT_BASED subscription's seats: the IDs assigned from its start, and the usage
    /// property that names a seat.
    package struct SeatConfig: Sendable, Equatable {
        package var initialSeatIds: [String]
        package var seatGroupKey: String

        /// A value with each stored property given.
        package init(initialSeatIds: [String], seatGroupKey: String) {
            self.initialSeatIds = initialSeatIds
            self.seatGroupKey = seatGroupKey
        }
    }

    /// A value with each stored property given.
    package init(
        id: String,
        productId: String,
        billingFrequency: UsageStatementSchedule.Frequency,
        collectionSchedule: String,
        isProrated: Bool,
        invoiceBehavior: String,
        quantityManagementMode: String,
        initialQuantity: Decimal,
        startingAt: Timestamp,
        endingBefore: Timestamp? = nil,
        name: String? = nil,
        description: String? = nil,
        customFields: [String: String],
        createdAt: Timestamp,
        seatConfig: SeatConfig? = nil
    ) {
        self.seatConfig = seatConfig
        self.id = id
        self.productId = productId
        self.billingFrequency = billingFrequency
        self.collectionSchedule = collectionSchedule
        self.isProrated = isProrated
        self.invoiceBehavior = invoiceBehavior
        self.quantityManagementMode = quantityManagementMode
        self.initialQuantity = initialQuantity
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.name = name
        self.description = description
        self.customFields = customFields
        self.createdAt = createdAt
    }
}

/// How an override changes the rates it applies to.
package enum OverrideType: String, WireEnum {
    case overwrite = "OVERWRITE"
    case multiplier = "MULTIPLIER"
    case tiered = "TIERED"
}

/// The rate an OVERWRITE override puts in place of the list rate.
package struct OverwriteRate: Sendable, Equatable {
    package var rateType: RateType
    package var creditTypeId: String?
    package var price: Decimal?
    package var quantity: Decimal?
    package var isProrated: Bool?
    package var tiers: [Tier]?
    package var customRate: [String: JSONValue]?

    /// A value with each stored property given.
    package init(
        rateType: RateType,
        creditTypeId: String? = nil,
        price: Decimal? = nil,
        quantity: Decimal? = nil,
        isProrated: Bool? = nil,
        tiers: [Tier]? = nil,
        customRate: [String: JSONValue]? = nil
    ) {
        self.rateType = rateType
        self.creditTypeId = creditTypeId
        self.price = price
        self.quantity = quantity
        self.isProrated = isProrated
        self.tiers = tiers
        self.customRate = customRate
    }
}

/// One tier of a TIERED override: a multiplier for the next `size` units.
package struct OverrideTier: Sendable, Equatable {
    package var multiplier: Decimal
    package var size: Decimal?

    /// A value with each stored property given.
    package init(multiplier: Decimal, size: Decimal? = nil) {
        self.multiplier = multiplier
        self.size = size
    }
}

/// How a contract chooses among the MULTIPLIER (and TIERED) overrides that apply to a rate.
package enum MultiplierOverridePrioritization: String, WireEnum {
    /// The lowest multiplier: the greatest discount. Metronome's default.
    case lowestMultiplier = "LOWEST_MULTIPLIER"
    /// The override of lowest `priority`; required for TIERED overrides.
    case explicit = "EXPLICIT"
}

/// A contract's usage filter from `startingAt`: only usage whose `groupKey` property has one of
/// `groupValues` is rated on the contract.
package struct UsageFilterTerms: Sendable, Equatable, Codable {
    package var groupKey: String
    package var groupValues: [String]
    package var startingAt: Timestamp

    package enum CodingKeys: String, CodingKey {
        case groupKey = "group_key", groupValues = "group_values", startingAt = "starting_at"
    }

    /// A value with each stored property given.
    package init(groupKey: String, groupValues: [String], startingAt: Timestamp) {
        self.groupKey = groupKey
        self.groupValues = groupValues
        self.startingAt = startingAt
    }

    /// The filter in force at `moment`: the latest to start by then (nil before the first).
    package static func inForce(_ filters: [UsageFilterTerms], at moment: Timestamp) -> UsageFilterTerms? {
        filters.filter { $0.startingAt <= moment }.max { $0.startingAt < $1.startingAt }
    }
}

/// A contract's change to its rate card's rates over `[startingAt, endingBefore)`.
package struct OverrideTerms: Sendable, Equatable {
    package var id: String
    package var type: OverrideType
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?
    package var productId: String?
    package var applicableProductTags: [String]?
    package var specifiers: [CommitSpecifier]?
    package var entitled: Bool?
    package var multiplier: Decimal?
    package var overwriteRate: OverwriteRate?
    package var tiers: [OverrideTier]?
    package var priority: Decimal?
    package var target: CommitRateType?
    package var isCommitSpecific: Bool?
    package var createdAt: Timestamp

    /// Whether the override is in force at `moment`.
    package func covers(_ moment: Timestamp) -> Bool {
        startingAt <= moment && endingBefore.map { moment < $0 } ?? true
    }

    /// Whether it applies to `rate`, of a product tagged `productTags`: by product, by tag, or
    /// by any specifier.
    package func applies(to rate: Rate, productTags: [String]) -> Bool {
        if let productId { return productId == rate.productId }
        if let tags = applicableProductTags, !tags.isEmpty { return tags.contains(where: productTags.contains) }
        return !matchingSpecifiers(rate, productTags: productTags).isEmpty
    }

    private func matchingSpecifiers(_ rate: Rate, productTags: [String]) -> [CommitSpecifier] {
        (specifiers ?? []).filter { specifier in
            if let id = specifier.productId, id != rate.productId { return false }
            if let tags = specifier.productTags, !tags.contains(where: productTags.contains) { return false }
            if let values = specifier.pricingGroupValues,
               !values.allSatisfy({ (rate.pricingGroupValues ?? [:])[$0.key] == $0.value }) { return false }
            if let frequency = specifier.billingFrequency, frequency != rate.billingFrequency { return false }
            return true
        }
    }

    /// The commits and credits a commit-specific override prices the draws of on `rate`: those
    /// its specifiers that match the rate name, or all when one of them (or the override's
    /// product or tags) names none. Nil when it is not commit-specific or does not apply.
    package func commitSelection(for rate: Rate, productTags: [String]) -> CommitSelection? {
        guard isCommitSpecific == true, applies(to: rate, productTags: productTags) else { return nil }
        if productId != nil || !(applicableProductTags ?? []).isEmpty { return CommitSelection(ids: nil) }
        var ids: Set<String> = []
        for specifier in matchingSpecifiers(rate, productTags: productTags) {
            guard let named = specifier.namedCommitIds else { return CommitSelection(ids: nil) }
            ids.formUnion(named)
        }
        return CommitSelection(ids: ids)
    }

    /// Product-specific overrides beat tag- or specifier-based ones.
    package var specificity: Int { productId != nil ? 0 : 1 }

    /// A value with each stored property given.
    package init(
        id: String,
        type: OverrideType,
        startingAt: Timestamp,
        endingBefore: Timestamp? = nil,
        productId: String? = nil,
        applicableProductTags: [String]? = nil,
        specifiers: [CommitSpecifier]? = nil,
        entitled: Bool? = nil,
        multiplier: Decimal? = nil,
        overwriteRate: OverwriteRate? = nil,
        tiers: [OverrideTier]? = nil,
        priority: Decimal? = nil,
        target: CommitRateType? = nil,
        isCommitSpecific: Bool? = nil,
        createdAt: Timestamp
    ) {
        self.id = id
        self.type = type
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.productId = productId
        self.applicableProductTags = applicableProductTags
        self.specifiers = specifiers
        self.entitled = entitled
        self.multiplier = multiplier
        self.overwriteRate = overwriteRate
        self.tiers = tiers
        self.priority = priority
        self.target = target
        self.isCommitSpecific = isCommitSpecific
        self.createdAt = createdAt
    }
}

/// The link from the contract a contract renews.
package struct TransitionTerms: Sendable, Equatable {
    package var fromContractId: String
    package var toContractId: String
    package var type: String

    /// A value with each stored property given.
    package init(fromContractId: String, toContractId: String, type: String) {
        self.fromContractId = fromContractId
        self.toContractId = toContractId
        self.type = type
    }
}

/// A contract with everything it agrees: what the billing engine rates and invoices from.
package struct ContractTerms: Sendable, Equatable {
    package var id: String
    package var customerId: String
    package var name: String?
    package var startingAt: Timestamp
    /// Exclusive end; nil when open-ended.
    package var endingBefore: Timestamp?
    package var rateCardId: String?
    package var usageStatementSchedule: UsageStatementSchedule
    package var netPaymentTermsDays: Decimal?
    package var commits: [CommitTerms]
    package var credits: [CommitTerms]
    package var scheduledCharges: [ScheduledChargeTerms]
    package var discounts: [ScheduledChargeTerms]
    package var subscriptions: [SubscriptionTerms]
    package var overrides: [OverrideTerms]
    package var transitions: [TransitionTerms]
    package var customFields: [String: String]
    package var uniquenessKey: String?
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?
    package var multiplierOverridePrioritization: MultiplierOverridePrioritization
    /// In order of `startingAt`; the first is the contract's initial filter.
    package var usageFilters: [UsageFilterTerms]
    /// Recurring commits and recurring credits, told apart by `kind`.
    package var recurringCommits: [RecurringCommitTerms]
    package var prepaidBalanceThreshold: PrepaidBalanceThreshold?
    package var spendThreshold: SpendThreshold?
    package var resellerRoyalties: [ResellerRoyaltyTerms]
    package var spendTrackers: [SpendTrackerTerms]
    /// The customer's billing provider configuration the contract's invoices go to.
    package var billingProviderConfigurationId: String?
    /// When that configuration took effect, if an edit added it; nil: from the contract's start.
    package var billingProviderConfigurationEffectiveAt: Timestamp?
    /// The customer's revenue system configuration the contract's revenue is recognized in.
    package var revenueSystemConfigurationId: String?
    /// When that configuration took effect, if an edit added it; nil: from the contract's start.
    package var revenueSystemConfigurationEffectiveAt: Timestamp?
    /// Whether invoice schedule items dated at the end of a usage statement's period go on that
    /// statement instead of invoices of their own (`scheduled_charges_on_usage_invoices` ALL).
    package var scheduledChargesOnUsageInvoices: Bool
    package var salesReferences: SalesReferences
    /// Its place in an account hierarchy, if it has one as a child or was given a parent's
    /// behaviour; a parent's children are the contracts that name it.
    package var hierarchy: ContractHierarchy?

    /// What a contract records for other systems: kept and shown, never rated.
    package struct SalesReferences: Sendable, Equatable, Codable {
        package var totalContractValue: Decimal?
        package var salesforceOpportunityId: String?
        package var netsuiteSalesOrderId: String?

        package enum CodingKeys: String, CodingKey {
            case totalContractValue = "total_contract_value", salesforceOpportunityId = "salesforce_opportunity_id"
            case netsuiteSalesOrderId = "netsuite_sales_order_id"
        }

        /// A value with each stored property given.
        package init(totalContractValue: Decimal? = nil, salesforceOpportunityId: String? = nil, netsuiteSalesOrderId: String? = nil) {
            self.totalContractValue = totalContractValue
            self.salesforceOpportunityId = salesforceOpportunityId
            self.netsuiteSalesOrderId = netsuiteSalesOrderId
        }
    }

    /// The contract's usage statement periods.
    package var statementCadence: BillingCadence { usageStatementSchedule.cadence(start: startingAt, end: endingBefore) }

    /// Whether the contract is in force at `moment`.
    package func covers(_ moment: Timestamp) -> Bool {
        startingAt <= moment && endingBefore.map { moment < $0 } ?? true
    }

    /// A value with each stored property given.
    package init(
        id: String,
        customerId: String,
        name: String? = nil,
        startingAt: Timestamp,
        endingBefore: Timestamp? = nil,
        rateCardId: String? = nil,
        usageStatementSchedule: UsageStatementSchedule,
        netPaymentTermsDays: Decimal? = nil,
        commits: [CommitTerms],
        credits: [CommitTerms],
        scheduledCharges: [ScheduledChargeTerms],
        discounts: [ScheduledChargeTerms],
        subscriptions: [SubscriptionTerms],
        overrides: [OverrideTerms],
        transitions: [TransitionTerms],
        customFields: [String: String],
        uniquenessKey: String? = nil,
        createdAt: Timestamp,
        archivedAt: Timestamp? = nil,
        multiplierOverridePrioritization: MultiplierOverridePrioritization = .lowestMultiplier,
        usageFilters: [UsageFilterTerms] = [],
        recurringCommits: [RecurringCommitTerms] = [],
        prepaidBalanceThreshold: PrepaidBalanceThreshold? = nil,
        spendThreshold: SpendThreshold? = nil,
        resellerRoyalties: [ResellerRoyaltyTerms] = [],
        spendTrackers: [SpendTrackerTerms] = [],
        billingProviderConfigurationId: String? = nil,
        billingProviderConfigurationEffectiveAt: Timestamp? = nil,
        revenueSystemConfigurationId: String? = nil,
        revenueSystemConfigurationEffectiveAt: Timestamp? = nil,
        scheduledChargesOnUsageInvoices: Bool = false,
        salesReferences: SalesReferences = SalesReferences(),
        hierarchy: ContractHierarchy? = nil
    ) {
        self.hierarchy = hierarchy
        self.prepaidBalanceThreshold = prepaidBalanceThreshold
        self.spendThreshold = spendThreshold
        self.resellerRoyalties = resellerRoyalties
        self.spendTrackers = spendTrackers
        self.billingProviderConfigurationId = billingProviderConfigurationId
        self.billingProviderConfigurationEffectiveAt = billingProviderConfigurationEffectiveAt
        self.revenueSystemConfigurationId = revenueSystemConfigurationId
        self.revenueSystemConfigurationEffectiveAt = revenueSystemConfigurationEffectiveAt
        self.scheduledChargesOnUsageInvoices = scheduledChargesOnUsageInvoices
        self.salesReferences = salesReferences
        self.multiplierOverridePrioritization = multiplierOverridePrioritization
        self.usageFilters = usageFilters
        self.recurringCommits = recurringCommits
        self.id = id
        self.customerId = customerId
        self.name = name
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.rateCardId = rateCardId
        self.usageStatementSchedule = usageStatementSchedule
        self.netPaymentTermsDays = netPaymentTermsDays
        self.commits = commits
        self.credits = credits
        self.scheduledCharges = scheduledCharges
        self.discounts = discounts
        self.subscriptions = subscriptions
        self.overrides = overrides
        self.transitions = transitions
        self.customFields = customFields
        self.uniquenessKey = uniquenessKey
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }
}

// MARK: - Rules

/// Metronome's rules for the schedules of contracts, commits and credits.
package enum ContractRules {
    /// Metronome's rules for choosing among multipliers: TIERED overrides need EXPLICIT
    /// prioritization, and EXPLICIT needs a `priority` on every MULTIPLIER or TIERED override.
    /// The message names the first override that breaks them.
    package static func prioritizationViolation(
        _ overrides: [OverrideTerms], _ prioritization: MultiplierOverridePrioritization, field: String
    ) -> String? {
        for (index, override) in overrides.enumerated() {
            if override.type == .tiered && prioritization != .explicit {
                return "'\(field)[\(index)]' is TIERED, which needs 'multiplier_override_prioritization' EXPLICIT"
            }
            if prioritization == .explicit && (override.type == .tiered || override.type == .multiplier) && override.priority == nil {
                return "'\(field)[\(index)].priority' is required: 'multiplier_override_prioritization' is EXPLICIT"
            }
        }
        return nil
    }

    /// An access schedule: at least one segment, each with a non-negative amount and a
    /// non-empty range.
    package static func checkAccess(_ segments: [AccessSegment], field: String) throws(PricingRuleViolation) {
        guard !segments.isEmpty else {
            throw PricingRuleViolation(message: "'\(field).schedule_items' must have at least one item")
        }
        for (index, segment) in segments.enumerated() {
            guard segment.amount >= 0 else {
                throw PricingRuleViolation(message: "'\(field).schedule_items[\(index)].amount' must be >= 0")
            }
            guard segment.startingAt < segment.endingBefore else {
                throw PricingRuleViolation(
                    message: "'\(field).schedule_items[\(index)].ending_before' must be after its 'starting_at'"
                )
            }
        }
    }

    /// The access schedule cut at `end`: segments starting at or after it are dropped, the one
    /// spanning it ends there. An end may only move earlier: a later one is refused.
    package static func endAccess(_ segments: [AccessSegment], before end: Timestamp) throws(PricingRuleViolation) -> [AccessSegment] {
        if let current = segments.map(\.endingBefore).max(), end > current {
            throw PricingRuleViolation(message: "'access_ending_before' can only move the end of access earlier")
        }
        return segments.compactMap { segment in
            guard segment.startingAt < end else { return nil }
            var cut = segment
            cut.endingBefore = min(segment.endingBefore, end)
            return cut
        }
    }

    /// The invoice schedule without the items due at or after `end` (an end after the last
    /// item changes nothing).
    package static func endInvoices(_ schedule: InvoiceScheduleTerms, before end: Timestamp) -> InvoiceScheduleTerms {
        var cut = schedule
        cut.items = schedule.items.filter { $0.timestamp < end }
        return cut
    }

    /// One invoice item from what a request gives: an amount (read as 1 × amount), or a
    /// quantity (default 1) and a unit price.
    package static func invoiceItem(
        id: String, timestamp: Timestamp, amount: Decimal?, quantity: Decimal?, unitPrice: Decimal?, field: String
    ) throws(PricingRuleViolation) -> InvoiceItem {
        if let amount, unitPrice == nil {
            guard quantity == nil else {
                throw PricingRuleViolation(message: "'\(field)': give either 'amount' or 'quantity' and 'unit_price'")
            }
            return InvoiceItem(id: id, amount: amount, quantity: 1, unitPrice: amount, timestamp: timestamp)
        }
        guard let unitPrice else {
            throw PricingRuleViolation(message: "'\(field)' needs 'amount' or 'unit_price'")
        }
        let quantity = quantity ?? 1
        if let amount, amount != quantity * unitPrice {
            throw PricingRuleViolation(message: "'\(field).amount' must equal quantity × unit_price")
        }
        return InvoiceItem(id: id, amount: quantity * unitPrice, quantity: quantity, unitPrice: unitPrice, timestamp: timestamp)
    }

    /// How a recurring schedule spreads its total over its invoices.
    package enum AmountDistribution: String, WireEnum {
        case divided = "DIVIDED"
        case dividedRounded = "DIVIDED_ROUNDED"
        case each = "EACH"
    }

    /// How often a recurring schedule invoices.
    package enum RecurrenceFrequency: String, WireEnum {
        case monthly = "MONTHLY"
        case quarterly = "QUARTERLY"
        case semiAnnual = "SEMI_ANNUAL"
        case annual = "ANNUAL"

        package var months: Int64 {
            switch self {
            case .monthly: 1
            case .quarterly: 3
            case .semiAnnual: 6
            case .annual: 12
            }
        }
    }

    /// The invoice times of a recurring schedule: `startingAt`, then every `frequency` after,
    /// while before `endingBefore`, with `unitPrice` × `quantity` per invoice (EACH), or the
    /// total divided among them (DIVIDED; DIVIDED_ROUNDED rounds to cents, the last one taking
    /// the remainder). IDs come from `makeId`.
    package static func recurringItems(
        startingAt: Timestamp, endingBefore: Timestamp, frequency: RecurrenceFrequency, distribution: AmountDistribution,
        amount: Decimal?, quantity: Decimal?, unitPrice: Decimal?, field: String, makeId: () -> String
    ) throws(PricingRuleViolation) -> [InvoiceItem] {
        guard startingAt < endingBefore else {
            throw PricingRuleViolation(message: "'\(field).ending_before' must be after its 'starting_at'")
        }
        var times: [Timestamp] = []
        var step: Int64 = 0
        while true {
            let time = BillingCadence.advance(startingAt, by: .months(Int(frequency.months)), times: Int(step))
            guard time < endingBefore, times.count < 1200 else { break }
            times.append(time)
            step += 1
        }
        let template = try invoiceItem(
            id: "", timestamp: startingAt, amount: amount, quantity: quantity, unitPrice: unitPrice, field: field
        )
        let count = Decimal(times.count)
        var amounts: [Decimal]
        switch distribution {
        case .each:
            amounts = times.map { _ in template.amount }
        case .divided:
            amounts = times.map { _ in template.amount / count }
        case .dividedRounded:
            let share = (template.amount / count).rounded(toPlaces: 0)
            amounts = times.map { _ in share }
            amounts[amounts.count - 1] = template.amount - share * (count - 1)
        }
        return zip(times, amounts).map { time, amount in
            InvoiceItem(id: makeId(), amount: amount, quantity: 1, unitPrice: amount, timestamp: time)
        }
    }

    /// The list rate `rate` as the contract's overrides in force at `moment` leave it: whether
    /// it is entitled, and the rate that replaces it (nil when no override changes the price).
    /// An OVERWRITE beats multipliers and tiers; a product-specific override beats a tag-based
    /// one, then the lower priority wins. Among MULTIPLIER overrides the lowest applies, unless
    /// prioritization is EXPLICIT: then the MULTIPLIER or TIERED override of lowest priority does.
    package static func applyOverrides(
        _ overrides: [OverrideTerms], to rate: Rate, productTags: [String], at moment: Timestamp,
        prioritization: MultiplierOverridePrioritization = .lowestMultiplier
    ) -> (entitled: Bool, overrideRate: Rate?) {
        let matching = overrides
            .filter { $0.covers(moment) && $0.applies(to: rate, productTags: productTags) && $0.isCommitSpecific != true }
            .sorted { ($0.specificity, $0.priority ?? .greatestFiniteMagnitude) < ($1.specificity, $1.priority ?? .greatestFiniteMagnitude) }
        let entitled = matching.first(where: { $0.entitled != nil })?.entitled ?? rate.entitled
        if let overwrite = matching.first(where: { $0.type == .overwrite })?.overwriteRate {
            var replaced = rate
            replaced.rateType = overwrite.rateType
            replaced.price = overwrite.price
            replaced.tiers = overwrite.tiers
            replaced.quantity = overwrite.quantity
            replaced.isProrated = overwrite.isProrated
            replaced.customRate = overwrite.customRate
            replaced.creditTypeId = overwrite.creditTypeId ?? rate.creditTypeId
            replaced.entitled = entitled
            return (entitled, replaced)
        }
        switch prioritization {
        case .lowestMultiplier:
            if let multiplier = matching.filter({ $0.type == .multiplier }).compactMap(\.multiplier).min() {
                var replaced = multiplied(rate, by: [OverrideTier(multiplier: multiplier)])
                replaced.entitled = entitled
                return (entitled, replaced)
            }
        case .explicit:
            let first = matching.filter { $0.type == .multiplier || $0.type == .tiered }
                .min { ($0.priority ?? .greatestFiniteMagnitude) < ($1.priority ?? .greatestFiniteMagnitude) }
            if let first, let tiers = first.type == .tiered ? first.tiers : first.multiplier.map({ [OverrideTier(multiplier: $0)] }) {
                var replaced = multiplied(rate, by: tiers)
                replaced.entitled = entitled
                return (entitled, replaced)
            }
        }
        return (entitled, nil)
    }

    /// `rate` with each unit's price multiplied by the multiplier of the override tier it falls
    /// in. One tier scales the price (or every tier's); several make a tiered rate, cut where
    /// either the rate's tiers or the override's change.
    package static func multiplied(_ rate: Rate, by tiers: [OverrideTier]) -> Rate {
        var replaced = rate
        if tiers.count == 1, let multiplier = tiers.first?.multiplier {
            replaced.price = rate.price.map { $0 * multiplier }
            replaced.tiers = rate.tiers?.map { Tier(price: $0.price * multiplier, size: $0.size) }
            return replaced
        }
        guard rate.rateType == .flat || rate.rateType == .tiered else { return replaced }
        let base = rate.rateType == .tiered ? rate.tiers ?? [] : [Tier(price: rate.price ?? 0)]
        func starts(_ sizes: [Decimal?]) -> [Decimal] {
            var start: Decimal = 0
            return sizes.map { size in defer { start += size ?? 0 }; return start }
        }
        let baseStarts = starts(base.map(\.size)), overrideStarts = starts(tiers.map(\.size))
        let cuts = Array(Set(baseStarts + overrideStarts)).sorted()
        func index(_ starts: [Decimal], at unit: Decimal) -> Int { starts.lastIndex { $0 <= unit } ?? 0 }
        replaced.rateType = .tiered
        replaced.price = nil
        replaced.tiers = cuts.enumerated().map { position, start in
            let size = position + 1 < cuts.count ? cuts[position + 1] - start : nil
            let price = base[index(baseStarts, at: start)].price * tiers[index(overrideStarts, at: start)].multiplier
            return Tier(price: price, size: size)
        }
        return replaced
    }

}

/// A reseller royalty of a contract (`reseller_royalties`): the share of the contract's billings
/// owed to the marketplace that resold it, over a window. Kept and shown; it changes no invoice.
package struct ResellerRoyaltyTerms: Sendable, Equatable, Codable {
    package var resellerType: ResellerType
    package var fraction: Decimal
    package var netsuiteResellerId: String
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?
    package var applicableProductIds: [String]?
    package var applicableProductTags: [String]?
    package var awsAccountNumber: String?
    package var awsOfferId: String?
    package var awsPayerReferenceId: String?
    package var gcpAccountId: String?
    package var gcpOfferId: String?
    package var resellerContractValue: Decimal?

    /// The marketplaces Metronome reports royalties to.
    package enum ResellerType: String, WireEnum {
        case aws = "AWS", awsProService = "AWS_PRO_SERVICE", gcp = "GCP", gcpProService = "GCP_PRO_SERVICE"

        /// Whether the reseller is AWS (else GCP).
        package var isAWS: Bool { self == .aws || self == .awsProService }
    }

    package enum CodingKeys: String, CodingKey {
        case resellerType = "reseller_type", fraction, netsuiteResellerId = "netsuite_reseller_id", startingAt = "starting_at"
        case endingBefore = "ending_before", applicableProductIds = "applicable_product_ids"
        case applicableProductTags = "applicable_product_tags", awsAccountNumber = "aws_account_number", awsOfferId = "aws_offer_id"
        case awsPayerReferenceId = "aws_payer_reference_id", gcpAccountId = "gcp_account_id", gcpOfferId = "gcp_offer_id"
        case resellerContractValue = "reseller_contract_value"
    }

    /// A value with each stored property given.
    package init(
        resellerType: ResellerType, fraction: Decimal, netsuiteResellerId: String, startingAt: Timestamp, endingBefore: Timestamp? = nil,
        applicableProductIds: [String]? = nil, applicableProductTags: [String]? = nil, awsAccountNumber: String? = nil,
        awsOfferId: String? = nil, awsPayerReferenceId: String? = nil, gcpAccountId: String? = nil, gcpOfferId: String? = nil,
        resellerContractValue: Decimal? = nil
    ) {
        self.resellerType = resellerType
        self.fraction = fraction
        self.netsuiteResellerId = netsuiteResellerId
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.applicableProductIds = applicableProductIds
        self.applicableProductTags = applicableProductTags
        self.awsAccountNumber = awsAccountNumber
        self.awsOfferId = awsOfferId
        self.awsPayerReferenceId = awsPayerReferenceId
        self.gcpAccountId = gcpAccountId
        self.gcpOfferId = gcpOfferId
        self.resellerContractValue = resellerContractValue
    }
}
