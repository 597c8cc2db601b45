import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
@testable import MetronomeEmulator
import MetronomeCodecs
import Testing

/// A response body that cannot be encoded costs that one request a 500 with a JSON message,
/// through the same edge middleware as every route; the server goes on serving.
@Suite struct ResponseEncodingFailureTests {
    /// A payload holding a number JSON cannot spell.
    private struct Unspellable: Encodable {
        var total: Decimal = .nan
    }

    /// A payload that asks the encoder for a nested container, which it does not write.
    private struct Nested: Encodable {
        enum Key: CodingKey { case outer, inner }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            var nested = container.nestedContainer(keyedBy: Key.self, forKey: .outer)
            try nested.encode(1, forKey: .inner)
        }
    }

    @Test func anUnencodableBodyIsA500AndTheNextRequestIsServed() async throws {
        let router = Router(context: EmulatorRequestContext.self)
        router.add(middleware: APIEdgeMiddleware(maxBodySize: Configuration.defaultMaxBodySize, logger: Logger(label: "test")))
        router.get("/nan") { _, _ in try JSONResponse.ok(DataEnvelope(data: Unspellable())) }
        router.get("/nested") { _, _ in try JSONResponse.ok(DataEnvelope(data: [Nested()])) }
        router.get("/fine") { _, _ in try JSONResponse.ok(DataEnvelope(data: IDPayload(id: "ok"))) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.router) { client in
            for (path, detail) in [("/nan", "JSON has no NaN"), ("/nested", "a nested keyed container is not supported")] {
                let failed = try await client.call(.get, path)
                #expect(failed.status == .internalServerError, "\(path)")
                #expect(failed.message?.contains(detail) == true, "\(path): \(failed.message ?? "")")
                let fine = try await client.call(.get, "/fine")
                #expect(fine.status == .ok && fine.data["id"] as? String == "ok")
            }
        }
    }
}
