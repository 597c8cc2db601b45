import Foundation
import MetronomeBilling
import MetronomeCodecs

/// The opaque `next_page` (or `cursor`) token: the sort key of the last row a page returned,
/// so the next page starts right after it (keyset pagination: pages stay correct while rows
/// are inserted, and a deep page costs what the first does). `list` names the list it belongs
/// to, so a token from one list is refused by another.
package struct PageCursor: Equatable, Sendable {
    /// The list this cursor pages through, e.g. `customers`.
    package var list: String
    /// The sort key of the last row returned, one string per key column.
    package var key: [String]

    /// The token a client sees: URL-safe base64 of `list`, the key and a checksum of both, so that
    /// a token altered by hand is refused rather than read as another position.
    package var token: String {
        let raw = ([list] + key).map { $0.replacingOccurrences(of: "\u{1F}", with: "") }.joined(separator: "\u{1F}")
        return Data((raw + "\u{1F}" + Self.checksum(raw)).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token of `list`, or throws a 400 naming `parameter`.
    package init(token: String, list: String, parameter: String) throws {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let raw = String(data: data, encoding: .utf8) else {
            throw StoreError.invalid("'\(parameter)' is not a valid cursor")
        }
        let parts = raw.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, parts.last == Self.checksum(parts.dropLast().joined(separator: "\u{1F}")) else {
            throw StoreError.invalid("'\(parameter)' is not a valid cursor")
        }
        guard parts[0] == list else {
            throw StoreError.invalid("'\(parameter)' is not a cursor of this list")
        }
        self.list = list
        self.key = Array(parts.dropFirst().dropLast())
    }

    /// A cursor positioned after a row with sort key `key`.
    package init(list: String, key: [String]) {
        self.list = list
        self.key = key
    }

    /// FNV-1a of `text`, in hex: enough to tell a token made here from one altered by hand.
    private static func checksum(_ text: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return String(hash, radix: 16)
    }

    /// The key column at `index` as an integer, or a 400 if the token was tampered with.
    package func integer(at index: Int) throws -> Int64 {
        guard index < key.count, let value = Int64(key[index]) else {
            throw StoreError.invalid("'next_page' is not a valid cursor")
        }
        return value
    }
}

/// What a list request asks for: how many rows, after which cursor. Built the same way for
/// the four cursor styles Metronome's lists use, so one keyset machinery serves them all.
package struct PageRequest: Sendable {
    /// Rows on this page.
    package var limit: Int
    /// Where the page starts; nil for the first page.
    package var after: PageCursor?

    /// Body-cursor lists: `limit` and `next_page` (or `cursor`, for contract lists) in the JSON body.
    package init(
        bodyLimit: Int?, bodyToken: String?, tokenField: String = "next_page",
        list: String, defaultLimit: Int, maxLimit: Int
    ) throws {
        try self.init(
            limit: bodyLimit, token: bodyToken, parameter: tokenField,
            list: list, defaultLimit: defaultLimit, maxLimit: maxLimit
        )
    }

    package init(
        limit: Int?, token: String?, parameter: String, list: String, defaultLimit: Int, maxLimit: Int
    ) throws {
        if let limit, !(1...maxLimit).contains(limit) {
            throw StoreError.invalid("'limit' must be between 1 and \(maxLimit)")
        }
        self.limit = limit ?? defaultLimit
        self.after = try token.flatMap { $0.isEmpty ? nil : try PageCursor(token: $0, list: list, parameter: parameter) }
    }

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    package var fetchLimit: Int { limit + 1 }
}
