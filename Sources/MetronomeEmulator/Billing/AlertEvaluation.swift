import Foundation

/// The kinds of threshold notification (`alert_type`), as the SDK lists them.
enum AlertType: String, WireEnum {
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
enum BalanceAccessType: String, WireEnum {
    case spend = "SPEND"
    case quantity = "QUANTITY"
}

/// What an alert watches, as evaluation needs it (the stored alert without names and IDs).
struct AlertRule: Sendable {
    var type: AlertType
    var threshold: Decimal
    var creditTypeId: String
    var billableMetricId: String?
    /// `group_values` of a spend alert: only usage lines carrying each pair count.
    var groupValues: [(key: String, value: String?)] = []
    /// `invoice_types_filter`: only invoices of these types count; empty means all.
    var invoiceTypes: [String] = []
    /// `credit_grant_type_filters`: only credit grants of these types count; empty means all.
    var creditGrantTypes: [String] = []
    var accessType: BalanceAccessType?
    var seatFilter: (key: String, value: String?)?
}

/// One usage line of a current-period draft invoice, before any commit or credit drawdown.
struct UsageSpendFigure: Sendable, Equatable {
    var creditTypeId: String
    var amount: Decimal
    /// The group (presentation or pricing) values the line is for; empty for a line of all usage.
    var groupValues: [String: String] = [:]
}

/// A current-period draft invoice's total.
struct DraftInvoiceFigure: Sendable, Equatable {
    var invoiceType: String
    var creditTypeId: String
    var total: Decimal
}

/// A remaining balance: a credit grant, a commit or contract credit, or a seat balance, as the
/// balance-based alerts see it.
struct BalanceFigure: Sendable, Equatable {
    /// What holds the balance.
    enum Kind: Sendable, Equatable {
        /// A legacy credit grant (`low_credit_balance_reached`, `low_remaining_credit_percentage_reached`).
        case creditGrant
        /// A contract commit (prepaid or postpaid).
        case commit
        /// A contract credit.
        case contractCredit
        /// A seat balance of a subscription.
        case seat
    }

    var kind: Kind
    /// The commit, credit, grant or seat balance ID, for `triggered_by`-style reporting.
    var id: String
    /// The credit type it is spent in; nil for QUANTITY access.
    var creditTypeId: String?
    var accessType: BalanceAccessType = .spend
    /// What is left now.
    var remaining: Decimal
    /// What was granted in all, for the percentage alerts.
    var granted: Decimal
    /// Days until the active segment ends, for the days-left alerts; nil if it never ends.
    var daysLeftInSegment: Decimal?
    /// A credit grant's `credit_grant_type`.
    var creditGrantType: String?
    /// A seat balance's group key and value.
    var seatGroupKey: String?
    var seatGroupValue: String?
}

/// Everything alert evaluation reads about one customer at one moment.
struct CustomerAlertFigures: Sendable {
    /// Usage lines of the current-period draft invoices.
    var usageLines: [UsageSpendFigure] = []
    /// The current-period draft invoices.
    var draftInvoices: [DraftInvoiceFigure] = []
    /// Quantity of each billable metric (by ID) over the current billing period.
    var metricQuantities: [String: Decimal] = [:]
    /// Start of the current billing period (the earliest start of the current drafts); nil when
    /// the customer has no current period.
    var currentPeriodStart: Timestamp?
    /// Days until the customer's current plan ends (the soonest, if several); nil if none ends.
    var daysLeftInPlan: Decimal?
    /// When that plan ends.
    var planEndsAt: Timestamp?
    /// Commit, credit and seat balances; empty until contracts and credits feed it.
    var remainingBalances: [BalanceFigure] = []

    /// Usage spend in `creditTypeId`, counting only lines that carry every pair of `groupValues`.
    func usageSpend(creditTypeId: String, groupValues: [(key: String, value: String?)] = []) -> Decimal {
        usageLines.filter { line in
            line.creditTypeId == creditTypeId && groupValues.allSatisfy { pair in
                guard let value = line.groupValues[pair.key] else { return false }
                return pair.value.map { $0 == value } ?? true
            }
        }.reduce(0) { $0 + $1.amount }
    }
}

/// Whether an alert's threshold is reached for a customer, and in which window: the same
/// condition in a new window (a new billing period, a new plan end) is a new crossing.
struct AlertCondition: Sendable, Equatable {
    var reached: Bool
    /// What caused it when reached, shown as `triggered_by`.
    var trigger: String?
    /// Identifies the window the figure belongs to, e.g. the current billing period's start.
    var window: String?

