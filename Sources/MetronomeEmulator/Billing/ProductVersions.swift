import Foundation

/// The kind of a contract product. `PROFESSIONAL_SERVICE` is read as a synonym of `PRO_SERVICE`,
/// the spelling Metronome answers with.
enum ProductType: String, WireEnum {
    case fixed = "FIXED"
    case usage = "USAGE"
    case composite = "COMPOSITE"
    case subscription = "SUBSCRIPTION"
    case proService = "PRO_SERVICE"
    case professionalService = "PROFESSIONAL_SERVICE"

    /// The spelling stored and answered: `PROFESSIONAL_SERVICE` becomes `PRO_SERVICE`.
    var canonical: ProductType { self == .professionalService ? .proService : self }
}

/// How a USAGE product converts the metric's quantity before pricing (MB sent, GB priced).
struct QuantityConversion: Codable, Sendable, Equatable {
    var conversionFactor: Decimal
    var operation: Operation
    var name: String?

    /// Multiply or divide by the factor.
    enum Operation: String, WireEnum {
        case multiply = "MULTIPLY"
        case divide = "DIVIDE"
    }

    enum CodingKeys: String, CodingKey {
        case conversionFactor = "conversion_factor", operation, name
    }
}

/// How a USAGE product rounds the (converted) quantity before pricing.
struct QuantityRounding: Codable, Sendable, Equatable {
    var decimalPlaces: Decimal
    var roundingMethod: Method

    /// The rounding direction.
    enum Method: String, WireEnum {
        case roundUp = "ROUND_UP"
        case roundDown = "ROUND_DOWN"
        case roundHalfUp = "ROUND_HALF_UP"
    }

    enum CodingKeys: String, CodingKey {
        case decimalPlaces = "decimal_places", roundingMethod = "rounding_method"
    }
}

/// One version of a product: all of its fields for the initial version, only the changed ones
/// for an update. Stored as JSON and answered as is (`initial`, `current`, `updates[]`).
struct ProductState: Codable, Sendable, Equatable {
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
    /// When this version takes effect.
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

    /// This state with every field `update` sets written over it, and the update's start and
    /// authorship.
    func applying(_ update: ProductState) -> ProductState {
        var next = self
        next.name = update.name ?? name
        next.billableMetricId = update.billableMetricId ?? billableMetricId
        next.compositeProductIds = update.compositeProductIds ?? compositeProductIds
        next.compositeTags = update.compositeTags ?? compositeTags
        next.excludeFreeUsage = update.excludeFreeUsage ?? excludeFreeUsage
        next.includeCompositeSpend = update.includeCompositeSpend ?? includeCompositeSpend
        next.isRefundable = update.isRefundable ?? isRefundable
        next.netsuiteInternalItemId = update.netsuiteInternalItemId ?? netsuiteInternalItemId
        next.netsuiteOverageItemId = update.netsuiteOverageItemId ?? netsuiteOverageItemId
        next.presentationGroupKey = update.presentationGroupKey ?? presentationGroupKey
        next.pricingGroupKey = update.pricingGroupKey ?? pricingGroupKey
        next.quantityConversion = update.quantityConversion ?? quantityConversion
        next.quantityRounding = update.quantityRounding ?? quantityRounding
        next.tags = update.tags ?? tags
        next.startingAt = update.startingAt
        next.createdAt = update.createdAt
        next.createdBy = update.createdBy
        return next
    }
}

/// Products are versioned: an initial state and updates that each take effect at their
/// `starting_at`.
enum ProductVersions {
    /// The state in force at `moment`: the initial state with every update that has started by
    /// then applied, in order of start (updates with the same start in the order they were made).
    static func state(initial: ProductState, updates: [ProductState], at moment: Timestamp) -> ProductState {
        updates.enumerated()
            .filter { ($0.element.startingAt ?? moment) <= moment }
            .sorted { ($0.element.startingAt ?? moment, $0.offset) < ($1.element.startingAt ?? moment, $1.offset) }
            .reduce(initial) { $0.applying($1.element) }
    }

    /// Whether `moment` is on an hour boundary, as update `starting_at` must be.
    static func isOnHourBoundary(_ moment: Timestamp) -> Bool {
        moment.millisecondsSinceEpoch.modulo(3_600_000) == 0
    }
}

/// Metronome's rules for the fields of a product, by type.
enum ProductRules {
    /// Throws the first rule `state` (a product's whole state, or its state with an update
    /// applied) breaks for a product of `type`. `metricGroupKeys` are the group keys of the
    /// product's billable metric, nil when unknown (SQL metrics).
    static func check(_ state: ProductState, type: ProductType, metricGroupKeys: [[String]]?) throws(PricingRuleViolation) {
        func fail(_ message: String) -> PricingRuleViolation { PricingRuleViolation(message: message) }
        if type == .usage {
            guard state.billableMetricId != nil else { throw fail("'billable_metric_id' is required for USAGE products") }
        } else {
            let usageOnly: [(String, Bool)] = [
                ("billable_metric_id", state.billableMetricId != nil),
                ("quantity_conversion", state.quantityConversion != nil),
                ("quantity_rounding", state.quantityRounding != nil),
                ("pricing_group_key", state.pricingGroupKey != nil),
                ("presentation_group_key", state.presentationGroupKey != nil),
            ]
            if let violation = usageOnly.first(where: { $0.1 }) {
                throw fail("'\(violation.0)' is only for USAGE products")
            }
        }
        if type == .composite {
            guard !(state.compositeProductIds ?? []).isEmpty || !(state.compositeTags ?? []).isEmpty else {
                throw fail("COMPOSITE products need 'composite_product_ids' or 'composite_tags'")
            }
        } else {
            let compositeOnly: [(String, Bool)] = [
                ("composite_product_ids", state.compositeProductIds != nil),
                ("composite_tags", state.compositeTags != nil),
                ("exclude_free_usage", state.excludeFreeUsage != nil),
                ("include_composite_spend", state.includeCompositeSpend != nil),
            ]
            if let violation = compositeOnly.first(where: { $0.1 }) {
                throw fail("'\(violation.0)' is only for COMPOSITE products")
            }
        }
        if let conversion = state.quantityConversion, conversion.conversionFactor <= 0 {
            throw fail("'quantity_conversion.conversion_factor' must be positive")
        }
        if let rounding = state.quantityRounding {
            let places = rounding.decimalPlaces
            guard places >= 0, places == places.rounded(toPlaces: 0) else {
                throw fail("'quantity_rounding.decimal_places' must be a whole number >= 0")
            }
        }
        if let metricGroupKeys, state.pricingGroupKey != nil || state.presentationGroupKey != nil {
            let wanted = Set((state.pricingGroupKey ?? []) + (state.presentationGroupKey ?? []))
            guard metricGroupKeys.contains(where: { Set($0) == wanted }) else {
                throw fail(
                    "pricing_group_key and presentation_group_key together (\(wanted.sorted().joined(separator: ", "))) "
                        + "must be one of the billable metric's group_keys"
                )
            }
        }
    }
}

extension Decimal {
    /// This value rounded half-up (away from zero) to `places` decimal places.
    func rounded(toPlaces places: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, places, .plain)
        return result
    }
}
