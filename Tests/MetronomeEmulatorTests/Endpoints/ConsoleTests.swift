import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore
import Testing

@Suite struct ConsoleTests {
    @Test func theConsoleIsHTMLAndItsAssetsCarryACacheHeader() async throws {
        try await withEmulator(testConfiguration(apiKeys: ["k1"])) { client async throws in
            let redirect = try await client.execute(uri: "/_emulator/ui", method: .get)
            #expect(redirect.status == .movedPermanently)
            #expect(redirect.headers[.location] == "ui/")

            let page = try await client.execute(uri: "/_emulator/ui/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: page.body).contains("assets/console.js"))

            let script = try await client.execute(uri: "/_emulator/ui/assets/console.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(script.headers[.cacheControl] == "public, max-age=3600")
            let etag = try #require(script.headers[.eTag])
            let again = try await client.execute(uri: "/_emulator/ui/assets/console.js", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)

            #expect(try await client.execute(uri: "/_emulator/ui/assets/nothing.js", method: .get).status == .notFound)
            // The data the console shows needs the key.
            #expect(try await client.call(.get, "/_emulator/customers", token: nil).status == .ok)
            #expect(try await client.call(.get, "/v1/customers", token: nil).status == .unauthorized)
        }
    }

    @Test func customersComeNewestFirstAndCanBeSearched() async throws {
        try await withEmulator { client async throws in
            let first = try await client.createCustomer(name: "Alpha 100%", aliases: ["alpha-alias"])
            let second = try await client.createCustomer(name: "Beta")
            let page = try await client.call(.get, "/_emulator/customers?limit=1")
            #expect(page.items.map { $0["id"] as? String } == [second])
            let token = try #require(page.object["next_page"] as? String)
            let next = try await client.call(.get, "/_emulator/customers?limit=1&next_page=\(token)")
            #expect(next.items.map { $0["id"] as? String } == [first])

            for search in ["alpha", "100%25", "alpha-al", String(first.prefix(8))] {
                let found = try await client.call(.get, "/_emulator/customers?search=\(search)")
                #expect(found.items.map { $0["id"] as? String } == [first], "search \(search)")
            }
            #expect(try await client.call(.get, "/_emulator/customers?search=_").items.isEmpty)
            #expect(try await client.call(.get, "/_emulator/customers?limit=0").status == .badRequest)

            // The console lists the journal without its bodies; their sizes stay.
            let light = try await client.call(.get, "/_emulator/requests?limit=1&bodies=false").items.first
            let request = try #require(light?["request"] as? [String: Any])
            #expect(request["body"] == nil)
            #expect((request["body_size"] as? Int ?? 0) > 0)
            let full = try await client.call(.get, "/_emulator/requests?limit=1").items.first
            #expect((full?["request"] as? [String: Any])?["body"] is String)
            let counts = try await client.call(.get, "/_emulator/counts").object
            #expect(counts["customers"] as? Int == 2)
            #expect((counts["products"] as? Int ?? 0) > 0)
        }
    }

    @Test func getEmbeddableURLAnswersAURLThatServesTheDashboard() async throws {
        try await withEmulator(testConfiguration(apiKeys: ["k1"])) { client async throws in
            let customerId = try await client.call(.post, "/v1/customers", json: #"{"name": "Acme"}"#, token: "k1").data["id"] as? String
            let id = try #require(customerId)

            let unknown = try await client.call(
                .post, "/v1/dashboards/getEmbeddableUrl", json: #"{"customer_id": "\#(UUID().uuidString)", "dashboard": "invoices"}"#, token: "k1"
            )
            #expect(unknown.status == .notFound)
            let badName = try await client.call(
                .post, "/v1/dashboards/getEmbeddableUrl", json: #"{"customer_id": "\#(id)", "dashboard": "billing"}"#, token: "k1"
            )
            #expect(badName.status == .badRequest)
            #expect(badName.message?.contains("invoices, usage, credits, commits_and_credits") == true)
            let groupKeys = try await client.call(
                .post, "/v1/dashboards/getEmbeddableUrl",
                json: #"{"customer_id": "\#(id)", "dashboard": "usage", "bm_group_key_overrides": [{"group_key_name": "region"}]}"#, token: "k1"
            )
            #expect(groupKeys.status == .badRequest)
            #expect(groupKeys.message == "'bm_group_key_overrides' is not supported by the emulator yet")
            let badColour = try await client.call(
                .post, "/v1/dashboards/getEmbeddableUrl",
                json: #"{"customer_id": "\#(id)", "dashboard": "invoices", "color_overrides": [{"name": "Gray_dark", "value": "red"}]}"#, token: "k1"
            )
            #expect(badColour.status == .badRequest)

            let answer = try await client.call(
                .post, "/v1/dashboards/getEmbeddableUrl",
                json: #"""
                    {"customer_id": "\#(id)", "dashboard": "invoices",
                     "color_overrides": [{"name": "Primary_medium", "value": "#ff0000"}],
                     "dashboard_options": [{"key": "show_zero_usage_line_items", "value": "true"}]}
                    """#, token: "k1"
            )
            #expect(answer.status == .ok)
            let url = try #require(answer.data["url"] as? String)
            let path = try #require(URLComponents(string: url)?.path)
            #expect(path.hasPrefix("/_emulator/ui/embed/"))

            // The page and its data need no API key: the URL is the credential.
            let page = try await client.execute(uri: path, method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            let data = try await client.call(.get, path + "/data", token: nil)
            #expect(data.status == .ok)
            #expect(data.object["dashboard"] as? String == "invoices")
            #expect((data.object["customer"] as? [String: Any])?["id"] as? String == id)
            #expect((data.object["color_overrides"] as? [String: Any])?["Primary_medium"] as? String == "#ff0000")
            #expect(data.object["invoices"] is [Any])

            var forged = path
            forged.removeLast()
            #expect(try await client.call(.get, forged + "/data", token: nil).status == .notFound)
        }
    }
}
