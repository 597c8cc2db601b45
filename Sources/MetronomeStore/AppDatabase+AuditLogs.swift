import Foundation
import GRDB
import MetronomeCodecs

/// One entry of the audit log: a write made through the API.
package struct AuditLogEntry: Sendable, Equatable {
    package var seq: Int64
    package var id: String
    /// Emulated time of the request.
    package var timestamp: Timestamp
    /// A stable digest of the bearer token, never the token.
    package var actorId: String
    package var actorName: String
    package var requestId: String
    package var userAgent: String?
    package var resourceType: String
    package var resourceId: String?
    package var action: String
    /// `success` or `failure`.
    package var status: String
    package var description: String

    /// A value with each stored property given.
    package init(
        seq: Int64 = 0, id: String, timestamp: Timestamp, actorId: String, actorName: String, requestId: String,
        userAgent: String?, resourceType: String, resourceId: String?, action: String, status: String, description: String
    ) {
        self.seq = seq
        self.id = id
        self.timestamp = timestamp
        self.actorId = actorId
        self.actorName = actorName
        self.requestId = requestId
        self.userAgent = userAgent
        self.resourceType = resourceType
        self.resourceId = resourceId
        self.action = action
        self.status = status
        self.description = description
    }

    fileprivate init(_ row: Row) {
        self.init(
            seq: row["seq"], id: row["id"], timestamp: row["timestamp"], actorId: row["actor_id"], actorName: row["actor_name"],
            requestId: row["request_id"], userAgent: row["user_agent"], resourceType: row["resource_type"],
            resourceId: row["resource_id"], action: row["action"], status: row["status"], description: row["description"]
        )
    }
}

/// Which audit log entries a list shows; nil fields admit any.
package struct AuditLogFilter: Sendable {
    package var startingOn: Timestamp?
    package var endingBefore: Timestamp?
    package var resourceType: String?
    package var resourceId: String?
    package var newestFirst: Bool

    /// A value with each stored property given.
    package init(
        startingOn: Timestamp? = nil, endingBefore: Timestamp? = nil, resourceType: String? = nil, resourceId: String? = nil,
        newestFirst: Bool = false
    ) {
        self.startingOn = startingOn
        self.endingBefore = endingBefore
        self.resourceType = resourceType
        self.resourceId = resourceId
        self.newestFirst = newestFirst
    }
}

extension AppDatabase {
    /// Appends an entry to the audit log.
    package func recordAudit(_ entry: AuditLogEntry) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO audit_log (id, timestamp, actor_id, actor_name, request_id, user_agent, resource_type, resource_id,
                                       action, status, description)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    entry.id, entry.timestamp, entry.actorId, entry.actorName, entry.requestId, entry.userAgent,
                    entry.resourceType, entry.resourceId, entry.action, entry.status, entry.description,
                ])
        }
    }

    /// Up to `limit` entries matching `filter` after (or, newest first, before) sequence `afterSeq`.
    package func auditLogs(filter: AuditLogFilter, afterSeq: Int64?, limit: Int) async throws -> [AuditLogEntry] {
        try await writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let afterSeq {
                conditions.append(filter.newestFirst ? "seq < ?" : "seq > ?")
                _ = arguments.append(contentsOf: [afterSeq])
            }
            if let start = filter.startingOn {
                conditions.append("timestamp >= ?")
                _ = arguments.append(contentsOf: [start])
            }
            if let end = filter.endingBefore {
                conditions.append("timestamp < ?")
                _ = arguments.append(contentsOf: [end])
            }
            if let type = filter.resourceType, let id = filter.resourceId {
                conditions.append("resource_type = ? AND resource_id = ?")
                _ = arguments.append(contentsOf: [type, id])
            }
            _ = arguments.append(contentsOf: [limit])
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: """
                SELECT * FROM audit_log \(whereClause) ORDER BY seq \(filter.newestFirst ? "DESC" : "ASC") LIMIT ?
                """, arguments: arguments).map(AuditLogEntry.init)
        }
    }
}
