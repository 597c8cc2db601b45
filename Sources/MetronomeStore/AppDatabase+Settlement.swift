import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

// Settlement applies what time does to a customer: periods open, drafts finalize, contracts and
// commit segments start and end, alerts follow. Each customer has a row in
// `customer_settlement` with the moment it was settled to and its next due moment; writes that
// change a customer's terms settle it in their own transaction, and the application's
// settlement service settles every customer whose due moment the clock reaches. Reads of
// invoices, balances and alerts therefore change nothing.

extension AppDatabase {
    /// The earliest due moment of any customer, if one has any.
    package func nextDueMoment() async throws -> Timestamp? {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(due_at) FROM customer_settlement WHERE due_at IS NOT NULL")
                .map { Timestamp(millisecondsSinceEpoch: $0) }
        }
    }

    /// Settles the customer whose due moment comes first, if it is at or before `moment`, at
    /// that due moment (a customer never settled, as an older store leaves them, at `moment`), in
    /// one transaction. Answers whether there was one.
    package func settleNextDue(through moment: Timestamp) async throws -> Bool {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT customer_id, due_at, settled_at FROM customer_settlement
                WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, customer_id LIMIT 1
                """, arguments: [moment])
            else { return false }
            let (customerId, due, settledAt): (String, Int64, Int64?) = (row[0], row[1], row[2])
            try Self.settle(customerId: customerId, now: settledAt == nil ? moment : Timestamp(millisecondsSinceEpoch: due), db)
            return true
        }
    }

    /// Settles every customer with terms at `now`, as when the clock moves back (due moments
    /// computed for a later time no longer hold). A customer with no plan, contract or commit
    /// has nothing to settle, and no row until it has.
    package func settleEveryCustomer(now: Timestamp) async throws {
        try await writer.write { db in
            for customerId in try String.fetchAll(db, sql: "SELECT customer_id FROM customer_settlement ORDER BY customer_id") {
                try Self.settle(customerId: customerId, now: now, db)
            }
        }
    }

    // MARK: - One customer

    /// Brings a customer to `now`: opens and finalizes its invoices, writes the notifications of
    /// the contract and commit boundaries passed since it was last settled, evaluates its alerts,
    /// and keeps its next due moment. A write that changes the customer's terms calls this before
    /// the change (so boundaries passed already are notified as before it) and after it (so the
    /// new terms' drafts exist and their moments are due); a boundary at or before the moment
    /// something is created is therefore not notified.
    package static func settle(customerId: String, now: Timestamp, _ db: Database) throws {
        let settledAt = try Int64.fetchOne(
            db, sql: "SELECT settled_at FROM customer_settlement WHERE customer_id = ?", arguments: [customerId]
        ).map { Timestamp(millisecondsSinceEpoch: $0) }
        guard let customer = try CustomerRecord.filter(CustomerRecord.Columns.id == customerId).fetchOne(db) else { return }
        try settleInvoices(customerId: customerId, now: now, db)
        if try rollOverBalances(customerId: customerId, now: now, db) {
            try settleInvoices(customerId: customerId, now: now, db)  // the renewals' drafts draw on what rolled over
        }
        if customer.archivedAt == nil, try billThresholds(customerId: customerId, now: now, db) {
            try settleInvoices(customerId: customerId, now: now, db)  // the threshold commits' invoices
        }
        var due: Timestamp?
        if customer.archivedAt == nil {
            if let settledAt, settledAt < now {
                try recordBoundaries(of: customer, after: settledAt, through: now, db)
            }
            try evaluateAlerts(of: customer, now: now, db)
            due = try nextDueMoment(of: customer, after: now, db)
        }
        try db.execute(sql: """
            INSERT INTO customer_settlement (customer_id, settled_at, due_at) VALUES (?, ?, ?)
            ON CONFLICT (customer_id) DO UPDATE
            SET settled_at = MAX(COALESCE(settled_at, excluded.settled_at), excluded.settled_at), due_at = excluded.due_at
            """, arguments: [customerId, max(settledAt ?? now, now), due])
    }

    /// The first moment after `moment` at which settling the customer would change something.
    package static func nextDueMoment(of customer: CustomerRecord, after moment: Timestamp, _ db: Database) throws -> Timestamp? {
        let customerId = customer.id
        var candidates: [Timestamp] = []
        func consider(_ candidate: Timestamp?) {
            if let candidate, candidate > moment { candidates.append(candidate) }
        }
        for customerPlan in try CustomerPlanRecord.filter(CustomerPlanRecord.Columns.customerId == customerId).fetchAll(db) {
            consider(nextPeriodStart(customerPlan.cadence, after: moment))
            consider(customerPlan.endingBefore)
        }
        let contracts = try ContractRecord.filter(ContractRecord.Columns.customerId == customerId)
            .filter(ContractRecord.Columns.archivedAt == nil).fetchAll(db)
        for contract in contracts {
            consider(nextPeriodStart(contract.statementCadence, after: moment))
            consider(contract.startingAt)
            consider(contract.endingBefore)
            let anchor = contract.usageStatementSchedule.domain.billingAnchorDate
            for subscription in contract.subscriptions.map(\.domain) where subscription.invoicePlacement == .onScheduledInvoice {
                consider(ScheduledSubscriptionCharges.nextMoment(of: subscription, anchor: anchor, after: moment))
            }
            // A seat-linked recurring commit grants at each of its periods' starts and each seat increase.
            for recurring in contract.recurringCommits {
                guard let config = recurring.subscriptionConfig,
                      let subscription = contract.subscriptions.first(where: { $0.id == config.subscriptionId })?.domain
                else { continue }
                for segment in subscription.quantitySegments { consider(segment.startingAt) }
                let horizon = Timestamp(millisecondsSinceEpoch: moment.millisecondsSinceEpoch + 400 * Timestamp.millisecondsPerDay)
                let statementLength = ContractRating.length(of: contract.usageStatementSchedule.domain.frequency)
                consider(recurring.instances(startedBefore: horizon, contractEnd: contract.endingBefore, statementLength: statementLength)
                    .map(\.start).first { $0 > moment })
            }
        }
        consider(try nextRolloverMoment(customerId: customerId, contracts: contracts, after: moment, db))
        for commit in try CommitRecord.filter(CommitRecord.Columns.customerId == customerId)
            .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db).map(\.terms) {
            for segment in commit.accessSchedule {
                consider(segment.startingAt)
                consider(segment.endingBefore)
            }
        }
        for grant in try CreditGrantRecord.filter(CreditGrantRecord.Columns.customerId == customerId)
            .filter(CreditGrantRecord.Columns.voidedAt == nil).fetchAll(db) {
            consider(grant.effectiveAt)
            consider(grant.expiresAt)
        }
        candidates += try offsetMoments(of: customer, after: moment, db)
        for draft in try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
            .filter(InvoiceRecord.Columns.status == InvoiceStatus.draft.rawValue).fetchAll(db) {
            consider(draft.sourceKind.finalizesOnItsDate ? draft.startTimestamp : draft.period.finalizesAt)
        }
        return candidates.min()
    }

    /// The start of the first period of `cadence` that begins after `moment`, if billing goes on.
    private static func nextPeriodStart(_ cadence: BillingCadence, after moment: Timestamp) -> Timestamp? {
        if moment < cadence.start { return cadence.start }
        guard let current = cadence.period(covering: moment) else { return nil }
        if let end = cadence.end, current.end >= end { return nil }
        return current.end
    }

    // MARK: - Boundaries

    /// An event in a contract's or commit's life whose moment the store knows.
    struct LifecycleEvent {
        var type: String
        var moment: Timestamp
        /// Its notification's fields, `timestamp` aside.
        var fields: [String: JSONValue]
        /// A start or end (notified when the clock reaches it), rather than an action (notified
        /// when it is taken).
        var isBoundary: Bool
        /// Where it comes among events of the same moment: what ends before what starts, and a
        /// contract encloses its segments.
        var order: Int
    }

    /// Every event of the customer's contracts and commits whose moment is known: creations,
    /// archivings, starts and ends, segments' starts and ends. Those of archived contracts and
    /// commits are their creation and archiving only.
    static func lifecycleEvents(of customer: CustomerRecord, _ db: Database) throws -> [LifecycleEvent] {
        var events: [LifecycleEvent] = []
        let contracts = try ContractRecord.filter(ContractRecord.Columns.customerId == customer.id).fetchAll(db)
        let contractsById = Dictionary(uniqueKeysWithValues: contracts.map { ($0.id, $0) })
        for contract in contracts {
            let fields = contractFields(contract, customer: customer)
            events.append(LifecycleEvent(type: "contract.create", moment: contract.createdAt, fields: fields, isBoundary: false, order: 0))
            if let archivedAt = contract.archivedAt {
                events.append(LifecycleEvent(type: "contract.archive", moment: archivedAt, fields: fields, isBoundary: false, order: 0))
                continue
            }
            events.append(LifecycleEvent(type: "contract.start", moment: contract.startingAt, fields: fields, isBoundary: true, order: 2))
            if let end = contract.endingBefore {
                events.append(LifecycleEvent(type: "contract.end", moment: end, fields: fields, isBoundary: true, order: 1))
            }
        }
        for commit in try CommitRecord.filter(CommitRecord.Columns.customerId == customer.id)
            .order(CommitRecord.Columns.seq).fetchAll(db).map(\.terms) {
            let contract = commit.contractId.flatMap { contractsById[$0] }
            let prefix = commit.kind.notificationPrefix
            let fields = commitFields(commit, contract: contract, customer: customer)
            events.append(LifecycleEvent(type: "\(prefix).create", moment: commit.createdAt, fields: fields, isBoundary: false, order: 0))
            if let archivedAt = commit.archivedAt {
                events.append(LifecycleEvent(type: "\(prefix).archive", moment: archivedAt, fields: fields, isBoundary: false, order: 0))
                continue
            }
            for (index, segment) in commit.accessSchedule.enumerated() {
                var segmentFields = fields
                segmentFields["segment_index"] = .number(Decimal(index))
                segmentFields["segment_count"] = .number(Decimal(commit.accessSchedule.count))
                segmentFields["segment_id"] = .string(segment.id)
                events.append(LifecycleEvent(
                    type: "\(prefix).segment.start", moment: segment.startingAt, fields: segmentFields, isBoundary: true, order: 3
                ))
                events.append(LifecycleEvent(
                    type: "\(prefix).segment.end", moment: segment.endingBefore, fields: segmentFields, isBoundary: true, order: 0
                ))
            }
        }
        return events
    }

    /// Writes, in time order, the system notification of each start and end of the customer's
    /// live contracts and commits in `(after, through]`, and each offset notification whose
    /// moment falls there (after its configuration was created). Each carries its event's moment
    /// as `timestamp`; an offset one adds `offset_id` and `offset_duration`.
    private static func recordBoundaries(of customer: CustomerRecord, after: Timestamp, through: Timestamp, _ db: Database) throws {
        func passed(_ moment: Timestamp) -> Bool { after < moment && moment <= through }
        let events = try lifecycleEvents(of: customer, db)
        var due: [(at: Timestamp, order: Int, type: String, fields: [String: JSONValue], isOffset: Bool)] = []
        for event in events where event.isBoundary && passed(event.moment) {
            var fields = event.fields
            fields["timestamp"] = .string(event.moment.rfc3339)
            due.append((event.moment, event.order, event.type, fields, false))
        }
        for config in try liveOffsetNotifications(db) {
            for event in events where event.type == config.eventType {
                guard let fires = config.fireMoment(for: event.moment), passed(fires), fires > config.createdAt else { continue }
                var fields = event.fields
                fields["timestamp"] = .string(event.moment.rfc3339)
                fields["offset_id"] = .string(config.id)
                fields["offset_duration"] = .string(config.offsetText)
                due.append((fires, 4, event.type, fields, true))
            }
        }
        due.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        for item in due {
            if item.isOffset {
                try recordNotification(kind: .system, type: item.type, fields: item.fields, customerId: customer.id, now: through, db)
            } else {
                try recordSystemNotification(type: item.type, fields: item.fields, customerId: customer.id, now: through, db)
            }
        }
    }

    /// The moments after `moment` at which the customer's offset notifications fire.
    private static func offsetMoments(of customer: CustomerRecord, after moment: Timestamp, _ db: Database) throws -> [Timestamp] {
        let configs = try liveOffsetNotifications(db)
        guard !configs.isEmpty else { return [] }
        let events = try lifecycleEvents(of: customer, db)
        return configs.flatMap { config in
            events.filter { $0.type == config.eventType }.compactMap { config.fireMoment(for: $0.moment) }
                .filter { $0 > moment && $0 > config.createdAt }
        }
    }

    /// The fields of a contract's system notifications, `timestamp` aside.
    package static func contractFields(_ contract: ContractRecord, customer: CustomerRecord) -> [String: JSONValue] {
        [
            "environment_type": .string(environmentType),
            "contract_id": .string(contract.id),
            "contract_custom_fields": .object(contract.customFields.mapValues(JSONValue.string)),
            "customer_id": .string(customer.id),
            "customer_custom_fields": .object(customer.customFields.mapValues(JSONValue.string)),
        ]
    }

    /// The fields of a commit's or credit's system notifications, `timestamp` aside; a
    /// customer-level one has no contract fields.
    package static func commitFields(_ commit: CommitTerms, contract: ContractRecord?, customer: CustomerRecord) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "environment_type": .string(environmentType),
            "\(commit.kind.notificationPrefix)_id": .string(commit.id),
            "\(commit.kind.notificationPrefix)_custom_fields": .object(commit.customFields.mapValues(JSONValue.string)),
            "customer_id": .string(customer.id),
            "customer_custom_fields": .object(customer.customFields.mapValues(JSONValue.string)),
        ]
        if let contract {
            fields["contract_id"] = .string(contract.id)
            fields["contract_custom_fields"] = .object(contract.customFields.mapValues(JSONValue.string))
        }
        return fields
    }

    /// What system notifications say of the environment: the emulator stands in for production.
    package static let environmentType = "PRODUCTION"

    /// Writes a notification of an action on a contract (`contract.create`, `.edit`,
    /// `.archive`) taken at `now`.
    package static func recordContractAction(_ action: String, contract: ContractRecord, now: Timestamp, _ db: Database) throws {
        let customer = try customerRecord(id: contract.customerId, db)
        var fields = contractFields(contract, customer: customer)
        fields["timestamp"] = .string(now.rfc3339)
        try recordSystemNotification(type: "contract.\(action)", fields: fields, customerId: customer.id, now: now, db)
    }

    /// Writes a notification of an action on a commit or credit (`.create`, `.edit`,
    /// `.archive`) taken at `now`.
    package static func recordCommitAction(_ action: String, commit: CommitTerms, now: Timestamp, _ db: Database) throws {
        let customer = try customerRecord(id: commit.customerId, db)
        let contract = try commit.contractId.flatMap { try ContractRecord.filter(ContractRecord.Columns.id == $0).fetchOne(db) }
        var fields = commitFields(commit, contract: contract, customer: customer)
        fields["timestamp"] = .string(now.rfc3339)
        try recordSystemNotification(
            type: "\(commit.kind.notificationPrefix).\(action)", fields: fields, customerId: customer.id, now: now, db
        )
    }
}

extension CommitKind {
    /// How notification types name it: `commit` or `credit`.
    package var notificationPrefix: String { self == .credit ? "credit" : "commit" }
}
