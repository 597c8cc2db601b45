import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct AppDatabaseTests {
    private let now = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!

    private func newCustomer(_ name: String, aliases: [String] = []) -> NewCustomer {
        NewCustomer(name: name, ingestAliases: aliases, externalId: nil, customFields: [:],
                    legacyBillingConfig: nil, billingProviderConfigurations: [])
    }

    @Test func aFailedCreateLeavesNoTrace() async throws {
        let database = try AppDatabase.inMemory()
        _ = try await database.createCustomer(newCustomer("A", aliases: ["x"]), now: now)
        var clashing = newCustomer("B", aliases: ["y", "x"])
        clashing.billingProviderConfigurations = [NewBillingProviderConfiguration(
            customerId: "", billingProvider: "stripe", deliveryMethod: "direct_to_billing_provider",
            deliveryMethodId: nil, configuration: .object([:]), taxProvider: nil
        )]
        await #expect(throws: StoreError.self) { try await database.createCustomer(clashing, now: now) }
        let counts = try await database.writer.read { db in
            (try CustomerRecord.fetchCount(db), try IngestAliasRecord.fetchCount(db), try BillingProviderConfigurationRecord.fetchCount(db))
        }
        #expect(counts == (1, 1, 0))
    }

    @Test func externalIdDefaultsToFirstAliasThenId() async throws {
        let database = try AppDatabase.inMemory()
        let withAlias = try await database.createCustomer(newCustomer("A", aliases: ["first", "second"]), now: now)
        #expect(withAlias.record.externalId == "first")
        let bare = try await database.createCustomer(newCustomer("B"), now: now)
        #expect(bare.record.externalId == bare.record.id)
    }

    @Test func aFileStoreKeepsStateAcrossReopening() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let id = try await AppDatabase.file(atPath: path).createCustomer(newCustomer("Kept", aliases: ["k"]), now: now).record.id
        let reopened = try AppDatabase.file(atPath: path)
        #expect(try await reopened.customer(id: id).ingestAliases == ["k"])
    }

    @Test func resetEmptiesEveryStateTable() async throws {
        let database = try AppDatabase.inMemory()
        _ = try await database.createCustomer(newCustomer("A", aliases: ["x"]), now: now)
        let tables = try await database.writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master
                WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'
                """)
        }
        func rows() async throws -> [String: Int] {
            try await database.writer.read { db in
                try Dictionary(uniqueKeysWithValues: tables.map { ($0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? 0) })
            }
        }
        #expect(try await rows()["customer"] == 1)
        // A table that reset forgot would keep its rows, or be missing from the list reset wipes.
        #expect(Set(tables) == Set(AppDatabase.stateTables))
        try await database.reset(to: .none, now: now)
        #expect(try await rows().filter { $0.value != 0 } == [:])
    }
}
