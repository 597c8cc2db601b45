import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct ProductVersionsTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    private func state(name: String?, tags: [String]? = nil, from start: String) -> ProductState {
        ProductState(name: name, tags: tags, startingAt: at(start), createdAt: at(start), createdBy: "api")
    }

    @Test func updatesApplyFromTheirStartInOrderOfStart() {
        let initial = state(name: "A", tags: ["x"], from: "2026-01-01")
        let updates = [state(name: "C", from: "2026-03-01"), state(name: "B", from: "2026-02-01")]
        #expect(ProductVersions.state(initial: initial, updates: updates, at: at("2026-01-15")).name == "A")
        let february = ProductVersions.state(initial: initial, updates: updates, at: at("2026-02-01"))
        #expect(february.name == "B")
        #expect(february.tags == ["x"], "fields an update leaves out keep their values")
        #expect(february.startingAt == at("2026-02-01"))
        #expect(ProductVersions.state(initial: initial, updates: updates, at: at("2026-06-01")).name == "C")
    }

    @Test func updatesWithTheSameStartApplyInTheOrderMade() {
        let initial = state(name: "A", from: "2026-01-01")
        let updates = [state(name: "B", from: "2026-02-01"), state(name: "C", from: "2026-02-01")]
        #expect(ProductVersions.state(initial: initial, updates: updates, at: at("2026-02-02")).name == "C")
    }

    @Test func hourBoundaries() {
        #expect(ProductVersions.isOnHourBoundary(at("2026-01-01T13:00:00Z")))
        #expect(!ProductVersions.isOnHourBoundary(at("2026-01-01T13:30:00Z")))
        #expect(!ProductVersions.isOnHourBoundary(at("2026-01-01T13:00:00.001Z")))
    }

    @Test func rulesByType() {
        let base = state(name: "p", from: "2026-01-01")
        #expect(throws: PricingRuleViolation.self) { try ProductRules.check(base, type: .usage, metricGroupKeys: []) }
        var usage = base
        usage.billableMetricId = "m"
        #expect(throws: Never.self) { try ProductRules.check(usage, type: .usage, metricGroupKeys: []) }
        #expect(throws: PricingRuleViolation.self) { try ProductRules.check(usage, type: .fixed, metricGroupKeys: nil) }
        #expect(throws: PricingRuleViolation.self) { try ProductRules.check(base, type: .composite, metricGroupKeys: nil) }
        var composite = base
        composite.compositeTags = ["usage"]
        #expect(throws: Never.self) { try ProductRules.check(composite, type: .composite, metricGroupKeys: nil) }
        #expect(throws: PricingRuleViolation.self) { try ProductRules.check(composite, type: .fixed, metricGroupKeys: nil) }
    }

    @Test func groupKeysMustBeOneOfTheMetricsCompoundKeys() {
        var usage = state(name: "p", from: "2026-01-01")
        usage.billableMetricId = "m"
        usage.pricingGroupKey = ["region"]
        usage.presentationGroupKey = ["machine"]
        #expect(throws: Never.self) { try ProductRules.check(usage, type: .usage, metricGroupKeys: [["machine", "region"]]) }
        #expect(throws: PricingRuleViolation.self) { try ProductRules.check(usage, type: .usage, metricGroupKeys: [["region"]]) }
        usage.quantityRounding = QuantityRounding(decimalPlaces: Decimal(string: "1.5")!, roundingMethod: .roundUp)
        #expect(throws: PricingRuleViolation.self) { try ProductRules.check(usage, type: .usage, metricGroupKeys: nil) }
    }
}
