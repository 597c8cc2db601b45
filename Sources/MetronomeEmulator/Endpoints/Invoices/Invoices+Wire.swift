import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

extension InvoiceDocument {
    /// This invoice without its zero-quantity lines (`skip_zero_qty_line_items`).
    func skippingZeroQuantityLines() -> InvoiceDocument {
        var copy = self
        copy.lineItems = lineItems.filter { $0.quantity.map { $0 != 0 } ?? true }
        return copy
    }
}

/// An invoice in Metronome's shape: what invoice lists, retrieves, breakdowns, `previewEvents`
/// and plan endpoints answer.
struct InvoiceWire: Encodable {
    var id: String
    var customerId: String
    var creditType: CreditTypeDataWire
    var lineItems: [InvoiceLineItemWire]
    var status: String
    var total: Decimal
    var type: String
    var startTimestamp: Timestamp?
    var endTimestamp: Timestamp?
    var issuedAt: Timestamp?
    var contractId: String?
    var planId: String?
    var planName: String?
    var subtotal: Decimal?
    var netPaymentTermsDays: Decimal?
    var customFields: [String: String]?
    var regeneratedFromInvoiceId: String?
    var invoiceAdjustments: [InvoiceAdjustmentWire]?
    var breakdownStartTimestamp: Timestamp?
    var breakdownEndTimestamp: Timestamp?
    var payer: ContractHierarchy.Node?
    var constituentInvoices: [ConstituentInvoice]?
    var amendmentId: String?
    var billableStatus: String?

    enum CodingKeys: String, CodingKey {
        case payer, constituentInvoices = "constituent_invoices", amendmentId = "amendment_id", billableStatus = "billable_status"
        case id, customerId = "customer_id", creditType = "credit_type", lineItems = "line_items", status, total, type
        case startTimestamp = "start_timestamp", endTimestamp = "end_timestamp", issuedAt = "issued_at"
        case contractId = "contract_id", planId = "plan_id", planName = "plan_name", subtotal
        case netPaymentTermsDays = "net_payment_terms_days", customFields = "custom_fields"
        case regeneratedFromInvoiceId = "regenerated_from_invoice_id", invoiceAdjustments = "invoice_adjustments"
        case breakdownStartTimestamp = "breakdown_start_timestamp", breakdownEndTimestamp = "breakdown_end_timestamp"
    }

    /// The wire form of `document`.
    init(_ document: InvoiceDocument) {
        id = document.id
        customerId = document.customerId
        creditType = CreditTypeDataWire(document.creditType)
        lineItems = document.lineItems.map(InvoiceLineItemWire.init)
        status = document.status
        total = document.total
        type = document.type
        startTimestamp = document.startTimestamp
        endTimestamp = document.endTimestamp
        issuedAt = document.issuedAt
        contractId = document.contractId
        planId = document.planId
        planName = document.planName
        subtotal = document.subtotal
        netPaymentTermsDays = document.netPaymentTermsDays
        customFields = document.customFields
        regeneratedFromInvoiceId = document.regeneratedFromInvoiceId
        invoiceAdjustments = document.invoiceAdjustments?.map(InvoiceAdjustmentWire.init)
        breakdownStartTimestamp = document.breakdownStartTimestamp
        breakdownEndTimestamp = document.breakdownEndTimestamp
        payer = document.payer
        amendmentId = document.amendmentId
        billableStatus = document.billableStatus
        constituentInvoices = document.constituentInvoices
    }
}

/// An adjustment to a whole plan invoice, e.g. a minimum.
struct InvoiceAdjustmentWire: Encodable {
    var creditType: CreditTypeDataWire
    var name: String
    var total: Decimal
    var creditGrantId: String?
    var creditGrantCustomFields: [String: String]?

    enum CodingKeys: String, CodingKey {
        case creditType = "credit_type", name, total
        case creditGrantId = "credit_grant_id", creditGrantCustomFields = "credit_grant_custom_fields"
    }

    /// The wire form of `adjustment`.
    init(_ adjustment: InvoiceAdjustment) {
        creditType = CreditTypeDataWire(adjustment.creditType)
        name = adjustment.name
        total = adjustment.total
        creditGrantId = adjustment.creditGrantId
        creditGrantCustomFields = adjustment.creditGrantCustomFields
    }
}

/// One line of an invoice.
struct InvoiceLineItemWire: Encodable {
    var name: String
    var total: Decimal
    var creditType: CreditTypeDataWire
    var type: String
    var productId: String?
    var productType: String?
    var quantity: Decimal?
    var unitPrice: Decimal?
    var startingAt: Timestamp?
    var endingBefore: Timestamp?
    var tier: Tier?
    var isProrated: Bool?
    var groupKey: String?
    var groupValue: String?
    var pricingGroupValues: [String: String]?
    var presentationGroupValues: [String: String]?
    var appliedCommitOrCredit: AppliedCommitOrCredit?
    var commitId: String?
    var commitType: String?
    var commitSegmentId: String?
    var scheduledChargeId: String?
    var subscriptionId: String?
    var customFields: [String: String]?
    var subLineItems: [SubLineItemWire]?
    var postpaidCommit: IDPayload?
    var professionalServiceId: String?
    var professionalServiceCustomFields: [String: String]?
    var metadata: String?
    var netsuiteInvoiceBillingStart: Timestamp?
    var netsuiteInvoiceBillingEnd: Timestamp?

