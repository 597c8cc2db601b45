import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Lifecycle event notification configurations (`/v2/notifications/*`): offset notifications,
/// sent a set time before or after a contract's or commit's event, and the system notifications,
/// each of which can be turned off.
struct NotificationsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// Metronome answers at most 400 configurations per page.
    static let maxPageSize = 400

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v2/notifications/create", use: create)
        routes.post("/v2/notifications/get", use: get)
        routes.post("/v2/notifications/offset/list", use: list)
        routes.post("/v2/notifications/archive", use: archive)
        routes.post("/v2/notifications/edit", use: edit)
        routes.post("/v2/notifications/system/list", use: systemList)
        return routes
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateOffsetNotificationRequest.self, context: context)
        let name = try Validate.name(body.name ?? "", field: "name")
        let policy = try Self.offsetPolicy(body.policy)
        if let key = body.uniquenessKey { try Validate.length(key, field: "uniqueness_key", Limits.identifierLength) }
        let config = try await database.createOffsetNotification(
            name: name, eventType: policy.type, offsetText: policy.offset, uniquenessKey: body.uniquenessKey, now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: OffsetNotificationWire(config)))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: NotificationIDRequest.self, context: context)
        let config = try await database.offsetNotification(id: try Validate.id(body.id ?? "", field: "id"))
        return try JSONResponse.ok(DataEnvelope(data: OffsetNotificationWire(config)))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ListOffsetNotificationsRequest.self, context: context)
        let page = try PageRequest(
            bodyLimit: body.limit, bodyToken: body.cursor, tokenField: "cursor", list: "notification-configs",
            defaultLimit: Self.maxPageSize, maxLimit: Self.maxPageSize
        )
        let rows = try await database.offsetNotifications(
            filter: body.archiveFilter ?? .notArchived, afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit
        )
        return try JSONResponse.ok(
            Page(rows: rows, request: page, list: "notification-configs", tokenField: .cursor, key: { [String($0.seq)] },
                 transform: OffsetNotificationWire.init)
        )
    }

    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: NotificationIDRequest.self, context: context)
        let config = try await database.archiveOffsetNotification(id: try Validate.id(body.id ?? "", field: "id"), now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: OffsetNotificationWire(config)))
    }

    /// With `id`, changes an offset notification's offset; without, turns a system notification
    /// on or off (`is_enabled`).
    @Sendable func edit(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: EditNotificationRequest.self, context: context)
        guard let policy = body.policy else { throw APIError.badRequest("Missing required field 'policy'") }
        if let id = body.id {
            guard body.isEnabled == nil else {
                throw APIError.badRequest("'is_enabled' applies to system notifications only: send it without 'id'")
            }
            let offset = try Self.offsetPolicy(policy)
            let config = try await database.editOffsetNotification(
                id: try Validate.id(id, field: "id"), eventType: offset.type, offsetText: offset.offset
            )
            return try JSONResponse.ok(DataEnvelope(data: OffsetNotificationWire(config)))
        }
        guard policy.offset == nil else {
            throw APIError.badRequest("Give 'id' to edit an offset notification; a system notification has no 'policy.offset'")
        }
        let type = try Self.eventType(policy.type, allowed: LifecycleEvents.all)
        guard let isEnabled = body.isEnabled else {
            throw APIError.badRequest("Missing required field 'is_enabled' (true or false) for system notification \(type)")
        }
        try await database.setSystemNotification(eventType: type, isEnabled: isEnabled)
        return try JSONResponse.ok(DataEnvelope(data: SystemNotificationWire(eventType: type, isEnabled: isEnabled)))
    }

    @Sendable func systemList(_ request: Request, context: Context) async throws -> Response {
        _ = try await request.decodeJSON(as: EmptyRequest.self, context: context)
        let settings = try await database.systemNotificationSettings()
        return try JSONResponse.ok(Page(data: settings.map(SystemNotificationWire.init), next: nil, tokenField: .cursor))
    }

    // MARK: - Validation

    private static func offsetPolicy(_ policy: NotificationPolicyWire?) throws -> (type: String, offset: String) {
        guard let policy else { throw APIError.badRequest("Missing required field 'policy'") }
        let type = try eventType(policy.type, allowed: LifecycleEvents.offsettable)
        guard let offset = policy.offset else { throw APIError.badRequest("Missing required field 'policy.offset'") }
        guard SignedDuration(offset) != nil else {
            throw APIError.badRequest(
                "'policy.offset' must be an ISO 8601 duration of whole years, months, weeks, days, hours, minutes and seconds, "
                    + "negative for before the event (\"P1D\", \"-PT2H\"); got \"\(offset)\""
            )
        }
        return (type, offset)
    }

    private static func eventType(_ type: String?, allowed: [String]) throws -> String {
        guard let type else { throw APIError.badRequest("Missing required field 'policy.type'") }
        guard allowed.contains(type) else {
            throw APIError.badRequest("'policy.type' must be one of \(allowed.joined(separator: ", ")); got '\(type)'")
        }
        return type
    }
}

