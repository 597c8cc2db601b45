import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// An item of `professional_services` on `contracts/create`.
struct ProfessionalServiceBody: Decodable {
    var productId: String
    var maxAmount: Decimal
    var quantity: Decimal
    var unitPrice: Decimal
    var description: String?
    var customFields: [String: String]?
    var netsuiteSalesOrderId: String?

    enum CodingKeys: String, CodingKey {
        case productId = "product_id", maxAmount = "max_amount", quantity, unitPrice = "unit_price", description
        case customFields = "custom_fields", netsuiteSalesOrderId = "netsuite_sales_order_id"
    }

    /// The term this describes, checked; `field` names it in messages.
    func terms(field: String) throws -> ProfessionalServiceTerms {
        guard maxAmount >= 0 else { throw APIError.badRequest("'\(field).max_amount' must be >= 0") }
        guard quantity >= 0 else { throw APIError.badRequest("'\(field).quantity' must be >= 0") }
        guard unitPrice >= 0 else { throw APIError.badRequest("'\(field).unit_price' must be >= 0") }
        return ProfessionalServiceTerms(
            id: UUID().uuidString.lowercased(), productId: try Validate.id(productId, field: "\(field).product_id"),
            maxAmount: maxAmount, quantity: quantity, unitPrice: unitPrice, description: description,
            customFields: customFields ?? [:], netsuiteSalesOrderId: netsuiteSalesOrderId
        )
    }
}

/// Metronome's `ProService`: a contract's professional services term.
struct ProServiceWire: Encodable {
    var id: String
    var maxAmount: Decimal
    var productId: String
    var quantity: Decimal
    var unitPrice: Decimal
    var customFields: [String: String]
    var description: String?
    var netsuiteSalesOrderId: String?

    enum CodingKeys: String, CodingKey {
        case id, maxAmount = "max_amount", productId = "product_id", quantity, unitPrice = "unit_price"
        case customFields = "custom_fields", description, netsuiteSalesOrderId = "netsuite_sales_order_id"
    }

    /// The wire form of `terms`.
    init(_ terms: ProfessionalServiceTerms) {
        id = terms.id
        maxAmount = terms.maxAmount
        productId = terms.productId
        quantity = terms.quantity
        unitPrice = terms.unitPrice
        customFields = terms.customFields
        description = terms.description
        netsuiteSalesOrderId = terms.netsuiteSalesOrderId
    }
}

/// The body of `contracts/scheduleProServicesInvoice`.
struct ScheduleProServicesInvoiceRequest: Decodable {
    var customerId: String
    var contractId: String
    var issuedAt: Timestamp
    var lineItems: [LineItem]
    var netsuiteInvoiceHeaderStart: JSONValue?
    var netsuiteInvoiceHeaderEnd: JSONValue?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", issuedAt = "issued_at", lineItems = "line_items"
        case netsuiteInvoiceHeaderStart = "netsuite_invoice_header_start", netsuiteInvoiceHeaderEnd = "netsuite_invoice_header_end"
    }

    /// A line: an amount, or a quantity (at the term's unit price, or `unit_price`).
    struct LineItem: Decodable {
        var professionalServiceId: String
        var amendmentId: String?
        var amount: Decimal?
        var quantity: Decimal?
        var unitPrice: Decimal?
        var metadata: String?
        var netsuiteInvoiceBillingStart: Timestamp?
        var netsuiteInvoiceBillingEnd: Timestamp?

        enum CodingKeys: String, CodingKey {
            case professionalServiceId = "professional_service_id", amendmentId = "amendment_id", amount, quantity
            case unitPrice = "unit_price", metadata, netsuiteInvoiceBillingStart = "netsuite_invoice_billing_start"
            case netsuiteInvoiceBillingEnd = "netsuite_invoice_billing_end"
        }

        /// The charge this asks for, checked; `field` names it in messages.
        func charge(field: String) throws -> ProfessionalServiceCharge {
            if let start = netsuiteInvoiceBillingStart, let end = netsuiteInvoiceBillingEnd, end <= start {
                throw APIError.badRequest("'\(field).netsuite_invoice_billing_end' must be after its netsuite_invoice_billing_start")
            }
            if amount != nil, quantity != nil || unitPrice != nil {
                throw APIError.badRequest("'\(field)': give 'amount', or 'quantity' (with 'unit_price' or not), not both")
            }
            guard amount != nil || quantity != nil else {
                throw APIError.badRequest("'\(field)' requires 'amount' or 'quantity'")
            }
            for (name, value) in [("amount", amount), ("quantity", quantity), ("unit_price", unitPrice)] {
                if let value, value < 0 { throw APIError.badRequest("'\(field).\(name)' must be >= 0") }
            }
            return ProfessionalServiceCharge(
                professionalServiceId: try Validate.id(professionalServiceId, field: "\(field).professional_service_id"),
                amount: amount, quantity: quantity, unitPrice: unitPrice, metadata: metadata,
                amendmentId: try amendmentId.map { try Validate.id($0, field: "\(field).amendment_id") },
                netsuiteInvoiceBillingStart: netsuiteInvoiceBillingStart, netsuiteInvoiceBillingEnd: netsuiteInvoiceBillingEnd
            )
        }
    }
}

extension ContractsEndpoints {
    /// Schedules an invoice of a contract's professional services, issued at `issued_at`.
    @Sendable func scheduleProServicesInvoice(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ScheduleProServicesInvoiceRequest.self, context: context)
        if body.netsuiteInvoiceHeaderStart != nil { throw APIError.unsupportedField("netsuite_invoice_header_start") }
        if body.netsuiteInvoiceHeaderEnd != nil { throw APIError.unsupportedField("netsuite_invoice_header_end") }
        guard !body.lineItems.isEmpty else { throw APIError.badRequest("'line_items' must hold at least one line") }
        let new = NewProfessionalServicesInvoice(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            contractId: try Validate.id(body.contractId, field: "contract_id"), issuedAt: body.issuedAt,
            charges: try body.lineItems.enumerated().map { index, line in try line.charge(field: "line_items[\(index)]") }
        )
        let document = try await database.scheduleProfessionalServicesInvoice(new, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: [InvoiceWire(document)]))
    }
}
