import Foundation
import MetronomeCodecs

/// The balance a commit or credit has left in one access segment.
package struct SegmentBalance: Sendable {
    package var commit: CommitTerms
    package var segment: AccessSegment
    package var remaining: Decimal

    /// How the invoice line applying it names its type.
    package var appliedType: String { commit.kind == .credit ? "CREDIT" : (commit.type ?? .prepaid).rawValue }

    /// A value with each stored property given.
    package init(commit: CommitTerms, segment: AccessSegment, remaining: Decimal) {
        self.commit = commit
        self.segment = segment
        self.remaining = remaining
    }
}

/// What one invoice drew from one segment.
package struct SegmentDraw: Sendable, Equatable {
    package var commitId: String
    package var segmentId: String
    package var amount: Decimal

    /// A value with each stored property given.
    package init(commitId: String, segmentId: String, amount: Decimal) {
        self.commitId = commitId
        self.segmentId = segmentId
        self.amount = amount
    }
}

/// Commits and credits drawn down against an invoice's charges, in Metronome's order.
package enum Drawdown {
    /// `lines` with commits and credits applied: each covered part of a charge becomes a line of
    /// its own (marked with the commit) followed by a negative `applied_commit_or_credit` line.
    /// Returns the new lines and what was drawn from each segment. `tags` holds product tags.
    package static func apply(
        to lines: [InvoiceLineItem], balances: [SegmentBalance], contractId: String, tags: [String: [String]]
    ) -> (lines: [InvoiceLineItem], draws: [SegmentDraw]) {
        var balances = balances.sorted { drawsFirst($0, $1, forContract: contractId) }
        var draws: [SegmentDraw] = []
        var coveredLines: [Int: [InvoiceLineItem]] = [:]
        for index in lines.indices.sorted(by: { coveredFirst(lines[$0], lines[$1]) }) {
            let line = lines[index]
            guard ["usage", "subscription"].contains(line.type), line.total > 0 else { continue }
            var left = line.total
            var parts: [InvoiceLineItem] = []
            for position in balances.indices where left > 0 && balances[position].remaining > 0 {
                let balance = balances[position]
                // A QUANTITY balance counts units, whatever they are priced in.
                let byQuantity = balance.commit.accessType == .quantity
                guard byQuantity || balance.commit.creditTypeId == line.creditType.id,
                    applies(balance.commit, to: line, contractId: contractId, tags: tags[line.productId ?? ""] ?? [])
                else { continue }
                // What each chunk costs (`take`) and what it draws from the balance (`drawn`:
                // the same amount, or, by quantity, its units).
                var chunks: [(take: Decimal, drawn: Decimal, quantity: Decimal?, unitPrice: Decimal?)] = []
                if let prices = prices(of: line, drawnFrom: balance.commit), let listPrice = line.unitPrice, listPrice > 0 {
                    // Units this commit pays for are priced at the commit rate (or what a
                    // commit-specific override sets), each at the tier its place on the line falls
                    // in; the units left stay at list.
                    let end = line.total / listPrice
                    var from = (line.total - left) / listPrice
                    var funds = balance.remaining
                    for (index, tier) in prices.enumerated() where from < end && funds > 0 {
                        let tierEnd = index + 1 < prices.count ? min(prices[index + 1].startingAt, end) : end
                        guard tierEnd > from else { continue }
                        let span = tierEnd - from
                        let units = byQuantity ? min(span, funds) : tier.price > 0 ? min(span, funds / tier.price) : span
                        let take = (units * tier.price).rounded(toPlaces: 10)
                        chunks.append((take, byQuantity ? units : take, units.rounded(toPlaces: 10), tier.price))
                        funds -= byQuantity ? units : take
                        from += units
                        left = (left - units * listPrice).rounded(toPlaces: 10)
                    }
                } else if byQuantity {
                    guard let listPrice = line.unitPrice, listPrice > 0 else { continue }
                    let units = min(left / listPrice, balance.remaining)
                    let take = (units * listPrice).rounded(toPlaces: 10)
                    chunks.append((take, units, units.rounded(toPlaces: 10), nil))
                    left = (left - take).rounded(toPlaces: 10)
                } else {
                    let take = min(left, balance.remaining)
                    chunks.append((take, take, line.quantity.map { ($0 * take / line.total).rounded(toPlaces: 10) }, nil))
                    left -= take
                }
                for chunk in chunks {
                    balances[position].remaining -= chunk.drawn
                    draws.append(SegmentDraw(commitId: balance.commit.id, segmentId: balance.segment.id, amount: chunk.drawn))
                    var covered = line
                    covered.quantity = chunk.quantity
                    if let unitPrice = chunk.unitPrice { covered.unitPrice = unitPrice }
                    covered.total = chunk.take
                    covered.commitId = balance.commit.id
                    covered.commitType = balance.appliedType
                    covered.commitSegmentId = balance.segment.id
                    parts.append(covered)
                    parts.append(InvoiceLineItem(
                        name: balance.commit.name ?? line.name, total: -chunk.take, creditType: line.creditType,
                        type: "applied_commit_or_credit", productId: balance.commit.productId,
                        productType: ContractRating.productTypeName(.fixed), startingAt: line.startingAt,
                        endingBefore: line.endingBefore,
                        appliedCommitOrCredit: .init(id: balance.commit.id, type: balance.appliedType),
                        commitId: balance.commit.id, commitType: balance.appliedType, commitSegmentId: balance.segment.id
                    ))
                }
            }
            guard !parts.isEmpty else { continue }
            if left > 0 {
                var rest = line
                rest.total = left
                rest.quantity = line.quantity.map { ($0 * left / line.total).rounded(toPlaces: 10) }
                parts.append(rest)
            }
            coveredLines[index] = parts
        }
        let result = lines.indices.flatMap { coveredLines[$0] ?? [lines[$0]] }
        return (result, draws)
    }

    /// What the units of `line` that `commit` pays for cost, by the line's unit each price starts
    /// at; nil when they cost the list price. A COMMIT_RATE commit (the default) pays the rate's
    /// commit rate, a LIST_RATE one the list rate, each as the first commit-specific override
    /// that selects the commit sets it. Where the rate has no commit rate, a COMMIT_RATE commit's
    /// is the list rate, which overrides of either target set.
    static func prices(of line: InvoiceLineItem, drawnFrom commit: CommitTerms) -> [(startingAt: Decimal, price: Decimal)]? {
        let paysCommitRate = (commit.rateType ?? .commitRate) == .commitRate
        let targets: [CommitRateType] = !paysCommitRate ? [.listRate] : line.commitPrices != nil ? [.commitRate] : [.commitRate, .listRate]
        if let specific = line.commitSpecificPrices.first(where: { targets.contains($0.target) && $0.commits.includes(commit) }) {
            return specific.prices
        }
        return paysCommitRate ? line.commitPrices : nil
    }

    /// What `line` of an invoice drew, and from which commit's segment: an application line
    /// draws its amount from a SPEND balance; a line a QUANTITY commit (one of
    /// `quantityCommitIds`) paid for draws its units.
    package static func drawn(by line: InvoiceLineItem, quantityCommitIds: Set<String>) -> SegmentDraw? {
        guard let commitId = line.commitId, let segmentId = line.commitSegmentId else { return nil }
        if quantityCommitIds.contains(commitId) {
            guard line.type != "applied_commit_or_credit" else { return nil }
            return SegmentDraw(commitId: commitId, segmentId: segmentId, amount: line.quantity ?? 0)
        }
        guard line.type == "applied_commit_or_credit" else { return nil }
        return SegmentDraw(commitId: commitId, segmentId: segmentId, amount: -line.total)
    }

    /// An invoice's total: its lines, except applications of postpaid commits (paid in arrears).
    package static func total(of lines: [InvoiceLineItem], creditTypeId: String) -> Decimal {
        lines.filter { $0.creditType.id == creditTypeId && !($0.type == "applied_commit_or_credit" && $0.commitType == "POSTPAID") }
            .reduce(Decimal(0)) { $0 + $1.total }
    }

    /// Whether a commit or credit may pay for `line` of contract `contractId`.
    package static func applies(_ commit: CommitTerms, to line: InvoiceLineItem, contractId: String, tags: [String]) -> Bool {
        if let contracts = commit.applicableContractIds, !contracts.isEmpty, !contracts.contains(contractId) { return false }
        if let owner = commit.contractId, owner != contractId, !(commit.childAccess?.admits(contractId) ?? false) { return false }
        if commit.appliesToAllProducts { return true }
        let productId = line.productId ?? ""
        if commit.applicableProductIds?.contains(productId) ?? false { return true }
        if let wanted = commit.applicableProductTags, wanted.contains(where: tags.contains) { return true }
        return (commit.specifiers ?? []).contains { specifier in
            if let id = specifier.productId, id != productId { return false }
            if let wanted = specifier.productTags, !wanted.contains(where: tags.contains) { return false }
            if let values = specifier.pricingGroupValues,
                !values.allSatisfy({ (line.pricingGroupValues ?? [:])[$0.key] == $0.value }) { return false }
            if let values = specifier.presentationGroupValues,
                !values.allSatisfy({ (line.presentationGroupValues ?? [:])[$0.key] == $0.value }) { return false }
            return true
        }
    }

    /// Metronome's order of drawdown: rollover commits first, then prepaid commits and credits,
    /// then postpaid commits; lower priority; free ($0 cost basis) before paid; fewer applicable
    /// products; earlier end; earlier start; contract-level before customer-level; for an
    /// invoice of contract `contractId`, its own before another's (its parent's shared ones).
    package static func drawsFirst(_ a: SegmentBalance, _ b: SegmentBalance) -> Bool {
        drawsFirst(a, b, forContract: nil)
    }

    /// `drawsFirst(_:_:)` for an invoice of contract `contractId`.
    package static func drawsFirst(_ a: SegmentBalance, _ b: SegmentBalance, forContract contractId: String?) -> Bool {
        func key(_ balance: SegmentBalance) -> (Int, Decimal, Int, Int, Int64, Int64, Int, Int) {
            let commit = balance.commit
            let isAnotherContracts = contractId != nil && commit.contractId != nil && commit.contractId != contractId
            let category = commit.kind == .commit && commit.rolledOverFrom != nil ? -1 : commit.kind == .commit && commit.type == .postpaid ? 1 : 0
            let free = commit.kind == .credit || commit.isComplimentary ? 0 : 1
            let breadth = commit.appliesToAllProducts ? Int.max
                : (commit.applicableProductIds ?? []).count + (commit.applicableProductTags ?? []).count + (commit.specifiers ?? []).count
            return (
                category, commit.priority ?? .greatestFiniteMagnitude, free, breadth,
                balance.segment.endingBefore.millisecondsSinceEpoch, balance.segment.startingAt.millisecondsSinceEpoch,
                commit.contractId == nil ? 1 : 0, isAnotherContracts ? 1 : 0
            )
        }
        let (ka, kb) = (key(a), key(b))
        if ka.0 != kb.0 { return ka.0 < kb.0 }
        if ka.1 != kb.1 { return ka.1 < kb.1 }
        if ka.2 != kb.2 { return ka.2 < kb.2 }
        if ka.3 != kb.3 { return ka.3 < kb.3 }
        if ka.4 != kb.4 { return ka.4 < kb.4 }
        if ka.5 != kb.5 { return ka.5 < kb.5 }
        if ka.6 != kb.6 { return ka.6 < kb.6 }
        if ka.7 != kb.7 { return ka.7 < kb.7 }
        return a.commit.id < b.commit.id
    }

    /// The order charges are covered in: usage, then subscriptions, then composite; earlier
    /// start; higher unit price; name A to Z.
    package static func coveredFirst(_ a: InvoiceLineItem, _ b: InvoiceLineItem) -> Bool {
        func rank(_ line: InvoiceLineItem) -> Int {
            line.productType == ContractRating.productTypeName(.composite) ? 2 : (line.type == "subscription" ? 1 : 0)
        }
        if rank(a) != rank(b) { return rank(a) < rank(b) }
        let (startA, startB) = (a.startingAt?.millisecondsSinceEpoch ?? 0, b.startingAt?.millisecondsSinceEpoch ?? 0)
        if startA != startB { return startA < startB }
        if (a.unitPrice ?? 0) != (b.unitPrice ?? 0) { return (a.unitPrice ?? 0) > (b.unitPrice ?? 0) }
        return a.name < b.name
    }
}
