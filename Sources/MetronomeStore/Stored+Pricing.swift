import Foundation
import MetronomeBilling
import MetronomeCodecs

// The JSON that `rate` rows (and overrides' overwrite rates) hold. These keys are the database
// file format: files written by earlier versions must still decode, so never rename one.

/// One tier of a graduated price, as stored.
package struct StoredTier: Codable, Sendable {
    var price: Decimal
    var size: Decimal?

    /// The stored shape of `tier`.
    init(_ tier: Tier) {
        price = tier.price
        size = tier.size
    }

    /// The tier this holds.
    var domain: Tier { Tier(price: price, size: size) }
}

/// A rate's `commit_rate`, as stored.
package struct StoredCommitRate: Codable, Sendable {
    var rateType: RateType
    var price: Decimal?
    var tiers: [StoredTier]?

    enum CodingKeys: String, CodingKey {
        case rateType = "rate_type", price, tiers
    }

    /// The stored shape of `rate`.
    init(_ rate: CommitRate) {
        rateType = rate.rateType
        price = rate.price
        tiers = rate.tiers?.map(StoredTier.init)
    }

    /// The commit rate this holds.
    var domain: CommitRate { CommitRate(rateType: rateType, price: price, tiers: tiers?.map(\.domain)) }
}

/// A rate of a rate card, as stored in `rate.details`.
package struct StoredRate: Codable, Sendable {
    var productId: String
    var entitled: Bool
    var rateType: RateType
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var price: Decimal?
    var tiers: [StoredTier]?
    var pricingGroupValues: [String: String]?
    var quantity: Decimal?
    var isProrated: Bool?
    var billingFrequency: BillingFrequency?
    var creditTypeId: String?
    var commitRate: StoredCommitRate?
    var customRate: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case productId = "product_id", entitled, rateType = "rate_type", startingAt = "starting_at"
        case endingBefore = "ending_before", price, tiers, pricingGroupValues = "pricing_group_values", quantity
        case isProrated = "is_prorated", billingFrequency = "billing_frequency", creditTypeId = "credit_type_id"
        case commitRate = "commit_rate", customRate = "custom_rate"
    }

    /// The stored shape of `rate`.
    init(_ rate: Rate) {
        productId = rate.productId
        entitled = rate.entitled
        rateType = rate.rateType
        startingAt = rate.startingAt
        endingBefore = rate.endingBefore
        price = rate.price
        tiers = rate.tiers?.map(StoredTier.init)
        pricingGroupValues = rate.pricingGroupValues
        quantity = rate.quantity
        isProrated = rate.isProrated
        billingFrequency = rate.billingFrequency
        creditTypeId = rate.creditTypeId
        commitRate = rate.commitRate.map(StoredCommitRate.init)
        customRate = rate.customRate
    }

    /// The rate this holds.
    var domain: Rate {
        Rate(
            productId: productId, entitled: entitled, rateType: rateType, startingAt: startingAt, endingBefore: endingBefore,
            price: price, tiers: tiers?.map(\.domain), pricingGroupValues: pricingGroupValues, quantity: quantity,
            isProrated: isProrated, billingFrequency: billingFrequency, creditTypeId: creditTypeId,
            commitRate: commitRate?.domain, customRate: customRate
        )
    }
}
