import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct AlertEvaluationTests {
    private let usd = CreditTypes.usdCentsId
    private let periodStart = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)  // 2026-01-01
    private let now = Timestamp(millisecondsSinceEpoch: 1_768_478_400_000)  // 2026-01-15T12:00Z

    private func rule(_ type: AlertType, _ threshold: Decimal, filters: AlertFilters = AlertFilters(), metric: String? = nil) -> AlertRule {
        AlertRule(type: type, threshold: threshold, creditTypeId: usd, billableMetricId: metric, filters: filters)
    }

    private func figures(spend: [UsageSpendFigure] = [], invoices: [DraftInvoiceFigure] = []) -> CustomerAlertFigures {
        var figures = CustomerAlertFigures()
        figures.currentPeriodStart = periodStart
        figures.usageLines = spend
        figures.draftInvoices = invoices
        return figures
    }

    @Test func spendCountsUsageLinesOfTheCreditTypeFromTheThresholdOn() {
        let lines = [
            UsageSpendFigure(creditTypeId: usd, amount: 20),
            UsageSpendFigure(creditTypeId: usd, amount: Decimal(string: "9.5")!),
            UsageSpendFigure(creditTypeId: "custom", amount: 1000),
        ]
        #expect(!AlertEvaluation.condition(rule(.spendThresholdReached, 30), figures: figures(spend: lines)).reached)
        let reached = AlertEvaluation.condition(rule(.spendThresholdReached, Decimal(string: "29.5")!), figures: figures(spend: lines))
        #expect(reached.reached && reached.trigger == "usage" && reached.window == periodStart.rfc3339)
    }

    @Test func spendWithGroupValuesCountsOnlyMatchingLines() {
        let lines = [
            UsageSpendFigure(creditTypeId: usd, amount: 50, groupValues: ["org": "finance"]),
            UsageSpendFigure(creditTypeId: usd, amount: 70, groupValues: ["org": "sales"]),
            UsageSpendFigure(creditTypeId: usd, amount: 90),
        ]
        let finance = AlertFilters(groupValues: [AlertGroupValue(key: "org", value: "finance")])
        #expect(!AlertEvaluation.condition(rule(.spendThresholdReached, 60, filters: finance), figures: figures(spend: lines)).reached)
        let anyOrg = AlertFilters(groupValues: [AlertGroupValue(key: "org", value: nil)])
        #expect(AlertEvaluation.condition(rule(.spendThresholdReached, 120, filters: anyOrg), figures: figures(spend: lines)).reached)
        #expect(!AlertEvaluation.condition(rule(.spendThresholdReached, 121, filters: anyOrg), figures: figures(spend: lines)).reached)
    }

    @Test func invoiceTotalsHonourTheTypesFilter() {
        let invoices = [DraftInvoiceFigure(invoiceType: "PLAN_ARREARS", creditTypeId: usd, total: 5040)]
        #expect(AlertEvaluation.condition(rule(.invoiceTotalReached, 5040), figures: figures(invoices: invoices)).reached)
        let usageOnly = AlertFilters(invoiceTypesFilter: ["usage"])
        #expect(!AlertEvaluation.condition(rule(.invoiceTotalReached, 1, filters: usageOnly), figures: figures(invoices: invoices)).reached)
        #expect(!AlertEvaluation.condition(rule(.monthlyInvoiceTotalSpendThresholdReached, 5041), figures: figures(invoices: invoices)).reached)
    }

    @Test func usageComparesTheMetricsPeriodQuantity() {
        var input = figures()
        input.metricQuantities = ["m": 99]
        #expect(!AlertEvaluation.condition(rule(.usageThresholdReached, 100, metric: "m"), figures: input).reached)
        input.metricQuantities["m"] = 100
        #expect(AlertEvaluation.condition(rule(.usageThresholdReached, 100, metric: "m"), figures: input).reached)
        #expect(!AlertEvaluation.condition(rule(.usageThresholdReached, 100, metric: "other"), figures: input).reached)
    }

    @Test func periodAlertsAreOkWithoutACurrentPeriod() {
        var input = CustomerAlertFigures()
        input.metricQuantities = ["m": 1000]
        #expect(AlertEvaluation.condition(rule(.spendThresholdReached, 0), figures: input) == .clear())
        #expect(AlertEvaluation.condition(rule(.usageThresholdReached, 1, metric: "m"), figures: input) == .clear())
    }

    @Test func daysLeftInPlan() {
        var input = CustomerAlertFigures()
        #expect(!AlertEvaluation.condition(rule(.lowRemainingDaysInPlanReached, 7), figures: input).reached)
        input.daysLeftInPlan = Decimal(string: "6.5")
        #expect(AlertEvaluation.condition(rule(.lowRemainingDaysInPlanReached, 7), figures: input).reached)
        input.daysLeftInPlan = 8
        #expect(!AlertEvaluation.condition(rule(.lowRemainingDaysInPlanReached, 7), figures: input).reached)
    }

    @Test func balanceAlertsAreOkWithoutBalancesAndFireAtOrBelowTheThreshold() {
        var input = figures()
        for type in [AlertType.lowCreditBalanceReached, .lowRemainingCommitBalanceReached, .lowRemainingSeatBalanceReached,
                     .lowRemainingContractCreditAndCommitPercentageReached, .lowRemainingDaysForCommitSegmentReached] {
            #expect(!AlertEvaluation.condition(rule(type, 1_000_000), figures: input).reached)
        }
        input.remainingBalances = [
            BalanceFigure(kind: .commit, id: "c1", creditTypeId: usd, remaining: 300, granted: 1000, daysLeftInSegment: 40),
            BalanceFigure(kind: .contractCredit, id: "k1", creditTypeId: usd, remaining: 200, granted: 1000, daysLeftInSegment: 3),
            BalanceFigure(kind: .commit, id: "q1", creditTypeId: nil, accessType: .quantity, remaining: 1, granted: 10),
        ]
        #expect(AlertEvaluation.condition(rule(.lowRemainingCommitBalanceReached, 300), figures: input).reached)
        #expect(!AlertEvaluation.condition(rule(.lowRemainingCommitBalanceReached, 299), figures: input).reached)
        #expect(AlertEvaluation.condition(rule(.lowRemainingContractCreditAndCommitBalanceReached, 500), figures: input).reached)
        #expect(AlertEvaluation.condition(rule(.lowRemainingContractCreditAndCommitPercentageReached, 25), figures: input).reached)
        #expect(!AlertEvaluation.condition(rule(.lowRemainingCommitPercentageReached, 29), figures: input).reached)
        #expect(AlertEvaluation.condition(rule(.lowRemainingDaysForContractCreditSegmentReached, 3), figures: input).reached)
        #expect(!AlertEvaluation.condition(rule(.lowRemainingDaysForCommitSegmentReached, 3), figures: input).reached)
        let quantity = AlertFilters(accessType: .quantity)
        #expect(AlertEvaluation.condition(rule(.lowRemainingCommitBalanceReached, 1, filters: quantity), figures: input).reached)
        #expect(!AlertEvaluation.condition(rule(.lowCreditBalanceReached, 1_000_000), figures: input).reached)
    }

    @Test func creditGrantTypeFiltersPickTheGrants() {
        var input = figures()
        input.remainingBalances = [
            BalanceFigure(kind: .creditGrant, id: "g1", creditTypeId: usd, remaining: 10, granted: 100, creditGrantType: "trial"),
            BalanceFigure(kind: .creditGrant, id: "g2", creditTypeId: usd, remaining: 500, granted: 500, creditGrantType: "paid"),
        ]
        #expect(!AlertEvaluation.condition(rule(.lowCreditBalanceReached, 100), figures: input).reached)
        let trial = AlertFilters(creditGrantTypeFilters: ["trial"])
        #expect(AlertEvaluation.condition(rule(.lowCreditBalanceReached, 100, filters: trial), figures: input).reached)
        #expect(AlertEvaluation.condition(rule(.lowRemainingCreditPercentageReached, 10, filters: trial), figures: input).reached)
    }

    // MARK: - State

    private func at(_ minutes: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + minutes * 60_000) }

    @Test func alarmKeepsWhatTriggeredItAndWhenItChanged() {
        let reached = AlertCondition(reached: true, trigger: "usage", window: "p1")
        let first = AlertEvaluation.nextState(previous: nil, condition: .clear(window: "p1"), now: at(0))
        #expect(first.status == .ok && first.updatedAt == at(0))
        let alarmed = AlertEvaluation.nextState(previous: first, condition: reached, now: at(5))
        #expect(alarmed.status == .inAlarm && alarmed.triggeredBy == "usage" && alarmed.updatedAt == at(5))
        let still = AlertEvaluation.nextState(previous: alarmed, condition: reached, now: at(9))
        #expect(still == alarmed)
        let cleared = AlertEvaluation.nextState(previous: still, condition: .clear(window: "p2"), now: at(20))
        #expect(cleared.status == .ok && cleared.triggeredBy == nil && cleared.updatedAt == at(20))
    }

    @Test func suppressionHoldsUntilTheConditionClearsOrTheWindowChanges() {
        let reachedP1 = AlertCondition(reached: true, trigger: "usage", window: "p1")
        let suppressed = AlertEvaluation.stateAtCreation(condition: reachedP1, now: at(0))
        #expect(suppressed?.status == .ok && suppressed?.isSuppressed == true)
        #expect(AlertEvaluation.stateAtCreation(condition: .clear(window: "p1"), now: at(0)) == nil)

        let held = AlertEvaluation.nextState(previous: suppressed, condition: reachedP1, now: at(1))
        #expect(held.status == .ok && held.isSuppressed)
        let newWindow = AlertEvaluation.nextState(
            previous: held, condition: AlertCondition(reached: true, trigger: "usage", window: "p2"), now: at(2)
        )
        #expect(newWindow.status == .inAlarm && !newWindow.isSuppressed)

        let cleared = AlertEvaluation.nextState(previous: held, condition: .clear(window: "p1"), now: at(3))
        #expect(cleared.status == .ok && !cleared.isSuppressed)
        #expect(AlertEvaluation.nextState(previous: cleared, condition: reachedP1, now: at(4)).status == .inAlarm)
    }
}
