import Foundation
import MetronomeCodecs

/// How a billable metric aggregates the events that match it.
package enum AggregationType: String, WireEnum {
    case count = "COUNT"
    case latest = "LATEST"
    case max = "MAX"
    case sum = "SUM"
    case unique = "UNIQUE"
}

/// A rule on an event's `event_type`.
package struct EventTypeFilter: Sendable, Equatable {
    package var inValues: [String]?
    package var notInValues: [String]?

    package func matches(_ eventType: String) -> Bool {
        if let inValues, !inValues.contains(eventType) { return false }
        if let notInValues, notInValues.contains(eventType) { return false }
        return true
    }

    /// A value with each stored property given.
    package init(inValues: [String]? = nil, notInValues: [String]? = nil) {
        self.inValues = inValues
        self.notInValues = notInValues
    }
}

/// A rule on one event property; an event matches a metric only if it passes every rule.
package struct PropertyFilter: Sendable, Equatable {
    package var name: String
    package var exists: Bool?
    package var inValues: [String]?
    package var notInValues: [String]?

    package func matches(_ properties: some EventProperties) -> Bool {
        let value = properties[name].flatMap { $0 == .null ? nil : $0 }
        if let exists, exists != (value != nil) { return false }
        let text = value?.propertyText
        if let inValues, !(text.map(inValues.contains) ?? false) { return false }
        if let notInValues, let text, notInValues.contains(text) { return false }
        return true
    }

    /// A value with each stored property given.
    package init(name: String, exists: Bool? = nil, inValues: [String]? = nil, notInValues: [String]? = nil) {
        self.name = name
        self.exists = exists
        self.inValues = inValues
        self.notInValues = notInValues
    }
}

/// What a billable metric counts: the events it matches and how it aggregates them. SQL metrics
/// carry their query instead and are not evaluated by the emulator.
package struct BillableMetricDefinition: Sendable, Equatable {
    package var aggregationType: AggregationType?
    package var aggregationKey: String?
    package var eventTypeFilter: EventTypeFilter?
    package var propertyFilters: [PropertyFilter]
    package var groupKeys: [[String]]
    package var sql: String?

    /// Whether `event` counts toward this metric.
    package func matches(_ event: UsageEvent) -> Bool {
        matches(eventType: event.eventType, properties: event.properties)
    }

    package func matches(eventType: String, properties: some EventProperties) -> Bool {
        guard sql == nil else { return false }
        if let eventTypeFilter, !eventTypeFilter.matches(eventType) { return false }
        return propertyFilters.allSatisfy { $0.matches(properties) }
    }

    /// The metric's value over `events` (already known to match), or nil where there is nothing to
    /// report: MAX and LATEST of no events, and SQL metrics.
    package func aggregate(_ events: [UsageEvent]) -> Decimal? {
        guard let aggregationType, sql == nil else { return nil }
        switch aggregationType {
        case .count:
            return Decimal(events.count)
        case .sum:
            return events.reduce(Decimal(0)) { $0 + (quantity(of: $1) ?? 0) }
        case .max:
            return events.compactMap(quantity(of:)).max()
        case .latest:
            // An event whose key holds no number is passed over, as the rollup passes it over.
            return events.compactMap { event in quantity(of: event).map { (event, $0) } }
                .max { ($0.0.timestamp, $0.0.transactionId) < ($1.0.timestamp, $1.0.transactionId) }?.1
        case .unique:
            return Decimal(Set(events.compactMap { aggregationKey.flatMap($0.properties.get)?.propertyText }).count)
        }
    }

    private func quantity(of event: UsageEvent) -> Decimal? {
        aggregationKey.flatMap { event.properties[$0] }?.quantity
    }

    /// A value with each stored property given.
    package init(
        aggregationType: AggregationType? = nil,
        aggregationKey: String? = nil,
        eventTypeFilter: EventTypeFilter? = nil,
        propertyFilters: [PropertyFilter],
        groupKeys: [[String]],
        sql: String? = nil
    ) {
        self.aggregationType = aggregationType
        self.aggregationKey = aggregationKey
        self.eventTypeFilter = eventTypeFilter
        self.propertyFilters = propertyFilters
        self.groupKeys = groupKeys
        self.sql = sql
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    fileprivate func get(_ key: String) -> JSONValue? { self[key] }
}
