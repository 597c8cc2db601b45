import Foundation
import MetronomeCodecs

/// The kinds of threshold notification (`alert_type`), as the SDK lists them.
package enum AlertType: String, WireEnum {
    case lowCreditBalanceReached = "low_credit_balance_reached"
    case spendThresholdReached = "spend_threshold_reached"
    case monthlyInvoiceTotalSpendThresholdReached = "monthly_invoice_total_spend_threshold_reached"
    case lowRemainingDaysInPlanReached = "low_remaining_days_in_plan_reached"
    case lowRemainingCreditPercentageReached = "low_remaining_credit_percentage_reached"
    case usageThresholdReached = "usage_threshold_reached"
    case lowRemainingDaysForCommitSegmentReached = "low_remaining_days_for_commit_segment_reached"
    case lowRemainingCommitBalanceReached = "low_remaining_commit_balance_reached"
    case lowRemainingCommitPercentageReached = "low_remaining_commit_percentage_reached"
    case lowRemainingDaysForContractCreditSegmentReached = "low_remaining_days_for_contract_credit_segment_reached"
    case lowRemainingContractCreditBalanceReached = "low_remaining_contract_credit_balance_reached"
    case lowRemainingContractCreditPercentageReached = "low_remaining_contract_credit_percentage_reached"
    case lowRemainingContractCreditAndCommitBalanceReached = "low_remaining_contract_credit_and_commit_balance_reached"
    case lowRemainingContractCreditAndCommitPercentageReached = "low_remaining_contract_credit_and_commit_percentage_reached"
    case invoiceTotalReached = "invoice_total_reached"
    case lowRemainingSeatBalanceReached = "low_remaining_seat_balance_reached"
}

/// Which commits and credits a balance alert counts: those you can spend in a credit type, or
/// those that grant a quantity of some product.
package enum BalanceAccessType: String, WireEnum {
    case spend = "SPEND"
    case quantity = "QUANTITY"
}

/// What an alert watches, as evaluation needs it (the stored alert without names and IDs).
package struct AlertRule: Sendable {
    package var type: AlertType
    package var threshold: Decimal
    package var creditTypeId: String
    package var billableMetricId: String?
    /// `group_values` of a spend alert: only usage lines carrying each pair count.
    package var groupValues: [(key: String, value: String?)] = []
    /// `invoice_types_filter`: only invoices of these types count; empty means all.
    package var invoiceTypes: [String] = []
    /// `credit_grant_type_filters`: only credit grants of these types count; empty means all.
    package var creditGrantTypes: [String] = []
    package var accessType: BalanceAccessType?
    package var seatFilter: (key: String, value: String?)?

    /// A value with each stored property given.
    package init(
        type: AlertType,
        threshold: Decimal,
        creditTypeId: String,
        billableMetricId: String? = nil,
        groupValues: [(key: String, value: String?)] = [],
        invoiceTypes: [String] = [],
        creditGrantTypes: [String] = [],
        accessType: BalanceAccessType? = nil,
        seatFilter: (key: String, value: String?)? = nil
    ) {
        self.type = type
        self.threshold = threshold
        self.creditTypeId = creditTypeId
        self.billableMetricId = billableMetricId
        self.groupValues = groupValues
        self.invoiceTypes = invoiceTypes
        self.creditGrantTypes = creditGrantTypes
        self.accessType = accessType
        self.seatFilter = seatFilter
    }
}

/// One usage line of a current-period draft invoice, before any commit or credit drawdown.
package struct UsageSpendFigure: Sendable, Equatable {
    package var creditTypeId: String
    package var amount: Decimal
    /// The group (presentation or pricing) values the line is for; empty for a line of all usage.
    package var groupValues: [String: String] = [:]

    /// A value with each stored property given.
    package init(creditTypeId: String, amount: Decimal, groupValues: [String: String] = [:]) {
        self.creditTypeId = creditTypeId
        self.amount = amount
        self.groupValues = groupValues
    }
}

/// A current-period draft invoice's total.
package struct DraftInvoiceFigure: Sendable, Equatable {
    package var invoiceType: String
    package var creditTypeId: String
    package var total: Decimal

    /// A value with each stored property given.
    package init(invoiceType: String, creditTypeId: String, total: Decimal) {
        self.invoiceType = invoiceType
        self.creditTypeId = creditTypeId
        self.total = total
    }
}

