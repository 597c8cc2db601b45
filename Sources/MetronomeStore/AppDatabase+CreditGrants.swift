import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

// MARK: - Values

/// A credit grant to create, already validated by its endpoint.
package struct NewCreditGrant: Sendable {
    package var customerId: String
    package var name: String
    package var grantAmount: Decimal
    package var grantCreditTypeId: String
    package var paidAmount: Decimal
    package var paidCreditTypeId: String
    package var priority: Decimal
    /// Defaults to the moment of creation.
    package var effectiveAt: Timestamp?
    package var expiresAt: Timestamp
    package var productIds: [String]
    package var creditGrantType: String?
    package var reason: String?
    package var customFields: [String: String]
    package var uniquenessKey: String?

    /// A value with each stored property given.
    package init(
        customerId: String,
        name: String,
        grantAmount: Decimal,
        grantCreditTypeId: String,
        paidAmount: Decimal,
        paidCreditTypeId: String,
        priority: Decimal,
        effectiveAt: Timestamp?,
        expiresAt: Timestamp,
        productIds: [String],
        creditGrantType: String?,
        reason: String?,
        customFields: [String: String],
        uniquenessKey: String?
    ) {
        self.customerId = customerId
        self.name = name
        self.grantAmount = grantAmount
        self.grantCreditTypeId = grantCreditTypeId
        self.paidAmount = paidAmount
        self.paidCreditTypeId = paidCreditTypeId
        self.priority = priority
        self.effectiveAt = effectiveAt
        self.expiresAt = expiresAt
        self.productIds = productIds
        self.creditGrantType = creditGrantType
        self.reason = reason
        self.customFields = customFields
        self.uniquenessKey = uniquenessKey
    }
}

/// What `editGrant` changes; nil leaves a field as it is.
package struct CreditGrantEdit: Sendable {
    package var name: String?
    package var expiresAt: Timestamp?
    package var creditGrantType: String?

    /// A value with each stored property given.
    package init(name: String? = nil, expiresAt: Timestamp? = nil, creditGrantType: String? = nil) {
        self.name = name
        self.expiresAt = expiresAt
        self.creditGrantType = creditGrantType
    }
}

/// Which grants `listGrants` shows.
package struct CreditGrantFilter: Sendable {
    package var creditGrantIds: [String]
    package var creditTypeIds: [String]
    package var customerIds: [String]
    package var effectiveBefore: Timestamp?
    package var notExpiringBefore: Timestamp?

    /// A value with each stored property given.
    package init(
        creditGrantIds: [String] = [], creditTypeIds: [String] = [], customerIds: [String] = [],
        effectiveBefore: Timestamp? = nil, notExpiringBefore: Timestamp? = nil
    ) {
        self.creditGrantIds = creditGrantIds
        self.creditTypeIds = creditTypeIds
        self.customerIds = customerIds
        self.effectiveBefore = effectiveBefore
        self.notExpiringBefore = notExpiringBefore
    }
}

/// One change to a customer's credit balance: a grant, an invoice deduction or an expiration.
package struct CreditLedgerEntry: Sendable, Equatable {
    /// What made the change.
    package enum Kind: Sendable, Equatable {
        case grant
        case deduction
        case expiration
    }

    package var kind: Kind
    package var creditGrantId: String
    package var creditTypeId: String
    package var amount: Decimal
    package var effectiveAt: Timestamp
    package var reason: String
    package var invoiceId: String?
    /// Not yet posted: a deduction on a draft invoice, or an expiration still to come.
    package var pending: Bool
    /// The credit type's balance after this entry and every one before it.
    package var runningBalance: Decimal = 0

    /// A value with each stored property given.
    package init(
        kind: Kind, creditGrantId: String, creditTypeId: String, amount: Decimal, effectiveAt: Timestamp, reason: String,
        invoiceId: String? = nil, pending: Bool, runningBalance: Decimal = 0
    ) {
        self.kind = kind
        self.creditGrantId = creditGrantId
        self.creditTypeId = creditTypeId
        self.amount = amount
        self.effectiveAt = effectiveAt
        self.reason = reason
        self.invoiceId = invoiceId
        self.pending = pending
        self.runningBalance = runningBalance
    }
}

