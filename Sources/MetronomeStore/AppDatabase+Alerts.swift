import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A row of `alert`: a threshold notification, for one customer, the customers on one plan, or
/// all customers.
package struct AlertRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "alert"
    package var seq: Int64?
    package var id: String
    package var name: String
    package var alertType: AlertType
    package var threshold: Decimal
    package var customerId: String?
    package var planId: String?
    package var creditTypeId: String
    package var billableMetricId: String?
    package var uniquenessKey: String?
    /// Whether `uniquenessKey` still blocks its reuse (an archive can release it).
    package var holdsUniquenessKey: Bool
    package var evaluateOnCreate: Bool
    /// The alert's optional filters, kept as sent.
    package var filters: AlertFilters {
        get { storedFilters.domain }
        set { storedFilters = StoredAlertFilters(newValue) }
    }
    private var storedFilters: StoredAlertFilters
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let customerId = Column(CodingKeys.customerId)
        package static let planId = Column(CodingKeys.planId)
        package static let uniquenessKey = Column(CodingKeys.uniquenessKey)
        package static let holdsUniquenessKey = Column(CodingKeys.holdsUniquenessKey)
        package static let archivedAt = Column(CodingKeys.archivedAt)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, name, alertType = "alert_type", threshold, customerId = "customer_id", planId = "plan_id"
        case creditTypeId = "credit_type_id", billableMetricId = "billable_metric_id", uniquenessKey = "uniqueness_key"
        case holdsUniquenessKey = "holds_uniqueness_key", evaluateOnCreate = "evaluate_on_create", storedFilters = "filters"
        case createdAt = "created_at", archivedAt = "archived_at"
    }

    /// What evaluation needs of this alert.
    package var rule: AlertRule {
        AlertRule(type: alertType, threshold: threshold, creditTypeId: creditTypeId, billableMetricId: billableMetricId, filters: filters)
    }

    /// A value with each stored property given.
    package init(
        seq: Int64? = nil,
        id: String,
        name: String,
        alertType: AlertType,
        threshold: Decimal,
        customerId: String? = nil,
        planId: String? = nil,
        creditTypeId: String,
        billableMetricId: String? = nil,
        uniquenessKey: String? = nil,
        holdsUniquenessKey: Bool,
        evaluateOnCreate: Bool,
        filters: AlertFilters,
        createdAt: Timestamp,
        archivedAt: Timestamp? = nil
    ) {
        self.seq = seq
        self.id = id
        self.name = name
        self.alertType = alertType
        self.threshold = threshold
        self.customerId = customerId
        self.planId = planId
        self.creditTypeId = creditTypeId
        self.billableMetricId = billableMetricId
        self.uniquenessKey = uniquenessKey
        self.holdsUniquenessKey = holdsUniquenessKey
        self.evaluateOnCreate = evaluateOnCreate
        storedFilters = StoredAlertFilters(filters)
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }
}

/// A row of `customer_alert_state`: what the last evaluation of an alert for a customer found.
package struct CustomerAlertStateRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "customer_alert_state"
    package var alertId: String
    package var customerId: String
    package var status: CustomerAlertStatus
    package var triggeredBy: String?
    package var isSuppressed: Bool
    package var suppressedWindow: String?
    package var updatedAt: Timestamp

    package enum Columns {
        package static let alertId = Column(CodingKeys.alertId)
        package static let customerId = Column(CodingKeys.customerId)
    }

    package enum CodingKeys: String, CodingKey {
        case alertId = "alert_id", customerId = "customer_id", status, triggeredBy = "triggered_by"
        case isSuppressed = "is_suppressed", suppressedWindow = "suppressed_window", updatedAt = "updated_at"
    }

    /// The row holding `state`.
    package init(alertId: String, customerId: String, state: CustomerAlertState) {
        self.alertId = alertId
        self.customerId = customerId
        status = state.status
        triggeredBy = state.triggeredBy
        isSuppressed = state.isSuppressed
        suppressedWindow = state.suppressedWindow
        updatedAt = state.updatedAt
    }

    /// The state this row holds.
    package var state: CustomerAlertState {
        CustomerAlertState(
            status: status, triggeredBy: triggeredBy, isSuppressed: isSuppressed, suppressedWindow: suppressedWindow, updatedAt: updatedAt
        )
    }
}