/// A remaining balance: a credit grant, a commit or contract credit, or a seat balance, as the
/// balance-based alerts see it.
package struct BalanceFigure: Sendable, Equatable {
    /// What holds the balance.
    package enum Kind: Sendable, Equatable {
        /// A legacy credit grant (`low_credit_balance_reached`, `low_remaining_credit_percentage_reached`).
        case creditGrant
        /// A contract commit (prepaid or postpaid).
        case commit
        /// A contract credit.
        case contractCredit
        /// A seat balance of a subscription.
        case seat
    }

    package var kind: Kind
    /// The commit, credit, grant or seat balance ID, for `triggered_by`-style reporting.
    package var id: String
    /// The credit type it is spent in; nil for QUANTITY access.
    package var creditTypeId: String?
    package var accessType: BalanceAccessType = .spend
    /// What is left now.
    package var remaining: Decimal
    /// What was granted in all, for the percentage alerts.
    package var granted: Decimal
    /// Days until the active segment ends, for the days-left alerts; nil if it never ends.
    package var daysLeftInSegment: Decimal?
    /// A credit grant's `credit_grant_type`.
    package var creditGrantType: String?
    /// A seat balance's group key and value.
    package var seatGroupKey: String?
    package var seatGroupValue: String?

    /// A value with each stored property given.
    package init(
        kind: Kind,
        id: String,
        creditTypeId: String? = nil,
        accessType: BalanceAccessType = .spend,
        remaining: Decimal,
        granted: Decimal,
        daysLeftInSegment: Decimal? = nil,
        creditGrantType: String? = nil,
        seatGroupKey: String? = nil,
        seatGroupValue: String? = nil
    ) {
        self.kind = kind
        self.id = id
        self.creditTypeId = creditTypeId
        self.accessType = accessType
        self.remaining = remaining
        self.granted = granted
        self.daysLeftInSegment = daysLeftInSegment
        self.creditGrantType = creditGrantType
        self.seatGroupKey = seatGroupKey
        self.seatGroupValue = seatGroupValue
    }
}

/// Everything alert evaluation reads about one customer at one moment.
package struct CustomerAlertFigures: Sendable {
    /// Usage lines of the current-period draft invoices.
    package var usageLines: [UsageSpendFigure] = []
    /// The current-period draft invoices.
    package var draftInvoices: [DraftInvoiceFigure] = []
    /// Quantity of each billable metric (by ID) over the current billing period.
    package var metricQuantities: [String: Decimal] = [:]
    /// Start of the current billing period (the earliest start of the current drafts); nil when
    /// the customer has no current period.
    package var currentPeriodStart: Timestamp?
    /// Days until the customer's current plan ends (the soonest, if several); nil if none ends.
    package var daysLeftInPlan: Decimal?
    /// When that plan ends.
    package var planEndsAt: Timestamp?
    /// Commit, credit and seat balances; empty until contracts and credits feed it.
    package var remainingBalances: [BalanceFigure] = []

    /// Usage spend in `creditTypeId`, counting only lines that carry every pair of `groupValues`.
    package func usageSpend(creditTypeId: String, groupValues: [(key: String, value: String?)] = []) -> Decimal {
        usageLines.filter { line in
            line.creditTypeId == creditTypeId && groupValues.allSatisfy { pair in
                guard let value = line.groupValues[pair.key] else { return false }
                return pair.value.map { $0 == value } ?? true
            }
        }.reduce(0) { $0 + $1.amount }
    }

    /// A value with each stored property given.
    package init(
        usageLines: [UsageSpendFigure] = [],
        draftInvoices: [DraftInvoiceFigure] = [],
        metricQuantities: [String: Decimal] = [:],
        currentPeriodStart: Timestamp? = nil,
        daysLeftInPlan: Decimal? = nil,
        planEndsAt: Timestamp? = nil,
        remainingBalances: [BalanceFigure] = []
    ) {
        self.usageLines = usageLines
        self.draftInvoices = draftInvoices
        self.metricQuantities = metricQuantities
        self.currentPeriodStart = currentPeriodStart
        self.daysLeftInPlan = daysLeftInPlan
        self.planEndsAt = planEndsAt
        self.remainingBalances = remainingBalances
    }
}

