import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

// MARK: - Rate card requests

/// One item of `aliases`.
struct RateCardAliasBody: Codable {
    var name: String
    var startingAt: Timestamp?
    var endingBefore: Timestamp?

    enum CodingKeys: String, CodingKey {
        case name, startingAt = "starting_at", endingBefore = "ending_before"
    }

    /// The aliases of a request, each checked: a non-empty name and a non-empty range.
    static func validated(_ bodies: [RateCardAliasBody]?) throws -> [RateCardAlias] {
        try (bodies ?? []).enumerated().map { index, body in
            try Validate.length(body.name, field: "aliases[\(index)].name", 1...256)
            if let start = body.startingAt {
                try Validate.range(startingAt: start, endingBefore: body.endingBefore)
            }
            return RateCardAlias(name: body.name, startingAt: body.startingAt, endingBefore: body.endingBefore)
        }
    }
}

/// One item of `credit_type_conversions` (create) or `add_credit_type_conversions` (update).
struct CreditTypeConversionBody: Decodable {
    var customCreditTypeId: String
    var fiatPerCustomCredit: Decimal

    enum CodingKeys: String, CodingKey {
        case customCreditTypeId = "custom_credit_type_id", fiatPerCustomCredit = "fiat_per_custom_credit"
    }

    /// The conversions of a request, IDs checked to be UUIDs.
    static func validated(_ bodies: [CreditTypeConversionBody]?, field: String) throws -> [CreditTypeConversion] {
        try (bodies ?? []).enumerated().map { index, body in
            CreditTypeConversion(
                customCreditTypeId: try Validate.id(body.customCreditTypeId, field: "\(field)[\(index)].custom_credit_type_id"),
                fiatPerCustomCredit: body.fiatPerCustomCredit
            )
        }
    }
}

/// The body of `POST /v1/contract-pricing/rate-cards/create`.
struct CreateRateCardRequest: Decodable {
    var name: String
    var description: String?
    var aliases: [RateCardAliasBody]?
    var creditTypeConversions: [CreditTypeConversionBody]?
    var customFields: [String: String]?
    var fiatCreditTypeId: String?

    enum CodingKeys: String, CodingKey {
        case name, description, aliases, creditTypeConversions = "credit_type_conversions"
        case customFields = "custom_fields", fiatCreditTypeId = "fiat_credit_type_id"
    }
}

/// The body of `POST /v1/contract-pricing/rate-cards/update`.
struct UpdateRateCardRequest: Decodable {
    var rateCardId: String
    var name: String?
    var description: String?
    var aliases: [RateCardAliasBody]?
    var addCreditTypeConversions: [CreditTypeConversionBody]?

    enum CodingKeys: String, CodingKey {
        case rateCardId = "rate_card_id", name, description, aliases
        case addCreditTypeConversions = "add_credit_type_conversions"
    }
}

/// The body of `get` and `archive`: `{"id": ...}`.
struct RateCardIDRequest: Decodable {
    var id: String
}

// MARK: - Rates, both ways

/// One tier of a graduated price: `{"price", "size"}`.
struct TierWire: Codable {
    var price: Decimal
    var size: Decimal?

    /// `tier` on the wire.
    init(_ tier: Tier) {
        price = tier.price
        size = tier.size
    }

    /// The tier this describes.
    var tier: Tier { Tier(price: price, size: size) }
}

/// A rate's `commit_rate`: what usage drawing down a commit or credit pays.
struct CommitRateWire: Codable {
    var rateType: RateType
    var price: Decimal?
    var tiers: [TierWire]?

    enum CodingKeys: String, CodingKey {
        case rateType = "rate_type", price, tiers
    }

    /// `rate` on the wire.
    init(_ rate: CommitRate) {
        rateType = rate.rateType
        price = rate.price
        tiers = rate.tiers?.map(TierWire.init)
    }

    /// The commit rate this describes.
    var commitRate: CommitRate { CommitRate(rateType: rateType, price: price, tiers: tiers?.map(\.tier)) }
}

// MARK: - Rate requests

/// The fields of one rate, in addRate's body or an item of addRates' `rates`.
struct RateBody: Decodable {
    var productId: String
    var entitled: Bool
    var rateType: RateType
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var billingFrequency: BillingFrequency?
    var commitRate: CommitRateWire?
    var creditTypeId: String?
    var customRate: [String: JSONValue]?
    var isProrated: Bool?
    var price: Decimal?
    var pricingGroupValues: [String: String]?
    var quantity: Decimal?
    var tiers: [TierWire]?

