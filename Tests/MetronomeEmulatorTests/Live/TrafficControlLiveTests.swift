import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore
import Testing

/// Traffic control on a real socket: a reset closes the connection unanswered, and latency
/// delays every Metronome request.
@Suite struct TrafficControlLiveTests {
    @Test func aResetFaultClosesTheConnectionWithoutAnAnswer() async throws {
        let app = try await buildApplication(testConfiguration())
        try await app.test(.live) { client async throws in
            let added = try await client.call(.post, "/_emulator/faults", json: #"{"path": "/v1/customers", "action": "reset", "times": 1}"#)
            #expect(added.status == .ok)
            await #expect(throws: (any Error).self) {
                _ = try await client.call(.get, "/v1/customers")
            }
        }
        let again = try await buildApplication(testConfiguration())
        try await again.test(.live) { client async throws in
            // Without a fault the same request is answered.
            #expect(try await client.call(.get, "/v1/customers").status == .ok)
        }
    }

    @Test func latencyDelaysMetronomeRoutesOnly() async throws {
        var configuration = testConfiguration()
        configuration.latency = SimulatedLatency(mean: .milliseconds(150))
        let app = try await buildApplication(configuration)
        try await app.test(.live) { client async throws in
            let start = ContinuousClock.now
            #expect(try await client.call(.get, "/v1/customers").status == .ok)
            #expect(ContinuousClock.now - start >= .milliseconds(150))
            let entry = try #require(try await client.call(.get, "/_emulator/requests").items.first)
            #expect(try #require(entry["duration_ms"] as? Double) >= 150)
        }
    }
}
