import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct NamedScheduleTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    private func segment(_ start: String, _ end: String?, _ value: String) -> ScheduleSegment {
        ScheduleSegment(startingAt: at(start), endingBefore: end.map(at), value: .string(value))
    }

    @Test func anUpdateInsideASegmentSplitsIt() {
        let schedule = NamedSchedule.overlay(
            [segment("2026-01-01", nil, "A")], with: segment("2026-02-01", "2026-03-01", "B")
        )
        #expect(schedule == [
            segment("2026-01-01", "2026-02-01", "A"),
            segment("2026-02-01", "2026-03-01", "B"),
            segment("2026-03-01", nil, "A"),
        ])
    }

    @Test func anOpenEndedUpdateReplacesEverythingAfterItsStart() {
        let schedule = NamedSchedule.overlay(
            [segment("2026-01-01", "2026-02-01", "A"), segment("2026-02-01", nil, "B")],
            with: segment("2026-01-15", nil, "C")
        )
        #expect(schedule == [segment("2026-01-01", "2026-01-15", "A"), segment("2026-01-15", nil, "C")])
    }

    @Test func segmentsOutsideTheUpdateStayAsTheyAre() {
        let before = segment("2026-01-01", "2026-02-01", "A")
        let after = segment("2026-05-01", "2026-06-01", "C")
        let schedule = NamedSchedule.overlay([before, after], with: segment("2026-03-01", "2026-04-01", "B"))
        #expect(schedule == [before, segment("2026-03-01", "2026-04-01", "B"), after])
    }

    @Test func coveringFindsTheSegmentInForce() {
        let schedule = [segment("2026-01-01", "2026-02-01", "A"), segment("2026-03-01", nil, "B")]
        #expect(NamedSchedule.segment(of: schedule, covering: at("2026-01-31T23:59:59Z"))?.value == .string("A"))
        #expect(NamedSchedule.segment(of: schedule, covering: at("2026-02-01")) == nil)
        #expect(NamedSchedule.segment(of: schedule, covering: at("2030-01-01"))?.value == .string("B"))
    }
}