    enum CodingKeys: String, CodingKey {
        case productId = "product_id", entitled, rateType = "rate_type", startingAt = "starting_at"
        case endingBefore = "ending_before", billingFrequency = "billing_frequency", commitRate = "commit_rate"
        case creditTypeId = "credit_type_id", customRate = "custom_rate", isProrated = "is_prorated", price
        case pricingGroupValues = "pricing_group_values", quantity, tiers
    }

    /// The rate, its IDs checked to be UUIDs; `field` prefixes field names in errors.
    func rate(field: String = "") throws -> Rate {
        Rate(
            productId: try Validate.id(productId, field: "\(field)product_id"), entitled: entitled, rateType: rateType,
            startingAt: startingAt, endingBefore: endingBefore, price: price, tiers: tiers?.map(\.tier),
            pricingGroupValues: pricingGroupValues, quantity: quantity, isProrated: isProrated,
            billingFrequency: billingFrequency,
            creditTypeId: try creditTypeId.map { try Validate.id($0, field: "\(field)credit_type_id") },
            commitRate: commitRate?.commitRate, customRate: customRate
        )
    }
}

/// The body of `POST /v1/contract-pricing/rate-cards/addRate`.
struct AddRateRequest: Decodable {
    var rateCardId: String
    var rate: RateBody

    enum CodingKeys: String, CodingKey {
        case rateCardId = "rate_card_id"
    }

    init(from decoder: any Decoder) throws {
        rateCardId = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .rateCardId)
        rate = try RateBody(from: decoder)
    }
}

/// The body of `POST /v1/contract-pricing/rate-cards/addRates`.
struct AddRatesRequest: Decodable {
    var rateCardId: String
    var rates: [RateBody]

    enum CodingKeys: String, CodingKey {
        case rateCardId = "rate_card_id", rates
    }
}

/// One item of `selectors`.
struct RateSelectorBody: Decodable {
    var productId: String?
    var productTags: [String]?
    var pricingGroupValues: [String: String]?
    var partialPricingGroupValues: [String: String]?
    var billingFrequency: BillingFrequency?

    enum CodingKeys: String, CodingKey {
        case productId = "product_id", productTags = "product_tags", pricingGroupValues = "pricing_group_values"
        case partialPricingGroupValues = "partial_pricing_group_values", billingFrequency = "billing_frequency"
    }

    /// The selectors of a request, product IDs checked to be UUIDs.
    static func validated(_ bodies: [RateSelectorBody]?) throws -> [RateSelector] {
        try (bodies ?? []).enumerated().map { index, body in
            RateSelector(
                productId: try body.productId.map { try Validate.id($0, field: "selectors[\(index)].product_id") },
                productTags: body.productTags, pricingGroupValues: body.pricingGroupValues,
                partialPricingGroupValues: body.partialPricingGroupValues, billingFrequency: body.billingFrequency
            )
        }
    }
}

/// The body of `POST /v1/contract-pricing/rate-cards/getRates` (paging is in the query).
struct GetRatesRequest: Decodable {
    var rateCardId: String
    var at: Timestamp
    var selectors: [RateSelectorBody]?

    enum CodingKeys: String, CodingKey {
        case rateCardId = "rate_card_id", at, selectors
    }
}

/// The body of `POST /v1/contract-pricing/rate-cards/getRateSchedule` (paging is in the query).
struct GetRateScheduleRequest: Decodable {
    var rateCardId: String
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var selectors: [RateSelectorBody]?

    enum CodingKeys: String, CodingKey {
        case rateCardId = "rate_card_id", startingAt = "starting_at", endingBefore = "ending_before", selectors
    }
}

/// The body of `POST /v1/contract-pricing/rate-cards/setRateCardProductsOrder`.
struct SetRateCardProductsOrderRequest: Decodable {
    var rateCardId: String
    var productOrder: [String]

    enum CodingKeys: String, CodingKey {
        case rateCardId = "rate_card_id", productOrder = "product_order"
    }
}

/// The body of `POST /v1/contract-pricing/rate-cards/moveRateCardProducts`.
struct MoveRateCardProductsRequest: Decodable {
    var rateCardId: String
    var productMoves: [ProductMove]

    /// Move one product to a 0-based position.
    struct ProductMove: Decodable {
        var productId: String
        var position: Decimal

        enum CodingKeys: String, CodingKey {
            case productId = "product_id", position
        }
    }

    enum CodingKeys: String, CodingKey {
        case rateCardId = "rate_card_id", productMoves = "product_moves"
    }
}

