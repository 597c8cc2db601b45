import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct CommitSpecificOverridesTests {
    private let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")
    private let jan = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
    private let feb = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!

    private func override(
        _ type: OverrideType, multiplier: Decimal? = nil, price: Decimal? = nil, commitIds: [String]? = nil,
        target: CommitRateType? = nil, commitSpecific: Bool = true
    ) -> OverrideTerms {
        OverrideTerms(
            id: UUID().uuidString, type: type, startingAt: jan, productId: commitIds == nil ? "p" : nil,
            specifiers: commitIds.map { [CommitSpecifier(productId: "p", commitIds: $0)] }, multiplier: multiplier,
            overwriteRate: price.map { OverwriteRate(rateType: .flat, price: $0) }, target: target,
            isCommitSpecific: commitSpecific, createdAt: jan
        )
    }

    private func commit(_ id: String, amount: Decimal, rateType: CommitRateType? = nil, priority: Decimal = 1) -> SegmentBalance {
        let terms = CommitTerms(
            id: id, kind: .commit, type: .prepaid, customerId: "c", contractId: "k", productId: "f", priority: priority,
            creditTypeId: "usd", accessSchedule: [AccessSegment(id: "\(id)-s", amount: amount, startingAt: jan, endingBefore: feb)],
            rateType: rateType, customFields: [:], createdAt: jan
        )
        return SegmentBalance(commit: terms, segment: terms.accessSchedule[0], remaining: amount)
    }

    private func line(_ units: Decimal, prices: [CommitSpecificPrice], commitPrices: [(startingAt: Decimal, price: Decimal)]? = nil)
        -> InvoiceLineItem {
        var line = InvoiceLineItem(
            name: "Units", total: units * 100, creditType: usd, type: "usage", productId: "p", quantity: units, unitPrice: 100,
            startingAt: jan, endingBefore: feb
        )
        line.commitPrices = commitPrices
        line.commitSpecificPrices = prices
        return line
    }

    @Test func aCommitSpecificOverrideLeavesTheListRateAndPricesCommitDraws() {
        let rate = Rate(productId: "p", entitled: true, rateType: .flat, startingAt: jan, price: 100)
        let overrides = [override(.multiplier, multiplier: 0.5)]
        #expect(ContractRules.applyOverrides(overrides, to: rate, productTags: [], at: jan).overrideRate == nil)
        let prices = ContractRules.commitSpecificPrices(overrides, to: rate, productTags: [], at: jan)
        #expect(prices.map(\.target) == [.listRate] && prices.first?.commits == CommitSelection(ids: nil))
        #expect(prices.first?.prices.map(\.price) == [50])
        // 1000 at 50 a unit pays for 20 of 30 units; 10 stay at 100.
        let result = Drawdown.apply(to: [line(30, prices: prices)], balances: [commit("c", amount: 1000)], contractId: "k", tags: [:])
        #expect(result.lines.map(\.total) == [1000, -1000, 1000])
        #expect(result.lines.map(\.quantity) == [20, nil, 10])
    }

    @Test func anOverrideNamingCommitsPricesOnlyTheirDraws() {
        let rate = Rate(productId: "p", entitled: true, rateType: .flat, startingAt: jan, price: 100)
        let prices = ContractRules.commitSpecificPrices([override(.overwrite, price: 40, commitIds: ["named"])], to: rate,
                                                        productTags: [], at: jan)
        #expect(prices.first?.commits == CommitSelection(ids: ["named"]))
        // "plain" draws first: 300 at list pays 3 units; "named" pays 400 / 40 = 10; 7 are left.
        let balances = [commit("plain", amount: 300, priority: 1), commit("named", amount: 400, priority: 2)]
        let result = Drawdown.apply(to: [line(20, prices: prices)], balances: balances, contractId: "k", tags: [:])
        #expect(result.lines.filter { $0.type == "usage" }.map(\.quantity) == [3, 10, 7])
        #expect(result.lines.filter { $0.type == "usage" }.map(\.total) == [300, 400, 700])
    }

    @Test func aCommitRateTargetSetsTheCommitRateAndAListRateTargetTheListRate() {
        var rate = Rate(productId: "p", entitled: true, rateType: .flat, startingAt: jan, price: 100)
        rate.commitRate = CommitRate(rateType: .flat, price: 80)
        let overrides = [override(.multiplier, multiplier: 0.75, target: .commitRate), override(.multiplier, multiplier: 0.5)]
        let prices = ContractRules.commitSpecificPrices(overrides, to: rate, productTags: [], at: jan)
        // The commit rate 80 × 0.75 = 60; the list rate 100 × 0.5 = 50.
        #expect(prices.map(\.target) == [.commitRate, .listRate] && prices.map { $0.prices.map(\.price) } == [[60], [50]])
        let commitRateLine = line(20, prices: prices, commitPrices: [(0, 80)])
        // The COMMIT_RATE commit pays 600 / 60 = 10 units; the LIST_RATE one 250 / 50 = 5; 5 are left.
        let balances = [commit("cr", amount: 600, priority: 1), commit("lr", amount: 250, rateType: .listRate, priority: 2)]
        let result = Drawdown.apply(to: [commitRateLine], balances: balances, contractId: "k", tags: [:])
        #expect(result.lines.filter { $0.type == "usage" }.map(\.unitPrice) == [60, 50, 100])
        #expect(result.lines.filter { $0.type == "usage" }.map(\.quantity) == [10, 5, 5])
    }

    @Test func aSelectionTakesInTheCommitsOfANamedRecurringCommit() {
        var made = commit("instance", amount: 1).commit
        made.recurringCommitId = "recurring"
        #expect(CommitSelection(ids: ["recurring"]).includes(made))
        #expect(!CommitSelection(ids: ["other"]).includes(made))
        #expect(CommitSelection(ids: nil).includes(made))
    }
}
