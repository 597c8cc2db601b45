import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore
import Testing

extension TestClientProtocol {
    /// Adds a fault rule and returns its ID.
    fileprivate func addFault(_ json: String) async throws -> String {
        let answer = try await call(.post, "/_emulator/faults", json: json, token: nil)
        #expect(answer.status == .ok, "\(answer.body ?? "")")
        return try #require(answer.data["id"] as? String)
    }

    /// The journal's entries (one page), newest first.
    fileprivate func journal(_ query: String = "") async throws -> [[String: Any]] {
        let answer = try await call(.get, "/_emulator/requests" + (query.isEmpty ? "" : "?" + query), token: nil)
        #expect(answer.status == .ok, "\(answer.body ?? "")")
        return answer.items
    }
}

@Suite struct TrafficControlEndpointsTests {
    @Test func anInjectedStatusAnswersInsteadOfTheHandlerAndIsJournaled() async throws {
        try await withEmulator { client async throws in
            let id = try await client.addFault(#"{"method": "POST", "path": "/v1/customers", "status": 429, "headers": {"Retry-After": "0"}, "times": 1}"#)
            let refused = try await client.execute(
                uri: "/v1/customers", method: .post,
                headers: [.authorization: "Bearer s3cret", .contentType: "application/json"], body: ByteBuffer(string: #"{"name": "Once"}"#)
            )
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[HTTPField.Name("Retry-After")!] == "0")
            #expect(try await client.call(.get, "/v1/customers").items.isEmpty)
            _ = try await client.createCustomer(name: "Once")
            #expect(try await client.call(.get, "/v1/customers").items.count == 1)

            let entries = try await client.journal("method=POST")
            #expect(entries.count == 2)
            let faulted = try #require(entries.last)
            #expect((faulted["fault"] as? [String: Any])?["id"] as? String == id)
            #expect((faulted["response"] as? [String: Any])?["status"] as? Int == 429)
            let request = try #require(faulted["request"] as? [String: Any])
            #expect(request["body"] as? String == #"{"name": "Once"}"#)
            #expect((request["headers"] as? [String: Any])?["authorization"] as? String == "Bearer ***")
            #expect(entries.first?["fault"] == nil)
            #expect((entries.first?["response"] as? [String: Any])?["status"] as? Int == 200)
        }
    }

    @Test func aDelayOnlyFaultLetsTheHandlerRun() async throws {
        try await withEmulator { client async throws in
            _ = try await client.addFault(#"{"path": "/v1/customers", "delay_ms": 20, "times": 1}"#)
            let start = ContinuousClock.now
            _ = try await client.createCustomer(name: "Slow")
            #expect(ContinuousClock.now - start >= .milliseconds(20))
            let faults = try await client.call(.get, "/_emulator/faults", token: nil).items
            #expect(faults.first?["remaining"] as? Int == 0)
            let entry = try #require(try await client.journal().first)
            #expect(entry["fault"] != nil)
            #expect(try #require(entry["duration_ms"] as? Double) >= 20)
        }
    }

    @Test func aResetIsAnsweredWithTheMarkerTheConnectionHandlerActsOn() async throws {
        try await withEmulator { client async throws in
            _ = try await client.addFault(#"{"path": "/v1/credit-types/list", "action": "reset"}"#)
            let answer = try await client.execute(uri: "/v1/credit-types/list", method: .get, headers: [.authorization: "Bearer t"])
            #expect(ConnectionResetHandler.asksForReset(answer.headers))
            let entry = try #require(try await client.journal().first)
            #expect(entry["response"] is NSNull)
            #expect((entry["fault"] as? [String: Any])?["action"] as? String == "reset")
        }
    }

    @Test func theControlPlaneIsNeverFaultedNorJournaled() async throws {
        try await withEmulator { client async throws in
            _ = try await client.addFault(#"{"status": 500}"#)
            #expect(try await client.call(.get, "/_emulator/health", token: nil).status == .ok)
            #expect(try await client.call(.get, "/_emulator/clock", token: nil).status == .ok)
            #expect(try await client.call(.get, "/v1/customers").status == .internalServerError)
            #expect(try await client.journal().map { $0["path"] as? String } == ["/v1/customers"])
        }
    }

    @Test func faultsAreListedRemovedAndCleared() async throws {
        try await withEmulator { client async throws in
            let first = try await client.addFault(#"{"path": "/v1/a", "status": 500}"#)
            let second = try await client.addFault(#"{"path": "/v1/b", "status": 503, "probability": 0.5, "seed": 9}"#)
            let listed = try await client.call(.get, "/_emulator/faults", token: nil).items
            #expect(listed.map { $0["id"] as? String } == [first, second])
            #expect(listed.last?["seed"] as? Int == 9)
            #expect(try await client.call(.delete, "/_emulator/faults/\(first)", token: nil).data["id"] as? String == first)
            #expect(try await client.call(.delete, "/_emulator/faults/\(first)", token: nil).status == .notFound)
            #expect(try await client.call(.delete, "/_emulator/faults", token: nil).object["deleted"] as? Int == 1)
            #expect(try await client.call(.get, "/_emulator/faults", token: nil).items.isEmpty)
            let bad = try await client.call(.post, "/_emulator/faults", json: #"{"status": 700}"#, token: nil)
            #expect(bad.status == .badRequest && bad.message?.contains("'status'") == true)
        }
    }

    @Test func theJournalFiltersAndPages() async throws {
        try await withEmulator { client async throws in
            for name in ["a", "b", "c"] { _ = try await client.createCustomer(name: name) }
            _ = try await client.call(.get, "/v1/customers?limit=1")
            _ = try await client.call(.get, "/v1/no-such-route")
            #expect(try await client.journal("status=404").map { $0["path"] as? String } == ["/v1/no-such-route"])
            #expect(try await client.journal("path=/v1/customers&method=get").map { $0["query"] as? String } == ["limit=1"])
            #expect(try await client.journal("since=2999-01-01T00:00:00Z").isEmpty)
            #expect(try await client.journal("since=2000-01-01T00:00:00Z").count == 5)

            var seen: [String] = []
            var cursor: String?
            repeat {
                let answer = try await client.call(
                    .get, "/_emulator/requests?limit=2&method=POST" + (cursor.map { "&next_page=\($0)" } ?? ""), token: nil
                )
                seen += answer.items.compactMap { $0["id"] as? String }
                cursor = answer.object["next_page"] as? String
            } while cursor != nil
            #expect(seen == ["3", "2", "1"])

            #expect(try await client.call(.get, "/_emulator/requests?since=yesterday", token: nil).status == .badRequest)
            #expect(try await client.call(.get, "/_emulator/requests?status=ok", token: nil).status == .badRequest)
            #expect(try await client.call(.get, "/_emulator/requests?limit=0", token: nil).status == .badRequest)
            #expect(try await client.call(.get, "/_emulator/requests?next_page=bm9wZQ", token: nil).status == .badRequest)

            #expect(try await client.call(.delete, "/_emulator/requests", token: nil).object["deleted"] as? Int == 5)
            #expect(try await client.journal().isEmpty)
        }
    }

    @Test func anOversizedBodyIsStillA413AndJournaled() async throws {
        try await withEmulator(testConfiguration(maxBodySize: 64)) { client async throws in
            let answer = try await client.call(.post, "/v1/customers", json: #"{"name": "\#(String(repeating: "y", count: 200))"}"#)
            #expect(answer.status == .contentTooLarge)
            #expect(try await client.call(.get, "/v1/customers").items.isEmpty)
            let entry = try #require(try await client.journal("status=413").first)
            #expect(((entry["request"] as? [String: Any])?["body"] as? String)?.hasPrefix(#"{"name": "yyy"#) == true)
        }
    }

    @Test func resetEmptiesTheJournalAndClearsFaults() async throws {
        try await withEmulator { client async throws in
            _ = try await client.addFault(#"{"path": "/v1/customers", "status": 500}"#)
            _ = try await client.call(.get, "/v1/customers")
            #expect(try await client.call(.post, "/_emulator/reset", token: nil).status == .ok)
            #expect(try await client.journal().isEmpty)
            #expect(try await client.call(.get, "/_emulator/faults", token: nil).items.isEmpty)
            #expect(try await client.call(.get, "/v1/customers").status == .ok)
        }
    }

    @Test func aJournalOfSizeZeroKeepsNothing() async throws {
        var configuration = testConfiguration()
        configuration.journalSize = 0
        try await withEmulator(configuration) { client async throws in
            _ = try await client.createCustomer()
            #expect(try await client.journal().isEmpty)
            _ = try await client.addFault(#"{"path": "/v1/customers", "status": 503, "times": 1}"#)
            #expect(try await client.call(.get, "/v1/customers").status == .serviceUnavailable)
            #expect(try await client.call(.get, "/v1/customers").status == .ok)
        }
    }
}
