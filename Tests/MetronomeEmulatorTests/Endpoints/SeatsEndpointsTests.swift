import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct SeatsEndpointsTests {
    /// The fixtures' seat product, a SUBSCRIPTION product priced on the standard rate card.
    private let seatProduct = "1c7a3d2f-6b2e-4d8f-a000-000000000004"

    private func subscription(_ mode: String, _ extra: String) -> String {
        """
        {"collection_schedule": "ADVANCE", "proration": {"is_prorated": true}, "quantity_management_mode": "\(mode)",
         "subscription_rate": {"billing_frequency": "MONTHLY", "product_id": "\(seatProduct)"}\(extra)}
        """
    }

    @Test func aSeatBasedSubscriptionHasItsSeatsAndAQuantityOnlyOneHasNone() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let created = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "rate_card_alias": "standard",
                 "subscriptions": [\(subscription("SEAT_BASED", #", "seat_config": {"initial_seat_ids": ["u1", "u2"], "seat_group_key": "user_id"}"#)),
                                   \(subscription("QUANTITY_ONLY", #", "initial_quantity": 3"#))]}
                """)
            let contract = try #require(created.data["id"] as? String)
            let got = try await client.call(.post, "/v1/contracts/get", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(contract)"}"#)
            let subscriptions = try #require(got.data["subscriptions"] as? [[String: Any]])
            let seated = try #require(subscriptions.first?["id"] as? String)
            let counted = try #require(subscriptions.last?["id"] as? String)
            let ids = #""customer_id": "\#(customer)", "contract_id": "\#(contract)""#

            let history = try await client.call(
                .post, "/v1/contracts/getSubscriptionSeatsHistory", json: #"{\#(ids), "subscription_id": "\#(seated)"}"#
            )
            #expect(history.status == .ok)
            #expect(history.items.count == 1)
            #expect(history.items.first?["assigned_seat_ids"] as? [String] == ["u1", "u2"])
            #expect((history.items.first?["total_quantity"] as? NSNumber)?.intValue == 2)
            let quantityOnly = try await client.call(
                .post, "/v1/contracts/getSubscriptionSeatsHistory", json: #"{\#(ids), "subscription_id": "\#(counted)"}"#
            )
            #expect(quantityOnly.status == .badRequest)

            let balances = try await client.call(.post, "/v1/contracts/seatBalances/list", json: "{\(ids)}")
            #expect(balances.items.compactMap { $0["seat_id"] as? String } == ["u1", "u2"])
            let pagination = try #require(balances.object["pagination"] as? [String: Any])
            #expect((pagination["seats_included"] as? NSNumber)?.intValue == 2)
            #expect(pagination["next_page"] is NSNull)
        }
    }

    @Test func seatBasedWithoutSeatsIs400() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let created = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "rate_card_alias": "standard",
                 "subscriptions": [\(subscription("SEAT_BASED", ""))]}
                """)
            #expect(created.status == .badRequest)
            #expect(created.message == "'subscriptions[0].seat_config' is required with SEAT_BASED")
        }
    }
}
