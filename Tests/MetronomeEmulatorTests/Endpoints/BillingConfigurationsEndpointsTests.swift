import Foundation
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct BillingConfigurationsEndpointsTests {
    @Test func legacyBillingConfigLifecycle() async throws {
        try await withEmulator { client async throws in
            let id = try await client.createCustomer()
            let path = "/v1/customers/\(id)/billing-config/stripe"
            #expect(try await client.call(.get, path).status == .notFound)
            let created = try await client.call(.post, path, json: #"{"billing_provider_customer_id": "cus_1", "stripe_collection_method": "send_invoice"}"#)
            #expect(created.status == .ok)
            let read = try await client.call(.get, path)
            #expect(read.data["billing_provider_customer_id"] as? String == "cus_1")
            #expect(read.data["stripe_collection_method"] as? String == "send_invoice")
            #expect(try await client.call(.delete, path).status == .ok)
            #expect(try await client.call(.get, path).status == .notFound)
            #expect(try await client.call(.delete, path).status == .notFound)
            #expect(try await client.call(.get, "/v1/customers/\(id)/billing-config/paypal").status == .badRequest)
        }
    }

    @Test func providerConfigurationsAreAllOrNothing() async throws {
        try await withEmulator { client async throws in
            let id = try await client.createCustomer()
            let bad = try await client.call(.post, "/v1/setCustomerBillingProviderConfigurations", json: """
                {"data": [{"customer_id": "\(id)", "billing_provider": "stripe", "delivery_method": "direct_to_billing_provider"},
                          {"customer_id": "\(id)", "billing_provider": "netsuite"}]}
                """)
            #expect(bad.status == .badRequest)
            let get = #"{"customer_id": "\#(id)"}"#
            #expect(try await client.call(.post, "/v1/getCustomerBillingProviderConfigurations", json: get).items.isEmpty)

            let set = try await client.call(.post, "/v1/setCustomerBillingProviderConfigurations", json: """
                {"data": [{"customer_id": "\(id)", "billing_provider": "stripe", "delivery_method": "direct_to_billing_provider",
                           "configuration": {"stripe_customer_id": "cus_1"}, "tax_provider": "anrok"}]}
                """)
            #expect(set.status == .ok)
            let configurationId = try #require(set.items.first?["id"] as? String)
            let again = try await client.call(.post, "/v1/setCustomerBillingProviderConfigurations", json: """
                {"data": [{"customer_id": "\(id)", "billing_provider": "stripe", "delivery_method": "direct_to_billing_provider"}]}
                """)
            #expect(again.status == .conflict)

            let listed = try await client.call(.post, "/v1/getCustomerBillingProviderConfigurations", json: get)
            #expect(listed.items.count == 1)
            #expect(listed.items.first?["delivery_method"] as? String == "direct_to_billing_provider")
            #expect((listed.items.first?["configuration"] as? [String: Any])?["stripe_customer_id"] as? String == "cus_1")

            let archived = try await client.call(.post, "/v1/archiveCustomerBillingProviderConfigurations", json: """
                {"customer_id": "\(id)", "customer_billing_provider_configuration_ids": ["\(configurationId)"]}
                """)
            #expect(archived.status == .ok)
            #expect(try await client.call(.post, "/v1/getCustomerBillingProviderConfigurations", json: get).items.isEmpty)
            let withArchived = #"{"customer_id": "\#(id)", "include_archived": true}"#
            let all = try await client.call(.post, "/v1/getCustomerBillingProviderConfigurations", json: withArchived)
            #expect(all.items.first?["archived_at"] is String)
        }
    }
}
