import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The body of `contracts/createHistoricalInvoices`.
struct CreateHistoricalInvoicesRequest: Decodable {
    var invoices: [HistoricalInvoiceBody]
    var preview: Bool
}

/// One invoice of `createHistoricalInvoices`.
struct HistoricalInvoiceBody: Decodable {
    var contractId: String
    var creditTypeId: String
    var customerId: String
    var inclusiveStartDate: Timestamp
    var exclusiveEndDate: Timestamp
    var issueDate: Timestamp
    var usageLineItems: [UsageLineItem]
    var billableStatus: String?
    var breakdownGranularity: String?
    var customFields: [String: String]?

    enum CodingKeys: String, CodingKey {
        case contractId = "contract_id", creditTypeId = "credit_type_id", customerId = "customer_id"
        case inclusiveStartDate = "inclusive_start_date", exclusiveEndDate = "exclusive_end_date", issueDate = "issue_date"
        case usageLineItems = "usage_line_items", billableStatus = "billable_status"
        case breakdownGranularity = "breakdown_granularity", customFields = "custom_fields"
    }

    /// A usage line: a quantity of a product over a window within the invoice's.
    struct UsageLineItem: Decodable {
        var productId: String
        var inclusiveStartDate: Timestamp
        var exclusiveEndDate: Timestamp
        var quantity: Decimal?
        var pricingGroupValues: [String: String]?
        var presentationGroupValues: [String: String]?
        var subtotalsWithQuantity: [JSONValue]?

        enum CodingKeys: String, CodingKey {
            case productId = "product_id", inclusiveStartDate = "inclusive_start_date", exclusiveEndDate = "exclusive_end_date"
            case quantity, pricingGroupValues = "pricing_group_values", presentationGroupValues = "presentation_group_values"
            case subtotalsWithQuantity = "subtotals_with_quantity"
        }
    }

    /// The invoice to make, checked field by field; `field` names it in messages.
    func invoice(field: String) throws -> NewHistoricalInvoice {
        if let status = billableStatus, !["billable", "unbillable"].contains(status) {
            throw APIError.badRequest("'\(field).billable_status' must be one of: billable, unbillable")
        }
        if breakdownGranularity != nil { throw APIError.unsupportedField("\(field).breakdown_granularity") }
        guard inclusiveStartDate < exclusiveEndDate else {
            throw APIError.badRequest("'\(field).exclusive_end_date' must be after its inclusive_start_date")
        }
        if let customFields {
            for (key, value) in customFields where value.count > 200 {
                throw APIError.badRequest("'\(field).custom_fields.\(key)' must be at most 200 characters")
            }
        }
        return NewHistoricalInvoice(
            customerId: try Validate.id(customerId, field: "\(field).customer_id"),
            contractId: try Validate.id(contractId, field: "\(field).contract_id"),
            creditTypeId: try Validate.id(creditTypeId, field: "\(field).credit_type_id"),
            startingAt: inclusiveStartDate, endingBefore: exclusiveEndDate, issuedAt: issueDate,
            usageLines: try usageLineItems.enumerated().map { index, line in
                let lineField = "\(field).usage_line_items[\(index)]"
                if let subtotals = line.subtotalsWithQuantity, !subtotals.isEmpty {
                    throw APIError.unsupportedField("\(lineField).subtotals_with_quantity")
                }
                guard let quantity = line.quantity else { throw APIError.badRequest("'\(lineField).quantity' is required") }
                guard line.inclusiveStartDate < line.exclusiveEndDate else {
                    throw APIError.badRequest("'\(lineField).exclusive_end_date' must be after its inclusive_start_date")
                }
                guard inclusiveStartDate <= line.inclusiveStartDate, line.exclusiveEndDate <= exclusiveEndDate else {
                    throw APIError.badRequest("'\(lineField)' must lie within the invoice's dates")
                }
                return HistoricalUsageLine(
                    productId: try Validate.id(line.productId, field: "\(lineField).product_id"),
                    startingAt: line.inclusiveStartDate, endingBefore: line.exclusiveEndDate, quantity: quantity,
                    pricingGroupValues: line.pricingGroupValues ?? [:], presentationGroupValues: line.presentationGroupValues ?? [:]
                )
            },
            customFields: customFields ?? [:], billableStatus: billableStatus
        )
    }
}

extension ContractsEndpoints {
    /// Makes finalized usage invoices for past periods of contracts, priced at each contract's
    /// rates; with `preview`, answers them and keeps nothing.
    @Sendable func createHistoricalInvoices(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateHistoricalInvoicesRequest.self, context: context)
        guard !body.invoices.isEmpty else { throw APIError.badRequest("'invoices' must hold at least one invoice") }
        let invoices = try body.invoices.enumerated().map { index, invoice in try invoice.invoice(field: "invoices[\(index)]") }
        let documents = try await database.createHistoricalInvoices(invoices, preview: body.preview, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: documents.map(InvoiceWire.init)))
    }
}
