import Foundation
import MetronomeCodecs

/// A credit grant (the plans-era balance): an amount of a credit type a customer may spend on
/// plan invoices for charges dated in `[effectiveAt, expiresAt)`.
package struct CreditGrantTerms: Sendable, Equatable {
    package var id: String
    package var customerId: String
    package var name: String
    package var amount: Decimal
    package var creditTypeId: String
    package var priority: Decimal
    package var effectiveAt: Timestamp
    package var expiresAt: Timestamp
    /// The products it pays for, in the order it pays for them; empty means every product.
    package var productIds: [String]
    package var customFields: [String: String]

    /// A value with each stored property given.
    package init(
        id: String,
        customerId: String,
        name: String,
        amount: Decimal,
        creditTypeId: String,
        priority: Decimal,
        effectiveAt: Timestamp,
        expiresAt: Timestamp,
        productIds: [String],
        customFields: [String: String]
    ) {
        self.id = id
        self.customerId = customerId
        self.name = name
        self.amount = amount
        self.creditTypeId = creditTypeId
        self.priority = priority
        self.effectiveAt = effectiveAt
        self.expiresAt = expiresAt
        self.productIds = productIds
        self.customFields = customFields
    }

    /// Whether charges dated at `moment` may be paid with the grant.
    package func covers(_ moment: Timestamp) -> Bool { effectiveAt <= moment && moment < expiresAt }
}

/// What an invoice charges for one product, in one credit type, for what is dated in `window`.
package struct DatedCharge: Sendable, Equatable {
    package var productId: String
    package var creditTypeId: String
    package var window: Range<Timestamp>
    package var amount: Decimal

    /// A value with each stored property given.
    package init(productId: String, creditTypeId: String, window: Range<Timestamp>, amount: Decimal) {
        self.productId = productId
        self.creditTypeId = creditTypeId
        self.window = window
        self.amount = amount
    }
}

/// Credit grants drawn down against a plan invoice, in Metronome's order.
package enum CreditGrantDrawdown {
    /// The moments inside `period` where a grant starts or stops applying: an invoice's charges
    /// are split there, so each part is paid only by the grants in effect for it.
    package static func boundaries(of grants: [CreditGrantTerms], within period: Range<Timestamp>) -> [Timestamp] {
        Set(grants.flatMap { [$0.effectiveAt, $0.expiresAt] }.filter { period.lowerBound < $0 && $0 < period.upperBound })
            .sorted()
    }

    /// One adjustment per grant that pays for part of `charges`, given what each grant has left
    /// (`remaining`, by grant ID), and never more than `limit` in all (what the invoice totals
    /// before grants). A grant pays for charges of its credit type and products dated while it is
    /// in effect, its products in the order it lists them.
    package static func apply(
        to charges: [DatedCharge], grants: [CreditGrantTerms], remaining: [String: Decimal], limit: Decimal,
        creditTypes: [String: InvoiceCreditType]
    ) -> [InvoiceAdjustment] {
        var charges = charges
        var left = limit
        var adjustments: [InvoiceAdjustment] = []
        for grant in grants.sorted(by: drawsFirst) where left > 0 {
            var balance = remaining[grant.id] ?? 0
            guard balance > 0 else { continue }
            func rank(_ charge: DatedCharge) -> Int {
                grant.productIds.isEmpty ? 0 : grant.productIds.firstIndex(of: charge.productId) ?? Int.max
            }
            let eligible = charges.indices.filter { index in
                let charge = charges[index]
                return charge.amount > 0 && charge.creditTypeId == grant.creditTypeId && rank(charge) != Int.max
                    && grant.covers(charge.window.lowerBound)
            }.sorted { (rank(charges[$0]), charges[$0].window.lowerBound) < (rank(charges[$1]), charges[$1].window.lowerBound) }
            var taken: Decimal = 0
            for index in eligible where balance > 0 && left > 0 {
                let take = min(charges[index].amount, balance, left)
                charges[index].amount -= take
                balance -= take
                left -= take
                taken += take
            }
            guard taken > 0 else { continue }
            let creditType = creditTypes[grant.creditTypeId] ?? InvoiceCreditType(id: grant.creditTypeId, name: grant.creditTypeId)
            adjustments.append(InvoiceAdjustment(
                creditType: creditType, name: grant.name, total: -taken, creditGrantId: grant.id,
                creditGrantCustomFields: grant.customFields
            ))
        }
        return adjustments
    }

    /// Metronome's order: the lower priority number first; of equal priority, the one that
    /// expires sooner; then the one effective earlier; then by ID, so the order is stable.
    package static func drawsFirst(_ a: CreditGrantTerms, _ b: CreditGrantTerms) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        if a.expiresAt != b.expiresAt { return a.expiresAt < b.expiresAt }
        if a.effectiveAt != b.effectiveAt { return a.effectiveAt < b.effectiveAt }
        return a.id < b.id
    }
}