/// Whether an alert's threshold is reached for a customer, and in which window: the same
/// condition in a new window (a new billing period, a new plan end) is a new crossing.
package struct AlertCondition: Sendable, Equatable {
    package var reached: Bool
    /// What caused it when reached, shown as `triggered_by`.
    package var trigger: String?
    /// Identifies the window the figure belongs to, e.g. the current billing period's start.
    package var window: String?

    /// Not reached.
    package static func clear(window: String? = nil) -> AlertCondition { AlertCondition(reached: false, trigger: nil, window: window) }

    /// A value with each stored property given.
    package init(reached: Bool, trigger: String? = nil, window: String? = nil) {
        self.reached = reached
        self.trigger = trigger
        self.window = window
    }
}

/// A customer's status for an alert (`customer_status`).
package enum CustomerAlertStatus: String, Codable, Sendable {
    case ok
    case inAlarm = "in_alarm"
    case evaluating
}

/// What is remembered of a customer's evaluation of one alert.
package struct CustomerAlertState: Sendable, Equatable {
    package var status: CustomerAlertStatus
    package var triggeredBy: String?
    /// Set when the alert was created with `evaluate_on_create: false` while the customer was
    /// already past the threshold: it stays `ok` until the condition clears or its window changes.
    package var isSuppressed: Bool = false
    /// The window the suppression holds in.
    package var suppressedWindow: String?
    /// When `status` last changed.
    package var updatedAt: Timestamp

    /// A value with each stored property given.
    package init(
        status: CustomerAlertStatus,
        triggeredBy: String? = nil,
        isSuppressed: Bool = false,
        suppressedWindow: String? = nil,
        updatedAt: Timestamp
    ) {
        self.status = status
        self.triggeredBy = triggeredBy
        self.isSuppressed = isSuppressed
        self.suppressedWindow = suppressedWindow
        self.updatedAt = updatedAt
    }
}

