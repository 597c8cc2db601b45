import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct HTTPCoreTests {
    @Test func authAcceptsAnyNonEmptyTokenByDefault() async throws {
        try await withEmulator { client async throws in
            #expect(try await client.call(.get, "/v1/customers", token: "anything").status == .ok)
            #expect(try await client.call(.get, "/v1/customers", token: nil).status == .unauthorized)
            #expect(try await client.call(.get, "/v1/customers", token: "").status == .unauthorized)
            #expect(try await client.call(.get, "/v1/customers", token: nil).message?.isEmpty == false)
        }
    }

    @Test func configuredKeysAreTheOnlyOnesAccepted() async throws {
        try await withEmulator(testConfiguration(apiKeys: ["k1", "k2"])) { client async throws in
            #expect(try await client.call(.get, "/v1/customers", token: "k2").status == .ok)
            #expect(try await client.call(.get, "/v1/customers", token: "other").status == .unauthorized)
            #expect(try await client.call(.get, "/_emulator/health", token: nil).status == .ok)
        }
    }

    @Test func aGuardedControlPlaneNeedsAKeyExceptForHealth() async throws {
        var configuration = testConfiguration(apiKeys: ["k1"])
        configuration.guardsControlPlane = true
        try await withEmulator(configuration) { client async throws in
            #expect(try await client.call(.get, "/_emulator/health", token: nil).status == .ok)
            #expect(try await client.call(.post, "/_emulator/reset", token: nil).status == .unauthorized)
            #expect(try await client.call(.post, "/_emulator/reset", token: "other").status == .unauthorized)
            #expect(try await client.call(.get, "/_emulator/clock", token: nil).status == .unauthorized)
            #expect(try await client.call(.post, "/_emulator/reset", token: "k1").status == .ok)
        }
    }

    @Test func unknownRoutesAre404AndUnbuiltEndpoints501() async throws {
        try await withEmulator { client async throws in
            let unknown = try await client.call(.get, "/v1/nothing-here")
            #expect(unknown.status == .notFound)
            #expect(unknown.message?.contains("/v1/nothing-here") == true)
        }
        // Every endpoint of today's SDK is built, so the 501 answer is tried on an endpoint made up here.
        let router = Router(context: EmulatorRequestContext.self)
        router.add(middleware: APIEdgeMiddleware(maxBodySize: 1024, logger: Logger(label: "test")))
        router.addRoutes(MetronomeEndpointsNotYetBuilt.routes([(.post, "/v9/widgets/list")]))
        try await Application(router: router).test(.router) { client async throws in
            let unbuilt = try await client.call(.post, "/v9/widgets/list", json: "{}")
            #expect(unbuilt.status == .notImplemented)
            #expect(unbuilt.message?.contains("not implement") == true)
            #expect(unbuilt.message?.contains("/v9/widgets/list") == true)
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        try await withEmulator(testConfiguration(maxBodySize: 1024)) { client async throws in
            let big = #"{"name": "\#(String(repeating: "x", count: 2000))"}"#
            let answer = try await client.call(.post, "/v1/customers", json: big)
            #expect(answer.status == .contentTooLarge)
            #expect(answer.message?.contains("1024") == true)
        }
    }
}
