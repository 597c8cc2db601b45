import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

extension AppDatabase {
    /// Creates a billable metric, rolling up the usage already ingested that it matches.
    package func createBillableMetric(name: String, definition: BillableMetricDefinition, customFields: [String: String], now: Timestamp) async throws -> String {
        try await writer.write { db in
            try Self.checkNewCustomFields(customFields, entity: .billableMetric, db)
            let record = BillableMetricRecord(
                id: UUID().uuidString.lowercased(), name: name, aggregationType: definition.aggregationType,
                aggregationKey: definition.aggregationKey, eventTypeFilter: definition.eventTypeFilter,
                propertyFilters: definition.propertyFilters, groupKeys: definition.groupKeys, sql: definition.sql,
                customFields: customFields, createdAt: now
            )
            try record.insert(db)
            if record.sql == nil {
                try Self.backfillRollup(for: RatedMetric(id: record.id, definition: record.definition), db)
            }
            return record.id
        }
    }

    /// The billable metric with `id`, archived or not; 404 if there is none.
    package func billableMetric(id: String) async throws -> BillableMetricRecord {
        try await writer.read { db in try Self.billableMetricRecord(id: id, db) }
    }

    /// Up to `limit` billable metrics, oldest first, after sequence `afterSeq`.
    package func billableMetrics(includeArchived: Bool, ids: [String]? = nil, afterSeq: Int64?, limit: Int) async throws -> [BillableMetricRecord] {
        try await writer.read { db in
            var request = BillableMetricRecord.order(BillableMetricRecord.Columns.seq)
            if !includeArchived {
                request = request.filter(BillableMetricRecord.Columns.archivedAt == nil)
            }
            if let ids {
                request = request.filter(ids.contains(BillableMetricRecord.Columns.id))
            }
            if let afterSeq {
                request = request.filter(BillableMetricRecord.Columns.seq > afterSeq)
            }
            return try request.limit(limit).fetchAll(db)
        }
    }

    /// Renames a billable metric (its only mutable field).
    package func renameBillableMetric(id: String, name: String) async throws {
        try await writer.write { db in
            var record = try Self.billableMetricRecord(id: id, db)
            record.name = name
            try record.update(db)
        }
    }

    /// Archives a billable metric; 400 if it is archived already.
    package func archiveBillableMetric(id: String, now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.billableMetricRecord(id: id, db)
            guard record.archivedAt == nil else {
                throw StoreError.invalid("Billable metric \(id) is already archived")
            }
            record.archivedAt = now
            try record.update(db)
        }
    }

    package static func billableMetricRecord(id: String, _ db: Database) throws -> BillableMetricRecord {
        guard let record = try BillableMetricRecord.filter(BillableMetricRecord.Columns.id == id).fetchOne(db) else {
            throw StoreError.notFound("Billable metric", id)
        }
        return record
    }
}
