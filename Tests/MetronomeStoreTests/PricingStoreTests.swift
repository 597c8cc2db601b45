import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct PricingStoreTests {
    private let now = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
    private let usdCents = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"

    /// A store with USD (cents), a FIXED product and an empty rate card.
    private func catalog() async throws -> (AppDatabase, product: String, card: String) {
        let database = try AppDatabase.inMemory()
        try await database.reset(to: Fixtures(creditTypes: [CreditTypeFixture(id: usdCents, name: "USD (cents)", isCurrency: true)]), now: now)
        let product = try await database.createProduct(
            NewProduct(type: .fixed, state: ProductState(name: "Fee", createdAt: now, createdBy: "api"), customFields: [:]), now: now
        )
        let card = try await database.createRateCard(
            NewRateCard(name: "Card", aliases: [], fiatCreditTypeId: usdCents, creditTypeConversions: [], customFields: [:]), now: now
        )
        return (database, product, card)
    }

    private func flat(_ product: String, _ price: Decimal?, _ start: String) -> Rate {
        Rate(productId: product, entitled: true, rateType: .flat, startingAt: Timestamp(rfc3339: start)!, price: price)
    }

    @Test func aRejectedRateInABatchStoresNoneOfIt() async throws {
        let (database, product, card) = try await catalog()
        await #expect(throws: StoreError.self) {
            try await database.addRates(
                rateCardId: card, rates: [flat(product, 1, "2026-01-01"), flat(product, nil, "2026-02-01")], listField: "rates", now: now
            )
        }
        let stored = try await database.writer.read { db in (try RateRecord.fetchCount(db), try RateCardRecord.fetchAll(db)) }
        #expect(stored.0 == 0)
        #expect(stored.1.first?.productOrder == [], "a rejected batch does not put its product in the order either")
    }

    @Test func aNewRateIsStoredOverTheOlderOne() async throws {
        let (database, product, card) = try await catalog()
        let added = try await database.addRates(
            rateCardId: card, rates: [flat(product, 1, "2026-01-01"), flat(product, 2, "2026-03-01")], listField: "rates", now: now
        )
        #expect(added.map(\.creditType?.id) == [usdCents, usdCents])
        let rows = try await database.rateListings(
            rateCardId: card, window: .range(startingAt: now, endingBefore: nil), selectors: [], after: nil, limit: 10, now: now
        )
        #expect(rows.map(\.rate.price) == [1, 2])
        #expect(rows.map(\.rate.endingBefore) == [Timestamp(rfc3339: "2026-03-01")!, nil])
        #expect(rows.first?.productState.name == "Fee")
    }

}
