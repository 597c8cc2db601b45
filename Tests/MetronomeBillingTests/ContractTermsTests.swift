import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct ContractTermsTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    private func segment(_ amount: Decimal, _ start: String, _ end: String) -> AccessSegment {
        AccessSegment(id: start, amount: amount, startingAt: at(start), endingBefore: at(end))
    }

    @Test func theDefaultScheduleIsMonthlyOnTheFirst() throws {
        let schedule = try UsageStatementSchedule.resolve(frequency: nil, day: nil, anchor: nil, contractStart: at("2026-01-15T10:00:00Z"))
        #expect(schedule == UsageStatementSchedule(frequency: .monthly, day: .firstOfMonth, billingAnchorDate: at("2026-01-01")))
    }

    @Test func anAnchorAloneMeansACustomDate() throws {
        let schedule = try UsageStatementSchedule.resolve(
            frequency: .annual, day: nil, anchor: at("2026-03-03"), contractStart: at("2026-01-15")
        )
        #expect(schedule.day == .customDate)
        #expect(schedule.billingAnchorDate == at("2026-03-03"))
        #expect(throws: PricingRuleViolation.self) {
            try UsageStatementSchedule.resolve(frequency: .monthly, day: .customDate, anchor: nil, contractStart: at("2026-01-15"))
        }
    }

    @Test func endingAccessCutsTheSpanningSegmentAndDropsLaterOnes() throws {
        let segments = [segment(1, "2026-01-01", "2026-02-01"), segment(2, "2026-02-01", "2026-03-01"), segment(3, "2026-03-01", "2026-04-01")]
        let cut = try ContractRules.endAccess(segments, before: at("2026-02-15"))
        #expect(cut.map(\.amount) == [1, 2])
        #expect(cut.last?.endingBefore == at("2026-02-15"))
        #expect(throws: PricingRuleViolation.self) { try ContractRules.endAccess(segments, before: at("2026-05-01")) }
    }

    @Test func aRecurringScheduleInvoicesEachPeriodUntilItsEnd() throws {
        var next = 0
        let items = try ContractRules.recurringItems(
            startingAt: at("2026-01-31"), endingBefore: at("2026-04-15"), frequency: .monthly, distribution: .dividedRounded,
            amount: 100, quantity: nil, unitPrice: nil, field: "x", makeId: { next += 1; return "\(next)" }
        )
        #expect(items.map(\.timestamp) == [at("2026-01-31"), at("2026-02-28"), at("2026-03-31")])
        #expect(items.map(\.amount) == [33, 33, 34], "the last invoice takes the remainder")
        #expect(items.map(\.id) == ["1", "2", "3"])
    }

    @Test func anInvoiceItemNeedsAnAmountOrAUnitPrice() throws {
        let byAmount = try ContractRules.invoiceItem(id: "a", timestamp: at("2026-01-01"), amount: 5, quantity: nil, unitPrice: nil, field: "x")
        #expect((byAmount.quantity, byAmount.unitPrice) == (1, 5))
        let byPrice = try ContractRules.invoiceItem(id: "b", timestamp: at("2026-01-01"), amount: nil, quantity: 3, unitPrice: 2, field: "x")
        #expect(byPrice.amount == 6)
        #expect(throws: PricingRuleViolation.self) {
            try ContractRules.invoiceItem(id: "c", timestamp: at("2026-01-01"), amount: nil, quantity: 3, unitPrice: nil, field: "x")
        }
    }

    @Test func overwritesBeatMultipliersAndTheLowestMultiplierApplies() {
        let rate = Rate(productId: "p", entitled: true, rateType: .flat, startingAt: at("2025-01-01"), price: 10)
        func override(_ type: OverrideType, multiplier: Decimal? = nil, price: Decimal? = nil, tags: [String]? = nil) -> OverrideTerms {
            OverrideTerms(
                id: UUID().uuidString, type: type, startingAt: at("2026-01-01"), productId: tags == nil ? "p" : nil,
                applicableProductTags: tags, multiplier: multiplier,
                overwriteRate: price.map { OverwriteRate(rateType: .flat, price: $0) }, createdAt: at("2026-01-01")
            )
        }
        let multipliers = [override(.multiplier, multiplier: 0.8), override(.multiplier, multiplier: 0.5, tags: ["t"])]
        #expect(ContractRules.applyOverrides(multipliers, to: rate, productTags: ["t"], at: at("2026-02-01")).overrideRate?.price == 5)
        #expect(ContractRules.applyOverrides(multipliers, to: rate, productTags: [], at: at("2026-02-01")).overrideRate?.price == 8)
        #expect(ContractRules.applyOverrides(multipliers, to: rate, productTags: ["t"], at: at("2025-06-01")).overrideRate == nil)
        let withOverwrite = multipliers + [override(.overwrite, price: 7)]
        #expect(ContractRules.applyOverrides(withOverwrite, to: rate, productTags: ["t"], at: at("2026-02-01")).overrideRate?.price == 7)
        var unentitle = override(.multiplier)
        unentitle.entitled = false
        #expect(ContractRules.applyOverrides([unentitle], to: rate, productTags: [], at: at("2026-02-01")).entitled == false)
    }
}
