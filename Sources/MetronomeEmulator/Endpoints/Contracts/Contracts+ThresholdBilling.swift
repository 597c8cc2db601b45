import Foundation
import MetronomeBilling
import MetronomeCodecs

// Threshold billing on contracts: auto-recharge (`prepaid_balance_threshold_configuration`) and
// spend thresholds (`spend_threshold_configuration`), as create takes them and as contracts show them.

/// `payment_gate_config` of a threshold configuration.
struct PaymentGateConfigBody: Decodable {
    var paymentGateType: String
    var taxType: String?

    enum CodingKeys: String, CodingKey {
        case paymentGateType = "payment_gate_type", taxType = "tax_type"
    }
}

extension BodyWithFields<PaymentGateConfigBody> {
    /// Only NONE (and no tax) is honoured: the emulator collects no payments. `field` prefixes names.
    func checkUngated(field: String) throws {
        try refuse(["stripe_config", "precalculated_tax_config"], prefix: field)
        guard value.paymentGateType.uppercased() == "NONE" else {
            throw APIError.badRequest(
                "'\(field)payment_gate_type' \(value.paymentGateType) is not supported by the emulator yet: "
                    + "it collects no payments, so only NONE is"
            )
        }
        if let tax = value.taxType, tax.uppercased() != "NONE" {
            throw APIError.badRequest("'\(field)tax_type' \(tax) is not supported by the emulator yet")
        }
    }
}

extension ThresholdDiscount {
    /// This discount, checked; `field` names it.
    func checked(field: String) throws -> ThresholdDiscount {
        guard (0...1).contains(paymentFraction) else {
            throw APIError.badRequest("'\(field).payment_fraction' must be between 0 and 1")
        }
        if let cap {
            guard cap.amount >= 0 else { throw APIError.badRequest("'\(field).cap.amount' must be >= 0") }
            try Validate.length(cap.spendTrackerAlias, field: "\(field).cap.spend_tracker_alias", 1...Limits.identifierLength.upperBound)
        }
        return self
    }
}

/// `prepaid_balance_threshold_configuration`: auto-recharge of the contract's prepaid balance.
struct PrepaidBalanceThresholdBody: Decodable {
    var commit: BodyWithFields<PrepaidBalanceThreshold.ThresholdCommit>
    var isEnabled: Bool
    var paymentGateConfig: BodyWithFields<PaymentGateConfigBody>
    var rechargeToAmount: Decimal
    var thresholdAmount: Decimal
    var customCreditTypeId: String?
    var discountConfiguration: ThresholdDiscount?
    var thresholdBalanceSpecifiers: [ThresholdBalanceSpecifier]?

    enum CodingKeys: String, CodingKey {
        case commit, isEnabled = "is_enabled", paymentGateConfig = "payment_gate_config"
        case rechargeToAmount = "recharge_to_amount", thresholdAmount = "threshold_amount"
        case customCreditTypeId = "custom_credit_type_id", discountConfiguration = "discount_configuration"
        case thresholdBalanceSpecifiers = "threshold_balance_specifiers"
    }
}

extension PrepaidBalanceThreshold.ThresholdCommit {
    /// 400 for specifiers that name commits (only overrides' do) or that come with applicable
    /// products or tags; `field` names the template.
    func checkSpecifiers(field: String) throws {
        guard let specifiers else { return }
        if applicableProductIds != nil || applicableProductTags != nil {
            throw APIError.badRequest("'\(field)specifiers' cannot be used together with applicable_product_ids or applicable_product_tags")
        }
        for (index, specifier) in specifiers.enumerated()
        where specifier.commitIds != nil || specifier.recurringCommitIds != nil || specifier.anyCommitOrCreditIds != nil
            || specifier.billingFrequency != nil {
            throw APIError.badRequest(
                "'\(field)specifiers[\(index)]' takes product_id, product_tags, pricing_group_values and presentation_group_values only"
            )
        }
    }
}

