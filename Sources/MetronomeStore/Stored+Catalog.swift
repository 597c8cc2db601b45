import Foundation
import MetronomeBilling
import MetronomeCodecs

// The JSON a `billable_metric`'s filters and a `product`'s versions are stored as. The keys are
// the database file format: a file written by an earlier version must still decode.

/// A billable metric's event type filter as stored.
struct StoredEventTypeFilter: Codable, Sendable {
    var inValues: [String]?
    var notInValues: [String]?

    enum CodingKeys: String, CodingKey {
        case inValues = "in_values", notInValues = "not_in_values"
    }

    /// The stored form of `filter`.
    init(_ filter: EventTypeFilter) {
        inValues = filter.inValues
        notInValues = filter.notInValues
    }

    /// The filter this holds.
    var domain: EventTypeFilter { EventTypeFilter(inValues: inValues, notInValues: notInValues) }
}

/// A billable metric's property filter as stored.
struct StoredPropertyFilter: Codable, Sendable {
    var name: String
    var exists: Bool?
    var inValues: [String]?
    var notInValues: [String]?

    enum CodingKeys: String, CodingKey {
        case name, exists, inValues = "in_values", notInValues = "not_in_values"
    }

    /// The stored form of `filter`.
    init(_ filter: PropertyFilter) {
        name = filter.name
        exists = filter.exists
        inValues = filter.inValues
        notInValues = filter.notInValues
    }

    /// The filter this holds.
    var domain: PropertyFilter { PropertyFilter(name: name, exists: exists, inValues: inValues, notInValues: notInValues) }
}

/// One version of a product as stored.
struct StoredProductState: Codable, Sendable {
    var name: String?
    var billableMetricId: String?
    var compositeProductIds: [String]?
    var compositeTags: [String]?
    var excludeFreeUsage: Bool?
    var includeCompositeSpend: Bool?
    var isRefundable: Bool?
    var netsuiteInternalItemId: String?
    var netsuiteOverageItemId: String?
    var presentationGroupKey: [String]?
    var pricingGroupKey: [String]?
    var quantityConversion: QuantityConversion?
    var quantityRounding: QuantityRounding?
    var tags: [String]?
    var startingAt: Timestamp?
    var createdAt: Timestamp
    var createdBy: String

    enum CodingKeys: String, CodingKey {
        case name, billableMetricId = "billable_metric_id", compositeProductIds = "composite_product_ids"
        case compositeTags = "composite_tags", excludeFreeUsage = "exclude_free_usage"
        case includeCompositeSpend = "include_composite_spend", isRefundable = "is_refundable"
        case netsuiteInternalItemId = "netsuite_internal_item_id", netsuiteOverageItemId = "netsuite_overage_item_id"
        case presentationGroupKey = "presentation_group_key", pricingGroupKey = "pricing_group_key"
        case quantityConversion = "quantity_conversion", quantityRounding = "quantity_rounding", tags
        case startingAt = "starting_at", createdAt = "created_at", createdBy = "created_by"
    }

    /// A quantity conversion as stored.
    struct QuantityConversion: Codable, Sendable {
        var conversionFactor: Decimal
        var operation: MetronomeBilling.QuantityConversion.Operation
        var name: String?

        enum CodingKeys: String, CodingKey {
            case conversionFactor = "conversion_factor", operation, name
        }
    }

    /// A quantity rounding as stored.
    struct QuantityRounding: Codable, Sendable {
        var decimalPlaces: Decimal
        var roundingMethod: MetronomeBilling.QuantityRounding.Method

        enum CodingKeys: String, CodingKey {
            case decimalPlaces = "decimal_places", roundingMethod = "rounding_method"
        }
    }

    /// The stored form of `state`.
    init(_ state: ProductState) {
        name = state.name
        billableMetricId = state.billableMetricId
        compositeProductIds = state.compositeProductIds
        compositeTags = state.compositeTags
        excludeFreeUsage = state.excludeFreeUsage
        includeCompositeSpend = state.includeCompositeSpend
        isRefundable = state.isRefundable
        netsuiteInternalItemId = state.netsuiteInternalItemId
        netsuiteOverageItemId = state.netsuiteOverageItemId
        presentationGroupKey = state.presentationGroupKey
        pricingGroupKey = state.pricingGroupKey
        quantityConversion = state.quantityConversion.map {
            QuantityConversion(conversionFactor: $0.conversionFactor, operation: $0.operation, name: $0.name)
        }
        quantityRounding = state.quantityRounding.map { QuantityRounding(decimalPlaces: $0.decimalPlaces, roundingMethod: $0.roundingMethod) }
        tags = state.tags
        startingAt = state.startingAt
        createdAt = state.createdAt
        createdBy = state.createdBy
    }

    /// The version this holds.
    var domain: ProductState {
        ProductState(
            name: name, billableMetricId: billableMetricId, compositeProductIds: compositeProductIds, compositeTags: compositeTags,
            excludeFreeUsage: excludeFreeUsage, includeCompositeSpend: includeCompositeSpend, isRefundable: isRefundable,
            netsuiteInternalItemId: netsuiteInternalItemId, netsuiteOverageItemId: netsuiteOverageItemId,
            presentationGroupKey: presentationGroupKey, pricingGroupKey: pricingGroupKey,
            quantityConversion: quantityConversion.map { .init(conversionFactor: $0.conversionFactor, operation: $0.operation, name: $0.name) },
            quantityRounding: quantityRounding.map { .init(decimalPlaces: $0.decimalPlaces, roundingMethod: $0.roundingMethod) },
            tags: tags, startingAt: startingAt, createdAt: createdAt, createdBy: createdBy
        )
    }
}
