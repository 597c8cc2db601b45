import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

extension AppDatabase {
    /// Settles the customers with a contract with threshold billing (auto-recharge or a spend
    /// threshold) that `refs` name (IDs or ingest aliases), or whose account hierarchy holds a
    /// customer they name (a child's usage draws its parent's shared commits down), so that usage
    /// just ingested is billed by it: what follows each ingest batch. Writes nothing when no
    /// contract has any.
    package func billThresholds(customerRefs refs: [String], now: Timestamp) async throws {
        guard !refs.isEmpty else { return }
        let named = Set(refs)
        let customerIds = try await writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT customer_id FROM contract
                WHERE (prepaid_balance_threshold IS NOT NULL OR spend_threshold IS NOT NULL) AND archived_at IS NULL
                """).filter { candidate in
                try Self.hierarchyCustomerIds(of: candidate, db).contains { member in
                    try named.contains(member) || !named.isDisjoint(with: Self.customerRefs(member, db))
                }
            }
        }
        guard !customerIds.isEmpty else { return }
        try await writeInTurns(customerIds) { customerId, db in try Self.settle(customerId: customerId, now: now, db) }
    }

    /// Bills the threshold terms of the customer's contracts in force now: recharges
    /// (`rechargeBalances`) and spend threshold charges (`chargeSpendThresholds`). Returns whether
    /// it added any commit.
    static func billThresholds(customerId: String, now: Timestamp, _ db: Database) throws -> Bool {
        let contracts = try ContractRecord.filter(ContractRecord.Columns.customerId == customerId)
            .filter(ContractRecord.Columns.archivedAt == nil).fetchAll(db)
            .filter { $0.startingAt <= now && $0.endingBefore.map { now < $0 } ?? true }
        let recharging = contracts.filter { $0.prepaidBalanceThreshold?.isEnabled == true }
        let spendCapped = contracts.filter { $0.spendThreshold?.isEnabled == true }
        let recharged = recharging.isEmpty ? false : try rechargeBalances(of: recharging, customerId: customerId, now: now, db)
        let charged = spendCapped.isEmpty ? false : try chargeSpendThresholds(of: spendCapped, customerId: customerId, now: now, db)
        return recharged || charged
    }

    /// Tops up each of `contracts` whose balance (what the contract's commits and credits and the
    /// customer's own, of the recharge's credit type, have left now, drafts included) has fallen
    /// to its threshold: a PREPAID commit for the difference up to `recharge_to_amount`, invoiced
    /// at once. Returns whether it recharged any.
    private static func rechargeBalances(of contracts: [ContractRecord], customerId: String, now: Timestamp, _ db: Database) throws -> Bool {
        let commits = try CommitRecord.filter(CommitRecord.Columns.customerId == customerId)
            .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db).map(\.terms)
        let accounts = try commitAccounts(customerId: customerId, now: now, db)
        var recharged = false
        for contract in contracts {
            guard let threshold = contract.prepaidBalanceThreshold else { continue }
            let creditTypeId = threshold.customCreditTypeId ?? CreditTypes.usdCentsId
            // Metronome counts every commit and credit of the contract and of the customer itself.
            let balance = commits
                .filter { ($0.contractId == contract.id || $0.contractId == nil) && $0.creditTypeId == creditTypeId }
                .filter { $0.accessType == .spend }
                .filter(threshold.counts)
                .reduce(Decimal(0)) { $0 + (accounts[$1.id]?.balance ?? 0) }
            guard let amount = threshold.recharge(balance: balance) else { continue }
            let discount = try applicableDiscount(threshold.discount, of: contract, now: now, db)
            let template = threshold.commit
            let productName = try ProductRecord.filter(ProductRecord.Columns.id == template.productId).fetchOne(db)?.state(at: now).name
            let commit = CommitTerms(
                id: UUID().uuidString.lowercased(), kind: .commit, type: .prepaid, customerId: customerId, contractId: contract.id,
                productId: template.productId, name: template.name ?? productName, description: template.description,
                priority: template.priority ?? 100, creditTypeId: creditTypeId,
                accessSchedule: [AccessSegment(
                    id: UUID().uuidString.lowercased(), amount: amount, startingAt: now,
                    endingBefore: (template.duration ?? .init(unit: .years, value: 1)).after(now)
                )],
                invoiceSchedule: invoiceSchedule(amount, discount: discount, creditTypeId: creditTypeId, now: now),
                applicableProductIds: template.applicableProductIds, applicableProductTags: template.applicableProductTags,
                specifiers: template.specifiers, rateType: template.rateType, rolloverFraction: template.rolloverFraction,
                customFields: [:], createdAt: now,
                isThresholdCharge: true, countsAsDiscounted: discount.map { _ in true }
            )
            try CommitRecord(commit).insert(db)
            try recordCommitAction("create", commit: commit, now: now, db)
            recharged = true
        }
        return recharged
    }

    /// For each of `contracts` whose current usage statement shows at least its spend threshold
    /// unpaid by commits and credits, a PREPAID commit for exactly that unpaid usage, over the
    /// statement's period and for the products of that usage, invoiced at once: what is
    /// outstanding goes back to zero. Returns whether it charged any.
    private static func chargeSpendThresholds(
        of contracts: [ContractRecord], customerId: String, now: Timestamp, _ db: Database
    ) throws -> Bool {
        var charged = false
        for contract in contracts {
            guard let threshold = contract.spendThreshold,
                  let draft = try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
                      .filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.contract.rawValue)
                      .filter(InvoiceRecord.Columns.sourceId == contract.id)
                      .filter(InvoiceRecord.Columns.status == InvoiceStatus.draft.rawValue)
                      .fetchAll(db).first(where: { $0.startTimestamp <= now && now < $0.endTimestamp })
            else { continue }
            let document = try invoiceDocument(draft, db)
            // A usage line no commit or credit covers (drawdown splits off the covered parts).
            let unpaid = document.lineItems.filter {
                $0.type.lowercased() == "usage" && $0.commitId == nil && $0.creditType.id == document.creditType.id && $0.total > 0
            }
            let outstanding = unpaid.reduce(Decimal(0)) { $0 + $1.total }
            guard let amount = threshold.charge(outstanding: outstanding) else { continue }
            let discount = try applicableDiscount(threshold.discount, of: contract, now: now, db)
            let template = threshold.commit
            let productName = try ProductRecord.filter(ProductRecord.Columns.id == template.productId).fetchOne(db)?.state(at: now).name
            let creditTypeId = document.creditType.id
            let commit = CommitTerms(
                id: UUID().uuidString.lowercased(), kind: .commit, type: .prepaid, customerId: customerId, contractId: contract.id,
                productId: template.productId, name: template.name ?? productName, description: template.description,
                priority: template.priority ?? 100, creditTypeId: creditTypeId,
                accessSchedule: [AccessSegment(
                    id: UUID().uuidString.lowercased(), amount: amount, startingAt: draft.startTimestamp, endingBefore: draft.endTimestamp
                )],
                invoiceSchedule: invoiceSchedule(amount, discount: discount, creditTypeId: creditTypeId, now: now),
                applicableProductIds: Array(Set(unpaid.compactMap(\.productId))).sorted(), applicableProductTags: nil,
                rateType: nil, rolloverFraction: nil, customFields: [:], createdAt: now,
                isThresholdCharge: true, countsAsDiscounted: discount.map { _ in true }
            )
            try CommitRecord(commit).insert(db)
            try recordCommitAction("create", commit: commit, now: now, db)
            charged = true
        }
        return charged
    }

    /// 400 if a threshold's discount caps by a spend tracker the contract does not have.
    static func checkDiscountCaps(of contract: ContractRecord) throws {
        let aliases = Set(contract.spendTrackers.map(\.alias))
        for (field, discount) in [
            ("prepaid_balance_threshold_configuration", contract.prepaidBalanceThreshold?.discount),
            ("spend_threshold_configuration", contract.spendThreshold?.discount),
        ] {
            if let alias = discount?.cap?.spendTrackerAlias, !aliases.contains(alias) {
                throw StoreError.invalid(
                    "'\(field).discount_configuration.cap.spend_tracker_alias' \(alias) is not a spend tracker of the contract"
                )
            }
        }
    }

    /// `discount`, unless its cap's spend tracker has counted the cap's amount in the contract's
    /// billing period at `now`.
    private static func applicableDiscount(
        _ discount: ThresholdDiscount?, of contract: ContractRecord, now: Timestamp, _ db: Database
    ) throws -> ThresholdDiscount? {
        guard let discount, let cap = discount.cap else { return discount }
        guard let tracker = contract.spendTrackers.first(where: { $0.alias == cap.spendTrackerAlias }),
              let period = contract.statementCadence.period(covering: now)
        else { return discount.applies(tracked: nil) ? discount : nil }
        let commits = try CommitRecord.filter(CommitRecord.Columns.contractId == contract.id)
            .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db).map(\.terms).filter { $0.kind == .commit }
        return discount.applies(tracked: tracker.accumulatedSpend(of: commits, in: period)) ? discount : nil
    }

    /// A threshold charge's invoice at `now`: the amount the commit gives, less the discount.
    private static func invoiceSchedule(_ amount: Decimal, discount: ThresholdDiscount?, creditTypeId: String, now: Timestamp)
        -> InvoiceScheduleTerms {
        let invoiced = discount?.invoiced(amount) ?? amount
        return InvoiceScheduleTerms(creditTypeId: creditTypeId, items: [InvoiceItem(
            id: UUID().uuidString.lowercased(), amount: invoiced, quantity: 1, unitPrice: invoiced, timestamp: now
        )], doNotInvoice: false)
    }
}
