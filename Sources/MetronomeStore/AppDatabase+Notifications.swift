import Foundation
import GRDB
import Synchronization
import MetronomeBilling
import MetronomeCodecs

// The notifications outbox: a notification is written in the transaction of the change that
// causes it, then fanned out to one delivery per matching webhook destination, which the
// delivery service works through. Emulated times (`created_at`) come from the emulator's clock;
// delivery times (`queued_at`, `next_attempt_at`, `delivered_at`) are wall-clock milliseconds,
// since deliveries really happen.

/// A webhook destination: where notifications are POSTed and the secret that signs them.
package struct WebhookDestination: Sendable, Equatable {
    /// Its ID (a UUID).
    package var id: String
    /// The `http` or `https` URL notifications are POSTed to.
    package var url: String
    /// The HMAC key of `Metronome-Webhook-Signature`; never shown.
    package var secret: String
    /// The notification types it receives; nil: every type.
    package var eventTypes: [String]?

    /// A destination with these fields.
    package init(id: String, url: String, secret: String, eventTypes: [String]?) {
        self.id = id
        self.url = url
        self.secret = secret
        self.eventTypes = eventTypes
    }

    /// Whether it receives notifications of `type`.
    package func receives(_ type: String) -> Bool {
        eventTypes.map { $0.contains(type) } ?? true
    }
}

/// Where a notification's delivery to one destination stands.
package enum DeliveryState: String, Sendable {
    /// Not acknowledged yet: an attempt is due at `nextAttemptAt`.
    case pending
    /// Acknowledged with a 2xx.
    case delivered
    /// Given up on, after two days of failures.
    case failed
}

/// One notification's delivery to one destination, as the delivery log shows it.
package struct NotificationDelivery: Sendable, Equatable {
    package var webhookId: String
    package var state: DeliveryState
    package var attempts: Int
    /// The HTTP status of the last attempt; nil before the first or when it got no answer.
    package var lastStatus: Int?
    /// Why the last attempt got no answer (timeout, refused connection), if so.
    package var lastError: String?
    /// Wall-clock time of acknowledgment.
    package var deliveredAt: Timestamp?
    /// Wall-clock time of the next attempt, while pending.
    package var nextAttemptAt: Timestamp?
}

/// A notification with its deliveries.
package struct StoredNotification: Sendable {
    package var seq: Int64
    package var id: String
    package var type: String
    /// The JSON text of its `properties` object, or of a system notification's fields.
    package var properties: String
    /// Whether it is a system notification, whose fields are sent beside `id` and `type` rather
    /// than in `properties`.
    package var isSystem: Bool
    package var customerId: String?
    /// Emulated time it was written.
    package var createdAt: Timestamp
    package var deliveries: [NotificationDelivery]

    /// The body every destination is sent, the same bytes on every attempt.
    package var body: String { Self.body(id: id, type: type, properties: properties, isSystem: isSystem) }

    /// `{"id", "type", "properties"}`, or for a system notification `{"id", "type", ...fields}`.
    package static func body(id: String, type: String, properties: String, isSystem: Bool) -> String {
        let head = "{\"id\":\(JSONValue.quoted(id)),\"type\":\(JSONValue.quoted(type))"
        guard isSystem else { return head + ",\"properties\":\(properties)}" }
        let fields = properties.dropFirst()
        return head + (fields == "}" ? "}" : "," + fields)
    }
}

/// A delivery whose turn it is at its destination: the oldest pending one.
package struct DueDelivery: Sendable {
    package var notificationSeq: Int64
    /// The notification's ID, which (unlike `notificationSeq`, reused after a reset) names it for good.
    package var notificationId: String
    package var webhookId: String
    package var attempts: Int
    /// Wall-clock milliseconds when it was queued, from which the two days of retries count.
    package var queuedAt: Int64
    /// Wall-clock milliseconds of the attempt it waits for.
    package var nextAttemptAt: Int64
    /// The request body.
    package var body: String
}

