import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// `GET /v1/auditLogs`: the writes made through the API, oldest first (or newest first).
struct AuditLogsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase

    static let list = "audit-logs"

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/v1/auditLogs", use: auditLogs)
        return routes
    }

    /// A page of entries. `next_page` is given with every page that holds entries, also the
    /// last, so a client can poll with it for entries written later; an empty page has none, so
    /// that the SDKs' auto-paging ends.
    @Sendable func auditLogs(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let page = try PageRequest(query: query, list: Self.list)
        let sort = query.string("sort") ?? "date_asc"
        guard sort == "date_asc" || sort == "date_desc" else {
            throw APIError.badRequest("'sort' must be date_asc or date_desc; got '\(sort)'")
        }
        let (startingOn, endingBefore) = (try query.timestamp("starting_on"), try query.timestamp("ending_before"))
        if page.after != nil, startingOn != nil || endingBefore != nil {
            throw APIError.badRequest("'starting_on' and 'ending_before' cannot be used with 'next_page'")
        }
        let (resourceType, resourceId) = (query.string("resource_type"), query.string("resource_id"))
        guard (resourceType == nil) == (resourceId == nil) else {
            throw APIError.badRequest("Give 'resource_type' and 'resource_id' together")
        }
        let newestFirst = sort == "date_desc"
        if let after = page.after, try after.integer(at: 1) != (newestFirst ? 1 : 0) {
            throw APIError.badRequest("'next_page' was issued for the other sort order")
        }
        let afterSeq = try page.after?.integer(at: 0)
        let rows = try await database.auditLogs(
            filter: AuditLogFilter(
                startingOn: startingOn, endingBefore: endingBefore, resourceType: resourceType, resourceId: resourceId,
                newestFirst: newestFirst
            ),
            afterSeq: afterSeq, limit: page.limit
        )
        let next = rows.last.map { PageCursor(list: Self.list, key: [String($0.seq), newestFirst ? "1" : "0"]) }
        return try JSONResponse.ok(AuditLogPage(data: rows.map(AuditLogWire.init), nextPage: next))
    }
}

/// A page of the audit log.
struct AuditLogPage: Encodable {
    var data: [AuditLogWire]
    var nextPage: PageCursor?

    enum CodingKeys: String, CodingKey {
        case data, nextPage = "next_page"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextPage?.token, forKey: .nextPage)
    }
}

/// An audit log entry as Metronome shows it.
struct AuditLogWire: Encodable {
    var id: String
    var request: RequestWire
    var timestamp: Timestamp
    var action: String
    var actor: ActorWire
    var description: String
    var resourceId: String?
    var resourceType: String
    var status: String

    struct RequestWire: Encodable {
        var id: String
        var ip: String?
        var userAgent: String?

        enum CodingKeys: String, CodingKey {
            case id, ip, userAgent = "user_agent"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(ip, forKey: .ip)
            try container.encode(userAgent, forKey: .userAgent)
        }
    }

    struct ActorWire: Encodable {
        var id: String
        var name: String
    }

    enum CodingKeys: String, CodingKey {
        case id, request, timestamp, action, actor, description, resourceId = "resource_id", resourceType = "resource_type", status
    }

    init(_ entry: AuditLogEntry) {
        id = entry.id
        request = RequestWire(id: entry.requestId, ip: nil, userAgent: entry.userAgent)
        timestamp = entry.timestamp
        action = entry.action
        actor = ActorWire(id: entry.actorId, name: entry.actorName)
        description = entry.description
        resourceId = entry.resourceId
        resourceType = entry.resourceType
        status = entry.status
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(request, forKey: .request)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(action, forKey: .action)
        try container.encode(actor, forKey: .actor)
        try container.encode(description, forKey: .description)
        try container.encode(resourceId, forKey: .resourceId)
        try container.encode(resourceType, forKey: .resourceType)
        try container.encode(status, forKey: .status)
    }
}