    /// Not reached.
    static func clear(window: String? = nil) -> AlertCondition { AlertCondition(reached: false, trigger: nil, window: window) }
}

/// A customer's status for an alert (`customer_status`).
enum CustomerAlertStatus: String, Codable, Sendable {
    case ok
    case inAlarm = "in_alarm"
    case evaluating
}

/// What is remembered of a customer's evaluation of one alert.
struct CustomerAlertState: Sendable, Equatable {
    var status: CustomerAlertStatus
    var triggeredBy: String?
    /// Set when the alert was created with `evaluate_on_create: false` while the customer was
    /// already past the threshold: it stays `ok` until the condition clears or its window changes.
    var isSuppressed = false
    /// The window the suppression holds in.
    var suppressedWindow: String?
    /// When `status` last changed.
    var updatedAt: Timestamp
}

/// Threshold-notification evaluation: pure functions from a customer's figures to a status.
enum AlertEvaluation {
    /// Whether `rule`'s threshold is reached given `figures`. Balance alerts with no matching
    /// balance, and period alerts with no current period, are not reached (`ok`).
    static func condition(_ rule: AlertRule, figures: CustomerAlertFigures) -> AlertCondition {
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

    /// The balance-based alerts, over the balances that match the rule.
    private static func balanceCondition(_ rule: AlertRule, balances: [BalanceFigure]) -> AlertCondition {
        let kinds: [BalanceFigure.Kind]
        enum Measure { case balance, percentage, daysLeft }
        let measure: Measure
        switch rule.type {
        case .lowCreditBalanceReached: (kinds, measure) = ([.creditGrant], .balance)
        case .lowRemainingCreditPercentageReached: (kinds, measure) = ([.creditGrant], .percentage)
        case .lowRemainingCommitBalanceReached: (kinds, measure) = ([.commit], .balance)
        case .lowRemainingCommitPercentageReached: (kinds, measure) = ([.commit], .percentage)
        case .lowRemainingDaysForCommitSegmentReached: (kinds, measure) = ([.commit], .daysLeft)
        case .lowRemainingContractCreditBalanceReached: (kinds, measure) = ([.contractCredit], .balance)
        case .lowRemainingContractCreditPercentageReached: (kinds, measure) = ([.contractCredit], .percentage)
        case .lowRemainingDaysForContractCreditSegmentReached: (kinds, measure) = ([.contractCredit], .daysLeft)
        case .lowRemainingContractCreditAndCommitBalanceReached: (kinds, measure) = ([.commit, .contractCredit], .balance)
        case .lowRemainingContractCreditAndCommitPercentageReached: (kinds, measure) = ([.commit, .contractCredit], .percentage)
        case .lowRemainingSeatBalanceReached: (kinds, measure) = ([.seat], .balance)
        default: return .clear()
        }
        let accessType = rule.accessType ?? .spend
        let matching = balances.filter { balance in
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
    static func stateAtCreation(condition: AlertCondition, now: Timestamp) -> CustomerAlertState? {
        guard condition.reached else { return nil }
        return CustomerAlertState(status: .ok, triggeredBy: nil, isSuppressed: true, suppressedWindow: condition.window, updatedAt: now)
    }

    /// The state after evaluating `condition` from `previous` (nil: never evaluated). A suppressed
    /// customer stays `ok` while the condition holds in the same window; once it clears, or a new
    /// window begins, the suppression ends. `triggered_by` is kept from the moment the alarm began.
    static func nextState(previous: CustomerAlertState?, condition: AlertCondition, now: Timestamp) -> CustomerAlertState {
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
struct AlertFilters: Codable, Sendable {
    var accessType: BalanceAccessType?
    var alertSpecifiers: [AlertSpecifier]?
    var creditGrantTypeFilters: [String]?
    var customFieldFilters: [AlertCustomFieldFilter]?
    var groupValues: [AlertGroupValue]?
    var invoiceTypesFilter: [String]?
    var seatFilter: AlertSeatFilter?

    enum CodingKeys: String, CodingKey {
        case accessType = "access_type", alertSpecifiers = "alert_specifiers"
        case creditGrantTypeFilters = "credit_grant_type_filters", customFieldFilters = "custom_field_filters"
        case groupValues = "group_values", invoiceTypesFilter = "invoice_types_filter", seatFilter = "seat_filter"
    }
}

/// The entities a custom field filter of an alert can name.
enum AlertCustomFieldEntity: String, WireEnum {
    case contract = "Contract"
    case commit = "Commit"
    case contractCredit = "ContractCredit"
    case contractCreditOrCommit = "ContractCreditOrCommit"
}

/// A custom field an alert's balances must carry (`value` may be left out in specifiers).
struct AlertCustomFieldFilter: Codable, Sendable {
    var entity: AlertCustomFieldEntity
    var key: String
    var value: String?
}

/// Which commits and credits a combined balance alert counts, and which of them it leaves out.
struct AlertSpecifier: Codable, Sendable {
    var customFieldFilters: [AlertCustomFieldFilter]?
    var exclude: [Exclusion]?

    enum CodingKeys: String, CodingKey {
        case customFieldFilters = "custom_field_filters", exclude
    }

    /// Balances matching these filters are left out.
    struct Exclusion: Codable, Sendable {
        var customFieldFilters: [AlertCustomFieldFilter]?

        enum CodingKeys: String, CodingKey {
            case customFieldFilters = "custom_field_filters"
        }
    }
}

/// A group key (and optionally value) a spend alert is scoped to.
struct AlertGroupValue: Codable, Sendable {
    var key: String
    var value: String?
}

/// The seat group a seat balance alert is scoped to.
struct AlertSeatFilter: Codable, Sendable {
    var seatGroupKey: String
    var seatGroupValue: String?

    enum CodingKeys: String, CodingKey {
        case seatGroupKey = "seat_group_key", seatGroupValue = "seat_group_value"
    }
}

extension AlertRule {
    /// The rule of an alert of `type` with these figures and filters.
    init(type: AlertType, threshold: Decimal, creditTypeId: String, billableMetricId: String?, filters: AlertFilters) {
        self.init(
            type: type, threshold: threshold, creditTypeId: creditTypeId, billableMetricId: billableMetricId,
            groupValues: (filters.groupValues ?? []).map { ($0.key, $0.value) },
            invoiceTypes: filters.invoiceTypesFilter ?? [], creditGrantTypes: filters.creditGrantTypeFilters ?? [],
            accessType: filters.accessType, seatFilter: filters.seatFilter.map { ($0.seatGroupKey, $0.seatGroupValue) }
        )
    }
}
