import Foundation
import Hummingbird
import Logging
import MetronomeBilling
import MetronomeCodecs
import NIOCore

/// `--demo`: a customer on a contract with a prepaid commit and a credit, and a month of usage
/// up to now, so the console and the invoices show something on a first start. Sent as API
/// requests to the namespace's own router, so the data goes through the same validation and
/// billing as a client's (the request journal shows them).
enum DemoData {
    /// The demo customer's ingest alias, which also tells that the demo data is there already.
    static let alias = "demo-acme"
    /// The default fixtures' Standard rate card, which the demo contract uses.
    static let standardRateCardId = "2d8b4e3a-7c3f-4e9a-b000-000000000001"
    /// The default fixtures' product for commits and credits.
    static let commitProductId = "1c7a3d2f-6b2e-4d8f-a000-000000000003"

    /// Adds the demo data to `namespace` unless its customer exists; `token` is a key the server
    /// accepts.
    static func add(to namespace: Namespace, token: String, logger: Logger) async throws {
        let client = InternalClient(responder: namespace.responder, token: token, logger: logger)
        if case .array(let found)? = try await client.send(.get, "/v1/customers?ingest_alias=\(alias)")["data"], !found.isEmpty {
            return
        }
        let now = namespace.clock.now()
        let day = Timestamp.millisecondsPerDay
        let start = Timestamp(millisecondsSinceEpoch: (now.millisecondsSinceEpoch.floorDivided(by: day) - 30) * day)
        let yearLater = Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + 365 * day)

        let customer = try await client.send(.post, "/v1/customers", #"{"name": "Acme Robotics (demo)", "ingest_aliases": ["\#(alias)"]}"#)
        guard case .object(let data)? = customer["data"], case .string(let customerId)? = data["id"] else {
            throw DemoError(message: "creating the demo customer answered no id")
        }
        let access = { (amount: Int) in
            #"{"schedule_items": [{"amount": \#(amount), "starting_at": "\#(start.rfc3339)", "ending_before": "\#(yearLater.rfc3339)"}]}"#
        }
        _ = try await client.send(.post, "/v1/contracts/create", """
            {"customer_id": "\(customerId)", "name": "Demo contract", "starting_at": "\(start.rfc3339)",
             "rate_card_id": "\(standardRateCardId)",
             "commits": [{"type": "PREPAID", "name": "Prepaid commit", "product_id": "\(commitProductId)", "priority": 1,
                          "access_schedule": \(access(50_000)),
                          "invoice_schedule": {"schedule_items": [{"timestamp": "\(start.rfc3339)", "amount": 50000}]}}],
             "credits": [{"name": "Welcome credit", "product_id": "\(commitProductId)", "priority": 2,
                          "access_schedule": \(access(2_500))}]}
            """)

        // A month of usage: API calls (one event each) and completions (tokens by model), quieter
        // at weekends, with noise from a fixed seed so every start draws the same shape.
        var seed: UInt64 = 0x5EED
        func random(_ range: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(range))
        }
        var events: [String] = []
        for offset in 0...30 {
            let dayStart = start.millisecondsSinceEpoch + Int64(offset) * day
            let calls = (offset % 7 >= 5 ? 6 : 14) + random(10)
            for index in 0..<(calls + 3) {
                let timestamp = Timestamp(millisecondsSinceEpoch: dayStart + Int64(random(86_400)) * 1000)
                let properties = index < calls
                    ? #"{"endpoint": "\#(["/v1/run", "/v1/status", "/v1/jobs"][random(3)])"}"#
                    : #"{"tokens": \#(2_000 + random(40_000)), "model": "\#(["small", "large"][random(2)])"}"#
                guard timestamp <= now else { continue }
                events.append("""
                    {"transaction_id": "demo-\(offset)-\(index)", "customer_id": "\(alias)", \
                    "event_type": "\(index < calls ? "api_call" : "completion")", "timestamp": "\(timestamp.rfc3339)", \
                    "properties": \(properties)}
                    """)
            }
        }
        for batch in stride(from: 0, to: events.count, by: 100) {
            _ = try await client.send(.post, "/v1/ingest", "[" + events[batch..<min(batch + 100, events.count)].joined(separator: ",") + "]")
        }
        logger.info("Demo data added", metadata: ["customer_id": "\(customerId)", "events": "\(events.count)"])
    }

    /// Why the demo data could not be added.
    struct DemoError: Error, CustomStringConvertible {
        var message: String
        var description: String { "--demo: \(message)" }
    }

    /// Sends JSON requests to a router as a client would, and reads the JSON answers.
    private struct InternalClient {
        let responder: RouterResponder<EmulatorRequestContext>
        let token: String
        let logger: Logger

        func send(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil) async throws -> [String: JSONValue] {
            var headers: HTTPFields = [.authorization: "Bearer \(token)"]
            if body != nil { headers[.contentType] = "application/json" }
            let head = HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1", path: path, headerFields: headers)
            let request = Request(head: head, body: .init(buffer: ByteBuffer(string: body ?? "")))
            let response = try await responder.respond(to: request, context: EmulatorRequestContext(internalRequestLogger: logger))
            let collector = Collector()
            try await response.body.write(collector)
            let text = String(buffer: collector.buffer)
            guard response.status == .ok else {
                throw DemoError(message: "\(method) \(path) answered \(response.status.code): \(text)")
            }
            guard !text.isEmpty, case .object(let object) = try JSONValue(jsonText: text) else { return [:] }
            return object
        }
    }

    /// Collects a response body.
    private final class Collector: ResponseBodyWriter, @unchecked Sendable {
        var buffer = ByteBuffer()

        func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            self.buffer.writeBuffer(&buffer)
        }

        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
