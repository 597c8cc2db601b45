import Foundation
import MetronomeCodecs

/// How a rate prices its product.
package enum RateType: String, WireEnum {
    case flat = "FLAT"
    case percentage = "PERCENTAGE"
    case subscription = "SUBSCRIPTION"
    case tiered = "TIERED"
    case tieredPercentage = "TIERED_PERCENTAGE"
    case custom = "CUSTOM"

    /// Whether prices are fractions of other products' spend (composite products).
    package var isPercentage: Bool { self == .percentage || self == .tieredPercentage }
    /// Whether the rate is priced by `tiers`.
    package var isTiered: Bool { self == .tiered || self == .tieredPercentage }
}

/// How often a subscription rate bills.
package enum BillingFrequency: String, WireEnum {
    case monthly = "MONTHLY"
    case quarterly = "QUARTERLY"
    case annual = "ANNUAL"
    case weekly = "WEEKLY"
}

/// One tier of a graduated price: `price` per unit for the next `size` units; the last tier
/// may leave `size` out to cover everything above.
package struct Tier: Sendable, Equatable {
    package var price: Decimal
    package var size: Decimal?

    /// A value with each stored property given.
    package init(price: Decimal, size: Decimal? = nil) {
        self.price = price
        self.size = size
    }
}

/// The distinct price a rate charges when usage draws down a commit or credit.
package struct CommitRate: Sendable, Equatable {
    package var rateType: RateType
    package var price: Decimal?
    package var tiers: [Tier]?

    /// A value with each stored property given.
    package init(rateType: RateType, price: Decimal? = nil, tiers: [Tier]? = nil) {
        self.rateType = rateType
        self.price = price
        self.tiers = tiers
    }
}