// MARK: - Wire

/// A lifecycle event policy as sent: the event type, and for an offset notification its offset.
struct NotificationPolicyWire: Decodable {
    var type: String?
    var offset: String?
}

struct CreateOffsetNotificationRequest: Decodable {
    var name: String?
    var policy: NotificationPolicyWire?
    var uniquenessKey: String?

    enum CodingKeys: String, CodingKey {
        case name, policy, uniquenessKey = "uniqueness_key"
    }
}

struct NotificationIDRequest: Decodable {
    var id: String?
}

struct ListOffsetNotificationsRequest: Decodable {
    var archiveFilter: ArchiveFilter?
    var cursor: String?
    var limit: Int?

    enum CodingKeys: String, CodingKey {
        case archiveFilter = "archive_filter", cursor, limit
    }
}

struct EditNotificationRequest: Decodable {
    var policy: NotificationPolicyWire?
    var id: String?
    var isEnabled: Bool?

    enum CodingKeys: String, CodingKey {
        case policy, id, isEnabled = "is_enabled"
    }
}

/// A body with nothing in it that matters.
struct EmptyRequest: Decodable {}

/// An offset notification configuration, as Metronome shows it.
struct OffsetNotificationWire: Encodable {
    var id: String
    var name: String
    var type = "OFFSET_LIFECYCLE_EVENT"
    var policy: Policy
    var environmentType = AppDatabase.environmentType
    var createdAt: Timestamp
    /// Who made it: the emulator keeps no users.
    var createdBy = "metronome-emulator"
    var archivedAt: Timestamp?

    struct Policy: Encodable {
        var type: String
        var offset: String
    }

    enum CodingKeys: String, CodingKey {
        case id, name, type, policy, environmentType = "environment_type", createdAt = "created_at", createdBy = "created_by"
        case archivedAt = "archived_at"
    }

    init(_ config: OffsetNotificationConfig) {
        id = config.id
        name = config.name
        policy = Policy(type: config.eventType, offset: config.offsetText)
        createdAt = config.createdAt
        archivedAt = config.archivedAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(policy, forKey: .policy)
        try container.encode(environmentType, forKey: .environmentType)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(createdBy, forKey: .createdBy)
        try container.encode(archivedAt, forKey: .archivedAt)
    }
}

/// A system notification type and whether it is published.
struct SystemNotificationWire: Encodable {
    var policy: Policy
    var type = "SYSTEM_LIFECYCLE_EVENT"
    var isEnabled: Bool

    struct Policy: Encodable {
        var type: String
    }

    enum CodingKeys: String, CodingKey {
        case policy, type, isEnabled = "is_enabled"
    }

    init(eventType: String, isEnabled: Bool) {
        policy = Policy(type: eventType)
        self.isEnabled = isEnabled
    }
}
