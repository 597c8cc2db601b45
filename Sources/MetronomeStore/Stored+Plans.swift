import Foundation
import MetronomeBilling
import MetronomeCodecs

// The JSON `plan.definition` and a `customer_plan`'s price adjustments and trial are stored as.
// The keys are the database file format: a file written by an earlier version must still decode.

/// A plan as stored.
struct StoredPlanDefinition: Codable, Sendable {
    var id: String
    var name: String
    var description: String?
    var customFields: [String: String]?
    var charges: [StoredPlanCharge]
    var creditGrants: [JSONValue]?
    var minimums: [StoredPlanMinimum]?
    var overageRates: [JSONValue]?

    enum CodingKeys: String, CodingKey {
        case id, name, description, customFields = "custom_fields", charges, creditGrants = "credit_grants"
        case minimums, overageRates = "overage_rates"
    }

    /// The stored form of `plan`.
    init(_ plan: PlanDefinition) {
        id = plan.id
        name = plan.name
        description = plan.description
        customFields = plan.customFields
        charges = plan.charges.map(StoredPlanCharge.init)
        creditGrants = plan.creditGrants
        minimums = plan.minimums?.map(StoredPlanMinimum.init)
        overageRates = plan.overageRates
    }

    /// The plan this holds.
    var domain: PlanDefinition {
        PlanDefinition(
            id: id, name: name, description: description, customFields: customFields, charges: charges.map(\.domain),
            creditGrants: creditGrants, minimums: minimums?.map(\.domain), overageRates: overageRates
        )
    }
}

/// A plan charge as stored.
struct StoredPlanCharge: Codable, Sendable {
    var id: String
    var name: String
    var chargeType: PlanChargeType
    var productId: String
    var productName: String
    var billableMetricId: String?
    var creditTypeId: String?
    var prices: [StoredPlanChargePrice]
    var quantity: Decimal?
    var startPeriod: Decimal?
    var tierResetFrequency: Decimal?
    var unitConversion: UnitConversion?
    var customFields: [String: String]?

    /// A charge's unit conversion as stored.
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

    /// The stored form of `charge`.
    init(_ charge: PlanCharge) {
        id = charge.id
        name = charge.name
        chargeType = charge.chargeType
        productId = charge.productId
        productName = charge.productName
        billableMetricId = charge.billableMetricId
        creditTypeId = charge.creditTypeId
        prices = charge.prices.map(StoredPlanChargePrice.init)
        quantity = charge.quantity
        startPeriod = charge.startPeriod
        tierResetFrequency = charge.tierResetFrequency
        unitConversion = charge.unitConversion.map { UnitConversion(divisionFactor: $0.divisionFactor, roundingBehavior: $0.roundingBehavior) }
        customFields = charge.customFields
    }

    /// The charge this holds.
    var domain: PlanCharge {
        PlanCharge(
            id: id, name: name, chargeType: chargeType, productId: productId, productName: productName,
            billableMetricId: billableMetricId, creditTypeId: creditTypeId, prices: prices.map(\.domain), quantity: quantity,
            startPeriod: startPeriod, tierResetFrequency: tierResetFrequency,
            unitConversion: unitConversion.map { .init(divisionFactor: $0.divisionFactor, roundingBehavior: $0.roundingBehavior) },
            customFields: customFields
        )
    }
}

/// The price of one tier of a plan charge as stored.
struct StoredPlanChargePrice: Codable, Sendable {
    var tier: Decimal
    var value: Decimal
    var collectionInterval: Decimal?
    var collectionSchedule: String?
    var quantity: Decimal?

    enum CodingKeys: String, CodingKey {
        case tier, value, collectionInterval = "collection_interval", collectionSchedule = "collection_schedule", quantity
    }

    /// The stored form of `price`.
    init(_ price: PlanChargePrice) {
        tier = price.tier
        value = price.value
        collectionInterval = price.collectionInterval
        collectionSchedule = price.collectionSchedule
        quantity = price.quantity
    }

    /// The price this holds.
    var domain: PlanChargePrice {
        PlanChargePrice(tier: tier, value: value, collectionInterval: collectionInterval, collectionSchedule: collectionSchedule, quantity: quantity)
    }
}

/// A plan minimum as stored.
struct StoredPlanMinimum: Codable, Sendable {
    var name: String
    var creditTypeId: String?
    var startPeriod: Decimal
    var value: Decimal

    enum CodingKeys: String, CodingKey {
        case name, creditTypeId = "credit_type_id", startPeriod = "start_period", value
    }

    /// The stored form of `minimum`.
    init(_ minimum: PlanMinimum) {
        name = minimum.name
        creditTypeId = minimum.creditTypeId
        startPeriod = minimum.startPeriod
        value = minimum.value
    }

    /// The minimum this holds.
    var domain: PlanMinimum { PlanMinimum(name: name, creditTypeId: creditTypeId, startPeriod: startPeriod, value: value) }
}

/// A customer plan's price adjustment as stored.
struct StoredPriceAdjustment: Codable, Sendable {
    var adjustmentType: PriceAdjustment.AdjustmentType
    var chargeId: String
    var startPeriod: Decimal
    var quantity: Decimal?
    var tier: Decimal?
    var value: Decimal?

    enum CodingKeys: String, CodingKey {
        case adjustmentType = "adjustment_type", chargeId = "charge_id", startPeriod = "start_period"
        case quantity, tier, value
    }

    /// The stored form of `adjustment`.
    init(_ adjustment: PriceAdjustment) {
        adjustmentType = adjustment.adjustmentType
        chargeId = adjustment.chargeId
        startPeriod = adjustment.startPeriod
        quantity = adjustment.quantity
        tier = adjustment.tier
        value = adjustment.value
    }

    /// The adjustment this holds.
    var domain: PriceAdjustment {
        PriceAdjustment(adjustmentType: adjustmentType, chargeId: chargeId, startPeriod: startPeriod, quantity: quantity, tier: tier, value: value)
    }
}

/// A customer plan's trial as stored.
struct StoredTrialSpec: Codable, Sendable {
    var lengthInDays: Decimal
    var spendingCap: SpendingCap?

    /// The trial's spending cap as stored.
    struct SpendingCap: Codable, Sendable {
        var amount: Decimal
        var creditTypeId: String

        enum CodingKeys: String, CodingKey {
            case amount, creditTypeId = "credit_type_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case lengthInDays = "length_in_days", spendingCap = "spending_cap"
    }

    /// The stored form of `trial`.
    init(_ trial: TrialSpec) {
        lengthInDays = trial.lengthInDays
        spendingCap = trial.spendingCap.map { SpendingCap(amount: $0.amount, creditTypeId: $0.creditTypeId) }
    }

    /// The trial this holds.
    var domain: TrialSpec {
        TrialSpec(lengthInDays: lengthInDays, spendingCap: spendingCap.map { .init(amount: $0.amount, creditTypeId: $0.creditTypeId) })
    }
}
