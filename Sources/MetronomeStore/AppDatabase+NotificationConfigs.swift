import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// The lifecycle events system notifications are written for, in Metronome's order.
package enum LifecycleEvents {
    /// Every system lifecycle event type.
    package static let all = [
        "contract.create", "contract.start", "contract.edit", "contract.end", "contract.archive",
        "commit.create", "commit.edit", "commit.archive", "commit.segment.start", "commit.segment.end",
        "credit.create", "credit.edit", "credit.archive", "credit.segment.start", "credit.segment.end",
    ]
    /// Those an offset notification can follow: the events whose moment the store knows (an
    /// edit's moment is not kept).
    package static let offsettable = all.filter { !$0.hasSuffix(".edit") }
}

/// An offset notification configuration: a notification of `eventType` sent `offset` before or
/// after each such event.
package struct OffsetNotificationConfig: Sendable, Equatable {
    package var seq: Int64
    package var id: String
    package var name: String
    package var eventType: String
    /// The ISO 8601 duration as sent, with its sign (`-P3D`).
    package var offsetText: String
    package var uniquenessKey: String?
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?

    /// A value with each stored property given.
    package init(
        seq: Int64, id: String, name: String, eventType: String, offsetText: String, uniquenessKey: String?,
        createdAt: Timestamp, archivedAt: Timestamp?
    ) {
        self.seq = seq
        self.id = id
        self.name = name
        self.eventType = eventType
        self.offsetText = offsetText
        self.uniquenessKey = uniquenessKey
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }

    /// The moment this configuration fires for an event at `moment`.
    package func fireMoment(for moment: Timestamp) -> Timestamp? {
        SignedDuration(offsetText).map { $0.applied(to: moment) }
    }

    fileprivate init(_ row: Row) {
        self.init(
            seq: row["seq"], id: row["id"], name: row["name"], eventType: row["event_type"], offsetText: row["offset"],
            uniquenessKey: row["uniqueness_key"], createdAt: row["created_at"], archivedAt: row["archived_at"]
        )
    }
}

/// An ISO 8601 duration with an optional leading sign: `P1D` after, `-PT2H` before.
package struct SignedDuration: Sendable {
    package var negative: Bool
    package var duration: CalendarDuration

    /// Parses `text`; nil unless it is a well-formed (signed) duration.
    package init?(_ text: String) {
        negative = text.hasPrefix("-")
        let body = text.hasPrefix("-") || text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard let duration = CalendarDuration(body) else { return nil }
        self.duration = duration
    }

    /// `moment` moved by this duration, back when negative.
    package func applied(to moment: Timestamp) -> Timestamp {
        negative ? duration.before(moment) : duration.after(moment)
    }
}

/// Which offset configurations a list shows.
package enum ArchiveFilter: String, WireEnum {
    case archived = "ARCHIVED"
    case notArchived = "NOT_ARCHIVED"
    case all = "ALL"
}

extension AppDatabase {
    /// Creates an offset notification configuration; 409 for a uniqueness key in use.
    package func createOffsetNotification(
        name: String, eventType: String, offsetText: String, uniquenessKey: String?, now: Timestamp
    ) async throws -> OffsetNotificationConfig {
        try await writer.write { db in
            if let uniquenessKey, try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM notification_config WHERE uniqueness_key = ?)", arguments: [uniquenessKey]
            ) == true {
                throw StoreError.conflict(Self.uniquenessKeyUsedMessage)
            }
            let id = UUID().uuidString.lowercased()
            try db.execute(sql: """
                INSERT INTO notification_config (id, name, event_type, offset, uniqueness_key, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id, name, eventType, offsetText, uniquenessKey, now])
            return try Self.offsetNotification(id: id, db)
        }
    }

    /// One offset notification configuration, archived or not; 404 if unknown.
    package func offsetNotification(id: String) async throws -> OffsetNotificationConfig {
        try await writer.read { db in try Self.offsetNotification(id: id, db) }
    }

    /// Up to `limit` configurations matching `filter`, in creation order, after sequence `afterSeq`.
    package func offsetNotifications(filter: ArchiveFilter, afterSeq: Int64?, limit: Int) async throws -> [OffsetNotificationConfig] {
        try await writer.read { db in
            let archived = switch filter {
            case .archived: "archived_at IS NOT NULL"
            case .notArchived: "archived_at IS NULL"
            case .all: "1"
            }
            return try Row.fetchAll(db, sql: """
                SELECT * FROM notification_config WHERE \(archived) AND seq > ? ORDER BY seq LIMIT ?
                """, arguments: [afterSeq ?? 0, limit]).map(OffsetNotificationConfig.init)
        }
    }

    /// Archives a configuration (again, harmlessly): it fires no more.
    package func archiveOffsetNotification(id: String, now: Timestamp) async throws -> OffsetNotificationConfig {
        try await writer.write { db in
            _ = try Self.offsetNotification(id: id, db)
            try db.execute(sql: "UPDATE notification_config SET archived_at = COALESCE(archived_at, ?) WHERE id = ?", arguments: [now, id])
            return try Self.offsetNotification(id: id, db)
        }
    }

    /// Changes a configuration's offset; 400 if `eventType` is not its event type or it is archived.
    package func editOffsetNotification(id: String, eventType: String, offsetText: String) async throws -> OffsetNotificationConfig {
        try await writer.write { db in
            let config = try Self.offsetNotification(id: id, db)
            guard config.eventType == eventType else {
                throw StoreError.invalid("'policy.type' must stay \(config.eventType), the event type of notification \(id)")
            }
            guard config.archivedAt == nil else { throw StoreError.invalid("Notification \(id) is archived") }
            try db.execute(sql: "UPDATE notification_config SET offset = ? WHERE id = ?", arguments: [offsetText, id])
            return try Self.offsetNotification(id: id, db)
        }
    }

    /// Whether each system lifecycle event is published, in `LifecycleEvents.all` order.
    package func systemNotificationSettings() async throws -> [(eventType: String, isEnabled: Bool)] {
        try await writer.read { db in
            let disabled = try Set(String.fetchAll(db, sql: "SELECT event_type FROM system_notification_disabled"))
            return LifecycleEvents.all.map { ($0, !disabled.contains($0)) }
        }
    }

    /// Turns the publishing of a system lifecycle event on or off.
    package func setSystemNotification(eventType: String, isEnabled: Bool) async throws {
        try await writer.write { db in
            if isEnabled {
                try db.execute(sql: "DELETE FROM system_notification_disabled WHERE event_type = ?", arguments: [eventType])
            } else {
                try db.execute(sql: "INSERT OR IGNORE INTO system_notification_disabled (event_type) VALUES (?)", arguments: [eventType])
            }
        }
    }

    // MARK: - Inside a transaction

    static func offsetNotification(id: String, _ db: Database) throws -> OffsetNotificationConfig {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM notification_config WHERE id = ?", arguments: [id]) else {
            throw StoreError.notFound("Notification", id)
        }
        return OffsetNotificationConfig(row)
    }

    /// The configurations that fire: not archived.
    static func liveOffsetNotifications(_ db: Database) throws -> [OffsetNotificationConfig] {
        try Row.fetchAll(db, sql: "SELECT * FROM notification_config WHERE archived_at IS NULL ORDER BY seq")
            .map(OffsetNotificationConfig.init)
    }

    /// Whether system notifications of `eventType` are published.
    static func isPublished(_ eventType: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT NOT EXISTS (SELECT 1 FROM system_notification_disabled WHERE event_type = ?)", arguments: [eventType]
        ) ?? true
    }
}
