import Foundation
import MetronomeCodecs

/// A contract's auto-recharge (`prepaid_balance_threshold_configuration`): when its prepaid
/// balance falls to `thresholdAmount`, a commit tops it up to `rechargeToAmount` and is invoiced.
package struct PrepaidBalanceThreshold: Sendable, Equatable, Codable {
    package var isEnabled: Bool
    package var thresholdAmount: Decimal
    package var rechargeToAmount: Decimal
    /// The unit of the amounts; nil: the contract's fiat (USD cents).
    package var customCreditTypeId: String?
    package var paymentGateType: String
    package var commit: ThresholdCommit
    /// `discount_configuration`: what share of a recharge the customer is invoiced.
    package var discount: ThresholdDiscount?
    /// `threshold_balance_specifiers`: balances left out of the balance the threshold watches.
    package var balanceSpecifiers: [ThresholdBalanceSpecifier]?

    /// The commit each recharge creates.
    package struct ThresholdCommit: Sendable, Equatable, Codable {
        package var productId: String
        package var name: String?
        package var description: String?
        package var priority: Decimal?
        package var applicableProductIds: [String]?
        package var applicableProductTags: [String]?
        package var rateType: CommitRateType?
        package var rolloverFraction: Decimal?
        /// How long the commit can be used, from the recharge; nil: one year.
        package var duration: Duration?
        /// What usage the commit pays for, instead of applicable products and tags.
        package var specifiers: [CommitSpecifier]?

        /// A length of time in whole units.
        package struct Duration: Sendable, Equatable, Codable {
            package var unit: Unit
            package var value: Int

            /// DAYS, WEEKS, MONTHS or YEARS.
            package enum Unit: String, WireEnum {
                case days = "DAYS", weeks = "WEEKS", months = "MONTHS", years = "YEARS"
            }

            /// A value with each stored property given.
            package init(unit: Unit, value: Int) {
                self.unit = unit
                self.value = value
            }

            /// `moment` moved on by this duration.
            package func after(_ moment: Timestamp) -> Timestamp {
                switch unit {
                case .days: BillingCadence.advance(moment, by: .days(value), times: 1)
                case .weeks: BillingCadence.advance(moment, by: .days(7 * value), times: 1)
                case .months: BillingCadence.advance(moment, by: .months(value), times: 1)
                case .years: BillingCadence.advance(moment, by: .months(12 * value), times: 1)
                }
            }
        }

        package enum CodingKeys: String, CodingKey {
            case productId = "product_id", name, description, priority, applicableProductIds = "applicable_product_ids"
            case applicableProductTags = "applicable_product_tags", rateType = "rate_type", rolloverFraction = "rollover_fraction"
            case duration, specifiers
        }

        /// A value with each stored property given.
        package init(
            productId: String, name: String? = nil, description: String? = nil, priority: Decimal? = nil,
            applicableProductIds: [String]? = nil, applicableProductTags: [String]? = nil, rateType: CommitRateType? = nil,
            rolloverFraction: Decimal? = nil, duration: Duration? = nil, specifiers: [CommitSpecifier]? = nil
        ) {
            self.specifiers = specifiers
            self.productId = productId
            self.name = name
            self.description = description
            self.priority = priority
            self.applicableProductIds = applicableProductIds
            self.applicableProductTags = applicableProductTags
            self.rateType = rateType
            self.rolloverFraction = rolloverFraction
            self.duration = duration
        }
    }

    package enum CodingKeys: String, CodingKey {
        case isEnabled = "is_enabled", thresholdAmount = "threshold_amount", rechargeToAmount = "recharge_to_amount"
        case customCreditTypeId = "custom_credit_type_id", paymentGateType = "payment_gate_type", commit
        case discount = "discount_configuration", balanceSpecifiers = "threshold_balance_specifiers"
    }

    /// A value with each stored property given.
    package init(
        isEnabled: Bool, thresholdAmount: Decimal, rechargeToAmount: Decimal, customCreditTypeId: String? = nil,
        paymentGateType: String, commit: ThresholdCommit, discount: ThresholdDiscount? = nil,
        balanceSpecifiers: [ThresholdBalanceSpecifier]? = nil
    ) {
        self.discount = discount
        self.balanceSpecifiers = balanceSpecifiers
        self.isEnabled = isEnabled
        self.thresholdAmount = thresholdAmount
        self.rechargeToAmount = rechargeToAmount
        self.customCreditTypeId = customCreditTypeId
        self.paymentGateType = paymentGateType
        self.commit = commit
    }

    /// The first rule the amounts break, named under `field`: the recharge-to amount above the
    /// threshold, and in USD Metronome's minimums (a threshold of $5, a recharge-to $10 above it).
    package func amountsViolation(field: String) -> String? {
        guard thresholdAmount >= 0, rechargeToAmount > thresholdAmount else {
            return "'\(field)recharge_to_amount' must be more than 'threshold_amount', which must be >= 0"
        }
        guard customCreditTypeId == nil || customCreditTypeId == CreditTypes.usdCentsId else { return nil }
        if thresholdAmount < 500 {
            return "'\(field)threshold_amount' must be at least 500 (USD cents): Metronome's minimum is $5"
        }
        if rechargeToAmount < thresholdAmount + 1000 {
            return "'\(field)recharge_to_amount' must be at least 1000 (USD cents) above 'threshold_amount': Metronome's minimum is $10"
        }
        return nil
    }

    /// Whether `commit`'s balance counts toward the balance the threshold watches: not when an
    /// exclusion of a balance specifier matches it.
    package func counts(_ commit: CommitTerms) -> Bool {
        !(balanceSpecifiers ?? []).contains { specifier in specifier.exclude.contains { $0.matches(commit) } }
    }

    /// What a recharge adds when the balance is `balance`: up to `rechargeToAmount`, once the
    /// balance has fallen to the threshold; nil when it has not (or recharging is off).
    package func recharge(balance: Decimal) -> Decimal? {
        guard isEnabled, balance <= thresholdAmount, rechargeToAmount > balance else { return nil }
        return rechargeToAmount - balance
    }
}

