import Foundation
import HTTPTypes
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOHTTP1

/// A fault a test asked for through `POST /_emulator/faults`: which Metronome requests it
/// matches, and what it does to them (answer in the handler's place, close the connection, or
/// only delay the real answer). Validated once, when created; the answer it sends is built then.
struct FaultRule: Sendable {
    /// What a fault does besides answering with a status.
    enum Action: String, Sendable {
        /// Close the connection without answering.
        case reset
    }

    /// The rule's ID (a UUID), for `DELETE /_emulator/faults/{id}`.
    var id: String
    /// The method matched, upper-cased; nil matches any.
    var method: String?
    /// The path matched: exact, or with `*` standing for any run of characters; nil matches any.
    var path: String?
    /// The status answered instead of the handler's.
    var status: Int?
    /// Headers of that answer, as given.
    var headers: [(name: String, value: String)]
    /// The body as given: a string is sent as its text, any other JSON value as JSON; nil sends
    /// a Metronome-style `{"message": ...}`.
    var body: JSONValue?
    /// How long to wait before answering (or before the real handler runs).
    var delayMilliseconds: Int?
    /// Close the connection instead of answering.
    var action: Action?
    /// How many requests the rule applies to; nil is every one.
    var times: Int?
    /// The chance that a matching request is faulted; nil is always.
    var probability: Double?
    /// The seed of the random draws, for a repeatable sequence; nil draws a seed.
    var seed: Int64?

    /// The answer, built when the rule is made: nil for a rule that only delays or resets.
    let answer: Answer?
    /// The compiled `path` pattern.
    let pathPattern: PathPattern?

    /// The answer a faulted request gets.
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: ByteBuffer
    }

    /// Whether the rule answers instead of the handler (a status or a reset), rather than only
    /// delaying it.
    var replacesHandler: Bool { answer != nil || action != nil }

    /// Whether the rule applies to requests with `method` to `path`, before `times` and
    /// `probability` are considered.
    func matches(method requestMethod: HTTPRequest.Method, path requestPath: String) -> Bool {
        if let method, method != "*", method != requestMethod.rawValue { return false }
        if let pathPattern, !pathPattern.matches(requestPath) { return false }
        return true
    }
}

// MARK: - Validation

extension FaultRule {
    /// The longest delay a rule may ask for: an hour.
    static let maximumDelayMilliseconds = 3_600_000
    /// Headers a rule may not set: they frame the answer, which the server writes itself.
    static let framingHeaders: Set<String> = ["content-length", "transfer-encoding", "connection"]

