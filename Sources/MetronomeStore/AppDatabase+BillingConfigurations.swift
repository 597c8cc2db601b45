import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A legacy per-provider billing configuration (`/v1/customers/{id}/billing-config/{type}`).
package struct LegacyBillingConfig: Sendable {
    package var billingProviderType: String
    /// `billing_provider_customer_id` and the provider-specific fields, as sent.
    package var settings: JSONValue

    /// A value with each stored property given.
    package init(billingProviderType: String, settings: JSONValue) {
        self.billingProviderType = billingProviderType
        self.settings = settings
    }
}

/// A billing provider configuration to create, already validated by its endpoint.
package struct NewBillingProviderConfiguration: Sendable {
    package var customerId: String
    package var billingProvider: String
    /// Either a delivery method by kind, or the ID of one.
    package var deliveryMethod: String?
    package var deliveryMethodId: String?
    package var configuration: JSONValue
    package var taxProvider: String?

    /// A value with each stored property given.
    package init(
        customerId: String,
        billingProvider: String,
        deliveryMethod: String? = nil,
        deliveryMethodId: String? = nil,
        configuration: JSONValue,
        taxProvider: String? = nil
    ) {
        self.customerId = customerId
        self.billingProvider = billingProvider
        self.deliveryMethod = deliveryMethod
        self.deliveryMethodId = deliveryMethodId
        self.configuration = configuration
        self.taxProvider = taxProvider
    }
}

/// A revenue system configuration to create, already validated by its endpoint.
package struct NewRevenueSystemConfiguration: Sendable {
    package var customerId: String
    package var provider: String
    /// Either a delivery method by kind, or the ID of one.
    package var deliveryMethod: String?
    package var deliveryMethodId: String?
    package var configuration: JSONValue

    /// A value with each stored property given.
    package init(
        customerId: String, provider: String, deliveryMethod: String? = nil, deliveryMethodId: String? = nil, configuration: JSONValue
    ) {
        self.customerId = customerId
        self.provider = provider
        self.deliveryMethod = deliveryMethod
        self.deliveryMethodId = deliveryMethodId
        self.configuration = configuration
    }
}

extension AppDatabase {
    // MARK: - Legacy billing config

    /// Sets (or replaces) the customer's billing config for one provider.
    package func saveLegacyBillingConfig(_ config: LegacyBillingConfig, customerId: String) async throws {
        try await writer.write { db in
            _ = try Self.customerRecord(id: customerId, db)
            try Self.saveLegacyBillingConfig(config, customerId: customerId, db)
        }
    }