/// Filters of the notification log.
package struct NotificationFilter: Sendable {
    package var type: String?
    package var customerId: String?
    /// Notifications created (emulated time) at or after this.
    package var since: Timestamp?

    package init(type: String? = nil, customerId: String? = nil, since: Timestamp? = nil) {
        self.type = type
        self.customerId = customerId
        self.since = since
    }
}

extension AppDatabase {
    /// The name of the notification log's cursors.
    package static let notificationsList = "emulator_notifications"

    // MARK: - Outbox

    /// Writes a notification in the current transaction, so that it exists if and only if the
    /// change that causes it is committed.
    package static func recordNotification(
        type: String, properties: [String: JSONValue], customerId: String?, now: Timestamp, _ db: Database
    ) throws {
        try db.execute(
            sql: "INSERT INTO notification (id, type, properties, customer_id, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [UUID().uuidString.lowercased(), type, JSONValue.object(properties).jsonText, customerId, now]
        )
    }

    /// Writes a system notification (contract, commit and credit life cycle), whose fields are
    /// sent beside `id` and `type`, in the current transaction, unless its type was turned off
    /// (`/v2/notifications/edit` with `is_enabled: false`).
    package static func recordSystemNotification(
        type: String, fields: [String: JSONValue], customerId: String?, now: Timestamp, _ db: Database
    ) throws {
        guard try isPublished(type, db) else { return }
        try recordNotification(kind: .system, type: type, fields: fields, customerId: customerId, now: now, db)
    }

    /// How a notification's body carries its fields.
    package enum NotificationKind {
        /// Under `properties`.
        case properties
        /// Beside `id` and `type`: system and offset notifications.
        case system
    }

    /// Writes a notification in the current transaction.
    static func recordNotification(
        kind: NotificationKind, type: String, fields: [String: JSONValue], customerId: String?, now: Timestamp, _ db: Database
    ) throws {
        try db.execute(
            sql: "INSERT INTO notification (id, type, properties, customer_id, created_at, is_system) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [UUID().uuidString.lowercased(), type, JSONValue.object(fields).jsonText, customerId, now, kind == .system]
        )
    }

    // MARK: - Destinations added at run time

