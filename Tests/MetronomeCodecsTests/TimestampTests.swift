import Foundation
import MetronomeCodecs
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-03-15T12:00:00Z", "2026-03-15T12:00:00.000Z"),
        ("2026-03-15T12:00:00.5Z", "2026-03-15T12:00:00.500Z"),
        ("2026-03-15T12:00:00.123456Z", "2026-03-15T12:00:00.123Z"),
        ("2026-03-15T14:30:00+02:30", "2026-03-15T12:00:00.000Z"),
        ("2026-03-15T12:00:00-0100", "2026-03-15T13:00:00.000Z"),
        ("2026-03-15T12:00:00", "2026-03-15T12:00:00.000Z"),
        ("2026-03-15", "2026-03-15T00:00:00.000Z"),
        ("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59.000Z"),
    ])
    func parsesAndWritesRFC3339(input: String, written: String) throws {
        let timestamp = try #require(Timestamp(rfc3339: input))
        #expect(timestamp.rfc3339 == written)
    }

    @Test(arguments: ["", "2026", "2026-13-01", "2023-02-29", "2026-03-15T25:00:00Z", "2026-03-15T12:00Z",
                      "2026-03-15T12:00:00.Z", "2026-03-15T12:00:00Zjunk", "tomorrow", "2026-03-15T12:00:00+25:00"])
    func rejectsWhatIsNotRFC3339(input: String) {
        #expect(Timestamp(rfc3339: input) == nil)
    }

    @Test(arguments: ["0000-01-01T00:00:00Z", "0000-01-01T00:00:00+01:00", "0001-01-01T00:00:00+00:01",
                      "9999-12-31T23:59:59-01:00", "9999-12-31T23:30:00-00:30"])
    func rejectsInstantsOutsideFourDigitYears(input: String) {
        #expect(Timestamp(rfc3339: input) == nil)
    }

    @Test func writesTheFirstAndLastWritableInstants() throws {
        #expect(try #require(Timestamp(rfc3339: "0001-01-01T00:00:00Z")).rfc3339 == "0001-01-01T00:00:00.000Z")
        #expect(try #require(Timestamp(rfc3339: "9999-12-31T23:59:59.999Z")).rfc3339 == "9999-12-31T23:59:59.999Z")
    }

    @Test func agreesWithFoundation() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for milliseconds in stride(from: Int64(-5_000_000_000_000), to: 5_000_000_000_000, by: 97_654_321_987) {
            let timestamp = Timestamp(millisecondsSinceEpoch: milliseconds)
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            #expect(timestamp.rfc3339 == formatter.string(from: date))
            #expect(Timestamp(rfc3339: timestamp.rfc3339) == timestamp)
        }
    }

    @Test func knowsMidnight() throws {
        #expect(try #require(Timestamp(rfc3339: "2026-01-01T00:00:00Z")).isMidnightUTC)
        #expect(try !#require(Timestamp(rfc3339: "2026-01-01T00:00:01Z")).isMidnightUTC)
    }
}
