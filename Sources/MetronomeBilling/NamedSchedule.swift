import MetronomeCodecs

/// One segment of a named schedule: `value` holds over `[startingAt, endingBefore)`; a nil
/// end means open-ended.
package struct ScheduleSegment: Equatable, Sendable {
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?
    package var value: JSONValue

    /// Whether `moment` falls in this segment.
    package func covers(_ moment: Timestamp) -> Bool {
        startingAt <= moment && endingBefore.map { moment < $0 } ?? true
    }

    /// A value with each stored property given.
    package init(startingAt: Timestamp, endingBefore: Timestamp? = nil, value: JSONValue) {
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.value = value
    }
}

/// Named schedules: a value over time, changed by writing a segment over a range.
package enum NamedSchedule {
    /// The schedule after `update`: what was there over the update's range is replaced, and
    /// segments that straddle its edges are trimmed, or split in two when it falls inside one.
    package static func overlay(_ segments: [ScheduleSegment], with update: ScheduleSegment) -> [ScheduleSegment] {
        var result: [ScheduleSegment] = []
        for segment in segments {
            if segment.startingAt < update.startingAt {
                var before = segment
                before.endingBefore = min(segment.endingBefore ?? update.startingAt, update.startingAt)
                result.append(before)
            }
            if let updateEnd = update.endingBefore, segment.endingBefore.map({ $0 > updateEnd }) ?? true {
                var after = segment
                after.startingAt = max(segment.startingAt, updateEnd)
                result.append(after)
            }
        }
        result.append(update)
        return result.sorted { $0.startingAt < $1.startingAt }
    }

    /// The segment in force at `moment`, if any.
    package static func segment(of segments: [ScheduleSegment], covering moment: Timestamp) -> ScheduleSegment? {
        segments.first { $0.covers(moment) }
    }
}
