import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Invoices go on the wire as `InvoiceDocument`, which is in Metronome's shape already.
extension InvoiceDocument {
    /// This invoice without its zero-quantity lines (`skip_zero_qty_line_items`).
    func skippingZeroQuantityLines() -> InvoiceDocument {
        var copy = self
        copy.lineItems = lineItems.filter { $0.quantity.map { $0 != 0 } ?? true }
        return copy
    }
}

/// Sort order of invoice lists.
enum InvoiceSort: String, WireEnum {
    case dateAsc = "date_asc"
    case dateDesc = "date_desc"
}

/// Invoice types a list can be filtered by.
enum InvoiceTypeFilter: String, WireEnum {
    case usage = "USAGE"
    case usageConsolidated = "USAGE_CONSOLIDATED"
    case scheduled = "SCHEDULED"
}

/// The body of `POST /v1/invoices/void` and `/v1/invoices/regenerate`.
struct InvoiceIdRequest: Decodable {
    var id: String
}

/// The body of `POST /v1/customers/{customer_id}/addCharge`.
struct AddChargeRequest: Decodable {
    var chargeId: String
    var customerPlanId: String
    var description: String
    var invoiceStartTimestamp: Timestamp
    var price: Decimal
    var quantity: Decimal

    enum CodingKeys: String, CodingKey {
        case chargeId = "charge_id", customerPlanId = "customer_plan_id", description
        case invoiceStartTimestamp = "invoice_start_timestamp", price, quantity
    }
}

/// One day of `GET /v1/customers/{customer_id}/costs`.
struct CostDayWire: Encodable {
    var creditTypes: [String: CreditTypeCostWire]
    var startTimestamp: Timestamp
    var endTimestamp: Timestamp

    enum CodingKeys: String, CodingKey {
        case creditTypes = "credit_types", startTimestamp = "start_timestamp", endTimestamp = "end_timestamp"
    }

    /// The day's cost per credit type, from the lines its invoices bill that day.
    init(window: Range<Timestamp>, lines: [InvoiceLineItem]) {
        startTimestamp = window.lowerBound
        endTimestamp = window.upperBound
        var byCreditType: [String: CreditTypeCostWire] = [:]
        for line in lines {
            var entry = byCreditType[line.creditType.id] ?? CreditTypeCostWire(name: line.creditType.name, cost: 0, lineItemBreakdown: [])
            entry.cost += line.total
            entry.lineItemBreakdown.append(.init(cost: line.total, name: line.name, groupKey: line.groupKey, groupValue: line.groupValue))
            byCreditType[line.creditType.id] = entry
        }
        creditTypes = byCreditType
    }
}

/// What one credit type cost in a day, and by which lines.
struct CreditTypeCostWire: Encodable {
    var name: String
    var cost: Decimal
    var lineItemBreakdown: [LineCostWire]

    enum CodingKeys: String, CodingKey {
        case name, cost, lineItemBreakdown = "line_item_breakdown"
    }

    /// One line's part of a day's cost.
    struct LineCostWire: Encodable {
        var cost: Decimal
        var name: String
        var groupKey: String?
        var groupValue: String?

        enum CodingKeys: String, CodingKey {
            case cost, name, groupKey = "group_key", groupValue = "group_value"
        }
    }
}

/// The body of `POST /v1/customers/{customer_id}/previewEvents`.
struct PreviewEventsRequest: Decodable {
    var events: [PreviewEvent]
    var mode: PreviewMode?
    var skipZeroQtyLineItems: Bool?

    enum CodingKeys: String, CodingKey {
        case events, mode, skipZeroQtyLineItems = "skip_zero_qty_line_items"
    }

    /// How preview events combine with the customer's usage.
    enum PreviewMode: String, WireEnum {
        case replace, merge
    }

    /// A usage event to preview; it needs no customer, and its time defaults to now.
    struct PreviewEvent: Decodable {
        var eventType: String
        var properties: [String: JSONValue]?
        var timestamp: Timestamp?
        var transactionId: String?

        enum CodingKeys: String, CodingKey {
            case eventType = "event_type", properties, timestamp, transactionId = "transaction_id"
        }
    }
}
