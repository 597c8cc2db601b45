import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// What a new customer is made of, already validated by its endpoint.
package struct NewCustomer: Sendable {
    package var name: String
    /// Aliases in order, `external_id` first when given, without repeats.
    package var ingestAliases: [String]
    package var externalId: String?
    package var customFields: [String: String]
    package var legacyBillingConfig: LegacyBillingConfig?
    package var billingProviderConfigurations: [NewBillingProviderConfiguration]
    package var revenueSystemConfigurations: [NewRevenueSystemConfiguration]

    /// A value with each stored property given.
    package init(
        name: String,
        ingestAliases: [String],
        externalId: String? = nil,
        customFields: [String: String],
        legacyBillingConfig: LegacyBillingConfig? = nil,
        billingProviderConfigurations: [NewBillingProviderConfiguration],
        revenueSystemConfigurations: [NewRevenueSystemConfiguration] = []
    ) {
        self.name = name
        self.ingestAliases = ingestAliases
        self.externalId = externalId
        self.customFields = customFields
        self.legacyBillingConfig = legacyBillingConfig
        self.billingProviderConfigurations = billingProviderConfigurations
        self.revenueSystemConfigurations = revenueSystemConfigurations
    }
}

/// Which customers a list shows.
package struct CustomerFilter: Sendable {
    package var customerIds: [String] = []
    package var ingestAlias: String?
    package var onlyArchived: Bool = false
    package var salesforceAccountIds: [String] = []

    /// A value with each stored property given.
    package init(
        customerIds: [String] = [],
        ingestAlias: String? = nil,
        onlyArchived: Bool = false,
        salesforceAccountIds: [String] = []
    ) {
        self.customerIds = customerIds
        self.ingestAlias = ingestAlias
        self.onlyArchived = onlyArchived
        self.salesforceAccountIds = salesforceAccountIds
    }
}

extension AppDatabase {
    /// Creates a customer with its aliases and any billing and revenue system configurations sent with it.
    package func createCustomer(_ new: NewCustomer, now: Timestamp) async throws -> CustomerSnapshot {
        try await writer.write { db in
            let id = UUID().uuidString.lowercased()
            try Self.checkAliasesAreFree(new.ingestAliases, for: id, db)
            try Self.checkNewCustomFields(new.customFields, entity: .customer, db)
            let record = CustomerRecord(
                id: id, name: new.name, externalId: new.externalId ?? new.ingestAliases.first ?? id,
                customFields: new.customFields, createdAt: now, updatedAt: now
            )
            try record.insert(db)
            try Self.replaceAliases(of: id, with: new.ingestAliases, db)
            if let legacy = new.legacyBillingConfig {
                try Self.saveLegacyBillingConfig(legacy, customerId: id, db)
            }
            for configuration in new.billingProviderConfigurations {
                var configuration = configuration
                configuration.customerId = id
                _ = try Self.insertBillingProviderConfiguration(configuration, now: now, db)
            }
            for configuration in new.revenueSystemConfigurations {
                var configuration = configuration
                configuration.customerId = id
                _ = try Self.insertRevenueSystemConfiguration(configuration, now: now, db)
            }
            return CustomerSnapshot(record: record, ingestAliases: new.ingestAliases)
        }
    }

    /// The customer with `id`, archived or not; 404 if there is none. One statement reads the
    /// customer with its aliases, and SQLite runs a statement in a transaction of its own, so this
    /// hot read skips the explicit transaction (and its BEGIN and COMMIT) of `read`.
    package func customer(id: String) async throws -> CustomerSnapshot {
        try await writer.unsafeRead { db in
            let statement = try db.cachedStatement(sql: """
                SELECT customer.*, (
                    SELECT json_group_array(alias) FROM (
                        SELECT alias FROM customer_ingest_alias WHERE customer_id = customer.id ORDER BY position
                    )
                ) AS ingest_aliases
                FROM customer WHERE id = ?
                """)
            guard let row = try Row.fetchOne(statement, arguments: [id]) else {
                throw StoreError.notFound("Customer", id)
            }
            let aliasesJSON: String = row["ingest_aliases"]
            guard case .array(let aliasValues) = try JSONValue(jsonText: aliasesJSON) else {
                throw StoreError.corrupt("Stored ingest aliases are not an array")
            }
            let aliases = aliasValues.compactMap { if case .string(let alias) = $0 { alias } else { nil } }
            return CustomerSnapshot(record: try CustomerRecord(row: row), ingestAliases: aliases)
        }
    }

