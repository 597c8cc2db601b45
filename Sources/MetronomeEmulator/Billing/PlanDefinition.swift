import Foundation

/// A legacy plan as Metronome's app defines it (there is no API to create one): its charges,
/// and what the plan details page shows.
struct PlanDefinition: Codable, Sendable {
    var id: String
    var name: String
    var description: String?
    var customFields: [String: String]?
    var charges: [PlanCharge]
    var creditGrants: [JSONValue]?
    var minimums: [PlanMinimum]?
    var overageRates: [JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id, name, description, customFields = "custom_fields", charges, creditGrants = "credit_grants"
        case minimums, overageRates = "overage_rates"
    }
}

/// The kinds of plan charges.
enum PlanChargeType: String, WireEnum {
    case usage, fixed, composite, minimum, seat
}

/// One charge of a plan: what it bills (a product, and for usage a billable metric) and its
/// price per tier, from billing period `startPeriod` on (price ramps are several charges).
struct PlanCharge: Codable, Sendable {
    var id: String
    var name: String
    var chargeType: PlanChargeType
    var productId: String
    var productName: String
    var billableMetricId: String?
    var creditTypeId: String?
    var prices: [PlanChargePrice]
    var quantity: Decimal?
    var startPeriod: Decimal?
    var tierResetFrequency: Decimal?
    var unitConversion: UnitConversion?
    var customFields: [String: String]?

    /// Divides usage before pricing, e.g. bytes into gigabytes.
    struct UnitConversion: Codable, Sendable {
        var divisionFactor: Decimal
        var roundingBehavior: String?

        enum CodingKeys: String, CodingKey {
            case divisionFactor = "division_factor", roundingBehavior = "rounding_behavior"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, chargeType = "charge_type", productId = "product_id", productName = "product_name"
        case billableMetricId = "billable_metric_id", creditTypeId = "credit_type_id", prices, quantity
        case startPeriod = "start_period", tierResetFrequency = "tier_reset_frequency"
        case unitConversion = "unit_conversion", customFields = "custom_fields"
    }
}

/// The price of one tier of a charge; `tier` is the first unit it applies to.
struct PlanChargePrice: Codable, Sendable {
    var tier: Decimal
    var value: Decimal
    var collectionInterval: Decimal?
    var collectionSchedule: String?
    var quantity: Decimal?

    enum CodingKeys: String, CodingKey {
        case tier, value, collectionInterval = "collection_interval", collectionSchedule = "collection_schedule", quantity
    }
}

/// A plan minimum from billing period `startPeriod` on.
struct PlanMinimum: Codable, Sendable {
    var name: String
    var creditTypeId: String?
    var startPeriod: Decimal
    var value: Decimal

    enum CodingKeys: String, CodingKey {
        case name, creditTypeId = "credit_type_id", startPeriod = "start_period", value
    }
}
