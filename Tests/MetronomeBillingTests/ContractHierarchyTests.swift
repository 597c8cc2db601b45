import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct ContractHierarchyTests {
    private let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")
    private let jan = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
    private let feb = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!

    private func commit(_ id: String, contractId: String, childAccess: CommitChildAccess? = nil) -> CommitTerms {
        CommitTerms(
            id: id, kind: .commit, type: .prepaid, customerId: "c", contractId: contractId, productId: "fixed", priority: 1,
            creditTypeId: "usd", accessSchedule: [AccessSegment(id: "\(id)-s", amount: 0, startingAt: jan, endingBefore: feb)],
            customFields: [:], createdAt: jan, childAccess: childAccess
        )
    }

    private func usage(_ quantity: Decimal) -> InvoiceLineItem {
        InvoiceLineItem(
            name: "Units", total: quantity * 100, creditType: usd, type: "usage", productId: "p", quantity: quantity,
            unitPrice: 100, startingAt: jan, endingBefore: feb
        )
    }

    @Test func childAccessAdmitsWhatItNames() {
        #expect(CommitChildAccess.all.admits("child"))
        #expect(!CommitChildAccess.none.admits("child"))
        #expect(CommitChildAccess.contractIds(["a", "b"]).admits("b"))
        #expect(!CommitChildAccess.contractIds(["a"]).admits("b"))
    }

    @Test func aParentsCommitPaysForAChildOnlyWhenItShares() {
        let line = usage(3)
        #expect(Drawdown.applies(commit("shared", contractId: "parent", childAccess: .all), to: line, contractId: "child", tags: []))
        #expect(!Drawdown.applies(commit("kept", contractId: "parent", childAccess: .none), to: line, contractId: "child", tags: []))
        #expect(!Drawdown.applies(commit("unset", contractId: "parent"), to: line, contractId: "child", tags: []))
        #expect(Drawdown.applies(commit("own", contractId: "child"), to: line, contractId: "child", tags: []))
    }

    @Test func theChildsOwnCommitDrawsBeforeTheParentsWhenAllElseTies() {
        let shared = SegmentBalance(commit: commit("a-shared", contractId: "parent", childAccess: .all), segment: AccessSegment(
            id: "a-shared-s", amount: 1000, startingAt: jan, endingBefore: feb), remaining: 1000)
        let own = SegmentBalance(commit: commit("z-own", contractId: "child"), segment: AccessSegment(
            id: "z-own-s", amount: 300, startingAt: jan, endingBefore: feb), remaining: 300)
        // 500 of usage: the child's 300 first (though its ID sorts last), then 200 of the parent's.
        let result = Drawdown.apply(to: [usage(5)], balances: [shared, own], contractId: "child", tags: [:])
        #expect(result.draws.map(\.commitId) == ["z-own", "a-shared"])
        #expect(result.draws.map(\.amount) == [300, 200])
    }
}
