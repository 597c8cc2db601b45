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
        ), now: january15)
        try await database.ingest(calls(customer, 12, prefix: "on-time", at: "2026-01-14T10:00:00Z"), now: january15)
        // January's grace period is over and nothing has read its invoice: these must not count,
        // under an alias that named no customer when it was last seen.
        try await database.ingest(calls("late-alias", 5, prefix: "late") + calls("nobody", 2, prefix: "stray"), now: february2)
        let january = try await database.invoices(customerId: customer, filter: InvoiceFilter(status: "FINALIZED"), now: february2)
        #expect(january.map(\.total) == [5013])
    }

    /// A customer on the Growth plan from January 1, created at `now`, with 12 calls on January 14.
    private static func customerOnGrowth(_ database: AppDatabase, now: Timestamp) async throws -> String {
        try await database.reset(to: try Fixtures.load(from: try #require(Configuration.defaultFixturesDirectory)), now: now)
        let customer = try await database.createCustomer(NewCustomer(
            name: "Settled", ingestAliases: ["settled"], externalId: nil, customFields: [:],
            legacyBillingConfig: nil, billingProviderConfigurations: []
        ), now: now).record.id
        _ = try await database.addCustomerPlan(CustomerPlanRecord(
            id: UUID().uuidString.lowercased(), customerId: customer, planId: "3e9c5f4b-8d4a-4fab-c000-000000000001",
            startingOn: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!, priceAdjustments: [], overageRateAdjustments: [], customFields: [:]
        ), now: now)
        try await database.ingest((0..<12).map { index in
            NewUsageEvent(transactionId: "call-\(index)", customerRef: "settled", eventType: "api_call",
                          timestamp: Timestamp(rfc3339: "2026-01-14T10:00:00Z")!, propertiesJSON: #"{"endpoint":"/search"}"#)
        }, now: now)
        return customer
    }

    /// Reads run on the writer's committed state and commit nothing, even asked about a time
    /// the store has not been settled to (which once opened and finalized invoices).
    @Test func readsOfInvoicesBalancesAndAlertsCommitNothing() async throws {
        let database = try AppDatabase.inMemory()
        let january15 = Timestamp(rfc3339: "2026-01-15T12:00:00Z")!, march10 = Timestamp(rfc3339: "2026-03-10T00:00:00Z")!
        let customer = try await Self.customerOnGrowth(database, now: january15)
        let alertId = try await database.createAlert(NewAlert(
            name: "Spend", type: .spendThresholdReached, threshold: 1, customerId: customer, creditTypeId: CreditTypes.usdCentsId,
            evaluateOnCreate: true, filters: AlertFilters()
        ), now: january15)
        let before = database.commits.value
        for now in [january15, march10] {
            let invoices = try await database.invoices(customerId: customer, filter: InvoiceFilter(), now: now)
            #expect(invoices.map(\.status) == ["DRAFT"])
            _ = try await database.invoice(customerId: customer, id: try #require(invoices.first?.id), now: now)
            _ = try await database.commitAccounts(customerId: customer, now: now)
            _ = try await database.customerBalances(
                customerId: customer, filter: CommitListFilter(includeArchived: false, includeContractLevel: true),
                excludeZeroBalances: false, afterSeq: nil, limit: 10, now: now
            )
            _ = try await database.netBalance(customerId: customer, accessType: .spend, creditTypeId: CreditTypes.usdCentsId, includeDrafts: true, now: now) { _ in true }
            _ = try await database.currentBillingPeriod(customerId: customer, now: now)
            _ = try await database.trialSpend(customerId: customer, now: now)
            _ = try await database.dailyCosts(
                customerId: customer, startingOn: Timestamp(rfc3339: "2026-01-01T00:00:00Z")!, endingBefore: now, offset: 0, limit: 5, now: now
            )
            let alerts = try await database.customerAlerts(customerId: customer, statuses: AlertStatusSelection(), afterSeq: nil, limit: 10, now: now)
            #expect(alerts.map(\.view.alert.id) == [alertId])
            _ = try await database.customerAlert(customerId: customer, alertId: alertId, now: now)
        }
        #expect(database.commits.value == before)
    }

    /// Settling steps through each due moment in time order: each period's start, and its end
    /// plus the 24-hour grace period, when its invoice is finalized.
    @Test func settlementVisitsEveryDueMomentInOrder() async throws {
        let database = try AppDatabase.inMemory()
        let january15 = Timestamp(rfc3339: "2026-01-15T12:00:00Z")!, april15 = Timestamp(rfc3339: "2026-04-15T12:00:00Z")!
        let customer = try await Self.customerOnGrowth(database, now: january15)
        var visited: [String] = []
        while let next = try await database.nextDueMoment(), next <= april15 {
            visited.append(next.rfc3339)
            #expect(try await database.settleNextDue(through: april15))
        }
        #expect(visited == [
            "2026-02-01T00:00:00.000Z", "2026-02-02T00:00:00.000Z", "2026-03-01T00:00:00.000Z",
            "2026-03-02T00:00:00.000Z", "2026-04-01T00:00:00.000Z", "2026-04-02T00:00:00.000Z",
        ])
        #expect(try await database.nextDueMoment()?.rfc3339 == "2026-05-01T00:00:00.000Z")
        let invoices = try await database.invoices(customerId: customer, filter: InvoiceFilter(), now: april15)
        #expect(invoices.map(\.status) == ["FINALIZED", "FINALIZED", "FINALIZED", "DRAFT"])
        let finalized = try await database.notifications(filter: NotificationFilter(type: "invoice.finalized"), page: PageRequest(limit: 10, token: nil, parameter: "next_page", list: AppDatabase.notificationsList, defaultLimit: 10, maxLimit: 100))
        #expect(finalized.notifications.map(\.createdAt.rfc3339) == [
            "2026-02-02T00:00:00.000Z", "2026-03-02T00:00:00.000Z", "2026-04-02T00:00:00.000Z",
        ])
    }
}
