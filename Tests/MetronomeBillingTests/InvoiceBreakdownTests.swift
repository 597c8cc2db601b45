import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct InvoiceBreakdownTests {
    private func invoice(total: Decimal, quantity: Decimal) -> InvoiceDocument {
        let usd = InvoiceCreditType(id: "usd", name: "USD")
        return InvoiceDocument(
            id: "i", customerId: "c", creditType: usd,
            lineItems: [InvoiceLineItem(name: "Calls", total: total, creditType: usd, type: "usage", productId: "p", quantity: quantity)],
            status: "DRAFT", total: total, type: "USAGE"
        )
    }

    @Test func aWindowIsWhatItAddsToTheRunningInvoice() {
        let share = InvoiceBreakdown.difference(invoice(total: 70, quantity: 40), minus: invoice(total: 50, quantity: 25))
        #expect(share.total == 20)
        #expect(share.lineItems.first?.quantity == 15)
        #expect(InvoiceBreakdown.difference(invoice(total: 5, quantity: 1), minus: nil).total == 5)
    }
}
