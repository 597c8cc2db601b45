import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The body of `POST /v1/billable-metrics/create`.
struct CreateBillableMetricRequest: Decodable {
    var name: String
    var aggregationType: AggregationType?
    var aggregationKey: String?
    var eventTypeFilter: EventTypeFilterWire?
    var propertyFilters: [PropertyFilterWire]?
    var groupKeys: [[String]]?
    var sql: String?
    var customFields: [String: String]?

    enum CodingKeys: String, CodingKey {
        case name, aggregationType = "aggregation_type", aggregationKey = "aggregation_key"
        case eventTypeFilter = "event_type_filter", propertyFilters = "property_filters", groupKeys = "group_keys"
        case sql, customFields = "custom_fields"
    }

    /// The definition, checked as Metronome checks it: `sql` excludes every other field; COUNT
    /// takes no key; SUM, MAX, LATEST and UNIQUE need one, among the property filters.
    func validatedDefinition() throws -> BillableMetricDefinition {
        if let sql {
            let others = [aggregationType != nil, aggregationKey != nil, eventTypeFilter != nil, propertyFilters != nil, groupKeys != nil]
            guard !others.contains(true) else {
                throw APIError.badRequest(
                    "'sql' cannot be combined with aggregation_type, aggregation_key, event_type_filter, property_filters or group_keys"
                )
            }
            guard !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw APIError.badRequest("'sql' must not be empty")
            }
            return BillableMetricDefinition(propertyFilters: [], groupKeys: [], sql: sql)
        }
        guard let aggregationType else {
            throw APIError.badRequest("Either 'aggregation_type' or 'sql' is required")
        }
        let filters = propertyFilters ?? []
        switch (aggregationType, aggregationKey) {
        case (.count, .some):
            throw APIError.badRequest("COUNT billable metrics take no 'aggregation_key'")
        case (.count, .none):
            break
        case (_, .none):
            throw APIError.badRequest("\(aggregationType.rawValue) billable metrics need an 'aggregation_key'")
        case (_, .some(let key)):
            guard filters.contains(where: { $0.name == key }) else {
                throw APIError.badRequest("'aggregation_key' \(key) must be the name of one of the property_filters")
            }
        }
        if let eventTypeFilter {
            try Self.checkNonEmpty(eventTypeFilter.inValues, "event_type_filter.in_values")
            try Self.checkNonEmpty(eventTypeFilter.notInValues, "event_type_filter.not_in_values")
        }
        for (index, filter) in filters.enumerated() {
            try Validate.length(filter.name, field: "property_filters[\(index)].name", 1...256)
            try Self.checkNonEmpty(filter.inValues, "property_filters[\(index)].in_values")
            try Self.checkNonEmpty(filter.notInValues, "property_filters[\(index)].not_in_values")
        }
        for (index, keys) in (groupKeys ?? []).enumerated() where keys.isEmpty {
            throw APIError.badRequest("'group_keys[\(index)]' must name at least one property")
        }
        return BillableMetricDefinition(
            aggregationType: aggregationType, aggregationKey: aggregationKey, eventTypeFilter: eventTypeFilter?.domain,
            propertyFilters: filters.map(\.domain), groupKeys: groupKeys ?? [], sql: nil
        )
    }

    private static func checkNonEmpty(_ values: [String]?, _ field: String) throws {
        if let values, values.isEmpty {
            throw APIError.badRequest("'\(field)' must not be empty when present")
        }
    }
}

/// The body of `PUT /v1/billable-metrics/{id}`: the name is all that can change.
struct RenameBillableMetricRequest: Decodable {
    var name: String
}

/// The body of `POST /v1/billable-metrics/archive`.
struct ArchiveBillableMetricRequest: Decodable {
    var id: String
}

/// A billable metric on the wire (retrieve, list, and the customer's list).
struct BillableMetricWire: Encodable {
    var id: String
    var name: String
    var aggregationKey: String?
    var aggregationType: AggregationType?
    var archivedAt: Timestamp?
    var customFields: [String: String]
    var eventTypeFilter: EventTypeFilterWire?
    var groupKeys: [[String]]?
    var propertyFilters: [PropertyFilterWire]?
    var sql: String?

    enum CodingKeys: String, CodingKey {
        case id, name, aggregationKey = "aggregation_key", aggregationType = "aggregation_type"
        case archivedAt = "archived_at", customFields = "custom_fields", eventTypeFilter = "event_type_filter"
        case groupKeys = "group_keys", propertyFilters = "property_filters", sql
    }

    init(_ record: BillableMetricRecord) {
        id = record.id
        name = record.name
        aggregationKey = record.aggregationKey
        aggregationType = record.aggregationType
        archivedAt = record.archivedAt
        customFields = record.customFields
        eventTypeFilter = record.eventTypeFilter.map(EventTypeFilterWire.init)
        groupKeys = record.sql == nil ? record.groupKeys : nil
        propertyFilters = record.sql == nil ? record.propertyFilters.map(PropertyFilterWire.init) : nil
        sql = record.sql
    }
}

// MARK: - Filters

/// A rule on an event's `event_type`, as sent and answered.
struct EventTypeFilterWire: Codable {
    var inValues: [String]?
    var notInValues: [String]?

    enum CodingKeys: String, CodingKey {
        case inValues = "in_values", notInValues = "not_in_values"
    }

    /// The wire form of `filter`.
    init(_ filter: EventTypeFilter) {
        inValues = filter.inValues
        notInValues = filter.notInValues
    }

    /// The filter this gives.
    var domain: EventTypeFilter { EventTypeFilter(inValues: inValues, notInValues: notInValues) }
}

/// A rule on one event property, as sent and answered.
struct PropertyFilterWire: Codable {
    var name: String
    var exists: Bool?
    var inValues: [String]?
    var notInValues: [String]?

    enum CodingKeys: String, CodingKey {
        case name, exists, inValues = "in_values", notInValues = "not_in_values"
    }

    /// The wire form of `filter`.
    init(_ filter: PropertyFilter) {
        name = filter.name
        exists = filter.exists
        inValues = filter.inValues
        notInValues = filter.notInValues
    }

    /// The filter this gives.
    var domain: PropertyFilter { PropertyFilter(name: name, exists: exists, inValues: inValues, notInValues: notInValues) }
}
