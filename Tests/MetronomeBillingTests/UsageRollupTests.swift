import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct UsageRollupTests {
    @Test func bucketsCombineToTheSameValuesAsTheEvents() {
        let metric = RatedMetric(id: "m", definition: BillableMetricDefinition(
            aggregationType: .sum, aggregationKey: "n", eventTypeFilter: nil, propertyFilters: [], groupKeys: [["region"]], sql: nil
        ))
        // Grouped by another key that holds the same values: its group texts must name its own key.
        let byZone = RatedMetric(id: "z", definition: BillableMetricDefinition(
            aggregationType: .count, aggregationKey: nil, eventTypeFilter: nil, propertyFilters: [], groupKeys: [["zone"]], sql: nil
        ))
        var folded = UsageRollup.Folded()
        for (minute, (value, region)) in [("1.1", "eu"), ("2.2", "us"), ("3.3", "eu")].enumerated() {
            UsageRollup.fold(
                UsageEvent(
                    transactionId: "t\(minute)", customerRef: "c", eventType: "e",
                    timestamp: Timestamp(millisecondsSinceEpoch: Int64(minute) * 3_600_000),
                    properties: ["n": .string(value), "region": .string(region), "zone": .string(region)]
                ),
                into: &folded, metrics: [metric, byZone]
            )
        }
        let buckets = folded.buckets.filter { $0.key.billableMetricId == "m" }
        #expect(buckets.count == 3)
        #expect(Set(buckets.keys.map(\.groupValues)) == [#"{"region":"eu"}"#, #"{"region":"us"}"#])
        #expect(Set(folded.buckets.keys.filter { $0.billableMetricId == "z" }.map(\.groupValues)) == [#"{"zone":"eu"}"#, #"{"zone":"us"}"#])
        let usage = MetricUsage(
            metric: metric, buckets: buckets.map { (UsageRollup.groupValues($0.key.groupValues), $0.value) }, uniqueValues: []
        )
        #expect(usage.total == Decimal(string: "6.6"))
        #expect(usage.grouped(by: ["region"]).map(\.value) == [Decimal(string: "4.4")!, Decimal(string: "2.2")!])
        #expect(UsageRollup.groupValuesText(["a", "b"], ["b": .string("x\"y"), "a": .number(1)]) == #"{"a":"1","b":"x\"y"}"#)
        #expect(UsageRollup.groupValuesText(["k"], ["k": .string("a\\b\nc")]) == #"{"k":"a\\b\u000ac"}"#)
        #expect(UsageRollup.groupValuesText(["missing", "k"], ["k": .string("é")]) == #"{"k":"é"}"#)
    }
}
