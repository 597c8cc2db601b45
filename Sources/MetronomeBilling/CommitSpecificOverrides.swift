import Foundation
import MetronomeCodecs

/// Which commits and credits a commit-specific override prices the draws of.
package struct CommitSelection: Sendable, Equatable {
    /// The commit, credit and recurring commit IDs named; nil for every commit and credit.
    package var ids: Set<String>?

    /// A value with each stored property given.
    package init(ids: Set<String>?) {
        self.ids = ids
    }

    /// Whether it takes in `commit`, named itself or by the recurring commit that made it.
    package func includes(_ commit: CommitTerms) -> Bool {
        guard let ids else { return true }
        return ids.contains(commit.id) || commit.recurringCommitId.map(ids.contains) ?? false
    }
}

/// The prices a commit-specific override sets for the units the commits it selects pay for, on
/// one rate: for those that pay the list rate (target LIST_RATE) or the commit rate (COMMIT_RATE).
package struct CommitSpecificPrice: Sendable {
    package var commits: CommitSelection
    package var target: CommitRateType
    /// By the line's unit each starts at, the first at 0.
    package var prices: [(startingAt: Decimal, price: Decimal)]

    /// A value with each stored property given.
    package init(commits: CommitSelection, target: CommitRateType, prices: [(startingAt: Decimal, price: Decimal)]) {
        self.commits = commits
        self.target = target
        self.prices = prices
    }
}

extension CommitSpecificPrice: Equatable {
    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.commits == rhs.commits && lhs.target == rhs.target
            && lhs.prices.map(\.startingAt) == rhs.prices.map(\.startingAt) && lhs.prices.map(\.price) == rhs.prices.map(\.price)
    }
}

extension ContractRules {
    /// What the contract's commit-specific overrides in force at `moment` make the commits they
    /// select pay on list rate `rate`, in the order they take precedence: an OVERWRITE first, then
    /// a product-specific override before a tag- or specifier-based one, then lower priority.
    /// A LIST_RATE one applies with the contract's other overrides; a COMMIT_RATE one applies to
    /// the rate's commit rate, or to the list rate where it has none.
    package static func commitSpecificPrices(
        _ overrides: [OverrideTerms], to rate: Rate, productTags: [String], at moment: Timestamp,
        prioritization: MultiplierOverridePrioritization = .lowestMultiplier
    ) -> [CommitSpecificPrice] {
        guard overrides.contains(where: { $0.isCommitSpecific == true }) else { return [] }
        let general = overrides.filter { $0.isCommitSpecific != true }
        let specific = overrides.filter { $0.isCommitSpecific == true && $0.covers(moment) }.sorted {
            ($0.type == .overwrite ? 0 : 1, $0.specificity, $0.priority ?? .greatestFiniteMagnitude)
                < ($1.type == .overwrite ? 0 : 1, $1.specificity, $1.priority ?? .greatestFiniteMagnitude)
        }
        func applied(_ overrides: [OverrideTerms], to rate: Rate) -> Rate {
            applyOverrides(overrides, to: rate, productTags: productTags, at: moment, prioritization: prioritization).overrideRate
                ?? rate
        }
        return specific.compactMap { override in
            guard let commits = override.commitSelection(for: rate, productTags: productTags) else { return nil }
            var plain = override
            plain.isCommitSpecific = nil
            let target = override.target ?? .listRate
            let priced: Rate
            switch target {
            case .listRate:
                priced = applied(general + [plain], to: rate)
            case .commitRate:
                var commitRate = applied(general, to: rate)
                if let own = rate.commitRate {
                    commitRate.rateType = own.rateType
                    commitRate.price = own.price
                    commitRate.tiers = own.tiers
                }
                priced = applied([plain], to: commitRate)
            }
            let prices: [(startingAt: Decimal, price: Decimal)]
            switch priced.rateType {
            case .flat: prices = [(0, priced.price ?? 0)]
            case .tiered: prices = GraduatedTiers.starts(sizes: (priced.tiers ?? []).map { ($0.size, $0.price) })
            default: return nil
            }
            return CommitSpecificPrice(commits: commits, target: target, prices: prices)
        }
    }
}
