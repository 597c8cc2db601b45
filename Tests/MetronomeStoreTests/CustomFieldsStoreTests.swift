import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct CustomFieldsStoreTests {
    private let now = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!

    private func customer(_ database: AppDatabase, _ name: String, fields: [String: String] = [:]) async throws -> String {
        try await database.createCustomer(NewCustomer(
            name: name, ingestAliases: [], externalId: nil, customFields: fields,
            legacyBillingConfig: nil, billingProviderConfigurations: []
        ), now: now).record.id
    }

    @Test func keysWithDotsAndQuotesAreKeptWhole() async throws {
        let database = try AppDatabase.inMemory()
        let id = try await customer(database, "A")
        for key in ["a.b", #"say "hi""#, "x[0]"] {
            try await database.addCustomFieldKey(entity: .customer, key: key, enforceUniqueness: false)
        }
        try await database.setCustomFieldValues(entity: .customer, id: id, values: ["a.b": "1", #"say "hi""#: "2", "x[0]": "3"])
        #expect(try await database.customer(id: id).record.customFields == ["a.b": "1", #"say "hi""#: "2", "x[0]": "3"])
        try await database.deleteCustomFieldValues(entity: .customer, id: id, keys: ["a.b"])
        #expect(try await database.customer(id: id).record.customFields == [#"say "hi""#: "2", "x[0]": "3"])
    }

    @Test func aUniqueKeyRefusesARepeatOnCreateAndOnSet() async throws {
        let database = try AppDatabase.inMemory()
        try await database.addCustomFieldKey(entity: .customer, key: "crm", enforceUniqueness: true)
        let first = try await customer(database, "A", fields: ["crm": "42"])
        await #expect(throws: StoreError.self) { try await customer(database, "B", fields: ["crm": "42"]) }
        let second = try await customer(database, "B")
        await #expect(throws: StoreError.self) {
            try await database.setCustomFieldValues(entity: .customer, id: second, values: ["crm": "42"])
        }
        try await database.setCustomFieldValues(entity: .customer, id: first, values: ["crm": "42"])
        #expect(try await database.customer(id: second).record.customFields.isEmpty)
    }
}
