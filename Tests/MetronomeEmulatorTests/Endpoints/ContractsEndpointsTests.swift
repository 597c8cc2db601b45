import Foundation
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct ContractsEndpointsTests {
    private let commitProduct = "1c7a3d2f-6b2e-4d8f-a000-000000000003"

    @Test func aContractIsCreatedAndReadBack() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let created = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-15T00:00:00Z", "rate_card_alias": "standard",
                 "commits": [{"product_id": "\(commitProduct)", "type": "PREPAID",
                   "access_schedule": {"schedule_items": [{"amount": 100, "starting_at": "2026-01-15T00:00:00Z",
                                                           "ending_before": "2027-01-15T00:00:00Z"}]}}]}
                """)
            #expect(created.status == .ok)
            let id = try #require(created.data["id"] as? String)
            let got = try await client.call(.post, "/v1/contracts/get", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(id)"}"#)
            #expect(got.status == .ok)
            let initial = try #require(got.data["initial"] as? [String: Any])
            #expect(initial["rate_card_id"] as? String == "2d8b4e3a-7c3f-4e9a-b000-000000000001")
            let schedule = try #require(initial["usage_statement_schedule"] as? [String: Any])
            #expect(schedule["billing_anchor_date"] as? String == "2026-01-01T00:00:00.000Z")
            #expect((initial["commits"] as? [[String: Any]])?.count == 1)
            #expect((got.data["amendments"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func badInputIs4xxAndCreatesNothing() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let missing = try await client.call(.post, "/v1/contracts/create", json: #"{"customer_id": "\#(customer)"}"#)
            #expect(missing.status == .badRequest)
            #expect(missing.message == "Missing required field 'starting_at'")
            let backwards = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-02-01T00:00:00Z", "ending_before": "2026-01-01T00:00:00Z"}
                """)
            #expect(backwards.status == .badRequest)
            let unknown = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(UUID().uuidString.lowercased())", "starting_at": "2026-01-01T00:00:00Z"}
                """)
            #expect(unknown.status == .notFound)
            let listed = try await client.call(.post, "/v1/contracts/list", json: #"{"customer_id": "\#(customer)"}"#)
            #expect(listed.items.isEmpty)
            #expect(listed.object.keys.contains("cursor"))
        }
    }

    @Test func customerCommitsListInTheBodyCursorStyle() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            for _ in 0..<2 {
                let created = try await client.call(.post, "/v1/contracts/customerCommits/create", json: """
                    {"customer_id": "\(customer)", "product_id": "\(commitProduct)", "type": "POSTPAID", "priority": 1,
                     "access_schedule": {"schedule_items": [{"amount": 100, "starting_at": "2026-01-01T00:00:00Z",
                                                             "ending_before": "2027-01-01T00:00:00Z"}]}}
                    """)
                #expect(created.status == .ok)
            }
            let first = try await client.call(
                .post, "/v1/contracts/customerCommits/list", json: #"{"customer_id": "\#(customer)", "limit": 1}"#
            )
            #expect(first.items.count == 1)
            let token = try #require(first.object["next_page"] as? String)
            let second = try await client.call(
                .post, "/v1/contracts/customerCommits/list", json: #"{"customer_id": "\#(customer)", "next_page": "\#(token)"}"#
            )
            #expect(second.items.count == 1)
            #expect(second.items.first?["id"] as? String != first.items.first?["id"] as? String)
            #expect(second.object["next_page"] is NSNull)
        }
    }
}
