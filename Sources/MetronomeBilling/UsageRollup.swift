import Foundation
import MetronomeCodecs

/// What one billable metric counted for one customer reference, in one hour and one group of
/// property values: enough to combine into the metric's value over any run of hours, so that
/// rating never rereads the events themselves.
package struct UsageBucket: Sendable, Equatable {
    package var eventCount: Int64 = 0
    package var total: Decimal = 0
    package var maximum: Decimal?
    package var latest: LatestValue?

    /// The value of the latest event, with what orders it: its time, then its `transaction_id`.
    package struct LatestValue: Sendable, Equatable {
        package var at: Timestamp
        package var transactionId: String
        package var value: Decimal

        package func isAfter(_ other: LatestValue) -> Bool {
            (at, transactionId) > (other.at, other.transactionId)
        }

        /// A value with each stored property given.
        package init(at: Timestamp, transactionId: String, value: Decimal) {
            self.at = at
            self.transactionId = transactionId
            self.value = value
        }
    }

    /// Counts one event whose aggregation key holds `quantity` (nil when it has none).
    package mutating func add(quantity: Decimal?, at timestamp: Timestamp, transactionId: String) {
        eventCount += 1
        guard let quantity else { return }
        total += quantity
        maximum = Swift.max(maximum ?? quantity, quantity)
        let candidate = LatestValue(at: timestamp, transactionId: transactionId, value: quantity)
        if latest.map({ candidate.isAfter($0) }) ?? true { latest = candidate }
    }

    /// Folds in what another bucket counted.
    package mutating func merge(_ other: UsageBucket) {
        eventCount += other.eventCount
        total += other.total
        if let otherMax = other.maximum { maximum = Swift.max(maximum ?? otherMax, otherMax) }
        if let otherLatest = other.latest, latest.map({ otherLatest.isAfter($0) }) ?? true { latest = otherLatest }
    }

    /// A value with each stored property given.
    package init(eventCount: Int64 = 0, total: Decimal = 0, maximum: Decimal? = nil, latest: LatestValue? = nil) {
        self.eventCount = eventCount
        self.total = total
        self.maximum = maximum
        self.latest = latest
    }
}

/// Where a bucket belongs: metric, customer reference (ID or alias, as the events carried it),
/// the hour it starts, and its group values (canonical JSON text, `{}` for a metric without group keys).
package struct UsageBucketKey: Hashable, Sendable {
    package var billableMetricId: String
    package var customerRef: String
    package var hour: Int64
    package var groupValues: String

    // The metric ID is left out of the hash: keys of one fold share few metrics, and equality
    // still tells them apart.
    package func hash(into hasher: inout Hasher) {
        hasher.combine(customerRef)
        hasher.combine(hour)
        hasher.combine(groupValues)
    }

    /// A value with each stored property given.
    package init(billableMetricId: String, customerRef: String, hour: Int64, groupValues: String) {
        self.billableMetricId = billableMetricId
        self.customerRef = customerRef
        self.hour = hour
        self.groupValues = groupValues
    }
}

/// A distinct value of a UNIQUE metric's aggregation key, seen in one bucket.
package struct UsageUniqueValue: Hashable, Sendable {
    package var bucket: UsageBucketKey
    package var value: String

    /// A value with each stored property given.
    package init(bucket: UsageBucketKey, value: String) {
        self.bucket = bucket
        self.value = value
    }
}

/// A billable metric as rating needs it. (A class: ingest passes metrics around for every
/// event, and a copy of a reference costs one retain rather than one for each field.)
package final class RatedMetric: Sendable {
    package let id: String
    package let definition: BillableMetricDefinition
    /// Every property named by the metric's group keys, sorted.
    package let groupKeyNames: [String]

    package init(id: String, definition: BillableMetricDefinition) {
        self.id = id
        self.definition = definition
        groupKeyNames = Array(Set(definition.groupKeys.flatMap { $0 })).sorted()
    }

    /// Every property the metric reads: those its filters test, its group keys and its aggregation key.
    package var propertyNames: Set<String> {
        Set(definition.propertyFilters.map(\.name) + groupKeyNames + [definition.aggregationKey].compactMap { $0 })
    }
}