/// A grant with its deductions and balance, as `listGrants` shows it.
package struct CreditGrantAccount: Sendable {
    package var record: CreditGrantRecord
    package var deductions: [CreditLedgerEntry]
    package var pendingDeductions: [CreditLedgerEntry]
    /// The end of the customer's current billing period (or the moment asked, without one).
    package var balanceEffectiveAt: Timestamp
    package var balanceExcludingPending: Decimal
    package var balanceIncludingPending: Decimal
    /// Names of the products the grant pays for, by ID.
    package var productNames: [String: String]

    /// A value with each stored property given.
    package init(
        record: CreditGrantRecord, deductions: [CreditLedgerEntry], pendingDeductions: [CreditLedgerEntry],
        balanceEffectiveAt: Timestamp, balanceExcludingPending: Decimal, balanceIncludingPending: Decimal,
        productNames: [String: String]
    ) {
        self.record = record
        self.deductions = deductions
        self.pendingDeductions = pendingDeductions
        self.balanceEffectiveAt = balanceEffectiveAt
        self.balanceExcludingPending = balanceExcludingPending
        self.balanceIncludingPending = balanceIncludingPending
        self.productNames = productNames
    }
}

/// One customer's ledger in one credit type, as `listEntries` shows it.
package struct CreditLedger: Sendable {
    package var creditTypeId: String
    package var creditTypeName: String
    package var entries: [CreditLedgerEntry]
    package var pendingEntries: [CreditLedgerEntry]
    package var startingAt: Timestamp
    package var startingExcludingPending: Decimal
    package var startingIncludingPending: Decimal
    package var endingAt: Timestamp
    package var endingExcludingPending: Decimal
    package var endingIncludingPending: Decimal

    /// A value with each stored property given.
    package init(
        creditTypeId: String, creditTypeName: String, entries: [CreditLedgerEntry], pendingEntries: [CreditLedgerEntry],
        startingAt: Timestamp, startingExcludingPending: Decimal, startingIncludingPending: Decimal, endingAt: Timestamp,
        endingExcludingPending: Decimal, endingIncludingPending: Decimal
    ) {
        self.creditTypeId = creditTypeId
        self.creditTypeName = creditTypeName
        self.entries = entries
        self.pendingEntries = pendingEntries
        self.startingAt = startingAt
        self.startingExcludingPending = startingExcludingPending
        self.startingIncludingPending = startingIncludingPending
        self.endingAt = endingAt
        self.endingExcludingPending = endingExcludingPending
        self.endingIncludingPending = endingIncludingPending
    }
}

/// Which ledger entries `listEntries` shows.
package struct CreditLedgerFilter: Sendable {
    package var customerIds: [String]
    package var creditTypeIds: [String]
    package var startingOn: Timestamp?
    package var endingBefore: Timestamp?
    package var descending: Bool

    /// A value with each stored property given.
    package init(
        customerIds: [String] = [], creditTypeIds: [String] = [], startingOn: Timestamp? = nil, endingBefore: Timestamp? = nil,
        descending: Bool = false
    ) {
        self.customerIds = customerIds
        self.creditTypeIds = creditTypeIds
        self.startingOn = startingOn
        self.endingBefore = endingBefore
        self.descending = descending
    }
}

// MARK: - Record