/// A contract's spend threshold billing (`spend_threshold_configuration`): when the usage spend
/// its commits and credits have not paid for reaches `thresholdAmount` within a period, a
/// commit for that spend is issued and invoiced, bringing what is outstanding back to zero.
package struct SpendThreshold: Sendable, Equatable, Codable {
    package var isEnabled: Bool
    package var thresholdAmount: Decimal
    package var paymentGateType: String
    package var commit: Commit
    /// `discount_configuration`: what share of a threshold charge the customer is invoiced.
    package var discount: ThresholdDiscount?

    /// The commit each threshold charge creates.
    package struct Commit: Sendable, Equatable, Codable {
        package var productId: String
        package var name: String?
        package var description: String?
        package var priority: Decimal?

        package enum CodingKeys: String, CodingKey {
            case productId = "product_id", name, description, priority
        }

        /// A value with each stored property given.
        package init(productId: String, name: String? = nil, description: String? = nil, priority: Decimal? = nil) {
            self.productId = productId
            self.name = name
            self.description = description
            self.priority = priority
        }
    }

    package enum CodingKeys: String, CodingKey {
        case isEnabled = "is_enabled", thresholdAmount = "threshold_amount", paymentGateType = "payment_gate_type", commit
        case discount = "discount_configuration"
    }

    /// A value with each stored property given.
    package init(isEnabled: Bool, thresholdAmount: Decimal, paymentGateType: String, commit: Commit, discount: ThresholdDiscount? = nil) {
        self.discount = discount
        self.isEnabled = isEnabled
        self.thresholdAmount = thresholdAmount
        self.paymentGateType = paymentGateType
        self.commit = commit
    }

    /// What a threshold charge bills when `outstanding` has not been paid for: all of it, once
    /// it has reached the threshold; nil before (or when threshold billing is off).
    package func charge(outstanding: Decimal) -> Decimal? {
        guard isEnabled, outstanding > 0, outstanding >= thresholdAmount else { return nil }
        return outstanding
    }
}

