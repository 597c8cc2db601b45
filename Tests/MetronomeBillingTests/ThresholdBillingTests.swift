import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct ThresholdBillingTests {
    private let jan = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
    private let feb = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!

    private func recharge(threshold: Decimal = 1000, to: Decimal = 5000, enabled: Bool = true, creditType: String? = nil) -> PrepaidBalanceThreshold {
        PrepaidBalanceThreshold(
            isEnabled: enabled, thresholdAmount: threshold, rechargeToAmount: to, customCreditTypeId: creditType, paymentGateType: "NONE",
            commit: .init(productId: "p")
        )
    }

    @Test func aRechargeTopsUpToTheTargetOnceTheBalanceReachesTheThreshold() {
        #expect(recharge().recharge(balance: 1001) == nil)
        #expect(recharge().recharge(balance: 1000) == 4000)
        #expect(recharge().recharge(balance: -200) == 5200)  // an overdrawn balance is topped up too
        #expect(recharge(enabled: false).recharge(balance: 0) == nil)
    }

    @Test func metronomesMinimumsHoldInDollarsOnly() {
        #expect(recharge(threshold: 500, to: 1500).amountsViolation(field: "x.") == nil)
        #expect(recharge(threshold: 499, to: 1500).amountsViolation(field: "x.")?.contains("'x.threshold_amount'") == true)
        #expect(recharge(threshold: 500, to: 1499).amountsViolation(field: "x.")?.contains("'x.recharge_to_amount'") == true)
        #expect(recharge(threshold: 1, to: 2, creditType: "tokens").amountsViolation(field: "x.") == nil)
        #expect(recharge(threshold: 2, to: 2, creditType: "tokens").amountsViolation(field: "x.") != nil)
    }

    @Test func anUpdateReplacesOnlyWhatItGives() {
        let updated = ThresholdUpdate(isEnabled: false, rechargeToAmount: 3000).applied(to: recharge())
        #expect((updated.isEnabled, updated.thresholdAmount, updated.rechargeToAmount) == (false, 1000, 3000))
        let spend = SpendThreshold(isEnabled: true, thresholdAmount: 100, paymentGateType: "NONE", commit: .init(productId: "p"))
        #expect(ThresholdUpdate(thresholdAmount: 250).applied(to: spend).thresholdAmount == 250)
    }

    @Test func aSpendThresholdChargesAllThatIsOutstandingOnceItIsReached() {
        let spend = SpendThreshold(isEnabled: true, thresholdAmount: 1000, paymentGateType: "NONE", commit: .init(productId: "p"))
        #expect(spend.charge(outstanding: 999) == nil)
        #expect(spend.charge(outstanding: 1100) == 1100)
    }

    @Test func aSpendTrackerCountsThePeriodsPurchasesBySource() {
        func commit(_ id: String, amount: Decimal, on day: Timestamp, threshold: Bool) -> CommitTerms {
            CommitTerms(
                id: id, kind: .commit, type: .prepaid, customerId: "c", contractId: "k", productId: "p", creditTypeId: "usd",
                accessSchedule: [AccessSegment(id: "\(id)-s", amount: amount, startingAt: jan, endingBefore: feb)],
                invoiceSchedule: InvoiceScheduleTerms(
                    creditTypeId: "usd", items: [InvoiceItem(id: "\(id)-i", amount: amount, quantity: 1, unitPrice: amount, timestamp: day)],
                    doNotInvoice: false
                ),
                customFields: [:], createdAt: jan, isThresholdCharge: threshold
            )
        }
        let commits = [
            commit("manual", amount: 700, on: jan, threshold: false), commit("recharge", amount: 4300, on: jan, threshold: true),
            commit("next", amount: 50, on: feb, threshold: false),  // the next period's
        ]
        let january = BillingPeriod(index: 0, start: jan, end: feb)
        func tracker(_ sources: [SpendTrackerTerms.Specifier.Source], _ discounted: SpendTrackerTerms.Specifier.Discounted? = nil) -> Decimal {
            SpendTrackerTerms(alias: "t", creditTypeId: "usd", specifiers: [.init(sources: sources, discounted: discounted)])
                .accumulatedSpend(of: commits, in: january)
        }
        #expect(tracker([.manual]) == 700)
        #expect(tracker([.thresholdRecharge]) == 4300)
        #expect(tracker([.manual, .thresholdRecharge], .undiscountedOnly) == 5000)
        #expect(tracker([.manual, .thresholdRecharge], .discountedOnly) == 0)
    }

    @Test func aCommitRateCommitPaysForUnitsAtTheCommitRate() {
        let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")
        var line = InvoiceLineItem(
            name: "Units", total: 2000, creditType: usd, type: "usage", productId: "p", quantity: 20, unitPrice: 100,
            startingAt: jan, endingBefore: feb
        )
        line.commitPrices = [(0, 80)]
        func drawn(_ rateType: CommitRateType) -> [Decimal] {
            let commit = CommitTerms(
                id: "c", kind: .commit, type: .prepaid, customerId: "c", contractId: "k", productId: "f", creditTypeId: "usd",
                accessSchedule: [AccessSegment(id: "s", amount: 800, startingAt: jan, endingBefore: feb)], rateType: rateType,
                customFields: [:], createdAt: jan
            )
            let balance = SegmentBalance(commit: commit, segment: commit.accessSchedule[0], remaining: 800)
            return Drawdown.apply(to: [line], balances: [balance], contractId: "k", tags: [:]).lines.map(\.total)
        }
        // 800 at 80 a unit covers 10 units; the other 10 stay at 100.
        #expect(drawn(.commitRate) == [800, -800, 1000])
        // At list, 800 covers 8 units; 12 are left.
        #expect(drawn(.listRate) == [800, -800, 1200])
    }

    @Test func aTieredCommitRatePricesEachCoveredUnitByItsTier() {
        let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")
        // The second list tier of a rate, from unit 5 on: 15 units at 100.
        var line = InvoiceLineItem(
            name: "Units", total: 1500, creditType: usd, type: "usage", productId: "p", quantity: 15, unitPrice: 100,
            startingAt: jan, endingBefore: feb
        )
        // Commit tiers: units 0-2 at 90, 3-7 at 80, then 70; seen from unit 5: 3 units at 80, then 70.
        line.commitPrices = GraduatedTiers.shifted([(0, 90), (3, 80), (8, 70)], by: 5)
        #expect(line.commitPrices?.map(\.startingAt) == [0, 3] && line.commitPrices?.map(\.price) == [80, 70])
        let commit = CommitTerms(
            id: "c", kind: .commit, type: .prepaid, customerId: "c", contractId: "k", productId: "f", creditTypeId: "usd",
            accessSchedule: [AccessSegment(id: "s", amount: 450, startingAt: jan, endingBefore: feb)], rateType: .commitRate,
            customFields: [:], createdAt: jan
        )
        let balance = SegmentBalance(commit: commit, segment: commit.accessSchedule[0], remaining: 450)
        let result = Drawdown.apply(to: [line], balances: [balance], contractId: "k", tags: [:])
        // 3 × 80 = 240, then 210 / 70 = 3 units; 9 units are left at 100.
        #expect(result.lines.map(\.total) == [240, -240, 210, -210, 900])
        #expect(result.lines.map(\.quantity) == [3, nil, 3, nil, 9])
        #expect(result.draws.map(\.amount) == [240, 210])
    }
}

