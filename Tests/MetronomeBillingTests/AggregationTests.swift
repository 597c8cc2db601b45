import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct AggregationTests {
    private func event(_ minute: Int, type: String = "api", _ properties: [String: JSONValue] = [:], id: String? = nil) -> UsageEvent {
        UsageEvent(
            transactionId: id ?? "t\(minute)", customerRef: "c", eventType: type,
            timestamp: Timestamp(millisecondsSinceEpoch: Int64(minute) * 60_000), properties: properties
        )
    }

    private func metric(_ type: AggregationType, key: String? = "n", filters: [PropertyFilter] = []) -> BillableMetricDefinition {
        BillableMetricDefinition(aggregationType: type, aggregationKey: key, eventTypeFilter: nil, propertyFilters: filters, groupKeys: [], sql: nil)
    }

    @Test func eachAggregationOverDecimalsWithoutDrift() {
        let events = [
            event(1, ["n": .number(Decimal(string: "0.1")!), "user": .string("a")]),
            event(3, ["n": .string("0.2"), "user": .string("b")]),
            event(2, ["n": .number(-1), "user": .string("a")]),
            event(4, ["user": .string("c")]),
        ]
        #expect(metric(.count, key: nil).aggregate(events) == 4)
        #expect(metric(.sum).aggregate(events) == Decimal(string: "-0.7"))
        #expect(metric(.max).aggregate(events) == Decimal(string: "0.2"))
        #expect(metric(.latest).aggregate(Array(events.prefix(3))) == Decimal(string: "0.2"))
        #expect(metric(.unique, key: "user").aggregate(events) == 3)
        #expect(metric(.max).aggregate([]) == nil)
        #expect(metric(.sum).aggregate([]) == 0)
    }

    @Test func filtersMatchAsMetronomeDescribes() {
        let definition = BillableMetricDefinition(
            aggregationType: .count, aggregationKey: nil,
            eventTypeFilter: EventTypeFilter(inValues: ["api"], notInValues: nil),
            propertyFilters: [
                PropertyFilter(name: "region", exists: true, inValues: ["us", "eu"], notInValues: nil),
                PropertyFilter(name: "test", exists: false, inValues: nil, notInValues: nil),
                PropertyFilter(name: "tier", exists: nil, inValues: nil, notInValues: ["2"]),
            ],
            groupKeys: [], sql: nil
        )
        #expect(definition.matches(event(1, ["region": .string("us")])))
        #expect(definition.matches(event(1, ["region": .string("eu"), "tier": .number(1)])))
        #expect(!definition.matches(event(1, ["region": .string("eu"), "tier": .number(2)])))
        #expect(!definition.matches(event(1, type: "web", ["region": .string("us")])))
        #expect(!definition.matches(event(1, ["region": .string("ap")])))
        #expect(!definition.matches(event(1, [:])))
        #expect(!definition.matches(event(1, ["region": .string("us"), "test": .bool(true)])))
    }

    @Test func windowsCoverTheRangeAndCutTheLast() {
        let start = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
        let end = Timestamp(rfc3339: "2026-01-03T00:00:00Z")!
        #expect(WindowSize.day.windows(from: start, to: end).count == 2)
        #expect(WindowSize.hour.windows(from: start, to: end).count == 48)
        #expect(WindowSize.none.windows(from: start, to: end) == [start..<end])
        let ragged = WindowSize.day.windows(from: start, to: Timestamp(rfc3339: "2026-01-02T06:00:00Z")!)
        #expect(ragged.last?.upperBound == Timestamp(rfc3339: "2026-01-02T06:00:00Z"))
    }

    @Test func groupsReportAskedValuesEvenWithoutEvents() {
        let events = [event(1, ["n": 1, "region": "us"]), event(2, ["n": 2, "region": "us"]), event(3, ["n": 5, "region": "eu"])]
        let groups = UsageAggregation.groups(of: metric(.sum), events: events, key: "region", values: ["us", "ap"])
        let expected: [String: Decimal?] = ["us": 3, "ap": nil]
        #expect(groups == expected)
        let seen: [String: Decimal?] = ["us": 3, "eu": 5]
        #expect(UsageAggregation.groups(of: metric(.sum), events: events, key: "region", values: nil) == seen)
    }
}

extension JSONValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    public init(integerLiteral value: Int) { self = .number(Decimal(value)) }
    public init(stringLiteral value: String) { self = .string(value) }
}
