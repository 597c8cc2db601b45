import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

/// Usage counted from stored events (what `/v1/usage` reads) equals usage read from the hourly rollup (what invoices read).
@Suite struct UsageAggregationAgreementTests {
    /// SplitMix64: a small deterministic generator, so that a failing seed replays exactly.
    struct SplitMix64: RandomNumberGenerator {
        private var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// True with probability `probability`.
        mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }

        /// One of `choices`, picked uniformly.
        mutating func pick<T>(_ choices: [T]) -> T { choices[Int.random(in: 0..<choices.count, using: &self)] }

        /// A number in `range`, picked uniformly.
        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

        /// A random subset of `values`, in their order.
        mutating func subset(of values: [String]) -> [String] { values.filter { _ in chance(0.5) } }
    }

    private static let now = Timestamp(rfc3339: "2026-03-10T00:00:00Z")!
    private static let hour = UsageRollup.millisecondsPerHour
    // Events fall in [now - 24 h, now + 24 h): ingest refuses what is more than a day ahead of
    // `now`, and an event more than the grace period (a day) before it makes ingest settle
    // invoices first. Every event is thus current and the rollup is all ingest changes.
    private static let firstHour = now.millisecondsSinceEpoch - 24 * hour
    private static let hourCount = 48

    private static let eventTypes = ["api_call", "upload", "heartbeat"]
    private static let refs = ["cust-a", "alias-a", "cust-b", "cust-c"]
    private static let refSets = [["cust-a", "alias-a"], ["cust-b"], ["cust-a", "alias-a", "cust-b", "cust-c"], ["nobody"]]

    /// Metrics every seed has, so that each aggregation type and each kind of filter is covered.
    private static let fixedMetrics: [BillableMetricDefinition] = [
        .init(
            aggregationType: .count, eventTypeFilter: .init(inValues: ["api_call", "upload"]), propertyFilters: [], groupKeys: [["region"]]
        ),
        .init(
            aggregationType: .sum, aggregationKey: "bytes", eventTypeFilter: .init(notInValues: ["heartbeat"]),
            propertyFilters: [.init(name: "region", exists: true)], groupKeys: [["region"], ["region", "tier"]]
        ),
        .init(
            aggregationType: .max, aggregationKey: "bytes", propertyFilters: [.init(name: "tier", notInValues: ["gold"])],
            groupKeys: [["tier"]]
        ),
        .init(
            aggregationType: .latest, aggregationKey: "bytes", eventTypeFilter: .init(inValues: ["api_call"]),
            propertyFilters: [.init(name: "tier", inValues: ["gold", "silver", "1"])], groupKeys: [["region"]]
        ),
        .init(aggregationType: .latest, aggregationKey: "latency", propertyFilters: [], groupKeys: []),
        .init(
            aggregationType: .unique, aggregationKey: "user", propertyFilters: [.init(name: "error", exists: false)],
            groupKeys: [["region"], ["tier"]]
        ),
        .init(aggregationType: .unique, aggregationKey: "bytes", propertyFilters: [], groupKeys: [["region", "tier"]]),
    ]

    @Test(arguments: [UInt64](1...10))
    func eventsAndRollupAgree(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let database = try AppDatabase.inMemory()
        let events = Self.randomEvents(&random, seed: seed)
        var batches: [[NewUsageEvent]] = []
        var rest = events[...]
        while !rest.isEmpty {
            let size = random.int(1...40)
            batches.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        // Some metrics exist before the events they count (folded at ingest), others are made
        // after (backfilled from stored events), and some in between.
        let definitions = Self.fixedMetrics + (0..<6).map { _ in Self.randomMetric(&random) }
        let createdBefore = definitions.map { _ in random.int(0...batches.count) }
        var counted = 0
        for step in 0...batches.count {
            for (index, definition) in definitions.enumerated() where createdBefore[index] == step {
                _ = try await database.createBillableMetric(
                    name: "metric \(index)", definition: definition, customFields: [:], now: Self.now
                )
            }
            if step < batches.count { counted += try await database.ingest(batches[step], now: Self.now) }
        }
        // Of events repeating a `transaction_id`, the first sent counts, alone.
        let firstSent = Dictionary(events.map { ($0.transactionId, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(counted == firstSent.count)
        let fullWindow = Self.hourWindow(-1, Self.hourCount + 1)
        let everything = try await database.usageEvents(
            refs: Self.refs, startingAt: fullWindow.lowerBound, endingBefore: fullWindow.upperBound
        )
        #expect(everything.count == firstSent.count)
        #expect(everything.allSatisfy { stored in
            guard let sent = firstSent[stored.transactionId] else { return false }
            return (sent.timestamp, sent.customerRef, sent.eventType) == (stored.timestamp, stored.customerRef, stored.eventType)
        })

        let metrics = try await database.writer.read { db in try AppDatabase.rolledUpMetrics(db) }
        #expect(metrics.count == definitions.count)
        var exercised: Set<AggregationType> = []
        var windows = [fullWindow]
        for _ in 0..<5 {
            let start = random.int(-2...(Self.hourCount + 1))
            windows.append(Self.hourWindow(start, start + random.pick([1, 1, 2, 5, 24, 30, 52])))
        }
        for window in windows {
            for refs in Self.refSets {
                let stored = try await database.usageEvents(refs: refs, startingAt: window.lowerBound, endingBefore: window.upperBound)
                let usage = try await database.writer.read { db in
                    try AppDatabase.metricUsage(metrics, refs: refs, from: window.lowerBound, to: window.upperBound, db)
                }
                for metric in metrics {
                    let context = "seed \(seed), \(metric.definition), refs \(refs), "
                        + "[\(window.lowerBound.rfc3339), \(window.upperBound.rfc3339))"
                    // A store without rollup rows for the metric reports the same as one with none.
                    let metricUsage = usage[metric.id] ?? MetricUsage(metric: metric, buckets: [], uniqueValues: [])
                    let matching = stored.filter(metric.definition.matches)
                    compare(metric, events: matching, window: window, usage: metricUsage, context)
                    if let type = metric.definition.aggregationType, (metric.definition.aggregate(matching) ?? 0) != 0 {
                        exercised.insert(type)
                    }
                }
            }
        }
        // Agreement on nothing but empty windows would prove little.
        #expect(exercised == Set(AggregationType.allCases), "seed \(seed)")
    }

    /// LATEST where the last event has no quantity: both paths pass it over, so the value is the
    /// last quantity sent (the two once disagreed here).
    @Test func latestOfEventsWhoseLastHasNoQuantity() async throws {
        let database = try AppDatabase.inMemory()
        // The key must exist (as Metronome requires of an aggregation key); the last value is no number.
        let definition = BillableMetricDefinition(
            aggregationType: .latest, aggregationKey: "bytes", propertyFilters: [.init(name: "bytes", exists: true)], groupKeys: []
        )
        _ = try await database.createBillableMetric(name: "latest bytes", definition: definition, customFields: [:], now: Self.now)
        let start = Timestamp(millisecondsSinceEpoch: Self.now.millisecondsSinceEpoch - Self.hour)
        try await database.ingest([
            NewUsageEvent(transactionId: "t1", customerRef: "c", eventType: "e", timestamp: start, propertiesJSON: #"{"bytes":5}"#),
            NewUsageEvent(
                transactionId: "t2", customerRef: "c", eventType: "e",
                timestamp: Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + 1), propertiesJSON: #"{"bytes":"n/a"}"#
            ),
        ], now: Self.now)
        let events = try await database.usageEvents(refs: ["c"], startingAt: start, endingBefore: Self.now).filter(definition.matches)
        let fromEvents = UsageAggregation.values(of: definition, events: events, windows: [start..<Self.now])[0]
        let fromRollup = try await database.writer.read { db in
            try AppDatabase.metricUsage(AppDatabase.rolledUpMetrics(db), refs: ["c"], from: start, to: Self.now, db)
        }.values.first?.value(where: { _ in true })
        #expect(fromEvents == 5)
        #expect(fromRollup == 5)
    }

    /// Checks a metric's value over `events` (those in `window` it matches) against the rollup's, in all and per group key.
    private func compare(_ metric: RatedMetric, events: [UsageEvent], window: Range<Timestamp>, usage: MetricUsage, _ context: String) {
        let definition = metric.definition
        let fromEvents = UsageAggregation.values(of: definition, events: events, windows: [window])[0]
        expectAgreement(fromEvents, usage.value(where: { _ in true }), definition, events, "value, \(context)")
        // `total` reports nothing counted as zero, where the events path gives nil (MAX, LATEST).
        expectAgreement(fromEvents ?? 0, usage.total, definition, events, zeroForNothing: true, "total, \(context)")

        for key in metric.groupKeyNames {
            let groups = UsageAggregation.groups(of: definition, events: events, key: key, values: nil)
            let rollupValues = Set(usage.buckets.compactMap { $0.groupValues[key] })
            #expect(Set(groups.keys) == rollupValues, "group values of \(key), \(context)")
            func valued(_ value: String) -> [UsageEvent] { events.filter { $0.properties[key]?.propertyText == value } }
            for (value, groupValue) in groups {
                expectAgreement(
                    groupValue, usage.value(where: { $0[key] == value }), definition, valued(value), "\(key)=\(value), \(context)"
                )
            }

            // `grouped(by:)` differs from `groups` in representation only: it gives zero where
            // `groups` gives nil, and files usage without the key under "" (an invoice line must
            // account for all of it) where `groups` leaves it out, so its "" holds the events
            // without the key and those whose value is "".
            let grouped = Dictionary(uniqueKeysWithValues: usage.grouped(by: [key]).map { ($0.groupValues[key] ?? "?", $0.value) })
            var expected = groups.filter { $0.key != "" }.mapValues { $0 ?? 0 }
            let unnamed = events.filter { ($0.properties[key]?.propertyText ?? "") == "" }
            if !unnamed.isEmpty { expected[""] = definition.aggregate(unnamed) ?? 0 }
            #expect(Set(grouped.keys) == Set(expected.keys), "grouped by \(key), \(context)")
            for (value, want) in expected {
                let inGroup = value == "" ? unnamed : valued(value)
                expectAgreement(want, grouped[value], definition, inGroup, zeroForNothing: true, "grouped \(key)=\(value), \(context)")
            }
        }
    }

    /// Expects both paths' values equal.
    private func expectAgreement(
        _ fromEvents: Decimal?, _ fromRollup: Decimal?, _ definition: BillableMetricDefinition, _ events: [UsageEvent],
        zeroForNothing: Bool = false, _ context: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(fromEvents == fromRollup, "\(context)", sourceLocation: sourceLocation)
    }

    /// The window from hour `start` to hour `end`, counted from the first hour events fall in.
    private static func hourWindow(_ start: Int, _ end: Int) -> Range<Timestamp> {
        let hourStart = { (index: Int) in Timestamp(millisecondsSinceEpoch: firstHour + Int64(index) * hour) }
        return hourStart(start)..<hourStart(end)
    }

    /// A metric of random aggregation, filters and group keys over the properties events carry.
    private static func randomMetric(_ random: inout SplitMix64) -> BillableMetricDefinition {
        let type = random.pick(AggregationType.allCases)
        let eventTypeFilter: EventTypeFilter? = switch random.int(0...2) {
        case 0: nil
        case 1: EventTypeFilter(inValues: random.subset(of: eventTypes))
        default: EventTypeFilter(notInValues: random.subset(of: eventTypes))
        }
        let propertyFilters = (0..<random.int(0...2)).map { _ -> PropertyFilter in
            let name = random.pick(["region", "tier", "bytes", "error", "user"])
            let values = random.subset(of: ["us", "eu", "", "gold", "silver", "1", "true", "u1", "u2", "3"])
            return switch random.int(0...3) {
            case 0: PropertyFilter(name: name, exists: random.chance(0.5))
            case 1: PropertyFilter(name: name, inValues: values)
            case 2: PropertyFilter(name: name, notInValues: values)
            default: PropertyFilter(name: name, exists: true, notInValues: values)
            }
        }
        return BillableMetricDefinition(
            aggregationType: type, aggregationKey: type == .count ? nil : random.pick(["bytes", "latency", "user", "tier"]),
            eventTypeFilter: eventTypeFilter, propertyFilters: propertyFilters,
            groupKeys: random.pick([[], [["region"]], [["tier"]], [["region"], ["region", "tier"]], [["user"]]])
        )
    }

    /// Events over `hourCount` hours, some at the edges of an hour, some sharing a moment, some
    /// repeating an earlier `transaction_id` (with other contents: only the first counts).
    private static func randomEvents(_ random: inout SplitMix64, seed: UInt64) -> [NewUsageEvent] {
        var events: [NewUsageEvent] = []
        for index in 0..<random.int(120...240) {
            let transactionId = !events.isEmpty && random.chance(0.1) ? random.pick(events).transactionId : "t\(seed)-\(index)"
            let timestamp: Timestamp
            if !events.isEmpty && random.chance(0.1) {
                timestamp = random.pick(events).timestamp
            } else {
                let inside = Int64.random(in: 0..<hour, using: &random)
                let offset = random.pick([0, hour - 1, inside])
                timestamp = Timestamp(millisecondsSinceEpoch: firstHour + Int64(random.int(0...(hourCount - 1))) * hour + offset)
            }
            events.append(NewUsageEvent(
                transactionId: transactionId, customerRef: random.pick(refs), eventType: random.pick(eventTypes),
                timestamp: timestamp, propertiesJSON: randomProperties(&random)
            ))
        }
        return events
    }

    /// A properties object as JSON text: numbers in several JSON spellings, numeric and other
    /// strings, booleans, nulls, missing properties, and now and then a property given twice.
    private static func randomProperties(_ random: inout SplitMix64) -> String {
        let numbers = [
            "0", "1", "7", "-3", "1.50", "-2.25", "1e2", "2.5E-1", "-0.0", "0.000001", "12345678901234567890", "99999999999999999999.5",
        ]
        let strings = ["\"3\"", "\"-4.25\"", "\" 7 \"", "\"1e3\"", "\"abc\"", "\"\"", "\"0x10\"", "\"1.5abc\"", "\"1.50\""]
        var members: [(String, String)] = []
        func add(_ name: String, _ probability: Double, _ value: String) {
            if random.chance(probability) { members.append((name, value)) }
        }
        add("region", 0.85, random.pick(["\"us\"", "\"us\"", "\"eu\"", "\"ap\"", "\"\"", "1", "null"]))
        add("tier", 0.7, random.pick(["\"gold\"", "\"silver\"", "\"1\"", "1", "true", "null"]))
        add("bytes", 0.8, random.chance(0.6) ? random.pick(numbers) : random.pick(strings + ["true", "null"]))
        add("latency", 0.6, random.pick(numbers + ["\"12\""]))
        add("user", 0.75, random.pick(["\"u1\"", "\"u2\"", "\"u3\"", "\"u4\"", "7", "\"7\"", "7.0"]))
        add("error", 0.2, random.pick(["true", "\"timeout\""]))
        add("noise", 0.3, #"{"bytes":[1,2],"region":"xx"}"#)
        add("bytes", 0.05, random.pick(numbers))
        members.shuffle(using: &random)
        return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}