/// An alert to create, validated.
package struct NewAlert: Sendable {
    package var name: String
    package var type: AlertType
    package var threshold: Decimal
    package var customerId: String?
    package var planId: String?
    package var creditTypeId: String
    package var billableMetricId: String?
    package var uniquenessKey: String?
    package var evaluateOnCreate: Bool
    package var filters: AlertFilters

    /// A value with each stored property given.
    package init(
        name: String,
        type: AlertType,
        threshold: Decimal,
        customerId: String? = nil,
        planId: String? = nil,
        creditTypeId: String,
        billableMetricId: String? = nil,
        uniquenessKey: String? = nil,
        evaluateOnCreate: Bool,
        filters: AlertFilters
    ) {
        self.name = name
        self.type = type
        self.threshold = threshold
        self.customerId = customerId
        self.planId = planId
        self.creditTypeId = creditTypeId
        self.billableMetricId = billableMetricId
        self.uniquenessKey = uniquenessKey
        self.evaluateOnCreate = evaluateOnCreate
        self.filters = filters
    }
}

/// An alert as one customer sees it: the alert, its credit type's name, and the customer's
/// state (nil once the alert is archived).
package struct CustomerAlertView: Sendable {
    package var alert: AlertRecord
    package var creditTypeName: String
    package var state: CustomerAlertState?

    /// A value with each stored property given.
    package init(alert: AlertRecord, creditTypeName: String, state: CustomerAlertState? = nil) {
        self.alert = alert
        self.creditTypeName = creditTypeName
        self.state = state
    }
}

/// Which alerts a customer's list shows, by the alert's status.
package struct AlertStatusSelection: Sendable {
    package var enabled: Bool = true
    package var archived: Bool = false

    /// A value with each stored property given.
    package init(enabled: Bool = true, archived: Bool = false) {
        self.enabled = enabled
        self.archived = archived
    }
}

extension AppDatabase {
    /// Creates an alert. With `evaluateOnCreate` false, every customer it applies to that is past
    /// the threshold already is suppressed until its figure clears (or a new window begins).
    package func createAlert(_ new: NewAlert, now: Timestamp) async throws -> String {
        try await writer.write { db in
            if let customerId = new.customerId { _ = try Self.customerRecord(id: customerId, db) }
            if let planId = new.planId, try PlanRecord.filter(PlanRecord.Columns.id == planId).fetchCount(db) == 0 {
                throw StoreError.notFound("Plan", planId)
            }
            _ = try Self.activeCreditTypeRecord(id: new.creditTypeId, db)
            if let metricId = new.billableMetricId { _ = try Self.billableMetricRecord(id: metricId, db) }
            if let key = new.uniquenessKey, try AlertRecord.filter(AlertRecord.Columns.uniquenessKey == key)
                .filter(AlertRecord.Columns.holdsUniquenessKey == true).fetchCount(db) > 0
            {
                throw StoreError.conflict("This uniqueness key has already been used.")
            }
            let record = AlertRecord(
                id: UUID().uuidString.lowercased(), name: new.name, alertType: new.type, threshold: new.threshold,
                customerId: new.customerId, planId: new.planId, creditTypeId: new.creditTypeId,
                billableMetricId: new.billableMetricId, uniquenessKey: new.uniquenessKey, holdsUniquenessKey: new.uniquenessKey != nil,
                evaluateOnCreate: new.evaluateOnCreate, filters: new.filters, createdAt: now
            )
            try record.insert(db)
            if new.evaluateOnCreate {
                try Self.evaluateAtCreation(record, now: now, db)
            } else {
                try Self.suppressCustomersPastThreshold(record, now: now, db)
            }
            return record.id
        }
    }

