import Foundation
import MetronomeCodecs

/// An ISO 8601 duration such as `P1M`, `P1Y2M10DT2H30M` or `PT90S`: years, months, weeks,
/// days, hours, minutes and seconds, each a whole number.
package struct CalendarDuration: Sendable, Equatable {
    package var months = 0
    package var days = 0
    package var milliseconds: Int64 = 0

    /// Parses `text`; nil unless it is a well-formed duration with at least one part.
    package init?(_ text: String) {
        var rest = Substring(text)
        guard rest.first == "P" else { return nil }
        rest = rest.dropFirst()
        var inTime = false
        var sawPart = false
        var lastUnit = -1
        while !rest.isEmpty {
            if rest.first == "T" {
                guard !inTime else { return nil }
                inTime = true
                rest = rest.dropFirst()
                guard !rest.isEmpty else { return nil }
                continue
            }
            let digits = rest.prefix(while: \.isASCII).prefix(while: \.isNumber)
            guard !digits.isEmpty, digits.count <= 9, let value = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let designator = rest.first else { return nil }
            rest = rest.dropFirst()
            // Units in their order: Y M W D, then after T: H M S.
            let unit: Int
            switch (inTime, designator) {
            case (false, "Y"): unit = 0
            case (false, "M"): unit = 1
            case (false, "W"): unit = 2
            case (false, "D"): unit = 3
            case (true, "H"): unit = 4
            case (true, "M"): unit = 5
            case (true, "S"): unit = 6
            default: return nil
            }
            guard unit > lastUnit else { return nil }
            lastUnit = unit
            sawPart = true
            switch unit {
            case 0: months += value * 12
            case 1: months += value
            case 2: days += value * 7
            case 3: days += value
            case 4: milliseconds += Int64(value) * 3_600_000
            case 5: milliseconds += Int64(value) * 60_000
            default: milliseconds += Int64(value) * 1000
            }
        }
        guard sawPart else { return nil }
    }

    /// `moment` moved ahead by this duration: months first (keeping the day of the month,
    /// clamped to the month's last day), then days, then the time parts.
    package func after(_ moment: Timestamp) -> Timestamp {
        let moved = months == 0 ? moment : BillingCadence.advance(moment, by: .months(months), times: 1)
        return Timestamp(
            millisecondsSinceEpoch: moved.millisecondsSinceEpoch + Int64(days) * Timestamp.millisecondsPerDay + milliseconds
        )
    }

    /// `moment` moved back by this duration: the time parts, then days, then months.
    package func before(_ moment: Timestamp) -> Timestamp {
        let back = Timestamp(
            millisecondsSinceEpoch: moment.millisecondsSinceEpoch - Int64(days) * Timestamp.millisecondsPerDay - milliseconds
        )
        return months == 0 ? back : BillingCadence.advance(back, by: .months(-months), times: 1)
    }
}
