import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct CatalogSettingsStoreTests {
    private let now = Timestamp(rfc3339: "2026-01-31T00:00:00Z")!
    private let usdCents = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"

    private func store() async throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        try await database.reset(to: Fixtures(creditTypes: [CreditTypeFixture(id: usdCents, name: "USD (cents)", isCurrency: true)]), now: now)
        return database
    }

    @Test func customCreditTypesAreListedUntilArchivedAndCurrenciesStay() async throws {
        let database = try await store()
        let id = try await database.createCustomCreditType(name: "Tokens")
        #expect(try await database.creditTypes(afterSeq: nil, limit: 10).map(\.name) == ["USD (cents)", "Tokens"])
        try await database.archiveCustomCreditType(id: id, now: now)
        #expect(try await database.creditTypes(afterSeq: nil, limit: 10).map(\.name) == ["USD (cents)"])
        await #expect(throws: StoreError.invalid("Credit type \(id) is already archived")) {
            try await database.archiveCustomCreditType(id: id, now: now)
        }
        await #expect(throws: StoreError.self) { try await database.archiveCustomCreditType(id: usdCents, now: now) }
        let unknown = UUID().uuidString.lowercased()
        await #expect(throws: StoreError.notFound("Credit type", unknown)) {
            try await database.archiveCustomCreditType(id: unknown, now: now)
        }
    }

    @Test func packagesKeepTheirTermsAndListByArchiveFilter() async throws {
        let database = try await store()
        let id = try await database.createPackage(
            NewPackage(
                name: "Starter", contractName: "Starter contract", usageStatementFrequency: .annual, usageStatementDay: .contractStart,
                netPaymentTermsDays: Decimal(string: "7.5"), duration: PackageDuration(unit: .years, value: 2),
                aliases: [PackageAlias(name: "starter")], uniquenessKey: "k"
            ),
            now: now
        )
        let stored = try await database.package(id: id)
        #expect(stored.record.frequency == .annual && stored.record.day == .contractStart)
        #expect(stored.record.netPaymentTermsDays == Decimal(string: "7.5"))
        #expect(stored.record.duration == PackageDuration(unit: .years, value: 2))
        #expect(stored.aliases == [PackageAlias(name: "starter")])
        await #expect(throws: StoreError.conflict(AppDatabase.uniquenessKeyUsedMessage)) {
            _ = try await database.createPackage(NewPackage(name: "Again", uniquenessKey: "k"), now: now)
        }
        let other = try await database.createPackage(NewPackage(name: "Other"), now: now)
        try await database.archivePackage(id: other, now: now)
        #expect(try await database.packages(filter: .notArchived, afterSeq: nil, limit: 10).map(\.record.id) == [id])
        #expect(try await database.packages(filter: .archived, afterSeq: nil, limit: 10).map(\.record.id) == [other])
        #expect(try await database.packages(filter: .all, afterSeq: nil, limit: 10).count == 2)
    }

    @Test func durationsFollowTheCalendar() {
        let start = Timestamp(rfc3339: "2024-01-31T00:00:00Z")!
        // January 31 plus one month is the last day of February (29 in 2024); plus a year, the next January 31.
        #expect(PackageDuration(unit: .months, value: 1).after(start) == Timestamp(rfc3339: "2024-02-29T00:00:00Z")!)
        #expect(PackageDuration(unit: .years, value: 1).after(start) == Timestamp(rfc3339: "2025-01-31T00:00:00Z")!)
        #expect(PackageDuration(unit: .weeks, value: 2).after(start) == Timestamp(rfc3339: "2024-02-14T00:00:00Z")!)
        #expect(PackageDuration(unit: .days, value: 1).after(start) == Timestamp(rfc3339: "2024-02-01T00:00:00Z")!)
    }

    @Test func billingProvidersAndAvalaraCredentialsAreKept() async throws {
        let database = try await store()
        let id = try await database.setUpBillingProvider(
            billingProvider: "azure_marketplace", deliveryMethod: "direct_to_billing_provider",
            configuration: .object(["azure_tenant_id": .string("t")]), now: now
        )
        let listed = try await database.configuredBillingProviders(afterSeq: nil, limit: 10)
        #expect(listed.map(\.deliveryMethod.id) == [id] && listed.first?.billingProvider == "azure_marketplace")
        #expect(listed.first?.deliveryMethod.configuration == .object(["azure_tenant_id": .string("t")]))

        let credentials = NewAvalaraCredentials(
            environment: "SANDBOX", username: "u", password: "p1", commitTransactions: nil, deliveryMethodIds: [id]
        )
        try await database.upsertAvalaraCredentials(credentials, now: now)
        var changed = credentials
        changed.password = "p2"
        try await database.upsertAvalaraCredentials(changed, now: now)
        #expect(try await database.avalaraCredentials(deliveryMethodId: id)?.avalaraPassword == "p2")

        let unknown = UUID().uuidString.lowercased()
        changed.deliveryMethodIds = [id, unknown]
        changed.password = "p3"
        await #expect(throws: StoreError.notFound("Delivery method", unknown)) {
            try await database.upsertAvalaraCredentials(changed, now: now)
        }
        #expect(try await database.avalaraCredentials(deliveryMethodId: id)?.avalaraPassword == "p2", "a failed upsert keeps nothing")
    }
}