/// A row of `credit_grant`.
package struct CreditGrantRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "credit_grant"
    package var seq: Int64?
    package var id: String
    package var customerId: String
    package var name: String
    package var grantAmount: Decimal
    package var grantCreditTypeId: String
    package var paidAmount: Decimal
    package var paidCreditTypeId: String
    package var priority: Decimal
    package var effectiveAt: Timestamp
    package var expiresAt: Timestamp
    package var productIds: [String]
    package var creditGrantType: String?
    package var reason: String?
    package var customFields: [String: String]
    package var uniquenessKey: String?
    package var createdAt: Timestamp
    package var voidedAt: Timestamp?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let customerId = Column(CodingKeys.customerId)
        package static let uniquenessKey = Column(CodingKeys.uniquenessKey)
        package static let voidedAt = Column(CodingKeys.voidedAt)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, customerId = "customer_id", name, grantAmount = "grant_amount", grantCreditTypeId = "grant_credit_type_id"
        case paidAmount = "paid_amount", paidCreditTypeId = "paid_credit_type_id", priority
        case effectiveAt = "effective_at", expiresAt = "expires_at", productIds = "product_ids"
        case creditGrantType = "credit_grant_type", reason, customFields = "custom_fields"
        case uniquenessKey = "uniqueness_key", createdAt = "created_at", voidedAt = "voided_at"
    }

    /// The grant as billing draws it down.
    package var terms: CreditGrantTerms {
        CreditGrantTerms(
            id: id, customerId: customerId, name: name, amount: grantAmount, creditTypeId: grantCreditTypeId, priority: priority,
            effectiveAt: effectiveAt, expiresAt: expiresAt, productIds: productIds, customFields: customFields
        )
    }

    /// A value with each stored property given.
    package init(
        seq: Int64? = nil, id: String, customerId: String, name: String, grantAmount: Decimal, grantCreditTypeId: String,
        paidAmount: Decimal, paidCreditTypeId: String, priority: Decimal, effectiveAt: Timestamp, expiresAt: Timestamp,
        productIds: [String], creditGrantType: String?, reason: String?, customFields: [String: String],
        uniquenessKey: String?, createdAt: Timestamp, voidedAt: Timestamp? = nil
    ) {
        self.seq = seq
        self.id = id
        self.customerId = customerId
        self.name = name
        self.grantAmount = grantAmount
        self.grantCreditTypeId = grantCreditTypeId
        self.paidAmount = paidAmount
        self.paidCreditTypeId = paidCreditTypeId
        self.priority = priority
        self.effectiveAt = effectiveAt
        self.expiresAt = expiresAt
        self.productIds = productIds
        self.creditGrantType = creditGrantType
        self.reason = reason
        self.customFields = customFields
        self.uniquenessKey = uniquenessKey
        self.createdAt = createdAt
        self.voidedAt = voidedAt
    }
}

// MARK: - Store methods

extension AppDatabase {
    /// Who posts the ledger entries Metronome makes by itself.
    package static let creditLedgerSystemActor = "Metronome System"

    /// Creates a credit grant; returns its ID. 404 for an unknown customer, credit type or
    /// product; 409 for a reused uniqueness key.
    package func createCreditGrant(_ new: NewCreditGrant, now: Timestamp) async throws -> String {
        try await writer.write { db in
            _ = try Self.customerRecord(id: new.customerId, db)
            if let key = new.uniquenessKey,
                try CreditGrantRecord.filter(CreditGrantRecord.Columns.uniquenessKey == key).fetchCount(db) > 0 {
                throw StoreError.conflict(Self.uniquenessKeyUsedMessage)
            }
            for creditTypeId in Set([new.grantCreditTypeId, new.paidCreditTypeId]) {
                guard try CreditTypeRecord.filter(CreditTypeRecord.Columns.id == creditTypeId).fetchCount(db) > 0 else {
                    throw StoreError.notFound("Credit type", creditTypeId)
                }
            }
            let known = try Self.productNames(now: now, db)
            for productId in new.productIds where known[productId] == nil {
                throw StoreError.notFound("Product", productId)
            }
            let effectiveAt = new.effectiveAt ?? now
            guard effectiveAt < new.expiresAt else {
                throw StoreError.invalid("'expires_at' must be after 'effective_at'")
            }
            try Self.settle(customerId: new.customerId, now: now, db)
            let record = CreditGrantRecord(
                id: UUID().uuidString.lowercased(), customerId: new.customerId, name: new.name, grantAmount: new.grantAmount,
                grantCreditTypeId: new.grantCreditTypeId, paidAmount: new.paidAmount, paidCreditTypeId: new.paidCreditTypeId,
                priority: new.priority, effectiveAt: effectiveAt, expiresAt: new.expiresAt, productIds: new.productIds,
                creditGrantType: new.creditGrantType, reason: new.reason, customFields: new.customFields,
                uniquenessKey: new.uniquenessKey, createdAt: now
            )
            try record.insert(db)
            try Self.settle(customerId: new.customerId, now: now, db)
            return record.id
        }
    }