/// Threshold-notification evaluation: pure functions from a customer's figures to a status.
package enum AlertEvaluation {
    /// Whether `rule`'s threshold is reached given `figures`. Balance alerts with no matching
    /// balance, and period alerts with no current period, are not reached (`ok`).
    package static func condition(_ rule: AlertRule, figures: CustomerAlertFigures) -> AlertCondition {
        let period = figures.currentPeriodStart?.rfc3339
        switch rule.type {
        case .spendThresholdReached:
            guard period != nil else { return .clear() }
            let spend = figures.usageSpend(creditTypeId: rule.creditTypeId, groupValues: rule.groupValues)
            return AlertCondition(reached: spend >= rule.threshold, trigger: "usage", window: period)
        case .usageThresholdReached:
            guard period != nil, let metricId = rule.billableMetricId else { return .clear() }
            let quantity = figures.metricQuantities[metricId] ?? 0
            return AlertCondition(reached: quantity >= rule.threshold, trigger: "usage", window: period)
        case .monthlyInvoiceTotalSpendThresholdReached, .invoiceTotalReached:
            guard period != nil else { return .clear() }
            let reached = figures.draftInvoices.contains { invoice in
                invoice.creditTypeId == rule.creditTypeId
                    && (rule.invoiceTypes.isEmpty || rule.invoiceTypes.contains { $0.uppercased() == invoice.invoiceType.uppercased() })
                    && invoice.total >= rule.threshold
            }
            return AlertCondition(reached: reached, trigger: "usage", window: period)
        case .lowRemainingDaysInPlanReached:
            guard let days = figures.daysLeftInPlan else { return .clear() }
            return AlertCondition(reached: days <= rule.threshold, trigger: "plan_end", window: figures.planEndsAt?.rfc3339)
        default:
            return balanceCondition(rule, balances: figures.remainingBalances)
        }
    }

    /// What a balance-based alert measures.
    private enum BalanceMeasure { case balance, percentage, daysLeft }

    /// The kinds of balance an alert type reads and what it measures of them; nil for the
    /// alerts that are not balance-based.
    private static func balanceMeasure(_ type: AlertType) -> (kinds: [BalanceFigure.Kind], measure: BalanceMeasure)? {
        switch type {
        case .lowCreditBalanceReached: ([.creditGrant], .balance)
        case .lowRemainingCreditPercentageReached: ([.creditGrant], .percentage)
        case .lowRemainingCommitBalanceReached: ([.commit], .balance)
        case .lowRemainingCommitPercentageReached: ([.commit], .percentage)
        case .lowRemainingDaysForCommitSegmentReached: ([.commit], .daysLeft)
        case .lowRemainingContractCreditBalanceReached: ([.contractCredit], .balance)
        case .lowRemainingContractCreditPercentageReached: ([.contractCredit], .percentage)
        case .lowRemainingDaysForContractCreditSegmentReached: ([.contractCredit], .daysLeft)
        case .lowRemainingContractCreditAndCommitBalanceReached: ([.commit, .contractCredit], .balance)
        case .lowRemainingContractCreditAndCommitPercentageReached: ([.commit, .contractCredit], .percentage)
        case .lowRemainingSeatBalanceReached: ([.seat], .balance)
        default: nil
        }
    }

    /// The balances of `kinds` that `rule` reads.
    private static func matchingBalances(_ rule: AlertRule, kinds: [BalanceFigure.Kind], balances: [BalanceFigure]) -> [BalanceFigure] {
        let accessType = rule.accessType ?? .spend
        return balances.filter { balance in
            guard kinds.contains(balance.kind) else { return false }
            if balance.kind == .seat {
                guard let filter = rule.seatFilter else { return true }
                return balance.seatGroupKey == filter.key && (filter.value.map { $0 == balance.seatGroupValue } ?? true)
            }
            if balance.kind != .creditGrant && balance.accessType != accessType { return false }
            if accessType == .spend && balance.creditTypeId != rule.creditTypeId { return false }
            if balance.kind == .creditGrant && !rule.creditGrantTypes.isEmpty {
                return balance.creditGrantType.map(rule.creditGrantTypes.contains) ?? false
            }
            return true
        }
    }

    /// What is left of the balances a balance alert (`low_remaining_*_balance_reached`) reads,
    /// for its notification's `remaining_balance`; nil for other alerts or with no balance.
    package static func remainingBalance(_ rule: AlertRule, figures: CustomerAlertFigures) -> Decimal? {
        guard let (kinds, measure) = balanceMeasure(rule.type), measure == .balance else { return nil }
        let matching = matchingBalances(rule, kinds: kinds, balances: figures.remainingBalances)
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.remaining }
    }

    /// The balance-based alerts, over the balances that match the rule.
    private static func balanceCondition(_ rule: AlertRule, balances: [BalanceFigure]) -> AlertCondition {
        guard let (kinds, measure) = balanceMeasure(rule.type) else { return .clear() }
        let matching = matchingBalances(rule, kinds: kinds, balances: balances)
        guard !matching.isEmpty else { return .clear() }
        let reached: Bool
        switch measure {
        case .balance:
            reached = matching.reduce(0) { $0 + $1.remaining } <= rule.threshold
        case .percentage:
            let granted = matching.reduce(Decimal(0)) { $0 + $1.granted }
            guard granted > 0 else { return .clear() }
            reached = matching.reduce(Decimal(0)) { $0 + $1.remaining } / granted * 100 <= rule.threshold
        case .daysLeft:
            reached = matching.contains { balance in balance.daysLeftInSegment.map { $0 <= rule.threshold } ?? false }
        }
        return AlertCondition(reached: reached, trigger: "usage", window: nil)
    }

    /// The state at creation with `evaluate_on_create: false`: a customer already past the
    /// threshold is suppressed in the current window; nil when nothing needs remembering.
    package static func stateAtCreation(condition: AlertCondition, now: Timestamp) -> CustomerAlertState? {
        guard condition.reached else { return nil }
        return CustomerAlertState(status: .ok, triggeredBy: nil, isSuppressed: true, suppressedWindow: condition.window, updatedAt: now)
    }

    /// The state after evaluating `condition` from `previous` (nil: never evaluated). A suppressed
    /// customer stays `ok` while the condition holds in the same window; once it clears, or a new
    /// window begins, the suppression ends. `triggered_by` is kept from the moment the alarm began.
    package static func nextState(previous: CustomerAlertState?, condition: AlertCondition, now: Timestamp) -> CustomerAlertState {
        var state = previous ?? CustomerAlertState(status: .evaluating, triggeredBy: nil, updatedAt: now)
        if state.isSuppressed {
            if condition.reached && state.suppressedWindow == condition.window {
                if state.status != .ok { state.updatedAt = now }
                state.status = .ok
                return state
            }
            state.isSuppressed = false
            state.suppressedWindow = nil
        }
        let status: CustomerAlertStatus = condition.reached ? .inAlarm : .ok
        if status != state.status {
            state.status = status
            state.triggeredBy = condition.reached ? condition.trigger : nil
            state.updatedAt = now
        }
        return state
    }
}

