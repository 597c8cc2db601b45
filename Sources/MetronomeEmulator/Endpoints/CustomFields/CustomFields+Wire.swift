import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The body of `POST /v1/customFields/addKey`.
struct AddCustomFieldKeyRequest: Decodable {
    var entity: CustomFieldEntity
    var key: String
    var enforceUniqueness: Bool

    enum CodingKeys: String, CodingKey {
        case entity, key, enforceUniqueness = "enforce_uniqueness"
    }
}

/// The body of `POST /v1/customFields/removeKey`.
struct RemoveCustomFieldKeyRequest: Decodable {
    var entity: CustomFieldEntity
    var key: String
}

/// The body of `POST /v1/customFields/listKeys`.
struct ListCustomFieldKeysRequest: Decodable {
    var entities: [CustomFieldEntity]?
}

/// The body of `POST /v1/customFields/setValues`.
struct SetCustomFieldValuesRequest: Decodable {
    var entity: CustomFieldEntity
    var entityId: String
    var customFields: [String: String]

    enum CodingKeys: String, CodingKey {
        case entity, entityId = "entity_id", customFields = "custom_fields"
    }
}

/// The body of `POST /v1/customFields/deleteValues`.
struct DeleteCustomFieldValuesRequest: Decodable {
    var entity: CustomFieldEntity
    var entityId: String
    var keys: [String]

    enum CodingKeys: String, CodingKey {
        case entity, entityId = "entity_id", keys
    }
}

/// A registered key on the wire.
struct CustomFieldKeyWire: Encodable {
    var enforceUniqueness: Bool
    var entity: CustomFieldEntity
    var key: String

    enum CodingKeys: String, CodingKey {
        case enforceUniqueness = "enforce_uniqueness", entity, key
    }

    init(_ record: CustomFieldKeyRecord) {
        enforceUniqueness = record.enforceUniqueness
        entity = record.entity
        key = record.key
    }
}
