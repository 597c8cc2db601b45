import Foundation
import MetronomeBilling
import MetronomeCodecs

// The JSON `alert.filters` is stored as. The keys are the database file format: a file written
// by an earlier version must still decode.

/// An alert's filters as stored.
struct StoredAlertFilters: Codable, Sendable {
    var accessType: BalanceAccessType?
    var alertSpecifiers: [StoredAlertSpecifier]?
    var creditGrantTypeFilters: [String]?
    var customFieldFilters: [StoredAlertCustomFieldFilter]?
    var groupValues: [GroupValue]?
    var invoiceTypesFilter: [String]?
    var seatFilter: SeatFilter?

    enum CodingKeys: String, CodingKey {
        case accessType = "access_type", alertSpecifiers = "alert_specifiers"
        case creditGrantTypeFilters = "credit_grant_type_filters", customFieldFilters = "custom_field_filters"
        case groupValues = "group_values", invoiceTypesFilter = "invoice_types_filter", seatFilter = "seat_filter"
    }

    /// A group key and value as stored.
    struct GroupValue: Codable, Sendable {
        var key: String
        var value: String?
    }

    /// A seat filter as stored.
    struct SeatFilter: Codable, Sendable {
        var seatGroupKey: String
        var seatGroupValue: String?

        enum CodingKeys: String, CodingKey {
            case seatGroupKey = "seat_group_key", seatGroupValue = "seat_group_value"
        }
    }

    /// The stored form of `filters`.
    init(_ filters: AlertFilters) {
        accessType = filters.accessType
        alertSpecifiers = filters.alertSpecifiers?.map(StoredAlertSpecifier.init)
        creditGrantTypeFilters = filters.creditGrantTypeFilters
        customFieldFilters = filters.customFieldFilters?.map(StoredAlertCustomFieldFilter.init)
        groupValues = filters.groupValues?.map { GroupValue(key: $0.key, value: $0.value) }
        invoiceTypesFilter = filters.invoiceTypesFilter
        seatFilter = filters.seatFilter.map { SeatFilter(seatGroupKey: $0.seatGroupKey, seatGroupValue: $0.seatGroupValue) }
    }

    /// The filters this holds.
    var domain: AlertFilters {
        AlertFilters(
            accessType: accessType, alertSpecifiers: alertSpecifiers?.map(\.domain), creditGrantTypeFilters: creditGrantTypeFilters,
            customFieldFilters: customFieldFilters?.map(\.domain),
            groupValues: groupValues?.map { AlertGroupValue(key: $0.key, value: $0.value) }, invoiceTypesFilter: invoiceTypesFilter,
            seatFilter: seatFilter.map { AlertSeatFilter(seatGroupKey: $0.seatGroupKey, seatGroupValue: $0.seatGroupValue) }
        )
    }
}

/// A custom field filter of an alert as stored.
struct StoredAlertCustomFieldFilter: Codable, Sendable {
    var entity: AlertCustomFieldEntity
    var key: String
    var value: String?

    /// The stored form of `filter`.
    init(_ filter: AlertCustomFieldFilter) {
        entity = filter.entity
        key = filter.key
        value = filter.value
    }

    /// The filter this holds.
    var domain: AlertCustomFieldFilter { AlertCustomFieldFilter(entity: entity, key: key, value: value) }
}

/// An alert specifier as stored.
struct StoredAlertSpecifier: Codable, Sendable {
    var customFieldFilters: [StoredAlertCustomFieldFilter]?
    var exclude: [Exclusion]?

    enum CodingKeys: String, CodingKey {
        case customFieldFilters = "custom_field_filters", exclude
    }

    /// An exclusion of a specifier as stored.
    struct Exclusion: Codable, Sendable {
        var customFieldFilters: [StoredAlertCustomFieldFilter]?

        enum CodingKeys: String, CodingKey {
            case customFieldFilters = "custom_field_filters"
        }
    }

    /// The stored form of `specifier`.
    init(_ specifier: AlertSpecifier) {
        customFieldFilters = specifier.customFieldFilters?.map(StoredAlertCustomFieldFilter.init)
        exclude = specifier.exclude?.map { Exclusion(customFieldFilters: $0.customFieldFilters?.map(StoredAlertCustomFieldFilter.init)) }
    }

    /// The specifier this holds.
    var domain: AlertSpecifier {
        AlertSpecifier(
            customFieldFilters: customFieldFilters?.map(\.domain),
            exclude: exclude?.map { .init(customFieldFilters: $0.customFieldFilters?.map(\.domain)) }
        )
    }
}
