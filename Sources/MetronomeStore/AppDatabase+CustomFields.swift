import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// The kinds of Metronome objects that carry custom fields.
package enum CustomFieldEntity: String, WireEnum {
    case alert, billableMetric = "billable_metric", charge, commit, contractCredit = "contract_credit"
    case contractProduct = "contract_product", contract, creditGrant = "credit_grant", customerPlan = "customer_plan"
    case customer, discount, invoice, plan, professionalService = "professional_service", product
    case rateCard = "rate_card", scheduledCharge = "scheduled_charge", subscription
    case packageCommit = "package_commit", packageCredit = "package_credit"
    case packageSubscription = "package_subscription", packageScheduledCharge = "package_scheduled_charge"

    /// The table holding objects of this kind, with a `custom_fields` JSON column, once the
    /// emulator builds the kind; nil until then (no object of the kind can exist).
    package var table: String? {
        switch self {
        case .customer: "customer"
        case .billableMetric: "billable_metric"
        case .product: "product"
        case .rateCard: "rate_card"
        case .contract: "contract"
        case .commit, .contractCredit: "commit_or_credit"
        default: nil
        }
    }

    /// The name used in messages, e.g. "billable metric".
    package var displayName: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// A row of `custom_field_key`: a key registered for one kind of object.
package struct CustomFieldKeyRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "custom_field_key"
    package var seq: Int64?
    package var entity: CustomFieldEntity
    package var key: String
    package var enforceUniqueness: Bool

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let entity = Column(CodingKeys.entity)
        package static let key = Column(CodingKeys.key)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, entity, key, enforceUniqueness = "enforce_uniqueness"
    }

    /// A value with each stored property given.
    package init(seq: Int64? = nil, entity: CustomFieldEntity, key: String, enforceUniqueness: Bool) {
        self.seq = seq
        self.entity = entity
        self.key = key
        self.enforceUniqueness = enforceUniqueness
    }
}

extension CustomFieldEntity: DatabaseValueConvertible {}

extension AppDatabase {
    /// Values are at most this many characters, as in Metronome.
    package static let customFieldValueMaxLength = Limits.customFieldLength

    /// Registers a key for a kind of object; 409 if it is registered already.
    package func addCustomFieldKey(entity: CustomFieldEntity, key: String, enforceUniqueness: Bool) async throws {
        try await writer.write { db in
            guard try Self.customFieldKey(entity, key, db) == nil else {
                throw StoreError.conflict("Custom field key '\(key)' already exists for \(entity.displayName)")
            }
            try CustomFieldKeyRecord(entity: entity, key: key, enforceUniqueness: enforceUniqueness).insert(db)
        }
    }

    /// Registered keys, oldest first, of the given kinds (all kinds when empty).
    package func customFieldKeys(entities: [CustomFieldEntity], afterSeq: Int64?, limit: Int) async throws -> [CustomFieldKeyRecord] {
        try await writer.read { db in
            var request = CustomFieldKeyRecord.order(CustomFieldKeyRecord.Columns.seq)
            if !entities.isEmpty {
                request = request.filter(entities.map(\.rawValue).contains(CustomFieldKeyRecord.Columns.entity))
            }
            if let afterSeq {
                request = request.filter(CustomFieldKeyRecord.Columns.seq > afterSeq)
            }
            return try request.limit(limit).fetchAll(db)
        }
    }

    /// Unregisters a key; its values disappear from every object of that kind. 404 if not registered.
    package func removeCustomFieldKey(entity: CustomFieldEntity, key: String) async throws {
        try await writer.write { db in
            guard let record = try Self.customFieldKey(entity, key, db) else {
                throw StoreError.notFound("Custom field key for \(entity.displayName)", key)
            }
            try record.delete(db)
            if let table = entity.table {
                let holders = try String.fetchAll(db, sql: """
                    SELECT \(table).id FROM \(table), json_each(\(table).custom_fields) WHERE json_each.key = ?
                    """, arguments: [key])
                for id in holders {
                    try Self.updateCustomFields(table: table, id: id, db) { $0[key] = nil }
                }
            }
        }
    }

