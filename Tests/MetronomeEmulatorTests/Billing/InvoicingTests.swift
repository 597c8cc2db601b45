import Foundation
import Testing

@testable import MetronomeEmulator

@Suite struct BillingPeriodTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    @Test func monthlyPeriodsKeepTheDayAndClampShortMonths() {
        let cadence = BillingCadence.monthly(from: at("2026-01-31T00:00:00Z"), until: nil)
        let periods = cadence.periods(startedBefore: at("2026-05-01T00:00:00Z"))
        #expect(periods.map(\.start.rfc3339) == [
            "2026-01-31T00:00:00.000Z", "2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z", "2026-04-30T00:00:00.000Z",
        ])
        #expect(periods.map(\.index) == [0, 1, 2, 3])
        #expect(periods.last?.end == at("2026-05-31T00:00:00Z"))
    }

    @Test func anEndCutsTheLastPeriodAndStopsTheRest() {
        let cadence = BillingCadence.monthly(from: at("2026-01-01T00:00:00Z"), until: at("2026-02-15T00:00:00Z"))
        let periods = cadence.periods(startedBefore: at("2027-01-01T00:00:00Z"))
        #expect(periods.map(\.end) == [at("2026-02-01T00:00:00Z"), at("2026-02-15T00:00:00Z")])
        #expect(cadence.period(covering: at("2026-02-20T00:00:00Z")) == nil)
        #expect(cadence.period(covering: at("2026-02-14T23:00:00Z"))?.index == 1)
    }

    @Test func anchoredCadencesStartWithAPartialPeriod() {
        let start = at("2026-01-15T10:00:00Z")
        let firstOfMonth = BillingCadence(start: start, end: nil, anchor: BillingCadence.startOfMonth(start), length: .months(3))
        #expect(firstOfMonth.periods(startedBefore: at("2026-05-01T00:00:00Z")).map(\.end) == [
            at("2026-04-01T00:00:00Z"), at("2026-07-01T00:00:00Z"),
        ])
        let weekly = BillingCadence(start: start, end: nil, anchor: at("2025-12-29T00:00:00Z"), length: .days(7))
        #expect(weekly.periods(startedBefore: at("2026-01-20T00:00:00Z")).map(\.end) == [
            at("2026-01-19T00:00:00Z"), at("2026-01-26T00:00:00Z"),
        ])
        #expect(BillingPeriod(index: 0, start: start, end: at("2026-02-01T00:00:00Z")).finalizesAt == at("2026-02-02T00:00:00Z"))
    }

    @Test func aTrialIsAPeriodOfItsOwnAndMonthsResumeAtItsEnd() {
        let cadence = BillingCadence.monthly(
            from: at("2026-01-01T00:00:00Z"), until: nil, trialEnd: at("2026-02-15T00:00:00Z")
        )
        let periods = cadence.periods(startedBefore: at("2026-03-20T00:00:00Z"))
        #expect(periods.map(\.end) == [at("2026-02-15T00:00:00Z"), at("2026-03-15T00:00:00Z"), at("2026-04-15T00:00:00Z")])
        #expect(periods.map(\.index) == [0, 1, 2])
        let cut = BillingCadence.monthly(from: at("2026-01-01T00:00:00Z"), until: at("2026-01-20T00:00:00Z"), trialEnd: at("2026-02-15T00:00:00Z"))
        #expect(cut.periods(startedBefore: at("2026-06-01T00:00:00Z")).map(\.end) == [at("2026-01-20T00:00:00Z")])
    }

    @Test func nothingBeforeTheStart() {
        let cadence = BillingCadence.monthly(from: at("2026-03-01T00:00:00Z"), until: nil)
        #expect(cadence.periods(startedBefore: at("2026-03-01T00:00:00Z")).isEmpty)
        #expect(cadence.periods(startedBefore: at("2026-03-01T00:00:00.001Z")).count == 1)
    }
}

@Suite struct GraduatedTierTests {
    @Test func eachTierPricesOnlyItsUnits() {
        let slices = GraduatedTiers.slices(of: 1500, tiers: [(0, 2), (1000, Decimal(string: "1.5")!), (5000, 1)])
        #expect(slices.map(\.quantity) == [1000, 500])
        #expect(slices.map(\.subtotal) == [2000, 750])
        #expect(slices.map(\.size) == [1000, 4000])
        #expect(GraduatedTiers.slices(of: 0, tiers: [(0, 2), (10, 1)]).map(\.quantity) == [0])
        #expect(GraduatedTiers.slices(of: -3, tiers: [(0, 2), (10, 1)]).map(\.subtotal) == [-6])
    }