extension BodyWithFields<PrepaidBalanceThresholdBody> {
    /// The auto-recharge, checked; field names start with `field`.
    func terms(field: String = "prepaid_balance_threshold_configuration.") throws -> PrepaidBalanceThreshold {
        try value.commit.value.checkSpecifiers(field: field + "commit.")
        try value.paymentGateConfig.checkUngated(field: field + "payment_gate_config.")
        let body = value
        let commit = body.commit.value
        if let duration = commit.duration, duration.value < 1 {
            throw APIError.badRequest("'\(field)commit.duration.value' must be >= 1")
        }
        if let fraction = commit.rolloverFraction, !(0...1).contains(fraction) {
            throw APIError.badRequest("'\(field)commit.rollover_fraction' must be between 0 and 1")
        }
        var template = commit
        template.productId = try Validate.id(commit.productId, field: "\(field)commit.product_id")
        template.name = try commit.name.map { try Validate.name($0, field: "\(field)commit.name") }
        template.applicableProductIds = try commit.applicableProductIds.map { ids in
            try ids.map { try Validate.id($0, field: "\(field)commit.applicable_product_ids") }
        }
        let threshold = PrepaidBalanceThreshold(
            isEnabled: body.isEnabled, thresholdAmount: body.thresholdAmount, rechargeToAmount: body.rechargeToAmount,
            customCreditTypeId: try body.customCreditTypeId.map { try Validate.id($0, field: "\(field)custom_credit_type_id") },
            paymentGateType: "NONE", commit: template,
            discount: try body.discountConfiguration?.checked(field: field + "discount_configuration"),
            balanceSpecifiers: body.thresholdBalanceSpecifiers
        )
        if let violation = threshold.amountsViolation(field: field) { throw APIError.badRequest(violation) }
        return threshold
    }
}

/// `spend_threshold_configuration`: spend threshold billing.
struct SpendThresholdBody: Decodable {
    var commit: SpendThreshold.Commit
    var isEnabled: Bool
    var paymentGateConfig: BodyWithFields<PaymentGateConfigBody>
    var thresholdAmount: Decimal
    var discountConfiguration: ThresholdDiscount?

    enum CodingKeys: String, CodingKey {
        case commit, isEnabled = "is_enabled", paymentGateConfig = "payment_gate_config", thresholdAmount = "threshold_amount"
        case discountConfiguration = "discount_configuration"
    }
}

extension BodyWithFields<SpendThresholdBody> {
    /// The spend threshold, checked; field names start with `field`.
    func terms(field: String = "spend_threshold_configuration.") throws -> SpendThreshold {
        try value.paymentGateConfig.checkUngated(field: field + "payment_gate_config.")
        guard value.thresholdAmount > 0 else { throw APIError.badRequest("'\(field)threshold_amount' must be > 0") }
        var commit = value.commit
        commit.productId = try Validate.id(commit.productId, field: "\(field)commit.product_id")
        commit.name = try commit.name.map { try Validate.name($0, field: "\(field)commit.name") }
        return SpendThreshold(
            isEnabled: value.isEnabled, thresholdAmount: value.thresholdAmount, paymentGateType: "NONE", commit: commit,
            discount: try value.discountConfiguration?.checked(field: field + "discount_configuration")
        )
    }
}

/// Metronome's `PrepaidBalanceThresholdConfiguration`.
struct PrepaidBalanceThresholdWire: Encodable {
    var commit: PrepaidBalanceThreshold.ThresholdCommit
    var isEnabled: Bool
    var paymentGateConfig: PaymentGateConfig
    var rechargeToAmount: Decimal
    var thresholdAmount: Decimal
    var customCreditTypeId: String?
    var discountConfiguration: ThresholdDiscount?
    var thresholdBalanceSpecifiers: [ThresholdBalanceSpecifier]?

    /// `payment_gate_config`.
    struct PaymentGateConfig: Encodable {
        var paymentGateType: String

        enum CodingKeys: String, CodingKey {
            case paymentGateType = "payment_gate_type"
        }
    }

    enum CodingKeys: String, CodingKey {
        case commit, isEnabled = "is_enabled", paymentGateConfig = "payment_gate_config"
        case rechargeToAmount = "recharge_to_amount", thresholdAmount = "threshold_amount"
        case customCreditTypeId = "custom_credit_type_id", discountConfiguration = "discount_configuration"
        case thresholdBalanceSpecifiers = "threshold_balance_specifiers"
    }

    init(_ threshold: PrepaidBalanceThreshold) {
        discountConfiguration = threshold.discount
        thresholdBalanceSpecifiers = threshold.balanceSpecifiers
        commit = threshold.commit
        isEnabled = threshold.isEnabled
        paymentGateConfig = PaymentGateConfig(paymentGateType: threshold.paymentGateType)
        rechargeToAmount = threshold.rechargeToAmount
        thresholdAmount = threshold.thresholdAmount
        customCreditTypeId = threshold.customCreditTypeId
    }
}

