import Foundation
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct CustomersEndpointsTests {
    @Test func createThenRetrieve() async throws {
        try await withEmulator { client async throws in
            let long = String(repeating: "n", count: 200)
            let created = try await client.call(
                .post, "/v1/customers",
                json: #"{"name": "\#(long)", "external_id": "ext-1", "ingest_aliases": ["a", "a", "b"], "custom_fields": {"tier": "gold"}}"#
            )
            #expect(created.status == .ok)
            let id = try #require(created.data["id"] as? String)
            #expect(UUID(uuidString: id) != nil)
            #expect((created.data["name"] as? String)?.count == 160)
            #expect(created.data["external_id"] as? String == "ext-1")
            #expect(created.data["ingest_aliases"] as? [String] == ["ext-1", "a", "b"])

            let detail = try await client.call(.get, "/v1/customers/\(id)")
            #expect(detail.status == .ok)
            #expect(detail.data["custom_fields"] as? [String: String] == ["tier": "gold"])
            #expect(detail.data["archived_at"] is NSNull)
            #expect((detail.data["customer_config"] as? [String: Any])?["salesforce_account_id"] is NSNull)
            #expect((detail.data["current_billable_status"] as? [String: Any])?["value"] as? String == "billable")
        }
    }

    @Test func invalidCreatesAre400sAndStoreNothing() async throws {
        try await withEmulator { client async throws in
            for body in [#"{}"#, #"{"name": ""}"#, #"{"name": 5}"#, #"[]"#, #"{"name": "x""#,
                         #"{"name": "x", "ingest_aliases": [""]}"#,
                         #"{"name": "x", "billing_config": {"billing_provider_customer_id": "c"}}"#,
                         #"{"name": "x", "customer_billing_provider_configurations": [{"billing_provider": "stripe"}]}"#] {
                let answer = try await client.call(.post, "/v1/customers", json: body)
                #expect(answer.status == .badRequest, "\(body)")
                #expect(answer.message?.isEmpty == false)
            }
            #expect(try await client.call(.get, "/v1/customers").items.isEmpty)
        }
    }

    @Test func anAliasHeldByAnotherCustomerIsAConflict() async throws {
        try await withEmulator { client async throws in
            let first = try await client.createCustomer(aliases: ["shared"])
            let clash = try await client.call(.post, "/v1/customers", json: #"{"name": "B", "ingest_aliases": ["new", "shared"]}"#)
            #expect(clash.status == .conflict)
            #expect(try await client.call(.get, "/v1/customers?ingest_alias=new").items.isEmpty)

            _ = try await client.call(.post, "/v1/customers/archive", json: #"{"id": "\#(first)"}"#)
            let stillReserved = try await client.call(.post, "/v1/customers", json: #"{"name": "C", "external_id": "shared"}"#)
            #expect(stillReserved.status == .conflict)
        }
    }

    @Test func listPagesThroughEveryCustomerOnceInOrder() async throws {
        try await withEmulator { client async throws in
            var ids: [String] = []
            for index in 0..<5 { ids.append(try await client.createCustomer(name: "C\(index)")) }
            var seen: [String] = []
            var next: String? = nil
            repeat {
                let page = try await client.call(.get, "/v1/customers?limit=2" + (next.map { "&next_page=\($0)" } ?? ""))
                #expect(page.status == .ok)
                seen += page.items.compactMap { $0["id"] as? String }
                next = page.object["next_page"] as? String
                if seen.count == 2 { ids.append(try await client.createCustomer(name: "late")) }
            } while next != nil
            #expect(seen == ids)
        }
    }

    @Test func listFiltersAndValidatesItsQuery() async throws {
        try await withEmulator { client async throws in
            let a = try await client.createCustomer(name: "A", aliases: ["alias-a"])
            let b = try await client.createCustomer(name: "B")
            let c = try await client.createCustomer(name: "C")
            _ = try await client.call(.post, "/v1/customers/\(b)/updateConfig", json: #"{"salesforce_account_id": "sf-b"}"#)
            _ = try await client.call(.post, "/v1/customers/archive", json: #"{"id": "\#(c)"}"#)

            func ids(_ query: String) async throws -> [String] {
                try await client.call(.get, "/v1/customers?\(query)").items.compactMap { $0["id"] as? String }
            }
            #expect(try await ids("") == [a, b])
            #expect(try await ids("only_archived=true") == [c])
            #expect(try await ids("customer_ids=\(a),\(c)") == [a])
            #expect(try await ids("customer_ids=\(a)&customer_ids=\(b)") == [a, b])
            #expect(try await ids("ingest_alias=alias-a") == [a])
            #expect(try await ids("salesforce_account_ids=sf-b") == [b])

            for query in ["limit=0", "limit=101", "limit=abc", "next_page=garbage", "only_archived=maybe", "customer_ids=nope"] {
                #expect(try await client.call(.get, "/v1/customers?\(query)").status == .badRequest, "\(query)")
            }
            let tooMany = (0...100).map { _ in UUID().uuidString }.joined(separator: ",")
            #expect(try await client.call(.get, "/v1/customers?customer_ids=\(tooMany)").status == .badRequest)
        }
    }

    @Test func unknownAndMalformedIds() async throws {
        try await withEmulator { client async throws in
            let unknown = UUID().uuidString.lowercased()
            #expect(try await client.call(.get, "/v1/customers/\(unknown)").status == .notFound)
            #expect(try await client.call(.get, "/v1/customers/not-a-uuid").status == .badRequest)
            #expect(try await client.call(.post, "/v1/customers/archive", json: #"{"id": "\#(unknown)"}"#).status == .notFound)
            #expect(try await client.call(.post, "/v1/customers/\(unknown)/setName", json: #"{"name": "x"}"#).status == .notFound)
        }
    }

    @Test func archiveHidesAndOnlyOnce() async throws {
        try await withEmulator { client async throws in
            let id = try await client.createCustomer()
            let archived = try await client.call(.post, "/v1/customers/archive", json: #"{"id": "\#(id)"}"#)
            #expect(archived.status == .ok)
            #expect(archived.data["id"] as? String == id)
            let detail = try await client.call(.get, "/v1/customers/\(id)")
            #expect(detail.data["archived_at"] is String)
            #expect(try await client.call(.post, "/v1/customers/archive", json: #"{"id": "\#(id)"}"#).status == .badRequest)
        }
    }

    @Test func setNameSetIngestAliasesAndUpdateConfig() async throws {
        try await withEmulator { client async throws in
            let id = try await client.createCustomer(aliases: ["old"])
            let other = try await client.createCustomer(name: "Other", aliases: ["taken"])
            let renamed = try await client.call(.post, "/v1/customers/\(id)/setName", json: #"{"name": "New name"}"#)
            #expect(renamed.data["name"] as? String == "New name")

            let clash = try await client.call(.post, "/v1/customers/\(id)/setIngestAliases", json: #"{"ingest_aliases": ["x", "taken"]}"#)
            #expect(clash.status == .conflict)
            #expect(try await client.call(.get, "/v1/customers/\(id)").data["ingest_aliases"] as? [String] == ["old"])

            let replaced = try await client.call(.post, "/v1/customers/\(id)/setIngestAliases", json: #"{"ingest_aliases": ["x", "y"]}"#)
            #expect(replaced.status == .ok)
            #expect(try await client.call(.get, "/v1/customers/\(id)").data["ingest_aliases"] as? [String] == ["x", "y"])
            let reuse = try await client.call(.post, "/v1/customers/\(other)/setIngestAliases", json: #"{"ingest_aliases": ["old"]}"#)
            #expect(reuse.status == .ok)

            _ = try await client.call(.post, "/v1/customers/\(id)/updateConfig", json: #"{"salesforce_account_id": "sf"}"#)
            func salesforce() async throws -> Any? {
                (try await client.call(.get, "/v1/customers/\(id)").data["customer_config"] as? [String: Any])?["salesforce_account_id"]
            }
            #expect(try await salesforce() as? String == "sf")
            _ = try await client.call(.post, "/v1/customers/\(id)/updateConfig", json: #"{"leave_stripe_invoices_in_draft": true}"#)
            #expect(try await salesforce() as? String == "sf")
            _ = try await client.call(.post, "/v1/customers/\(id)/updateConfig", json: #"{"salesforce_account_id": null}"#)
            #expect(try await salesforce() is NSNull)
        }
    }

    /// A retrieved customer is answered from memory until the next write, whichever resource makes it.
    @Test func aRetrievedCustomerNeverOutlivesAWrite() async throws {
        try await withEmulator { client async throws in
            let id = try await client.createCustomer(name: "Before")
            #expect(try await client.call(.get, "/v1/customers/\(id)").data["name"] as? String == "Before")
            _ = try await client.call(.post, "/v1/customers/\(id)/setName", json: #"{"name": "After"}"#)
            #expect(try await client.call(.get, "/v1/customers/\(id)").data["name"] as? String == "After")

            _ = try await client.call(.post, "/v1/customFields/addKey", json: #"{"entity": "customer", "key": "tier", "enforce_uniqueness": false}"#)
            _ = try await client.call(
                .post, "/v1/customFields/setValues", json: #"{"entity": "customer", "entity_id": "\#(id)", "custom_fields": {"tier": "gold"}}"#
            )
            #expect(try await client.call(.get, "/v1/customers/\(id)").data["custom_fields"] as? [String: String] == ["tier": "gold"])

            #expect(try await client.call(.post, "/_emulator/reset", token: nil).status == .ok)
            #expect(try await client.call(.get, "/v1/customers/\(id)").status == .notFound)
        }
    }

    @Test func theBodyCacheServesOnlyUnderTheCommitCountItWasReadUnder() {
        let cache = ResponseBodyCache()
        cache.remember([1], for: "a", commits: 5)
        #expect(cache.body(for: "a", commits: 5) == [1])
        #expect(cache.body(for: "a", commits: 6) == nil)
        cache.remember([2], for: "b", commits: 4)
        #expect(cache.body(for: "b", commits: 4) == nil && cache.body(for: "a", commits: 5) == [1])
        cache.remember([3], for: "b", commits: 7)
        #expect(cache.body(for: "a", commits: 5) == nil && cache.body(for: "b", commits: 7) == [3])
    }
}
