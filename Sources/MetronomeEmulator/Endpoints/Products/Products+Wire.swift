import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

// MARK: - Requests

/// The product fields create and update share, read from the same JSON object.
struct ProductFieldsBody: Decodable {
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
    var quantityConversion: QuantityConversionWire?
    var quantityRounding: QuantityRoundingWire?
    var sqlBreakdownGranularity: SQLBreakdownGranularity?
    var tags: [String]?

    /// How usage of SQL billable metrics is broken down; accepted, not used by the emulator.
    enum SQLBreakdownGranularity: String, WireEnum {
        case hour = "HOUR"
        case servicePeriod = "SERVICE_PERIOD"
    }

    enum CodingKeys: String, CodingKey {
        case billableMetricId = "billable_metric_id", compositeProductIds = "composite_product_ids"
        case compositeTags = "composite_tags", excludeFreeUsage = "exclude_free_usage"
        case includeCompositeSpend = "include_composite_spend", isRefundable = "is_refundable"
        case netsuiteInternalItemId = "netsuite_internal_item_id", netsuiteOverageItemId = "netsuite_overage_item_id"
        case presentationGroupKey = "presentation_group_key", pricingGroupKey = "pricing_group_key"
        case quantityConversion = "quantity_conversion", quantityRounding = "quantity_rounding"
        case sqlBreakdownGranularity = "sql_breakdown_granularity", tags
    }

    /// A product version holding these fields (IDs checked to be UUIDs), by the API at `now`.
    func state(name: String?, startingAt: Timestamp?, now: Timestamp) throws -> ProductState {
        ProductState(
            name: name,
            billableMetricId: try billableMetricId.map { try Validate.id($0, field: "billable_metric_id") },
            compositeProductIds: try compositeProductIds.map { try $0.map { try Validate.id($0, field: "composite_product_ids") } },
            compositeTags: compositeTags, excludeFreeUsage: excludeFreeUsage, includeCompositeSpend: includeCompositeSpend,
            isRefundable: isRefundable, netsuiteInternalItemId: netsuiteInternalItemId,
            netsuiteOverageItemId: netsuiteOverageItemId, presentationGroupKey: presentationGroupKey,
            pricingGroupKey: pricingGroupKey, quantityConversion: quantityConversion?.domain, quantityRounding: quantityRounding?.domain,
            tags: tags, startingAt: startingAt, createdAt: now, createdBy: AppDatabase.apiAuthor
        )
    }
}

/// The body of `POST /v1/contract-pricing/products/create`.
struct CreateProductRequest: Decodable {
    var name: String
    var type: ProductType
    var customFields: [String: String]?
    var fields: ProductFieldsBody

    enum CodingKeys: String, CodingKey {
        case name, type, customFields = "custom_fields"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        type = try container.decode(ProductType.self, forKey: .type)
        customFields = try container.decodeIfPresent([String: String].self, forKey: .customFields)
        fields = try ProductFieldsBody(from: decoder)
    }
}

/// The body of `POST /v1/contract-pricing/products/update`: a new version from `starting_at`.
struct UpdateProductRequest: Decodable {
    var productId: String
    var startingAt: Timestamp
    var name: String?
    var fields: ProductFieldsBody

    enum CodingKeys: String, CodingKey {
        case productId = "product_id", startingAt = "starting_at", name
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        productId = try container.decode(String.self, forKey: .productId)
        startingAt = try container.decode(Timestamp.self, forKey: .startingAt)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        fields = try ProductFieldsBody(from: decoder)
    }
}

/// The body of `POST /v1/contract-pricing/products/get`.
struct GetProductRequest: Decodable {
    var id: String
}

/// The body of `POST /v1/contract-pricing/products/archive`.
struct ArchiveProductRequest: Decodable {
    var productId: String

    enum CodingKeys: String, CodingKey {
        case productId = "product_id"
    }
}

/// The body of `POST /v1/contract-pricing/products/list` (paging is in the query).
struct ListProductsRequest: Decodable {
    var archiveFilter: ProductArchiveFilter?

    enum CodingKeys: String, CodingKey {
        case archiveFilter = "archive_filter"
    }
}

// MARK: - Responses

/// A product on the wire (get and list): its versions and the one in force now.
struct ProductWire: Encodable {
    var id: String
    var type: ProductType
    var initial: ProductStateWire
    var current: ProductStateWire
    var updates: [ProductStateWire]
    var archivedAt: Timestamp?
    var customFields: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, type, initial, current, updates, archivedAt = "archived_at", customFields = "custom_fields"
    }

    init(_ record: ProductRecord, now: Timestamp) {
        id = record.id
        type = record.type
        initial = ProductStateWire(record.initial)
        current = ProductStateWire(record.state(at: now))
        updates = record.updates.map(ProductStateWire.init)
        archivedAt = record.archivedAt
        customFields = record.customFields
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(initial, forKey: .initial)
        try container.encode(current, forKey: .current)
        try container.encode(updates, forKey: .updates)
        try container.encode(archivedAt, forKey: .archivedAt)
        try container.encode(customFields, forKey: .customFields)
    }
}

// MARK: - Quantity conversion and rounding

/// How a USAGE product converts the metric's quantity, as sent and answered.
struct QuantityConversionWire: Codable {
    var conversionFactor: Decimal
    var operation: QuantityConversion.Operation
    var name: String?

    enum CodingKeys: String, CodingKey {
        case conversionFactor = "conversion_factor", operation, name
    }

    /// The wire form of `conversion`.
    init(_ conversion: QuantityConversion) {
        conversionFactor = conversion.conversionFactor
        operation = conversion.operation
        name = conversion.name
    }

    /// The conversion this gives.
    var domain: QuantityConversion { QuantityConversion(conversionFactor: conversionFactor, operation: operation, name: name) }
}

/// How a USAGE product rounds its quantity, as sent and answered.
struct QuantityRoundingWire: Codable {
    var decimalPlaces: Decimal
    var roundingMethod: QuantityRounding.Method

    enum CodingKeys: String, CodingKey {
        case decimalPlaces = "decimal_places", roundingMethod = "rounding_method"
    }

    /// The wire form of `rounding`.
    init(_ rounding: QuantityRounding) {
        decimalPlaces = rounding.decimalPlaces
        roundingMethod = rounding.roundingMethod
    }

    /// The rounding this gives.
    var domain: QuantityRounding { QuantityRounding(decimalPlaces: decimalPlaces, roundingMethod: roundingMethod) }
}

/// One version of a product (`initial`, `current`, `updates[]`): every field for the initial
/// version, only the changed ones for an update.
struct ProductStateWire: Encodable {
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
    var quantityConversion: QuantityConversionWire?
    var quantityRounding: QuantityRoundingWire?
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

    /// The wire form of `state`.
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
        quantityConversion = state.quantityConversion.map(QuantityConversionWire.init)
        quantityRounding = state.quantityRounding.map(QuantityRoundingWire.init)
        tags = state.tags
        startingAt = state.startingAt
        createdAt = state.createdAt
        createdBy = state.createdBy
    }
}
