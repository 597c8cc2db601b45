import Foundation
import Hummingbird
import HummingbirdCore
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Typed access to a request's query string, with 400s for values of the wrong type.
struct QueryParameters {
    private let parameters: FlatDictionary<Substring, Substring>

    /// The query parameters of `request`.
    init(_ request: Request) {
        self.init(query: request.uri.query ?? "")
    }

    /// The parameters of a raw query string, decoded as HTML forms and the SDKs encode them:
    /// `+` is a space, and keys and values are percent-decoded (`customer_ids%5B%5D` is
    /// `customer_ids[]`). An escape that is not valid UTF-8 is kept as sent. (Hummingbird's own
    /// `queryParameters` decodes values only, and leaves `+` as it is, so `ingest_alias=acme+corp`
    /// from the Python SDK would never match the alias `acme corp`.)
    init(query: String) {
        func decode(_ text: Substring) -> Substring {
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            return Substring(spaced.removingPercentEncoding ?? spaced)
        }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (key: decode(parts[0]), value: parts.count > 1 ? decode(parts[1]) : "")
        }
        self.parameters = FlatDictionary(pairs)
    }

    /// The last value of `name`, if present.
    func string(_ name: String) -> String? {
        parameters[values: Substring(name)].last.map(String.init)
    }

    /// Every value of an array parameter, in either form clients send: comma-joined
    /// (`ids=a,b`, the Python and Node SDKs), repeated (`ids=a&ids=b`) or bracketed (`ids[]=a`).
    func strings(_ name: String) -> [String] {
        let raw = parameters[values: Substring(name)] + parameters[values: Substring(name + "[]")]
        return raw.flatMap { $0.split(separator: ",", omittingEmptySubsequences: true) }.map(String.init)
    }

    /// A boolean parameter: `true` or `false`.
    func bool(_ name: String) throws -> Bool? {
        guard let text = string(name) else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.badRequest("Query parameter '\(name)' must be true or false")
        }
    }

    /// An integer parameter.
    func int(_ name: String) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text) else {
            throw APIError.badRequest("Query parameter '\(name)' must be an integer")
        }
        return value
    }

    /// An RFC 3339 timestamp parameter.
    func timestamp(_ name: String) throws -> Timestamp? {
        guard let text = string(name) else { return nil }
        guard let value = Timestamp(rfc3339: text) else {
            throw APIError.badRequest("Query parameter '\(name)' must be an RFC 3339 timestamp")
        }
        return value
    }
}
