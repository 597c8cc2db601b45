import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct CreditGrantDrawdownTests {
    private let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")
    private let jan = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
    private let jan11 = Timestamp(rfc3339: "2026-01-11T00:00:00Z")!
    private let feb = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!
    private let jun = Timestamp(rfc3339: "2026-06-01T00:00:00Z")!

    private func grant(
        _ id: String, priority: Decimal, amount: Decimal = 0, from: Timestamp? = nil, until: Timestamp? = nil,
        products: [String] = [], creditTypeId: String = "usd"
    ) -> CreditGrantTerms {
        CreditGrantTerms(
            id: id, customerId: "c", name: id, amount: amount, creditTypeId: creditTypeId, priority: priority,
            effectiveAt: from ?? jan, expiresAt: until ?? jun, productIds: products, customFields: [:]
        )
    }

    private func charge(_ product: String, _ amount: Decimal, from: Timestamp, to: Timestamp) -> DatedCharge {
        DatedCharge(productId: product, creditTypeId: "usd", window: from..<to, amount: amount)
    }

    private func draws(_ adjustments: [InvoiceAdjustment]) -> [String: Decimal] {
        Dictionary(uniqueKeysWithValues: adjustments.map { ($0.creditGrantId ?? "", -$0.total) })
    }

    @Test func lowerPriorityNumberDrawsFirstThenTheOneExpiringSooner() {
        let grants = [grant("late", priority: 1), grant("soon", priority: 1, until: feb), grant("second", priority: 2)]
        let result = CreditGrantDrawdown.apply(
            to: [charge("api", 150, from: jan, to: feb)], grants: grants,
            remaining: ["late": 100, "soon": 100, "second": 100], limit: 150, creditTypes: ["usd": usd]
        )
        // "soon" (priority 1, expires first) pays 100, "late" (priority 1) the remaining 50.
        #expect(result.map(\.creditGrantId) == ["soon", "late"])
        #expect(draws(result) == ["soon": 100, "late": 50])
        #expect(result.allSatisfy { $0.creditType == usd })
    }

    @Test func aGrantPaysOnlyForChargesDatedWhileItIsInEffect() {
        let grants = [grant("short", priority: 1, until: jan11), grant("long", priority: 2)]
        let charges = [
            charge("api", 200, from: jan, to: jan11), charge("fee", 5000, from: jan, to: jan11),
            charge("api", 150, from: jan11, to: feb),
        ]
        let result = CreditGrantDrawdown.apply(
            to: charges, grants: grants, remaining: ["short": 10000, "long": 4000], limit: 5350, creditTypes: ["usd": usd]
        )
        // "short" covers everything dated before Jan 11 (5200); "long" the 150 after.
        #expect(draws(result) == ["short": 5200, "long": 150])
    }

    @Test func productGrantsPayTheirProductsInTheirOrderAndNeverPassTheLimit() {
        let grants = [grant("products", priority: 1, products: ["b", "a"]), grant("other-unit", priority: 0, creditTypeId: "cloud")]
        let charges = [charge("a", 30, from: jan, to: feb), charge("b", 50, from: jan, to: feb), charge("c", 70, from: jan, to: feb)]
        let result = CreditGrantDrawdown.apply(
            to: charges, grants: grants, remaining: ["products": 60, "other-unit": 1000], limit: 1000, creditTypes: [:]
        )
        // b first (50), then 10 of a; c is not its product; the cloud-unit grant pays no USD charge.
        #expect(draws(result) == ["products": 60])
        let capped = CreditGrantDrawdown.apply(
            to: charges, grants: grants, remaining: ["products": 60], limit: 25, creditTypes: [:]
        )
        #expect(draws(capped) == ["products": 25])
    }

    @Test func boundariesAreTheStartsAndExpiriesInsideThePeriod() {
        let grants = [grant("a", priority: 1, until: jan11), grant("b", priority: 1, from: jan11), grant("c", priority: 1, until: jun)]
        #expect(CreditGrantDrawdown.boundaries(of: grants, within: jan..<feb) == [jan11])
    }
}
