import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// What a segment gave to a renewal when its balance rolled over (a `*_ROLLOVER` ledger entry).
package struct CommitRollover: Sendable {
    package var commitId: String
    package var segmentId: String
    package var newContractId: String
    package var amount: Decimal
    package var timestamp: Timestamp
}

extension AppDatabase {
    /// When balances roll over into `renewal`: once every statement of the contract renewed that
    /// may draw on a segment ending at the renewal's start is final, that is, at the end of the
    /// statement period holding the moment before the start, plus the grace period.
    static func rolloverMoment(from renewed: ContractRecord, into renewal: ContractRecord) -> Timestamp {
        let start = renewal.startingAt
        let lastPeriodEnd = renewed.statementCadence.period(covering: Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch - 1))?.end
        return Timestamp(millisecondsSinceEpoch: max(lastPeriodEnd ?? start, start).millisecondsSinceEpoch + BillingCadence.gracePeriodMilliseconds)
    }

    /// The renewals of the customer's contracts whose rollover moment has come and whose
    /// balances have not rolled yet: each contract renewed, with its renewal.
    private static func pendingRollovers(customerId: String, now: Timestamp, _ db: Database) throws
        -> [(renewed: ContractRecord, renewal: ContractRecord, commits: [CommitTerms])] {
        let contracts = try ContractRecord.filter(ContractRecord.Columns.customerId == customerId).fetchAll(db)
        let byId = Dictionary(contracts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var pending: [(renewed: ContractRecord, renewal: ContractRecord, commits: [CommitTerms])] = []
        for renewal in contracts where renewal.archivedAt == nil {
            for transition in renewal.transitions where transition.toContractId == renewal.id && transition.type == "RENEWAL" {
                guard let renewed = byId[transition.fromContractId], rolloverMoment(from: renewed, into: renewal) <= now else { continue }
                let rolling = try CommitRecord.filter(CommitRecord.Columns.contractId == renewed.id)
                    .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db).map(\.terms)
                    .filter { !Rollover.rollingSegments(of: $0, at: renewal.startingAt).isEmpty }
                guard !rolling.isEmpty else { continue }
                let rolled = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM commit_rollover WHERE new_contract_id = ?", arguments: [renewal.id]
                ) ?? 0
                if rolled == 0 { pending.append((renewed, renewal, rolling)) }
            }
        }
        return pending
    }

    /// Rolls over the balances of every renewal of the customer's whose moment has come (see
    /// `rolloverMoment`), once: each rolling segment's remaining balance, from the invoices as
    /// finalized, times the commit's fraction, goes to one new commit or credit on the renewal.
    /// Answers whether it made any.
    static func rollOverBalances(customerId: String, now: Timestamp, _ db: Database) throws -> Bool {
        let pending = try pendingRollovers(customerId: customerId, now: now, db)
        guard !pending.isEmpty else { return false }
        var drawn: [String: Decimal] = [:]
        for draw in try commitDraws(customerId: customerId, includeDrafts: true, db) {
            drawn[draw.segmentId, default: 0] += draw.amount
        }
        let manual = try manualBalanceEntries(customerId: customerId, db)
        var made = false
        for (_, renewal, commits) in pending {
            let start = renewal.startingAt
            for commit in commits {
                let segments = Rollover.rollingSegments(of: commit, at: start)
                var total: Decimal = 0
                for segment in segments {
                    let adjusted = manual.filter { $0.segmentId == segment.id && $0.timestamp < start }.reduce(Decimal(0)) { $0 + $1.amount }
                    let amount = Rollover.rolledAmount(
                        remaining: segment.amount + adjusted - (drawn[segment.id] ?? 0), fraction: commit.rolloverFraction ?? 0
                    )
                    try db.execute(sql: """
                        INSERT INTO commit_rollover (customer_id, commit_id, segment_id, new_contract_id, amount, timestamp)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [customerId, commit.id, segment.id, renewal.id, amount, start])
                    total += amount
                }
                guard total > 0 else { continue }
                let rolled = Rollover.rolledOverCommit(
                    from: commit, segments: segments, amount: total, renewalId: renewal.id, start: start,
                    end: renewal.endingBefore, id: UUID().uuidString.lowercased(), segmentId: UUID().uuidString.lowercased()
                )
                try CommitRecord(rolled).insert(db)
                try recordCommitAction("create", commit: rolled, now: now, db)
                made = true
            }
        }
        return made
    }

    /// The customer's rollovers, in the order they were made.
    static func commitRollovers(customerId: String, _ db: Database) throws -> [CommitRollover] {
        try Row.fetchAll(db, sql: """
            SELECT commit_id, segment_id, new_contract_id, amount, timestamp FROM commit_rollover WHERE customer_id = ? ORDER BY seq
            """, arguments: [customerId]).map { row in
            CommitRollover(commitId: row[0], segmentId: row[1], newContractId: row[2], amount: row[3], timestamp: row[4])
        }
    }

    /// The next rollover moment of the customer's renewals after `moment`, if one is to come.
    static func nextRolloverMoment(customerId: String, contracts: [ContractRecord], after moment: Timestamp, _ db: Database) throws -> Timestamp? {
        let byId = Dictionary(contracts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var next: Timestamp?
        for renewal in contracts where renewal.archivedAt == nil {
            for transition in renewal.transitions where transition.toContractId == renewal.id && transition.type == "RENEWAL" {
                guard let renewed = byId[transition.fromContractId] else { continue }
                let due = rolloverMoment(from: renewed, into: renewal)
                if due > moment, next.map({ due < $0 }) ?? true { next = due }
            }
        }
        return next
    }
}
