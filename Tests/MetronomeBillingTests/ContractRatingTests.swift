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

    // MARK: - Rating over time

    private func at(_ day: Int) -> Timestamp { Timestamp(rfc3339: String(format: "2026-01-%02dT00:00:00Z", day))! }

    @Test func aTieredOverrideOnAFlatRateMultipliesEachRangeOfUnits() {
        let rate = Rate(productId: "p", entitled: true, rateType: .flat, startingAt: period.start, price: 100)
        let tiered = ContractRules.multiplied(rate, by: [OverrideTier(multiplier: 0.5, size: 5), OverrideTier(multiplier: 1)])
        #expect(tiered.rateType == .tiered)
        #expect(tiered.tiers == [Tier(price: 50, size: 5), Tier(price: 100, size: nil)])
    }

    @Test func aTieredOverrideOnATieredRateCutsWhereEitherChanges() {
        let rate = Rate(
            productId: "p", entitled: true, rateType: .tiered, startingAt: period.start,
            tiers: [Tier(price: 10, size: 4), Tier(price: 6, size: nil)]
        )
        let tiered = ContractRules.multiplied(rate, by: [OverrideTier(multiplier: 0.5, size: 6), OverrideTier(multiplier: 1)])
        // Units 0..<4 at 10 × 0.5, 4..<6 at 6 × 0.5, then 6 at full price.
        #expect(tiered.tiers == [Tier(price: 5, size: 4), Tier(price: 3, size: 2), Tier(price: 6, size: nil)])
    }

    @Test func explicitPrioritizationTakesTheLowestPriorityNotTheLowestMultiplier() {
        let rate = Rate(productId: "p", entitled: true, rateType: .flat, startingAt: period.start, price: 100)
        let overrides = [
            OverrideTerms(id: "a", type: .multiplier, startingAt: period.start, productId: "p", multiplier: 0.9, priority: 1, createdAt: period.start),
            OverrideTerms(id: "b", type: .multiplier, startingAt: period.start, productId: "p", multiplier: 0.5, priority: 2, createdAt: period.start),
        ]
        let lowest = ContractRules.applyOverrides(overrides, to: rate, productTags: [], at: at(3))
        let explicit = ContractRules.applyOverrides(overrides, to: rate, productTags: [], at: at(3), prioritization: .explicit)
        #expect(lowest.overrideRate?.price == 50)
        #expect(explicit.overrideRate?.price == 90)
    }

    @Test func tieredOverridesNeedExplicitPrioritizationAndExplicitNeedsPriorities() {
        let tiered = OverrideTerms(
            id: "t", type: .tiered, startingAt: period.start, tiers: [OverrideTier(multiplier: 1)], priority: 1, createdAt: period.start
        )
        var unprioritized = tiered
        unprioritized.priority = nil
        #expect(ContractRules.prioritizationViolation([tiered], .lowestMultiplier, field: "overrides") != nil)
        #expect(ContractRules.prioritizationViolation([tiered], .explicit, field: "overrides") == nil)
        #expect(ContractRules.prioritizationViolation([unprioritized], .explicit, field: "overrides")?.contains("priority") == true)
    }

    @Test func priceChangesAreTheMomentsStrictlyInsideThePeriod() {
        let rates = [
            Rate(productId: "p", entitled: true, rateType: .flat, startingAt: at(1), endingBefore: at(10), price: 1),
            Rate(productId: "p", entitled: true, rateType: .flat, startingAt: at(10), price: 2),
        ]
        let override = OverrideTerms(id: "o", type: .multiplier, startingAt: at(1), endingBefore: at(8), multiplier: 0.5, createdAt: at(1))
        let filter = UsageFilterTerms(groupKey: "k", groupValues: ["v"], startingAt: at(20))
        #expect(ContractRating.priceChanges(in: period, rates: rates, overrides: [override], usageFilters: [filter]) == [at(8), at(10), at(20)])
    }

    @Test func windowsJoinThePartsWhereAProductsRatesStayTheSame() {
        let parts = [BillingPeriod(index: 0, start: at(1), end: at(10)), BillingPeriod(index: 0, start: at(10), end: period.end)]
        let cheap = Rate(productId: "a", entitled: true, rateType: .flat, startingAt: at(1), price: 1)
        var dear = cheap
        dear.price = 2
        let steady = Rate(productId: "b", entitled: true, rateType: .flat, startingAt: at(1), price: 3)
        let rated = { (rate: Rate) in ContractRate(rate: rate, productType: .usage, product: self.product("P")) }
        let windows = ContractRating.ratingWindows(
            parts: parts, ratesByPart: [[rated(cheap), rated(steady)], [rated(dear), rated(steady)]], filterByPart: [nil, nil]
        )
        #expect(windows.map { [$0.window.start, $0.window.end] } == [[at(1), at(10)], [at(1), period.end], [at(10), period.end]])
        #expect(windows.map(\.productIds) == [["a"], ["b"], ["a"]])
    }

    @Test func subscriptionBillingPeriodsAroundNow() {
        let subscription = SubscriptionTerms(
            id: "s", productId: "p", billingFrequency: .monthly, collectionSchedule: "ADVANCE", isProrated: true,
            invoiceBehavior: "BILL_IMMEDIATELY", quantityManagementMode: "QUANTITY_ONLY", initialQuantity: 1, startingAt: at(1),
            endingBefore: Timestamp(rfc3339: "2026-03-15T00:00:00Z")!, customFields: [:], createdAt: at(1)
        )
        let feb = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!, mar = Timestamp(rfc3339: "2026-03-01T00:00:00Z")!
        let during = ContractRating.billingPeriods(of: subscription, anchor: at(1), at: Timestamp(rfc3339: "2026-02-10T00:00:00Z")!)
        #expect(during.previous?.start == at(1) && during.current?.start == feb && during.next?.start == mar)
        #expect(during.next?.end == subscription.endingBefore)
        let before = ContractRating.billingPeriods(of: subscription, anchor: at(1), at: Timestamp(rfc3339: "2025-12-10T00:00:00Z")!)
        #expect(before.previous == nil && before.current == nil && before.next?.end == feb)
        let after = ContractRating.billingPeriods(of: subscription, anchor: at(1), at: Timestamp(rfc3339: "2026-04-10T00:00:00Z")!)
        #expect(after.previous?.start == mar && after.current == nil && after.next == nil)
    }
}
