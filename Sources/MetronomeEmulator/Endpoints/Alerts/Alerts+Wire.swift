import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The body of `POST /v1/alerts/create`.
struct CreateAlertRequest: Decodable {
    var alertType: AlertType
    var name: String
    var threshold: Decimal
    var accessType: BalanceAccessType?
    var alertSpecifiers: [AlertSpecifierWire]?
    var billableMetricId: String?
    var creditGrantTypeFilters: [String]?
    var creditTypeId: String?
    var customFieldFilters: [AlertCustomFieldFilterWire]?
    var customerId: String?
    var evaluateOnCreate: Bool?
    var groupValues: [AlertGroupValueWire]?
    var invoiceTypesFilter: [String]?
    var planId: String?
    var seatFilter: AlertSeatFilterWire?
    var uniquenessKey: String?

    enum CodingKeys: String, CodingKey {
        case alertType = "alert_type", name, threshold, accessType = "access_type", alertSpecifiers = "alert_specifiers"
        case billableMetricId = "billable_metric_id", creditGrantTypeFilters = "credit_grant_type_filters"
        case creditTypeId = "credit_type_id", customFieldFilters = "custom_field_filters", customerId = "customer_id"
        case evaluateOnCreate = "evaluate_on_create", groupValues = "group_values", invoiceTypesFilter = "invoice_types_filter"
        case planId = "plan_id", seatFilter = "seat_filter", uniquenessKey = "uniqueness_key"
    }

    /// The alert to create, after the checks that need no stored state; 400 naming the field otherwise.
    func validated() throws -> NewAlert {
        if alertType == .usageThresholdReached && billableMetricId == nil {
            throw APIError.badRequest("'billable_metric_id' is required for usage_threshold_reached alerts")
        }
        if alertType == .lowRemainingSeatBalanceReached && seatFilter == nil {
            throw APIError.badRequest("'seat_filter' is required for low_remaining_seat_balance_reached alerts")
        }
        if accessType == .quantity && creditTypeId != nil {
            throw APIError.badRequest("'credit_type_id' cannot be given with access_type QUANTITY")
        }
        guard threshold.isFinite else { throw APIError.badRequest("'threshold' must be a number") }
        if let uniquenessKey { try Validate.length(uniquenessKey, field: "uniqueness_key", Limits.identifierLength) }
        for (index, pair) in (groupValues ?? []).enumerated() where pair.key.isEmpty {
            throw APIError.badRequest("'group_values[\(index)].key' must not be empty")
        }
        for (index, filter) in (customFieldFilters ?? []).enumerated() where filter.value == nil {
            throw APIError.badRequest("Missing required field 'custom_field_filters[\(index)].value'")
        }
        for (index, specifier) in (alertSpecifiers ?? []).enumerated() {
            for (exclusionIndex, exclusion) in (specifier.exclude ?? []).enumerated() {
                for (filterIndex, filter) in (exclusion.customFieldFilters ?? []).enumerated() where filter.value == nil {
                    throw APIError.badRequest(
                        "Missing required field 'alert_specifiers[\(index)].exclude[\(exclusionIndex)].custom_field_filters[\(filterIndex)].value'"
                    )
                }
            }
        }
        return NewAlert(
            name: try Validate.name(name), type: alertType, threshold: threshold,
            customerId: try customerId.map { try Validate.id($0, field: "customer_id") },
            planId: try planId.map { try Validate.id($0, field: "plan_id") },
            creditTypeId: try creditTypeId.map { try Validate.id($0, field: "credit_type_id") } ?? CreditTypes.usdCentsId,
            billableMetricId: try billableMetricId.map { try Validate.id($0, field: "billable_metric_id") },
            uniquenessKey: uniquenessKey, evaluateOnCreate: evaluateOnCreate ?? true,
            filters: AlertFilters(
                accessType: accessType, alertSpecifiers: alertSpecifiers?.map(\.domain), creditGrantTypeFilters: creditGrantTypeFilters,
                customFieldFilters: customFieldFilters?.map(\.domain), groupValues: groupValues?.map(\.domain),
                invoiceTypesFilter: invoiceTypesFilter, seatFilter: seatFilter?.domain
            )
        )
    }
}

/// The body of `POST /v1/alerts/archive`.
struct ArchiveAlertRequest: Decodable {
    var id: String
    var releaseUniquenessKey: Bool?

    enum CodingKeys: String, CodingKey {
        case id, releaseUniquenessKey = "release_uniqueness_key"
    }
}

/// An alert status a customer's alert list can be filtered by.
enum AlertStatusFilter: String, WireEnum {
    case enabled = "ENABLED"
    case disabled = "DISABLED"
    case archived = "ARCHIVED"
}

/// The body of `POST /v1/customer-alerts/list` (its cursor is in the query).
struct ListCustomerAlertsRequest: Decodable {
    var customerId: String
    var alertStatuses: [AlertStatusFilter]?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", alertStatuses = "alert_statuses"
    }
}

/// The body of `POST /v1/customer-alerts/get` and `/reset`.
struct CustomerAlertRequest: Decodable {
    var customerId: String
    var alertId: String

    /// The filters `get` also takes, which select one of several states of an alert; an alert has
    /// one state per customer here, so they are refused rather than ignored.
    static let unsupportedFields = ["group_values", "alert_specifiers", "seat_filter", "plans_or_contracts"]

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", alertId = "alert_id"
    }
}

/// A `CustomerAlert`: an alert and the customer's status for it.
struct CustomerAlertWire: Encodable {
    var alert: AlertWire
    var customerStatus: CustomerAlertStatus?
    var triggeredBy: String?

