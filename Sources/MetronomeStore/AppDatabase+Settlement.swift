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
    /// that due moment, in one transaction. Answers whether there was one.
    package func settleNextDue(through moment: Timestamp) async throws -> Bool {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT customer_id, due_at FROM customer_settlement
                WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, customer_id LIMIT 1
                """, arguments: [moment])
            else { return false }
            let (customerId, due): (String, Int64) = (row[0], row[1])
            try Self.settle(customerId: customerId, now: Timestamp(millisecondsSinceEpoch: due), db)
            return true
        }
    }

    /// Settles every customer at `now`, as when the clock moves back (due moments computed for
    /// a later time no longer hold) or a store is first opened.
    package func settleEveryCustomer(now: Timestamp) async throws {
        try await writer.write { db in
            for customerId in try String.fetchAll(db, sql: "SELECT id FROM customer ORDER BY seq") {
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
        var due: Timestamp?
        if customer.archivedAt == nil {
            if let settledAt, settledAt < now {
                try recordBoundaries(of: customer, after: settledAt, through: now, db)
            }
            try evaluateAlerts(of: customer, now: now, db)
            due = try nextDueMoment(customerId: customerId, after: now, db)
        }
        try db.execute(sql: """
            INSERT INTO customer_settlement (customer_id, settled_at, due_at) VALUES (?, ?, ?)
            ON CONFLICT (customer_id) DO UPDATE SET settled_at = MAX(settled_at, excluded.settled_at), due_at = excluded.due_at
            """, arguments: [customerId, max(settledAt ?? now, now), due])
    }

    /// The first moment after `moment` at which settling the customer would change something.
    package static func nextDueMoment(customerId: String, after moment: Timestamp, _ db: Database) throws -> Timestamp? {
        var candidates: [Timestamp] = []
        func consider(_ candidate: Timestamp?) {
            if let candidate, candidate > moment { candidates.append(candidate) }
        }
        for customerPlan in try CustomerPlanRecord.filter(CustomerPlanRecord.Columns.customerId == customerId).fetchAll(db) {
            consider(nextPeriodStart(customerPlan.cadence, after: moment))
            consider(customerPlan.endingBefore)
        }
        for contract in try ContractRecord.filter(ContractRecord.Columns.customerId == customerId)
            .filter(ContractRecord.Columns.archivedAt == nil).fetchAll(db) {
            let schedule = contract.usageStatementSchedule
            consider(nextPeriodStart(BillingCadence(
                start: contract.startingAt, end: contract.endingBefore, anchor: schedule.billingAnchorDate,
                length: ContractRating.length(of: schedule.frequency)
            ), after: moment))
            consider(contract.startingAt)
            consider(contract.endingBefore)
        }
        for commit in try CommitRecord.filter(CommitRecord.Columns.customerId == customerId)
            .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db).map(\.terms) {
            for segment in commit.accessSchedule {
                consider(segment.startingAt)
                consider(segment.endingBefore)
            }
        }
        for draft in try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
            .filter(InvoiceRecord.Columns.status == InvoiceStatus.draft.rawValue).fetchAll(db) {
            consider(draft.sourceKind == .scheduledItem ? draft.startTimestamp : draft.period.finalizesAt)
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

    /// Writes `contract.start`, `contract.end`, and `commit.`/`credit.segment.start` and `.end`
    /// for each boundary of the customer's live contracts and commits in `(after, through]`, in
    /// time order; each carries its boundary as `timestamp`.
    private static func recordBoundaries(of customer: CustomerRecord, after: Timestamp, through: Timestamp, _ db: Database) throws {
        var boundaries: [(at: Timestamp, order: Int, type: String, fields: [String: JSONValue])] = []
        let contracts = try ContractRecord.filter(ContractRecord.Columns.customerId == customer.id)
            .filter(ContractRecord.Columns.archivedAt == nil).fetchAll(db)
        let contractsById = Dictionary(uniqueKeysWithValues: contracts.map { ($0.id, $0) })
        func passed(_ moment: Timestamp) -> Bool { after < moment && moment <= through }
        for contract in contracts {
            if passed(contract.startingAt) {
                boundaries.append((contract.startingAt, 2, "contract.start", contractFields(contract, customer: customer)))
            }
            if let end = contract.endingBefore, passed(end) {
                boundaries.append((end, 1, "contract.end", contractFields(contract, customer: customer)))
            }
        }
        for commit in try CommitRecord.filter(CommitRecord.Columns.customerId == customer.id)
            .filter(CommitRecord.Columns.archivedAt == nil).order(CommitRecord.Columns.seq).fetchAll(db).map(\.terms) {
            let contract = commit.contractId.flatMap { contractsById[$0] }
            if commit.contractId != nil, contract == nil { continue }  // of an archived contract
            for (index, segment) in commit.accessSchedule.enumerated() {
                var fields = commitFields(commit, contract: contract, customer: customer)
                fields["segment_index"] = .number(Decimal(index))
                fields["segment_count"] = .number(Decimal(commit.accessSchedule.count))
                fields["segment_id"] = .string(segment.id)
                if passed(segment.startingAt) {
                    boundaries.append((segment.startingAt, 3, "\(commit.kind.notificationPrefix).segment.start", fields))
                }
                if passed(segment.endingBefore) {
                    boundaries.append((segment.endingBefore, 0, "\(commit.kind.notificationPrefix).segment.end", fields))
                }
            }
        }
        // At one moment, what ends goes before what starts, and a contract encloses its segments.
        boundaries.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        for boundary in boundaries {
            var fields = boundary.fields
            fields["timestamp"] = .string(boundary.at.rfc3339)
            try recordSystemNotification(type: boundary.type, fields: fields, customerId: customer.id, now: through, db)
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