    /// Sets values on one object: every key must be registered for its kind, and a key that
    /// enforces uniqueness may not repeat another object's value. All or nothing.
    package func setCustomFieldValues(entity: CustomFieldEntity, id: String, values: [String: String]) async throws {
        try await writer.write { db in
            let table = try Self.checkObjectExists(entity, id, db)
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                guard let registered = try Self.customFieldKey(entity, key, db) else {
                    throw StoreError.invalid("Custom field key '\(key)' is not registered for \(entity.displayName); add it with /v1/customFields/addKey")
                }
                try Self.checkCustomFieldValue(value, key: key, unique: registered.enforceUniqueness, table: table, excluding: id, db)
            }
            try Self.updateCustomFields(table: table, id: id, db) { $0.merge(values) { _, new in new } }
        }
    }

    /// Removes values from one object.
    package func deleteCustomFieldValues(entity: CustomFieldEntity, id: String, keys: [String]) async throws {
        try await writer.write { db in
            let table = try Self.checkObjectExists(entity, id, db)
            try Self.updateCustomFields(table: table, id: id, db) { fields in
                for key in keys { fields[key] = nil }
            }
        }
    }

    /// Checks the custom fields an object is created with: values of at most 200 characters,
    /// and no repeat of another object's value for a key that enforces uniqueness.
    package static func checkNewCustomFields(_ values: [String: String], entity: CustomFieldEntity, _ db: Database) throws {
        guard let table = entity.table else { return }
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            let unique = try customFieldKey(entity, key, db)?.enforceUniqueness ?? false
            try checkCustomFieldValue(value, key: key, unique: unique, table: table, excluding: nil, db)
        }
    }

    private static func checkCustomFieldValue(
        _ value: String, key: String, unique: Bool, table: String, excluding id: String?, _ db: Database
    ) throws {
        guard value.count <= customFieldValueMaxLength else {
            throw StoreError.invalid("Custom field '\(key)' is longer than \(customFieldValueMaxLength) characters")
        }
        guard unique else { return }
        let taken = try Bool.fetchOne(db, sql: """
            SELECT 1 FROM \(table), json_each(\(table).custom_fields)
            WHERE json_each.key = ? AND json_each.value = ? AND \(table).id IS NOT ? LIMIT 1
            """, arguments: [key, value, id]) ?? false
        if taken {
            throw StoreError.conflict("Custom field '\(key)' must be unique, and value '\(value)' is already used")
        }
    }

    private static func checkObjectExists(_ entity: CustomFieldEntity, _ id: String, _ db: Database) throws -> String {
        guard let table = entity.table,
              try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE id = ?", arguments: [id]) == true
        else {
            throw StoreError.notFound(entity.displayName.prefix(1).uppercased() + entity.displayName.dropFirst(), id)
        }
        return table
    }

    private static func customFieldKey(_ entity: CustomFieldEntity, _ key: String, _ db: Database) throws -> CustomFieldKeyRecord? {
        try CustomFieldKeyRecord
            .filter(CustomFieldKeyRecord.Columns.entity == entity.rawValue)
            .filter(CustomFieldKeyRecord.Columns.key == key)
            .fetchOne(db)
    }

    /// Reads an object's custom fields, changes them, and writes them back.
    private static func updateCustomFields(table: String, id: String, _ db: Database, _ change: (inout [String: String]) -> Void) throws {
        let text = try String.fetchOne(db, sql: "SELECT custom_fields FROM \(table) WHERE id = ?", arguments: [id]) ?? "{}"
        var fields = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        change(&fields)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(
            sql: "UPDATE \(table) SET custom_fields = ? WHERE id = ?",
            arguments: [String(decoding: try encoder.encode(fields), as: UTF8.self), id]
        )
    }
}
