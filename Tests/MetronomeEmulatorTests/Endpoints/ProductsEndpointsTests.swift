import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

extension TestClientProtocol {
    /// Creates a COUNT billable metric and returns its ID.
    func createCountMetric(name: String = "calls", groupKeys: String = "[]") async throws -> String {
        let answer = try await call(.post, "/v1/billable-metrics/create", json: """
            {"name": "\(name)", "aggregation_type": "COUNT", "group_keys": \(groupKeys)}
            """)
        return try #require(answer.data["id"] as? String)
    }

    /// Creates a product from `json` (its fields) and returns its ID.
    func createProduct(_ json: String) async throws -> String {
        let answer = try await call(.post, "/v1/contract-pricing/products/create", json: json)
        #expect(answer.status == .ok, "\(answer.message ?? "")")
        return try #require(answer.data["id"] as? String)
    }
}

@Suite struct ProductsEndpointsTests {
    @Test func createGetAndVersionedUpdates() async throws {
        try await withEmulator { client async throws in
            _ = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-01-10T12:00:00Z"}"#)
            let metric = try await client.createCountMetric()
            let id = try await client.createProduct("""
                {"name": "Calls", "type": "usage", "billable_metric_id": "\(metric)", "tags": ["a"]}
                """)
            let update = try await client.call(.post, "/v1/contract-pricing/products/update", json: """
                {"product_id": "\(id)", "starting_at": "2026-02-01T00:00:00Z", "name": "Calls v2"}
                """)
            #expect(update.status == .ok)
            #expect(update.data["id"] as? String == id)

            let product = try await client.call(.post, "/v1/contract-pricing/products/get", json: #"{"id": "\#(id)"}"#).data
            #expect(product["type"] as? String == "USAGE")
            let current = try #require(product["current"] as? [String: Any])
            #expect(current["name"] as? String == "Calls")
            #expect(current["tags"] as? [String] == ["a"])
            #expect((product["updates"] as? [[String: Any]])?.first?["name"] as? String == "Calls v2")

            _ = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-02-01T00:00:00Z"}"#)
            let later = try await client.call(.post, "/v1/contract-pricing/products/get", json: #"{"id": "\#(id)"}"#).data
            #expect((later["current"] as? [String: Any])?["name"] as? String == "Calls v2")
            #expect((later["initial"] as? [String: Any])?["name"] as? String == "Calls")
        }
    }

    @Test func rejectedRequests() async throws {
        try await withEmulator { client async throws in
            let metric = try await client.createCountMetric()
            let post = { (path: String, json: String) in try await client.call(.post, "/v1/contract-pricing/products/\(path)", json: json) }
            #expect(try await post("create", #"{"name": "x", "type": "USAGE"}"#).status == .badRequest)
            #expect(try await post("create", #"{"name": "x", "type": "BOGUS"}"#).status == .badRequest)
            #expect(try await post("create", #"{"name": "x", "type": "FIXED", "billable_metric_id": "\#(metric)"}"#).status == .badRequest)
            #expect(try await post("create", #"{"name": "x", "type": "USAGE", "billable_metric_id": "\#(UUID())"}"#).status == .notFound)
            #expect(try await post("get", #"{"id": "nope"}"#).status == .badRequest)
            #expect(try await post("get", #"{"id": "\#(UUID())"}"#).status == .notFound)
            let id = try await client.createProduct(#"{"name": "Fee", "type": "PROFESSIONAL_SERVICE"}"#)
            #expect(try await post("update", #"{"product_id": "\#(id)", "starting_at": "2026-02-01T00:30:00Z"}"#).status == .badRequest)
            #expect(try await post("archive", #"{"product_id": "\#(id)"}"#).status == .ok)
            #expect(try await post("archive", #"{"product_id": "\#(id)"}"#).status == .badRequest)
            let fee = try await post("get", #"{"id": "\#(id)"}"#).data
            #expect(fee["type"] as? String == "PRO_SERVICE")
            #expect(fee["archived_at"] is String)
        }
    }

    @Test func listFiltersByArchiveState() async throws {
        try await withEmulator { client async throws in
            let fixtures = try await client.call(.post, "/v1/contract-pricing/products/list", json: "{}").items.count
            let a = try await client.createProduct(#"{"name": "A", "type": "FIXED"}"#)
            let b = try await client.createProduct(#"{"name": "B", "type": "FIXED"}"#)
            _ = try await client.call(.post, "/v1/contract-pricing/products/archive", json: #"{"product_id": "\#(a)"}"#)
            let active = try await client.call(.post, "/v1/contract-pricing/products/list", json: "{}").items
            #expect(active.count == fixtures + 1 && active.last?["id"] as? String == b)
            let archived = try await client.call(.post, "/v1/contract-pricing/products/list", json: #"{"archive_filter": "ARCHIVED"}"#)
            #expect(archived.items.map { $0["id"] as? String } == [a])
            let first = try await client.call(.post, "/v1/contract-pricing/products/list?limit=1", json: #"{"archive_filter": "ALL"}"#)
            #expect(first.items.count == 1)
            let next = try #require(first.object["next_page"] as? String)
            let second = try await client.call(
                .post, "/v1/contract-pricing/products/list?limit=1&next_page=\(next)", json: #"{"archive_filter": "ALL"}"#
            )
            #expect(second.items.count == 1 && second.items[0]["id"] as? String != first.items[0]["id"] as? String)
        }
    }
}
