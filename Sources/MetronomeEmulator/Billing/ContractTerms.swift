import Foundation

// MARK: - Commits and credits

/// Whether an amount a customer may spend was bought (a commit) or given (a credit).
enum CommitKind: String, WireEnum {
    case commit = "COMMIT"
    case credit = "CREDIT"
}

/// When a commit is paid for: up front (PREPAID) or as a minimum trued up later (POSTPAID).
enum CommitType: String, WireEnum {
    case prepaid = "PREPAID"
    case postpaid = "POSTPAID"
}

/// Which price usage draws down a commit or credit at.
enum CommitRateType: String, WireEnum {
    case commitRate = "COMMIT_RATE"
    case listRate = "LIST_RATE"
}

/// Narrows what a commit, credit or override applies to; unset fields match anything.
struct CommitSpecifier: Codable, Sendable, Equatable {
    var productId: String?
    var productTags: [String]?
    var pricingGroupValues: [String: String]?
    var presentationGroupValues: [String: String]?

    enum CodingKeys: String, CodingKey {
        case productId = "product_id", productTags = "product_tags", pricingGroupValues = "pricing_group_values"
        case presentationGroupValues = "presentation_group_values"
    }
}

/// One segment of an access schedule: `amount` may be spent over `[startingAt, endingBefore)`.
struct AccessSegment: Codable, Sendable, Equatable {
    var id: String
    var amount: Decimal
    var startingAt: Timestamp
    var endingBefore: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, amount, startingAt = "starting_at", endingBefore = "ending_before"
    }

    /// Whether the segment is open at `moment`.
    func covers(_ moment: Timestamp) -> Bool { startingAt <= moment && moment < endingBefore }
}

/// One charge of an invoice schedule: `quantity` × `unitPrice` = `amount`, billed at `timestamp`.
struct InvoiceItem: Codable, Sendable, Equatable {
    var id: String
    var amount: Decimal
    var quantity: Decimal
    var unitPrice: Decimal
    var timestamp: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, amount, quantity, unitPrice = "unit_price", timestamp
    }
}

/// What is invoiced, and when: the schedule of a commit, a scheduled charge or a discount.
struct InvoiceScheduleTerms: Codable, Sendable, Equatable {
    var creditTypeId: String
    var items: [InvoiceItem]
    var doNotInvoice: Bool

    enum CodingKeys: String, CodingKey {
        case creditTypeId = "credit_type_id", items, doNotInvoice = "do_not_invoice"
    }
}

/// A commit or credit, at contract level (`contractId` set) or customer level: what the billing
/// engine draws down.
struct CommitTerms: Codable, Sendable, Equatable {
    var id: String
    var kind: CommitKind
    /// PREPAID or POSTPAID for commits; nil for credits.
    var type: CommitType?
    var customerId: String
    var contractId: String?
    /// The FIXED product the commit or credit is sold as.
    var productId: String
    var name: String?
    var description: String?
    /// Lower draws down first; nil when not given.
    var priority: Decimal?
    /// The unit of the access and invoice amounts.
    var creditTypeId: String
    var accessSchedule: [AccessSegment]
    /// How a commit is invoiced; nil for credits and complimentary (uninvoiced) commits.
    var invoiceSchedule: InvoiceScheduleTerms?
    var applicableProductIds: [String]?
    var applicableProductTags: [String]?
    var applicableContractIds: [String]?
    var specifiers: [CommitSpecifier]?
    var rateType: CommitRateType?
    var rolloverFraction: Decimal?
    /// The contract whose invoices bill a customer-level commit.
    var invoiceContractId: String?
    var uniquenessKey: String?
    var customFields: [String: String]
    var createdAt: Timestamp
    var archivedAt: Timestamp?

    /// When access starts: the first segment's start.
    var accessStartingAt: Timestamp? { accessSchedule.map(\.startingAt).min() }
    /// When access ends: the last segment's end.
    var accessEndingBefore: Timestamp? { accessSchedule.map(\.endingBefore).max() }
    /// Whether some segment is open at `moment`.
    func covers(_ moment: Timestamp) -> Bool { accessSchedule.contains { $0.covers(moment) } }
    /// A PREPAID commit that nobody is invoiced for.
    var isComplimentary: Bool { kind == .commit && type == .prepaid && (invoiceSchedule?.items.isEmpty ?? true) }
    /// Whether no product filter is set, so the commit or credit applies to every product.
    var appliesToAllProducts: Bool {
        (applicableProductIds ?? []).isEmpty && (applicableProductTags ?? []).isEmpty && (specifiers ?? []).isEmpty
    }
}