    /// The customer's billing config for one provider; 404 if none is set.
    package func legacyBillingConfig(customerId: String, billingProviderType: String) async throws -> LegacyBillingConfig {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            guard let record = try Self.legacyBillingConfigRecord(customerId, billingProviderType, db) else {
                throw StoreError.notFound("Billing config of type \(billingProviderType) for customer", customerId)
            }
            return LegacyBillingConfig(billingProviderType: record.billingProviderType, settings: record.settings)
        }
    }

    /// Deletes the customer's billing config for one provider; 404 if none is set.
    package func deleteLegacyBillingConfig(customerId: String, billingProviderType: String) async throws {
        try await writer.write { db in
            _ = try Self.customerRecord(id: customerId, db)
            guard let record = try Self.legacyBillingConfigRecord(customerId, billingProviderType, db) else {
                throw StoreError.notFound("Billing config of type \(billingProviderType) for customer", customerId)
            }
            try record.delete(db)
        }
    }

    package static func saveLegacyBillingConfig(_ config: LegacyBillingConfig, customerId: String, _ db: Database) throws {
        try CustomerBillingConfigRecord(
            customerId: customerId, billingProviderType: config.billingProviderType, settings: config.settings
        ).upsert(db)
    }

    private static func legacyBillingConfigRecord(
        _ customerId: String, _ billingProviderType: String, _ db: Database
    ) throws -> CustomerBillingConfigRecord? {
        try CustomerBillingConfigRecord
            .filter(CustomerBillingConfigRecord.Columns.customerId == customerId)
            .filter(CustomerBillingConfigRecord.Columns.billingProviderType == billingProviderType)
            .fetchOne(db)
    }

    // MARK: - Billing provider configurations

    /// Creates every configuration, or none if one of them fails.
    package func setBillingProviderConfigurations(
        _ configurations: [NewBillingProviderConfiguration], now: Timestamp
    ) async throws -> [BillingProviderConfigurationRecord] {
        try await writer.write { db in
            try configurations.map { configuration in
                _ = try Self.customerRecord(id: configuration.customerId, db)
                return try Self.insertBillingProviderConfiguration(configuration, now: now, db)
            }
        }
    }

    /// The customer's configurations, oldest first, archived ones only when asked.
    package func billingProviderConfigurations(
        customerId: String, includeArchived: Bool
    ) async throws -> [BillingProviderConfigurationSnapshot] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            var request = BillingProviderConfigurationRecord
                .filter(BillingProviderConfigurationRecord.Columns.customerId == customerId)
                .order(BillingProviderConfigurationRecord.Columns.seq)
            if !includeArchived {
                request = request.filter(BillingProviderConfigurationRecord.Columns.archivedAt == nil)
            }
            let methods = try DeliveryMethodRecord.fetchAll(db)
            let methodsById = Dictionary(methods.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return try request.fetchAll(db).compactMap { record in
                methodsById[record.deliveryMethodId].map {
                    BillingProviderConfigurationSnapshot(record: record, deliveryMethod: $0)
                }
            }
        }
    }

    /// Archives the given configurations of one customer; 404 if one is not that customer's.
    package func archiveBillingProviderConfigurations(customerId: String, ids: [String], now: Timestamp) async throws {
        try await writer.write { db in
            _ = try Self.customerRecord(id: customerId, db)
            for id in ids {
                guard var record = try BillingProviderConfigurationRecord
                    .filter(BillingProviderConfigurationRecord.Columns.id == id)
                    .filter(BillingProviderConfigurationRecord.Columns.customerId == customerId)
                    .fetchOne(db)
                else {
                    throw StoreError.notFound("Billing provider configuration of customer \(customerId)", id)
                }
                if record.archivedAt == nil {
                    record.archivedAt = now
                    try record.update(db)
                }
            }
        }
    }

    package static func insertBillingProviderConfiguration(
        _ new: NewBillingProviderConfiguration, now: Timestamp, _ db: Database
    ) throws -> BillingProviderConfigurationRecord {
        let method = try deliveryMethod(kind: new.deliveryMethod, id: new.deliveryMethodId, db)
        let clash = try BillingProviderConfigurationRecord
            .filter(BillingProviderConfigurationRecord.Columns.customerId == new.customerId)
            .filter(BillingProviderConfigurationRecord.Columns.billingProvider == new.billingProvider)
            .filter(BillingProviderConfigurationRecord.Columns.deliveryMethodId == method.id)
            .filter(BillingProviderConfigurationRecord.Columns.archivedAt == nil)
            .fetchCount(db)
        guard clash == 0 else {
            throw StoreError.conflict(
                "Customer \(new.customerId) already has an active \(new.billingProvider) configuration "
                    + "with delivery method \(method.deliveryMethod)"
            )
        }
        let record = BillingProviderConfigurationRecord(
            id: UUID().uuidString.lowercased(), customerId: new.customerId, billingProvider: new.billingProvider,
            deliveryMethodId: method.id, configuration: new.configuration, taxProvider: new.taxProvider,
            createdAt: now
        )
        try record.insert(db)
        return record
    }

    // MARK: - Revenue system configurations

    /// Several configurations of one provider and delivery method may coexist (a contract then
    /// names one by ID), so no clash is checked.
    package static func insertRevenueSystemConfiguration(
        _ new: NewRevenueSystemConfiguration, now: Timestamp, _ db: Database
    ) throws -> RevenueSystemConfigurationRecord {
        let method = try deliveryMethod(kind: new.deliveryMethod, id: new.deliveryMethodId, db)
        let record = RevenueSystemConfigurationRecord(
            id: UUID().uuidString.lowercased(), customerId: new.customerId, provider: new.provider, deliveryMethodId: method.id,
            configuration: new.configuration, createdAt: now
        )
        try record.insert(db)
        return record
    }

    /// The delivery method named by ID (which must exist) or by kind: Metronome's app sets one up
    /// per kind, so the emulator creates it on first use unless fixtures preloaded it.
    private static func deliveryMethod(kind: String?, id: String?, _ db: Database) throws -> DeliveryMethodRecord {
        if let id {
            guard let method = try DeliveryMethodRecord.filter(DeliveryMethodRecord.Columns.id == id).fetchOne(db) else {
                throw StoreError.notFound("Delivery method", id)
            }
            if let kind, kind != method.deliveryMethod {
                throw StoreError.invalid("delivery_method_id \(id) is a \(method.deliveryMethod) delivery method, not \(kind)")
            }
            return method
        }
        guard let kind else {
            throw StoreError.invalid("Either delivery_method or delivery_method_id is required")
        }
        if let method = try DeliveryMethodRecord.filter(DeliveryMethodRecord.Columns.deliveryMethod == kind).fetchOne(db) {
            return method
        }
        let method = DeliveryMethodRecord(id: UUID().uuidString.lowercased(), deliveryMethod: kind, configuration: .object([:]))
        try method.insert(db)
        return method
    }
}