/// Metronome's `SpendThresholdConfiguration`.
struct SpendThresholdWire: Encodable {
    var commit: SpendThreshold.Commit
    var isEnabled: Bool
    var paymentGateConfig: PrepaidBalanceThresholdWire.PaymentGateConfig
    var thresholdAmount: Decimal
    var discountConfiguration: ThresholdDiscount?

    enum CodingKeys: String, CodingKey {
        case commit, isEnabled = "is_enabled", paymentGateConfig = "payment_gate_config", thresholdAmount = "threshold_amount"
        case discountConfiguration = "discount_configuration"
    }

    init(_ threshold: SpendThreshold) {
        discountConfiguration = threshold.discount
        commit = threshold.commit
        isEnabled = threshold.isEnabled
        paymentGateConfig = .init(paymentGateType: threshold.paymentGateType)
        thresholdAmount = threshold.thresholdAmount
    }
}

/// An item of `spend_trackers`.
struct SpendTrackerBody: Decodable {
    var alias: String
    var applicableSpendSpecifiers: [Specifier]
    var creditTypeId: String
    var resetFrequency: ResetFrequency

    /// `applicable_spend_specifiers[]`.
    struct Specifier: Decodable {
        var sources: [SpendTrackerTerms.Specifier.Source]
        var spendType: SpendType
        var discounted: SpendTrackerTerms.Specifier.Discounted?

        enum CodingKeys: String, CodingKey {
            case sources, spendType = "spend_type", discounted
        }
    }

    /// Only commit purchases count today, as Metronome's docs say.
    enum SpendType: String, WireEnum {
        case commitPurchase = "COMMIT_PURCHASE"
    }

    /// The trackers reset each billing period.
    enum ResetFrequency: String, WireEnum {
        case billingPeriod = "BILLING_PERIOD"
    }

    enum CodingKeys: String, CodingKey {
        case alias, applicableSpendSpecifiers = "applicable_spend_specifiers", creditTypeId = "credit_type_id"
        case resetFrequency = "reset_frequency"
    }

    /// The trackers of `bodies`, checked; aliases must differ.
    static func terms(_ bodies: [SpendTrackerBody], field list: String = "spend_trackers") throws -> [SpendTrackerTerms] {
        var aliases = Set<String>()
        return try bodies.enumerated().map { index, body in
            let field = "\(list)[\(index)]"
            try Validate.length(body.alias, field: "\(field).alias", 1...Limits.identifierLength.upperBound)
            guard aliases.insert(body.alias).inserted else { throw APIError.badRequest("'\(field).alias' \(body.alias) is given twice") }
            guard !body.applicableSpendSpecifiers.isEmpty else {
                throw APIError.badRequest("'\(field).applicable_spend_specifiers' must not be empty")
            }
            for (position, specifier) in body.applicableSpendSpecifiers.enumerated() where specifier.sources.isEmpty {
                throw APIError.badRequest("'\(field).applicable_spend_specifiers[\(position)].sources' must not be empty")
            }
            return SpendTrackerTerms(
                alias: body.alias, creditTypeId: try Validate.id(body.creditTypeId, field: "\(field).credit_type_id"),
                specifiers: body.applicableSpendSpecifiers.map { .init(sources: $0.sources, discounted: $0.discounted) }
            )
        }
    }
}

/// Metronome's `SpendTracker`, with what it has counted in the billing period of the moment read.
struct SpendTrackerWire: Encodable {
    var alias: String
    var applicableSpendSpecifiers: [Specifier]
    var creditTypeId: String
    var resetFrequency = "BILLING_PERIOD"
    var accumulatedSpend: AccumulatedSpend?

    /// `applicable_spend_specifiers[]`.
    struct Specifier: Encodable {
        var sources: [SpendTrackerTerms.Specifier.Source]
        var spendType = "COMMIT_PURCHASE"
        var discounted: SpendTrackerTerms.Specifier.Discounted?

        enum CodingKeys: String, CodingKey {
            case sources, spendType = "spend_type", discounted
        }
    }

    /// `accumulated_spend`.
    struct AccumulatedSpend: Encodable {
        var amount: Decimal
        var periodStartingAt: Timestamp
        var periodEndingBefore: Timestamp

