import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

extension AppDatabase {
    /// A page of a customer's commits and credits together, in creation order, each with its
    /// balance and ledger at `now`: those matching `filter` after sequence `afterSeq`, less those
    /// at a zero balance when `excludeZeroBalances`. A read, of the invoices as settlement left
    /// them.
    package func customerBalances(
        customerId: String, filter: CommitListFilter, excludeZeroBalances: Bool, afterSeq: Int64?, limit: Int, now: Timestamp
    ) async throws -> [(snapshot: CommitSnapshot, account: CommitAccount?)] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            let accounts = try Self.commitAccounts(customerId: customerId, now: now, db)
            var rows = try Self.commitsOrCredits(
                customerId: customerId, kinds: [.commit, .credit], filter: filter, afterSeq: afterSeq, limit: nil, now: now, db
            )
            if excludeZeroBalances { rows = rows.filter { (accounts[$0.terms.id]?.balance ?? 0) != 0 } }
            return rows.prefix(limit).map { ($0, accounts[$0.terms.id]) }
        }
    }

    /// The sum of the balances at `now` of the customer's active commits and credits
    /// (contract-level included) drawn down by `accessType` that `include` picks: by spend, those
    /// in `creditTypeId`; by quantity, all of them, in units. With `includeDrafts` false, only
    /// finalized invoices draw them down.
    package func netBalance(
        customerId: String, accessType: BalanceAccessType, creditTypeId: String, includeDrafts: Bool, now: Timestamp,
        include: @Sendable (CommitTerms) -> Bool
    ) async throws -> Decimal {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            let accounts = try Self.commitAccounts(customerId: customerId, now: now, includeDrafts: includeDrafts, db)
            let rows = try Self.commitsOrCredits(
                customerId: customerId, kinds: [.commit, .credit],
                filter: CommitListFilter(includeArchived: false, includeContractLevel: true, accessType: accessType),
                afterSeq: nil, limit: nil, now: now, db
            )
            return rows.filter { (accessType == .quantity || $0.terms.creditTypeId == creditTypeId) && include($0.terms) }
                .reduce(Decimal(0)) { $0 + (accounts[$1.terms.id]?.balance ?? 0) }
        }
    }
}