extension AppDatabase {
    /// The ID of the customer's live billing provider configuration a contract names, by `id` or
    /// by provider and delivery method (which must match exactly one); nil when it names none.
    static func contractBillingProviderConfiguration(
        customerId: String, id: String?, named: (provider: String, deliveryMethod: String)?,
        field: String = "billing_provider_configuration", _ db: Database
    ) throws -> String? {
        let live = BillingProviderConfigurationRecord
            .filter(BillingProviderConfigurationRecord.Columns.customerId == customerId)
            .filter(BillingProviderConfigurationRecord.Columns.archivedAt == nil)
        if let id {
            guard try live.filter(BillingProviderConfigurationRecord.Columns.id == id).fetchCount(db) == 1 else {
                throw StoreError.invalid("'\(field).billing_provider_configuration_id' \(id) is not a live configuration of customer \(customerId)")
            }
            return id
        }
        guard let named else { return nil }
        let methods = try DeliveryMethodRecord.filter(DeliveryMethodRecord.Columns.deliveryMethod == named.deliveryMethod)
            .fetchAll(db).map(\.id)
        let matches = try live.filter(BillingProviderConfigurationRecord.Columns.billingProvider == named.provider)
            .filter(methods.contains(BillingProviderConfigurationRecord.Columns.deliveryMethodId)).fetchAll(db)
        guard matches.count == 1 else {
            throw StoreError.invalid(
                "'\(field)': customer \(customerId) has \(matches.count) live configurations for \(named.provider) "
                    + "by \(named.deliveryMethod); exactly one is needed (or give billing_provider_configuration_id)"
            )
        }
        return matches[0].id
    }

    /// The billing provider configurations `ids` with their delivery methods, archived ones included.
    static func billingProviderConfigurationSnapshots(ids: Set<String>, _ db: Database) throws -> [String: BillingProviderConfigurationSnapshot] {
        guard !ids.isEmpty else { return [:] }
        let records = try BillingProviderConfigurationRecord.filter(ids.contains(BillingProviderConfigurationRecord.Columns.id)).fetchAll(db)
        let methods = try DeliveryMethodRecord.filter(Set(records.map(\.deliveryMethodId)).contains(DeliveryMethodRecord.Columns.id)).fetchAll(db)
        let methodsById = Dictionary(methods.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var snapshots: [String: BillingProviderConfigurationSnapshot] = [:]
        for record in records {
            if let method = methodsById[record.deliveryMethodId] {
                snapshots[record.id] = BillingProviderConfigurationSnapshot(record: record, deliveryMethod: method)
            }
        }
        return snapshots
    }

    /// The ID of the customer's live revenue system configuration a contract names, by `id` or
    /// by provider and delivery method (which must match exactly one); nil when it names none.
    static func contractRevenueSystemConfiguration(
        customerId: String, id: String?, named: (provider: String, deliveryMethod: String)?,
        field: String = "revenue_system_configuration", _ db: Database
    ) throws -> String? {
        let live = RevenueSystemConfigurationRecord
            .filter(RevenueSystemConfigurationRecord.Columns.customerId == customerId)
            .filter(RevenueSystemConfigurationRecord.Columns.archivedAt == nil)
        if let id {
            guard try live.filter(RevenueSystemConfigurationRecord.Columns.id == id).fetchCount(db) == 1 else {
                throw StoreError.invalid("'\(field).revenue_system_configuration_id' \(id) is not a live configuration of customer \(customerId)")
            }
            return id
        }
        guard let named else { return nil }
        let methods = try DeliveryMethodRecord.filter(DeliveryMethodRecord.Columns.deliveryMethod == named.deliveryMethod)
            .fetchAll(db).map(\.id)
        let matches = try live.filter(RevenueSystemConfigurationRecord.Columns.provider == named.provider)
            .filter(methods.contains(RevenueSystemConfigurationRecord.Columns.deliveryMethodId)).fetchAll(db)
        guard matches.count == 1 else {
            throw StoreError.invalid(
                "'\(field)': customer \(customerId) has \(matches.count) live revenue system configurations for \(named.provider) "
                    + "by \(named.deliveryMethod); exactly one is needed (or give revenue_system_configuration_id)"
            )
        }
        return matches[0].id
    }

    /// The revenue system configurations `ids` with their delivery methods, archived ones included.
    static func revenueSystemConfigurationSnapshots(ids: Set<String>, _ db: Database) throws -> [String: RevenueSystemConfigurationSnapshot] {
        guard !ids.isEmpty else { return [:] }
        let records = try RevenueSystemConfigurationRecord.filter(ids.contains(RevenueSystemConfigurationRecord.Columns.id)).fetchAll(db)
        let methods = try DeliveryMethodRecord.filter(Set(records.map(\.deliveryMethodId)).contains(DeliveryMethodRecord.Columns.id)).fetchAll(db)
        let methodsById = Dictionary(methods.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var snapshots: [String: RevenueSystemConfigurationSnapshot] = [:]
        for record in records {
            if let method = methodsById[record.deliveryMethodId] {
                snapshots[record.id] = RevenueSystemConfigurationSnapshot(record: record, deliveryMethod: method)
            }
        }
        return snapshots
    }
}
