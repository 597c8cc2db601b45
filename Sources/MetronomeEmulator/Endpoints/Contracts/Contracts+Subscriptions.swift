import Foundation
import MetronomeCodecs
import MetronomeStore

/// The body of `getSubscriptionQuantityHistory`.
struct SubscriptionHistoryRequest: Decodable {
    var customerId: String
    var contractId: String
    var subscriptionId: String

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", subscriptionId = "subscription_id"
    }
}

/// A subscription's quantity history, as `getSubscriptionQuantityHistory` answers it.
struct SubscriptionQuantityHistoryWire: Encodable {
    var subscriptionId: String
    var fiatCreditTypeId: String
    var customCreditTypeId: String?
    var history: [Change]

    enum CodingKeys: String, CodingKey {
        case subscriptionId = "subscription_id", fiatCreditTypeId = "fiat_credit_type_id"
        case customCreditTypeId = "custom_credit_type_id", history
    }

    /// The quantity from one moment on.
    struct Change: Encodable {
        var startingAt: Timestamp
        var data: [Price]

        enum CodingKeys: String, CodingKey {
            case startingAt = "starting_at", data
        }
    }

    /// A quantity, its unit price, and what they come to.
    struct Price: Encodable {
        var quantity: Decimal
        var unitPrice: Decimal
        var total: Decimal

        enum CodingKeys: String, CodingKey {
            case quantity, unitPrice = "unit_price", total
        }
    }

    /// The wire form of `history`.
    init(_ history: SubscriptionQuantityHistory) {
        subscriptionId = history.subscriptionId
        fiatCreditTypeId = history.fiatCreditTypeId
        customCreditTypeId = history.customCreditTypeId
        self.history = history.entries.map { entry in
            Change(startingAt: entry.startingAt, data: [
                Price(quantity: entry.quantity, unitPrice: entry.unitPrice, total: entry.quantity * entry.unitPrice),
            ])
        }
    }
}