/// A rate on a rate card: the price of one product (and pricing group, and billing frequency)
/// over `[startingAt, endingBefore)`.
package struct Rate: Sendable, Equatable {
    package var productId: String
    package var entitled: Bool
    package var rateType: RateType
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?
    package var price: Decimal?
    package var tiers: [Tier]?
    package var pricingGroupValues: [String: String]?
    package var quantity: Decimal?
    package var isProrated: Bool?
    package var billingFrequency: BillingFrequency?
    /// The pricing unit; nil for percentage rates, which take the unit of what they apply to.
    package var creditTypeId: String?
    package var commitRate: CommitRate?
    package var customRate: [String: JSONValue]?

    /// Rates in the same slot compete for time: a later one replaces an earlier one where they overlap.
    package func sharesSlot(with other: Rate) -> Bool {
        productId == other.productId && (pricingGroupValues ?? [:]) == (other.pricingGroupValues ?? [:])
            && billingFrequency == other.billingFrequency
    }

    /// Whether the rate is in force at `moment`.
    package func covers(_ moment: Timestamp) -> Bool {
        startingAt <= moment && endingBefore.map { moment < $0 } ?? true
    }

    /// Whether the rate is in force at some moment of `[start, end)` (nil end: open-ended).
    package func overlaps(startingAt start: Timestamp, endingBefore end: Timestamp?) -> Bool {
        (endingBefore.map { $0 > start } ?? true) && (end.map { startingAt < $0 } ?? true)
    }

    /// The pricing group values as one sortable text, `key=value` pairs in key order.
    package var pricingGroupText: String {
        (pricingGroupValues ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// A value with each stored property given.
    package init(
        productId: String,
        entitled: Bool,
        rateType: RateType,
        startingAt: Timestamp,
        endingBefore: Timestamp? = nil,
        price: Decimal? = nil,
        tiers: [Tier]? = nil,
        pricingGroupValues: [String: String]? = nil,
        quantity: Decimal? = nil,
        isProrated: Bool? = nil,
        billingFrequency: BillingFrequency? = nil,
        creditTypeId: String? = nil,
        commitRate: CommitRate? = nil,
        customRate: [String: JSONValue]? = nil
    ) {
        self.productId = productId
        self.entitled = entitled
        self.rateType = rateType
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.price = price
        self.tiers = tiers
        self.pricingGroupValues = pricingGroupValues
        self.quantity = quantity
        self.isProrated = isProrated
        self.billingFrequency = billingFrequency
        self.creditTypeId = creditTypeId
        self.commitRate = commitRate
        self.customRate = customRate
    }
}

/// A rate card's rates change by overlay: a new rate wins over its whole range.
package enum RateSchedule {
    /// `rates` after adding `new`: rates of the same slot lose the part of their range the new
    /// rate covers (trimmed, or split in two when the new rate falls inside one); other rates
    /// stay as they are.
    package static func overlay(_ rates: [Rate], with new: Rate) -> [Rate] {
        var result: [Rate] = []
        for rate in rates {
            guard rate.sharesSlot(with: new), rate.overlaps(startingAt: new.startingAt, endingBefore: new.endingBefore) else {
                result.append(rate)
                continue
            }
            if rate.startingAt < new.startingAt {
                var before = rate
                before.endingBefore = new.startingAt
                result.append(before)
            }
            if let newEnd = new.endingBefore, rate.endingBefore.map({ $0 > newEnd }) ?? true {
                var after = rate
                after.startingAt = max(rate.startingAt, newEnd)
                result.append(after)
            }
        }
        result.append(new)
        return result
    }
}

/// One `selectors[]` item of getRates and getRateSchedule: a rate matches when it matches every
/// field the selector sets; a request matches rates that match any of its selectors.
package struct RateSelector: Sendable, Equatable {
    package var productId: String?
    package var productTags: [String]?
    package var pricingGroupValues: [String: String]?
    package var partialPricingGroupValues: [String: String]?
    package var billingFrequency: BillingFrequency?

    /// Whether `rate`, of a product tagged `productTags`, matches.
    package func matches(_ rate: Rate, productTags tags: [String]) -> Bool {
        if let productId, rate.productId != productId { return false }
        if let productTags, !productTags.contains(where: tags.contains) { return false }
        if let pricingGroupValues, (rate.pricingGroupValues ?? [:]) != pricingGroupValues { return false }
        if let partial = partialPricingGroupValues {
            let values = rate.pricingGroupValues ?? [:]
            guard partial.allSatisfy({ values[$0.key] == $0.value }) else { return false }
        }
        if let billingFrequency, rate.billingFrequency != billingFrequency { return false }
        return true
    }

    /// Whether `rate` matches any of `selectors`; no selectors match every rate.
    package static func matchAny(_ selectors: [RateSelector], _ rate: Rate, productTags: [String]) -> Bool {
        selectors.isEmpty || selectors.contains { $0.matches(rate, productTags: productTags) }
    }

    /// A value with each stored property given.
    package init(
        productId: String? = nil,
        productTags: [String]? = nil,
        pricingGroupValues: [String: String]? = nil,
        partialPricingGroupValues: [String: String]? = nil,
        billingFrequency: BillingFrequency? = nil
    ) {
        self.productId = productId
        self.productTags = productTags
        self.pricingGroupValues = pricingGroupValues
        self.partialPricingGroupValues = partialPricingGroupValues
        self.billingFrequency = billingFrequency
    }
}

/// Where a rate sorts in a rate card's listings: by the card's product order, then pricing
/// group, then start. Also the key of the listing's page cursor.
package struct RateOrderKey: Comparable, Sendable {
    package var productPosition: Int64
    package var pricingGroupText: String
    package var startingAt: Int64
    package var seq: Int64

    /// The key of `rate`, stored with sequence `seq`, whose product sits at `productPosition`.
    package init(rate: Rate, productPosition: Int, seq: Int64) {
        self.productPosition = Int64(productPosition)
        self.pricingGroupText = rate.pricingGroupText
        self.startingAt = rate.startingAt.millisecondsSinceEpoch
        self.seq = seq
    }

    /// The key a cursor carries; nil if the cursor was tampered with.
    package init?(cursorKey: [String]) {
        guard cursorKey.count == 4, let position = Int64(cursorKey[0]), let start = Int64(cursorKey[2]),
              let seq = Int64(cursorKey[3])
        else { return nil }
        self.productPosition = position
        self.pricingGroupText = cursorKey[1]
        self.startingAt = start
        self.seq = seq
    }

    /// The strings a cursor carries.
    package var cursorKey: [String] { [String(productPosition), pricingGroupText, String(startingAt), String(seq)] }

    package static func < (lhs: RateOrderKey, rhs: RateOrderKey) -> Bool {
        (lhs.productPosition, lhs.pricingGroupText, lhs.startingAt, lhs.seq)
            < (rhs.productPosition, rhs.pricingGroupText, rhs.startingAt, rhs.seq)
    }
}

// MARK: - Rules

/// A pricing rule a request breaks; the store answers it as a 400.
package struct PricingRuleViolation: Error, Equatable {
    /// What is wrong, naming the field.
    package var message: String

    /// A value with each stored property given.
    package init(message: String) {
        self.message = message
    }
}

/// What the rate rules need to know of the product a rate prices.
package struct RatedProduct: Sendable {
    package var type: ProductType
    package var pricingGroupKey: [String]?

    /// A value with each stored property given.
    package init(type: ProductType, pricingGroupKey: [String]? = nil) {
        self.type = type
        self.pricingGroupKey = pricingGroupKey
    }
}

/// Metronome's rules for a rate, as the SDK documents them.
package enum RateRules {
    /// Throws the first rule `rate` breaks for `product`; `field` prefixes field names (e.g. `rates[2].`).
    package static func check(_ rate: Rate, product: RatedProduct, field: String = "") throws(PricingRuleViolation) {
        func fail(_ message: String) -> PricingRuleViolation { PricingRuleViolation(message: message) }
        if let end = rate.endingBefore, end <= rate.startingAt {
            throw fail("'\(field)ending_before' must be after '\(field)starting_at'")
        }
        let type = rate.rateType
        if product.type == .composite, !type.isPercentage {
            throw fail("'\(field)rate_type' of a COMPOSITE product must be PERCENTAGE or TIERED_PERCENTAGE")
        }
        if type.isPercentage, product.type != .composite {
            throw fail("'\(field)rate_type' \(type.rawValue) is only for COMPOSITE products")
        }
        if type == .subscription, product.type != .subscription {
            throw fail("'\(field)rate_type' SUBSCRIPTION is only for SUBSCRIPTION products")
        }
        switch type {
        case .flat, .subscription:
            guard let price = rate.price else { throw fail("'\(field)price' is required for \(type.rawValue) rates") }
            guard price >= 0 else { throw fail("'\(field)price' must be >= 0") }
        case .percentage:
            guard let price = rate.price else { throw fail("'\(field)price' is required for PERCENTAGE rates") }
            guard price >= 0, price <= 1 else {
                throw fail("'\(field)price' of a PERCENTAGE rate is a fraction between 0 and 1 (0.1 for 10%)")
            }
        case .tiered, .tieredPercentage, .custom:
            if rate.price != nil { throw fail("'\(field)price' is not used by \(type.rawValue) rates") }
        }
        if type.isTiered {
            guard let tiers = rate.tiers else { throw fail("'\(field)tiers' is required for \(type.rawValue) rates") }
            try checkTiers(tiers, field: "\(field)tiers", fractions: type == .tieredPercentage)
        } else if rate.tiers != nil {
            throw fail("'\(field)tiers' is only for TIERED and TIERED_PERCENTAGE rates")
        }
        if type == .custom, rate.customRate == nil {
            throw fail("'\(field)custom_rate' is required for CUSTOM rates")
        } else if type != .custom, rate.customRate != nil {
            throw fail("'\(field)custom_rate' is only for CUSTOM rates")
        }
        if type == .subscription {
            guard rate.isProrated == true else { throw fail("'\(field)is_prorated' must be set to true for SUBSCRIPTION rates") }
            if let quantity = rate.quantity, quantity < 0 { throw fail("'\(field)quantity' must be >= 0") }
        } else {
            if rate.isProrated != nil { throw fail("'\(field)is_prorated' is only for SUBSCRIPTION rates") }
            if rate.quantity != nil { throw fail("'\(field)quantity' is only for SUBSCRIPTION rates") }
        }
        if product.type == .subscription, rate.billingFrequency == nil {
            throw fail("'\(field)billing_frequency' is required for rates of SUBSCRIPTION products")
        } else if product.type != .subscription, rate.billingFrequency != nil {
            throw fail("'\(field)billing_frequency' is only for rates of SUBSCRIPTION products")
        }
        if type.isPercentage, rate.creditTypeId != nil {
            throw fail("'\(field)credit_type_id' is not used by percentage rates: they take the credit type of what they apply to")
        }
        if let values = rate.pricingGroupValues {
            let key = Set(product.pricingGroupKey ?? [])
            guard !key.isEmpty else {
                throw fail("'\(field)pricing_group_values' needs a product with a pricing_group_key")
            }
            guard Set(values.keys) == key else {
                throw fail("'\(field)pricing_group_values' must set exactly the product's pricing_group_key: \(key.sorted().joined(separator: ", "))")
            }
        }
        if let commitRate = rate.commitRate {
            try check(commitRate, field: "\(field)commit_rate.")
        }
    }

    /// A graduated tier list: at least one tier, each price allowed (a fraction when
    /// `fractions`), sizes positive, and only the last tier may leave its size out.
    package static func checkTiers(_ tiers: [Tier], field: String, fractions: Bool) throws(PricingRuleViolation) {
        guard !tiers.isEmpty else { throw PricingRuleViolation(message: "'\(field)' must have at least one tier") }
        for (index, tier) in tiers.enumerated() {
            guard tier.price >= 0, !fractions || tier.price <= 1 else {
                let range = fractions ? "between 0 and 1" : ">= 0"
                throw PricingRuleViolation(message: "'\(field)[\(index)].price' must be \(range)")
            }
            if let size = tier.size {
                guard size > 0 else { throw PricingRuleViolation(message: "'\(field)[\(index)].size' must be positive") }
            } else if index < tiers.count - 1 {
                throw PricingRuleViolation(message: "'\(field)[\(index)].size' is required: only the last tier may omit its size")
            }
        }
    }

    private static func check(_ commitRate: CommitRate, field: String) throws(PricingRuleViolation) {
        switch commitRate.rateType {
        case .flat, .subscription:
            guard let price = commitRate.price, price >= 0 else {
                throw PricingRuleViolation(message: "'\(field)price' is required and must be >= 0")
            }
        case .percentage:
            guard let price = commitRate.price, price >= 0, price <= 1 else {
                throw PricingRuleViolation(message: "'\(field)price' is required and must be between 0 and 1")
            }
        case .tiered, .tieredPercentage:
            guard let tiers = commitRate.tiers else {
                throw PricingRuleViolation(message: "'\(field)tiers' is required for \(commitRate.rateType.rawValue) commit rates")
            }
            try checkTiers(tiers, field: "\(field)tiers", fractions: commitRate.rateType == .tieredPercentage)
        case .custom:
            break
        }
    }
}
