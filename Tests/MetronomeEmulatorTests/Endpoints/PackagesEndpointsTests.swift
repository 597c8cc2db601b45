import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct PackagesEndpointsTests {
    private func post(_ client: some TestClientProtocol, _ path: String, _ json: String) async throws -> JSONAnswer {
        try await client.call(.post, "/v1/packages/\(path)", json: json)
    }

    private func createPackage(_ client: some TestClientProtocol, _ json: String) async throws -> String {
        let answer = try await post(client, "create", json)
        #expect(answer.status == .ok, "\(answer.message ?? "")")
        return try #require(answer.data["id"] as? String)
    }

    @Test func createGetListAndArchive() async throws {
        try await withEmulator { client async throws in
            _ = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-01-10T12:00:00Z"}"#)
            let card = try #require(
                try await client.call(.post, "/v1/contract-pricing/rate-cards/create", json: #"{"name": "Card"}"#).data["id"] as? String
            )
            let id = try await createPackage(client, """
                {"name": "Starter", "contract_name": "Starter contract", "rate_card_id": "\(card)",
                 "duration": {"unit": "MONTHS", "value": 12}, "net_payment_terms_days": 30,
                 "usage_statement_schedule": {"frequency": "QUARTERLY", "day": "CONTRACT_START"},
                 "aliases": [{"name": "starter", "starting_at": "2026-01-01T00:00:00Z"}], "uniqueness_key": "pkg-1",
                 "commits": []}
                """)
            let package = try await post(client, "get", #"{"package_id": "\#(id)"}"#).data
            #expect(package["name"] as? String == "Starter")
            #expect(package["contract_name"] as? String == "Starter contract")
            #expect(package["rate_card_id"] as? String == card)
            #expect(package["created_at"] as? String == "2026-01-10T12:00:00.000Z")
            #expect((package["duration"] as? [String: Any])?["unit"] as? String == "MONTHS")
            #expect((package["duration"] as? [String: Any])?["value"] as? Int == 12)
            #expect(package["net_payment_terms_days"] as? Int == 30)
            #expect((package["usage_statement_schedule"] as? [String: Any])?["frequency"] as? String == "QUARTERLY")
            #expect((package["usage_statement_schedule"] as? [String: Any])?["day"] as? String == "CONTRACT_START")
            #expect((package["aliases"] as? [[String: Any]])?.first?["name"] as? String == "starter")
            #expect((package["commits"] as? [Any])?.isEmpty == true)
            #expect(try await post(client, "create", #"{"name": "Again", "uniqueness_key": "pkg-1"}"#).status == .conflict)

            let other = try await createPackage(client, #"{"name": "Other"}"#)
            #expect(try await post(client, "archive", #"{"package_id": "\#(other)"}"#).status == .ok)
            #expect(try await post(client, "archive", #"{"package_id": "\#(other)"}"#).status == .badRequest)
            let active = try await post(client, "list", "{}").items.map { $0["id"] as? String }
            #expect(active == [id])
            let archived = try await post(client, "list", #"{"archive_filter": "ARCHIVED"}"#).items
            #expect(archived.map { $0["id"] as? String } == [other] && archived[0]["archived_at"] as? String != nil)
            #expect(try await post(client, "list", #"{"archive_filter": "ALL"}"#).items.count == 2)
        }
    }

    @Test func listPagesByTenByDefault() async throws {
        try await withEmulator { client async throws in
            for index in 0..<11 {
                _ = try await createPackage(client, #"{"name": "P\#(index)"}"#)
            }
            let first = try await post(client, "list", "{}")
            #expect(first.items.count == 10)
            let next = try #require(first.object["next_page"] as? String)
            let second = try await client.call(.post, "/v1/packages/list?next_page=\(next)", json: "{}")
            #expect(second.items.map { $0["name"] as? String } == ["P10"])
        }
    }

    @Test func rejectedRequestsChangeNothing() async throws {
        try await withEmulator { client async throws in
            let refused = try await post(client, "create", #"{"name": "X", "commits": [{"product_id": "x"}]}"#)
            #expect(refused.status == .badRequest && refused.message == "'commits' is not supported by the emulator yet")
            let offset = #"{"name": "X", "usage_statement_schedule": {"frequency": "MONTHLY", "invoice_generation_starting_at_offset": {"unit": "DAYS", "value": 1}}}"#
            #expect(try await post(client, "create", offset).message?.contains("invoice_generation_starting_at_offset") == true)
            #expect(try await post(client, "create", "{}").status == .badRequest)
            #expect(try await post(client, "create", #"{"name": "X", "duration": {"unit": "DAYS", "value": 0}}"#).status == .badRequest)
            #expect(try await post(client, "create", #"{"name": "X", "duration": {"unit": "HOURS", "value": 1}}"#).status == .badRequest)
            #expect(try await post(client, "create", #"{"name": "X", "rate_card_id": "\#(UUID())"}"#).status == .notFound)
            let both = #"{"name": "X", "rate_card_id": "\#(UUID())", "rate_card_alias": "a"}"#
            #expect(try await post(client, "create", both).status == .badRequest)
            #expect(try await post(client, "get", #"{"package_id": "\#(UUID())"}"#).status == .notFound)
            #expect(try await post(client, "get", #"{"package_id": "x"}"#).status == .badRequest)
            #expect(try await post(client, "archive", #"{"package_id": "\#(UUID())"}"#).status == .notFound)
            #expect(try await post(client, "listContractsOnPackage", #"{"package_id": "\#(UUID())"}"#).status == .notFound)
            #expect(try await post(client, "list", #"{"archive_filter": "ALL"}"#).items.isEmpty)
        }
    }

    @Test func contractsProvisionedOnAPackageTakeItsTerms() async throws {
        try await withEmulator { client async throws in
            let card = try #require(
                try await client.call(.post, "/v1/contract-pricing/rate-cards/create", json: #"{"name": "Card", "aliases": [{"name": "std"}]}"#)
                    .data["id"] as? String
            )
            let old = try await createPackage(client, #"{"name": "Old", "aliases": [{"name": "starter"}]}"#)
            let package = try await createPackage(client, """
                {"name": "Starter", "contract_name": "Starter contract", "rate_card_alias": "std", "net_payment_terms_days": 15,
                 "duration": {"unit": "MONTHS", "value": 1}, "aliases": [{"name": "starter"}]}
                """)
            let customer = try await client.createCustomer()
            let created = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-31T00:00:00Z", "package_alias": "starter",
                 "custom_fields": {}}
                """)
            #expect(created.status == .ok, "\(created.message ?? "")")
            let contractId = try #require(created.data["id"] as? String)
            let contract = try await client.call(.post, "/v1/contracts/get", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(contractId)"}"#).data
            #expect(contract["package_id"] as? String == package)
            let initial = try #require(contract["initial"] as? [String: Any])
            #expect(initial["name"] as? String == "Starter contract")
            #expect(initial["net_payment_terms_days"] as? Int == 15)
            #expect((initial["rate_card_id"] as? String) == card)
            // One month after January 31 is the last day of February.
            #expect(initial["ending_before"] as? String == "2026-02-28T00:00:00.000Z")

            let onPackage = try await post(client, "listContractsOnPackage", #"{"package_id": "\#(package)"}"#).items
            #expect(onPackage.map { $0["contract_id"] as? String } == [contractId])
            #expect(onPackage.first?["customer_id"] as? String == customer)
            #expect(onPackage.first?["starting_at"] as? String == "2026-01-31T00:00:00.000Z")
            #expect(try await post(client, "listContractsOnPackage", #"{"package_id": "\#(old)"}"#).items.isEmpty)
            let covering = #"{"package_id": "\#(package)", "covering_date": "2026-03-01T00:00:00Z"}"#
            #expect(try await post(client, "listContractsOnPackage", covering).items.isEmpty)
            let both = #"{"package_id": "\#(package)", "covering_date": "2026-03-01T00:00:00Z", "starting_at": "2026-01-01T00:00:00Z"}"#
            #expect(try await post(client, "listContractsOnPackage", both).status == .badRequest)

            let withName = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "package_id": "\(package)", "name": "x"}
                """)
            #expect(withName.status == .badRequest && withName.message?.contains("'name'") == true)
            #expect(try await post(client, "archive", #"{"package_id": "\#(package)"}"#).status == .ok)
            let onArchived = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "package_id": "\(package)"}
                """)
            #expect(onArchived.status == .badRequest)
            let unknown = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "package_id": "\(UUID())"}
                """)
            #expect(unknown.status == .notFound)
            let contracts = try await client.call(.post, "/v1/contracts/list", json: #"{"customer_id": "\#(customer)"}"#).items
            #expect(contracts.count == 1)
        }
    }
}
