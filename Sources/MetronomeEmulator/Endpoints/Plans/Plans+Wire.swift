import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// A plan in the plans list.
struct PlanSummaryWire: Encodable {
    var id: String
    var description: String
    var name: String
    var customFields: [String: String]

    enum CodingKeys: String, CodingKey {
        case id, description, name, customFields = "custom_fields"
    }

    init(_ plan: PlanDefinition) {
        id = plan.id
        description = plan.description ?? ""
        name = plan.name
        customFields = plan.customFields ?? [:]
    }
}

/// `PlanDetail`: a plan with its credit grants, minimums and overage rates.
struct PlanDetailWire: Encodable {
    var id: String
    var customFields: [String: String]
    var name: String
    var creditGrants: [JSONValue]
    var description: String?
    var minimums: [Minimum]
    var overageRates: [JSONValue]

    struct Minimum: Encodable {
        var creditType: CreditTypeDataWire
        var name: String
        var startPeriod: Decimal
        var value: Decimal

        enum CodingKeys: String, CodingKey {
            case creditType = "credit_type", name, startPeriod = "start_period", value
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, customFields = "custom_fields", name, creditGrants = "credit_grants", description, minimums
        case overageRates = "overage_rates"
    }

    init(_ plan: PlanDefinition, creditTypeNames: [String: String]) {
        id = plan.id
        customFields = plan.customFields ?? [:]
        name = plan.name
        creditGrants = plan.creditGrants ?? []
        description = plan.description
        minimums = (plan.minimums ?? []).map {
            Minimum(creditType: CreditTypeDataWire(id: $0.creditTypeId, names: creditTypeNames), name: $0.name,
                    startPeriod: $0.startPeriod, value: $0.value)
        }
        overageRates = plan.overageRates ?? []
    }
}

/// A plan charge on the wire.
struct PlanChargeWire: Encodable {
    var id: String
    var chargeType: PlanChargeType
    var creditType: CreditTypeDataWire
    var customFields: [String: String]
    var name: String
    var prices: [PlanChargePriceWire]
    var productId: String
    var productName: String
    var quantity: Decimal?
    var startPeriod: Decimal?
    var tierResetFrequency: Decimal?
    var unitConversion: UnitConversionWire?

    enum CodingKeys: String, CodingKey {
        case id, chargeType = "charge_type", creditType = "credit_type", customFields = "custom_fields", name, prices
        case productId = "product_id", productName = "product_name", quantity, startPeriod = "start_period"
        case tierResetFrequency = "tier_reset_frequency", unitConversion = "unit_conversion"
    }

    init(_ charge: PlanCharge, creditTypeNames: [String: String]) {
        id = charge.id
        chargeType = charge.chargeType
        creditType = CreditTypeDataWire(id: charge.creditTypeId, names: creditTypeNames)
        customFields = charge.customFields ?? [:]
        name = charge.name
        prices = charge.prices.map(PlanChargePriceWire.init)
        productId = charge.productId
        productName = charge.productName
        quantity = charge.quantity
        startPeriod = charge.startPeriod
        tierResetFrequency = charge.tierResetFrequency
        unitConversion = charge.unitConversion.map(UnitConversionWire.init)
    }
}

/// The price of one tier of a plan charge (`tier` is its first unit), as answered and as
/// `plans.json` gives it.
struct PlanChargePriceWire: Codable {
    var tier: Decimal
    var value: Decimal
    var collectionInterval: Decimal?
    var collectionSchedule: String?
    var quantity: Decimal?

    enum CodingKeys: String, CodingKey {
        case tier, value, collectionInterval = "collection_interval", collectionSchedule = "collection_schedule", quantity
    }

    /// The wire form of `price`.
    init(_ price: PlanChargePrice) {
        tier = price.tier
        value = price.value
        collectionInterval = price.collectionInterval
        collectionSchedule = price.collectionSchedule
        quantity = price.quantity
    }

    /// The price this gives.
    var domain: PlanChargePrice {
        PlanChargePrice(tier: tier, value: value, collectionInterval: collectionInterval, collectionSchedule: collectionSchedule, quantity: quantity)
    }
}

/// A plan charge's unit conversion, as answered and as `plans.json` gives it.
struct UnitConversionWire: Codable {
    var divisionFactor: Decimal
    var roundingBehavior: String?

    enum CodingKeys: String, CodingKey {
        case divisionFactor = "division_factor", roundingBehavior = "rounding_behavior"
    }

    /// The wire form of `conversion`.
    init(_ conversion: PlanCharge.UnitConversion) {
        divisionFactor = conversion.divisionFactor
        roundingBehavior = conversion.roundingBehavior
    }

    /// The conversion this gives.
    var domain: PlanCharge.UnitConversion { PlanCharge.UnitConversion(divisionFactor: divisionFactor, roundingBehavior: roundingBehavior) }
}

/// A price adjustment in the body of `plans/add`.
struct PriceAdjustmentBody: Decodable {
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

    /// The adjustment this gives.
    var domain: PriceAdjustment {
        PriceAdjustment(adjustmentType: adjustmentType, chargeId: chargeId, startPeriod: startPeriod, quantity: quantity, tier: tier, value: value)
    }
}

/// The trial in the body of `plans/add`.
struct TrialSpecBody: Decodable {
    var lengthInDays: Decimal
    var spendingCap: SpendingCap?

    /// The most the trial may bill.
    struct SpendingCap: Decodable {
        var amount: Decimal
        var creditTypeId: String