    /// The wire form of an alert as a customer sees it.
    init(_ view: CustomerAlertView) {
        alert = AlertWire(view)
        customerStatus = view.state?.status
        triggeredBy = view.state?.triggeredBy
    }

    enum CodingKeys: String, CodingKey {
        case alert, customerStatus = "customer_status", triggeredBy = "triggered_by"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(alert, forKey: .alert)
        try container.encode(customerStatus, forKey: .customerStatus)
        try container.encode(triggeredBy, forKey: .triggeredBy)
    }
}

/// The `alert` of a `CustomerAlert`.
struct AlertWire: Encodable {
    var id: String
    var name: String
    var status: String
    var threshold: Decimal
    var type: String
    var updatedAt: Timestamp
    var accessType: BalanceAccessType?
    var alertSpecifiers: [AlertSpecifierWire]?
    var creditGrantTypeFilters: [String]?
    var creditType: CreditTypeDataWire?
    var customFieldFilters: [AlertCustomFieldFilterWire]?
    var groupValues: [AlertGroupValueWire]?
    var invoiceTypesFilter: [String]?
    var seatFilter: AlertSeatFilterWire?
    var uniquenessKey: String?

    enum CodingKeys: String, CodingKey {
        case id, name, status, threshold, type, updatedAt = "updated_at", accessType = "access_type"
        case alertSpecifiers = "alert_specifiers", creditGrantTypeFilters = "credit_grant_type_filters"
        case creditType = "credit_type", customFieldFilters = "custom_field_filters", groupValues = "group_values"
        case invoiceTypesFilter = "invoice_types_filter", seatFilter = "seat_filter", uniquenessKey = "uniqueness_key"
    }

    /// The alert of `view`; `updated_at` is when the customer's status last changed (the
    /// alert's creation or archive time when it has none).
    init(_ view: CustomerAlertView) {
        let record = view.alert
        id = record.id
        name = record.name
        status = record.archivedAt == nil ? "enabled" : "archived"
        threshold = record.threshold
        type = record.alertType.rawValue
        updatedAt = view.state?.updatedAt ?? record.archivedAt ?? record.createdAt
        accessType = record.filters.accessType
        alertSpecifiers = record.filters.alertSpecifiers?.map(AlertSpecifierWire.init)
        creditGrantTypeFilters = record.filters.creditGrantTypeFilters
        creditType = record.filters.accessType == .quantity ? nil : CreditTypeDataWire(
            id: record.creditTypeId, names: [record.creditTypeId: view.creditTypeName]
        )
        customFieldFilters = record.filters.customFieldFilters?.map(AlertCustomFieldFilterWire.init)
        groupValues = record.filters.groupValues?.map(AlertGroupValueWire.init)
        invoiceTypesFilter = record.filters.invoiceTypesFilter
        seatFilter = record.filters.seatFilter.map(AlertSeatFilterWire.init)
        uniquenessKey = record.uniquenessKey
    }
}

// MARK: - Filters

/// A custom field filter of an alert, as sent and answered.
struct AlertCustomFieldFilterWire: Codable {
    var entity: AlertCustomFieldEntity
    var key: String
    var value: String?

    /// The wire form of `filter`.
    init(_ filter: AlertCustomFieldFilter) {
        entity = filter.entity
        key = filter.key
        value = filter.value
    }

    /// The filter this gives.
    var domain: AlertCustomFieldFilter { AlertCustomFieldFilter(entity: entity, key: key, value: value) }
}

/// An alert specifier, as sent and answered.
struct AlertSpecifierWire: Codable {
    var customFieldFilters: [AlertCustomFieldFilterWire]?
    var exclude: [Exclusion]?

    enum CodingKeys: String, CodingKey {
        case customFieldFilters = "custom_field_filters", exclude
    }

    /// Balances matching these filters are left out.
    struct Exclusion: Codable {
        var customFieldFilters: [AlertCustomFieldFilterWire]?

        enum CodingKeys: String, CodingKey {
            case customFieldFilters = "custom_field_filters"
        }
    }

    /// The wire form of `specifier`.
    init(_ specifier: AlertSpecifier) {
        customFieldFilters = specifier.customFieldFilters?.map(AlertCustomFieldFilterWire.init)
        exclude = specifier.exclude?.map { Exclusion(customFieldFilters: $0.customFieldFilters?.map(AlertCustomFieldFilterWire.init)) }
    }

    /// The specifier this gives.
    var domain: AlertSpecifier {
        AlertSpecifier(
            customFieldFilters: customFieldFilters?.map(\.domain),
            exclude: exclude?.map { .init(customFieldFilters: $0.customFieldFilters?.map(\.domain)) }
        )
    }
}

/// A group key (and optionally value) of a spend alert, as sent and answered.
struct AlertGroupValueWire: Codable {
    var key: String
    var value: String?

    /// The wire form of `group`.
    init(_ group: AlertGroupValue) {
        key = group.key
        value = group.value
    }

    /// The group value this gives.
    var domain: AlertGroupValue { AlertGroupValue(key: key, value: value) }
}

/// The seat group of a seat balance alert, as sent and answered.
struct AlertSeatFilterWire: Codable {
    var seatGroupKey: String
    var seatGroupValue: String?

    enum CodingKeys: String, CodingKey {
        case seatGroupKey = "seat_group_key", seatGroupValue = "seat_group_value"
    }

    /// The wire form of `filter`.
    init(_ filter: AlertSeatFilter) {
        seatGroupKey = filter.seatGroupKey
        seatGroupValue = filter.seatGroupValue
    }

    /// The seat filter this gives.
    var domain: AlertSeatFilter { AlertSeatFilter(seatGroupKey: seatGroupKey, seatGroupValue: seatGroupValue) }
}
