import Foundation
import MetronomeCodecs

/// The commit or credit whose unused balance a rolled-over one carries (`rolled_over_from`).
package struct RolledOverFrom: Sendable, Equatable, Codable {
    package var commitId: String
    package var contractId: String

    enum CodingKeys: String, CodingKey {
        case commitId = "commit_id", contractId = "contract_id"
    }

    /// A value with each stored property given.
    package init(commitId: String, contractId: String) {
        self.commitId = commitId
        self.contractId = contractId
    }
}

/// Rolling balances over at a renewal: when a contract renews into another (a RENEWAL
/// transition), each segment of its commits and credits with a `rollover_fraction` above 0 that
/// ends at the renewal's start gives that fraction of what it has left to one new commit or
/// credit on the renewal, from its start.
package enum Rollover {
    /// The segments of `commit` that roll over at `moment`: those that end then. None unless the
    /// commit has a fraction above 0.
    package static func rollingSegments(of commit: CommitTerms, at moment: Timestamp) -> [AccessSegment] {
        guard (commit.rolloverFraction ?? 0) > 0 else { return [] }
        return commit.accessSchedule.filter { $0.startingAt < moment && $0.endingBefore == moment }
    }

    /// A segment of `commit` still open after `moment`, which rolling over at `moment` would
    /// have to cut short; nil when there is none (or nothing rolls over).
    package static func segmentOpenPast(_ moment: Timestamp, of commit: CommitTerms) -> AccessSegment? {
        guard (commit.rolloverFraction ?? 0) > 0 else { return nil }
        return commit.accessSchedule.first { $0.startingAt < moment && moment < $0.endingBefore }
    }

    /// What a segment with `remaining` left gives: `fraction` of it, nothing when it has nothing left.
    package static func rolledAmount(remaining: Decimal, fraction: Decimal) -> Decimal {
        remaining > 0 ? remaining * fraction : 0
    }

    /// The commit or credit `amount` becomes on the renewal, which starts at `start` and ends at
    /// `end` (nil: open-ended). It keeps the original's product, name, applicability, priority,
    /// rate type, fraction and access type, and has one segment from the renewal's start: to the
    /// renewal's end, or, when it has none, as long as the longest segment rolled. It is not
    /// invoiced again.
    package static func rolledOverCommit(
        from commit: CommitTerms, segments: [AccessSegment], amount: Decimal, renewalId: String, start: Timestamp,
        end: Timestamp?, id: String, segmentId: String
    ) -> CommitTerms {
        let longest = segments.map { $0.endingBefore.millisecondsSinceEpoch - $0.startingAt.millisecondsSinceEpoch }.max() ?? 0
        let accessEnd = end ?? Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + longest)
        return CommitTerms(
            id: id, kind: commit.kind, type: commit.type, customerId: commit.customerId, contractId: renewalId,
            productId: commit.productId, name: commit.name, description: commit.description, priority: commit.priority,
            creditTypeId: commit.creditTypeId,
            accessSchedule: [AccessSegment(id: segmentId, amount: amount, startingAt: start, endingBefore: accessEnd)],
            applicableProductIds: commit.applicableProductIds, applicableProductTags: commit.applicableProductTags,
            specifiers: commit.specifiers, rateType: commit.rateType, rolloverFraction: commit.rolloverFraction,
            customFields: commit.customFields, createdAt: start,
            rolledOverFrom: RolledOverFrom(commitId: commit.id, contractId: commit.contractId ?? ""), accessType: commit.accessType
        )
    }
}
