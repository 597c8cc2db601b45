import Foundation
import MetronomeCodecs

/// A legacy plan as Metronome's app defines it (there is no API to create one): its charges,
/// and what the plan details page shows.
package struct PlanDefinition: Sendable {
    package var id: String
    package var name: String
    package var description: String?
    package var customFields: [String: String]?
    package var charges: [PlanCharge]
    package var creditGrants: [JSONValue]?
    package var minimums: [PlanMinimum]?
    package var overageRates: [JSONValue]?

    /// A value with each stored property given.
    package init(
        id: String,
        name: String,
        description: String? = nil,
        customFields: [String: String]? = nil,
        charges: [PlanCharge],
        creditGrants: [JSONValue]? = nil,
        minimums: [PlanMinimum]? = nil,
        overageRates: [JSONValue]? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.customFields = customFields
        self.charges = charges
        self.creditGrants = creditGrants
        self.minimums = minimums
        self.overageRates = overageRates
    }
}

/// The kinds of plan charges.
package enum PlanChargeType: String, WireEnum {
    case usage, fixed, composite, minimum, seat
}

/// One charge of a plan: what it bills (a product, and for usage a billable metric) and its
/// price per tier, from billing period `startPeriod` on (price ramps are several charges).
package struct PlanCharge: Sendable {
    package var id: String
    package var name: String
    package var chargeType: PlanChargeType
    package var productId: String
    package var productName: String
    package var billableMetricId: String?
    package var creditTypeId: String?
    package var prices: [PlanChargePrice]
    package var quantity: Decimal?
    package var startPeriod: Decimal?
    package var tierResetFrequency: Decimal?
    package var unitConversion: UnitConversion?
    package var customFields: [String: String]?

    /// Divides usage before pricing, e.g. bytes into gigabytes.
    package struct UnitConversion: Sendable {
        package var divisionFactor: Decimal
        package var roundingBehavior: String?

        /// A value with each stored property given.
        package init(divisionFactor: Decimal, roundingBehavior: String? = nil) {
            self.divisionFactor = divisionFactor
            self.roundingBehavior = roundingBehavior
        }
    }

    /// A value with each stored property given.
    package init(
        id: String,
        name: String,
        chargeType: PlanChargeType,
        productId: String,
        productName: String,
        billableMetricId: String? = nil,
        creditTypeId: String? = nil,
        prices: [PlanChargePrice],
        quantity: Decimal? = nil,
        startPeriod: Decimal? = nil,
        tierResetFrequency: Decimal? = nil,
        unitConversion: UnitConversion? = nil,
        customFields: [String: String]? = nil
    ) {
        self.id = id
        self.name = name
        self.chargeType = chargeType
        self.productId = productId
        self.productName = productName
        self.billableMetricId = billableMetricId
        self.creditTypeId = creditTypeId
        self.prices = prices
        self.quantity = quantity
        self.startPeriod = startPeriod
        self.tierResetFrequency = tierResetFrequency
        self.unitConversion = unitConversion
        self.customFields = customFields
    }
}

/// The price of one tier of a charge; `tier` is the first unit it applies to.
package struct PlanChargePrice: Sendable {
    package var tier: Decimal
    package var value: Decimal
    package var collectionInterval: Decimal?
    package var collectionSchedule: String?
    package var quantity: Decimal?

    /// A value with each stored property given.
    package init(
        tier: Decimal,
        value: Decimal,
        collectionInterval: Decimal? = nil,
        collectionSchedule: String? = nil,
        quantity: Decimal? = nil
    ) {
        self.tier = tier
        self.value = value
        self.collectionInterval = collectionInterval
        self.collectionSchedule = collectionSchedule
        self.quantity = quantity
    }
}

/// A plan minimum from billing period `startPeriod` on.
package struct PlanMinimum: Sendable {
    package var name: String
    package var creditTypeId: String?
    package var startPeriod: Decimal
    package var value: Decimal

    /// A value with each stored property given.
    package init(name: String, creditTypeId: String? = nil, startPeriod: Decimal, value: Decimal) {
        self.name = name
        self.creditTypeId = creditTypeId
        self.startPeriod = startPeriod
        self.value = value
    }
}

/// A price adjustment of a customer plan: a change to one charge's price from a billing period on.
package struct PriceAdjustment: Sendable {
    package var adjustmentType: AdjustmentType
    package var chargeId: String
    package var startPeriod: Decimal
    package var quantity: Decimal?
    package var tier: Decimal?
    package var value: Decimal?

    /// How the adjustment changes the price.
    package enum AdjustmentType: String, WireEnum {
        case percentage, fixed, override, quantity
    }

    /// A value with each stored property given.
    package init(
        adjustmentType: AdjustmentType,
        chargeId: String,
        startPeriod: Decimal,
        quantity: Decimal? = nil,
        tier: Decimal? = nil,
        value: Decimal? = nil
    ) {
        self.adjustmentType = adjustmentType
        self.chargeId = chargeId
        self.startPeriod = startPeriod
        self.quantity = quantity
        self.tier = tier
        self.value = value
    }
}

/// A trial at the start of a customer plan.
package struct TrialSpec: Sendable {
    package var lengthInDays: Decimal
    package var spendingCap: SpendingCap?

    /// The most the trial may bill.
    package struct SpendingCap: Sendable {
        package var amount: Decimal
        package var creditTypeId: String

        /// A value with each stored property given.
        package init(amount: Decimal, creditTypeId: String) {
            self.amount = amount
            self.creditTypeId = creditTypeId
        }
    }

    /// A value with each stored property given.
    package init(lengthInDays: Decimal, spendingCap: SpendingCap? = nil) {
        self.lengthInDays = lengthInDays
        self.spendingCap = spendingCap
    }
}
