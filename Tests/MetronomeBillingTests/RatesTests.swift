import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct RatesTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    private func flat(_ price: Decimal, _ start: String, _ end: String? = nil, product: String = "p", group: [String: String]? = nil) -> Rate {
        Rate(
            productId: product, entitled: true, rateType: .flat, startingAt: at(start), endingBefore: end.map(at),
            price: price, pricingGroupValues: group
        )
    }

    // MARK: - Overlay

    @Test func aLaterOpenRateSplitsTheOlderAtItsStart() {
        let rates = RateSchedule.overlay([flat(1, "2026-01-01")], with: flat(2, "2026-03-01"))
        #expect(rates == [flat(1, "2026-01-01", "2026-03-01"), flat(2, "2026-03-01")])
    }

    @Test func aBoundedRateInsideAnOlderOneSplitsItInTwo() {
        let rates = RateSchedule.overlay([flat(1, "2026-01-01")], with: flat(2, "2026-03-01", "2026-04-01"))
        #expect(rates == [flat(1, "2026-01-01", "2026-03-01"), flat(1, "2026-04-01"), flat(2, "2026-03-01", "2026-04-01")])
    }

    @Test func aRateCoveringAnOlderOneReplacesIt() {
        let rates = RateSchedule.overlay([flat(1, "2026-02-01", "2026-03-01")], with: flat(2, "2026-01-01"))
        #expect(rates == [flat(2, "2026-01-01")])
    }

    @Test func otherSlotsAreUntouched() {
        let other = [flat(1, "2026-01-01", product: "q"), flat(1, "2026-01-01", group: ["region": "eu"])]
        let rates = RateSchedule.overlay(other, with: flat(2, "2026-01-01", group: ["region": "us"]))
        #expect(rates == other + [flat(2, "2026-01-01", group: ["region": "us"])])
    }

    @Test func coversAndOverlapsAreHalfOpen() {
        let rate = flat(1, "2026-01-01", "2026-02-01")
        #expect(rate.covers(at("2026-01-01")))
        #expect(!rate.covers(at("2026-02-01")))
        #expect(rate.overlaps(startingAt: at("2026-01-31"), endingBefore: nil))
        #expect(!rate.overlaps(startingAt: at("2026-02-01"), endingBefore: nil))
        #expect(!rate.overlaps(startingAt: at("2025-01-01"), endingBefore: at("2026-01-01")))
    }

    // MARK: - Selectors

    @Test func selectorsMatchEveryFieldTheySetAndAnySelectorWins() {
        let rate = flat(1, "2026-01-01", group: ["region": "eu", "tier": "gold"])
        #expect(RateSelector.matchAny([], rate, productTags: []))
        #expect(RateSelector(productId: "p").matches(rate, productTags: []))
        #expect(!RateSelector(productId: "q").matches(rate, productTags: []))
        #expect(RateSelector(productTags: ["a", "b"]).matches(rate, productTags: ["b"]))
        #expect(!RateSelector(productTags: ["a"]).matches(rate, productTags: ["b"]))
        #expect(!RateSelector(pricingGroupValues: ["region": "eu"]).matches(rate, productTags: []))
        #expect(RateSelector(pricingGroupValues: ["region": "eu", "tier": "gold"]).matches(rate, productTags: []))
        #expect(RateSelector(partialPricingGroupValues: ["region": "eu"]).matches(rate, productTags: []))
        #expect(!RateSelector(productId: "p", billingFrequency: .monthly).matches(rate, productTags: []))
        #expect(RateSelector.matchAny([RateSelector(productId: "q"), RateSelector(productId: "p")], rate, productTags: []))
    }

    // MARK: - Rules

    private let usage = RatedProduct(type: .usage, pricingGroupKey: nil)

    @Test func tiersArePositiveAndOnlyTheLastMayOmitItsSize() {
        let good = [Tier(price: 2, size: 100), Tier(price: 1)]
        #expect(throws: Never.self) { try RateRules.checkTiers(good, field: "tiers", fractions: false) }
        for bad in [[], [Tier(price: 2), Tier(price: 1)], [Tier(price: 2, size: 0), Tier(price: 1)], [Tier(price: -1)]] {
            #expect(throws: PricingRuleViolation.self) { try RateRules.checkTiers(bad, field: "tiers", fractions: false) }
        }
        #expect(throws: PricingRuleViolation.self) { try RateRules.checkTiers([Tier(price: 2)], field: "tiers", fractions: true) }
    }

    @Test func flatNeedsAPriceAndTieredNeedsTiers() {
        var rate = flat(1, "2026-01-01")
        #expect(throws: Never.self) { try RateRules.check(rate, product: usage) }
        rate.price = nil
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(rate, product: usage) }
        rate.rateType = .tiered
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(rate, product: usage) }
        rate.tiers = [Tier(price: 1)]
        #expect(throws: Never.self) { try RateRules.check(rate, product: usage) }
        rate.price = 3
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(rate, product: usage) }
    }

    @Test func percentageIsAFractionForCompositeProducts() {
        let composite = RatedProduct(type: .composite, pricingGroupKey: nil)
        var rate = flat(Decimal(string: "0.1")!, "2026-01-01")
        rate.rateType = .percentage
        #expect(throws: Never.self) { try RateRules.check(rate, product: composite) }
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(rate, product: usage) }
        rate.price = 10
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(rate, product: composite) }
    }

    @Test func subscriptionRatesAreProratedWithAFrequency() {
        let subscription = RatedProduct(type: .subscription, pricingGroupKey: nil)
        var rate = flat(100, "2026-01-01")
        rate.rateType = .subscription
        rate.billingFrequency = .monthly
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(rate, product: subscription) }
        rate.isProrated = true
        #expect(throws: Never.self) { try RateRules.check(rate, product: subscription) }
        rate.billingFrequency = nil
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(rate, product: subscription) }
        rate.billingFrequency = .annual
        rate.quantity = -1
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(rate, product: subscription) }
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(rate, product: usage) }
    }

    @Test func pricingGroupValuesMustSetTheProductsKey() {
        let grouped = RatedProduct(type: .usage, pricingGroupKey: ["region"])
        #expect(throws: Never.self) { try RateRules.check(flat(1, "2026-01-01", group: ["region": "eu"]), product: grouped) }
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(flat(1, "2026-01-01", group: ["zone": "a"]), product: grouped) }
        #expect(throws: PricingRuleViolation.self) { try RateRules.check(flat(1, "2026-01-01", group: ["region": "eu"]), product: usage) }
    }

    @Test func orderKeysRoundTripThroughCursors() {
        let key = RateOrderKey(rate: flat(1, "2026-01-01", group: ["a": "b"]), productPosition: 2, seq: 7)
        #expect(RateOrderKey(cursorKey: key.cursorKey) == key)
        #expect(RateOrderKey(cursorKey: ["x"]) == nil)
        let later = RateOrderKey(rate: flat(1, "2026-02-01", group: ["a": "b"]), productPosition: 2, seq: 1)
        #expect(key < later)
    }
}
