import Foundation
import MetronomeCodecs

/// A professional services term of a contract: up to `maxAmount` of a PRO_SERVICE product,
/// invoiced with `contracts/scheduleProServicesInvoice`.
package struct ProfessionalServiceTerms: Sendable, Equatable, Codable {
    package var id: String
    package var productId: String
    package var maxAmount: Decimal
    package var quantity: Decimal
    package var unitPrice: Decimal
    package var description: String?
    package var customFields: [String: String]
    package var netsuiteSalesOrderId: String?

    package enum CodingKeys: String, CodingKey {
        case id, productId = "product_id", maxAmount = "max_amount", quantity, unitPrice = "unit_price", description
        case customFields = "custom_fields", netsuiteSalesOrderId = "netsuite_sales_order_id"
    }

    /// A value with each stored property given.
    package init(
        id: String, productId: String, maxAmount: Decimal, quantity: Decimal, unitPrice: Decimal, description: String?,
        customFields: [String: String], netsuiteSalesOrderId: String? = nil
    ) {
        self.netsuiteSalesOrderId = netsuiteSalesOrderId
        self.id = id
        self.productId = productId
        self.maxAmount = maxAmount
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.description = description
        self.customFields = customFields
    }
}

/// One line of a professional services invoice as asked for: an `amount`, or a `quantity` at the
/// term's unit price (or `unitPrice`, which overrides it).
package struct ProfessionalServiceCharge: Sendable, Equatable {
    package var professionalServiceId: String
    package var amount: Decimal?
    package var quantity: Decimal?
    package var unitPrice: Decimal?
    package var metadata: String?
    /// The amendment that added the service, which such a service's lines must name.
    package var amendmentId: String?
    /// The billing period the line gives for NetSuite, shown on it.
    package var netsuiteInvoiceBillingStart: Timestamp?
    package var netsuiteInvoiceBillingEnd: Timestamp?

    /// A value with each stored property given.
    package init(
        professionalServiceId: String, amount: Decimal?, quantity: Decimal?, unitPrice: Decimal?, metadata: String?,
        amendmentId: String? = nil, netsuiteInvoiceBillingStart: Timestamp? = nil, netsuiteInvoiceBillingEnd: Timestamp? = nil
    ) {
        self.amendmentId = amendmentId
        self.netsuiteInvoiceBillingStart = netsuiteInvoiceBillingStart
        self.netsuiteInvoiceBillingEnd = netsuiteInvoiceBillingEnd
        self.professionalServiceId = professionalServiceId
        self.amount = amount
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.metadata = metadata
    }

    /// The quantity, unit price and total this line bills for `term`: an amount is one unit of it.
    package func priced(by term: ProfessionalServiceTerms) -> (quantity: Decimal, unitPrice: Decimal, total: Decimal) {
        if let amount { return (1, amount, amount) }
        let quantity = quantity ?? 1
        let price = unitPrice ?? term.unitPrice
        return (quantity, price, quantity * price)
    }
}
