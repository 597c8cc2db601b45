import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

extension AppDatabase {
    /// Settles the customers `refs` name (IDs or ingest aliases) that have a contract which
    /// recharges its prepaid balance, so that usage just ingested tops it up: what follows each
    /// ingest batch. Answers at once when no contract recharges.
    package func rechargeBalances(customerRefs refs: [String], now: Timestamp) async throws {
        guard !refs.isEmpty else { return }
        try await writer.write { db in
            let rechargingCustomers = try String.fetchAll(db, sql: """
                SELECT DISTINCT customer_id FROM contract WHERE prepaid_balance_threshold IS NOT NULL AND archived_at IS NULL
                """)
            guard !rechargingCustomers.isEmpty else { return }
            let named = Set(refs)
            for customerId in rechargingCustomers {
                guard try named.contains(customerId) || !named.isDisjoint(with: Self.customerRefs(customerId, db)) else { continue }
                try Self.settle(customerId: customerId, now: now, db)
            }
        }
    }

    /// Tops up each of the customer's contracts whose balance (what the contract's commits and
    /// credits and the customer's own, of the recharge's credit type, have left now, drafts
    /// included) has fallen to its threshold: a PREPAID commit for the difference up to `recharge_to_amount`, invoiced at
    /// once. Returns whether it recharged any.
    static func rechargeBalances(customerId: String, now: Timestamp, _ db: Database) throws -> Bool {
        let contracts = try ContractRecord.filter(ContractRecord.Columns.customerId == customerId)
            .filter(ContractRecord.Columns.archivedAt == nil).fetchAll(db)
            .filter { $0.prepaidBalanceThreshold?.isEnabled == true && $0.startingAt <= now && $0.endingBefore.map { now < $0 } ?? true }
        guard !contracts.isEmpty else { return false }
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
                .reduce(Decimal(0)) { $0 + (accounts[$1.id]?.balance ?? 0) }
            guard let amount = threshold.recharge(balance: balance) else { continue }
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
                invoiceSchedule: InvoiceScheduleTerms(creditTypeId: creditTypeId, items: [InvoiceItem(
                    id: UUID().uuidString.lowercased(), amount: amount, quantity: 1, unitPrice: amount, timestamp: now
                )], doNotInvoice: false),
                applicableProductIds: template.applicableProductIds, applicableProductTags: template.applicableProductTags,
                rateType: template.rateType, rolloverFraction: template.rolloverFraction, customFields: [:], createdAt: now
            )
            try CommitRecord(commit).insert(db)
            try recordCommitAction("create", commit: commit, now: now, db)
            recharged = true
        }
        return recharged
    }
}
