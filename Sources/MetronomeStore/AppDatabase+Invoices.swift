import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A row of `invoice`: one billing period of a customer plan or contract. While DRAFT its
/// content is computed on every read; once FINALIZED or VOID, `document` keeps it unchanged.
package struct InvoiceRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "invoice"
    package var seq: Int64?
    package var id: String
    package var customerId: String
    package var sourceKind: InvoiceSourceKind
    package var sourceId: String
    package var periodIndex: Int
    package var startTimestamp: Timestamp
    package var endTimestamp: Timestamp
    package var status: InvoiceStatus
    package var issuedAt: Timestamp?
    package var regeneratedFromInvoiceId: String?
    /// One-time charges added with `addCharge`.
    package var addedCharges: [AddedCharge] {
        get { storedAddedCharges.map(\.domain) }
        set { storedAddedCharges = newValue.map(StoredAddedCharge.init) }
    }
    /// The invoice as it stood when finalized or voided; nil while DRAFT.
    package var document: InvoiceDocument? {
        get { storedDocument?.domain }
        set { storedDocument = newValue.map(StoredInvoiceDocument.init) }
    }
    private var storedAddedCharges: [StoredAddedCharge]
    private var storedDocument: StoredInvoiceDocument?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let customerId = Column(CodingKeys.customerId)
        package static let sourceKind = Column(CodingKeys.sourceKind)
        package static let sourceId = Column(CodingKeys.sourceId)
        package static let periodIndex = Column(CodingKeys.periodIndex)
        package static let startTimestamp = Column(CodingKeys.startTimestamp)
        package static let endTimestamp = Column(CodingKeys.endTimestamp)
        package static let status = Column(CodingKeys.status)
        package static let regeneratedFromInvoiceId = Column(CodingKeys.regeneratedFromInvoiceId)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, customerId = "customer_id", sourceKind = "source_kind", sourceId = "source_id"
        case periodIndex = "period_index", startTimestamp = "start_timestamp", endTimestamp = "end_timestamp", status
        case issuedAt = "issued_at", regeneratedFromInvoiceId = "regenerated_from_invoice_id"
        case storedAddedCharges = "added_charges", storedDocument = "document"
    }

    /// The billing period this invoice covers.
    package var period: BillingPeriod { BillingPeriod(index: periodIndex, start: startTimestamp, end: endTimestamp) }

    /// A value with each stored property given.
    package init(
        seq: Int64? = nil,
        id: String,
        customerId: String,
        sourceKind: InvoiceSourceKind,
        sourceId: String,
        periodIndex: Int,
        startTimestamp: Timestamp,
        endTimestamp: Timestamp,
        status: InvoiceStatus,
        issuedAt: Timestamp? = nil,
        regeneratedFromInvoiceId: String? = nil,
        addedCharges: [AddedCharge],
        document: InvoiceDocument? = nil
    ) {
        self.seq = seq
        self.id = id
        self.customerId = customerId
        self.sourceKind = sourceKind
        self.sourceId = sourceId
        self.periodIndex = periodIndex
        self.startTimestamp = startTimestamp
        self.endTimestamp = endTimestamp
        self.status = status
        self.issuedAt = issuedAt
        self.regeneratedFromInvoiceId = regeneratedFromInvoiceId
        storedAddedCharges = addedCharges.map(StoredAddedCharge.init)
        storedDocument = document.map(StoredInvoiceDocument.init)
    }
}

/// What an invoice bills: a period of a customer plan or of a contract, or one item of an
/// invoice schedule (a commit's purchase or a scheduled charge).
package enum InvoiceSourceKind: String, Codable, Sendable, DatabaseValueConvertible {
    case customerPlan = "customer_plan"
    case contract
    case scheduledItem = "scheduled_item"
    /// An invoice made by `contracts/createHistoricalInvoices`: its source is the contract, and
    /// it is finalized from the start (its `document` is all it is).
    case historical
    /// A professional services invoice scheduled with `contracts/scheduleProServicesInvoice`: its
    /// source is the contract; its `document` is kept from the start, and it finalizes at its date.
    case professionalServices = "professional_services"
    /// A parent contract's USAGE_CONSOLIDATED invoice for one of its periods (`parent_behavior`
    /// CONCATENATE): its source is the parent contract; it concatenates the parent's usage
    /// statement and those of its consolidating children.
    case consolidated
    /// A charge of a subscription placed ON_SCHEDULED_INVOICE: its source is the subscription;
    /// its `document` is kept from the start, and it finalizes at its date.
    case subscriptionCharge = "subscription_charge"

    /// The kinds that finalize on their date (their start), not after a period and its grace.
    package static let datedKinds: [InvoiceSourceKind] = [.scheduledItem, .professionalServices, .subscriptionCharge]

    /// Whether the invoice finalizes on its date (its start), not after its period and grace.
    package var finalizesOnItsDate: Bool { Self.datedKinds.contains(self) }

    /// Whether its content is kept from the moment it is made (there is no usage to rate it from).
    package var keepsItsContent: Bool { self == .professionalServices || self == .subscriptionCharge }
}

