import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A product to create, its fields already decoded by its endpoint (or a fixture).
package struct NewProduct: Sendable {
    /// A fixed ID (fixtures); nil for a new random one.
    package var id: String?
    package var type: ProductType
    /// The initial state; its `created_at` and `starting_at` are set on creation.
    package var state: ProductState
    package var customFields: [String: String]

    /// A value with each stored property given.
    package init(id: String? = nil, type: ProductType, state: ProductState, customFields: [String: String]) {
        self.id = id
        self.type = type
        self.state = state
        self.customFields = customFields
    }
}

/// Which products a list shows, by archive state.
package enum ProductArchiveFilter: String, WireEnum {
    case archived = "ARCHIVED"
    case notArchived = "NOT_ARCHIVED"
    case all = "ALL"
}

extension AppDatabase {
    /// The `created_by` of everything created through the API.
    package static let apiAuthor = "api"

    /// Creates a product; returns its ID.
    package func createProduct(_ new: NewProduct, now: Timestamp) async throws -> String {
        try await writer.write { db in try Self.insertProduct(new, now: now, db).id }
    }

    /// The product with `id`, archived or not; 404 if there is none.
    package func product(id: String) async throws -> ProductRecord {
        try await writer.read { db in try Self.productRecord(id: id, db) }
    }

    /// Up to `limit` products in `filter`, oldest first, after sequence `afterSeq`.
    package func products(filter: ProductArchiveFilter, afterSeq: Int64?, limit: Int) async throws -> [ProductRecord] {
        try await writer.read { db in
            var request = ProductRecord.order(ProductRecord.Columns.seq)
            switch filter {
            case .archived: request = request.filter(ProductRecord.Columns.archivedAt != nil)
            case .notArchived: request = request.filter(ProductRecord.Columns.archivedAt == nil)
            case .all: break
            }
            if let afterSeq {
                request = request.filter(ProductRecord.Columns.seq > afterSeq)
            }
            return try request.limit(limit).fetchAll(db)
        }
    }

    /// Adds a version to a product, taking effect at the update's `starting_at`. 400 if the
    /// product is archived or the update breaks a rule of its type.
    package func updateProduct(id: String, update: ProductState) async throws {
        try await writer.write { db in
            var record = try Self.productRecord(id: id, db)
            guard record.archivedAt == nil else {
                throw StoreError.invalid("Product \(id) is archived")
            }
            let latest = record.updates.reduce(record.initial) { $0.applying($1) }
            try Self.checkProduct(latest.applying(update), type: record.type, db)
            record.updates.append(update)
            try record.update(db)
        }
    }

    /// Archives a product; 400 if it is archived already.
    package func archiveProduct(id: String, now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.productRecord(id: id, db)
            guard record.archivedAt == nil else {
                throw StoreError.invalid("Product \(id) is already archived")
            }
            record.archivedAt = now
            try record.update(db)
        }
    }

    // MARK: - Helpers inside a transaction

    /// The product with `id`, archived or not; 404 if there is none.
    package static func productRecord(id: String, _ db: Database) throws -> ProductRecord {
        guard let record = try ProductRecord.filter(ProductRecord.Columns.id == id).fetchOne(db) else {
            throw StoreError.notFound("Product", id)
        }
        return record
    }

    /// Checks and inserts a product.
    package static func insertProduct(_ new: NewProduct, now: Timestamp, _ db: Database) throws -> ProductRecord {
        var state = new.state
        state.createdAt = now
        state.startingAt = now
        try checkProduct(state, type: new.type, db)
        let record = ProductRecord(
            id: new.id ?? UUID().uuidString.lowercased(), type: new.type.canonical, initial: state, updates: [],
            customFields: new.customFields, createdAt: now
        )
        try record.insert(db)
        return record
    }

    /// The rules of `ProductRules`, plus the references: the billable metric must exist and not
    /// be archived, and composite products must exist.
    private static func checkProduct(_ state: ProductState, type: ProductType, _ db: Database) throws {
        var metricGroupKeys: [[String]]?
        if let metricId = state.billableMetricId, type.canonical == .usage {
            let metric = try billableMetricRecord(id: metricId, db)
            guard metric.archivedAt == nil else {
                throw StoreError.invalid("Billable metric \(metricId) is archived")
            }
            metricGroupKeys = metric.sql == nil ? metric.groupKeys : nil
        }
        for productId in state.compositeProductIds ?? [] {
            _ = try productRecord(id: productId, db)
        }
        do throws(PricingRuleViolation) {
            try ProductRules.check(state, type: type.canonical, metricGroupKeys: metricGroupKeys)
        } catch {
            throw StoreError.invalid(error.message)
        }
    }
}
