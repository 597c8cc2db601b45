import Foundation

/// Any JSON value a client may send where Metronome takes free-form data (a billing provider's
/// `configuration`, a named schedule's `value`), kept exactly and given back unchanged.
package enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// The compact JSON text of this value, as it is kept in the store.
    package var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: every case maps to a JSON value.
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "null"
    }

    /// `text` as a JSON string literal.
    package static func quoted(_ text: String) -> String {
        var result = ""
        appendQuoted(text, to: &result)
        return result
    }

    /// Appends `text` as a JSON string literal.
    package static func appendQuoted(_ text: String, to result: inout String) {
        result.append("\"")
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
            result.append(text)
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": result.append("\\\"")
                case "\\": result.append("\\\\")
                case _ where scalar.value < 0x20: result.append(String(format: "\\u%04x", scalar.value))
                default: result.unicodeScalars.append(scalar)
                }
            }
        }
        result.append("\"")
    }

    /// Reads JSON text (as `jsonText` writes it, or as a client sent it).
    package init(jsonText: String) throws {
        self = try JSONScanner.scan(jsonText) { scanner in
            let value = try scanner.readValue()
            try scanner.expectEnd()
            return value
        }
    }
}
