import Foundation
import GRDB

/// A row of `product`: a contract product with its versions as JSON.
struct ProductRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "product"
    var seq: Int64?
    var id: String
    var type: ProductType
    var initial: ProductState
    var updates: [ProductState]
    var customFields: [String: String]
    var createdAt: Timestamp
    var archivedAt: Timestamp?

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
        static let archivedAt = Column(CodingKeys.archivedAt)
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, type, initial, updates, customFields = "custom_fields", createdAt = "created_at"
        case archivedAt = "archived_at"
    }


    /// The version in force at `moment`.
    func state(at moment: Timestamp) -> ProductState {
        ProductVersions.state(initial: initial, updates: updates, at: moment)
    }
}

/// A custom pricing unit a rate card converts to its fiat credit type.
struct CreditTypeConversion: Codable, Sendable, Equatable {
    var customCreditTypeId: String
    var fiatPerCustomCredit: Decimal

    enum CodingKeys: String, CodingKey {
        case customCreditTypeId = "custom_credit_type_id", fiatPerCustomCredit = "fiat_per_custom_credit"
    }
}

/// A row of `rate_card`.
struct RateCardRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "rate_card"
    var seq: Int64?
    var id: String
    var name: String
    var description: String?
    var fiatCreditTypeId: String
    var creditTypeConversions: [CreditTypeConversion]
    var customFields: [String: String]
    /// The product IDs of the card in invoice order.
    var productOrder: [String]
    var createdAt: Timestamp
    var archivedAt: Timestamp?

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
        static let archivedAt = Column(CodingKeys.archivedAt)
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, name, description, fiatCreditTypeId = "fiat_credit_type_id"
        case creditTypeConversions = "credit_type_conversions", customFields = "custom_fields"
        case productOrder = "product_order", createdAt = "created_at", archivedAt = "archived_at"
    }

}

/// A row of `rate_card_alias`: a name contracts may use for the card over a time range.
struct RateCardAliasRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "rate_card_alias"
    var rateCardId: String
    var position: Int
    var name: String
    var startingAt: Timestamp?
    var endingBefore: Timestamp?

    enum Columns {
        static let rateCardId = Column(CodingKeys.rateCardId)
        static let position = Column(CodingKeys.position)
        static let name = Column(CodingKeys.name)
    }

    enum CodingKeys: String, CodingKey {
        case rateCardId = "rate_card_id", position, name, startingAt = "starting_at", endingBefore = "ending_before"
    }

    /// Whether the two aliases hold at some common moment (a missing bound is unbounded).
    func overlaps(_ other: RateCardAliasRecord) -> Bool {
        let startsBeforeOtherEnds = other.endingBefore.map { end in startingAt.map { $0 < end } ?? true } ?? true
        let otherStartsBeforeThisEnds = endingBefore.map { end in other.startingAt.map { $0 < end } ?? true } ?? true
        return startsBeforeOtherEnds && otherStartsBeforeThisEnds
    }
}

/// A row of `rate`: one rate of a rate card, the rate itself as JSON.
struct RateRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "rate"
    var seq: Int64?
    var rateCardId: String
    var productId: String
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var details: Rate

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let rateCardId = Column(CodingKeys.rateCardId)
        static let productId = Column(CodingKeys.productId)
    }

    enum CodingKeys: String, CodingKey {
        case seq, rateCardId = "rate_card_id", productId = "product_id", startingAt = "starting_at"
        case endingBefore = "ending_before", details
    }


    /// A row holding `rate` on card `rateCardId`.
    init(rateCardId: String, rate: Rate) {
        self.rateCardId = rateCardId
        self.productId = rate.productId
        self.startingAt = rate.startingAt
        self.endingBefore = rate.endingBefore
        self.details = rate
    }
}

/// A rate card with its aliases and the credit types it names: what get and list answer.
struct RateCardSnapshot: Sendable {
    var record: RateCardRecord
    var aliases: [RateCardAliasRecord]
    /// Every credit type the card names (fiat and conversions), by ID.
    var creditTypes: [String: CreditTypeRecord]
}

/// A rate with what listings show of its product and where it sorts.
struct RateListing: Sendable {
    var rate: Rate
    var product: ProductRecord
    var productState: ProductState
    var creditType: CreditTypeRecord?
    var orderKey: RateOrderKey
}
