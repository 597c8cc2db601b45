import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct ContractEditsEndpointsTests {
    private let commitProduct = "1c7a3d2f-6b2e-4d8f-a000-000000000003"

    /// A customer with a contract from 2026-01-01 holding one 1000-cent prepaid commit, the
    /// clock frozen at 2026-01-20: the customer's and the contract's IDs.
    private func contract(_ client: some TestClientProtocol) async throws -> (customer: String, contract: String) {
        let frozen = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-01-20T00:00:00Z"}"#)
        #expect(frozen.status == .ok)
        let customer = try await client.createCustomer()
        let created = try await client.call(.post, "/v1/contracts/create", json: """
            {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "name": "Before",
             "commits": [{"product_id": "\(commitProduct)", "type": "PREPAID", "name": "Commit",
               "access_schedule": {"schedule_items": [{"amount": 1000, "starting_at": "2026-01-01T00:00:00Z",
                                                       "ending_before": "2027-01-01T00:00:00Z"}]}}]}
            """)
        return (customer, try #require(created.data["id"] as? String))
    }

    @Test func anEditChangesTheContractAndIsListedInItsHistory() async throws {
        try await withEmulator { client in
            let (customer, id) = try await contract(client)
            let edited = try await client.call(.post, "/v2/contracts/edit", json: """
                {"customer_id": "\(customer)", "contract_id": "\(id)", "update_contract_name": "After",
                 "update_contract_end_date": "2026-06-01T00:00:00Z", "uniqueness_key": "edit-1",
                 "add_credits": [{"product_id": "\(commitProduct)", "name": "Credit",
                   "access_schedule": {"schedule_items": [{"amount": 250, "starting_at": "2026-01-01T00:00:00Z",
                                                           "ending_before": "2026-02-01T00:00:00Z"}]}}]}
                """)
            #expect(edited.status == .ok)
            let editId = try #require(edited.data["id"] as? String)
            let got = try await client.call(.post, "/v2/contracts/get", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(id)"}"#)
            #expect(got.data["name"] as? String == "After")
            #expect(got.data["ending_before"] as? String == "2026-06-01T00:00:00.000Z")
            let credits = try #require(got.data["credits"] as? [[String: Any]])
            #expect(credits.map { $0["name"] as? String } == ["Credit"])
            let history = try await client.call(
                .post, "/v2/contracts/getEditHistory", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(id)"}"#
            )
            #expect(history.items.count == 1)
            let edit = try #require(history.items.first)
            #expect(edit["id"] as? String == editId)
            #expect(edit["timestamp"] as? String == "2026-01-20T00:00:00.000Z")
            #expect(edit["update_contract_name"] as? String == "After")
            #expect(edit["uniqueness_key"] as? String == "edit-1")
            #expect((edit["add_credits"] as? [[String: Any]])?.first?["type"] as? String == "CREDIT")
            let reused = try await client.call(.post, "/v2/contracts/edit", json: """
                {"customer_id": "\(customer)", "contract_id": "\(id)", "update_contract_name": "Again", "uniqueness_key": "edit-1"}
                """)
            #expect(reused.status == .conflict)
        }
    }

    @Test func unsupportedFieldsAreRefusedByNameAndChangeNothing() async throws {
        try await withEmulator { client in
            let (customer, id) = try await contract(client)
            let nested = try await client.call(.post, "/v2/contracts/edit", json: """
                {"customer_id": "\(customer)", "contract_id": "\(id)", "update_contract_name": "After",
                 "add_commits": [{"product_id": "x", "type": "PREPAID", "payment_gate_config": {"payment_gate_type": "EXTERNAL"}}]}
                """)
            #expect(nested.status == .badRequest)
            #expect(nested.message?.hasPrefix("'add_commits[0].payment_gate_config.payment_gate_type' EXTERNAL is not supported") == true)
            let amend = try await client.call(.post, "/v1/contracts/amend", json: """
                {"customer_id": "\(customer)", "contract_id": "\(id)", "starting_at": "2026-02-01T00:00:00Z",
                 "commits": [{"product_id": "x", "type": "PREPAID", "payment_gate_config": {"payment_gate_type": "STRIPE"}}]}
                """)
            #expect(amend.message?.hasPrefix("'commits[0].payment_gate_config.payment_gate_type' STRIPE is not supported") == true)
            let got = try await client.call(.post, "/v2/contracts/get", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(id)"}"#)
            #expect(got.data["name"] as? String == "Before")
            let history = try await client.call(
                .post, "/v2/contracts/getEditHistory", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(id)"}"#
            )
            #expect(history.items.isEmpty)
        }
    }

    @Test func commitsEditChangesOneCommitsAccessSchedule() async throws {
        try await withEmulator { client in
            let (customer, id) = try await contract(client)
            let before = try await client.call(.post, "/v2/contracts/get", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(id)"}"#)
            let commit = try #require((before.data["commits"] as? [[String: Any]])?.first)
            let commitId = try #require(commit["id"] as? String)
            let segment = try #require(
                ((commit["access_schedule"] as? [String: Any])?["schedule_items"] as? [[String: Any]])?.first?["id"] as? String
            )
            let edited = try await client.call(.post, "/v2/contracts/commits/edit", json: """
                {"customer_id": "\(customer)", "commit_id": "\(commitId)",
                 "access_schedule": {"update_schedule_items": [{"id": "\(segment)", "amount": 1500}]}}
                """)
            #expect(edited.status == .ok)
            #expect(edited.data["id"] as? String == commitId)
            let after = try await client.call(
                .post, "/v2/contracts/get", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(id)", "include_balance": true}"#
            )
            let edited1 = try #require((after.data["commits"] as? [[String: Any]])?.first)
            #expect(edited1["balance"] as? Double == 1500)
            let unknown = try await client.call(.post, "/v2/contracts/commits/edit", json: """
                {"customer_id": "\(customer)", "commit_id": "\(commitId)",
                 "access_schedule": {"remove_schedule_items": [{"id": "\(UUID().uuidString.lowercased())"}]}}
                """)
            #expect(unknown.status == .badRequest)
        }
    }

    @Test func anAmendmentShowsInV1Amendments() async throws {
        try await withEmulator { client in
            let (customer, id) = try await contract(client)
            let amended = try await client.call(.post, "/v1/contracts/amend", json: """
                {"customer_id": "\(customer)", "contract_id": "\(id)", "starting_at": "2026-02-01T00:00:00Z",
                 "scheduled_charges": [{"product_id": "\(commitProduct)", "name": "Setup",
                   "schedule": {"schedule_items": [{"timestamp": "2026-03-01T00:00:00Z", "amount": 500}]}}]}
                """)
            #expect(amended.status == .ok)
            let amendmentId = try #require(amended.data["id"] as? String)
            let got = try await client.call(.post, "/v1/contracts/get", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(id)"}"#)
            let amendments = try #require(got.data["amendments"] as? [[String: Any]])
            #expect(amendments.map { $0["id"] as? String } == [amendmentId])
            #expect(amendments.first?["starting_at"] as? String == "2026-02-01T00:00:00.000Z")
            #expect((amendments.first?["scheduled_charges"] as? [Any])?.count == 1)
            #expect(((got.data["initial"] as? [String: Any])?["scheduled_charges"] as? [Any])?.isEmpty == true)
            #expect(((got.data["current"] as? [String: Any])?["scheduled_charges"] as? [Any])?.count == 1)
        }
    }
}
