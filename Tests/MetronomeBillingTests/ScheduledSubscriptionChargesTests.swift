import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct ScheduledSubscriptionChargesTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text + "T00:00:00Z")! }
    private let fiat = InvoiceCreditType(id: "usd", name: "USD (cents)")

    /// A monthly subscription from April 1, 2026, with `changes` to its quantity (2 at first).
    private func subscription(_ schedule: String, _ changes: [(String, Decimal)] = []) -> SubscriptionTerms {
        var terms = SubscriptionTerms(
            id: "s", productId: "seat", billingFrequency: .monthly, collectionSchedule: schedule, isProrated: true,
            invoiceBehavior: "BILL_IMMEDIATELY", quantityManagementMode: "QUANTITY_ONLY", initialQuantity: 2,
            startingAt: at("2026-04-01"), customFields: [:], createdAt: at("2026-04-01")
        )
        terms.invoicePlacement = .onScheduledInvoice
        terms.quantityChanges = changes.map { SubscriptionQuantityChange(startingAt: at($0.0), quantity: $0.1) }
        return terms
    }

    @Test func inAdvanceEachPeriodStartAndEachNewHighIsACharge() {
        let terms = subscription("ADVANCE", [("2026-04-11", 5), ("2026-04-20", 3), ("2026-04-25", 6), ("2026-05-10", 7)])
        let charges = ScheduledSubscriptionCharges.charges(of: terms, anchor: at("2026-04-01"), through: at("2026-05-31"))
        // April: 2 at the start, 3 more on the 11th, 1 more on the 25th (6 is one above the 5 paid
        // for); May: 6 at the start, 1 more on the 10th.
        #expect(charges.map(\.moment) == ["2026-04-01", "2026-04-11", "2026-04-25", "2026-05-01", "2026-05-10"].map(at))
        #expect(charges.map { $0.segments.map(\.quantity) } == [[2], [3], [1], [6], [1]])
        let lines = ScheduledSubscriptionCharges.lines(of: charges[1], subscription: terms, price: 3000, name: "Seat", fiat: fiat)
        // 3 seats for the 20 of April's 30 days left.
        #expect(lines.map(\.total) == [(Decimal(3 * 3000 * 20) / 30).rounded(toPlaces: 10)])
        #expect(ScheduledSubscriptionCharges.charges(of: terms, anchor: at("2026-04-01"), through: at("2026-04-10")).count == 1)
        #expect(ScheduledSubscriptionCharges.nextMoment(of: terms, anchor: at("2026-04-01"), after: at("2026-04-11")) == at("2026-04-25"))
    }

    @Test func inArrearsEachPeriodIsOneChargeAtItsEndWithEveryQuantity() {
        let terms = subscription("ARREARS", [("2026-04-16", 4)])
        let charges = ScheduledSubscriptionCharges.charges(of: terms, anchor: at("2026-04-01"), through: at("2026-05-01"))
        #expect(charges.map(\.moment) == [at("2026-05-01")])
        let lines = ScheduledSubscriptionCharges.lines(of: charges[0], subscription: terms, price: 3000, name: "Seat", fiat: fiat)
        #expect(lines.map(\.total) == [Decimal(2 * 3000 * 15) / 30, Decimal(4 * 3000 * 15) / 30])
    }
}