    /// A validated rule from its request body, or a 400 that names the field at fault.
    init(_ body: FaultRuleRequest, id: String) throws {
        self.id = id
        if let method = body.method {
            let upper = method.uppercased()
            guard upper == "*" || (HTTPRequest.Method(upper) != nil && !upper.isEmpty) else {
                throw APIError.badRequest("'method' must be an HTTP method such as \"POST\" (or \"*\" for any), got \"\(method)\"")
            }
            self.method = upper
        }
        if let path = body.path {
            guard path.hasPrefix("/") || path.hasPrefix("*") else {
                throw APIError.badRequest("'path' must start with '/' (or '*'), e.g. \"/v1/customers\" or \"/v1/customers/*\"")
            }
            guard !path.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
                throw APIError.badRequest("'path' must not contain spaces or control characters")
            }
            guard !path.hasPrefix(ControlPlaneEndpoints.pathPrefix) else {
                throw APIError.badRequest("'path' names the control plane: faults apply to Metronome routes only")
            }
            self.path = path
        }
        if let status = body.status {
            guard (100...599).contains(status) else {
                throw APIError.badRequest("'status' must be an HTTP status between 100 and 599, got \(status)")
            }
            // A 1xx is not an answer: the client would wait for the final one until it timed out.
            guard status >= 200 else {
                throw APIError.badRequest("'status' must be a final HTTP status (200 to 599): a \(status) is not an answer")
            }
            self.status = status
        }
        if let delay = body.delayMs {
            guard (0...Self.maximumDelayMilliseconds).contains(delay) else {
                throw APIError.badRequest("'delay_ms' must be between 0 and \(Self.maximumDelayMilliseconds), got \(delay)")
            }
            self.delayMilliseconds = delay
        }
        if let action = body.action {
            guard let known = Action(rawValue: action) else {
                throw APIError.badRequest("'action' must be \"reset\", got \"\(action)\"")
            }
            self.action = known
        }
        if let times = body.times {
            guard times >= 1 else {
                throw APIError.badRequest("'times' must be a positive integer (leave it out for every request), got \(times)")
            }
            self.times = times
        }
        if let probability = body.probability {
            guard probability.isFinite, (0...1).contains(probability) else {
                throw APIError.badRequest("'probability' must be between 0 and 1, got \(probability)")
            }
            self.probability = probability
        }
        if let seed = body.seed {
            guard probability != nil else {
                throw APIError.badRequest("'seed' needs 'probability': it seeds the draws that decide which requests are faulted")
            }
            self.seed = seed
        }
        guard status != nil || action != nil || delayMilliseconds != nil else {
            throw APIError.badRequest("A fault needs 'status', 'action' or 'delay_ms'")
        }
        if action == .reset {
            for (field, given) in [("status", body.status != nil), ("headers", body.headers != nil), ("body", body.body != nil)] where given {
                throw APIError.badRequest("'\(field)' cannot be combined with action \"reset\": a reset sends no answer")
            }
        } else if status == nil {
            for (field, given) in [("headers", body.headers != nil), ("body", body.body != nil)] where given {
                throw APIError.badRequest("'\(field)' needs 'status': a fault with only 'delay_ms' delays the real answer")
            }
        }
        let headers = try Self.validatedHeaders(body.headers ?? [:])
        self.headers = headers
        self.body = body.body
        self.pathPattern = body.path.map(PathPattern.init)
        self.answer = try body.status.map { try Self.answer(status: $0, headers: headers, body: body.body) }
    }

    private static func validatedHeaders(_ headers: [String: String]) throws -> [(name: String, value: String)] {
        try headers.sorted { $0.key < $1.key }.map { name, value in
            guard HTTPField.Name(name) != nil else {
                throw APIError.badRequest("'headers' has an invalid header name \"\(name)\"")
            }
            guard !framingHeaders.contains(name.lowercased()) else {
                throw APIError.badRequest("'headers.\(name)' cannot be set: the emulator frames the answer itself")
            }
            guard HTTPField.isValidValue(value) else {
                throw APIError.badRequest("'headers.\(name)' must not contain line breaks or control characters")
            }
            return (name, value)
        }
    }

    /// The answer of a rule with `status`: its headers, and its body (a default message when none
    /// is given; no body for the statuses that have none).
    private static func answer(status code: Int, headers: [(name: String, value: String)], body: JSONValue?) throws -> Answer {
        let reasonPhrase = HTTPResponseStatus(statusCode: code).reasonPhrase
        let status = HTTPResponse.Status(code: code, reasonPhrase: reasonPhrase)
        let bodiless = code == 204 || code == 304
        var fields = HTTPFields()
        var bytes = ByteBuffer()
        switch body {
        case _ where bodiless:
            if let body, body != .string("") {
                throw APIError.badRequest("'body' is not allowed with status \(code), which has none")
            }
        case .none:
            let message = "\(reasonPhrase.isEmpty ? "Error \(code)" : reasonPhrase) (a fault injected by the emulator)"
            bytes.writeString(#"{"message":\#(JSONValue.quoted(message))}"#)
            fields[.contentType] = "application/json"
        case .string(let text):
            bytes.writeString(text)
            fields[.contentType] = "text/plain; charset=utf-8"
        case .some(let value):
            bytes.writeBytes(try StreamingJSONEncoder.encode(value))
            fields[.contentType] = "application/json"
        }
        // A given Content-Type replaces the default one; the names were validated above.
        if headers.contains(where: { HTTPField.Name($0.name) == .contentType }) {
            fields[.contentType] = nil
        }
        for (name, value) in headers {
            guard let fieldName = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        return Answer(status: status, headers: fields, body: bytes)
    }
}

// MARK: - Path patterns

/// A path pattern: characters match themselves, `*` any run of characters (`/` included).
struct PathPattern: Sendable {
    private let bytes: [UInt8]
    private let hasWildcard: Bool

    /// The pattern `text`.
    init(_ text: String) {
        bytes = Array(text.utf8)
        hasWildcard = bytes.contains(Self.star)
    }

    private static let star = UInt8(ascii: "*")

    /// Whether `path` matches the pattern.
    func matches(_ path: String) -> Bool {
        guard hasWildcard else { return path.utf8.elementsEqual(bytes) }
        var path = path
        return path.withUTF8 { Self.match(pattern: bytes, text: $0) }
    }

    /// Glob matching with one backtracking point: on a mismatch, the last `*` takes one more byte.
    private static func match(pattern: [UInt8], text: UnsafeBufferPointer<UInt8>) -> Bool {
        var p = 0, t = 0
        var starAt = -1, starText = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == star {
                starAt = p
                starText = t
                p += 1
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if starAt >= 0 {
                p = starAt + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}

// MARK: - Request body

/// The body of `POST /_emulator/faults`. Unknown fields are refused, so a misspelt field never
/// leaves a rule broader than meant.
struct FaultRuleRequest: Decodable {
    var method: String?
    var path: String?
    var status: Int?
    var headers: [String: String]?
    var body: JSONValue?
    var delayMs: Int?
    var action: String?
    var times: Int?
    var probability: Double?
    var seed: Int64?

    /// The fields a rule may have.
    static let fields = ["method", "path", "status", "headers", "body", "delay_ms", "action", "times", "probability", "seed"]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { self.stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !Self.fields.contains($0) }) {
            throw APIError.badRequest("Unknown field '\(unknown)' in a fault rule; the fields are \(Self.fields.joined(separator: ", "))")
        }
        method = try container.decodeIfPresent(String.self, forKey: Key("method"))
        path = try container.decodeIfPresent(String.self, forKey: Key("path"))
        status = try container.decodeIfPresent(Int.self, forKey: Key("status"))
        headers = try container.decodeIfPresent([String: String].self, forKey: Key("headers"))
        body = try container.decodeIfPresent(JSONValue.self, forKey: Key("body"))
        delayMs = try container.decodeIfPresent(Int.self, forKey: Key("delay_ms"))
        action = try container.decodeIfPresent(String.self, forKey: Key("action"))
        times = try container.decodeIfPresent(Int.self, forKey: Key("times"))
        probability = try container.decodeIfPresent(Double.self, forKey: Key("probability"))
        seed = try container.decodeIfPresent(Int64.self, forKey: Key("seed"))
    }
}
