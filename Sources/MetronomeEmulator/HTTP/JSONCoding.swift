import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore

/// JSON responses in Metronome's shape.
enum JSONResponse {
    /// The headers of every JSON response.
    static let headers: HTTPFields = [.contentType: "application/json"]

    /// A 200 whose body is `value` encoded as JSON.
    static func ok(_ value: some Encodable) throws -> Response {
        let bytes = try StreamingJSONEncoder.encode(value)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A 200 whose body is `bytes`, JSON already encoded.
    static func ok(bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A 200 with an empty body, for the endpoints the SDK reads no body from.
    static func empty() -> Response {
        Response(status: .ok)
    }
}

/// The `{"data": ...}` envelope of Metronome's single-object responses.
struct DataEnvelope<Payload: Encodable>: Encodable {
    /// The object the response is about.
    var data: Payload
}

/// `{"id": ...}`, what most of Metronome's creates and archives answer inside `data`.
struct IDPayload: Encodable {
    /// The ID of the object created or changed.
    var id: String
}

// MARK: - Request bodies

/// A body whose fields an endpoint does not read; decoding it still checks that it is a JSON
/// object within the size limit.
struct UnreadBody: Decodable {}

/// A body decoded as `T`, with the top-level fields it gave, to tell a field left out from one
/// sent (and to refuse fields that cannot go together or are not supported yet).
struct BodyWithFields<T: Decodable>: Decodable {
    /// The body.
    var value: T
    /// Each top-level field of the body, as sent.
    var fields: [String: JSONValue]

    /// Decodes the body as `T` and keeps its top-level fields.
    init(from decoder: any Decoder) throws {
        value = try T(from: decoder)
        fields = try [String: JSONValue](from: decoder)
    }

    /// Whether `field` was sent with a value: not null, and not an empty array or object.
    func gave(_ field: String) -> Bool {
        switch fields[field] {
        case nil, .null?: false
        case .array(let items)?: !items.isEmpty
        case .object(let members)?: !members.isEmpty
        default: true
        }
    }

    /// Throws a 400 for the first of `unsupported` the body gave, its name after `prefix` (the
    /// path of a nested object, such as `commits[0].`).
    func refuse(_ unsupported: [String], prefix: String = "") throws {
        if let field = unsupported.first(where: gave) {
            throw APIError.unsupportedField(prefix + field)
        }
    }
}

extension Request {
    /// Decodes the JSON body as `T`, turning every decoding failure into a 400 that names the
    /// field at fault. An empty body reads as `{}`, so endpoints whose fields are all optional
    /// need none.
    func decodeJSON<T: Decodable>(as type: T.Type, context: EmulatorRequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return try JSONBody.decode(type, from: buffer)
    }
}

/// Decoding of request bodies with Metronome-style 400 messages.
enum JSONBody {
    /// Decodes `buffer` as `T`, or throws a 400 `APIError` that says what is wrong and where.
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        let bytes = buffer.readableBytesView
        let data = bytes.allSatisfy(\.isJSONWhitespace) ? Data("{}".utf8) : Data(bytes)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw APIError.badRequest(message(for: error))
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.badRequest("Request body is not valid JSON")
        }
    }

    /// The 400 message for a decoding failure.
    static func message(for error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "Missing required field '\(path(context.codingPath + [key]))'"
        case .valueNotFound(_, let context):
            return "Field '\(path(context.codingPath))' must not be null"
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return String(describing: type).hasPrefix("Array<") ? "Request body must be a JSON array" : "Request body must be a JSON object"
            }
            return "Field '\(path(context.codingPath))' must be \(describe(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "Request body is not valid JSON"
            }
            return "Field '\(path(context.codingPath))' \(context.debugDescription)"
        @unknown default:
            return "Request body could not be read"
        }
    }

    /// `a.b[2].c` for a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return out
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Decimal.Type, is Float.Type: "a number"
        case is [Any].Type: "an array"
        case is [String: Any].Type, is Dictionary<String, JSONValue>.Type: "an object"
        default: typeName(type)
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.hasPrefix("Array<") { return "an array" }
        if name.hasPrefix("Dictionary<") { return "an object" }
        return "a valid value"
    }
}

extension UInt8 {
    fileprivate var isJSONWhitespace: Bool {
        self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09
    }
}
