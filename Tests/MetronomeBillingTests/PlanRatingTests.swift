import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct PlanRatingTests {
    private let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")
    private let period = BillingPeriod(
        index: 0, start: Timestamp(millisecondsSinceEpoch: 0), end: Timestamp(millisecondsSinceEpoch: 31 * Timestamp.millisecondsPerDay)
    )

    private func charge(_ id: String, _ type: PlanChargeType, product: String, prices: [(Decimal, Decimal)], metric: String? = nil, startPeriod: Decimal? = nil) -> PlanCharge {
        PlanCharge(
            id: id, name: "Charge on \(product)", chargeType: type, productId: product, productName: "Product \(product)",
            billableMetricId: metric, creditTypeId: nil,
            prices: prices.map { PlanChargePrice(tier: $0.0, value: $0.1) }, quantity: type == .fixed ? 2 : nil,
            startPeriod: startPeriod
        )
    }

    @Test func usageAndFixedChargesWithAdjustments() {
        let plan = PlanDefinition(id: "p", name: "Plan", charges: [
            charge("u", .usage, product: "a", prices: [(0, 3), (10, 1)], metric: "m"),
            charge("f", .fixed, product: "b", prices: [(0, 100)]),
        ])
        let adjustments = [
            PriceAdjustment(adjustmentType: .override, chargeId: "f", startPeriod: 0, value: 80),
            PriceAdjustment(adjustmentType: .quantity, chargeId: "f", startPeriod: 0, quantity: 3),
        ]
        let content = PlanRating.rate(
            plan: plan, adjustments: adjustments, period: period, usage: ["m": 25], addedCharges: [], creditType: usd,
            creditTypeNames: [:]
        )
        #expect(content.lineItems.map(\.total) == [45, 240])
        #expect(content.lineItems[0].subLineItems?.first?.tiers?.map(\.subtotal) == [30, 15])
        #expect(content.total == 285)
    }

    @Test func rampsPickTheLatestStartReached() {
        let plan = PlanDefinition(id: "p", name: "Plan", charges: [
            charge("a", .fixed, product: "x", prices: [(0, 10)]),
            charge("b", .fixed, product: "x", prices: [(0, 20)], startPeriod: 2),
        ])
        #expect(PlanRating.charges(of: plan, inPeriod: 1).map(\.id) == ["a"])
        #expect(PlanRating.charges(of: plan, inPeriod: 2).map(\.id) == ["b"])
    }
}