@Suite struct ThresholdDiscountAndSpecifierTests {
    private let jan = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!

    private func balance(_ id: String, kind: CommitKind, fields: [String: String]) -> CommitTerms {
        CommitTerms(
            id: id, kind: kind, type: kind == .commit ? .prepaid : nil, customerId: "c", contractId: "k", productId: "p",
            creditTypeId: "usd", accessSchedule: [], customFields: fields, createdAt: jan
        )
    }

    @Test func aDiscountInvoicesTheFractionPaid() {
        #expect(ThresholdDiscount(paymentFraction: 0.85).invoiced(5000) == 4250)
    }

    @Test func anExclusionLeavesOutBalancesWithAllItsFieldsOfItsKind() {
        let exclusion = ThresholdBalanceSpecifier.Exclusion(customFieldFilters: [
            .init(entity: .contractCredit, key: "promo", value: "yes"), .init(entity: .contractCredit, key: "region", value: "eu"),
        ])
        var threshold = PrepaidBalanceThreshold(
            isEnabled: true, thresholdAmount: 500, rechargeToAmount: 1500, paymentGateType: "NONE", commit: .init(productId: "p")
        )
        threshold.balanceSpecifiers = [ThresholdBalanceSpecifier(exclude: [exclusion])]
        #expect(!threshold.counts(balance("both", kind: .credit, fields: ["promo": "yes", "region": "eu"])))
        #expect(threshold.counts(balance("one", kind: .credit, fields: ["promo": "yes"])))
        #expect(threshold.counts(balance("commit", kind: .commit, fields: ["promo": "yes", "region": "eu"])))
    }
}