/// A threshold's `discount_configuration`: the customer is invoiced `paymentFraction` of each
/// charge's amount (0.85: 85%, a 15% discount), while the commit gives the whole amount.
package struct ThresholdDiscount: Sendable, Equatable, Codable {
    package var paymentFraction: Decimal
    /// No discount once the spend tracker has counted this much in the billing period.
    package var cap: Cap?

    /// `cap`: a ceiling on what a spend tracker has counted.
    package struct Cap: Sendable, Equatable, Codable {
        package var amount: Decimal
        package var spendTrackerAlias: String

        package enum CodingKeys: String, CodingKey {
            case amount, spendTrackerAlias = "spend_tracker_alias"
        }

        /// A value with each stored property given.
        package init(amount: Decimal, spendTrackerAlias: String) {
            self.amount = amount
            self.spendTrackerAlias = spendTrackerAlias
        }
    }

    package enum CodingKeys: String, CodingKey {
        case paymentFraction = "payment_fraction", cap
    }

    /// A value with each stored property given.
    package init(paymentFraction: Decimal, cap: Cap? = nil) {
        self.paymentFraction = paymentFraction
        self.cap = cap
    }

    /// What the customer is invoiced for a charge of `amount`.
    package func invoiced(_ amount: Decimal) -> Decimal { amount * paymentFraction }

    /// Whether the discount applies to a purchase when its cap's tracker has counted `tracked`
    /// (nil: no such tracker) in the period: until the cap is reached, as Metronome's
    /// auto-recharge options guide says.
    package func applies(tracked: Decimal?) -> Bool {
        guard let cap else { return true }
        return (tracked ?? 0) < cap.amount
    }
}

/// An item of `threshold_balance_specifiers`: balances it excludes are not counted.
package struct ThresholdBalanceSpecifier: Sendable, Equatable, Codable {
    package var exclude: [Exclusion]

    /// Balances whose custom fields match every filter.
    package struct Exclusion: Sendable, Equatable, Codable {
        package var customFieldFilters: [CustomFieldFilter]

        package enum CodingKeys: String, CodingKey {
            case customFieldFilters = "custom_field_filters"
        }

        /// Whether `commit` has every custom field the filters name, each for its kind.
        package func matches(_ commit: CommitTerms) -> Bool {
            !customFieldFilters.isEmpty && customFieldFilters.allSatisfy { filter in
                filter.entity.includes(commit.kind) && commit.customFields[filter.key] == filter.value
            }
        }

        /// A value with each stored property given.
        package init(customFieldFilters: [CustomFieldFilter]) {
            self.customFieldFilters = customFieldFilters
        }
    }

    /// A custom field a balance must have, on commits, on credits, or on either.
    package struct CustomFieldFilter: Sendable, Equatable, Codable {
        package var entity: Entity
        package var key: String
        package var value: String

        /// Which balances the filter looks at.
        package enum Entity: String, WireEnum {
            case commit = "Commit", contractCredit = "ContractCredit", contractCreditOrCommit = "ContractCreditOrCommit"

            /// Whether balances of `kind` are looked at.
            package func includes(_ kind: CommitKind) -> Bool {
                switch self {
                case .commit: kind == .commit
                case .contractCredit: kind == .credit
                case .contractCreditOrCommit: true
                }
            }
        }

        /// A value with each stored property given.
        package init(entity: Entity, key: String, value: String) {
            self.entity = entity
            self.key = key
            self.value = value
        }
    }

    /// A value with each stored property given.
    package init(exclude: [Exclusion]) {
        self.exclude = exclude
    }
}

