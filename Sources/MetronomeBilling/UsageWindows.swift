import Foundation
import MetronomeCodecs

/// How usage is cut into windows: by hour, by day (UTC), or one window for the whole range.
package enum WindowSize: String, WireEnum {
    case hour = "HOUR"
    case day = "DAY"
    case none = "NONE"

    /// The consecutive windows covering `[start, end)`; the last one is cut at `end`.
    package func windows(from start: Timestamp, to end: Timestamp) -> [Range<Timestamp>] {
        let step: Int64
        switch self {
        case .none: return start < end ? [start..<end] : []
        case .hour: step = 3_600_000
        case .day: step = Timestamp.millisecondsPerDay
        }
        var windows: [Range<Timestamp>] = []
        var cursor = start.millisecondsSinceEpoch
        while cursor < end.millisecondsSinceEpoch {
            let next = min(cursor + step, end.millisecondsSinceEpoch)
            windows.append(Timestamp(millisecondsSinceEpoch: cursor)..<Timestamp(millisecondsSinceEpoch: next))
            cursor = next
        }
        return windows
    }
}

/// Usage of one metric, cut into windows and, optionally, groups of property values.
package enum UsageAggregation {
    /// The metric's value in each window, over `events` (sorted by time, all matching the metric).
    package static func values(
        of metric: BillableMetricDefinition, events: [UsageEvent], windows: [Range<Timestamp>]
    ) -> [Decimal?] {
        windows.map { window in metric.aggregate(events.filter { window.contains($0.timestamp) }) }
    }

    /// The metric's value per value of the property `key` in `events`: for the `values` asked
    /// (nil where no event has it), or for every value seen, at most `maxGroups` of them.
    package static func groups(
        of metric: BillableMetricDefinition, events: [UsageEvent], key: String, values: [String]?, maxGroups: Int = 200
    ) -> [String: Decimal?] {
        let byValue = Dictionary(grouping: events.compactMap { event in
            event.properties[key]?.propertyText.map { ($0, event) }
        }, by: \.0).mapValues { $0.map(\.1) }
        let keys = values ?? Array(byValue.keys.sorted().prefix(maxGroups))
        return Dictionary(uniqueKeysWithValues: keys.map { value in
            (value, byValue[value].flatMap { metric.aggregate($0) })
        })
    }
}
