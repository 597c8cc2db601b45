import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A row of `product`: a contract product with its versions as JSON.
package struct ProductRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "product"
    package var seq: Int64?
    package var id: String
    package var type: ProductType
    /// The product's first version, with every field.
    package var initial: ProductState {
        get { storedInitial.domain }
        set { storedInitial = StoredProductState(newValue) }
    }
    /// The later versions, each with the fields it changes.
    package var updates: [ProductState] {
        get { storedUpdates.map(\.domain) }
        set { storedUpdates = newValue.map(StoredProductState.init) }
    }
    private var storedInitial: StoredProductState
    private var storedUpdates: [StoredProductState]
    package var customFields: [String: String]
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let archivedAt = Column(CodingKeys.archivedAt)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, type, storedInitial = "initial", storedUpdates = "updates", customFields = "custom_fields", createdAt = "created_at"
        case archivedAt = "archived_at"
    }


    /// The version in force at `moment`.
    package func state(at moment: Timestamp) -> ProductState {
        ProductVersions.state(initial: initial, updates: updates, at: moment)
    }

    /// A value with each stored property given.
    package init(
        seq: Int64? = nil,
        id: String,
        type: ProductType,
        initial: ProductState,
        updates: [ProductState],
        customFields: [String: String],
        createdAt: Timestamp,
        archivedAt: Timestamp? = nil
    ) {
        self.seq = seq
        self.id = id
        self.type = type
        storedInitial = StoredProductState(initial)
        storedUpdates = updates.map(StoredProductState.init)
        self.customFields = customFields
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }
}

/// A custom pricing unit a rate card converts to its fiat credit type.
package struct CreditTypeConversion: Codable, Sendable, Equatable {
    package var customCreditTypeId: String
    package var fiatPerCustomCredit: Decimal

    package enum CodingKeys: String, CodingKey {
        case customCreditTypeId = "custom_credit_type_id", fiatPerCustomCredit = "fiat_per_custom_credit"
    }

    /// A value with each stored property given.
    package init(customCreditTypeId: String, fiatPerCustomCredit: Decimal) {
        self.customCreditTypeId = customCreditTypeId
        self.fiatPerCustomCredit = fiatPerCustomCredit
    }
}

/// A row of `rate_card`.
package struct RateCardRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "rate_card"
    package var seq: Int64?
    package var id: String
    package var name: String
    package var description: String?
    package var fiatCreditTypeId: String
    package var creditTypeConversions: [CreditTypeConversion]
    package var customFields: [String: String]
    /// The product IDs of the card in invoice order.
    package var productOrder: [String]
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let archivedAt = Column(CodingKeys.archivedAt)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, name, description, fiatCreditTypeId = "fiat_credit_type_id"
        case creditTypeConversions = "credit_type_conversions", customFields = "custom_fields"
        case productOrder = "product_order", createdAt = "created_at", archivedAt = "archived_at"
    }


    /// A value with each stored property given.
    package init(
        seq: Int64? = nil,
        id: String,
        name: String,
        description: String? = nil,
        fiatCreditTypeId: String,
        creditTypeConversions: [CreditTypeConversion],
        customFields: [String: String],
        productOrder: [String],
        createdAt: Timestamp,
        archivedAt: Timestamp? = nil
    ) {
        self.seq = seq
        self.id = id
        self.name = name
        self.description = description
        self.fiatCreditTypeId = fiatCreditTypeId
        self.creditTypeConversions = creditTypeConversions
        self.customFields = customFields
        self.productOrder = productOrder
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }
}

/// A row of `rate_card_alias`: a name contracts may use for the card over a time range.
package struct RateCardAliasRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "rate_card_alias"
    package var rateCardId: String
    package var position: Int
    package var name: String
    package var startingAt: Timestamp?
    package var endingBefore: Timestamp?

    package enum Columns {
        package static let rateCardId = Column(CodingKeys.rateCardId)
        package static let position = Column(CodingKeys.position)
        package static let name = Column(CodingKeys.name)
    }

    package enum CodingKeys: String, CodingKey {
        case rateCardId = "rate_card_id", position, name, startingAt = "starting_at", endingBefore = "ending_before"
    }

    /// Whether the two aliases hold at some common moment (a missing bound is unbounded).
    package func overlaps(_ other: RateCardAliasRecord) -> Bool {
        let startsBeforeOtherEnds = other.endingBefore.map { end in startingAt.map { $0 < end } ?? true } ?? true
        let otherStartsBeforeThisEnds = endingBefore.map { end in other.startingAt.map { $0 < end } ?? true } ?? true
        return startsBeforeOtherEnds && otherStartsBeforeThisEnds
    }

    /// A value with each stored property given.
    package init(
        rateCardId: String,
        position: Int,
        name: String,
        startingAt: Timestamp? = nil,
        endingBefore: Timestamp? = nil
    ) {
        self.rateCardId = rateCardId
        self.position = position
        self.name = name
        self.startingAt = startingAt
        self.endingBefore = endingBefore
    }
}

/// A row of `rate`: one rate of a rate card, the rate itself as JSON.
package struct RateRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "rate"
    package var seq: Int64?
    package var rateCardId: String
    package var productId: String
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?
    package var details: StoredRate

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let rateCardId = Column(CodingKeys.rateCardId)
        package static let productId = Column(CodingKeys.productId)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, rateCardId = "rate_card_id", productId = "product_id", startingAt = "starting_at"
        case endingBefore = "ending_before", details
    }

    /// The rate this row holds.
    package var rate: Rate { details.domain }

    /// A row holding `rate` on card `rateCardId`.
    package init(rateCardId: String, rate: Rate) {
        self.rateCardId = rateCardId
        self.productId = rate.productId
        self.startingAt = rate.startingAt
        self.endingBefore = rate.endingBefore
        self.details = StoredRate(rate)
    }
}

/// A rate card with its aliases and the credit types it names: what get and list answer.
package struct RateCardSnapshot: Sendable {
    package var record: RateCardRecord
    package var aliases: [RateCardAliasRecord]
    /// Every credit type the card names (fiat and conversions), by ID.
    package var creditTypes: [String: CreditTypeRecord]

    /// A value with each stored property given.
    package init(record: RateCardRecord, aliases: [RateCardAliasRecord], creditTypes: [String: CreditTypeRecord]) {
        self.record = record
        self.aliases = aliases
        self.creditTypes = creditTypes
    }
}

/// A rate with what listings show of its product and where it sorts.
package struct RateListing: Sendable {
    package var rate: Rate
    package var product: ProductRecord
    package var productState: ProductState
    package var creditType: CreditTypeRecord?
    package var orderKey: RateOrderKey

    /// A value with each stored property given.
    package init(
        rate: Rate,
        product: ProductRecord,
        productState: ProductState,
        creditType: CreditTypeRecord? = nil,
        orderKey: RateOrderKey
    ) {
        self.rate = rate
        self.product = product
        self.productState = productState
        self.creditType = creditType
        self.orderKey = orderKey
    }
}
