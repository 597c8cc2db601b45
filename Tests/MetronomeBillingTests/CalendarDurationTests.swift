import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct CalendarDurationTests {
    private static func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    @Test(arguments: [
        ("P1M", "2026-01-15T12:00:00Z", "2026-02-15T12:00:00.000Z"),
        ("P1M", "2026-01-31T00:00:00Z", "2026-02-28T00:00:00.000Z"),  // clamped to February's last day
        ("P1Y", "2024-02-29T00:00:00Z", "2025-02-28T00:00:00.000Z"),
        ("P1Y2M10DT2H30M", "2026-01-01T00:00:00Z", "2027-03-11T02:30:00.000Z"),
        ("PT90S", "2026-01-01T00:00:00Z", "2026-01-01T00:01:30.000Z"),
        ("P2W", "2026-01-01T00:00:00Z", "2026-01-15T00:00:00.000Z"),
        ("P1DT12H", "2026-04-15T12:00:00Z", "2026-04-17T00:00:00.000Z"),
        ("PT0S", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.000Z"),
    ])
    func movesAMomentAhead(duration: String, from: String, to: String) throws {
        let parsed = try #require(CalendarDuration(duration))
        #expect(parsed.after(Self.at(from)).rfc3339 == to)
    }

    @Test(arguments: ["", "P", "PT", "1M", "P1H", "PT1D", "P1M1Y", "PT1S1M", "P-1D", "P1.5D", "P1MT", "P 1D", "p1d", "P1DT", "P9999999999D"])
    func refusesWhatIsNotAWholeDuration(text: String) {
        #expect(CalendarDuration(text) == nil)
    }

    @Test(arguments: [
        ("P1M", "2026-03-31T00:00:00Z", "2026-02-28T00:00:00.000Z"),
        ("P3D", "2026-02-01T00:00:00Z", "2026-01-29T00:00:00.000Z"),
        ("P1DT12H", "2026-01-02T00:00:00Z", "2025-12-31T12:00:00.000Z"),
        ("P1Y", "2026-01-15T00:00:00Z", "2025-01-15T00:00:00.000Z"),
    ])
    func movesAMomentBack(duration: String, from: String, to: String) throws {
        let parsed = try #require(CalendarDuration(duration))
        #expect(parsed.before(Self.at(from)).rfc3339 == to)
    }
}