        enum CodingKeys: String, CodingKey {
            case amount, periodStartingAt = "period_starting_at", periodEndingBefore = "period_ending_before"
        }
    }

    enum CodingKeys: String, CodingKey {
        case alias, applicableSpendSpecifiers = "applicable_spend_specifiers", creditTypeId = "credit_type_id"
        case resetFrequency = "reset_frequency", accumulatedSpend = "accumulated_spend"
    }

    /// `tracker` of `terms`, counting the period of `terms`' usage statements that covers `asOf`.
    init(_ tracker: SpendTrackerTerms, terms: ContractTerms, asOf: Timestamp) {
        alias = tracker.alias
        applicableSpendSpecifiers = tracker.specifiers.map { Specifier(sources: $0.sources, discounted: $0.discounted) }
        creditTypeId = tracker.creditTypeId
        accumulatedSpend = terms.statementCadence.period(covering: asOf).map { period in
            AccumulatedSpend(
                amount: tracker.accumulatedSpend(of: terms.commits, in: period), periodStartingAt: period.start,
                periodEndingBefore: period.end
            )
        }
    }
}

/// `update_prepaid_balance_threshold_configuration` or `update_spend_threshold_configuration` of
/// an edit: the switch, the amounts and the commit template; other changes are refused by name.
struct ThresholdUpdateBody: Decodable {
    /// The change as the billing engine takes it, before it is checked.
    var change: ThresholdUpdate
    /// The commit template's change with the fields it gave, for refusing those that do not apply.
    var commit: BodyWithFields<ThresholdUpdate.CommitUpdate>?
    var paymentGateConfig: BodyWithFields<PaymentGateConfigBody>?

    enum CodingKeys: String, CodingKey {
        case commit, paymentGateConfig = "payment_gate_config"
    }

    init(from decoder: any Decoder) throws {
        change = try ThresholdUpdate(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        commit = try container.decodeIfPresent(BodyWithFields<ThresholdUpdate.CommitUpdate>.self, forKey: .commit)
        paymentGateConfig = try container.decodeIfPresent(BodyWithFields<PaymentGateConfigBody>.self, forKey: .paymentGateConfig)
    }
}

extension BodyWithFields<ThresholdUpdateBody> {
    /// The change, checked; field names start with `field`. Only auto-recharge `takesRechargeTo`
    /// and has a template with products, duration, rate type and rollover fraction.
    func update(field: String, takesRechargeTo: Bool) throws -> ThresholdUpdate {
        try refuse(
            takesRechargeTo ? [] : ["recharge_to_amount", "custom_credit_type_id", "threshold_balance_specifiers"], prefix: field
        )
        var update = value.change
        if let discount = update.discount?.value {
            let check = ThresholdDiscount(paymentFraction: discount.paymentFraction?.value ?? 0, cap: discount.cap?.value)
            _ = try check.checked(field: field + "discount_configuration")
        }
        if let amount = update.thresholdAmount, amount < 0 { throw APIError.badRequest("'\(field)threshold_amount' must be >= 0") }
        try value.paymentGateConfig?.checkUngated(field: field + "payment_gate_config.")
        if let body = value.commit {
            try body.refuse(
                takesRechargeTo
                    ? [] : ["applicable_product_ids", "applicable_product_tags", "duration", "rate_type", "rollover_fraction", "specifiers"],
                prefix: field + "commit."
            )
            var change = body.value
            if let specifiers = change.specifiers?.value {
                try PrepaidBalanceThreshold.ThresholdCommit(productId: "", specifiers: specifiers).checkSpecifiers(field: field + "commit.")
            }
            change.productId = try change.productId.map { try Validate.id($0, field: "\(field)commit.product_id") }
            change.name = try change.name.map { try Validate.name($0, field: "\(field)commit.name") }
            if let fraction = change.rolloverFraction?.value, !(0...1).contains(fraction) {
                throw APIError.badRequest("'\(field)commit.rollover_fraction' must be between 0 and 1")
            }
            if let duration = change.duration?.value, duration.value <= 0 {
                throw APIError.badRequest("'\(field)commit.duration.value' must be > 0")
            }
            update.commit = change
        }
        update.customCreditTypeId = try update.customCreditTypeId.map { change in
            NewValue(try change.value.map { try Validate.id($0, field: "\(field)custom_credit_type_id") })
        }
        return update
    }
}