        enum CodingKeys: String, CodingKey {
            case amount, creditTypeId = "credit_type_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case lengthInDays = "length_in_days", spendingCap = "spending_cap"
    }

    /// The trial this gives.
    var domain: TrialSpec {
        TrialSpec(lengthInDays: lengthInDays, spendingCap: spendingCap.map { .init(amount: $0.amount, creditTypeId: $0.creditTypeId) })
    }
}

/// One customer of a plan.
struct PlanCustomerWire: Encodable {
    var customerDetails: CustomerDetailWire
    var planDetails: PlanDetails

    struct PlanDetails: Encodable {
        var id: String
        var customFields: [String: String]
        var customerPlanId: String
        var name: String
        var startingOn: Timestamp
        var endingBefore: Timestamp?

        enum CodingKeys: String, CodingKey {
            case id, customFields = "custom_fields", customerPlanId = "customer_plan_id", name
            case startingOn = "starting_on", endingBefore = "ending_before"
        }
    }

    enum CodingKeys: String, CodingKey {
        case customerDetails = "customer_details", planDetails = "plan_details"
    }
}

/// The body of `POST /v1/customers/{id}/plans/add`.
struct AddCustomerPlanRequest: Decodable {
    var planId: String
    var startingOn: Timestamp
    var endingBefore: Timestamp?
    var netPaymentTermsDays: Decimal?
    var priceAdjustments: [PriceAdjustmentBody]?
    var trialSpec: TrialSpecBody?
    var overageRateAdjustments: [OverageRateAdjustment]?

    /// Overage rates that replace the plan's.
    struct OverageRateAdjustment: Codable {
        var customCreditTypeId: String
        var fiatCurrencyCreditTypeId: String
        var toFiatConversionFactor: Decimal

        enum CodingKeys: String, CodingKey {
            case customCreditTypeId = "custom_credit_type_id", fiatCurrencyCreditTypeId = "fiat_currency_credit_type_id"
            case toFiatConversionFactor = "to_fiat_conversion_factor"
        }
    }

    enum CodingKeys: String, CodingKey {
        case planId = "plan_id", startingOn = "starting_on", endingBefore = "ending_before"
        case netPaymentTermsDays = "net_payment_terms_days", priceAdjustments = "price_adjustments"
        case trialSpec = "trial_spec", overageRateAdjustments = "overage_rate_adjustments"
    }
}

/// The body of `POST /v1/customers/{id}/plans/{customer_plan_id}/end`.
struct EndCustomerPlanRequest: Decodable {
    var endingBefore: Timestamp?
    var voidInvoices: Bool?
    var voidStripeInvoices: Bool?

    enum CodingKeys: String, CodingKey {
        case endingBefore = "ending_before", voidInvoices = "void_invoices", voidStripeInvoices = "void_stripe_invoices"
    }
}

/// One of a customer's plans.
struct CustomerPlanWire: Encodable {
    var id: String
    var customFields: [String: String]
    var planDescription: String
    var planId: String
    var planName: String
    var startingOn: Timestamp
    var endingBefore: Timestamp?
    var netPaymentTermsDays: Decimal?
    var trialInfo: TrialInfo?

    struct TrialInfo: Encodable {
        var endingBefore: Timestamp
        var spendingCaps: [SpendingCap]

        enum CodingKeys: String, CodingKey {
            case endingBefore = "ending_before", spendingCaps = "spending_caps"
        }
    }

    struct SpendingCap: Encodable {
        var amount: Decimal
        var amountRemaining: Decimal
        var creditType: CreditTypeDataWire

        enum CodingKeys: String, CodingKey {
            case amount, amountRemaining = "amount_remaining", creditType = "credit_type"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, customFields = "custom_fields", planDescription = "plan_description", planId = "plan_id"
        case planName = "plan_name", startingOn = "starting_on", endingBefore = "ending_before"
        case netPaymentTermsDays = "net_payment_terms_days", trialInfo = "trial_info"
    }

    /// `trialSpend` is what the trial invoice bills before its trial adjustment, nil if none yet.
    init(_ record: CustomerPlanRecord, plan: PlanDefinition, creditTypeNames: [String: String], trialSpend: Decimal? = nil) {
        id = record.id
        customFields = record.customFields
        planDescription = plan.description ?? ""
        planId = plan.id
        planName = plan.name
        startingOn = record.startingOn
        endingBefore = record.endingBefore
        netPaymentTermsDays = record.netPaymentTermsDays
        trialInfo = record.trialSpec.flatMap { trial in
            record.trialEnd.map { end in
                TrialInfo(
                    endingBefore: end,
                    spendingCaps: trial.spendingCap.map {
                        [SpendingCap(amount: $0.amount, amountRemaining: max(0, $0.amount - (trialSpend ?? 0)),
                                     creditType: CreditTypeDataWire(id: $0.creditTypeId, names: creditTypeNames))]
                    } ?? []
                )
            }
        }
    }
}

/// The price adjustments of one charge from one billing period on.
struct PriceAdjustmentsWire: Encodable {
    var chargeId: String
    var chargeType: PlanChargeType
    var prices: [Price]
    var startPeriod: Decimal
    var quantity: Decimal?

    struct Price: Encodable {
        var adjustmentType: PriceAdjustment.AdjustmentType
        var quantity: Decimal?
        var tier: Decimal?
        var value: Decimal?

        enum CodingKeys: String, CodingKey {
            case adjustmentType = "adjustment_type", quantity, tier, value
        }
    }

    enum CodingKeys: String, CodingKey {
        case chargeId = "charge_id", chargeType = "charge_type", prices, startPeriod = "start_period", quantity
    }
}
