import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct ConfigurationScheduleTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    /// Statements from Jan 1 anchored on the 15th: Jan 1–15, Jan 15–Feb 15, Feb 15–Mar 15, …
    private var anchoredOnThe15th: BillingCadence {
        BillingCadence(start: at("2026-01-01T00:00:00Z"), end: nil, anchor: at("2026-01-15T00:00:00Z"), length: .months(1))
    }

    @Test func theCurrentPeriodIsTheOneCoveringNowAndTheNextStartsAtItsEnd() {
        let now = at("2026-01-20T12:00:00Z")
        #expect(anchoredOnThe15th.start(of: .startOfCurrentPeriod, at: now) == at("2026-01-15T00:00:00Z"))
        #expect(anchoredOnThe15th.start(of: .startOfNextPeriod, at: now) == at("2026-02-15T00:00:00Z"))
        // A boundary belongs to the period it opens.
        #expect(anchoredOnThe15th.start(of: .startOfCurrentPeriod, at: at("2026-02-15T00:00:00Z")) == at("2026-02-15T00:00:00Z"))
    }

    @Test func beforeBillingBeginsTheFirstPeriodIsTheCurrentOne() {
        let now = at("2025-12-20T00:00:00Z")
        #expect(anchoredOnThe15th.start(of: .startOfCurrentPeriod, at: now) == at("2026-01-01T00:00:00Z"))
        #expect(anchoredOnThe15th.start(of: .startOfNextPeriod, at: now) == at("2026-01-15T00:00:00Z"))
    }

    @Test func theLastPeriodHasNoNextAndAnEndedCadenceNoCurrent() {
        let cadence = BillingCadence.monthly(from: at("2026-01-01T00:00:00Z"), until: at("2026-02-10T00:00:00Z"))
        let inLast = at("2026-02-05T00:00:00Z")
        #expect(cadence.start(of: .startOfCurrentPeriod, at: inLast) == at("2026-02-01T00:00:00Z"))
        #expect(cadence.start(of: .startOfNextPeriod, at: inLast) == nil)
        #expect(cadence.start(of: .startOfCurrentPeriod, at: at("2026-02-10T00:00:00Z")) == nil)
    }
}
