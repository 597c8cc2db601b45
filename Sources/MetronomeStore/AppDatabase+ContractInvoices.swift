import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// One line of a commit's or credit's ledger, in time order.
package struct CommitLedgerEntry: Sendable {
    package var type: String
    package var amount: Decimal
    package var timestamp: Timestamp
    /// Nil for a true-up, which settles the whole commit.
    package var segmentId: String?
    package var invoiceId: String?
    /// A manual entry's reason.
    package var reason: String?
    /// The renewal a rollover gave the balance to.
    package var newContractId: String?

    /// A value with each stored property given.
    package init(
        type: String, amount: Decimal, timestamp: Timestamp, segmentId: String?, invoiceId: String? = nil, reason: String? = nil,
        newContractId: String? = nil
    ) {
        self.type = type
        self.amount = amount
        self.timestamp = timestamp
        self.segmentId = segmentId
        self.invoiceId = invoiceId
        self.reason = reason
        self.newContractId = newContractId
    }
}

/// A commit's or credit's balance now and the ledger behind it.
package struct CommitAccount: Sendable {
    package var balance: Decimal
    package var ledger: [CommitLedgerEntry]

    /// A value with each stored property given.
    package init(balance: Decimal, ledger: [CommitLedgerEntry]) {
        self.balance = balance
        self.ledger = ledger
    }
}

extension AppDatabase {
    // MARK: - Periods

