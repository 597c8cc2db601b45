import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MetronomeEmulator
import Testing

@Suite struct NamespacesTests {
    @Test(arguments: ["a", "default", "test-1.x_Y", String(repeating: "n", count: 64)])
    func namesOfLettersDigitsAndThreeMarksAreValid(name: String) {
        #expect(Namespaces.isValidName(name))
    }

    @Test(arguments: ["", String(repeating: "n", count: 65), "a b", "a/b", "é", ".", "..", "a%20b", "a:b"])
    func otherNamesAreNot(name: String) {
        #expect(!Namespaces.isValidName(name))
    }

    @Test func aPrefixedRequestReachesItsOwnNamespaceOnly() async throws {
        try await withEmulator { client in
            let created = try await client.call(.post, "/_ns/alpha/v1/customers", json: #"{"name": "Alpha", "ingest_aliases": ["same"]}"#)
            #expect(created.status == .ok)
            let other = try await client.call(.post, "/_ns/beta/v1/customers", json: #"{"name": "Beta", "ingest_aliases": ["same"]}"#)
            #expect(other.status == .ok, "the same alias in another namespace is no conflict")
            #expect(try await client.call(.get, "/_ns/alpha/v1/customers").items.map { $0["name"] as? String } == ["Alpha"])
            #expect(try await client.call(.get, "/_ns/beta/v1/customers").items.map { $0["name"] as? String } == ["Beta"])
            #expect(try await client.call(.get, "/v1/customers").items.isEmpty)
            // A query string survives the prefix's removal.
            #expect(try await client.call(.get, "/_ns/alpha/v1/customers?limit=1").items.count == 1)
            let bad = try await client.call(.get, "/_ns/a%20b/v1/customers")
            #expect(bad.status == .badRequest && bad.message?.contains("namespace") == true)
        }
    }

    @Test func aSnapshotReplacesAnotherNamespacesState() async throws {
        try await withEmulator { client in
            _ = try await client.call(.post, "/_ns/from/v1/customers", json: #"{"name": "Shared state"}"#)
            _ = try await client.call(.post, "/_ns/to/v1/customers", json: #"{"name": "Replaced"}"#)
            let snapshot = try await client.execute(uri: "/_ns/from/_emulator/snapshot", method: .get)
            #expect(snapshot.status == .ok)
            let bytes = Data(snapshot.body.readableBytesView)
            #expect(bytes.starts(with: Data("SQLite format 3".utf8)))
            let put = try await client.execute(uri: "/_ns/to/_emulator/snapshot", method: .put, body: snapshot.body)
            #expect(put.status == .ok)
            #expect(try await client.call(.get, "/_ns/to/v1/customers").items.map { $0["name"] as? String } == ["Shared state"])
            let garbage = try await client.execute(uri: "/_ns/to/_emulator/snapshot", method: .put, body: ByteBuffer(string: "garbage"))
            #expect(garbage.status == .badRequest)
            #expect(try await client.call(.get, "/_ns/to/v1/customers").items.map { $0["name"] as? String } == ["Shared state"])
        }
    }
}