    @Test func sizesBecomeFirstUnits() {
        let starts = GraduatedTiers.starts(sizes: [(10, 5), (90, 3), (nil, 1)])
        #expect(starts.map(\.startingAt) == [0, 10, 100])
        #expect(starts.map(\.price) == [5, 3, 1])
    }
}

@Suite struct PlanRatingTests {
    private let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")
    private let period = BillingPeriod(
        index: 0, start: Timestamp(millisecondsSinceEpoch: 0), end: Timestamp(millisecondsSinceEpoch: 31 * Timestamp.millisecondsPerDay)
    )

    private func charge(_ id: String, _ type: PlanChargeType, product: String, prices: [(Decimal, Decimal)], metric: String? = nil, startPeriod: Decimal? = nil) -> PlanCharge {
        PlanCharge(
            id: id, name: "Charge on \(product)", chargeType: type, productId: product, productName: "Product \(product)",
            billableMetricId: metric, creditTypeId: nil,
            prices: prices.map { PlanChargePrice(tier: $0.0, value: $0.1) }, quantity: type == .fixed ? 2 : nil,
            startPeriod: startPeriod
        )
    }

    @Test func usageAndFixedChargesWithAdjustments() {
        let plan = PlanDefinition(id: "p", name: "Plan", charges: [
            charge("u", .usage, product: "a", prices: [(0, 3), (10, 1)], metric: "m"),
            charge("f", .fixed, product: "b", prices: [(0, 100)]),
        ])
        let adjustments = [
            PriceAdjustment(adjustmentType: .override, chargeId: "f", startPeriod: 0, value: 80),
            PriceAdjustment(adjustmentType: .quantity, chargeId: "f", startPeriod: 0, quantity: 3),
        ]
        let content = PlanRating.rate(
            plan: plan, adjustments: adjustments, period: period, usage: ["m": 25], addedCharges: [], creditType: usd,
            creditTypeNames: [:]
        )
        #expect(content.lineItems.map(\.total) == [45, 240])
        #expect(content.lineItems[0].subLineItems?.first?.tiers?.map(\.subtotal) == [30, 15])
        #expect(content.total == 285)
    }

    @Test func rampsPickTheLatestStartReached() {
        let plan = PlanDefinition(id: "p", name: "Plan", charges: [
            charge("a", .fixed, product: "x", prices: [(0, 10)]),
            charge("b", .fixed, product: "x", prices: [(0, 20)], startPeriod: 2),
        ])
        #expect(PlanRating.charges(of: plan, inPeriod: 1).map(\.id) == ["a"])
        #expect(PlanRating.charges(of: plan, inPeriod: 2).map(\.id) == ["b"])
    }
}

@Suite struct InvoiceBreakdownTests {
    private func invoice(total: Decimal, quantity: Decimal) -> InvoiceDocument {
        let usd = InvoiceCreditType(id: "usd", name: "USD")
        return InvoiceDocument(
            id: "i", customerId: "c", creditType: usd,
            lineItems: [InvoiceLineItem(name: "Calls", total: total, creditType: usd, type: "usage", productId: "p", quantity: quantity)],
            status: "DRAFT", total: total, type: "USAGE"
        )
    }

    @Test func aWindowIsWhatItAddsToTheRunningInvoice() {
        let share = InvoiceBreakdown.difference(invoice(total: 70, quantity: 40), minus: invoice(total: 50, quantity: 25))
        #expect(share.total == 20)
        #expect(share.lineItems.first?.quantity == 15)
        #expect(InvoiceBreakdown.difference(invoice(total: 5, quantity: 1), minus: nil).total == 5)
    }
}

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

@Suite struct InvoicePDFTests {
    @Test func theDocumentHasAValidCrossReferenceTable() throws {
        let bytes = InvoicePDF.document(pages: [["Hello (world)"], ["Page two"]])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-1.4"))
        #expect(text.hasSuffix("%%EOF\n"))
        #expect(text.contains("(Hello \\(world\\)) '"))
        let startxref = try #require(text.range(of: "startxref\n"))
        let offset = Int(text[startxref.upperBound...].prefix { $0.isNumber })!
        #expect(Array(bytes[offset..<offset + 4]) == Array("xref".utf8))
        let firstObject = try #require(text.range(of: "1 0 obj"))
        let recorded = text.components(separatedBy: "\n").first { $0.hasSuffix(" 00000 n ") }!
        #expect(Int(recorded.prefix(10)) == text.utf8.distance(from: text.utf8.startIndex, to: firstObject.lowerBound))
    }
}