    /// Changes a grant's name, expiry or type. 404 for an unknown or voided grant; 400 for an
    /// expiry not after the grant's start.
    package func editCreditGrant(id: String, _ edit: CreditGrantEdit, now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.creditGrantRecord(id: id, db)
            if let expiresAt = edit.expiresAt, expiresAt <= record.effectiveAt {
                throw StoreError.invalid("'expires_at' must be after the grant's effective_at")
            }
            try Self.settle(customerId: record.customerId, now: now, db)
            if let name = edit.name { record.name = name }
            if let expiresAt = edit.expiresAt { record.expiresAt = expiresAt }
            if let type = edit.creditGrantType { record.creditGrantType = type }
            try record.update(db)
            try Self.settle(customerId: record.customerId, now: now, db)
        }
    }

    /// Voids a grant: it pays for no draft from now on, and leaves the ledgers; what finalized
    /// invoices drew stays on them. 404 for an unknown or voided grant.
    package func voidCreditGrant(id: String, releaseUniquenessKey: Bool, now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.creditGrantRecord(id: id, db)
            try Self.settle(customerId: record.customerId, now: now, db)
            record.voidedAt = now
            if releaseUniquenessKey { record.uniquenessKey = nil }
            try record.update(db)
            try Self.settle(customerId: record.customerId, now: now, db)
        }
    }

    /// Up to `limit` grants matching `filter` (voided ones left out), oldest first, after
    /// sequence `afterSeq`, each with its deductions and balance at `now`.
    package func creditGrants(
        matching filter: CreditGrantFilter, afterSeq: Int64?, limit: Int, now: Timestamp
    ) async throws -> [CreditGrantAccount] {
        try await writer.read { db in
            var request = CreditGrantRecord.filter(CreditGrantRecord.Columns.voidedAt == nil).order(CreditGrantRecord.Columns.seq)
            if !filter.creditGrantIds.isEmpty { request = request.filter(filter.creditGrantIds.contains(CreditGrantRecord.Columns.id)) }
            if !filter.customerIds.isEmpty {
                request = request.filter(filter.customerIds.contains(CreditGrantRecord.Columns.customerId))
            }
            if let afterSeq { request = request.filter(CreditGrantRecord.Columns.seq > afterSeq) }
            var accounts: [CreditGrantAccount] = []
            var entriesByCustomer: [String: [CreditLedgerEntry]] = [:]
            var periodEnds: [String: Timestamp] = [:]
            let productNames = try Self.productNames(now: now, db)
            for record in try request.fetchAll(db) where accounts.count < limit {
                if !filter.creditTypeIds.isEmpty, !filter.creditTypeIds.contains(record.grantCreditTypeId) { continue }
                if let before = filter.effectiveBefore, record.effectiveAt >= before { continue }
                if let notBefore = filter.notExpiringBefore, record.expiresAt < notBefore { continue }
                if entriesByCustomer[record.customerId] == nil {
                    let periodEnd = try Self.currentPeriodEnd(customerId: record.customerId, now: now, db)
                    periodEnds[record.customerId] = periodEnd
                    entriesByCustomer[record.customerId] = try Self.creditLedgerEntries(
                        customerId: record.customerId, now: now, pendingThrough: periodEnd, db
                    )
                }
                let entries = (entriesByCustomer[record.customerId] ?? []).filter { $0.creditGrantId == record.id }
                let periodEnd = periodEnds[record.customerId] ?? now
                let posted = entries.filter { !$0.pending }.reduce(Decimal(0)) { $0 + $1.amount }
                let pending = entries.filter(\.pending).reduce(Decimal(0)) { $0 + $1.amount }
                accounts.append(CreditGrantAccount(
                    record: record,
                    deductions: entries.filter { $0.kind == .deduction && !$0.pending },
                    pendingDeductions: entries.filter { $0.kind == .deduction && $0.pending },
                    // As documented: 0 once expired, and 0 including pending when it expires
                    // before the period ends.
                    balanceEffectiveAt: periodEnd, balanceExcludingPending: record.expiresAt <= now ? 0 : max(0, posted),
                    balanceIncludingPending: record.expiresAt <= periodEnd ? 0 : max(0, posted + pending),
                    productNames: productNames
                ))
            }
            return accounts
        }
    }

    /// The credit ledgers of up to `limit` customers after sequence `afterSeq` (customers with at
    /// least one grant, in the order they were created), per credit type. Returns each
    /// customer's ID, its sequence and its ledgers.
    package func creditLedgers(
        matching filter: CreditLedgerFilter, afterSeq: Int64?, limit: Int, now: Timestamp
    ) async throws -> [(customerId: String, seq: Int64, ledgers: [CreditLedger])] {
        try await writer.read { db in
            var sql = """
                SELECT c.id, c.seq FROM customer c
                WHERE EXISTS (SELECT 1 FROM credit_grant g WHERE g.customer_id = c.id AND g.voided_at IS NULL)
                """
            var arguments: StatementArguments = []
            if let afterSeq {
                sql += " AND c.seq > ?"
                _ = arguments.append(contentsOf: [afterSeq])
            }
            if !filter.customerIds.isEmpty {
                sql += " AND c.id IN (\(filter.customerIds.map { _ in "?" }.joined(separator: ",")))"
                _ = arguments.append(contentsOf: StatementArguments(filter.customerIds))
            }
            sql += " ORDER BY c.seq LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            let creditTypeNames = Dictionary(
                try CreditTypeRecord.fetchAll(db).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }
            )
            var result: [(customerId: String, seq: Int64, ledgers: [CreditLedger])] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let customerId: String = row[0]
                let periodEnd = try Self.currentPeriodEnd(customerId: customerId, now: now, db)
                let all = try Self.creditLedgerEntries(customerId: customerId, now: now, pendingThrough: periodEnd, db)
                let grants = try CreditGrantRecord.filter(CreditGrantRecord.Columns.customerId == customerId)
                    .filter(CreditGrantRecord.Columns.voidedAt == nil).fetchAll(db)
                var ledgers: [CreditLedger] = []
                for creditTypeId in Set(grants.map(\.grantCreditTypeId)).sorted()
                where filter.creditTypeIds.isEmpty || filter.creditTypeIds.contains(creditTypeId) {
                    let entries = all.filter { $0.creditTypeId == creditTypeId }
                    let firstGrant = grants.filter { $0.grantCreditTypeId == creditTypeId }.map(\.effectiveAt).min() ?? now
                    let start = filter.startingOn ?? firstGrant
                    let end = filter.endingBefore ?? periodEnd
                    let posted = entries.filter { !$0.pending }
                    let pending = entries.filter(\.pending)
                    let pendingSum = pending.reduce(Decimal(0)) { $0 + $1.amount }
                    let startingPosted = posted.filter { $0.effectiveAt <= start }.reduce(Decimal(0)) { $0 + $1.amount }
                    let endingPosted = posted.filter { $0.effectiveAt < end }.reduce(Decimal(0)) { $0 + $1.amount }
                    let endingPending = pending.filter { $0.effectiveAt <= end }.reduce(Decimal(0)) { $0 + $1.amount }
                    func shown(_ entry: CreditLedgerEntry) -> Bool {
                        // Without `ending_before`, the entries up to the start of the next period
                        // (where the current draft's deductions are dated) are shown.
                        (filter.startingOn.map { entry.effectiveAt >= $0 } ?? true)
                            && (filter.endingBefore == nil ? entry.effectiveAt <= end : entry.effectiveAt < end)
                    }
                    var shownPosted = posted.filter(shown)
                    var shownPending = pending.filter(shown)
                    if filter.descending {
                        shownPosted.reverse()
                        shownPending.reverse()
                    }
                    ledgers.append(CreditLedger(
                        creditTypeId: creditTypeId, creditTypeName: creditTypeNames[creditTypeId] ?? creditTypeId,
                        entries: shownPosted, pendingEntries: shownPending, startingAt: start,
                        startingExcludingPending: startingPosted, startingIncludingPending: startingPosted + pendingSum,
                        endingAt: end, endingExcludingPending: endingPosted, endingIncludingPending: endingPosted + endingPending
                    ))
                }
                result.append((customerId, row[1], ledgers))
            }
            return result
        }
    }

    // MARK: - Inside a transaction

    /// The grant with `id`; 404 if there is none or it was voided.
    package static func creditGrantRecord(id: String, _ db: Database) throws -> CreditGrantRecord {
        guard let record = try CreditGrantRecord.filter(CreditGrantRecord.Columns.id == id)
            .filter(CreditGrantRecord.Columns.voidedAt == nil).fetchOne(db)
        else { throw StoreError.notFound("Credit grant", id) }
        return record
    }

    /// The name of every product a grant may name, by ID: the catalog's products and the products
    /// of plans' charges.
    static func productNames(now: Timestamp, _ db: Database) throws -> [String: String] {
        var names: [String: String] = [:]
        for plan in try PlanRecord.fetchAll(db) {
            for charge in plan.definition.charges { names[charge.productId] = charge.productName }
        }
        for product in try ProductRecord.fetchAll(db) { names[product.id] = product.state(at: now).name }
        return names
    }

    /// The end of the customer's billing period covering `now`, or `now` when none does.
    static func currentPeriodEnd(customerId: String, now: Timestamp, _ db: Database) throws -> Timestamp {
        try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
            .filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.customerPlan.rawValue)
            .filter(InvoiceRecord.Columns.startTimestamp <= now && InvoiceRecord.Columns.endTimestamp > now)
            .filter(InvoiceRecord.Columns.status != InvoiceStatus.void.rawValue)
            .order(InvoiceRecord.Columns.startTimestamp).fetchOne(db)?.endTimestamp ?? now
    }

    /// Every ledger entry of the customer's grants that are not voided, in time order, with
    /// running balances per credit type: each grant as it takes effect, each plan invoice's
    /// deduction (posted once finalized, at the end of its period), and each expiration of what is
    /// left (posted once past; pending when it falls by `pendingThrough`).
    static func creditLedgerEntries(
        customerId: String, now: Timestamp, pendingThrough: Timestamp, _ db: Database
    ) throws -> [CreditLedgerEntry] {
        let grants = try CreditGrantRecord.filter(CreditGrantRecord.Columns.customerId == customerId)
            .filter(CreditGrantRecord.Columns.voidedAt == nil).order(CreditGrantRecord.Columns.seq).fetchAll(db)
        guard !grants.isEmpty else { return [] }
        var entries: [CreditLedgerEntry] = []
        for grant in grants where grant.effectiveAt <= max(now, pendingThrough) {
            entries.append(CreditLedgerEntry(
                kind: .grant, creditGrantId: grant.id, creditTypeId: grant.grantCreditTypeId, amount: grant.grantAmount,
                effectiveAt: grant.effectiveAt, reason: grant.reason ?? grant.name, pending: grant.effectiveAt > now
            ))
        }
        let ids = Set(grants.map(\.id))
        var drawn: [String: (posted: Decimal, pending: Decimal)] = [:]
        let invoices = try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
            .filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.customerPlan.rawValue)
            .filter(InvoiceRecord.Columns.status != InvoiceStatus.void.rawValue)
            .order(InvoiceRecord.Columns.startTimestamp, InvoiceRecord.Columns.seq).fetchAll(db)
        for invoice in invoices {
            let pending = invoice.status == .draft
            for adjustment in try invoiceDocument(invoice, db).invoiceAdjustments ?? [] {
                guard let grantId = adjustment.creditGrantId, ids.contains(grantId), adjustment.total != 0 else { continue }
                if pending { drawn[grantId, default: (0, 0)].pending -= adjustment.total }
                else { drawn[grantId, default: (0, 0)].posted -= adjustment.total }
                entries.append(CreditLedgerEntry(
                    kind: .deduction, creditGrantId: grantId, creditTypeId: adjustment.creditType.id, amount: adjustment.total,
                    effectiveAt: invoice.endTimestamp, reason: "Automated invoice deduction", invoiceId: invoice.id, pending: pending
                ))
            }
        }
        for grant in grants where grant.expiresAt <= max(now, pendingThrough) {
            let used = drawn[grant.id] ?? (0, 0)
            let left = grant.grantAmount - used.posted - used.pending
            guard left > 0 else { continue }
            entries.append(CreditLedgerEntry(
                kind: .expiration, creditGrantId: grant.id, creditTypeId: grant.grantCreditTypeId, amount: -left,
                effectiveAt: grant.expiresAt, reason: "Expiration", pending: grant.expiresAt > now
            ))
        }
        func rank(_ entry: CreditLedgerEntry) -> Int {
            switch entry.kind {
            case .grant: 0
            case .deduction: 1
            case .expiration: 2
            }
        }
        entries.sort { ($0.effectiveAt, rank($0)) < ($1.effectiveAt, rank($1)) }
        var running: [String: Decimal] = [:]
        for index in entries.indices {
            running[entries[index].creditTypeId, default: 0] += entries[index].amount
            entries[index].runningBalance = running[entries[index].creditTypeId] ?? 0
        }
        return entries
    }

    /// What each of the customer's grants has left for `record`: its amount less what the plan
    /// invoices of earlier periods drew (void invoices draw nothing).
    static func creditGrantsRemaining(before record: InvoiceRecord, grants: [CreditGrantRecord], _ db: Database) throws -> [String: Decimal] {
        var remaining = Dictionary(uniqueKeysWithValues: grants.map { ($0.id, $0.grantAmount) })
        let earlier = try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == record.customerId)
            .filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.customerPlan.rawValue)
            .filter(InvoiceRecord.Columns.status != InvoiceStatus.void.rawValue)
            .order(InvoiceRecord.Columns.startTimestamp, InvoiceRecord.Columns.seq).fetchAll(db)
            .filter { ($0.startTimestamp, $0.seq ?? 0) < (record.startTimestamp, record.seq ?? 0) }
        for invoice in earlier {
            for adjustment in try invoiceDocument(invoice, db).invoiceAdjustments ?? [] {
                guard let grantId = adjustment.creditGrantId, remaining[grantId] != nil else { continue }
                remaining[grantId, default: 0] += adjustment.total
            }
        }
        return remaining
    }

    /// The customer's grants that are not voided and are in effect for part of `period`.
    static func creditGrants(customerId: String, overlapping period: Range<Timestamp>, _ db: Database) throws -> [CreditGrantRecord] {
        try CreditGrantRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM credit_grant WHERE customer_id = ? AND voided_at IS NULL ORDER BY seq"),
            arguments: [customerId]
        ).filter { $0.effectiveAt < period.upperBound && period.lowerBound < $0.expiresAt }
    }

    /// The credit-grant balances of the customer in effect at `now`, as balance alerts read them.
    static func creditGrantFigures(customerId: String, now: Timestamp, _ db: Database) throws -> [BalanceFigure] {
        let grants = try CreditGrantRecord.filter(CreditGrantRecord.Columns.customerId == customerId)
            .filter(CreditGrantRecord.Columns.voidedAt == nil).fetchAll(db).filter { $0.terms.covers(now) }
        guard !grants.isEmpty else { return [] }
        let entries = try creditLedgerEntries(customerId: customerId, now: now, pendingThrough: now, db)
        return grants.map { grant in
            let used = entries.filter { $0.creditGrantId == grant.id && $0.kind == .deduction }.reduce(Decimal(0)) { $0 - $1.amount }
            return BalanceFigure(
                kind: .creditGrant, id: grant.id, creditTypeId: grant.grantCreditTypeId, remaining: max(0, grant.grantAmount - used),
                granted: grant.grantAmount,
                daysLeftInSegment: Decimal(grant.expiresAt.millisecondsSinceEpoch - now.millisecondsSinceEpoch)
                    / Decimal(Timestamp.millisecondsPerDay),
                creditGrantType: grant.creditGrantType
            )
        }
    }
}
