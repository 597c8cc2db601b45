import Foundation
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct ContractsV2EndpointsTests {
    private let commitProduct = "1c7a3d2f-6b2e-4d8f-a000-000000000003"

    @Test func aV1ContractReadsBackInTheV2Shape() async throws {
        try await withEmulator { client in
            // Frozen after the commit's access starts, so its whole amount is its balance.
            let frozen = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-01-20T00:00:00Z"}"#)
            #expect(frozen.status == .ok)
            let customer = try await client.createCustomer()
            let created = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-15T00:00:00Z", "rate_card_alias": "standard",
                 "name": "Enterprise",
                 "commits": [{"product_id": "\(commitProduct)", "type": "PREPAID", "uniqueness_key": "c-1",
                   "access_schedule": {"schedule_items": [{"amount": 100, "starting_at": "2026-01-15T00:00:00Z",
                                                           "ending_before": "2027-01-15T00:00:00Z"}]}}]}
                """)
            let id = try #require(created.data["id"] as? String)
            let got = try await client.call(.post, "/v2/contracts/get", json: """
                {"customer_id": "\(customer)", "contract_id": "\(id)", "include_balance": true}
                """)
            #expect(got.status == .ok)
            #expect(got.data["id"] as? String == id)
            #expect(got.data["customer_id"] as? String == customer)
            #expect(got.data["name"] as? String == "Enterprise")
            #expect(got.data["rate_card_id"] as? String == "2d8b4e3a-7c3f-4e9a-b000-000000000001")
            #expect(got.data["starting_at"] as? String == "2026-01-15T00:00:00.000Z")
            #expect((got.data["usage_filter"] as? [Any])?.isEmpty == true)
            #expect(got.data["initial"] == nil && got.data["current"] == nil)
            let commits = try #require(got.data["commits"] as? [[String: Any]])
            #expect(commits.count == 1)
            #expect(commits.first?["type"] as? String == "PREPAID")
            #expect(commits.first?["uniqueness_key"] == nil)
            #expect(commits.first?["balance"] as? Double == 100)
            #expect(commits.first?["ledger"] == nil)
        }
    }

    @Test func asOfDateShowsTheNameTheContractHadThen() async throws {
        try await withEmulator { client in
            _ = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-01-05T00:00:00Z"}"#)
            let customer = try await client.createCustomer()
            let created = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "name": "Before"}
                """)
            let id = try #require(created.data["id"] as? String)
            _ = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-01-10T00:00:00Z"}"#)
            let edited = try await client.call(.post, "/v2/contracts/edit", json: """
                {"customer_id": "\(customer)", "contract_id": "\(id)", "update_contract_name": "After"}
                """)
            #expect(edited.status == .ok)
            func name(asOf: String?) async throws -> String? {
                let asOfField = asOf.map { #", "as_of_date": "\#($0)""# } ?? ""
                let got = try await client.call(.post, "/v2/contracts/get", json: """
                    {"customer_id": "\(customer)", "contract_id": "\(id)"\(asOfField)}
                    """)
                return got.data["name"] as? String
            }
            #expect(try await name(asOf: "2026-01-07T00:00:00Z") == "Before")
            #expect(try await name(asOf: "2026-01-10T00:00:00Z") == "After")
            #expect(try await name(asOf: nil) == "After")
        }
    }

    @Test func asOfDateBeforeTheContractWasMadeIs400AndUnknownContractsAre404() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let created = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z"}
                """)
            let id = try #require(created.data["id"] as? String)
            let asOf = try await client.call(.post, "/v2/contracts/get", json: """
                {"customer_id": "\(customer)", "contract_id": "\(id)", "as_of_date": "2026-02-01T00:00:00Z"}
                """)
            #expect(asOf.status == .badRequest)
            #expect(asOf.message?.hasPrefix("'as_of_date': contract \(id) was created at ") == true)
            let unknown = try await client.call(.post, "/v2/contracts/get", json: """
                {"customer_id": "\(customer)", "contract_id": "\(UUID().uuidString.lowercased())"}
                """)
            #expect(unknown.status == .notFound)
            let history = try await client.call(.post, "/v2/contracts/getEditHistory", json: """
                {"customer_id": "\(customer)", "contract_id": "\(id)"}
                """)
            #expect(history.status == .ok)
            #expect(history.items.isEmpty)
        }
    }
}
