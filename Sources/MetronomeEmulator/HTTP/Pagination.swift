import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

extension PageRequest {
    /// Query-cursor lists (`?limit=&next_page=`): every GET list and several POSTs.
    init(query: QueryParameters, list: String, defaultLimit: Int = Limits.pageSize, maxLimit: Int = Limits.pageSize) throws {
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
