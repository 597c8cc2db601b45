import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct SubscriptionQuantitiesTests {
    private let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")

    /// Midnight UTC on the given day of April 2026 (a 30-day month).
    private func april(_ day: Int) -> Timestamp { Timestamp(rfc3339: String(format: "2026-04-%02dT00:00:00Z", day))! }
    private var may: Timestamp { Timestamp(rfc3339: "2026-05-01T00:00:00Z")! }

    private func seats(_ quantity: Decimal = 3, prorated: Bool = true) -> SubscriptionTerms {
        SubscriptionTerms(
            id: "s", productId: "p", billingFrequency: .monthly, collectionSchedule: "ADVANCE", isProrated: prorated,
            invoiceBehavior: "BILL_IMMEDIATELY", quantityManagementMode: "QUANTITY_ONLY", initialQuantity: quantity,
            startingAt: april(1), endingBefore: Timestamp(rfc3339: "2027-01-01T00:00:00Z")!, customFields: [:], createdAt: april(1)
        )
    }

    private func lines(_ subscription: SubscriptionTerms) -> [InvoiceLineItem] {
        ContractRating.subscriptionPeriodLines(
            subscription, whole: BillingPeriod(index: 0, start: april(1), end: may), start: april(1), end: may, price: 2000,
            name: "Seats", fiat: usd
        )
    }

    @Test func aRaiseMidPeriodSplitsTheChargeIntoOneProratedLinePerQuantity() throws {
        let raised = try SubscriptionUpdate(id: "s", quantityUpdates: [.init(startingAt: april(11), quantity: 5)])
            .applied(to: seats(), contractEnd: nil, field: "u")
        let split = lines(raised)
        #expect(split.map(\.quantity) == [3, 5])
        #expect(split.map(\.startingAt) == [april(1), april(11)])
        #expect(split.map(\.endingBefore) == [april(11), may])
        // 3 seats × 2000 × 10/30 days, then 5 × 2000 × 20/30.
        #expect(split[0].total == 2000)
        #expect(abs(split[1].total - Decimal(5 * 2000 * 20) / 30) < Decimal(string: "0.000001")!)
        #expect(lines(seats()).map(\.total) == [6000])
    }

    @Test func changesApplyInTimeOrderAndAtOneMomentInTheOrderMade() throws {
        var subscription = seats()
        subscription.quantityChanges = [
            .init(startingAt: april(21), quantity: 12), .init(startingAt: april(11), quantityDelta: 2),
            .init(startingAt: april(21), quantityDelta: -1),
        ]
        #expect(subscription.quantitySegments.map(\.quantity) == [3, 5, 11])
        #expect(subscription.quantitySegments.map(\.startingAt) == [april(1), april(11), april(21)])
        #expect(subscription.quantitySegments.last?.endingBefore == subscription.endingBefore)
        // A change to the quantity already in force adds no segment.
        subscription.quantityChanges.append(.init(startingAt: april(25), quantity: 11))
        #expect(subscription.quantitySegments.count == 3)
        #expect(subscription.quantitySegments(from: april(15), to: may).map(\.quantity) == [5, 11])
    }

    @Test func updatesThatBreakTheRulesAreRefused() {
        let negative = SubscriptionUpdate(id: "s", quantityUpdates: [.init(startingAt: april(11), quantityDelta: -4)])
        #expect(throws: PricingRuleViolation.self) { try negative.applied(to: seats(), contractEnd: nil, field: "u") }
        let early = SubscriptionUpdate(id: "s", quantityUpdates: [.init(startingAt: Timestamp(rfc3339: "2026-03-01T00:00:00Z")!, quantity: 1)])
        #expect(throws: PricingRuleViolation.self) { try early.applied(to: seats(), contractEnd: nil, field: "u") }
        let unprorated = SubscriptionUpdate(id: "s", quantityUpdates: [.init(startingAt: april(11), quantity: 1)])
        #expect(throws: PricingRuleViolation.self) { try unprorated.applied(to: seats(prorated: false), contractEnd: nil, field: "u") }
        let late = SubscriptionUpdate(id: "s", endingBefore: NewValue(Timestamp(rfc3339: "2027-02-01T00:00:00Z")!))
        #expect(throws: PricingRuleViolation.self) {
            try late.applied(to: seats(), contractEnd: Timestamp(rfc3339: "2027-01-01T00:00:00Z")!, field: "u")
        }
    }

    @Test func anEarlierEndCutsTheLastSegment() throws {
        let ended = try SubscriptionUpdate(id: "s", endingBefore: NewValue(april(16))).applied(to: seats(), contractEnd: nil, field: "u")
        #expect(ended.quantitySegments.map(\.endingBefore) == [april(16)])
        let cut = ContractRating.subscriptionPeriodLines(
            ended, whole: BillingPeriod(index: 0, start: april(1), end: may), start: april(1), end: april(16), price: 2000,
            name: "Seats", fiat: usd
        )
        #expect(cut.map(\.total) == [3000])
    }
}