    /// Archives an alert (again, harmlessly, if it is archived already), releasing its uniqueness
    /// key if asked.
    package func archiveAlert(id: String, releaseUniquenessKey: Bool, now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.alertRecord(id: id, db)
            record.archivedAt = record.archivedAt ?? now
            if releaseUniquenessKey { record.holdsUniquenessKey = false }
            try record.update(db)
        }
    }

    /// A page of the alerts that apply to a customer, oldest first, after the alert with sequence
    /// `afterSeq`, each as evaluated now. A read: what it finds is kept (and notified) by the
    /// writes and the settlement that change it.
    package func customerAlerts(
        customerId: String, statuses: AlertStatusSelection, afterSeq: Int64?, limit: Int, now: Timestamp
    ) async throws -> [(seq: Int64, view: CustomerAlertView)] {
        try await writer.read { db in
            let customer = try Self.customerRecord(id: customerId, db)
            guard statuses.enabled || statuses.archived else { return [] }
            var request = Self.alertsApplying(to: customerId, now: now)
            if !statuses.archived { request = request.filter(AlertRecord.Columns.archivedAt == nil) }
            if !statuses.enabled { request = request.filter(AlertRecord.Columns.archivedAt != nil) }
            if let afterSeq { request = request.filter(AlertRecord.Columns.seq > afterSeq) }
            let alerts = try request.order(AlertRecord.Columns.seq).limit(limit).fetchAll(db)
            let views = try Self.evaluate(alerts, for: customer, now: now, keep: false, db)
            return zip(alerts, views).map { ($0.seq ?? 0, $1) }
        }
    }

    /// One alert as a customer sees it, evaluated now (a read); 404 if it does not apply to the
    /// customer.
    package func customerAlert(customerId: String, alertId: String, now: Timestamp) async throws -> CustomerAlertView {
        try await writer.read { db in
            let customer = try Self.customerRecord(id: customerId, db)
            let alert = try Self.applicableAlert(id: alertId, customerId: customerId, now: now, db)
            return try Self.evaluate([alert], for: customer, now: now, keep: false, db)[0]
        }
    }

    /// Forgets what was evaluated of an alert for a customer (a suppression included) and
    /// evaluates it afresh.
    package func resetCustomerAlert(customerId: String, alertId: String, now: Timestamp) async throws {
        try await writer.write { db in
            let customer = try Self.customerRecord(id: customerId, db)
            let alert = try Self.applicableAlert(id: alertId, customerId: customerId, now: now, db)
            try CustomerAlertStateRecord.filter(CustomerAlertStateRecord.Columns.alertId == alertId)
                .filter(CustomerAlertStateRecord.Columns.customerId == customerId).deleteAll(db)
            _ = try Self.evaluate([alert], for: customer, now: now, keep: true, db)
        }
    }

    /// Evaluates the alerts of the customers `refs` name (IDs or ingest aliases), from the state
    /// committed: what follows each ingest batch. Keeps each change of status and notifies each
    /// entry into alarm. Answers at once when no alert is live.
    package func evaluateAlerts(customerRefs refs: [String], now: Timestamp) async throws {
        guard !refs.isEmpty else { return }
        let customerIds = try await writer.read { db -> [String] in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM alert WHERE archived_at IS NULL)") ?? false else {
                return []
            }
            var ids: [String] = []
            for chunk in stride(from: 0, to: refs.count, by: 500).map({ Array(refs[$0..<min($0 + 500, refs.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                ids += try String.fetchAll(db, sql: """
                    SELECT id FROM customer WHERE id IN (\(marks)) AND archived_at IS NULL
                    UNION SELECT a.customer_id FROM customer_ingest_alias a JOIN customer c ON c.id = a.customer_id
                    WHERE a.alias IN (\(marks)) AND c.archived_at IS NULL
                    """, arguments: StatementArguments(chunk + chunk))
            }
            return Array(Set(ids)).sorted()
        }
        try await writeInTurns(customerIds) { customerId, db in
            guard let customer = try CustomerRecord.filter(CustomerRecord.Columns.id == customerId).fetchOne(db) else { return }
            try Self.evaluateAlerts(of: customer, now: now, db)
        }
    }

    /// Runs `update` for each of the customers of a pass after ingest (alerts, threshold billing),
    /// 16 customers a transaction: one transaction over the whole pass would hold the writer, and
    /// every ingest batch behind it, for the whole pass.
    func writeInTurns(_ customerIds: [String], _ update: @escaping @Sendable (String, Database) throws -> Void) async throws {
        let perTransaction = 16
        for start in stride(from: 0, to: customerIds.count, by: perTransaction) {
            let turn = customerIds[start..<min(start + perTransaction, customerIds.count)]
            try await writer.write { db in
                for customerId in turn { try update(customerId, db) }
            }
        }
    }

    /// Evaluates every live alert that applies to the customer now, keeping each change.
    package static func evaluateAlerts(of customer: CustomerRecord, now: Timestamp, _ db: Database) throws {
        let alerts = try alertsApplying(to: customer.id, now: now).filter(AlertRecord.Columns.archivedAt == nil).fetchAll(db)
        guard !alerts.isEmpty else { return }
        _ = try evaluate(alerts, for: customer, now: now, keep: true, db)
    }

    /// At the creation of an alert evaluated on creation: evaluates it for the customers it
    /// applies to that have terms to be measured by (and its own customer in any case).
    private static func evaluateAtCreation(_ alert: AlertRecord, now: Timestamp, _ db: Database) throws {
        var request = CustomerRecord.filter(CustomerRecord.Columns.archivedAt == nil)
        if let customerId = alert.customerId {
            request = request.filter(CustomerRecord.Columns.id == customerId)
        } else {
            request = request.filter(sql: "id IN (SELECT customer_id FROM customer_settlement)")
        }
        for customer in try request.fetchAll(db) {
            guard try alertsApplying(to: customer.id, now: now).filter(AlertRecord.Columns.id == alert.id).fetchCount(db) > 0 else {
                continue
            }
            _ = try evaluate([alert], for: customer, now: now, keep: true, db)
        }
    }

    // MARK: - Helpers inside a transaction

    package static func alertRecord(id: String, _ db: Database) throws -> AlertRecord {
        guard let record = try AlertRecord.filter(AlertRecord.Columns.id == id).fetchOne(db) else {
            throw StoreError.notFound("Alert", id)
        }
        return record
    }

    /// The alert with `id` if it applies to the customer; 404 otherwise.
    private static func applicableAlert(id: String, customerId: String, now: Timestamp, _ db: Database) throws -> AlertRecord {
        guard let alert = try alertsApplying(to: customerId, now: now).filter(AlertRecord.Columns.id == id).fetchOne(db) else {
            throw StoreError.notFound("Alert for customer \(customerId)", id)
        }
        return alert
    }

    /// Alerts for this customer, for all customers, or for a plan the customer is on now.
    private static func alertsApplying(to customerId: String, now: Timestamp) -> QueryInterfaceRequest<AlertRecord> {
        AlertRecord.filter(sql: """
            (customer_id IS NULL OR customer_id = ?) AND (plan_id IS NULL OR plan_id IN (
                SELECT plan_id FROM customer_plan
                WHERE customer_id = ? AND starting_on <= ? AND (ending_before IS NULL OR ending_before > ?)))
            """, arguments: [customerId, customerId, now, now])
    }

    /// Evaluates `alerts` for a customer now and returns them as the customer sees them; with
    /// `keep`, keeps each changed state and notifies each entry into alarm. An archived alert has
    /// no state; an archived customer is no longer evaluated and keeps its last state (`ok` if it
    /// never had one).
    private static func evaluate(
        _ alerts: [AlertRecord], for customer: CustomerRecord, now: Timestamp, keep: Bool, _ db: Database
    ) throws -> [CustomerAlertView] {
        let creditTypeNames = Dictionary(try CreditTypeRecord.fetchAll(db).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let stored = Dictionary(
            try CustomerAlertStateRecord.filter(CustomerAlertStateRecord.Columns.customerId == customer.id)
                .filter(alerts.map(\.id).contains(CustomerAlertStateRecord.Columns.alertId)).fetchAll(db).map { ($0.alertId, $0.state) },
            uniquingKeysWith: { first, _ in first }
        )
        let live = alerts.filter { $0.archivedAt == nil }
        var figures: CustomerAlertFigures?
        if customer.archivedAt == nil && !live.isEmpty {
            figures = try alertFigures(customerId: customer.id, metricIds: Set(live.compactMap(\.billableMetricId)), now: now, db)
        }
        return try alerts.map { alert in
            let view = CustomerAlertView(alert: alert, creditTypeName: creditTypeNames[alert.creditTypeId] ?? alert.creditTypeId, state: nil)
            guard alert.archivedAt == nil else { return view }
            let previous = stored[alert.id]
            guard let figures else {
                return CustomerAlertView(
                    alert: alert, creditTypeName: view.creditTypeName,
                    state: previous ?? CustomerAlertState(status: .ok, updatedAt: alert.createdAt)
                )
            }
            let next = AlertEvaluation.nextState(
                previous: previous, condition: AlertEvaluation.condition(alert.rule, figures: figures), now: now
            )
            if keep, next != previous {
                try CustomerAlertStateRecord(alertId: alert.id, customerId: customer.id, state: next).insert(db, onConflict: .replace)
                if next.status == .inAlarm && previous?.status != .inAlarm {
                    try recordAlarm(alert, customerId: customer.id, state: next, figures: figures, now: now, db)
                }
            }
            return CustomerAlertView(alert: alert, creditTypeName: view.creditTypeName, state: next)
        }
    }

    /// Writes the `alerts.<alert_type>` notification of a customer entering alarm, in the
    /// transaction that keeps the new state, so it is sent once per crossing.
    private static func recordAlarm(
        _ alert: AlertRecord, customerId: String, state: CustomerAlertState, figures: CustomerAlertFigures,
        now: Timestamp, _ db: Database
    ) throws {
        var properties: [String: JSONValue] = [
            "customer_id": .string(customerId),
            "alert_id": .string(alert.id),
            "alert_name": .string(alert.name),
            "threshold": .number(alert.threshold),
            "timestamp": .string(now.rfc3339),
            "triggered_by": .string(state.triggeredBy ?? "usage"),
        ]
        switch alert.alertType {
        case .usageThresholdReached, .lowRemainingDaysInPlanReached, .lowRemainingSeatBalanceReached:
            break
        default:
            properties["credit_type_id"] = .string(alert.creditTypeId)
        }
        if let remaining = AlertEvaluation.remainingBalance(alert.rule, figures: figures) {
            properties["remaining_balance"] = .number(remaining)
        }
        if let metricId = alert.billableMetricId { properties["billable_metric_id"] = .string(metricId) }
        switch alert.alertType {
        case .spendThresholdReached:
            properties["current_spend"] = .number(figures.usageSpend(creditTypeId: alert.creditTypeId, groupValues: alert.rule.groupValues))
        case .usageThresholdReached:
            if let metricId = alert.billableMetricId { properties["current_usage"] = .number(figures.metricQuantities[metricId] ?? 0) }
        default:
            break
        }
        try recordNotification(
            type: "alerts.\(alert.alertType.rawValue)", properties: properties, customerId: customerId, now: now, db
        )
    }

    /// At the creation of an alert with `evaluate_on_create: false`: suppresses it for every
    /// customer it applies to (archived ones aside) that is past its threshold now.
    private static func suppressCustomersPastThreshold(_ alert: AlertRecord, now: Timestamp, _ db: Database) throws {
        var request = CustomerRecord.filter(CustomerRecord.Columns.archivedAt == nil)
        if let customerId = alert.customerId { request = request.filter(CustomerRecord.Columns.id == customerId) }
        if let planId = alert.planId {
            request = request.filter(sql: """
                id IN (SELECT customer_id FROM customer_plan
                       WHERE plan_id = ? AND starting_on <= ? AND (ending_before IS NULL OR ending_before > ?))
                """, arguments: [planId, now, now])
        }
        let metricIds = Set([alert.billableMetricId].compactMap { $0 })
        for customerId in try String.fetchAll(db, request.select(CustomerRecord.Columns.id)) {
            let figures = try alertFigures(customerId: customerId, metricIds: metricIds, now: now, db)
            let condition = AlertEvaluation.condition(alert.rule, figures: figures)
            if let state = AlertEvaluation.stateAtCreation(condition: condition, now: now) {
                try CustomerAlertStateRecord(alertId: alert.id, customerId: customerId, state: state).insert(db)
            }
        }
    }

    /// What alert evaluation reads of a customer now: its current-period drafts (as settlement
    /// left them), the quantity of each of `metricIds`
    /// over the current period, and the days left in its current plan. Balances are not known yet.
    package static func alertFigures(customerId: String, metricIds: Set<String>, now: Timestamp, _ db: Database) throws -> CustomerAlertFigures {
        var figures = CustomerAlertFigures()
        let drafts = try invoiceRecords(customerId: customerId, filter: InvoiceFilter(status: InvoiceStatus.draft.rawValue), db)
            .filter { $0.startTimestamp <= now && now < $0.endTimestamp && $0.sourceKind != .consolidated }
        for record in drafts {
            let document = try invoiceDocument(record, db)
            figures.draftInvoices.append(DraftInvoiceFigure(invoiceType: document.type, creditTypeId: document.creditType.id, total: document.total))
            for line in document.lineItems where line.type.lowercased() == "usage" {
                var groups = line.presentationGroupValues ?? [:]
                groups.merge(line.pricingGroupValues ?? [:]) { first, _ in first }
                if let key = line.groupKey, let value = line.groupValue { groups[key] = value }
                figures.usageLines.append(UsageSpendFigure(creditTypeId: line.creditType.id, amount: line.total, groupValues: groups))
            }
        }
        if let start = drafts.map(\.startTimestamp).min(), let end = drafts.map(\.endTimestamp).max() {
            figures.currentPeriodStart = start
            let metrics = try rolledUpMetrics(db, ids: metricIds)
            figures.metricQuantities = try metricUsage(metrics, refs: try customerRefs(customerId, db), from: start, to: end, db)
                .mapValues(\.total)
        }
        let planEnds = try CustomerPlanRecord.filter(CustomerPlanRecord.Columns.customerId == customerId).fetchAll(db)
            .filter { $0.startingOn <= now && ($0.endingBefore.map { now < $0 } ?? true) }
            .compactMap(\.endingBefore)
        if let end = planEnds.min() {
            figures.planEndsAt = end
            figures.daysLeftInPlan = Decimal(end.millisecondsSinceEpoch - now.millisecondsSinceEpoch) / Decimal(Timestamp.millisecondsPerDay)
        }
        figures.remainingBalances = try balanceFigures(customerId: customerId, now: now, db)
        return figures
    }

    /// The balances of the customer's credit grants in effect now, and of its commits and credits
    /// with a segment open now.
    package static func balanceFigures(customerId: String, now: Timestamp, _ db: Database) throws -> [BalanceFigure] {
        let grants = try creditGrantFigures(customerId: customerId, now: now, db)
        let commits = try CommitRecord.filter(CommitRecord.Columns.customerId == customerId)
            .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db).map(\.terms)
        guard !commits.isEmpty else { return grants }
        let accounts = try commitAccounts(customerId: customerId, now: now, db)
        return grants + commits.compactMap { commit in
            let open = commit.accessSchedule.filter { $0.covers(now) }
            guard let segmentEnd = open.map(\.endingBefore).max() else { return nil }
            return BalanceFigure(
                kind: commit.kind == .credit ? .contractCredit : .commit, id: commit.id, creditTypeId: commit.creditTypeId,
                accessType: commit.accessType, remaining: accounts[commit.id]?.balance ?? 0, granted: open.reduce(Decimal(0)) { $0 + $1.amount },
                daysLeftInSegment: Decimal(segmentEnd.millisecondsSinceEpoch - now.millisecondsSinceEpoch)
                    / Decimal(Timestamp.millisecondsPerDay)
            )
        }
    }
}