/// A contract's spend tracker (`spend_trackers`): the commit purchases of each billing period
/// that its specifiers count, summed.
package struct SpendTrackerTerms: Sendable, Equatable, Codable {
    package var alias: String
    package var creditTypeId: String
    package var specifiers: [Specifier]

    /// One kind of spend the tracker counts.
    package struct Specifier: Sendable, Equatable, Codable {
        package var sources: [Source]
        /// ANY, DISCOUNTED_ONLY or UNDISCOUNTED_ONLY; nil counts any.
        package var discounted: Discounted?

        /// Who created the commit purchased: by hand (any API or edit) or by threshold billing.
        package enum Source: String, WireEnum {
            case thresholdRecharge = "THRESHOLD_RECHARGE", manual = "MANUAL"
        }

        /// Which purchases count by their discount.
        package enum Discounted: String, WireEnum {
            case any = "ANY", discountedOnly = "DISCOUNTED_ONLY", undiscountedOnly = "UNDISCOUNTED_ONLY"
        }

        /// A value with each stored property given.
        package init(sources: [Source], discounted: Discounted? = nil) {
            self.sources = sources
            self.discounted = discounted
        }
    }

    package enum CodingKeys: String, CodingKey {
        case alias, creditTypeId = "credit_type_id", specifiers
    }

    /// A value with each stored property given.
    package init(alias: String, creditTypeId: String, specifiers: [Specifier]) {
        self.alias = alias
        self.creditTypeId = creditTypeId
        self.specifiers = specifiers
    }

    /// What `commits` were invoiced for in `period`, in the tracker's credit type, counting each
    /// commit whose source one of the specifiers takes, and whose discount it takes: a commit is
    /// discounted when its `spend_tracker_attributes.counts_as_discounted` says so.
    package func accumulatedSpend(of commits: [CommitTerms], in period: BillingPeriod) -> Decimal {
        commits.filter { commit in
            let source: Specifier.Source = commit.isThresholdCharge ? .thresholdRecharge : .manual
            let discounted = commit.countsAsDiscounted ?? false
            return specifiers.contains { specifier in
                guard specifier.sources.contains(source) else { return false }
                switch specifier.discounted ?? .any {
                case .any: return true
                case .discountedOnly: return discounted
                case .undiscountedOnly: return !discounted
                }
            }
        }.reduce(Decimal(0)) { total, commit in
            guard let schedule = commit.invoiceSchedule, !schedule.doNotInvoice, schedule.creditTypeId == creditTypeId else { return total }
            return total + schedule.items.filter { period.start <= $0.timestamp && $0.timestamp < period.end }
                .reduce(Decimal(0)) { $0 + $1.amount }
        }
    }
}

