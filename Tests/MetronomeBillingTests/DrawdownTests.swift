import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct DrawdownTests {
    private let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")
    private let jan = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
    private let feb = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!

    private func commit(
        _ id: String, kind: CommitKind = .commit, type: CommitType? = .prepaid, priority: Decimal? = nil,
        products: [String]? = nil, invoiced: Bool = false
    ) -> CommitTerms {
        CommitTerms(
            id: id, kind: kind, type: kind == .credit ? nil : type, customerId: "c", contractId: "k", productId: "fixed",
            name: id, priority: priority, creditTypeId: "usd",
            accessSchedule: [AccessSegment(id: "\(id)-s", amount: 0, startingAt: jan, endingBefore: feb)],
            invoiceSchedule: invoiced
                ? InvoiceScheduleTerms(creditTypeId: "usd", items: [InvoiceItem(id: "i", amount: 1, quantity: 1, unitPrice: 1, timestamp: jan)], doNotInvoice: false)
                : nil,
            applicableProductIds: products, customFields: [:], createdAt: jan
        )
    }

    private func balance(_ commit: CommitTerms, _ amount: Decimal) -> SegmentBalance {
        SegmentBalance(commit: commit, segment: commit.accessSchedule[0], remaining: amount)
    }

    private func usage(_ quantity: Decimal, price: Decimal, product: String = "p", type: String = "usage") -> InvoiceLineItem {
        InvoiceLineItem(
            name: "Units", total: quantity * price, creditType: usd, type: type, productId: product, quantity: quantity,
            unitPrice: price, startingAt: jan, endingBefore: feb
        )
    }

    @Test func theDocsWorkedExample() {
        let result = Drawdown.apply(to: [usage(80, price: 100)], balances: [balance(commit("c1"), 5000)], contractId: "k", tags: [:])
        #expect(result.lines.map(\.type) == ["usage", "applied_commit_or_credit", "usage"])
        #expect(result.lines.map(\.total) == [5000, -5000, 3000])
        #expect(result.lines.map(\.quantity) == [50, nil, 30])
        #expect(result.lines[1].appliedCommitOrCredit?.type == "PREPAID")
        #expect(Drawdown.total(of: result.lines, creditTypeId: "usd") == 3000)
        #expect(result.draws == [SegmentDraw(commitId: "c1", segmentId: "c1-s", amount: 5000)])
    }

    @Test func aQuantityBalanceCountsUnitsNotTheirCost() {
        var units = commit("units")
        units.accessType = .quantity
        // 50 units pay for 50 of the 80 at 100 cents: 5000 cents' worth, 50 drawn.
        let result = Drawdown.apply(to: [usage(80, price: 100)], balances: [balance(units, 50)], contractId: "k", tags: [:])
        #expect(result.lines.map(\.total) == [5000, -5000, 3000])
        #expect(result.lines.map(\.quantity) == [50, nil, 30])
        #expect(result.draws == [SegmentDraw(commitId: "units", segmentId: "units-s", amount: 50)])
        // Read back from the invoice: the covered line's units, not the application's cents.
        let drawn = result.lines.compactMap { Drawdown.drawn(by: $0, quantityCommitIds: ["units"]) }
        #expect(drawn == [SegmentDraw(commitId: "units", segmentId: "units-s", amount: 50)])
        #expect(result.lines.compactMap { Drawdown.drawn(by: $0, quantityCommitIds: []) }.map(\.amount) == [5000])
    }

    @Test func freeBeforePaidThenPriorityThenNarrower() {
        let paid = commit("paid", invoiced: true)
        let credit = commit("credit", kind: .credit)
        let urgent = commit("urgent", priority: 1, invoiced: true)
        let narrow = commit("narrow", products: ["p"])
        let ordered = [balance(paid, 1), balance(credit, 1), balance(urgent, 1), balance(narrow, 1)]
            .sorted(by: Drawdown.drawsFirst).map(\.commit.id)
        #expect(ordered == ["urgent", "narrow", "credit", "paid"])
        let postpaid = commit("postpaid", type: .postpaid, priority: 0)
        #expect([balance(postpaid, 1), balance(paid, 1)].sorted(by: Drawdown.drawsFirst).map(\.commit.id) == ["paid", "postpaid"])
    }

    @Test func usageIsCoveredBeforeSubscriptionsAndOnlyByApplicableCommits() {
        let lines = [usage(1, price: 10, product: "seat", type: "subscription"), usage(2, price: 10, product: "other")]
        let onlySeat = commit("seat-only", products: ["seat"])
        let any = commit("any")
        let result = Drawdown.apply(
            to: lines, balances: [balance(onlySeat, 100), balance(any, 15)], contractId: "k", tags: [:]
        )
        let applied = result.lines.filter { $0.type == "applied_commit_or_credit" }.map { ($0.commitId ?? "", $0.total) }
        #expect(applied.map(\.0) == ["seat-only", "any"])
        #expect(applied.map(\.1) == [-10, -15])
        #expect(Drawdown.total(of: result.lines, creditTypeId: "usd") == 5)
    }

    @Test func postpaidApplicationsDoNotReduceTheTotal() {
        let result = Drawdown.apply(
            to: [usage(10, price: 10)], balances: [balance(commit("post", type: .postpaid), 60)], contractId: "k", tags: [:]
        )
        #expect(result.lines.map(\.total) == [60, -60, 40])
        #expect(Drawdown.total(of: result.lines, creditTypeId: "usd") == 100)
    }
}
