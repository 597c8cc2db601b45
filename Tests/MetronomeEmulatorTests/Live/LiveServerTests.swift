import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore
import Testing

/// Behaviour that needs a real socket: HTTP/1.1 parsing, keep-alive, bodies on the wire.
@Suite struct LiveServerTests {
    @Test func servesCustomersOverASocket() async throws {
        let app = try await buildApplication(testConfiguration())
        try await app.test(.live) { client async throws in
            let created = try await client.call(.post, "/v1/customers", json: #"{"name": "Live"}"#)
            #expect(created.status == .ok)
            let id = try #require(created.data["id"] as? String)
            let read = try await client.call(.get, "/v1/customers/\(id)")
            #expect(read.data["name"] as? String == "Live")
            #expect(try await client.call(.get, "/_emulator/health", token: nil).status == .ok)
        }
    }

    @Test func anOversizedBodyIsRefusedOnTheWire() async throws {
        let app = try await buildApplication(testConfiguration(maxBodySize: 512))
        try await app.test(.live) { client async throws in
            let answer = try await client.call(.post, "/v1/customers", json: #"{"name": "\#(String(repeating: "y", count: 4096))"}"#)
            #expect(answer.status == .contentTooLarge)
            #expect(try await client.call(.get, "/v1/customers").items.isEmpty)
        }
    }
}