/// Folding events into buckets, and buckets into a metric's value.
package enum UsageRollup {
    package static let millisecondsPerHour: Int64 = 3_600_000

    /// What a run of events adds to the rollup.
    package struct Folded: Sendable {
        package var buckets: [UsageBucketKey: UsageBucket] = [:]
        package var uniques: Set<UsageUniqueValue> = []
        /// Group-values texts already built for metrics grouped by one key, by that key and its value.
        fileprivate var singleKeyGroupTexts: [(key: String, value: String, text: String)] = []

        /// Nothing folded yet.
        package init() {}
    }

    /// The start of the hour holding `moment`.
    package static func hour(of moment: Timestamp) -> Int64 {
        moment.millisecondsSinceEpoch.floorDivided(by: millisecondsPerHour) * millisecondsPerHour
    }

    /// Adds `event` to the buckets of every metric in `metrics` that it matches.
    package static func fold(_ event: UsageEvent, into folded: inout Folded, metrics: [RatedMetric]) {
        fold(
            customerRef: event.customerRef, eventType: event.eventType, timestamp: event.timestamp,
            transactionId: event.transactionId, properties: event.properties, into: &folded, metrics: metrics
        )
    }

    /// Adds the event of these parts to the buckets of every metric in `metrics` that it matches.
    package static func fold(
        customerRef: String, eventType: String, timestamp: Timestamp, transactionId: String, properties: some EventProperties,
        into folded: inout Folded, metrics: [RatedMetric]
    ) {
        let hour = hour(of: timestamp)
        for metric in metrics where metric.definition.matches(eventType: eventType, properties: properties) {
            let key = UsageBucketKey(
                billableMetricId: metric.id, customerRef: customerRef, hour: hour,
                groupValues: groupValuesText(metric.groupKeyNames, properties, memo: &folded.singleKeyGroupTexts)
            )
            let quantity = metric.definition.aggregationKey.flatMap { properties[$0] }?.quantity
            folded.buckets[key, default: UsageBucket()].add(quantity: quantity, at: timestamp, transactionId: transactionId)
            if metric.definition.aggregationType == .unique,
                let value = metric.definition.aggregationKey.flatMap({ properties[$0] })?.propertyText
            {
                folded.uniques.insert(UsageUniqueValue(bucket: key, value: value))
            }
        }
    }

    /// `groupValuesText`, reusing a text built before where the metric groups by one key: events
    /// folded together mostly repeat a few values.
    private static func groupValuesText(
        _ keys: [String], _ properties: some EventProperties, memo: inout [(key: String, value: String, text: String)]
    ) -> String {
        guard keys.count == 1, let value = properties[keys[0]]?.propertyText else { return groupValuesText(keys, properties) }
        if let known = memo.first(where: { $0.value == value && $0.key == keys[0] }) { return known.text }
        let text = groupValuesText(keys, properties)
        if memo.count < 32 { memo.append((keys[0], value, text)) }
        return text
    }

    /// The values of `keys` in `properties` as a compact JSON object with sorted keys; keys the
    /// event lacks are left out.
    package static func groupValuesText(_ keys: [String], _ properties: some EventProperties) -> String {
        guard !keys.isEmpty else { return "{}" }
        var text = "{"
        text.reserveCapacity(64)
        for key in keys {
            guard let value = properties[key]?.propertyText else { continue }
            if text.utf8.count > 1 { text.append(",") }
            JSONValue.appendQuoted(key, to: &text)
            text.append(":")
            JSONValue.appendQuoted(value, to: &text)
        }
        text.append("}")
        return text
    }

    /// The group values a bucket's canonical text stands for.
    package static func groupValues(_ text: String) -> [String: String] {
        guard text != "{}", case .object(let values)? = try? JSONValue(jsonText: text) else { return [:] }
        return values.compactMapValues { if case .string(let value) = $0 { value } else { nil } }
    }

    /// A metric's value over a set of buckets and the distinct values seen in them; nil where
    /// there is nothing to report (MAX and LATEST without events, SQL metrics).
    package static func value(of metric: BillableMetricDefinition, _ bucket: UsageBucket, distinctValues: Int) -> Decimal? {
        guard let aggregationType = metric.aggregationType, metric.sql == nil else { return nil }
        switch aggregationType {
        case .count: return Decimal(bucket.eventCount)
        case .sum: return bucket.total
        case .max: return bucket.maximum
        case .latest: return bucket.latest?.value
        case .unique: return Decimal(distinctValues)
        }
    }
}

/// What one metric counted over a span of time for a customer: per group of values, and in all.
package struct MetricUsage: Sendable {
    package var metric: RatedMetric
    package var buckets: [(groupValues: [String: String], bucket: UsageBucket)]
    package var uniqueValues: [(groupValues: [String: String], value: String)]

    /// The metric's value over every group; zero where nothing was counted.
    package var total: Decimal { value(where: { _ in true }) ?? 0 }

    /// The metric's value over the groups `include` accepts, or nil if it reports nothing.
    package func value(where include: ([String: String]) -> Bool) -> Decimal? {
        var combined = UsageBucket()
        for (groupValues, bucket) in buckets where include(groupValues) { combined.merge(bucket) }
        let distinct = Set(uniqueValues.filter { include($0.groupValues) }.map(\.value)).count
        return UsageRollup.value(of: metric.definition, combined, distinctValues: distinct)
    }

    /// The values of `keys` that occur, each with the metric's value for them, sorted by values.
    package func grouped(by keys: [String]) -> [(groupValues: [String: String], value: Decimal)] {
        guard !keys.isEmpty else { return [([:], total)] }
        let combinations = Set(buckets.map { bucket in keys.map { bucket.groupValues[$0] ?? "" } })
        return combinations.sorted { $0.lexicographicallyPrecedes($1) }.map { values in
            let wanted = Dictionary(uniqueKeysWithValues: zip(keys, values))
            let value = self.value(where: { groupValues in keys.allSatisfy { (groupValues[$0] ?? "") == wanted[$0] } }) ?? 0
            return (wanted, value)
        }
    }

    /// A value with each stored property given.
    package init(
        metric: RatedMetric,
        buckets: [(groupValues: [String: String], bucket: UsageBucket)],
        uniqueValues: [(groupValues: [String: String], value: String)]
    ) {
        self.metric = metric
        self.buckets = buckets
        self.uniqueValues = uniqueValues
    }
}