    enum CodingKeys: String, CodingKey {
        case netsuiteInvoiceBillingStart = "netsuite_invoice_billing_start", netsuiteInvoiceBillingEnd = "netsuite_invoice_billing_end"
        case postpaidCommit = "postpaid_commit"
        case name, total, creditType = "credit_type", type, productId = "product_id", productType = "product_type"
        case quantity, unitPrice = "unit_price", startingAt = "starting_at", endingBefore = "ending_before", tier
        case isProrated = "is_prorated", groupKey = "group_key", groupValue = "group_value"
        case pricingGroupValues = "pricing_group_values", presentationGroupValues = "presentation_group_values"
        case appliedCommitOrCredit = "applied_commit_or_credit", commitId = "commit_id", commitType = "commit_type"
        case commitSegmentId = "commit_segment_id", scheduledChargeId = "scheduled_charge_id"
        case subscriptionId = "subscription_id", customFields = "custom_fields", subLineItems = "sub_line_items"
        case professionalServiceId = "professional_service_id"
        case professionalServiceCustomFields = "professional_service_custom_fields", metadata
    }

    /// The tier of a graduated rate a line bills.
    struct Tier: Encodable {
        var level: Int
        var startingAt: String
        var size: String?

        enum CodingKeys: String, CodingKey {
            case level, startingAt = "starting_at", size
        }
    }

    /// The commit or credit a negative line draws from.
    struct AppliedCommitOrCredit: Encodable {
        var id: String
        var type: String
    }

    /// The wire form of `line`.
    init(_ line: InvoiceLineItem) {
        name = line.name
        total = line.total
        creditType = CreditTypeDataWire(line.creditType)
        type = line.type
        productId = line.productId
        productType = line.productType
        quantity = line.quantity
        unitPrice = line.unitPrice
        startingAt = line.startingAt
        endingBefore = line.endingBefore
        tier = line.tier.map { Tier(level: $0.level, startingAt: $0.startingAt, size: $0.size) }
        isProrated = line.isProrated
        groupKey = line.groupKey
        groupValue = line.groupValue
        pricingGroupValues = line.pricingGroupValues
        presentationGroupValues = line.presentationGroupValues
        appliedCommitOrCredit = line.appliedCommitOrCredit.map { AppliedCommitOrCredit(id: $0.id, type: $0.type) }
        commitId = line.commitId
        commitType = line.commitType
        commitSegmentId = line.commitSegmentId
        scheduledChargeId = line.scheduledChargeId
        subscriptionId = line.subscriptionId
        customFields = line.customFields
        subLineItems = line.subLineItems?.map(SubLineItemWire.init)
        postpaidCommit = line.type == AppDatabase.postpaidTrueUpLineType ? line.commitId.map(IDPayload.init) : nil
        professionalServiceId = line.professionalServiceId
        professionalServiceCustomFields = line.professionalServiceCustomFields
        metadata = line.metadata
        netsuiteInvoiceBillingStart = line.netsuiteInvoiceBillingStart
        netsuiteInvoiceBillingEnd = line.netsuiteInvoiceBillingEnd
    }
}

/// A plan charge's part of a plan invoice line.
struct SubLineItemWire: Encodable {
    var customFields: [String: String]
    var name: String
    var quantity: Decimal
    var subtotal: Decimal
    var chargeId: String?
    var price: Decimal?
    var startDate: Timestamp?
    var endDate: Timestamp?
    var tiers: [Tier]?

    enum CodingKeys: String, CodingKey {
        case customFields = "custom_fields", name, quantity, subtotal, chargeId = "charge_id", price
        case startDate = "start_date", endDate = "end_date", tiers
    }

    /// One tier of a tiered charge: the units it priced and what they cost.
    struct Tier: Encodable {
        var price: Decimal
        var quantity: Decimal
        var startingAt: Decimal
        var subtotal: Decimal

        enum CodingKeys: String, CodingKey {
            case price, quantity, startingAt = "starting_at", subtotal
        }
    }

    /// The wire form of `item`.
    init(_ item: SubLineItem) {
        customFields = item.customFields
        name = item.name
        quantity = item.quantity
        subtotal = item.subtotal
        chargeId = item.chargeId
        price = item.price
        startDate = item.startDate
        endDate = item.endDate
        tiers = item.tiers?.map { Tier(price: $0.price, quantity: $0.quantity, startingAt: $0.startingAt, subtotal: $0.subtotal) }
    }
}

extension CreditTypeDataWire {
    /// The credit type an invoice names.
    init(_ creditType: InvoiceCreditType) {
        self.init(id: creditType.id, names: [creditType.id: creditType.name])
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
