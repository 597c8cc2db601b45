import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct RolloverTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text + "T00:00:00Z")! }

    private func commit(fraction: Decimal?, segments: [(String, String)]) -> CommitTerms {
        CommitTerms(
            id: "c", kind: .commit, type: .prepaid, customerId: "cu", contractId: "old", productId: "p", name: "Year one",
            priority: 2, creditTypeId: "usd",
            accessSchedule: segments.enumerated().map { index, range in
                AccessSegment(id: "s\(index)", amount: 1000, startingAt: at(range.0), endingBefore: at(range.1))
            },
            applicableProductTags: ["compute"], rateType: .listRate, rolloverFraction: fraction, customFields: [:],
            createdAt: at("2026-01-01")
        )
    }

    @Test func onlyASegmentEndingAtTheRenewalRollsOver() {
        let rolling = commit(fraction: 0.5, segments: [("2025-12-01", "2026-01-01"), ("2026-01-01", "2026-02-01")])
        #expect(Rollover.rollingSegments(of: rolling, at: at("2026-02-01")).map(\.id) == ["s1"])
        #expect(Rollover.rollingSegments(of: commit(fraction: 0, segments: [("2026-01-01", "2026-02-01")]), at: at("2026-02-01")).isEmpty)
        #expect(Rollover.rollingSegments(of: commit(fraction: nil, segments: [("2026-01-01", "2026-02-01")]), at: at("2026-02-01")).isEmpty)
    }

    @Test func aSegmentOpenPastTheRenewalIsFound() {
        let open = commit(fraction: 0.5, segments: [("2026-01-01", "2026-03-01")])
        #expect(Rollover.segmentOpenPast(at("2026-02-01"), of: open)?.id == "s0")
        #expect(Rollover.segmentOpenPast(at("2026-03-01"), of: open) == nil)
        #expect(Rollover.segmentOpenPast(at("2026-02-01"), of: commit(fraction: nil, segments: [("2026-01-01", "2026-03-01")])) == nil)
    }

    @Test func theFractionOfWhatIsLeftRolls() {
        // 600 left at a quarter: 150; nothing left (or overdrawn by a manual entry): nothing.
        #expect(Rollover.rolledAmount(remaining: 600, fraction: 0.25) == 150)
        #expect(Rollover.rolledAmount(remaining: 0, fraction: 0.5) == 0)
        #expect(Rollover.rolledAmount(remaining: -20, fraction: 0.5) == 0)
    }

    @Test func theRolledCommitKeepsItsTermsAndRunsOverTheRenewal() {
        let original = commit(fraction: 0.5, segments: [("2026-01-01", "2026-02-01")])
        let rolled = Rollover.rolledOverCommit(
            from: original, segments: original.accessSchedule, amount: 300, renewalId: "new", start: at("2026-02-01"),
            end: at("2027-02-01"), id: "r", segmentId: "rs"
        )
        #expect(rolled.contractId == "new" && rolled.rolledOverFrom == RolledOverFrom(commitId: "c", contractId: "old"))
        #expect(rolled.accessSchedule == [AccessSegment(id: "rs", amount: 300, startingAt: at("2026-02-01"), endingBefore: at("2027-02-01"))])
        #expect(rolled.invoiceSchedule == nil && rolled.createdAt == at("2026-02-01"))
        #expect(rolled.name == "Year one" && rolled.priority == 2 && rolled.rateType == .listRate)
        #expect(rolled.applicableProductTags == ["compute"] && rolled.rolloverFraction == 0.5 && rolled.type == .prepaid)
    }

    @Test func withAnOpenEndedRenewalItLastsAsLongAsTheSegmentRolled() {
        let original = commit(fraction: 1, segments: [("2026-01-01", "2026-02-01")])
        let rolled = Rollover.rolledOverCommit(
            from: original, segments: original.accessSchedule, amount: 10, renewalId: "new", start: at("2026-02-01"),
            end: nil, id: "r", segmentId: "rs"
        )
        // January has 31 days.
        #expect(rolled.accessSchedule.first?.endingBefore == at("2026-03-04"))
    }

    @Test func aRolledCommitDrawsDownBeforeOtherPrepaidTerms() {
        let credit = CommitTerms(
            id: "free", kind: .credit, customerId: "cu", contractId: "new", productId: "p", priority: 1, creditTypeId: "usd",
            accessSchedule: [AccessSegment(id: "f", amount: 5, startingAt: at("2026-02-01"), endingBefore: at("2026-03-01"))],
            customFields: [:], createdAt: at("2026-02-01")
        )
        let original = commit(fraction: 1, segments: [("2026-01-01", "2026-02-01")])
        let rolled = Rollover.rolledOverCommit(
            from: original, segments: original.accessSchedule, amount: 10, renewalId: "new", start: at("2026-02-01"),
            end: at("2026-03-01"), id: "r", segmentId: "rs"
        )
        // The credit has the lower priority (1 against 2), yet the docs put rollover commits first.
        let first = SegmentBalance(commit: rolled, segment: rolled.accessSchedule[0], remaining: 10)
        let second = SegmentBalance(commit: credit, segment: credit.accessSchedule[0], remaining: 5)
        #expect(Drawdown.drawsFirst(first, second) && !Drawdown.drawsFirst(second, first))
    }
}