// MARK: - Responses

/// A rate card on the wire (get and list).
struct RateCardWire: Encodable {
    var id: String
    var createdAt: Timestamp
    var createdBy: String
    var name: String
    var aliases: [RateCardAliasBody]
    var creditTypeConversions: [Conversion]
    var customFields: [String: String]
    var description: String?
    var fiatCreditType: CreditTypeDataWire?

    /// A conversion, its rate as a decimal string as Metronome writes it.
    struct Conversion: Encodable {
        var customCreditType: CreditTypeDataWire?
        var fiatPerCustomCredit: String

        enum CodingKeys: String, CodingKey {
            case customCreditType = "custom_credit_type", fiatPerCustomCredit = "fiat_per_custom_credit"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, createdAt = "created_at", createdBy = "created_by", name, aliases
        case creditTypeConversions = "credit_type_conversions", customFields = "custom_fields", description
        case fiatCreditType = "fiat_credit_type"
    }

    init(_ snapshot: RateCardSnapshot) {
        let record = snapshot.record
        id = record.id
        createdAt = record.createdAt
        createdBy = AppDatabase.apiAuthor
        name = record.name
        aliases = snapshot.aliases.map { RateCardAliasBody(name: $0.name, startingAt: $0.startingAt, endingBefore: $0.endingBefore) }
        creditTypeConversions = record.creditTypeConversions.map {
            Conversion(
                customCreditType: snapshot.creditTypes[$0.customCreditTypeId].map(CreditTypeDataWire.init),
                fiatPerCustomCredit: $0.fiatPerCustomCredit.description
            )
        }
        customFields = record.customFields
        description = record.description
        fiatCreditType = snapshot.creditTypes[record.fiatCreditTypeId].map(CreditTypeDataWire.init)
    }
}

/// Metronome's `Rate`: what addRate answers, the `rate` of each listed rate, and an OVERWRITE
/// override's `overwrite_rate`.
struct RateWire: Encodable {
    var rateType: RateType
    var commitRate: CommitRateWire?
    var creditType: CreditTypeDataWire?
    var customRate: [String: JSONValue]?
    var isProrated: Bool?
    var price: Decimal?
    var pricingGroupValues: [String: String]?
    var quantity: Decimal?
    var tiers: [TierWire]?

    enum CodingKeys: String, CodingKey {
        case rateType = "rate_type", commitRate = "commit_rate", creditType = "credit_type", customRate = "custom_rate"
        case isProrated = "is_prorated", price, pricingGroupValues = "pricing_group_values", quantity, tiers
    }

    /// `rate` priced in `creditType`; `withCommitRate` for addRate's answer.
    init(_ rate: Rate, creditType: CreditTypeRecord?, withCommitRate: Bool) {
        rateType = rate.rateType
        commitRate = withCommitRate ? rate.commitRate.map(CommitRateWire.init) : nil
        self.creditType = creditType.map(CreditTypeDataWire.init)
        customRate = rate.customRate
        isProrated = rate.isProrated
        price = rate.price
        pricingGroupValues = rate.pricingGroupValues
        quantity = rate.quantity
        tiers = rate.tiers?.map(TierWire.init)
    }
}

/// One rate of getRates and getRateSchedule, with what it prices.
struct RateListingWire: Encodable {
    var entitled: Bool
    var productCustomFields: [String: String]
    var productId: String
    var productName: String
    var productTags: [String]
    var rate: RateWire
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var billingFrequency: BillingFrequency?
    var commitRate: CommitRateWire?
    var pricingGroupValues: [String: String]?

    enum CodingKeys: String, CodingKey {
        case entitled, productCustomFields = "product_custom_fields", productId = "product_id"
        case productName = "product_name", productTags = "product_tags", rate, startingAt = "starting_at"
        case endingBefore = "ending_before", billingFrequency = "billing_frequency", commitRate = "commit_rate"
        case pricingGroupValues = "pricing_group_values"
    }

    init(_ listing: RateListing) {
        entitled = listing.rate.entitled
        productCustomFields = listing.product.customFields
        productId = listing.product.id
        productName = listing.productState.name ?? ""
        productTags = listing.productState.tags ?? []
        rate = RateWire(listing.rate, creditType: listing.creditType, withCommitRate: false)
        startingAt = listing.rate.startingAt
        endingBefore = listing.rate.endingBefore
        billingFrequency = listing.rate.billingFrequency
        commitRate = listing.rate.commitRate.map(CommitRateWire.init)
        pricingGroupValues = listing.rate.pricingGroupValues
    }
}
