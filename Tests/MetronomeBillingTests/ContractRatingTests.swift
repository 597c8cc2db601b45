import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct ContractRatingTests {
    private let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")
    private let period = BillingPeriod(
        index: 0, start: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!, end: Timestamp(rfc3339: "2026-02-01T00:00:00Z")!
    )

    private func product(_ name: String, metric: String? = "m", pricing: [String]? = nil) -> ProductState {
        ProductState(name: name, billableMetricId: metric, pricingGroupKey: pricing, createdAt: period.start, createdBy: "api")
    }

    @Test func tieredRatesBillOneLinePerTierAndPricingGroupsPickTheirRate() {
        let metric = RatedMetric(id: "m", definition: BillableMetricDefinition(
            aggregationType: .count, aggregationKey: nil, eventTypeFilter: nil, propertyFilters: [], groupKeys: [["region"]], sql: nil
        ))
        let bucket = { (count: Int64) in var b = UsageBucket(); b.eventCount = count; return b }
        let usage = MetricUsage(metric: metric, buckets: [(["region": "eu"], bucket(15)), (["region": "us"], bucket(4))], uniqueValues: [])
        let tiered = Rate(
            productId: "p", entitled: true, rateType: .tiered, startingAt: period.start,
            tiers: [Tier(price: 3, size: 10), Tier(price: 1, size: nil)]
        )
        var usRate = Rate(productId: "p", entitled: true, rateType: .flat, startingAt: period.start, price: 7)
        usRate.pricingGroupValues = ["region": "us"]
        let rates = [
            ContractRate(rate: tiered, productType: .usage, product: product("Calls", pricing: ["region"])),
            ContractRate(rate: usRate, productType: .usage, product: product("Calls", pricing: ["region"])),
        ]
        let lines = ContractRating.usageLines(period: period, rates: rates, usage: ["m": usage], fiat: usd, creditTypeNames: [:])
        #expect(lines.map(\.total) == [30, 5, 28])
        #expect(lines.map { $0.tier?.level } == [1, 2, nil])
        #expect(lines.map { $0.pricingGroupValues?["region"] } == ["eu", "eu", "us"])
    }

    @Test func quantitiesAreConvertedThenRounded() {
        var state = product("GB")
        state.quantityConversion = QuantityConversion(conversionFactor: 1024, operation: .divide)
        state.quantityRounding = QuantityRounding(decimalPlaces: 1, roundingMethod: .roundUp)
        #expect(ContractRating.convert(2100, state) == Decimal(string: "2.1"))
    }
}
