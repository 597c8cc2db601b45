import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct RecurringCommitsTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text + "T00:00:00Z")! }

    private func template(
        start: String, end: String? = nil, periods: Int = 1, proration: RecurringCommitTerms.Proration = .firstAndLast,
        frequency: RecurringCommitTerms.RecurrenceFrequency? = nil, anchor: String = "2026-01-01"
    ) -> RecurringCommitTerms {
        RecurringCommitTerms(
            id: "r", kind: .commit, productId: "p", priority: 1,
            accessAmount: .init(creditTypeId: "usd", unitPrice: 310, quantity: 2), commitDurationPeriods: periods,
            startingAt: at(start), endingBefore: end.map(at), invoiceAmount: .init(creditTypeId: "usd", unitPrice: 31, quantity: 1),
            proration: proration, recurrenceFrequency: frequency, rateType: .commitRate, anchorDate: at(anchor)
        )
    }

    @Test func aCutFirstPeriodGetsItsShareByTime() {
        let instances = template(start: "2026-01-22").instances(
            startedBefore: at("2026-03-01"), contractEnd: nil, statementLength: .months(1)
        )
        #expect(instances.map(\.start) == [at("2026-01-22"), at("2026-02-01")])
        // 10 of January's 31 days: 620 × 10/31 = 200, and the invoice's unit price 31 × 10/31 = 10.
        #expect(instances.map(\.accessAmount) == [200, 620])
        #expect(instances.first?.invoice?.unitPrice == 10)
        #expect(instances.map(\.accessEnd) == [at("2026-02-01"), at("2026-03-01")])
    }

    @Test func withoutProrationEveryPeriodGetsTheWholeAmount() {
        let instances = template(start: "2026-01-22", end: "2026-02-15", proration: .none).instances(
            startedBefore: at("2027-01-01"), contractEnd: nil, statementLength: .months(1)
        )
        #expect(instances.map(\.accessAmount) == [620, 620])
        #expect(instances.last?.accessEnd == at("2026-02-15"))
    }

    @Test func accessLastsItsPeriodsButNeverPastTheEnd() {
        let instances = template(start: "2026-01-15", periods: 2, frequency: .quarterly, anchor: "2026-01-15").instances(
            startedBefore: at("2027-01-01"), contractEnd: at("2026-10-15"), statementLength: .months(1)
        )
        #expect(instances.map(\.start) == [at("2026-01-15"), at("2026-04-15"), at("2026-07-15")])
        #expect(instances.map(\.accessEnd) == [at("2026-07-15"), at("2026-10-15"), at("2026-10-15")])
    }
}

@Suite struct RecurringCommitUpdateTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text + "T00:00:00Z")! }

    private let template = RecurringCommitTerms(
        id: "r", kind: .commit, productId: "p", priority: 1, accessAmount: .init(creditTypeId: "usd", unitPrice: 1000, quantity: 1),
        commitDurationPeriods: 1, startingAt: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!, endingBefore: nil,
        invoiceAmount: nil, proration: .firstAndLast, recurrenceFrequency: nil, rateType: .commitRate,
        anchorDate: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
    )

    @Test func anUpdateChangesWhatItGivesAndChecksTheResult() throws {
        let changed = try RecurringCommitUpdate(
            id: "r", kind: .commit, accessAmount: .init(unitPrice: 1500, quantity: nil), endingBefore: NewValue(at("2026-03-01")),
            rateType: .listRate
        ).applied(to: template, field: "u.")
        #expect((changed.accessAmount.unitPrice, changed.accessAmount.quantity) == (1500, 1))
        #expect((changed.endingBefore, changed.rateType) == (at("2026-03-01"), .listRate))
        #expect(throws: PricingRuleViolation.self) {  // no invoice amount to change
            try RecurringCommitUpdate(id: "r", kind: .commit, invoiceAmount: .init(unitPrice: 1, quantity: nil))
                .applied(to: template, field: "u.")
        }
        #expect(throws: PricingRuleViolation.self) {  // an end before the start
            try RecurringCommitUpdate(id: "r", kind: .commit, endingBefore: NewValue(at("2025-12-01"))).applied(to: template, field: "u.")
        }
    }
}
