import Foundation
import MetronomeCodecs

/// The kind of a contract product. `PROFESSIONAL_SERVICE` is read as a synonym of `PRO_SERVICE`,
/// the spelling Metronome answers with.
package enum ProductType: String, WireEnum {
    case fixed = "FIXED"
    case usage = "USAGE"
    case composite = "COMPOSITE"
    case subscription = "SUBSCRIPTION"
    case proService = "PRO_SERVICE"
    case professionalService = "PROFESSIONAL_SERVICE"

    /// The spelling stored and answered: `PROFESSIONAL_SERVICE` becomes `PRO_SERVICE`.
    package var canonical: ProductType { self == .professionalService ? .proService : self }
}

/// How a USAGE product converts the metric's quantity before pricing (MB sent, GB priced).
package struct QuantityConversion: Sendable, Equatable {
    package var conversionFactor: Decimal
    package var operation: Operation
    package var name: String?

    /// Multiply or divide by the factor.
    package enum Operation: String, WireEnum {
        case multiply = "MULTIPLY"
        case divide = "DIVIDE"
    }

    /// A value with each stored property given.
    package init(conversionFactor: Decimal, operation: Operation, name: String? = nil) {
        self.conversionFactor = conversionFactor
        self.operation = operation
        self.name = name
    }
}

/// How a USAGE product rounds the (converted) quantity before pricing.
package struct QuantityRounding: Sendable, Equatable {
    package var decimalPlaces: Decimal
    package var roundingMethod: Method

    /// The rounding direction.
    package enum Method: String, WireEnum {
        case roundUp = "ROUND_UP"
        case roundDown = "ROUND_DOWN"
        case roundHalfUp = "ROUND_HALF_UP"
    }

    /// A value with each stored property given.
    package init(decimalPlaces: Decimal, roundingMethod: Method) {
        self.decimalPlaces = decimalPlaces
        self.roundingMethod = roundingMethod
    }
}

/// One version of a product: all of its fields for the initial version, only the changed ones
/// for an update. Stored as JSON and answered as is (`initial`, `current`, `updates[]`).
package struct ProductState: Sendable, Equatable {
    package var name: String?
    package var billableMetricId: String?
    package var compositeProductIds: [String]?
    package var compositeTags: [String]?
    package var excludeFreeUsage: Bool?
    package var includeCompositeSpend: Bool?
    package var isRefundable: Bool?
    package var netsuiteInternalItemId: String?
    package var netsuiteOverageItemId: String?
    package var presentationGroupKey: [String]?
    package var pricingGroupKey: [String]?
    package var quantityConversion: QuantityConversion?
    package var quantityRounding: QuantityRounding?
    package var tags: [String]?
    /// When this version takes effect.
    package var startingAt: Timestamp?
    package var createdAt: Timestamp
    package var createdBy: String

    /// This state with every field `update` sets written over it, and the update's start and
    /// authorship.
    package func applying(_ update: ProductState) -> ProductState {
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

    /// A value with each stored property given.
    package init(
        name: String? = nil,
        billableMetricId: String? = nil,
        compositeProductIds: [String]? = nil,
        compositeTags: [String]? = nil,
        excludeFreeUsage: Bool? = nil,
        includeCompositeSpend: Bool? = nil,
        isRefundable: Bool? = nil,
        netsuiteInternalItemId: String? = nil,
        netsuiteOverageItemId: String? = nil,
        presentationGroupKey: [String]? = nil,
        pricingGroupKey: [String]? = nil,
        quantityConversion: QuantityConversion? = nil,
        quantityRounding: QuantityRounding? = nil,
        tags: [String]? = nil,
        startingAt: Timestamp? = nil,
        createdAt: Timestamp,
        createdBy: String
    ) {
        self.name = name
        self.billableMetricId = billableMetricId
        self.compositeProductIds = compositeProductIds
        self.compositeTags = compositeTags
        self.excludeFreeUsage = excludeFreeUsage
        self.includeCompositeSpend = includeCompositeSpend
        self.isRefundable = isRefundable
        self.netsuiteInternalItemId = netsuiteInternalItemId
        self.netsuiteOverageItemId = netsuiteOverageItemId
        self.presentationGroupKey = presentationGroupKey
        self.pricingGroupKey = pricingGroupKey
        self.quantityConversion = quantityConversion
        self.quantityRounding = quantityRounding
        self.tags = tags
        self.startingAt = startingAt
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// Products are versioned: an initial state and updates that each take effect at their
/// `starting_at`.
package enum ProductVersions {
    /// The state in force at `moment`: the initial state with every update that has started by
    /// then applied, in order of start (updates with the same start in the order they were made).
    package static func state(initial: ProductState, updates: [ProductState], at moment: Timestamp) -> ProductState {
        updates.enumerated()
            .filter { ($0.element.startingAt ?? moment) <= moment }
            .sorted { ($0.element.startingAt ?? moment, $0.offset) < ($1.element.startingAt ?? moment, $1.offset) }
            .reduce(initial) { $0.applying($1.element) }
    }

    /// Whether `moment` is on an hour boundary, as update `starting_at` must be.
    package static func isOnHourBoundary(_ moment: Timestamp) -> Bool {
        moment.millisecondsSinceEpoch.modulo(3_600_000) == 0
    }
}

/// Metronome's rules for the fields of a product, by type.
package enum ProductRules {
    /// Throws the first rule `state` (a product's whole state, or its state with an update
    /// applied) breaks for a product of `type`. `metricGroupKeys` are the group keys of the
    /// product's billable metric, nil when unknown (SQL metrics).
    package static func check(_ state: ProductState, type: ProductType, metricGroupKeys: [[String]]?) throws(PricingRuleViolation) {
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
    package func rounded(toPlaces places: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, places, .plain)
        return result
    }
}