    /// Adds a destination.
    package func addWebhookDestination(_ destination: WebhookDestination) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO webhook_destination (id, url, secret, event_types) VALUES (?, ?, ?, ?)",
                arguments: [
                    destination.id, destination.url, destination.secret,
                    destination.eventTypes.map { JSONValue.array($0.map(JSONValue.string)).jsonText },
                ]
            )
        }
    }

    /// The destinations added at run time, oldest first.
    package func webhookDestinations() async throws -> [WebhookDestination] {
        try await writer.read { db in try Self.webhookDestinations(db) }
    }

    private static func webhookDestinations(_ db: Database) throws -> [WebhookDestination] {
        try Row.fetchAll(db, sql: "SELECT id, url, secret, event_types FROM webhook_destination ORDER BY seq").map { row in
            let eventTypes: String? = row["event_types"]
            return WebhookDestination(
                id: row["id"], url: row["url"], secret: row["secret"],
                eventTypes: try eventTypes.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) }
            )
        }
    }

    /// Removes a destination added at run time, and its deliveries not yet made; the log keeps
    /// those that were. Throws `notFound` for an unknown ID.
    package func deleteWebhookDestination(id: String) async throws -> WebhookDestination {
        try await writer.write { db in
            guard let destination = try Self.webhookDestinations(db).first(where: { $0.id == id }) else {
                throw StoreError.notFound("webhook", id)
            }
            try db.execute(sql: "DELETE FROM webhook_destination WHERE id = ?", arguments: [id])
            try db.execute(
                sql: "DELETE FROM notification_delivery WHERE webhook_id = ? AND state = 'pending'", arguments: [id]
            )
            return destination
        }
    }

    // MARK: - Delivery

    /// Queues, for every notification not fanned out yet, one delivery per destination of
    /// `destinations` that receives its type, due at once (`wallNow`).
    package func fanOutNotifications(to destinations: [WebhookDestination], wallNow: Int64) async throws {
        try await writer.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT seq, type FROM notification WHERE fanned_out = 0 ORDER BY seq")
            guard !rows.isEmpty else { return }
            for row in rows {
                let seq: Int64 = row["seq"]
                let type: String = row["type"]
                for destination in destinations where destination.receives(type) {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO notification_delivery
                            (notification_seq, webhook_id, state, queued_at, next_attempt_at)
                        VALUES (?, ?, 'pending', ?, ?)
                        """, arguments: [seq, destination.id, wallNow, wallNow])
                }
            }
            try db.execute(sql: "UPDATE notification SET fanned_out = 1 WHERE fanned_out = 0")
        }
    }

    /// Whether any notification waits to be fanned out.
    package func hasNotificationsToFanOut() async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM notification WHERE fanned_out = 0)") ?? false
        }
    }

    /// For each destination of `webhookIds`, its oldest pending delivery (deliveries to one
    /// destination go in order: a later one waits for the one before it).
    package func headDeliveries(webhookIds: [String]) async throws -> [DueDelivery] {
        try await writer.read { db in
            var heads: [DueDelivery] = []
            for webhookId in webhookIds {
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT d.notification_seq, d.attempts, d.queued_at, d.next_attempt_at, n.id, n.type, n.properties, n.is_system
                    FROM notification_delivery d JOIN notification n ON n.seq = d.notification_seq
                    WHERE d.webhook_id = ? AND d.state = 'pending'
                    ORDER BY d.notification_seq LIMIT 1
                    """, arguments: [webhookId])
                else { continue }
                let id: String = row["id"]
                let type: String = row["type"]
                let properties: String = row["properties"]
                heads.append(DueDelivery(
                    notificationSeq: row["notification_seq"], notificationId: id, webhookId: webhookId, attempts: row["attempts"],
                    queuedAt: row["queued_at"], nextAttemptAt: row["next_attempt_at"] ?? row["queued_at"],
                    body: StoredNotification.body(id: id, type: type, properties: properties, isSystem: row["is_system"])
                ))
            }
            return heads
        }
    }

    /// Records an attempt of a delivery: its HTTP status (nil when no answer came, with `error`
    /// saying why), and what follows: delivered, another attempt at `nextAttemptAt`, or given up
    /// (`nextAttemptAt` nil and not delivered). A delivery removed meanwhile (reset, destination
    /// deleted) stays removed: the delivery is named by the notification's ID, never reused.
    package func recordDeliveryAttempt(
        notificationId: String, webhookId: String, status: Int?, error: String?, delivered: Bool,
        nextAttemptAt: Int64?, wallNow: Int64
    ) async throws {
        let state: DeliveryState = delivered ? .delivered : (nextAttemptAt == nil ? .failed : .pending)
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE notification_delivery
                SET attempts = attempts + 1, last_status = ?, last_error = ?, state = ?, next_attempt_at = ?,
                    delivered_at = ?
                WHERE notification_seq = (SELECT seq FROM notification WHERE id = ?) AND webhook_id = ?
                    AND state = 'pending'
                """, arguments: [
                    status, error, state.rawValue, delivered ? nil : nextAttemptAt, delivered ? wallNow : nil,
                    notificationId, webhookId,
                ])
        }
    }

    /// Sends a notification again: every delivery of it becomes pending and due at once (its
    /// attempts keep counting), and destinations it was never queued for that receive its type
    /// get one. Throws `notFound` for an unknown ID.
    package func redeliverNotification(id: String, destinations: [WebhookDestination], wallNow: Int64) async throws {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT seq, type FROM notification WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound("notification", id)
            }
            let seq: Int64 = row["seq"]
            let type: String = row["type"]
            try db.execute(sql: """
                UPDATE notification_delivery
                SET state = 'pending', next_attempt_at = ?, delivered_at = NULL, queued_at = ?
                WHERE notification_seq = ?
                """, arguments: [wallNow, wallNow, seq])
            for destination in destinations where destination.receives(type) {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO notification_delivery
                        (notification_seq, webhook_id, state, queued_at, next_attempt_at)
                    VALUES (?, ?, 'pending', ?, ?)
                    """, arguments: [seq, destination.id, wallNow, wallNow])
            }
            try db.execute(sql: "UPDATE notification SET fanned_out = 1 WHERE seq = ?", arguments: [seq])
        }
    }

    // MARK: - Log

    /// A page of notifications, oldest first, with their deliveries.
    package func notifications(
        filter: NotificationFilter, page: PageRequest
    ) async throws -> (notifications: [StoredNotification], next: PageCursor?) {
        try await writer.read { db in
            var conditions = ["seq > ?"]
            var arguments: StatementArguments = [try page.after?.integer(at: 0) ?? 0]
            if let type = filter.type {
                conditions.append("type = ?")
                _ = arguments.append(contentsOf: [type])
            }
            if let customerId = filter.customerId {
                conditions.append("customer_id = ?")
                _ = arguments.append(contentsOf: [customerId])
            }
            if let since = filter.since {
                conditions.append("created_at >= ?")
                _ = arguments.append(contentsOf: [since])
            }
            _ = arguments.append(contentsOf: [page.fetchLimit])
            let rows = try Row.fetchAll(db, sql: """
                SELECT seq, id, type, properties, is_system, customer_id, created_at FROM notification
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq LIMIT ?
                """, arguments: arguments)
            var notifications: [StoredNotification] = []
            for row in rows.prefix(page.limit) {
                let seq: Int64 = row["seq"]
                let deliveries = try Row.fetchAll(db, sql: """
                    SELECT d.webhook_id, d.state, d.attempts, d.last_status, d.last_error, d.delivered_at, d.next_attempt_at
                    FROM notification_delivery d WHERE d.notification_seq = ? ORDER BY d.rowid
                    """, arguments: [seq]).map { delivery in
                        NotificationDelivery(
                            webhookId: delivery["webhook_id"],
                            state: DeliveryState(rawValue: delivery["state"]) ?? .pending,
                            attempts: delivery["attempts"], lastStatus: delivery["last_status"],
                            lastError: delivery["last_error"],
                            deliveredAt: (delivery["delivered_at"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:)),
                            nextAttemptAt: (delivery["next_attempt_at"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
                        )
                    }
                notifications.append(StoredNotification(
                    seq: seq, id: row["id"], type: row["type"], properties: row["properties"],
                    isSystem: row["is_system"], customerId: row["customer_id"], createdAt: row["created_at"], deliveries: deliveries
                ))
            }
            let next = rows.count > page.limit
                ? notifications.last.map { PageCursor(list: Self.notificationsList, key: [String($0.seq)]) } : nil
            return (notifications, next)
        }
    }
}

/// Rings when a committed transaction changes the outbox (a notification written, a delivery
/// made due again, a destination added), so that delivery need not wait out its poll interval.
package final class OutboxBell: TransactionObserver, Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
        var changing = false
    }

    private let state = Mutex(State())
    private static let tables: Set<String> = ["notification", "notification_delivery", "webhook_destination"]

    package init() {}

    package func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { Self.tables.contains(eventKind.tableName) }
    package func databaseDidChange(with event: DatabaseEvent) { state.withLock { $0.changing = true } }
    package func databaseDidCommit(_ db: Database) {
        if state.withLock({ state in defer { state.changing = false }; return state.changing }) { ring() }
    }
    package func databaseDidRollback(_ db: Database) { state.withLock { $0.changing = false } }

    /// Wakes the waiter, or the next one to wait.
    package func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when the bell rings (or rang since the last wait), after `duration`, or when the
    /// task is cancelled.
    package func wait(upTo duration: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Only a wait that ran its course rings: one cut short leaves no ring behind.
                if (try? await Task.sleep(for: duration)) != nil { self.ring() }
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let rang = state.withLock { state -> Bool in
                        if state.rung {
                            state.rung = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if rang { continuation.resume() }
                }
            } onCancel: {
                self.ring()
            }
            group.cancelAll()
        }
    }
}