// MARK: - Contracts

/// How often a contract's usage statements (invoices) are cut, and from which anchor.
struct UsageStatementSchedule: Codable, Sendable, Equatable {
    var frequency: Frequency
    var day: Day
    /// The moment periods count from.
    var billingAnchorDate: Timestamp

    /// The statement frequency.
    enum Frequency: String, WireEnum {
        case monthly = "MONTHLY"
        case quarterly = "QUARTERLY"
        case annual = "ANNUAL"
        case weekly = "WEEKLY"
    }

    /// Where periods are anchored.
    enum Day: String, WireEnum {
        case firstOfMonth = "FIRST_OF_MONTH"
        case contractStart = "CONTRACT_START"
        case customDate = "CUSTOM_DATE"
    }

    enum CodingKeys: String, CodingKey {
        case frequency, day, billingAnchorDate = "billing_anchor_date"
    }

    /// The schedule of a contract starting at `contractStart`: the first of its month at 00:00
    /// UTC, the contract start, or `anchor` (required for, and implying, CUSTOM_DATE).
    /// Nothing given: monthly on the first.
    static func resolve(
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
}

/// A charge billed on a schedule (or, with `isDiscount`, a discount credited on one).
struct ScheduledChargeTerms: Codable, Sendable, Equatable {
    var id: String
    var productId: String
    var name: String?
    var schedule: InvoiceScheduleTerms
    var customFields: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, productId = "product_id", name, schedule, customFields = "custom_fields"
    }
}

/// A subscription of a contract: a quantity of a SUBSCRIPTION product billed each period.
struct SubscriptionTerms: Codable, Sendable, Equatable {
    var id: String
    var productId: String
    var billingFrequency: UsageStatementSchedule.Frequency
    var collectionSchedule: String
    var isProrated: Bool
    var invoiceBehavior: String
    var quantityManagementMode: String
    var initialQuantity: Decimal
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var name: String?
    var description: String?
    var customFields: [String: String]
    var createdAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, productId = "product_id", billingFrequency = "billing_frequency", collectionSchedule = "collection_schedule"
        case isProrated = "is_prorated", invoiceBehavior = "invoice_behavior", quantityManagementMode = "quantity_management_mode"
        case initialQuantity = "initial_quantity", startingAt = "starting_at", endingBefore = "ending_before", name, description
        case customFields = "custom_fields", createdAt = "created_at"
    }
}

/// How an override changes the rates it applies to.
enum OverrideType: String, WireEnum {
    case overwrite = "OVERWRITE"
    case multiplier = "MULTIPLIER"
    case tiered = "TIERED"
}

/// The rate an OVERWRITE override puts in place of the list rate.
struct OverwriteRate: Codable, Sendable, Equatable {
    var rateType: RateType
    var creditTypeId: String?
    var price: Decimal?
    var quantity: Decimal?
    var isProrated: Bool?
    var tiers: [Tier]?
    var customRate: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case rateType = "rate_type", creditTypeId = "credit_type_id", price, quantity, isProrated = "is_prorated", tiers
        case customRate = "custom_rate"
    }
}

/// One tier of a TIERED override: a multiplier for the next `size` units.
struct OverrideTier: Codable, Sendable, Equatable {
    var multiplier: Decimal
    var size: Decimal?
}

/// A contract's change to its rate card's rates over `[startingAt, endingBefore)`.
struct OverrideTerms: Codable, Sendable, Equatable {
    var id: String
    var type: OverrideType
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var productId: String?
    var applicableProductTags: [String]?
    var specifiers: [CommitSpecifier]?
    var entitled: Bool?
    var multiplier: Decimal?
    var overwriteRate: OverwriteRate?
    var tiers: [OverrideTier]?
    var priority: Decimal?
    var target: CommitRateType?
    var isCommitSpecific: Bool?
    var createdAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, type, startingAt = "starting_at", endingBefore = "ending_before", productId = "product_id"
        case applicableProductTags = "applicable_product_tags", specifiers, entitled, multiplier
        case overwriteRate = "overwrite_rate", tiers, priority, target, isCommitSpecific = "is_commit_specific"
        case createdAt = "created_at"
    }

    /// Whether the override is in force at `moment`.
    func covers(_ moment: Timestamp) -> Bool {
        startingAt <= moment && endingBefore.map { moment < $0 } ?? true
    }

    /// Whether it applies to `rate`, of a product tagged `productTags`: by product, by tag, or
    /// by any specifier.
    func applies(to rate: Rate, productTags: [String]) -> Bool {
        if let productId { return productId == rate.productId }
        if let tags = applicableProductTags, !tags.isEmpty { return tags.contains(where: productTags.contains) }
        if let specifiers, !specifiers.isEmpty {
            return specifiers.contains { specifier in
                if let id = specifier.productId, id != rate.productId { return false }
                if let tags = specifier.productTags, !tags.contains(where: productTags.contains) { return false }
                if let values = specifier.pricingGroupValues,
                   !values.allSatisfy({ (rate.pricingGroupValues ?? [:])[$0.key] == $0.value }) { return false }
                return true
            }
        }
        return false
    }

    /// Product-specific overrides beat tag- or specifier-based ones.
    var specificity: Int { productId != nil ? 0 : 1 }
}

