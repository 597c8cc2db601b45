import Foundation

/// An instant in UTC with millisecond precision, written on the wire as RFC 3339
/// (`2026-03-15T12:00:00.000Z`), the way Metronome writes its timestamps.
package struct Timestamp: Hashable, Comparable, Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    package var millisecondsSinceEpoch: Int64

    /// The instant `millisecondsSinceEpoch` ms after the Unix epoch.
    package init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// The instant of a Foundation date, truncated to the millisecond.
    package init(_ date: Date) {
        self.millisecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// Whether this instant falls exactly on a midnight, UTC.
    package var isMidnightUTC: Bool { millisecondsSinceEpoch.modulo(Self.millisecondsPerDay) == 0 }

    package static let millisecondsPerDay: Int64 = 86_400_000
}

// MARK: - RFC 3339

extension Timestamp {
    /// Parses RFC 3339: `2026-03-15T12:00:00Z`, with optional fractional seconds and a `Z` or
    /// `±HH:MM` offset. A timestamp without an offset, and a bare date, are read as UTC, since
    /// that is what a client means when it sends Python's naive `datetime.isoformat()`.
    package init?(rfc3339 text: String) {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
              let month = scanner.number(digits: 2), scanner.skip("-"),
              let day = scanner.number(digits: 2),
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var millisecondOfDay: Int64 = 0
        var offsetMinutes: Int64 = 0
        if !scanner.atEnd {
            guard scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
                  let hour = scanner.number(digits: 2), scanner.skip(":"),
                  let minute = scanner.number(digits: 2), scanner.skip(":"),
                  let second = scanner.number(digits: 2),
                  hour < 24, minute < 60, second < 61
            else { return nil }
            var milliseconds: Int64 = 0
            if scanner.skip(".") {
                guard let fraction = scanner.fractionMilliseconds() else { return nil }
                milliseconds = fraction
            }
            millisecondOfDay = ((hour * 60 + minute) * 60 + min(second, 59)) * 1000 + milliseconds
            if scanner.skip("Z") || scanner.skip("z") {
                offsetMinutes = 0
            } else if let sign = scanner.sign() {
                guard let offsetHours = scanner.number(digits: 2) else { return nil }
                _ = scanner.skip(":")
                guard let offsetMinute = scanner.number(digits: 2), offsetHours < 24, offsetMinute < 60 else {
                    return nil
                }
                offsetMinutes = sign * (offsetHours * 60 + offsetMinute)
            }
        }
        guard scanner.atEnd else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        self.init(millisecondsSinceEpoch: days * Self.millisecondsPerDay + millisecondOfDay - offsetMinutes * 60_000)
        // An offset can carry 0000-01-01 or 9999-12-31 outside the four-digit years RFC 3339 can write.
        guard Self.writable.contains(self) else { return nil }
    }

    /// The instants RFC 3339 can write: years 0001 through 9999, UTC.
    package static let writable = Timestamp(millisecondsSinceEpoch: daysFromCivil(year: 1, month: 1, day: 1) * millisecondsPerDay)
        ... Timestamp(millisecondsSinceEpoch: daysFromCivil(year: 10_000, month: 1, day: 1) * millisecondsPerDay - 1)

    /// The RFC 3339 form Metronome writes: UTC, milliseconds, `Z`.
    package var rfc3339: String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        writeRFC3339(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the RFC 3339 form to `bytes`, without making a string first.
    package func writeRFC3339(into bytes: inout [UInt8]) {
        let days = millisecondsSinceEpoch.floorDivided(by: Self.millisecondsPerDay)
        let ms = millisecondsSinceEpoch - days * Self.millisecondsPerDay
        let (year, month, day) = Self.civilFromDays(days)
        func put(_ value: Int64, width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        put(year, width: 4); bytes.append(UInt8(ascii: "-"))
        put(month, width: 2); bytes.append(UInt8(ascii: "-"))
        put(day, width: 2); bytes.append(UInt8(ascii: "T"))
        put(ms / 3_600_000, width: 2); bytes.append(UInt8(ascii: ":"))
        put(ms / 60_000 % 60, width: 2); bytes.append(UInt8(ascii: ":"))
        put(ms / 1000 % 60, width: 2); bytes.append(UInt8(ascii: "."))
        put(ms % 1000, width: 3); bytes.append(UInt8(ascii: "Z"))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    package static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a count of days since 1970-01-01.
    package static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    package static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Timestamp: Codable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let timestamp = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "must be an RFC 3339 timestamp, like 2026-03-15T12:00:00Z"
            )
        }
        self = timestamp
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}

// MARK: - Parsing helpers

private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }

    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[index..<index + digits] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    /// Reads one or more fraction digits, keeping the first three as milliseconds.
    mutating func fractionMilliseconds() -> Int64? {
        var value: Int64 = 0
        var count = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            if count < 3 { value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
            count += 1
            index += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 3) { value *= 10 }
        return value
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, for dates before 1970.
    package func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// The non-negative remainder of a floor division.
    package func modulo(_ divisor: Int64) -> Int64 {
        self - floorDivided(by: divisor) * divisor
    }
}
