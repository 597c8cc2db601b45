import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct HistoricalInvoicesEndpointsTests {
    /// The fixtures' API calls product, at 0.5 cents a call (FLAT) on the standard rate card.
    private let apiCalls = "1c7a3d2f-6b2e-4d8f-a000-000000000001"
    private let usdCents = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"

    /// A customer on a contract from January 2026 on the standard rate card, with the clock in March.
    private func contracted(_ client: any TestClientProtocol) async throws -> (customer: String, contract: String) {
        let clock = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-03-10T00:00:00Z"}"#)
        #expect(clock.status == .ok)
        let customer = try await client.createCustomer()
        let created = try await client.call(.post, "/v1/contracts/create", json: """
            {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "rate_card_alias": "standard"}
            """)
        return (customer, try #require(created.data["id"] as? String))
    }

    private func body(_ ids: (customer: String, contract: String), preview: Bool, quantity: String = "10",
                      end: String = "2026-02-01T00:00:00Z", extra: String = "") -> String {
        """
        {"preview": \(preview), "invoices": [{"customer_id": "\(ids.customer)", "contract_id": "\(ids.contract)",
          "credit_type_id": "\(usdCents)", "inclusive_start_date": "2026-01-01T00:00:00Z", "exclusive_end_date": "\(end)",
          "issue_date": "2026-02-02T00:00:00Z", "custom_fields": {"source": "migration"}\(extra),
          "usage_line_items": [{"product_id": "\(apiCalls)", "quantity": \(quantity),
            "inclusive_start_date": "2026-01-01T00:00:00Z", "exclusive_end_date": "2026-02-01T00:00:00Z"}]}]}
        """
    }

    private func invoiceIds(_ client: any TestClientProtocol, _ customer: String) async throws -> [String] {
        let listed = try await client.call(.get, "/v1/customers/\(customer)/invoices")
        #expect(listed.status == .ok)
        return listed.items.compactMap { $0["id"] as? String }
    }

    @Test func anInvoiceIsMadeFinalizedPricedAtTheContractRateAndListed() async throws {
        try await withEmulator { client in
            let ids = try await contracted(client)
            let created = try await client.call(.post, "/v1/contracts/createHistoricalInvoices", json: body(ids, preview: false))
            #expect(created.status == .ok)
            let invoice = try #require((created.object["data"] as? [[String: Any]])?.first)
            let id = try #require(invoice["id"] as? String)
            #expect(invoice["status"] as? String == "FINALIZED")
            #expect(invoice["type"] as? String == "USAGE")
            #expect(invoice["contract_id"] as? String == ids.contract)
            #expect(invoice["issued_at"] as? String == "2026-02-02T00:00:00.000Z")
            #expect((invoice["total"] as? NSNumber)?.decimalValue == Decimal(10) * Decimal(string: "0.5")!)
            #expect((invoice["custom_fields"] as? [String: String]) == ["source": "migration"])
            let lines = try #require(invoice["line_items"] as? [[String: Any]])
            #expect(lines.count == 1)
            #expect(lines.first?["product_id"] as? String == apiCalls)
            #expect((lines.first?["quantity"] as? NSNumber)?.intValue == 10)

            #expect(try await invoiceIds(client, ids.customer).contains(id))
            let got = try await client.call(.get, "/v1/customers/\(ids.customer)/invoices/\(id)")
            #expect(got.status == .ok)
            #expect((got.data["total"] as? NSNumber)?.decimalValue == Decimal(5))
        }
    }

    @Test func aPreviewKeepsNothing() async throws {
        try await withEmulator { client in
            let ids = try await contracted(client)
            let before = try await invoiceIds(client, ids.customer)
            let previewed = try await client.call(.post, "/v1/contracts/createHistoricalInvoices", json: body(ids, preview: true))
            #expect(previewed.status == .ok)
            let id = try #require((previewed.object["data"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await invoiceIds(client, ids.customer) == before)
            let got = try await client.call(.get, "/v1/customers/\(ids.customer)/invoices/\(id)")
            #expect(got.status == .notFound)
        }
    }

    @Test func badInputIs400AndKeepsNothing() async throws {
        try await withEmulator { client in
            let ids = try await contracted(client)
            let before = try await invoiceIds(client, ids.customer)
            let future = try await client.call(
                .post, "/v1/contracts/createHistoricalInvoices", json: body(ids, preview: false, end: "2026-04-01T00:00:00Z")
            )
            #expect(future.status == .badRequest)
            let unknownStatus = try await client.call(
                .post, "/v1/contracts/createHistoricalInvoices", json: body(ids, preview: false, extra: #", "billable_status": "maybe""#)
            )
            #expect(unknownStatus.status == .badRequest)
            #expect(unknownStatus.message?.contains("invoices[0].billable_status") == true)
            let granularity = try await client.call(
                .post, "/v1/contracts/createHistoricalInvoices",
                json: body(ids, preview: false, extra: #", "breakdown_granularity": "DAY""#)
            )
            #expect(granularity.message == "'invoices[0].breakdown_granularity' is not supported by the emulator yet")
            let notANumber = try await client.call(
                .post, "/v1/contracts/createHistoricalInvoices", json: body(ids, preview: false, quantity: #""ten""#)
            )
            #expect(notANumber.status == .badRequest)
            #expect(try await invoiceIds(client, ids.customer) == before)
        }
    }
}
