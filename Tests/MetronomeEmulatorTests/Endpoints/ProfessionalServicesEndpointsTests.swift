import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct ProfessionalServicesEndpointsTests {
    /// A contract with a term of 10 units at 500 cents, up to 6000 cents; returns the customer,
    /// contract and term IDs.
    private func consulting(_ client: any TestClientProtocol) async throws -> (String, String, String) {
        let clock = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-01-20T00:00:00Z"}"#)
        #expect(clock.status == .ok)
        let product = try await client.call(
            .post, "/v1/contract-pricing/products/create", json: #"{"name": "Consulting", "type": "PROFESSIONAL_SERVICE"}"#
        )
        let productId = try #require(product.data["id"] as? String)
        let customer = try await client.createCustomer()
        let created = try await client.call(.post, "/v1/contracts/create", json: """
            {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "professional_services": [
              {"product_id": "\(productId)", "max_amount": 6000, "quantity": 10, "unit_price": 500}]}
            """)
        let contract = try #require(created.data["id"] as? String)
        let got = try await client.call(.post, "/v1/contracts/get", json: #"{"customer_id": "\#(customer)", "contract_id": "\#(contract)"}"#)
        let initial = try #require(got.data["initial"] as? [String: Any])
        let service = try #require((initial["professional_services"] as? [[String: Any]])?.first)
        #expect((service["max_amount"] as? NSNumber)?.intValue == 6000)
        return (customer, contract, try #require(service["id"] as? String))
    }

    @Test func aScheduledInvoiceBillsTheTermAndIsListed() async throws {
        try await withEmulator { client in
            let (customer, contract, service) = try await consulting(client)
            let scheduled = try await client.call(.post, "/v1/contracts/scheduleProServicesInvoice", json: """
                {"customer_id": "\(customer)", "contract_id": "\(contract)", "issued_at": "2026-01-10T00:00:00Z",
                 "line_items": [{"professional_service_id": "\(service)", "quantity": 4}]}
                """)
            #expect(scheduled.status == .ok)
            let invoice = try #require(scheduled.items.first)
            #expect(invoice["status"] as? String == "FINALIZED")
            #expect((invoice["total"] as? NSNumber)?.intValue == 4 * 500)
            let id = try #require(invoice["id"] as? String)
            let listed = try await client.call(.get, "/v1/customers/\(customer)/invoices")
            #expect(listed.items.contains { $0["id"] as? String == id })
        }
    }

    @Test func goingPastMaxAmountIs400AndKeepsNothing() async throws {
        try await withEmulator { client in
            let (customer, contract, service) = try await consulting(client)
            let before = try await client.call(.get, "/v1/customers/\(customer)/invoices").items.count
            // 13 units at 500 cents is 6500, more than the 6000 the term allows.
            let over = try await client.call(.post, "/v1/contracts/scheduleProServicesInvoice", json: """
                {"customer_id": "\(customer)", "contract_id": "\(contract)", "issued_at": "2026-01-10T00:00:00Z",
                 "line_items": [{"professional_service_id": "\(service)", "quantity": 13}]}
                """)
            #expect(over.status == .badRequest)
            let header = try await client.call(.post, "/v1/contracts/scheduleProServicesInvoice", json: """
                {"customer_id": "\(customer)", "contract_id": "\(contract)", "issued_at": "2026-01-10T00:00:00Z",
                 "netsuite_invoice_header_end": "2026-01-10T00:00:00Z",
                 "line_items": [{"professional_service_id": "\(service)", "amount": 1}]}
                """)
            #expect(header.message == "'netsuite_invoice_header_end' is not supported by the emulator yet")
            #expect(try await client.call(.get, "/v1/customers/\(customer)/invoices").items.count == before)
        }
    }
}
