import Foundation
import MetronomeCodecs

/// One billing period of a customer plan or contract: `[start, end)`, numbered from 0.
package struct BillingPeriod: Sendable, Equatable {
    package var index: Int
    package var start: Timestamp
    package var end: Timestamp

    /// A value with each stored property given.
    package init(index: Int, start: Timestamp, end: Timestamp) {
        self.index = index
        self.start = start
        self.end = end
    }
}

/// How far apart the boundaries of billing periods lie.
package enum PeriodLength: Sendable, Equatable {
    case months(Int)
    case days(Int)
}

/// The billing periods of something billed from `start` (until `end`, if it ends), whose period
/// boundaries fall at `anchor` plus whole multiples of `length`.
package struct BillingCadence: Sendable, Equatable {
    package var start: Timestamp
    package var end: Timestamp?
    package var anchor: Timestamp
    package var length: PeriodLength
    /// Where a first period of its own ends (a plan's trial), after which the cadence resumes.
    package var firstPeriodEnd: Timestamp? = nil

    /// How long an invoice stays a draft after its period ends before it is finalized.
    package static let gracePeriodMilliseconds: Int64 = Timestamp.millisecondsPerDay

    /// Monthly periods from `start`, as plans are billed; with a trial, the trial is the first
    /// period and months count from its end.
    package static func monthly(from start: Timestamp, until end: Timestamp?, trialEnd: Timestamp? = nil) -> BillingCadence {
        guard let trialEnd, trialEnd > start else { return BillingCadence(start: start, end: end, anchor: start, length: .months(1)) }
        return BillingCadence(start: start, end: end, anchor: trialEnd, length: .months(1), firstPeriodEnd: trialEnd)
    }

    /// The periods that have begun before `moment` (at most `limit` of them), in order.
    package func periods(startedBefore moment: Timestamp, limit: Int = 5_000) -> [BillingPeriod] {
        var periods: [BillingPeriod] = []
        var periodStart = start
        if let lead = firstPeriodEnd, lead > start {
            guard start < moment else { return [] }
            let leadEnd = end.map { min($0, lead) } ?? lead
            periods.append(BillingPeriod(index: 0, start: start, end: leadEnd))
            periodStart = lead
        }
        var boundary = firstBoundaryIndex(after: periodStart)
        while periodStart < moment, periods.count < limit {
            if let end, periodStart >= end { break }
            var periodEnd = Self.advance(anchor, by: length, times: boundary)
            if let end, end < periodEnd { periodEnd = end }
            periods.append(BillingPeriod(index: periods.count, start: periodStart, end: periodEnd))
            periodStart = periodEnd
            boundary += 1
        }
        return periods
    }

    /// The period covering `moment`, if billing runs then.
    package func period(covering moment: Timestamp) -> BillingPeriod? {
        guard moment >= start, end.map({ moment < $0 }) ?? true else { return nil }
        return periods(startedBefore: Timestamp(millisecondsSinceEpoch: moment.millisecondsSinceEpoch + 1)).last
    }

    /// The smallest k with anchor + k·length after `start`.
    private func firstBoundaryIndex(after start: Timestamp) -> Int {
        var k: Int
        switch length {
        case .months(let months):
            let from = Timestamp.civilFromDays(anchor.millisecondsSinceEpoch.floorDivided(by: Timestamp.millisecondsPerDay))
            let to = Timestamp.civilFromDays(start.millisecondsSinceEpoch.floorDivided(by: Timestamp.millisecondsPerDay))
            let monthsApart = Int((to.year - from.year) * 12 + (to.month - from.month))
            k = Int((Int64(monthsApart) - 1).floorDivided(by: Int64(months)))
        case .days(let days):
            let step = Int64(days) * Timestamp.millisecondsPerDay
            k = Int((start.millisecondsSinceEpoch - anchor.millisecondsSinceEpoch).floorDivided(by: step)) - 1
        }
        while Self.advance(anchor, by: length, times: k) <= start { k += 1 }
        return k
    }

    /// `moment` moved by `times` lengths; months keep the day of the month, clamped to the
    /// month's last day (Jan 31 + 1 month is Feb 28 or 29), and the time of day.
    package static func advance(_ moment: Timestamp, by length: PeriodLength, times: Int) -> Timestamp {
        let ms = moment.millisecondsSinceEpoch
        switch length {
        case .days(let days):
            return Timestamp(millisecondsSinceEpoch: ms + Int64(days * times) * Timestamp.millisecondsPerDay)
        case .months(let months):
            let days = ms.floorDivided(by: Timestamp.millisecondsPerDay)
            let timeOfDay = ms - days * Timestamp.millisecondsPerDay
            let date = Timestamp.civilFromDays(days)
            let monthIndex = date.year * 12 + (date.month - 1) + Int64(months * times)
            let year = monthIndex.floorDivided(by: 12)
            let month = monthIndex - year * 12 + 1
            let day = min(date.day, Timestamp.daysIn(month: month, year: year))
            return Timestamp(
                millisecondsSinceEpoch: Timestamp.daysFromCivil(year: year, month: month, day: day) * Timestamp.millisecondsPerDay
                    + timeOfDay
            )
        }
    }

    /// Midnight UTC on the first day of the month holding `moment`.
    package static func startOfMonth(_ moment: Timestamp) -> Timestamp {
        let date = Timestamp.civilFromDays(moment.millisecondsSinceEpoch.floorDivided(by: Timestamp.millisecondsPerDay))
        return Timestamp(
            millisecondsSinceEpoch: Timestamp.daysFromCivil(year: date.year, month: date.month, day: 1) * Timestamp.millisecondsPerDay
        )
    }

    /// A value with each stored property given.
    package init(
        start: Timestamp,
        end: Timestamp? = nil,
        anchor: Timestamp,
        length: PeriodLength,
        firstPeriodEnd: Timestamp? = nil
    ) {
        self.start = start
        self.end = end
        self.anchor = anchor
        self.length = length
        self.firstPeriodEnd = firstPeriodEnd
    }
}

extension BillingPeriod {
    /// When this period's invoice is finalized: its end plus the grace period.
    package var finalizesAt: Timestamp {
        Timestamp(millisecondsSinceEpoch: end.millisecondsSinceEpoch + BillingCadence.gracePeriodMilliseconds)
    }
}
