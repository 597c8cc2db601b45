import Foundation
import HTTPTypes
import Hummingbird
import MetronomeCodecs
import NIOCore

// MARK: - Journal entries

/// A journal entry on the wire: `{"id", "method", "path", "query", "request": {"headers", "body",
/// "body_size"}, "response": {"status", "body", "body_size"} or null, "duration_ms", "received_at",
/// "emulated_at", "fault"?}`.
struct JournalEntryWire: Encodable {
    let entry: JournalEntry
    /// Whether the bodies are written (`bodies=false` leaves them out, keeping their sizes).
    var includesBodies = true

    init(_ entry: JournalEntry, includesBodies: Bool = true) {
        self.entry = entry
        self.includesBodies = includesBodies
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(String(entry.id), forKey: "id")
        try container.encode(entry.head.method.rawValue, forKey: "method")
        try container.encode(entry.path, forKey: "path")
        try container.encode(entry.query, forKey: "query")
        try container.encode(
            RequestWire(headers: HeadersWire(entry.head.headerFields), body: BodyWire(entry.requestBody), includesBody: includesBodies),
            forKey: "request"
        )
        if let status = entry.status {
            try container.encode(
                ResponseWire(status: status, body: BodyWire(entry.responseBody), includesBody: includesBodies), forKey: "response"
            )
        } else {
            try container.encodeNil(forKey: "response")
        }
        try container.encode(Self.milliseconds(entry.duration), forKey: "duration_ms")
        try container.encode(entry.receivedAt, forKey: "received_at")
        try container.encode(entry.emulatedAt, forKey: "emulated_at")
        if let fault = entry.fault {
            try container.encode(FaultRuleWire(fault), forKey: "fault")
        }
    }

    /// Milliseconds to the microsecond.
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return Double(microseconds) / 1000
    }

    private struct RequestWire: Encodable {
        var headers: HeadersWire
        var body: BodyWire
        var includesBody: Bool

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: WireKey.self)
            try container.encode(headers, forKey: "headers")
            if includesBody { try container.encode(body, forKey: "body") }
            try container.encode(body.size, forKey: "body_size")
        }
    }

    private struct ResponseWire: Encodable {
        var status: Int
        var body: BodyWire
        var includesBody: Bool

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: WireKey.self)
            try container.encode(status, forKey: "status")
            if includesBody { try container.encode(body, forKey: "body") }
            try container.encode(body.size, forKey: "body_size")
        }
    }
}

/// Request headers as a JSON object: names lower-cased, in the order sent, repeated fields
/// joined with ", ", and the `Authorization` value cut to its scheme (`Bearer ***`).
struct HeadersWire: Encodable {
    let fields: [(name: String, value: String)]

    init(_ headers: HTTPFields) {
        var fields: [(name: String, value: String)] = []
        var index: [String: Int] = [:]
        for field in headers {
            let name = field.name.canonicalName
            let value = field.name == .authorization ? Self.masked(field.value) : field.value
            if let at = index[name] {
                fields[at].value += ", " + value
            } else {
                index[name] = fields.count
                fields.append((name, value))
            }
        }
        self.fields = fields
    }

    /// `Bearer abc` as `Bearer ***`; a value without a scheme as `***`.
    static func masked(_ value: String) -> String {
        let trimmed = value.drop { $0 == " " || $0 == "\t" }
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return "***" }
        return trimmed[..<space] + " ***"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: WireKey.self)
        for (name, value) in fields {
            try container.encode(value, forKey: WireKey(name))
        }
    }
}

/// A body as the journal shows it: a string when its bytes are UTF-8, else
/// `{"base64": "..."}`. A body cut at the journal's limit loses the partial character at its end.
struct BodyWire: Encodable {
    let bytes: ByteBuffer
    /// The whole body's size, in bytes.
    let size: Int

    init(_ body: CapturedBody) {
        bytes = body.bytes
        size = body.size
    }

    func encode(to encoder: any Encoder) throws {
        let view = bytes.readableBytesView
        if let text = String(validating: view, as: UTF8.self) {
            var container = encoder.singleValueContainer()
            try container.encode(text)
            return
        }
        if size > view.count {
            // Cut inside a character: drop its first bytes, at most three.
            for drop in 1...3 where drop <= view.count {
                if let text = String(validating: view.dropLast(drop), as: UTF8.self) {
                    var container = encoder.singleValueContainer()
                    try container.encode(text)
                    return
                }
            }
        }
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(Data(view).base64EncodedString(), forKey: "base64")
    }
}

// MARK: - Fault rules

/// A fault rule on the wire: its ID, the fields it was made with, and `remaining` (requests left
/// to fault) for a rule with `times`.
struct FaultRuleWire: Encodable {
    let installed: FaultInjector.Installed

    init(_ installed: FaultInjector.Installed) {
        self.installed = installed
    }

    func encode(to encoder: any Encoder) throws {
        let rule = installed.rule
        var container = encoder.container(keyedBy: WireKey.self)
        try container.encode(rule.id, forKey: "id")
        try container.encodeIfPresent(rule.method, forKey: "method")
        try container.encodeIfPresent(rule.path, forKey: "path")
        try container.encodeIfPresent(rule.status, forKey: "status")
        if !rule.headers.isEmpty {
            try container.encode(GivenHeaders(fields: rule.headers), forKey: "headers")
        }
        try container.encodeIfPresent(rule.body, forKey: "body")
        try container.encodeIfPresent(rule.delayMilliseconds, forKey: "delay_ms")
        try container.encodeIfPresent(rule.action?.rawValue, forKey: "action")
        try container.encodeIfPresent(rule.times, forKey: "times")
        try container.encodeIfPresent(rule.probability, forKey: "probability")
        try container.encodeIfPresent(rule.seed, forKey: "seed")
        try container.encodeIfPresent(installed.remaining, forKey: "remaining")
    }

    private struct GivenHeaders: Encodable {
        let fields: [(name: String, value: String)]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: WireKey.self)
            for (name, value) in fields {
                try container.encode(value, forKey: WireKey(name))
            }
        }
    }
}

/// `{"deleted": n}`, what the control plane's DELETEs of a whole collection answer.
struct DeletedWire: Encodable {
    /// How many items were removed.
    var deleted: Int
}

/// A JSON key named at run time (or by a string literal).
struct WireKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
}
