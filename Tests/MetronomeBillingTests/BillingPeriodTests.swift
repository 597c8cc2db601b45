import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct BillingPeriodTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    @Test func monthlyPeriodsKeepTheDayAndClampShortMonths() {
        let cadence = BillingCadence.monthly(from: at("2026-01-31T00:00:00Z"), until: nil)
        let periods = cadence.periods(startedBefore: at("2026-05-01T00:00:00Z"))
        #expect(periods.map(\.start.rfc3339) == [
            "2026-01-31T00:00:00.000Z", "2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z", "2026-04-30T00:00:00.000Z",
        ])
        #expect(periods.map(\.index) == [0, 1, 2, 3])
        #expect(periods.last?.end == at("2026-05-31T00:00:00Z"))
    }

    @Test func anEndCutsTheLastPeriodAndStopsTheRest() {
        let cadence = BillingCadence.monthly(from: at("2026-01-01T00:00:00Z"), until: at("2026-02-15T00:00:00Z"))
        let periods = cadence.periods(startedBefore: at("2027-01-01T00:00:00Z"))
        #expect(periods.map(\.end) == [at("2026-02-01T00:00:00Z"), at("2026-02-15T00:00:00Z")])
        #expect(cadence.period(covering: at("2026-02-20T00:00:00Z")) == nil)
        #expect(cadence.period(covering: at("2026-02-14T23:00:00Z"))?.index == 1)
    }

    @Test func anchoredCadencesStartWithAPartialPeriod() {
        let start = at("2026-01-15T10:00:00Z")
        let firstOfMonth = BillingCadence(start: start, end: nil, anchor: BillingCadence.startOfMonth(start), length: .months(3))
        #expect(firstOfMonth.periods(startedBefore: at("2026-05-01T00:00:00Z")).map(\.end) == [
            at("2026-04-01T00:00:00Z"), at("2026-07-01T00:00:00Z"),
        ])
        let weekly = BillingCadence(start: start, end: nil, anchor: at("2025-12-29T00:00:00Z"), length: .days(7))
        #expect(weekly.periods(startedBefore: at("2026-01-20T00:00:00Z")).map(\.end) == [
            at("2026-01-19T00:00:00Z"), at("2026-01-26T00:00:00Z"),
        ])
        #expect(BillingPeriod(index: 0, start: start, end: at("2026-02-01T00:00:00Z")).finalizesAt == at("2026-02-02T00:00:00Z"))
    }

    @Test func aTrialIsAPeriodOfItsOwnAndMonthsResumeAtItsEnd() {
        let cadence = BillingCadence.monthly(
            from: at("2026-01-01T00:00:00Z"), until: nil, trialEnd: at("2026-02-15T00:00:00Z")
        )
        let periods = cadence.periods(startedBefore: at("2026-03-20T00:00:00Z"))
        #expect(periods.map(\.end) == [at("2026-02-15T00:00:00Z"), at("2026-03-15T00:00:00Z"), at("2026-04-15T00:00:00Z")])
        #expect(periods.map(\.index) == [0, 1, 2])
        let cut = BillingCadence.monthly(from: at("2026-01-01T00:00:00Z"), until: at("2026-01-20T00:00:00Z"), trialEnd: at("2026-02-15T00:00:00Z"))
        #expect(cut.periods(startedBefore: at("2026-06-01T00:00:00Z")).map(\.end) == [at("2026-01-20T00:00:00Z")])
    }

    @Test func nothingBeforeTheStart() {
        let cadence = BillingCadence.monthly(from: at("2026-03-01T00:00:00Z"), until: nil)
        #expect(cadence.periods(startedBefore: at("2026-03-01T00:00:00Z")).isEmpty)
        #expect(cadence.periods(startedBefore: at("2026-03-01T00:00:00.001Z")).count == 1)
    }
}
