import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct CreditTypesEndpointsTests {
    private static let usdCents = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"
    /// A FIXED product of the default fixtures.
    private static let fixedProduct = "1c7a3d2f-6b2e-4d8f-a000-000000000003"

    private func names(_ client: some TestClientProtocol) async throws -> [String: Bool] {
        let items = try await client.call(.get, "/v1/credit-types/list").items
        return Dictionary(items.map { ($0["name"] as? String ?? "", $0["is_currency"] as? Bool ?? true) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func createdUnitIsListedAndArchivedOneIsNot() async throws {
        try await withEmulator { client async throws in
            let created = try await client.call(.post, "/v1/credit-types/create", json: #"{"name": "AI credits"}"#)
            #expect(created.status == .ok)
            let id = try #require(created.data["id"] as? String)
            #expect(try await names(client)["AI credits"] == false)

            let archived = try await client.call(.post, "/v1/credit-types/archive", json: #"{"id": "\#(id)"}"#)
            #expect(archived.status == .ok && archived.data["id"] as? String == id)
            #expect(try await names(client)["AI credits"] == nil)
            let again = try await client.call(.post, "/v1/credit-types/archive", json: #"{"id": "\#(id)"}"#)
            #expect(again.status == .badRequest)
        }
    }

    @Test func rejectedRequestsChangeNothing() async throws {
        try await withEmulator { client async throws in
            let before = try await client.call(.get, "/v1/credit-types/list").items.count
            #expect(try await client.call(.post, "/v1/credit-types/create", json: "{}").status == .badRequest)
            #expect(try await client.call(.post, "/v1/credit-types/create", json: #"{"name": "  "}"#).status == .badRequest)
            #expect(try await client.call(.post, "/v1/credit-types/create", json: #"{"name": 7}"#).status == .badRequest)
            #expect(try await client.call(.post, "/v1/credit-types/archive", json: #"{"id": "nope"}"#).status == .badRequest)
            let unknown = try await client.call(.post, "/v1/credit-types/archive", json: #"{"id": "\#(UUID())"}"#)
            #expect(unknown.status == .notFound && unknown.message != nil)
            let currency = try await client.call(.post, "/v1/credit-types/archive", json: #"{"id": "\#(Self.usdCents)"}"#)
            #expect(currency.status == .badRequest)
            #expect(try await client.call(.get, "/v1/credit-types/list").items.count == before)
        }
    }

    @Test func customUnitIsUsableUntilArchived() async throws {
        try await withEmulator { client async throws in
            let unit = try #require(
                try await client.call(.post, "/v1/credit-types/create", json: #"{"name": "Tokens"}"#).data["id"] as? String
            )
            let customer = try await client.createCustomer()
            func card() async throws -> JSONAnswer {
                try await client.call(.post, "/v1/contract-pricing/rate-cards/create", json: """
                    {"name": "Card", "credit_type_conversions": [{"custom_credit_type_id": "\(unit)", "fiat_per_custom_credit": 2}]}
                    """)
            }
            func commit() async throws -> JSONAnswer {
                try await client.call(.post, "/v1/contracts/customerCommits/create", json: """
                    {"customer_id": "\(customer)", "product_id": "\(Self.fixedProduct)", "priority": 1, "type": "PREPAID",
                     "access_schedule": {"credit_type_id": "\(unit)",
                       "schedule_items": [{"amount": 100, "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2027-01-01T00:00:00Z"}]}}
                    """)
            }
            func alert() async throws -> JSONAnswer {
                try await client.call(.post, "/v1/alerts/create", json: """
                    {"alert_type": "spend_threshold_reached", "name": "Tokens", "threshold": 10, "customer_id": "\(customer)",
                     "credit_type_id": "\(unit)"}
                    """)
            }
            #expect(try await card().status == .ok)
            let usable = try await commit()
            #expect(usable.status == .ok, "\(usable.message ?? "")")
            #expect(try await alert().status == .ok)

            #expect(try await client.call(.post, "/v1/credit-types/archive", json: #"{"id": "\#(unit)"}"#).status == .ok)
            for answer in [try await card(), try await commit(), try await alert()] {
                #expect(answer.status == .badRequest && answer.message == "Credit type \(unit) is archived")
            }
        }
    }
}
