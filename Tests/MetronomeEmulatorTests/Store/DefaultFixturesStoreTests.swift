import Foundation
import GRDB
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

/// The store loaded with the project's default fixtures, read from their files as the app reads them.
@Suite struct DefaultFixturesStoreTests {
    private let now = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!

    @Test func resetRestoresTheDemoCatalogExactly() async throws {
        let database = try AppDatabase.inMemory()
        let fixtures = try Fixtures.load(from: try #require(Configuration.defaultFixturesDirectory))
        try await database.reset(to: fixtures, now: now)
        func counts() async throws -> [Int] {
            try await database.writer.read { db in
                [try BillableMetricRecord.fetchCount(db), try ProductRecord.fetchCount(db), try RateCardRecord.fetchCount(db),
                 try RateRecord.fetchCount(db), try RateCardAliasRecord.fetchCount(db)]
            }
        }
        let loaded = try await counts()
        #expect(loaded == [2, 4, 1, 3, 1])
        _ = try await database.createRateCard(
            NewRateCard(name: "Extra", aliases: [], fiatCreditTypeId: CreditTypes.usdCentsId, creditTypeConversions: [], customFields: [:]), now: now
        )
        try await database.reset(to: fixtures, now: now)
        #expect(try await counts() == loaded)
    }

    /// Moving the emulated clock settles every invoice at once, so only time passing between two
    /// requests reaches this path: the store is called with the times themselves.
    @Test func usagePastTheGracePeriodNeverReachesItsInvoiceUnderAnyReference() async throws {
        let database = try AppDatabase.inMemory()
        let january15 = Timestamp(rfc3339: "2026-01-15T12:00:00Z")!, february2 = Timestamp(rfc3339: "2026-02-02T00:00:00Z")!
        try await database.reset(to: try Fixtures.load(from: try #require(Configuration.defaultFixturesDirectory)), now: january15)
        func calls(_ ref: String, _ count: Int, prefix: String, at time: String = "2026-01-30T10:00:00Z") -> [NewUsageEvent] {
            (0..<count).map { index in
                NewUsageEvent(transactionId: "\(prefix)-\(index)", customerRef: ref, eventType: "api_call",
                              timestamp: Timestamp(rfc3339: time)!, propertiesJSON: #"{"endpoint":"/search"}"#)
            }
        }
        // Late, for a reference that names no customer yet: the store learns that it is unknown.
        try await database.ingest(calls("late-alias", 1, prefix: "early"), now: february2)
        let customer = try await database.createCustomer(NewCustomer(
            name: "Late", ingestAliases: ["late-alias"], externalId: nil, customFields: [:],
            legacyBillingConfig: nil, billingProviderConfigurations: []
        ), now: january15).record.id
        _ = try await database.addCustomerPlan(CustomerPlanRecord(
            id: UUID().uuidString.lowercased(), customerId: customer, planId: "3e9c5f4b-8d4a-4fab-c000-000000000001",
            startingOn: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!, priceAdjustments: [], overageRateAdjustments: [], customFields: [:]
        ))
        try await database.ingest(calls(customer, 12, prefix: "on-time", at: "2026-01-14T10:00:00Z"), now: january15)
        // January's grace period is over and nothing has read its invoice: these must not count,
        // under an alias that named no customer when it was last seen.
        try await database.ingest(calls("late-alias", 5, prefix: "late") + calls("nobody", 2, prefix: "stray"), now: february2)
        let january = try await database.invoices(customerId: customer, filter: InvoiceFilter(status: "FINALIZED"), now: february2)
        #expect(january.map(\.total) == [5013])
    }
}