/// Where an invoice stands.
package enum InvoiceStatus: String, Codable, Sendable, DatabaseValueConvertible {
    case draft = "DRAFT"
    case finalized = "FINALIZED"
    case void = "VOID"
}

/// Which of a customer's invoices to list.
package struct InvoiceFilter: Sendable {
    package var status: String?
    package var type: String?
    package var contractId: String?
    package var creditTypeId: String?
    package var startingOn: Timestamp?
    package var endingBefore: Timestamp?
    package var newestFirst: Bool = false

    /// A value with each stored property given.
    package init(
        status: String? = nil,
        type: String? = nil,
        contractId: String? = nil,
        creditTypeId: String? = nil,
        startingOn: Timestamp? = nil,
        endingBefore: Timestamp? = nil,
        newestFirst: Bool = false
    ) {
        self.status = status
        self.type = type
        self.contractId = contractId
        self.creditTypeId = creditTypeId
        self.startingOn = startingOn
        self.endingBefore = endingBefore
        self.newestFirst = newestFirst
    }
}

extension AppDatabase {
    /// A customer's invoices matching `filter`, oldest period first (or newest), each with its
    /// content as of `now`, as settlement left them (a read).
    package func invoices(customerId: String, filter: InvoiceFilter, now: Timestamp) async throws -> [InvoiceDocument] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            return try Self.invoiceRecords(customerId: customerId, filter: filter, db).filter { record in
                (filter.startingOn.map { record.startTimestamp >= $0 } ?? true)
                    && (filter.endingBefore.map { record.endTimestamp <= $0 } ?? true)
            }.map { try Self.invoiceDocument($0, db) }.filter { document in
                (filter.type.map { document.type == $0.uppercased() } ?? true)
                    && (filter.creditTypeId.map { document.creditType.id == $0 } ?? true)
            }
        }
    }

    /// One of a customer's invoices as of `now`; 404 unless it is that customer's.
    package func invoice(customerId: String, id: String, now: Timestamp) async throws -> InvoiceDocument {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            return try Self.invoiceDocument(try Self.invoiceRecord(id: id, customerId: customerId, db), db)
        }
    }

    /// Voids an invoice: it keeps what it showed, with status VOID. Returns its ID.
    package func voidInvoice(id: String, now: Timestamp) async throws -> String {
        try await writer.write { db in
            var record = try Self.invoiceRecord(id: id, customerId: nil, db)
            try Self.settle(customerId: record.customerId, now: now, db)
            record = try Self.invoiceRecord(id: id, customerId: nil, db)
            guard record.status != .void else { throw StoreError.invalid("Invoice \(id) is already void") }
            try Self.void(&record, db)
            return id
        }
    }

    /// Regenerates a voided invoice: a new one (new ID) for the same period, rated from the usage,
    /// rates and balances as they stand now. 400 for an invoice that is not void, or that was
    /// regenerated already. Returns the new invoice's ID.
    package func regenerateInvoice(id: String, now: Timestamp) async throws -> String {
        try await writer.write { db in
            var original = try Self.invoiceRecord(id: id, customerId: nil, db)
            try Self.settle(customerId: original.customerId, now: now, db)
            original = try Self.invoiceRecord(id: id, customerId: nil, db)
            guard original.status == .void else {
                throw StoreError.invalid("Invoice \(id) is \(original.status.rawValue); only a voided invoice can be regenerated")
            }
            guard original.sourceKind != .historical else {
                throw StoreError.invalid("Invoice \(id) is a historical invoice; there is nothing to regenerate it from")
            }
            if let earlier = try InvoiceRecord.filter(InvoiceRecord.Columns.regeneratedFromInvoiceId == id).fetchOne(db) {
                throw StoreError.invalid("Invoice \(id) was regenerated already, as \(earlier.id)")
            }
            var replacement = original
            replacement.seq = nil
            replacement.id = UUID().uuidString.lowercased()
            replacement.regeneratedFromInvoiceId = original.id
            replacement.status = .draft
            replacement.document = nil
            if original.sourceKind.keepsItsContent, var content = original.document {
                content.id = replacement.id
                content.status = InvoiceStatus.draft.rawValue
                content.issuedAt = nil
                content.regeneratedFromInvoiceId = original.id
                replacement.document = content
            }
            replacement.issuedAt = nil
            try replacement.insert(db)
            // The row's sequence, which an update needs, is the database's to give.
            replacement = try Self.invoiceRecord(id: replacement.id, customerId: nil, db)
            let due = original.sourceKind.finalizesOnItsDate ? original.startTimestamp <= now : original.period.finalizesAt <= now
            if due { try Self.finalize(&replacement, now: now, db) }
            return replacement.id
        }
    }

    /// Adds a one-time charge to the draft invoice of a customer plan's period starting at
    /// `invoiceStart`. The charge may be any plan's charge on a product with only fixed charges.
    package func addChargeToInvoice(
        customerId: String, customerPlanId: String, invoiceStart: Timestamp, chargeId: String, description: String,
        price: Decimal, quantity: Decimal, now: Timestamp
    ) async throws {
        try await writer.write { db in
            _ = try Self.customerRecord(id: customerId, db)
            guard try CustomerPlanRecord.filter(CustomerPlanRecord.Columns.id == customerPlanId)
                .filter(CustomerPlanRecord.Columns.customerId == customerId).fetchCount(db) > 0
            else { throw StoreError.notFound("Customer plan of customer \(customerId)", customerPlanId) }
            let charges = try PlanRecord.fetchAll(db).flatMap(\.definition.charges)
            guard let charge = charges.first(where: { $0.id == chargeId }) else { throw StoreError.notFound("Charge", chargeId) }
            guard charges.filter({ $0.productId == charge.productId }).allSatisfy({ $0.chargeType == .fixed }) else {
                throw StoreError.invalid("Charge \(chargeId) must be on a product that has only fixed charges")
            }
            try Self.settle(customerId: customerId, now: now, db)
            guard var record = try InvoiceRecord.filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.customerPlan.rawValue)
                .filter(InvoiceRecord.Columns.sourceId == customerPlanId)
                .filter(InvoiceRecord.Columns.startTimestamp == invoiceStart)
                .filter(InvoiceRecord.Columns.status == InvoiceStatus.draft.rawValue).fetchOne(db)
            else {
                throw StoreError.invalid("Customer plan \(customerPlanId) has no draft invoice starting at \(invoiceStart.rfc3339)")
            }
            record.addedCharges.append(AddedCharge(
                chargeId: charge.id, productId: charge.productId, productName: charge.productName, description: description,
                price: price, quantity: quantity
            ))
            try record.update(db)
        }
    }

    /// The customer's draft invoices as they would be with `events` added to its usage (or, with
    /// `replace`, as its only usage). Nothing is kept: the preview runs in a savepoint rolled back.
    /// Events whose `transaction_id` was ingested within the deduplication window are left out.
    package func previewDraftInvoices(customerId: String, events: [UsageEvent], replace: Bool, now: Timestamp) async throws -> [InvoiceDocument] {
        try await writer.write { db in
            _ = try Self.customerRecord(id: customerId, db)
            try Self.settleInvoices(customerId: customerId, now: now, db)
            var drafts: [InvoiceDocument] = []
            try db.inSavepoint {
                let refs = try Self.customerRefs(customerId, db)
                if replace {
                    let marks = databaseQuestionMarks(count: refs.count)
                    try db.execute(sql: "DELETE FROM usage_rollup WHERE customer_ref IN (\(marks))", arguments: StatementArguments(refs))
                    try db.execute(sql: "DELETE FROM usage_rollup_unique WHERE customer_ref IN (\(marks))", arguments: StatementArguments(refs))
                }
                var folded = UsageRollup.Folded()
                let metrics = try Self.rolledUpMetrics(db)
                for event in events where !isCounted(event.transactionId, now: now) {
                    UsageRollup.fold(event, into: &folded, metrics: metrics)
                }
                try Self.storeRollup(folded.buckets, uniques: folded.uniques, db)
                drafts = try Self.invoiceRecords(customerId: customerId, filter: InvoiceFilter(status: InvoiceStatus.draft.rawValue), db)
                    .map { try Self.invoiceDocument($0, db) }
                return .rollback
            }
            return drafts
        }
    }

    /// What each trial invoice of the customer's plans bills before its trial adjustment, by
    /// customer-plan ID: the spend its spending cap is measured against.
    package func trialSpend(customerId: String, now: Timestamp) async throws -> [String: Decimal] {
        try await writer.read { db in
            var spend: [String: Decimal] = [:]
            for plan in try CustomerPlanRecord.filter(CustomerPlanRecord.Columns.customerId == customerId).fetchAll(db)
            where plan.trialSpec != nil {
                guard let trial = try InvoiceRecord.filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.customerPlan.rawValue)
                    .filter(InvoiceRecord.Columns.sourceId == plan.id).filter(InvoiceRecord.Columns.periodIndex == 0)
                    .filter(InvoiceRecord.Columns.status != InvoiceStatus.void.rawValue).fetchOne(db)
                else { continue }
                spend[plan.id] = try Self.invoiceDocument(trial, db).subtotal
            }
            return spend
        }
    }

    /// The billing period of the customer's draft invoice covering `now`, if it is billed now.
    package func currentBillingPeriod(customerId: String, now: Timestamp) async throws -> BillingPeriod? {
        try await writer.read { db in
            return try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
                .filter(InvoiceRecord.Columns.status == InvoiceStatus.draft.rawValue)
                .filter(InvoiceRecord.Columns.startTimestamp <= now && InvoiceRecord.Columns.endTimestamp > now)
                .order(InvoiceRecord.Columns.startTimestamp).fetchOne(db)?.period
        }
    }

    /// Breakdowns of a customer's invoices matching `filter`: each invoice cut into `windowSize`
    /// windows within `[startingOn, endingBefore)`, in order; `offset` and `limit` pick the page.
    /// Returns the page and whether more follow.
    package func invoiceBreakdowns(
        customerId: String, filter: InvoiceFilter, startingOn: Timestamp, endingBefore: Timestamp, windowSize: WindowSize,
        offset: Int, limit: Int, now: Timestamp
    ) async throws -> (items: [(document: InvoiceDocument, window: Range<Timestamp>)], more: Bool) {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            var slots: [(InvoiceRecord, Range<Timestamp>)] = []
            for record in try Self.invoiceRecords(customerId: customerId, filter: filter, db) where record.status != .void {
                let start = max(startingOn, record.startTimestamp)
                let end = min(endingBefore, record.endTimestamp)
                guard start < end else { continue }
                slots += windowSize.windows(from: start, to: end).map { (record, $0) }
            }
            let page = slots.dropFirst(offset).prefix(limit)
            let items = try page.map { record, window in
                (try Self.ratedShare(of: record, in: window, db), window)
            }.filter { item in filter.creditTypeId.map { item.0.creditType.id == $0 } ?? true }
            return (items, slots.count > offset + limit)
        }
    }

    /// What a customer's invoices bill each day of `[startingOn, endingBefore)` (UTC days), per
    /// credit type and line; `offset` and `limit` pick the days of the page.
    package func dailyCosts(
        customerId: String, startingOn: Timestamp, endingBefore: Timestamp, offset: Int, limit: Int, now: Timestamp
    ) async throws -> (days: [(window: Range<Timestamp>, lines: [InvoiceLineItem])], more: Bool) {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            // Only the days up to the end of this page (and one more, to know whether more follow).
            let pageEnd = min(
                endingBefore.millisecondsSinceEpoch,
                startingOn.millisecondsSinceEpoch + Int64(offset + limit + 1) * Timestamp.millisecondsPerDay
            )
            let days = WindowSize.day.windows(from: startingOn, to: Timestamp(millisecondsSinceEpoch: pageEnd))
            // A consolidated invoice repeats its constituents' lines: counted once, on them.
            let records = try Self.invoiceRecords(customerId: customerId, filter: InvoiceFilter(), db)
                .filter { $0.status != .void && $0.sourceKind != .consolidated }
            let page = try days.dropFirst(offset).prefix(limit).map { day in
                var lines: [InvoiceLineItem] = []
                for record in records where record.startTimestamp < day.upperBound && day.lowerBound < record.endTimestamp {
                    let window = max(day.lowerBound, record.startTimestamp)..<min(day.upperBound, record.endTimestamp)
                    lines += try Self.ratedShare(of: record, in: window, db).lineItems
                }
                return (day, lines)
            }
            return (page, days.count > offset + limit)
        }
    }

    // MARK: - Periods and finalization

    /// Opens a draft for every billing period of the customer's plans that has begun by `now`,
    /// and finalizes every draft whose period ended more than the grace period before `now`.
    package static func settleInvoices(customerId: String, now: Timestamp, _ db: Database) throws {
        // An archived customer is billed no more: its drafts are voided, no period opens.
        if try CustomerRecord.filter(CustomerRecord.Columns.id == customerId).fetchOne(db)?.archivedAt != nil {
            let drafts = try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
                .filter(InvoiceRecord.Columns.status == InvoiceStatus.draft.rawValue).fetchAll(db)
            for var draft in drafts { try void(&draft, db) }
            return
        }
        let customerPlans = try CustomerPlanRecord.filter(CustomerPlanRecord.Columns.customerId == customerId).fetchAll(db)
        for customerPlan in customerPlans {
            try openPeriods(customerPlan.cadence, now: now, kind: .customerPlan, sourceId: customerPlan.id, customerId: customerId, db)
        }
        try settleContractInvoices(customerId: customerId, now: now, db)
        // Usage statements finalize once their grace period is over; scheduled invoices on their date.
        let overdue = try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
            .filter(InvoiceRecord.Columns.status == InvoiceStatus.draft.rawValue)
            .filter(
                (!InvoiceSourceKind.datedKinds.map(\.rawValue).contains(InvoiceRecord.Columns.sourceKind)
                    && InvoiceRecord.Columns.endTimestamp <= now.millisecondsSinceEpoch - BillingCadence.gracePeriodMilliseconds)
                    || (InvoiceSourceKind.datedKinds.map(\.rawValue).contains(InvoiceRecord.Columns.sourceKind)
                        && InvoiceRecord.Columns.startTimestamp <= now)
            )
            .order(InvoiceRecord.Columns.startTimestamp, InvoiceRecord.Columns.seq)
            .fetchAll(db)
        for var record in overdue { try finalize(&record, now: now, db) }
    }

    /// Opens a draft for each of `periods` that has none. Drafts of periods that no longer
    /// exist (the plan or contract now ends earlier) are voided; a draft of a period the end now
    /// cuts short is cut with it.
    package static func openPeriods(
        _ cadence: BillingCadence, now: Timestamp, kind: InvoiceSourceKind, sourceId: String, customerId: String,
        generates: (BillingPeriod) -> Bool = { _ in true }, _ db: Database
    ) throws {
        let opened = Set(try Int.fetchAll(db, sql: """
            SELECT period_index FROM invoice WHERE source_kind = ? AND source_id = ?
            """, arguments: [kind.rawValue, sourceId]))
        let drafts = try InvoiceRecord.filter(InvoiceRecord.Columns.sourceKind == kind.rawValue)
            .filter(InvoiceRecord.Columns.sourceId == sourceId)
            .filter(InvoiceRecord.Columns.status == InvoiceStatus.draft.rawValue).fetchAll(db)
        // Drafts opened before the clock was moved back still belong to their periods.
        let latest = drafts.map(\.startTimestamp).max().map { Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + 1) }
        // A period begins at its start: a settlement at that very moment opens it.
        let justAfter = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1)
        let known = cadence.periods(startedBefore: max(justAfter, latest ?? justAfter))
        let periods = known.filter { $0.start <= now && generates($0) }
        let byIndex = Dictionary(uniqueKeysWithValues: known.map { ($0.index, $0) })
        for var draft in drafts {
            if let period = byIndex[draft.periodIndex] {
                guard period.end != draft.endTimestamp else { continue }
                draft.endTimestamp = period.end
                try draft.update(db)
            } else {
                try void(&draft, db)
            }
        }
        for period in periods where !opened.contains(period.index) {
            try InvoiceRecord(
                id: UUID().uuidString.lowercased(), customerId: customerId, sourceKind: kind, sourceId: sourceId,
                periodIndex: period.index, startTimestamp: period.start, endTimestamp: period.end, status: .draft,
                addedCharges: []
            ).insert(db)
        }
    }

    /// Voids an invoice: it keeps what it shows now, with status VOID.
    package static func void(_ record: inout InvoiceRecord, _ db: Database) throws {
        var document = try invoiceDocument(record, db)
        document.status = InvoiceStatus.void.rawValue
        record.status = .void
        record.document = document
        try record.update(db)
    }

    /// Finalizes a draft, and writes its `invoice.finalized` notification in the same
    /// transaction (created at `now`, the emulated moment the finalization was noticed).
    private static func finalize(_ record: inout InvoiceRecord, now: Timestamp, _ db: Database) throws {
        record.status = .finalized
        record.issuedAt = record.sourceKind.finalizesOnItsDate ? record.startTimestamp : record.period.finalizesAt
        var document = try invoiceDocument(record, db)
        document.status = InvoiceStatus.finalized.rawValue
        document.issuedAt = record.issuedAt
        record.document = document
        try record.update(db)
        let properties: [String: JSONValue] = [
            "invoice_id": .string(record.id),
            "customer_id": .string(record.customerId),
            "invoice_finalized_date": .string((record.issuedAt ?? now).rfc3339),
        ]
        try recordNotification(type: "invoice.finalized", properties: properties, customerId: record.customerId, now: now, db)
    }

    // MARK: - Content

    /// What an invoice shows: kept as finalized or voided, or rated now for a draft.
    package static func invoiceDocument(_ record: InvoiceRecord, _ db: Database) throws -> InvoiceDocument {
        if let document = record.document { return document }
        return try ratedInvoice(record, until: record.endTimestamp, db)
    }

    /// A draft's content from the usage in its period before `cutoff` (its end, or earlier for
    /// breakdowns).
    package static func ratedInvoice(_ record: InvoiceRecord, until cutoff: Timestamp, _ db: Database) throws -> InvoiceDocument {
        let creditTypeNames = Dictionary(
            try CreditTypeRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM credit_type")).map { ($0.id, $0.name) },
            uniquingKeysWith: { first, _ in first }
        )
        let fiat = InvoiceCreditType(id: CreditTypes.usdCentsId, name: creditTypeNames[CreditTypes.usdCentsId] ?? CreditTypes.usdCentsName)
        switch record.sourceKind {
        case .customerPlan:
            guard let customerPlan = try CustomerPlanRecord.fetchOne(db, cachedWhereIdIs: record.sourceId),
                let plan = try PlanRecord.fetchOne(db, cachedWhereIdIs: customerPlan.planId)
            else { throw StoreError.corrupt("Invoice \(record.id) lost its customer plan") }
            let metricIds = Set(plan.definition.charges.compactMap(\.billableMetricId))
            let metrics = try rolledUpMetrics(db, ids: metricIds)
            let refs = try customerRefs(record.customerId, db)
            // With a trial, the trial is period 0 and priced by the first ramp; ramps count the
            // periods after it.
            let hasTrial = customerPlan.trialEnd.map { $0 > customerPlan.startingOn } ?? false
            var rampPeriod = record.period
            rampPeriod.index = hasTrial ? max(0, record.periodIndex - 1) : record.periodIndex
            let trial = hasTrial && record.periodIndex == 0 ? PlanTrial(spendingCap: customerPlan.trialSpec?.spendingCap?.amount) : nil
            func rated(until moment: Timestamp) throws -> PlanInvoiceContent {
                let usage = try metricUsage(
                    metrics, refs: refs, from: record.startTimestamp, to: min(moment, record.endTimestamp), db
                ).mapValues(\.total)
                return PlanRating.rate(
                    plan: plan.definition, adjustments: customerPlan.priceAdjustments, period: rampPeriod, usage: usage,
                    addedCharges: record.addedCharges, creditType: fiat, creditTypeNames: creditTypeNames, trial: trial
                )
            }
            var content = try rated(until: cutoff)
            let end = max(record.startTimestamp, min(cutoff, record.endTimestamp))
            let grants = try creditGrants(customerId: record.customerId, overlapping: record.startTimestamp..<end, db)
            if !grants.isEmpty, content.total > 0 {
                // Each part of the period is rated on its own, so that a grant pays only for
                // charges dated while it is in effect.
                let cuts = [record.startTimestamp] + CreditGrantDrawdown.boundaries(of: grants.map(\.terms), within: record.startTimestamp..<end)
                    + [end]
                var charges: [DatedCharge] = []
                var before: [String: Decimal] = [:]
                for (index, cut) in cuts.enumerated().dropFirst() {
                    let upTo = cut == end ? content : try rated(until: cut)
                    var totals: [String: (creditTypeId: String, total: Decimal)] = [:]
                    for line in upTo.lineItems {
                        totals[line.productId ?? "", default: (line.creditType.id, 0)].total += line.total
                    }
                    for (productId, line) in totals.sorted(by: { $0.key < $1.key }) {
                        charges.append(DatedCharge(
                            productId: productId, creditTypeId: line.creditTypeId, window: cuts[index - 1]..<cut,
                            amount: line.total - (before[productId] ?? 0)
                        ))
                        before[productId] = line.total
                    }
                }
                let creditTypes = Dictionary(
                    uniqueKeysWithValues: creditTypeNames.map { ($0.key, InvoiceCreditType(id: $0.key, name: $0.value)) }
                )
                let applied = CreditGrantDrawdown.apply(
                    to: charges, grants: grants.map(\.terms),
                    remaining: try creditGrantsRemaining(before: record, grants: grants, db), limit: content.total,
                    creditTypes: creditTypes
                )
                content.adjustments += applied
                content.total += applied.filter { $0.creditType.id == fiat.id }.reduce(Decimal(0)) { $0 + $1.total }
            }
            return InvoiceDocument(
                id: record.id, customerId: record.customerId, creditType: fiat, lineItems: content.lineItems,
                status: record.status.rawValue, total: content.total, type: "PLAN_ARREARS", startTimestamp: record.startTimestamp,
                endTimestamp: record.endTimestamp, issuedAt: record.issuedAt, planId: plan.id, planName: plan.definition.name,
                subtotal: content.subtotal, netPaymentTermsDays: customerPlan.netPaymentTermsDays, customFields: [:],
                regeneratedFromInvoiceId: record.regeneratedFromInvoiceId, invoiceAdjustments: content.adjustments
            )
        case .contract:
            return try ratedContractInvoice(record, until: cutoff, fiat: fiat, creditTypeNames: creditTypeNames, db)
        case .scheduledItem:
            return try scheduledInvoice(record, fiat: fiat, creditTypeNames: creditTypeNames, db)
        case .historical:
            return try historicalInvoice(record, until: cutoff)
        case .professionalServices, .subscriptionCharge:
            guard let document = record.document else { throw StoreError.corrupt("Invoice \(record.id) lost its content") }
            return document
        case .consolidated:
            return try consolidatedInvoice(record, until: cutoff, fiat: fiat, db)
        }
    }

    /// What an invoice bills for usage in `window` (within its period), as its breakdowns show it.
    package static func ratedShare(of record: InvoiceRecord, in window: Range<Timestamp>, _ db: Database) throws -> InvoiceDocument {
        let upTo = try ratedInvoice(record, until: window.upperBound, db)
        let before = window.lowerBound > record.startTimestamp ? try ratedInvoice(record, until: window.lowerBound, db) : nil
        var share = InvoiceBreakdown.difference(upTo, minus: before)
        share.status = record.status.rawValue
        share.issuedAt = record.issuedAt
        return share
    }

    /// A customer's invoice rows matching the filters the store can apply, in period order.
    package static func invoiceRecords(customerId: String, filter: InvoiceFilter, _ db: Database) throws -> [InvoiceRecord] {
        var request = InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
        if let status = filter.status { request = request.filter(InvoiceRecord.Columns.status == status.uppercased()) }
        let records = try (filter.newestFirst
            ? request.order(InvoiceRecord.Columns.startTimestamp.desc, InvoiceRecord.Columns.seq.desc)
            : request.order(InvoiceRecord.Columns.startTimestamp, InvoiceRecord.Columns.seq)).fetchAll(db)
        guard let contractId = filter.contractId else { return records }
        return try records.filter { try Self.contractId(of: $0, db) == contractId }
    }

    /// Every reference a customer's events may carry: its ID and its ingest aliases.
    package static func customerRefs(_ customerId: String, _ db: Database) throws -> [String] {
        [customerId] + (try aliases(of: customerId, db))
    }

    package static func invoiceRecord(id: String, customerId: String?, _ db: Database) throws -> InvoiceRecord {
        let found = if let customerId {
            try InvoiceRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM invoice WHERE id = ? AND customer_id = ?"), arguments: [id, customerId]
            )
        } else {
            try InvoiceRecord.fetchOne(db, cachedWhereIdIs: id)
        }
        guard let record = found else {
            throw StoreError.notFound(customerId.map { "Invoice of customer \($0)" } ?? "Invoice", id)
        }
        return record
    }
}