/// The link from the contract a contract renews.
struct TransitionTerms: Codable, Sendable, Equatable {
    var fromContractId: String
    var toContractId: String
    var type: String

    enum CodingKeys: String, CodingKey {
        case fromContractId = "from_contract_id", toContractId = "to_contract_id", type
    }
}

/// A contract with everything it agrees: what the billing engine rates and invoices from.
struct ContractTerms: Sendable, Equatable {
    var id: String
    var customerId: String
    var name: String?
    var startingAt: Timestamp
    /// Exclusive end; nil when open-ended.
    var endingBefore: Timestamp?
    var rateCardId: String?
    var usageStatementSchedule: UsageStatementSchedule
    var netPaymentTermsDays: Decimal?
    var commits: [CommitTerms]
    var credits: [CommitTerms]
    var scheduledCharges: [ScheduledChargeTerms]
    var discounts: [ScheduledChargeTerms]
    var subscriptions: [SubscriptionTerms]
    var overrides: [OverrideTerms]
    var transitions: [TransitionTerms]
    var customFields: [String: String]
    var uniquenessKey: String?
    var createdAt: Timestamp
    var archivedAt: Timestamp?

    /// Whether the contract is in force at `moment`.
    func covers(_ moment: Timestamp) -> Bool {
        startingAt <= moment && endingBefore.map { moment < $0 } ?? true
    }
}

// MARK: - Rules

/// Metronome's rules for the schedules of contracts, commits and credits.
enum ContractRules {
    /// An access schedule: at least one segment, each with a non-negative amount and a
    /// non-empty range.
    static func checkAccess(_ segments: [AccessSegment], field: String) throws(PricingRuleViolation) {
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
    static func endAccess(_ segments: [AccessSegment], before end: Timestamp) throws(PricingRuleViolation) -> [AccessSegment] {
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
    static func endInvoices(_ schedule: InvoiceScheduleTerms, before end: Timestamp) -> InvoiceScheduleTerms {
        var cut = schedule
        cut.items = schedule.items.filter { $0.timestamp < end }
        return cut
    }

    /// One invoice item from what a request gives: an amount (read as 1 × amount), or a
    /// quantity (default 1) and a unit price.
    static func invoiceItem(
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
    enum AmountDistribution: String, WireEnum {
        case divided = "DIVIDED"
        case dividedRounded = "DIVIDED_ROUNDED"
        case each = "EACH"
    }

    /// How often a recurring schedule invoices.
    enum RecurrenceFrequency: String, WireEnum {
        case monthly = "MONTHLY"
        case quarterly = "QUARTERLY"
        case semiAnnual = "SEMI_ANNUAL"
        case annual = "ANNUAL"

        var months: Int64 {
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
    static func recurringItems(
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
    /// An OVERWRITE beats multipliers; a product-specific override beats a tag-based one, then
    /// the lower priority wins; among multipliers the lowest applies.
    static func applyOverrides(
        _ overrides: [OverrideTerms], to rate: Rate, productTags: [String], at moment: Timestamp
    ) -> (entitled: Bool, overrideRate: Rate?) {
        let matching = overrides
            .filter { $0.covers(moment) && $0.applies(to: rate, productTags: productTags) && $0.target != .commitRate }
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
        if let multiplier = matching.filter({ $0.type == .multiplier }).compactMap(\.multiplier).min() {
            var replaced = rate
            replaced.price = rate.price.map { $0 * multiplier }
            replaced.tiers = rate.tiers?.map { Tier(price: $0.price * multiplier, size: $0.size) }
            replaced.entitled = entitled
            return (entitled, replaced)
        }
        return (entitled, nil)
    }

}
