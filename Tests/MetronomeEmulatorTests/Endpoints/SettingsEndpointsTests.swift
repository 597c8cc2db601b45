import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct SettingsEndpointsTests {
    @Test func billingProvidersSetUpAreListed() async throws {
        try await withEmulator { client async throws in
            let set = try await client.call(.post, "/v1/setUpBillingProvider", json: """
                {"billing_provider": "aws_marketplace", "delivery_method": "direct_to_billing_provider",
                 "configuration": {"aws_external_id": "ext", "aws_iam_role_arn": "arn:aws:iam::test"}}
                """)
            #expect(set.status == .ok)
            let id = try #require(set.data["delivery_method_id"] as? String)
            let list = try await client.call(.post, "/v1/listConfiguredBillingProviders", json: "{}")
            #expect(list.status == .ok && list.object.keys.contains("next_page"))
            let item = try #require(list.items.first)
            #expect(list.items.count == 1)
            #expect(item["delivery_method_id"] as? String == id)
            #expect(item["billing_provider"] as? String == "aws_marketplace")
            #expect(item["delivery_method"] as? String == "direct_to_billing_provider")
            #expect((item["delivery_method_configuration"] as? [String: Any])?["aws_iam_role_arn"] as? String == "arn:aws:iam::test")
        }
    }

    @Test func avalaraCredentialsAreKeptNeverEchoed() async throws {
        try await withEmulator { client async throws in
            let id = try #require(try await client.call(.post, "/v1/setUpBillingProvider", json: """
                {"billing_provider": "gcp_marketplace", "delivery_method": "aws_sns", "configuration": {}}
                """).data["delivery_method_id"] as? String)
            let body = """
                {"avalara_environment": "SANDBOX", "avalara_username": "user", "avalara_password": "s3cret-pass",
                 "delivery_method_ids": ["\(id)"], "commit_transactions": true}
                """
            let answer = try await client.call(.post, "/v1/upsertAvalaraCredentials", json: body)
            #expect(answer.status == .ok && answer.object.isEmpty)
            let listed = try await client.call(.post, "/v1/listConfiguredBillingProviders", json: "{}")
            let text = String(decoding: try JSONSerialization.data(withJSONObject: listed.body ?? [:]), as: UTF8.self)
            #expect(!text.contains("s3cret-pass") && !text.contains("avalara"))
        }
    }

    @Test func rejectedRequestsChangeNothing() async throws {
        try await withEmulator { client async throws in
            let post = { (path: String, json: String) in try await client.call(.post, "/v1/\(path)", json: json) }
            #expect(try await post("setUpBillingProvider", #"{"billing_provider": "stripe", "delivery_method": "aws_sqs", "configuration": {}}"#).status == .badRequest)
            #expect(try await post("setUpBillingProvider", #"{"billing_provider": "aws_marketplace", "delivery_method": "tackle", "configuration": {}}"#).status == .badRequest)
            #expect(try await post("setUpBillingProvider", #"{"billing_provider": "aws_marketplace", "delivery_method": "aws_sqs"}"#).status == .badRequest)
            #expect(try await post("listConfiguredBillingProviders", "{}").items.isEmpty)
            let unknown = try await post("upsertAvalaraCredentials", """
                {"avalara_environment": "PRODUCTION", "avalara_username": "u", "avalara_password": "p", "delivery_method_ids": ["\(UUID())"]}
                """)
            #expect(unknown.status == .notFound && unknown.message != nil)
            #expect(try await post("upsertAvalaraCredentials", """
                {"avalara_environment": "STAGING", "avalara_username": "u", "avalara_password": "p", "delivery_method_ids": []}
                """).status == .badRequest)
            #expect(try await post("listConfiguredBillingProviders", #"{"next_page": "bogus"}"#).status == .badRequest)
        }
    }

    @Test func servicesAreMetronomesDocumentedWebhookAddresses() async throws {
        try await withEmulator { client async throws in
            let answer = try await client.call(.get, "/v1/services")
            let services = try #require(answer.object["services"] as? [[String: Any]])
            #expect(services.count == 1)
            #expect(services[0]["usage"] as? String == "makes_connections_from")
            // The twelve addresses of docs.metronome.com's Webhooks page.
            #expect((services[0]["ips"] as? [String])?.count == 12)
            #expect((services[0]["ips"] as? [String])?.first == "52.39.198.29")
        }
    }
}