    /// Up to `limit` customers matching `filter`, oldest first, after sequence `afterSeq`.
    package func customers(matching filter: CustomerFilter, afterSeq: Int64?, limit: Int) async throws -> [CustomerSnapshot] {
        try await writer.read { db in
            var request = CustomerRecord.order(CustomerRecord.Columns.seq)
            request = filter.onlyArchived
                ? request.filter(CustomerRecord.Columns.archivedAt != nil)
                : request.filter(CustomerRecord.Columns.archivedAt == nil)
            if let afterSeq {
                request = request.filter(CustomerRecord.Columns.seq > afterSeq)
            }
            if !filter.customerIds.isEmpty {
                request = request.filter(filter.customerIds.contains(CustomerRecord.Columns.id))
            }
            if !filter.salesforceAccountIds.isEmpty {
                request = request.filter(filter.salesforceAccountIds.contains(CustomerRecord.Columns.salesforceAccountId))
            }
            if let alias = filter.ingestAlias {
                let holders = IngestAliasRecord.select(IngestAliasRecord.Columns.customerId)
                    .filter(IngestAliasRecord.Columns.alias == alias)
                request = request.filter(holders.contains(CustomerRecord.Columns.id))
            }
            let records = try request.limit(limit).fetchAll(db)
            let aliases = try Self.aliases(of: records.map(\.id), db)
            return records.map { CustomerSnapshot(record: $0, ingestAliases: aliases[$0.id] ?? []) }
        }
    }

    /// Archives a customer; its aliases stay reserved. 400 if it is archived already.
    package func archiveCustomer(id: String, now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.customerRecord(id: id, db)
            guard record.archivedAt == nil else {
                throw StoreError.invalid("Customer \(id) is already archived")
            }
            try Self.settle(customerId: id, now: now, db)
            record.archivedAt = now
            record.updatedAt = now
            try record.update(db)
            try Self.settle(customerId: id, now: now, db)
        }
    }

    /// Renames a customer.
    package func setCustomerName(id: String, name: String, now: Timestamp) async throws -> CustomerSnapshot {
        try await writer.write { db in
            var record = try Self.customerRecord(id: id, db)
            record.name = name
            record.updatedAt = now
            try record.update(db)
            return CustomerSnapshot(record: record, ingestAliases: try Self.aliases(of: id, db))
        }
    }

    /// Replaces the whole set of a customer's ingest aliases; 409 if another customer holds one.
    package func setIngestAliases(customerId: String, aliases: [String], now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.customerRecord(id: customerId, db)
            try Self.checkAliasesAreFree(aliases, for: customerId, db)
            try Self.replaceAliases(of: customerId, with: aliases, db)
            record.updatedAt = now
            try record.update(db)
        }
    }

    /// Changes the customer's configuration fields the request sent.
    package func updateCustomerConfig(
        customerId: String,
        salesforceAccountId: FieldUpdate<String>,
        leaveStripeInvoicesInDraft: FieldUpdate<Bool>,
        now: Timestamp
    ) async throws {
        try await writer.write { db in
            var record = try Self.customerRecord(id: customerId, db)
            record.salesforceAccountId = salesforceAccountId.applied(to: record.salesforceAccountId)
            record.leaveStripeInvoicesInDraft = leaveStripeInvoicesInDraft.applied(to: record.leaveStripeInvoicesInDraft)
            record.updatedAt = now
            try record.update(db)
        }
    }

    // MARK: - Helpers inside a transaction

    package static func customerRecord(id: String, _ db: Database) throws -> CustomerRecord {
        let statement = try db.cachedStatement(sql: "SELECT * FROM customer WHERE id = ?")
        guard let record = try CustomerRecord.fetchOne(statement, arguments: [id]) else {
            throw StoreError.notFound("Customer", id)
        }
        return record
    }

    /// A customer's ingest aliases, in order.
    package static func aliases(of customerId: String, _ db: Database) throws -> [String] {
        let statement = try db.cachedStatement(sql: "SELECT alias FROM customer_ingest_alias WHERE customer_id = ? ORDER BY position")
        return try String.fetchAll(statement, arguments: [customerId])
    }

    private static func aliases(of customerIds: [String], _ db: Database) throws -> [String: [String]] {
        guard !customerIds.isEmpty else { return [:] }
        let rows = try IngestAliasRecord
            .filter(customerIds.contains(IngestAliasRecord.Columns.customerId))
            .order(IngestAliasRecord.Columns.customerId, IngestAliasRecord.Columns.position)
            .fetchAll(db)
        return Dictionary(grouping: rows, by: \.customerId).mapValues { $0.map(\.alias) }
    }

    private static func checkAliasesAreFree(_ aliases: [String], for customerId: String, _ db: Database) throws {
        guard !aliases.isEmpty else { return }
        let taken = try IngestAliasRecord
            .filter(aliases.contains(IngestAliasRecord.Columns.alias))
            .filter(IngestAliasRecord.Columns.customerId != customerId)
            .fetchOne(db)
        if let taken {
            throw StoreError.conflict("Ingest alias '\(taken.alias)' is already in use by another customer")
        }
    }

    package static func replaceAliases(of customerId: String, with aliases: [String], _ db: Database) throws {
        try IngestAliasRecord.filter(IngestAliasRecord.Columns.customerId == customerId).deleteAll(db)
        for (position, alias) in aliases.enumerated() {
            try IngestAliasRecord(alias: alias, customerId: customerId, position: position).insert(db)
        }
    }
}