    /// Opens the usage statements of the customer's contracts that have begun by `now`, the
    /// scheduled invoices of their commits and scheduled charges (and of customer-level commits),
    /// and voids the drafts of archived contracts.
    package static func settleContractInvoices(customerId: String, now: Timestamp, _ db: Database) throws {
        let contracts = try ContractRecord.filter(ContractRecord.Columns.customerId == customerId).fetchAll(db)
        for contract in contracts {
            if contract.archivedAt != nil {
                let drafts = try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
                    .filter(InvoiceRecord.Columns.status == InvoiceStatus.draft.rawValue)
                    .filter([InvoiceSourceKind.contract.rawValue, InvoiceSourceKind.scheduledItem.rawValue,
                             InvoiceSourceKind.professionalServices.rawValue, InvoiceSourceKind.consolidated.rawValue,
                             InvoiceSourceKind.subscriptionCharge.rawValue]
                        .contains(InvoiceRecord.Columns.sourceKind))
                    .fetchAll(db).filter { try contractId(of: $0, db) == contract.id }
                for var draft in drafts { try void(&draft, db) }
                continue
            }
            try createRecurringInstances(of: contract, now: now, db)
            try invoiceSubscriptionCharges(of: contract, now: now, db)
            try openPeriods(
                contract.statementCadence, now: now, kind: .contract, sourceId: contract.id, customerId: customerId,
                generates: contract.usageStatementSchedule.domain.generates, db
            )
            if contract.hierarchy?.invoiceConsolidationType == .concatenate {
                try openPeriods(
                    contract.statementCadence, now: now, kind: .consolidated, sourceId: contract.id, customerId: customerId,
                    generates: contract.usageStatementSchedule.domain.generates, db
                )
            }
        }
        for item in try scheduledItems(customerId: customerId, db) where !isConsolidated(item, contracts: contracts) {
            let opened = try InvoiceRecord.filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.scheduledItem.rawValue)
                .filter(InvoiceRecord.Columns.sourceId == item.item.id).fetchCount(db) > 0
            guard !opened else { continue }
            try InvoiceRecord(
                id: UUID().uuidString.lowercased(), customerId: customerId, sourceKind: .scheduledItem, sourceId: item.item.id,
                periodIndex: 0, startTimestamp: item.item.timestamp, endTimestamp: item.item.timestamp, status: .draft,
                addedCharges: []
            ).insert(db)
        }
    }

    /// An item of an invoice schedule, with what it pays for and the contract invoicing it.
    package struct ScheduledItem {
        package var item: InvoiceItem
        package var contractId: String?
        package var commit: CommitTerms?
        package var charge: ScheduledChargeTerms?
        package var creditTypeId: String

        /// A value with each stored property given.
        package init(
            item: InvoiceItem,
            contractId: String? = nil,
            commit: CommitTerms? = nil,
            charge: ScheduledChargeTerms? = nil,
            creditTypeId: String
        ) {
            self.item = item
            self.contractId = contractId
            self.commit = commit
            self.charge = charge
            self.creditTypeId = creditTypeId
        }
    }

    /// Whether `item` goes on its contract's usage statement rather than an invoice of its own:
    /// the contract consolidates (`scheduled_charges_on_usage_invoices` ALL) and the item is dated
    /// at the end of one of its periods. A postpaid commit's true-up keeps its own invoice, as it
    /// depends on what the statements draw from the commit.
    static func isConsolidated(_ item: ScheduledItem, contracts: [ContractRecord]) -> Bool {
        guard item.commit?.type != .postpaid || item.commit?.kind == .credit,
              let contract = contracts.first(where: { $0.id == item.contractId }), contract.scheduledChargesOnUsageInvoices
        else { return false }
        let justBefore = Timestamp(millisecondsSinceEpoch: item.item.timestamp.millisecondsSinceEpoch - 1)
        guard let period = contract.statementCadence.period(covering: justBefore) else { return false }
        return period.end == item.item.timestamp && contract.usageStatementSchedule.domain.generates(period)
    }

    /// Every invoice schedule item of the customer's live contracts and commits.
    package static func scheduledItems(customerId: String, _ db: Database) throws -> [ScheduledItem] {
        var items: [ScheduledItem] = []
        let contracts = try ContractRecord.filter(ContractRecord.Columns.customerId == customerId)
            .filter(ContractRecord.Columns.archivedAt == nil).fetchAll(db)
        let commits = try CommitRecord.filter(CommitRecord.Columns.customerId == customerId)
            .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db).map(\.terms)
        let liveContracts = Set(contracts.map(\.id))
        for commit in commits {
            guard let schedule = commit.invoiceSchedule, !schedule.doNotInvoice else { continue }
            let contractId = commit.contractId ?? commit.invoiceContractId
            if let contractId, !liveContracts.contains(contractId) { continue }
            items += schedule.items.map {
                ScheduledItem(item: $0, contractId: contractId, commit: commit, creditTypeId: schedule.creditTypeId)
            }
        }
        for contract in contracts {
            for charge in contract.scheduledCharges.map(\.domain) where !charge.schedule.doNotInvoice {
                items += charge.schedule.items.map {
                    ScheduledItem(item: $0, contractId: contract.id, charge: charge, creditTypeId: charge.schedule.creditTypeId)
                }
            }
        }
        return items
    }

    /// The contract an invoice belongs to, if any.
    package static func contractId(of record: InvoiceRecord, _ db: Database) throws -> String? {
        switch record.sourceKind {
        case .customerPlan: return nil
        case .contract, .historical, .professionalServices, .consolidated: return record.sourceId
        case .subscriptionCharge: return record.document?.contractId
        case .scheduledItem:
            // An invoice kept (finalized or void) after an edit removed its item still names its contract.
            return try scheduledItems(customerId: record.customerId, db).first { $0.item.id == record.sourceId }?.contractId
                ?? record.document?.contractId
        }
    }

    // MARK: - Content

    /// A contract's usage statement for its period, rated from the usage before `cutoff`, with
    /// the customer's commits and credits drawn down after what earlier invoices drew.
    package static func ratedContractInvoice(_ record: InvoiceRecord, until cutoff: Timestamp, fiat: InvoiceCreditType,
                                     creditTypeNames: [String: String], _ db: Database) throws -> InvoiceDocument {
        guard let contract = try ContractRecord.filter(ContractRecord.Columns.id == record.sourceId).fetchOne(db) else {
            throw StoreError.corrupt("Invoice \(record.id) lost its contract")
        }
        let period = record.period
        let rates = try contractRates(of: contract, at: period.start, db)
        var lines = try contractUsageLines(
            contract, period: period, ratesAtStart: rates, until: cutoff, fiat: fiat, creditTypeNames: creditTypeNames, db
        )
        if cutoff >= period.end || cutoff > period.start {
            lines += ContractRating.subscriptionLines(
                period: period, subscriptions: contract.subscriptions.map(\.domain), schedule: contract.usageStatementSchedule.domain,
                rates: rates, fiat: fiat, cutoff: cutoff
            )
        }
        let balances = try segmentBalances(for: record, contract: contract, db)
        let tags = Dictionary(rates.map { ($0.rate.productId, $0.product.tags ?? []) }, uniquingKeysWith: { first, _ in first })
        var drawn = Drawdown.apply(to: lines, balances: balances, contractId: contract.id, tags: tags)
        if contract.scheduledChargesOnUsageInvoices {
            // Charges are not paid for by commits and credits, so they join after the drawdown.
            for scheduled in try scheduledItems(customerId: record.customerId, db)
            where scheduled.item.timestamp == period.end && isConsolidated(scheduled, contracts: [contract]) {
                drawn.lines.append(try scheduledLine(scheduled, customerId: record.customerId, creditTypeNames: creditTypeNames, db))
            }
        }
        return InvoiceDocument(
            id: record.id, customerId: record.customerId, creditType: fiat, lineItems: drawn.lines,
            status: record.status.rawValue, total: Drawdown.total(of: drawn.lines, creditTypeId: fiat.id), type: "USAGE",
            startTimestamp: period.start, endTimestamp: period.end, issuedAt: record.issuedAt, contractId: contract.id,
            netPaymentTermsDays: contract.netPaymentTermsDays, customFields: [:],
            regeneratedFromInvoiceId: record.regeneratedFromInvoiceId, payer: try invoicePayer(of: contract, db)
        )
    }

    /// The usage and composite lines of a contract's period, rated from the usage before
    /// `cutoff`. Each product's line splits where its rate, an override of it or the usage
    /// filter changes, each part priced by what is in force at its start.
    static func contractUsageLines(
        _ contract: ContractRecord, period: BillingPeriod, ratesAtStart: [ContractRate], until cutoff: Timestamp,
        fiat: InvoiceCreditType, creditTypeNames: [String: String], _ db: Database
    ) throws -> [InvoiceLineItem] {
        let refs = try customerRefs(contract.customerId, db)
        let allMetrics = try rolledUpMetrics(db)
        func usage(_ rates: [ContractRate], from start: Timestamp, to end: Timestamp, filter: UsageFilterTerms?) throws
            -> [String: MetricUsage] {
            let metricIds = Set(rates.compactMap(\.product.billableMetricId))
            let usage = try metricUsage(allMetrics.filter { metricIds.contains($0.id) }, refs: refs, from: start, to: end, db)
            return usage.mapValues { ContractRating.filtered($0, by: filter) }
        }
        let through = min(cutoff, period.end)
        let filters = contract.usageFilters
        var changes: [Timestamp] = []
        if let rateCardId = contract.rateCardId {
            let cardRates = try RateRecord.filter(RateRecord.Columns.rateCardId == rateCardId).fetchAll(db).map(\.rate)
            changes = ContractRating.priceChanges(
                in: period, rates: cardRates, overrides: contract.overrides.map(\.domain), usageFilters: filters
            )
        }
        if changes.isEmpty {
            let filter = UsageFilterTerms.inForce(filters, at: period.start)
            return ContractRating.usageLines(
                period: period, rates: ratesAtStart, usage: try usage(ratesAtStart, from: period.start, to: through, filter: filter),
                fiat: fiat, creditTypeNames: creditTypeNames
            )
        }
        let bounds = [period.start] + changes + [period.end]
        let parts = zip(bounds, bounds.dropFirst()).map { BillingPeriod(index: period.index, start: $0, end: $1) }
        var ratesByPart = [ratesAtStart]
        for part in parts.dropFirst() { ratesByPart.append(try contractRates(of: contract, at: part.start, db)) }
        let filterByPart = parts.map { UsageFilterTerms.inForce(filters, at: $0.start) }
        var lines: [InvoiceLineItem] = []
        for (window, productIds) in ContractRating.ratingWindows(
            parts: parts, ratesByPart: ratesByPart, filterByPart: filterByPart
        ) where window.start < through || window.start == period.start {
            // A part not begun by the cutoff (a breakdown's window) has nothing to rate yet.
            let part = parts.lastIndex { $0.start <= window.start } ?? 0
            let rates = ratesByPart[part].filter { productIds.contains($0.rate.productId) }
            lines += ContractRating.productLines(
                period: window, rates: rates,
                usage: try usage(rates, from: window.start, to: min(through, window.end), filter: filterByPart[part]),
                fiat: fiat, creditTypeNames: creditTypeNames
            )
        }
        let order = Dictionary(
            ratesByPart.flatMap { $0 }.enumerated().map { ($1.rate.productId, $0) }, uniquingKeysWith: { first, _ in first }
        )
        lines = lines.enumerated().sorted {
            (order[$0.element.productId ?? ""] ?? .max, $0.offset) < (order[$1.element.productId ?? ""] ?? .max, $1.offset)
        }.map(\.element)
        return lines + ContractRating.compositeLines(period: period, rates: ratesAtStart, base: lines, fiat: fiat)
    }

    /// The rates of a contract's rate card in force at `moment`, with the contract's overrides
    /// applied.
    package static func contractRates(of contract: ContractRecord, at moment: Timestamp, _ db: Database) throws -> [ContractRate] {
        guard let rateCardId = contract.rateCardId else { return [] }
        let overrides = contract.overrides.map(\.domain)
        return try rateListings(
            rateCardId: rateCardId, window: .at(moment), selectors: [], after: nil, limit: .max, now: moment, db
        ).map { listing in
            let applied = ContractRules.applyOverrides(
                overrides, to: listing.rate, productTags: listing.productState.tags ?? [], at: moment,
                prioritization: contract.multiplierOverridePrioritization
            )
            var rate = applied.overrideRate ?? listing.rate
            rate.entitled = applied.entitled
            let commitSpecific = ContractRules.commitSpecificPrices(
                overrides, to: listing.rate, productTags: listing.productState.tags ?? [], at: moment,
                prioritization: contract.multiplierOverridePrioritization
            )
            return ContractRate(
                rate: rate, productType: listing.product.type, product: listing.productState, commitSpecificPrices: commitSpecific
            )
        }
    }

    /// A scheduled invoice: a commit's purchase or a scheduled charge, billed at its date.
    package static func scheduledInvoice(_ record: InvoiceRecord, fiat: InvoiceCreditType, creditTypeNames: [String: String],
                                 _ db: Database) throws -> InvoiceDocument {
        guard let scheduled = try scheduledItems(customerId: record.customerId, db).first(where: { $0.item.id == record.sourceId })
        else { throw StoreError.corrupt("Invoice \(record.id) lost its schedule") }
        let line = try scheduledLine(scheduled, customerId: record.customerId, creditTypeNames: creditTypeNames, db)
        let creditType = line.creditType
        return InvoiceDocument(
            id: record.id, customerId: record.customerId, creditType: creditType, lineItems: [line], status: record.status.rawValue,
            total: line.total, type: "SCHEDULED", startTimestamp: record.startTimestamp, endTimestamp: record.endTimestamp,
            issuedAt: record.issuedAt, contractId: scheduled.contractId, customFields: [:],
            regeneratedFromInvoiceId: record.regeneratedFromInvoiceId
        )
    }

    /// The line billing one invoice schedule item: a commit's purchase (or a postpaid commit's
    /// true-up) or a scheduled charge.
    static func scheduledLine(
        _ scheduled: ScheduledItem, customerId: String, creditTypeNames: [String: String], _ db: Database
    ) throws -> InvoiceLineItem {
        let creditType = InvoiceCreditType(id: scheduled.creditTypeId, name: creditTypeNames[scheduled.creditTypeId] ?? scheduled.creditTypeId)
        let productId = scheduled.commit?.productId ?? scheduled.charge?.productId ?? ""
        let productName = try ProductRecord.filter(ProductRecord.Columns.id == productId).fetchOne(db)?.state(at: scheduled.item.timestamp).name
        var line = InvoiceLineItem(
            name: scheduled.commit?.name ?? scheduled.charge?.name ?? productName ?? "Scheduled charge", total: scheduled.item.amount,
            creditType: creditType, type: scheduled.commit != nil ? "commit_purchase" : "scheduled", productId: productId,
            productType: ContractRating.productTypeName(.fixed), quantity: scheduled.item.quantity, unitPrice: scheduled.item.unitPrice,
            startingAt: scheduled.item.timestamp, endingBefore: scheduled.item.timestamp
        )
        if let commit = scheduled.commit {
            line.commitId = commit.id
            line.commitType = commit.kind == .credit ? "CREDIT" : (commit.type ?? .prepaid).rawValue
            if commit.kind == .commit && commit.type == .postpaid {
                let trueUp = try postpaidTrueUps(commit, customerId: customerId, db)[scheduled.item.id] ?? 0
                line.type = Self.postpaidTrueUpLineType
                line.total = trueUp
                line.quantity = 1
                line.unitPrice = trueUp
            }
        }
        line.scheduledChargeId = scheduled.charge?.id
        return line
    }

    // MARK: - Commits and credits

    /// The type of the line that bills what a postpaid commit's usage fell short of.
    package static let postpaidTrueUpLineType = "postpaid_trueup"

    /// What each invoice item of a postpaid commit bills: the part of the amount committed by its
    /// date that the commit's usage (as rated so far, drafts included) and earlier items have not
    /// paid for. With one item, as usual: its amount less what the commit paid for, if more.
    static func postpaidTrueUps(_ commit: CommitTerms, customerId: String, _ db: Database) throws -> [String: Decimal] {
        guard let items = commit.invoiceSchedule?.items.sorted(by: { $0.timestamp < $1.timestamp }) else { return [:] }
        let used = try commitDraws(customerId: customerId, includeDrafts: true, db)
            .filter { $0.commitId == commit.id }.reduce(Decimal(0)) { $0 + $1.amount }
        var committed: Decimal = 0, billed: Decimal = 0
        var trueUps: [String: Decimal] = [:]
        for item in items {
            committed += item.amount
            let trueUp = max(0, committed - used - billed)
            trueUps[item.id] = trueUp
            billed += trueUp
        }
        return trueUps
    }

    /// What each segment of the customer's commits and credits paid for on each contract invoice
    /// (void ones left out; drafts only with `includeDrafts`), in invoice order. In an account
    /// hierarchy, the invoices of the other customers in it draw too.
    static func commitDraws(customerId: String, includeDrafts: Bool, _ db: Database) throws
        -> [(invoice: InvoiceRecord, commitId: String, segmentId: String, amount: Decimal)] {
        let invoices = try InvoiceRecord.filter(try hierarchyCustomerIds(of: customerId, db).contains(InvoiceRecord.Columns.customerId))
            .filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.contract.rawValue)
            .filter(InvoiceRecord.Columns.status != InvoiceStatus.void.rawValue)
            .filter(includeDrafts || InvoiceRecord.Columns.status == InvoiceStatus.finalized.rawValue)
            .order(InvoiceRecord.Columns.startTimestamp, InvoiceRecord.Columns.seq).fetchAll(db)
        let byQuantity = try quantityCommitIds(db)
        var draws: [(invoice: InvoiceRecord, commitId: String, segmentId: String, amount: Decimal)] = []
        for invoice in invoices {
            var byCommitSegment: [String: (commitId: String, segmentId: String, amount: Decimal)] = [:]
            for line in try invoiceDocument(invoice, db).lineItems {
                guard let draw = Drawdown.drawn(by: line, quantityCommitIds: byQuantity) else { continue }
                byCommitSegment[draw.segmentId, default: (draw.commitId, draw.segmentId, 0)].amount += draw.amount
            }
            draws += byCommitSegment.values.sorted { $0.segmentId < $1.segmentId }.map { (invoice, $0.commitId, $0.segmentId, $0.amount) }
        }
        return draws
    }

    /// What each segment of the customer's commits and credits had left when `record`'s period
    /// began: its amount less what earlier invoices drew. Segments that overlap the period and
    /// may pay for this contract's invoices only: its own, the customer's, and, for a child
    /// contract, those of its parent's that the parent shares with it.
    package static func segmentBalances(for record: InvoiceRecord, contract: ContractRecord, _ db: Database) throws -> [SegmentBalance] {
        let commits = try CommitRecord.filter(CommitRecord.Columns.customerId == record.customerId)
            .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db).map(\.terms)
            .filter { $0.contractId == nil || $0.contractId == contract.id }
        var shared: [CommitTerms] = []
        if let parent = contract.hierarchy?.parent {
            shared = try CommitRecord.filter(CommitRecord.Columns.contractId == parent.contractId)
                .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db).map(\.terms)
                .filter { $0.childAccess?.admits(contract.id) ?? false }
        }
        guard !commits.isEmpty || !shared.isEmpty else { return [] }
        let drawn = try draws(before: record, db)
        var adjusted: [String: Decimal] = [:]
        for customerId in Set([record.customerId] + shared.map(\.customerId)) {
            for entry in try manualBalanceEntries(customerId: customerId, db) where entry.timestamp < record.endTimestamp {
                adjusted[entry.segmentId, default: 0] += entry.amount
            }
            for rollover in try commitRollovers(customerId: customerId, db) where rollover.timestamp < record.endTimestamp {
                adjusted[rollover.segmentId, default: 0] -= rollover.amount
            }
        }
        var balances: [SegmentBalance] = []
        for commit in commits + shared {
            for segment in commit.accessSchedule
            where segment.startingAt < record.endTimestamp && record.startTimestamp < segment.endingBefore {
                let remaining = segment.amount + (adjusted[segment.id] ?? 0) - (drawn[segment.id] ?? 0)
                if remaining > 0 { balances.append(SegmentBalance(commit: commit, segment: segment, remaining: remaining)) }
            }
        }
        return balances
    }

    /// How much each segment gave to the contract invoices before `record` (in period order; void
    /// invoices draw nothing) of its customer and of the others in its account hierarchies.
    package static func draws(before record: InvoiceRecord, _ db: Database) throws -> [String: Decimal] {
        let earlier = try InvoiceRecord.filter(try hierarchyCustomerIds(of: record.customerId, db).contains(InvoiceRecord.Columns.customerId))
            .filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.contract.rawValue)
            .filter(InvoiceRecord.Columns.status != InvoiceStatus.void.rawValue)
            .order(InvoiceRecord.Columns.startTimestamp, InvoiceRecord.Columns.seq).fetchAll(db)
            .filter { ($0.startTimestamp, $0.seq ?? 0) < (record.startTimestamp, record.seq ?? 0) }
        let byQuantity = try quantityCommitIds(db)
        var drawn: [String: Decimal] = [:]
        for invoice in earlier {
            for line in try invoiceDocument(invoice, db).lineItems {
                if let draw = Drawdown.drawn(by: line, quantityCommitIds: byQuantity) { drawn[draw.segmentId, default: 0] += draw.amount }
            }
        }
        return drawn
    }

    /// The commits and credits drawn down by quantity: what they paid for draws units.
    static func quantityCommitIds(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(
            db, sql: "SELECT id FROM commit_or_credit WHERE access_type IS NOT NULL AND access_type = ?",
            arguments: [BalanceAccessType.quantity.rawValue]
        ))
    }

    /// The balance at `now` and the ledger of each of the customer's commits and credits;
    /// without `includeDrafts`, only finalized invoices count as drawn.
    /// `asTheyWere` stand in for the stored commits and credits of the same IDs (a contract's as
    /// of a date).
    package func commitAccounts(
        customerId: String, now: Timestamp, includeDrafts: Bool = true, asTheyWere: [CommitTerms] = []
    ) async throws -> [String: CommitAccount] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            return try Self.commitAccounts(customerId: customerId, now: now, includeDrafts: includeDrafts, asTheyWere: asTheyWere, db)
        }
    }

    /// The balance at `now` and the ledger of each of the customer's commits and credits, from
    /// the invoices rated so far (drafts included, as Metronome's balances follow live usage).
    package static func commitAccounts(
        customerId: String, now: Timestamp, includeDrafts: Bool = true, asTheyWere: [CommitTerms] = [], _ db: Database
    ) throws -> [String: CommitAccount] {
        let replacements = Dictionary(asTheyWere.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let commits = try CommitRecord.filter(CommitRecord.Columns.customerId == customerId).fetchAll(db)
            .map { replacements[$0.id] ?? $0.terms }
        var drawnBySegment: [String: Decimal] = [:]
        var deductions: [(commitId: String, entry: CommitLedgerEntry)] = []
        for draw in try commitDraws(customerId: customerId, includeDrafts: includeDrafts, db) {
            drawnBySegment[draw.segmentId, default: 0] += draw.amount
            deductions.append((draw.commitId, CommitLedgerEntry(
                type: "AUTOMATED_INVOICE_DEDUCTION", amount: -draw.amount, timestamp: draw.invoice.startTimestamp,
                segmentId: draw.segmentId, invoiceId: draw.invoice.id
            )))
        }
        let trueUpInvoices = try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
            .filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.scheduledItem.rawValue)
            .filter(InvoiceRecord.Columns.status != InvoiceStatus.void.rawValue)
            .filter(includeDrafts || InvoiceRecord.Columns.status == InvoiceStatus.finalized.rawValue)
            .fetchAll(db)
        let manual = try manualBalanceEntries(customerId: customerId, db)
        let rollovers = try commitRollovers(customerId: customerId, db)
        var accounts: [String: CommitAccount] = [:]
        for commit in commits {
            let prefix = commit.kind == .credit ? "CREDIT_" : (commit.type == .postpaid ? "POSTPAID_COMMIT_" : "PREPAID_COMMIT_")
            var entries: [CommitLedgerEntry] = []
            var balance: Decimal = 0
            // What a postpaid commit's usage falls short of is trued up, not expired.
            let itemIds = Set(commit.invoiceSchedule?.items.map(\.id) ?? [])
            let truedUp = commit.kind == .commit && commit.type == .postpaid && !itemIds.isEmpty
            if truedUp {
                for invoice in trueUpInvoices where itemIds.contains(invoice.sourceId) && invoice.startTimestamp <= now {
                    let total = try invoiceDocument(invoice, db).total
                    guard total > 0 else { continue }
                    entries.append(CommitLedgerEntry(
                        type: prefix + "TRUEUP", amount: -total, timestamp: invoice.startTimestamp, segmentId: nil, invoiceId: invoice.id
                    ))
                }
            }
            for segment in commit.accessSchedule where segment.startingAt <= now {
                entries.append(CommitLedgerEntry(
                    type: prefix + (commit.type == .postpaid ? "INITIAL_BALANCE" : "SEGMENT_START"), amount: segment.amount,
                    timestamp: segment.startingAt, segmentId: segment.id
                ))
                let adjustments = manual.filter { $0.segmentId == segment.id && $0.timestamp <= now }
                for adjustment in adjustments {
                    entries.append(CommitLedgerEntry(
                        type: prefix + "MANUAL", amount: adjustment.amount, timestamp: adjustment.timestamp,
                        segmentId: segment.id, reason: adjustment.reason
                    ))
                }
                var rolled: Decimal = 0
                for rollover in rollovers where rollover.segmentId == segment.id && rollover.timestamp <= now && rollover.amount > 0 {
                    rolled += rollover.amount
                    entries.append(CommitLedgerEntry(
                        type: prefix + "ROLLOVER", amount: -rollover.amount, timestamp: rollover.timestamp, segmentId: segment.id,
                        newContractId: rollover.newContractId
                    ))
                }
                let left = segment.amount + adjustments.reduce(Decimal(0)) { $0 + $1.amount } - (drawnBySegment[segment.id] ?? 0) - rolled
                if segment.covers(now) {
                    balance += left
                } else if segment.endingBefore <= now, left > 0, !truedUp {
                    entries.append(CommitLedgerEntry(
                        type: prefix + "EXPIRATION", amount: -left, timestamp: segment.endingBefore, segmentId: segment.id
                    ))
                }
            }
            for deduction in deductions where deduction.commitId == commit.id {
                var entry = deduction.entry
                entry.type = prefix + entry.type
                entries.append(entry)
            }
            func rank(_ entry: CommitLedgerEntry) -> Int {
                entry.type.hasSuffix("SEGMENT_START") || entry.type.hasSuffix("INITIAL_BALANCE") ? 0
                    : entry.type.hasSuffix("EXPIRATION") || entry.type.hasSuffix("TRUEUP") ? 2 : 1
            }
            entries.sort { ($0.timestamp, rank($0)) < ($1.timestamp, rank($1)) }
            if commit.archivedAt != nil { balance = 0 }
            accounts[commit.id] = CommitAccount(balance: balance, ledger: entries)
        }
        return accounts
    }
}
