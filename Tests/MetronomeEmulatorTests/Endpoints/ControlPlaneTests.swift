import Foundation
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct ControlPlaneTests {
    @Test func healthNeedsNoToken() async throws {
        try await withEmulator { client async throws in
            #expect(try await client.call(.get, "/_emulator/health", token: nil).status == .ok)
        }
    }

    @Test func aFrozenClockStampsWhatIsCreated() async throws {
        try await withEmulator { client async throws in
            let frozen = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-03-15T12:00:00Z"}"#, token: nil)
            #expect(frozen.object["now"] as? String == "2026-03-15T12:00:00.000Z")
            #expect(frozen.object["frozen"] as? Bool == true)
            let id = try await client.createCustomer()
            #expect(try await client.call(.get, "/v1/customers/\(id)").data["created_at"] as? String == "2026-03-15T12:00:00.000Z")

            let wall = try await client.call(.post, "/_emulator/clock", json: #"{"now": null}"#, token: nil)
            #expect(wall.object["frozen"] as? Bool == false)
            #expect(try await client.call(.post, "/_emulator/clock", json: #"{"now": "soon"}"#).status == .badRequest)
            #expect(try await client.call(.post, "/_emulator/clock", json: #"{}"#).status == .badRequest)
            // Before year 1 once the offset is applied: refused, not frozen (writing it back used to crash).
            let tooEarly = try await client.call(.post, "/_emulator/clock", json: #"{"now": "0000-01-01T00:00:00+01:00"}"#)
            #expect(tooEarly.status == .badRequest)
            #expect(try await client.call(.get, "/_emulator/clock").object["frozen"] as? Bool == false)
        }
    }

    @Test func resetWipesStateAndRestoresFixtures() async throws {
        try await withEmulator { client async throws in
            _ = try await client.createCustomer(aliases: ["a"])
            _ = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-03-15T12:00:00Z"}"#)
            #expect(try await client.call(.post, "/_emulator/reset", token: nil).status == .ok)
            #expect(try await client.call(.get, "/v1/customers").items.isEmpty)
            #expect(try await client.call(.get, "/_emulator/clock").object["frozen"] as? Bool == false)
            let creditTypes = try await client.call(.get, "/v1/credit-types/list").items
            #expect(creditTypes.contains { $0["id"] as? String == "2714e483-4ff1-48e4-9e25-ac732e8f24f2" })
            _ = try await client.createCustomer(aliases: ["a"])
        }
    }
}
