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

/// A JSON answer of the emulator: its status and parsed body.
struct JSONAnswer {
    var status: HTTPResponse.Status
    var body: Any?

    /// The body as an object.
    var object: [String: Any] { body as? [String: Any] ?? [:] }
    /// `data` of a `{"data": {...}}` envelope.
    var data: [String: Any] { object["data"] as? [String: Any] ?? [:] }
    /// `data` of a list page.
    var items: [[String: Any]] { object["data"] as? [[String: Any]] ?? [] }
    /// The `message` of an error.
    var message: String? { object["message"] as? String }
}

/// A test configuration: in memory, on a free port, with the project's fixtures.
func testConfiguration(apiKeys: [String] = [], maxBodySize: Int = Configuration.defaultMaxBodySize) -> Configuration {
    Configuration(port: 0, apiKeys: apiKeys, maxBodySize: maxBodySize, logLevel: .warning)
}

/// Runs `body` against a fresh emulator through the router (no sockets).
func withEmulator(
    _ configuration: Configuration = testConfiguration(),
    _ body: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let app = try await buildApplication(configuration)
    try await app.test(.router, body)
}

extension TestClientProtocol {
    /// Sends `json` (text, so tests can send malformed bodies) and parses the answer.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, token: String? = "test-token"
    ) async throws -> JSONAnswer {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }
        )
        let bytes = Data(response.body.readableBytesView)
        let parsed = bytes.isEmpty ? nil : try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])
        return JSONAnswer(status: response.status, body: parsed)
    }

    /// Creates a customer and returns its ID.
    func createCustomer(name: String = "Acme", aliases: [String] = []) async throws -> String {
        let aliasesJSON = aliases.map { "\"\($0)\"" }.joined(separator: ",")
        let answer = try await call(.post, "/v1/customers", json: #"{"name": "\#(name)", "ingest_aliases": [\#(aliasesJSON)]}"#)
        #expect(answer.status == .ok)
        return try #require(answer.data["id"] as? String)
    }
}