/// A change to a contract's auto-recharge or spend threshold (`update_*_threshold_configuration`
/// of an edit): each value given replaces the current one.
package struct ThresholdUpdate: Sendable, Equatable, Codable {
    package var isEnabled: Bool?
    package var thresholdAmount: Decimal?
    /// Auto-recharge only.
    package var rechargeToAmount: Decimal?
    /// Changes to the commit each threshold charge creates (from the next one on).
    package var commit: CommitUpdate?
    /// Auto-recharge only; null: back to the contract's fiat.
    package var customCreditTypeId: NewValue<String>?
    package var discount: NewValue<DiscountUpdate>?
    /// Auto-recharge only.
    package var balanceSpecifiers: NewValue<[ThresholdBalanceSpecifier]>?

    /// A change to a threshold's commit template: each value given replaces the current one,
    /// null clearing it. Only auto-recharge's template has products, duration, rate type and
    /// rollover fraction.
    package struct CommitUpdate: Sendable, Equatable, Codable {
        package var productId: String?
        package var name: String?
        package var description: String?
        package var priority: NewValue<Decimal>?
        package var applicableProductIds: NewValue<[String]>?
        package var applicableProductTags: NewValue<[String]>?
        package var duration: NewValue<PrepaidBalanceThreshold.ThresholdCommit.Duration>?
        package var rateType: NewValue<CommitRateType>?
        package var rolloverFraction: NewValue<Decimal>?
        package var specifiers: NewValue<[CommitSpecifier]>?

        package enum CodingKeys: String, CodingKey {
            case productId = "product_id", name, description, priority, applicableProductIds = "applicable_product_ids"
            case applicableProductTags = "applicable_product_tags", duration, rateType = "rate_type"
            case rolloverFraction = "rollover_fraction", specifiers
        }

        /// A value with each stored property given.
        package init(
            productId: String? = nil, name: String? = nil, description: String? = nil, priority: NewValue<Decimal>? = nil,
            applicableProductIds: NewValue<[String]>? = nil, applicableProductTags: NewValue<[String]>? = nil,
            duration: NewValue<PrepaidBalanceThreshold.ThresholdCommit.Duration>? = nil, rateType: NewValue<CommitRateType>? = nil,
            rolloverFraction: NewValue<Decimal>? = nil
        ) {
            self.productId = productId
            self.name = name
            self.description = description
            self.priority = priority
            self.applicableProductIds = applicableProductIds
            self.applicableProductTags = applicableProductTags
            self.duration = duration
            self.rateType = rateType
            self.rolloverFraction = rolloverFraction
        }

        // Stored and shown as the wire has it: a field left out is kept, null clears it.
        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            productId = try container.decodeIfPresent(String.self, forKey: .productId)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            priority = try container.decodeNewValue(Decimal.self, forKey: .priority)
            applicableProductIds = try container.decodeNewValue([String].self, forKey: .applicableProductIds)
            applicableProductTags = try container.decodeNewValue([String].self, forKey: .applicableProductTags)
            duration = try container.decodeNewValue(PrepaidBalanceThreshold.ThresholdCommit.Duration.self, forKey: .duration)
            rateType = try container.decodeNewValue(CommitRateType.self, forKey: .rateType)
            rolloverFraction = try container.decodeNewValue(Decimal.self, forKey: .rolloverFraction)
            specifiers = try container.decodeNewValue([CommitSpecifier].self, forKey: .specifiers)
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(productId, forKey: .productId)
            try container.encodeIfPresent(name, forKey: .name)
            try container.encodeIfPresent(description, forKey: .description)
            try container.encodeNewValue(priority, forKey: .priority)
            try container.encodeNewValue(applicableProductIds, forKey: .applicableProductIds)
            try container.encodeNewValue(applicableProductTags, forKey: .applicableProductTags)
            try container.encodeNewValue(duration, forKey: .duration)
            try container.encodeNewValue(rateType, forKey: .rateType)
            try container.encodeNewValue(rolloverFraction, forKey: .rolloverFraction)
            try container.encodeNewValue(specifiers, forKey: .specifiers)
        }
    }

    /// A change to a discount: each value given replaces the current one. A null fraction
    /// removes the discount; a null cap removes the cap.
    package struct DiscountUpdate: Sendable, Equatable, Codable {
        package var paymentFraction: NewValue<Decimal>?
        package var cap: NewValue<ThresholdDiscount.Cap>?

        package enum CodingKeys: String, CodingKey {
            case paymentFraction = "payment_fraction", cap
        }

        /// A value with each stored property given.
        package init(paymentFraction: NewValue<Decimal>? = nil, cap: NewValue<ThresholdDiscount.Cap>? = nil) {
            self.paymentFraction = paymentFraction
            self.cap = cap
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            paymentFraction = try container.decodeNewValue(Decimal.self, forKey: .paymentFraction)
            cap = try container.decodeNewValue(ThresholdDiscount.Cap.self, forKey: .cap)
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeNewValue(paymentFraction, forKey: .paymentFraction)
            try container.encodeNewValue(cap, forKey: .cap)
        }

        /// `discount` with this change; nil when it leaves no payment fraction.
        package func applied(to discount: ThresholdDiscount?) -> ThresholdDiscount? {
            let fraction = paymentFraction.map(\.value) ?? discount?.paymentFraction
            guard let fraction else { return nil }
            return ThresholdDiscount(paymentFraction: fraction, cap: cap.map(\.value) ?? discount?.cap)
        }
    }

    package enum CodingKeys: String, CodingKey {
        case isEnabled = "is_enabled", thresholdAmount = "threshold_amount", rechargeToAmount = "recharge_to_amount", commit
        case customCreditTypeId = "custom_credit_type_id", discount = "discount_configuration"
        case balanceSpecifiers = "threshold_balance_specifiers"
    }

    /// A value with each stored property given.
    package init(
        isEnabled: Bool? = nil, thresholdAmount: Decimal? = nil, rechargeToAmount: Decimal? = nil, commit: CommitUpdate? = nil,
        customCreditTypeId: NewValue<String>? = nil, discount: NewValue<DiscountUpdate>? = nil,
        balanceSpecifiers: NewValue<[ThresholdBalanceSpecifier]>? = nil
    ) {
        self.isEnabled = isEnabled
        self.thresholdAmount = thresholdAmount
        self.rechargeToAmount = rechargeToAmount
        self.commit = commit
        self.customCreditTypeId = customCreditTypeId
        self.discount = discount
        self.balanceSpecifiers = balanceSpecifiers
    }

    // Stored and shown as the wire has it: a field left out is kept, null clears it.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        isEnabled = try container.decodeIfPresent(Bool.self, forKey: .isEnabled)
        thresholdAmount = try container.decodeIfPresent(Decimal.self, forKey: .thresholdAmount)
        rechargeToAmount = try container.decodeIfPresent(Decimal.self, forKey: .rechargeToAmount)
        commit = try container.decodeIfPresent(CommitUpdate.self, forKey: .commit)
        customCreditTypeId = try container.decodeNewValue(String.self, forKey: .customCreditTypeId)
        discount = try container.decodeNewValue(DiscountUpdate.self, forKey: .discount)
        balanceSpecifiers = try container.decodeNewValue([ThresholdBalanceSpecifier].self, forKey: .balanceSpecifiers)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(isEnabled, forKey: .isEnabled)
        try container.encodeIfPresent(thresholdAmount, forKey: .thresholdAmount)
        try container.encodeIfPresent(rechargeToAmount, forKey: .rechargeToAmount)
        try container.encodeIfPresent(commit, forKey: .commit)
        try container.encodeNewValue(customCreditTypeId, forKey: .customCreditTypeId)
        try container.encodeNewValue(discount, forKey: .discount)
        try container.encodeNewValue(balanceSpecifiers, forKey: .balanceSpecifiers)
    }

    /// `threshold` with this change.
    package func applied(to threshold: PrepaidBalanceThreshold) -> PrepaidBalanceThreshold {
        var changed = threshold
        changed.isEnabled = isEnabled ?? threshold.isEnabled
        changed.thresholdAmount = thresholdAmount ?? threshold.thresholdAmount
        changed.rechargeToAmount = rechargeToAmount ?? threshold.rechargeToAmount
        if let customCreditTypeId { changed.customCreditTypeId = customCreditTypeId.value }
        if let discount { changed.discount = discount.value.flatMap { $0.applied(to: threshold.discount) } }
        if let balanceSpecifiers { changed.balanceSpecifiers = balanceSpecifiers.value }
        if let commit {
            changed.commit.productId = commit.productId ?? threshold.commit.productId
            changed.commit.name = commit.name ?? threshold.commit.name
            changed.commit.description = commit.description ?? threshold.commit.description
            if let priority = commit.priority { changed.commit.priority = priority.value }
            if let ids = commit.applicableProductIds { changed.commit.applicableProductIds = ids.value }
            if let tags = commit.applicableProductTags { changed.commit.applicableProductTags = tags.value }
            if let duration = commit.duration { changed.commit.duration = duration.value }
            if let rateType = commit.rateType { changed.commit.rateType = rateType.value }
            if let fraction = commit.rolloverFraction { changed.commit.rolloverFraction = fraction.value }
            if let specifiers = commit.specifiers { changed.commit.specifiers = specifiers.value }
        }
        return changed
    }

    /// `threshold` with this change.
    package func applied(to threshold: SpendThreshold) -> SpendThreshold {
        var changed = threshold
        changed.isEnabled = isEnabled ?? threshold.isEnabled
        changed.thresholdAmount = thresholdAmount ?? threshold.thresholdAmount
        if let discount { changed.discount = discount.value.flatMap { $0.applied(to: threshold.discount) } }
        if let commit {
            changed.commit.productId = commit.productId ?? threshold.commit.productId
            changed.commit.name = commit.name ?? threshold.commit.name
            changed.commit.description = commit.description ?? threshold.commit.description
            if let priority = commit.priority { changed.commit.priority = priority.value }
        }
        return changed
    }
}
