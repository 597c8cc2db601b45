import Foundation

/// The opaque `next_page` (or `cursor`) token: the sort key of the last row a page returned,
/// so the next page starts right after it (keyset pagination: pages stay correct while rows
/// are inserted, and a deep page costs what the first does). `list` names the list it belongs
/// to, so a token from one list is refused by another.
struct PageCursor: Equatable, Sendable {
    /// The list this cursor pages through, e.g. `customers`.
    var list: String
    /// The sort key of the last row returned, one string per key column.
    var key: [String]

    /// The token a client sees: URL-safe base64 of `list` and the key.
    var token: String {
        let raw = ([list] + key).map { $0.replacingOccurrences(of: "\u{1F}", with: "") }.joined(separator: "\u{1F}")
        return Data(raw.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token of `list`, or throws a 400 naming `parameter`.
    init(token: String, list: String, parameter: String) throws {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let raw = String(data: data, encoding: .utf8) else {
            throw APIError.badRequest("'\(parameter)' is not a valid cursor")
        }
        let parts = raw.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0] == list else {
            throw APIError.badRequest("'\(parameter)' is not a cursor of this list")
        }
        self.list = list
        self.key = Array(parts.dropFirst())
    }

    /// A cursor positioned after a row with sort key `key`.
    init(list: String, key: [String]) {
        self.list = list
        self.key = key
    }

    /// The key column at `index` as an integer, or a 400 if the token was tampered with.
    func integer(at index: Int) throws -> Int64 {
        guard index < key.count, let value = Int64(key[index]) else {
            throw APIError.badRequest("'next_page' is not a valid cursor")
        }
        return value
    }
}

/// What a list request asks for: how many rows, after which cursor. Built the same way for
/// the four cursor styles Metronome's lists use, so one keyset machinery serves them all.
struct PageRequest: Sendable {
    /// Rows on this page.
    var limit: Int
    /// Where the page starts; nil for the first page.
    var after: PageCursor?

    /// Query-cursor lists (`?limit=&next_page=`): every GET list and several POSTs.
    init(query: QueryParameters, list: String, defaultLimit: Int = 100, maxLimit: Int = 100) throws {
        try self.init(
            limit: try query.int("limit"), token: query.string("next_page"), parameter: "next_page",
            list: list, defaultLimit: defaultLimit, maxLimit: maxLimit
        )
    }

    /// Lists paged by `next_page` in the query and a fixed page size (`/v1/usage`, alert lists).
    init(queryWithoutLimit query: QueryParameters, list: String, pageSize: Int) throws {
        try self.init(
            limit: nil, token: query.string("next_page"), parameter: "next_page",
            list: list, defaultLimit: pageSize, maxLimit: pageSize
        )
    }

    /// Body-cursor lists: `limit` and `next_page` (or `cursor`, for contract lists) in the JSON body.
    init(
        bodyLimit: Int?, bodyToken: String?, tokenField: String = "next_page",
        list: String, defaultLimit: Int, maxLimit: Int
    ) throws {
        try self.init(
            limit: bodyLimit, token: bodyToken, parameter: tokenField,
            list: list, defaultLimit: defaultLimit, maxLimit: maxLimit
        )
    }

    private init(
        limit: Int?, token: String?, parameter: String, list: String, defaultLimit: Int, maxLimit: Int
    ) throws {
        if let limit, !(1...maxLimit).contains(limit) {
            throw APIError.badRequest("'limit' must be between 1 and \(maxLimit)")
        }
        self.limit = limit ?? defaultLimit
        self.after = try token.flatMap { $0.isEmpty ? nil : try PageCursor(token: $0, list: list, parameter: parameter) }
    }

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    var fetchLimit: Int { limit + 1 }
}

/// One page of a list: `{"data": [...], "next_page": ...}`, or `"cursor"` for the lists that
/// name their token so.
struct Page<Item: Encodable>: Encodable {
    /// The rows of this page.
    var data: [Item]
    /// The token of the next page; nil (written as `null`) on the last page.
    var next: PageCursor?
    /// The JSON key of the token.
    var tokenField: TokenField = .nextPage

    /// Which key holds the next page's token.
    enum TokenField: String, Sendable {
        case nextPage = "next_page"
        case cursor
    }

    /// A page computed whole, with the cursor of the page after it, if any.
    init(data: [Item], next: PageCursor?, tokenField: TokenField = .nextPage) {
        self.data = data
        self.next = next
        self.tokenField = tokenField
    }

    /// The page of `rows`, fetched with `request.fetchLimit`: the extra row, if any, only tells
    /// that another page follows, whose cursor is the key of the last row kept.
    init<Row>(
        rows: [Row], request: PageRequest, list: String, tokenField: TokenField = .nextPage,
        key: (Row) -> [String], transform: (Row) throws -> Item
    ) rethrows {
        let kept = rows.prefix(request.limit)
        self.data = try kept.map(transform)
        self.next = rows.count > request.limit ? kept.last.map { PageCursor(list: list, key: key($0)) } : nil
        self.tokenField = tokenField
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { self.stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(data, forKey: Key("data"))
        try container.encode(next?.token, forKey: Key(tokenField.rawValue))
    }
}
