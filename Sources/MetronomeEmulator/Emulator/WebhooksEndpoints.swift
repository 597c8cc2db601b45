import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The control plane of webhooks: destinations added at run time (`/_emulator/webhooks`) and
/// the notification log with its deliveries (`/_emulator/notifications`).
struct WebhooksEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    /// The destinations of `--webhook-url`: listed, never removed.
    let flagDestinations: [WebhookDestination]

    /// The routes of webhooks and notifications.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/_emulator/webhooks", use: addDestination)
        routes.get("/_emulator/webhooks", use: listDestinations)
        routes.delete("/_emulator/webhooks/{webhook_id}", use: deleteDestination)
        routes.get("/_emulator/notifications", use: listNotifications)
        routes.post("/_emulator/notifications/{notification_id}/redeliver", use: redeliver)
        return routes
    }

    // MARK: - Destinations

    /// Adds a destination; it receives the notifications written from now on.
    @Sendable func addDestination(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: AddWebhookRequest.self, context: context)
        guard let url = body.url, !url.isEmpty else { throw APIError.badRequest("Missing required field 'url'") }
        if let problem = WebhookDestination.problem(withURL: url) { throw APIError.badRequest(problem) }
        guard let secret = body.secret, !secret.isEmpty else {
            throw APIError.badRequest("Missing required field 'secret' (the key that signs every request)")
        }
        if let eventTypes = body.eventTypes, eventTypes.contains(where: \.isEmpty) {
            throw APIError.badRequest("'event_types' must hold notification types, not empty strings")
        }
        let destination = WebhookDestination(
            id: UUID().uuidString.lowercased(), url: url, secret: secret, eventTypes: body.eventTypes
        )
        try await database.addWebhookDestination(destination)
        return try JSONResponse.ok(DataEnvelope(data: WebhookWire(destination, fromFlag: false)))
    }

    /// Every destination: those of `--webhook-url` first, then those added at run time.
    @Sendable func listDestinations(_ request: Request, context: Context) async throws -> Response {
        let added = try await database.webhookDestinations()
        let wires = flagDestinations.map { WebhookWire($0, fromFlag: true) } + added.map { WebhookWire($0, fromFlag: false) }
        return try JSONResponse.ok(DataEnvelope(data: wires))
    }

    /// Removes a destination added at run time (a `--webhook-url` one cannot be: 400).
    @Sendable func deleteDestination(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("webhook_id")
        if flagDestinations.contains(where: { $0.id == id }) {
            throw APIError.badRequest("Webhook \(id) was set by --webhook-url and cannot be removed at run time")
        }
        let removed = try await database.deleteWebhookDestination(id: id)
        return try JSONResponse.ok(DataEnvelope(data: WebhookWire(removed, fromFlag: false)))
    }

    // MARK: - Notifications

    /// The notification log, oldest first, paged by `limit` and `next_page`, filtered by `type`,
    /// `customer_id` and `since` (emulated time of creation).
    @Sendable func listNotifications(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let page = try PageRequest(query: query, list: AppDatabase.notificationsList)
        func given(_ name: String) -> String? { query.string(name).flatMap { $0.isEmpty ? nil : $0 } }
        let filter = NotificationFilter(type: given("type"), customerId: given("customer_id"), since: try query.timestamp("since"))
        let (notifications, next) = try await database.notifications(filter: filter, page: page)
        return try JSONResponse.ok(Page(data: notifications.map(NotificationWire.init), next: next))
    }

    /// Sends a notification again to every destination that receives its type.
    @Sendable func redeliver(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("notification_id")
        let destinations = flagDestinations + (try await database.webhookDestinations())
        try await database.redeliverNotification(
            id: id, destinations: destinations, wallNow: Timestamp(Date()).millisecondsSinceEpoch
        )
        return try JSONResponse.ok(DataEnvelope(data: ["id": id]))
    }
}

// MARK: - Wire

/// The body of `POST /_emulator/webhooks`.
struct AddWebhookRequest: Decodable {
    var url: String?
    var secret: String?
    var eventTypes: [String]?

    enum CodingKeys: String, CodingKey {
        case url, secret, eventTypes = "event_types"
    }
}

/// A destination as the control plane shows it: never its secret.
struct WebhookWire: Encodable {
    var id: String
    var url: String
    var eventTypes: [String]?
    /// Whether it comes from `--webhook-url`.
    var fromFlag: Bool

    init(_ destination: WebhookDestination, fromFlag: Bool) {
        id = destination.id
        url = destination.url
        eventTypes = destination.eventTypes
        self.fromFlag = fromFlag
    }

    enum CodingKeys: String, CodingKey {
        case id, url, eventTypes = "event_types", fromFlag = "from_flag"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(url, forKey: .url)
        try container.encode(eventTypes, forKey: .eventTypes)
        try container.encode(fromFlag, forKey: .fromFlag)
    }
}

/// A notification in the log: what was sent, and each destination's delivery.
struct NotificationWire: Encodable {
    var notification: StoredNotification

    init(_ notification: StoredNotification) {
        self.notification = notification
    }

    enum CodingKeys: String, CodingKey {
        case id, type, properties, customerId = "customer_id", createdAt = "created_at", deliveries
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(notification.id, forKey: .id)
        try container.encode(notification.type, forKey: .type)
        let properties = try JSONDecoder().decode(JSONValue.self, from: Data(notification.properties.utf8))
        try container.encode(properties, forKey: .properties)
        try container.encode(notification.customerId, forKey: .customerId)
        try container.encode(notification.createdAt, forKey: .createdAt)
        try container.encode(notification.deliveries.map(DeliveryWire.init), forKey: .deliveries)
    }
}

/// One destination's delivery of a notification; times are wall-clock.
struct DeliveryWire: Encodable {
    var delivery: NotificationDelivery

    init(_ delivery: NotificationDelivery) {
        self.delivery = delivery
    }

    enum CodingKeys: String, CodingKey {
        case webhookId = "webhook_id", state, attempts, lastStatus = "last_status", lastError = "last_error"
        case deliveredAt = "delivered_at", nextAttemptAt = "next_attempt_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(delivery.webhookId, forKey: .webhookId)
        try container.encode(delivery.state.rawValue, forKey: .state)
        try container.encode(delivery.attempts, forKey: .attempts)
        try container.encode(delivery.lastStatus, forKey: .lastStatus)
        try container.encode(delivery.lastError, forKey: .lastError)
        try container.encode(delivery.deliveredAt, forKey: .deliveredAt)
        try container.encode(delivery.nextAttemptAt, forKey: .nextAttemptAt)
    }
}