// MARK: - An alert's filters

/// The optional filters of an alert, kept as sent and shown back on the alert.
package struct AlertFilters: Sendable {
    package var accessType: BalanceAccessType?
    package var alertSpecifiers: [AlertSpecifier]?
    package var creditGrantTypeFilters: [String]?
    package var customFieldFilters: [AlertCustomFieldFilter]?
    package var groupValues: [AlertGroupValue]?
    package var invoiceTypesFilter: [String]?
    package var seatFilter: AlertSeatFilter?

    /// A value with each stored property given.
    package init(
        accessType: BalanceAccessType? = nil,
        alertSpecifiers: [AlertSpecifier]? = nil,
        creditGrantTypeFilters: [String]? = nil,
        customFieldFilters: [AlertCustomFieldFilter]? = nil,
        groupValues: [AlertGroupValue]? = nil,
        invoiceTypesFilter: [String]? = nil,
        seatFilter: AlertSeatFilter? = nil
    ) {
        self.accessType = accessType
        self.alertSpecifiers = alertSpecifiers
        self.creditGrantTypeFilters = creditGrantTypeFilters
        self.customFieldFilters = customFieldFilters
        self.groupValues = groupValues
        self.invoiceTypesFilter = invoiceTypesFilter
        self.seatFilter = seatFilter
    }
}

/// The entities a custom field filter of an alert can name.
package enum AlertCustomFieldEntity: String, WireEnum {
    case contract = "Contract"
    case commit = "Commit"
    case contractCredit = "ContractCredit"
    case contractCreditOrCommit = "ContractCreditOrCommit"
}

/// A custom field an alert's balances must carry (`value` may be left out in specifiers).
package struct AlertCustomFieldFilter: Sendable {
    package var entity: AlertCustomFieldEntity
    package var key: String
    package var value: String?

    /// A value with each stored property given.
    package init(entity: AlertCustomFieldEntity, key: String, value: String? = nil) {
        self.entity = entity
        self.key = key
        self.value = value
    }
}

/// Which commits and credits a combined balance alert counts, and which of them it leaves out.
package struct AlertSpecifier: Sendable {
    package var customFieldFilters: [AlertCustomFieldFilter]?
    package var exclude: [Exclusion]?

    /// Balances matching these filters are left out.
    package struct Exclusion: Sendable {
        package var customFieldFilters: [AlertCustomFieldFilter]?

        /// A value with each stored property given.
        package init(customFieldFilters: [AlertCustomFieldFilter]? = nil) {
            self.customFieldFilters = customFieldFilters
        }
    }

    /// A value with each stored property given.
    package init(customFieldFilters: [AlertCustomFieldFilter]? = nil, exclude: [Exclusion]? = nil) {
        self.customFieldFilters = customFieldFilters
        self.exclude = exclude
    }
}

/// A group key (and optionally value) a spend alert is scoped to.
package struct AlertGroupValue: Sendable {
    package var key: String
    package var value: String?

    /// A value with each stored property given.
    package init(key: String, value: String? = nil) {
        self.key = key
        self.value = value
    }
}

/// The seat group a seat balance alert is scoped to.
package struct AlertSeatFilter: Sendable {
    package var seatGroupKey: String
    package var seatGroupValue: String?

    /// A value with each stored property given.
    package init(seatGroupKey: String, seatGroupValue: String? = nil) {
        self.seatGroupKey = seatGroupKey
        self.seatGroupValue = seatGroupValue
    }
}

extension AlertRule {
    /// The rule of an alert of `type` with these figures and filters.
    package init(type: AlertType, threshold: Decimal, creditTypeId: String, billableMetricId: String?, filters: AlertFilters) {
        self.init(
            type: type, threshold: threshold, creditTypeId: creditTypeId, billableMetricId: billableMetricId,
            groupValues: (filters.groupValues ?? []).map { ($0.key, $0.value) },
            invoiceTypes: filters.invoiceTypesFilter ?? [], creditGrantTypes: filters.creditGrantTypeFilters ?? [],
            accessType: filters.accessType, seatFilter: filters.seatFilter.map { ($0.seatGroupKey, $0.seatGroupValue) }
        )
    }
}
