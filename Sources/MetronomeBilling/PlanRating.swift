import Foundation
import MetronomeCodecs

/// A one-time charge added to a plan invoice with `addCharge`.
package struct AddedCharge: Sendable {
    package var chargeId: String
    package var productId: String
    package var productName: String
    package var description: String
    package var price: Decimal
    package var quantity: Decimal

    /// A value with each stored property given.
    package init(
        chargeId: String,
        productId: String,
        productName: String,
        description: String,
        price: Decimal,
        quantity: Decimal
    ) {
        self.chargeId = chargeId
        self.productId = productId
        self.productName = productName
        self.description = description
        self.price = price
        self.quantity = quantity
    }
}

/// What a plan bills in one period: one line per product, with a sub line per charge.
package struct PlanInvoiceContent: Sendable {
    package var lineItems: [InvoiceLineItem]
    package var subtotal: Decimal
    package var adjustments: [InvoiceAdjustment]
    package var total: Decimal

    /// A value with each stored property given.
    package init(lineItems: [InvoiceLineItem], subtotal: Decimal, adjustments: [InvoiceAdjustment], total: Decimal) {
        self.lineItems = lineItems
        self.subtotal = subtotal
        self.adjustments = adjustments
        self.total = total
    }
}

/// A plan's trial as its invoice sees it: usage charges only, and an adjustment removing up
/// to the spending cap (all of it without a cap).
package struct PlanTrial: Sendable {
    package var spendingCap: Decimal?

    /// A value with each stored property given.
    package init(spendingCap: Decimal? = nil) {
        self.spendingCap = spendingCap
    }
}

/// Rating of legacy plans: charges priced per period, in arrears.
package enum PlanRating {
    /// The charges of `plan` in force in period `periodIndex` (from 0): of the charges sharing a
    /// product and name (a price ramp), the one with the latest `start_period` reached.
    package static func charges(of plan: PlanDefinition, inPeriod periodIndex: Int) -> [PlanCharge] {
        var chosen: [String: PlanCharge] = [:]
        var order: [String] = []
        for charge in plan.charges {
            let start = charge.startPeriod ?? 0
            guard start <= Decimal(periodIndex) else { continue }
            let key = charge.productId + "\u{0}" + charge.name
            if let current = chosen[key] {
                if (current.startPeriod ?? 0) <= start { chosen[key] = charge }
            } else {
                chosen[key] = charge
                order.append(key)
            }
        }
        return order.compactMap { chosen[$0] }
    }

    /// A charge's tier prices after the customer's price adjustments in force in the period.
    package static func prices(of charge: PlanCharge, adjustments: [PriceAdjustment], periodIndex: Int) -> [PlanChargePrice] {
        let applicable = adjustments.filter { $0.chargeId == charge.id && $0.startPeriod <= Decimal(periodIndex) }
            .sorted { $0.startPeriod < $1.startPeriod }
        return charge.prices.sorted { $0.tier < $1.tier }.map { price in
            var price = price
            for adjustment in applicable where adjustment.tier.map({ $0 == price.tier }) ?? true {
                guard let value = adjustment.value else { continue }
                switch adjustment.adjustmentType {
                case .percentage: price.value += price.value * value
                case .fixed: price.value += value
                case .override: price.value = value
                case .quantity: break
                }
            }
            return price
        }
    }

    /// The invoice content of one period of a customer plan, from the usage of each billable metric
    /// (by ID) in that period.
    package static func rate(
        plan: PlanDefinition, adjustments: [PriceAdjustment], period: BillingPeriod, usage: [String: Decimal],
        addedCharges: [AddedCharge], creditType: InvoiceCreditType, creditTypeNames: [String: String], trial: PlanTrial? = nil
    ) -> PlanInvoiceContent {
        let active = charges(of: plan, inPeriod: period.index).filter { trial == nil || $0.chargeType == .usage }
        var subLines: [(product: ProductRef, line: SubLineItem)] = []
        for charge in active where charge.chargeType != .composite && charge.chargeType != .minimum {
            subLines.append((ProductRef(charge), subLine(
                for: charge, prices: prices(of: charge, adjustments: adjustments, periodIndex: period.index),
                quantity: quantity(of: charge, adjustments: adjustments, periodIndex: period.index, usage: usage),
                period: period
            )))
        }
        let base = subLines.reduce(Decimal(0)) { $0 + $1.line.subtotal }
        for charge in active where charge.chargeType == .composite {
            let percent = prices(of: charge, adjustments: adjustments, periodIndex: period.index).first?.value ?? 0
            subLines.append((ProductRef(charge), SubLineItem(
                customFields: charge.customFields ?? [:], name: charge.name, quantity: base, subtotal: base * percent,
                chargeId: charge.id, price: percent, startDate: period.start, endDate: period.end
            )))
        }
        for added in addedCharges {
            let product = ProductRef(id: added.productId, name: added.productName, type: PlanChargeType.fixed.rawValue, creditTypeId: nil)
            subLines.append((product, SubLineItem(
                customFields: [:], name: added.description, quantity: added.quantity, subtotal: added.quantity * added.price,
                chargeId: added.chargeId, price: added.price, startDate: period.start, endDate: period.end
            )))
        }

        var lineItems: [InvoiceLineItem] = []
        var productOrder: [String] = []
        var byProduct: [String: [(product: ProductRef, line: SubLineItem)]] = [:]
        for entry in subLines {
            if byProduct[entry.product.id] == nil { productOrder.append(entry.product.id) }
            byProduct[entry.product.id, default: []].append(entry)
        }
        for productId in productOrder {
            let entries = byProduct[productId] ?? []
            guard let first = entries.first else { continue }
            let lineCreditTypeId = first.product.creditTypeId ?? creditType.id
            lineItems.append(InvoiceLineItem(
                name: first.product.name, total: entries.reduce(0) { $0 + $1.line.subtotal },
                creditType: InvoiceCreditType(id: lineCreditTypeId, name: creditTypeNames[lineCreditTypeId] ?? creditType.name),
                type: first.product.type, productId: productId, quantity: entries.reduce(0) { $0 + $1.line.quantity },
                startingAt: period.start,
                endingBefore: period.end, customFields: [:], subLineItems: entries.map(\.line)
            ))
        }
        let subtotal = lineItems.filter { $0.creditType.id == creditType.id }.reduce(Decimal(0)) { $0 + $1.total }
        var invoiceAdjustments: [InvoiceAdjustment] = []
        let minimum = (plan.minimums ?? []).filter { $0.startPeriod <= Decimal(period.index) }.max { $0.startPeriod < $1.startPeriod }
        if let trial {
            let waived = min(subtotal, trial.spendingCap ?? subtotal)
            invoiceAdjustments.append(InvoiceAdjustment(creditType: creditType, name: "Trial", total: -max(0, waived)))
        } else if let minimum, subtotal < minimum.value {
            invoiceAdjustments.append(InvoiceAdjustment(creditType: creditType, name: minimum.name, total: minimum.value - subtotal))
        }
        let total = subtotal + invoiceAdjustments.reduce(Decimal(0)) { $0 + $1.total }
        return PlanInvoiceContent(lineItems: lineItems, subtotal: subtotal, adjustments: invoiceAdjustments, total: total)
    }

    /// The product a sub line is grouped under.
    private struct ProductRef {
        var id: String
        var name: String
        var type: String
        var creditTypeId: String?

        init(id: String, name: String, type: String, creditTypeId: String?) {
            self.id = id
            self.name = name
            self.type = type
            self.creditTypeId = creditTypeId
        }

        init(_ charge: PlanCharge) {
            self.init(id: charge.productId, name: charge.productName, type: charge.chargeType.rawValue, creditTypeId: charge.creditTypeId)
        }
    }

    /// How many units a charge bills: metered usage (after unit conversion) for usage and seat
    /// charges with a metric, else the charge's quantity as adjusted.
    package static func quantity(of charge: PlanCharge, adjustments: [PriceAdjustment], periodIndex: Int, usage: [String: Decimal]) -> Decimal {
        if let metricId = charge.billableMetricId, charge.chargeType == .usage || charge.chargeType == .seat {
            var quantity = usage[metricId] ?? 0
            if let conversion = charge.unitConversion, conversion.divisionFactor != 0 {
                quantity /= conversion.divisionFactor
                switch conversion.roundingBehavior?.lowercased() {
                case "floor": quantity = quantity.rounded(toPlaces: 0, .down)
                case "ceiling": quantity = quantity.rounded(toPlaces: 0, .up)
                default: break
                }
            }
            return quantity
        }
        let override = adjustments.filter {
            $0.chargeId == charge.id && $0.adjustmentType == .quantity && $0.startPeriod <= Decimal(periodIndex)
        }.max { $0.startPeriod < $1.startPeriod }
        return override?.quantity ?? override?.value ?? charge.quantity ?? charge.prices.first?.quantity ?? 1
    }

    private static func subLine(for charge: PlanCharge, prices: [PlanChargePrice], quantity: Decimal, period: BillingPeriod) -> SubLineItem {
        if prices.count > 1 {
            let slices = GraduatedTiers.slices(of: quantity, tiers: prices.map { ($0.tier, $0.value) })
            return SubLineItem(
                customFields: charge.customFields ?? [:], name: charge.name, quantity: quantity,
                subtotal: slices.reduce(0) { $0 + $1.subtotal }, chargeId: charge.id, startDate: period.start,
                endDate: period.end,
                tiers: slices.map { .init(price: $0.price, quantity: $0.quantity, startingAt: $0.startingAt, subtotal: $0.subtotal) }
            )
        }
        let price = prices.first?.value ?? 0
        return SubLineItem(
            customFields: charge.customFields ?? [:], name: charge.name, quantity: quantity, subtotal: quantity * price,
            chargeId: charge.id, price: price, startDate: period.start, endDate: period.end
        )
    }
}

extension Decimal {
    /// This value rounded to `places` decimal places in the given direction.
    package func rounded(toPlaces places: Int, _ mode: NSDecimalNumber.RoundingMode) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, places, mode)
        return result
    }
}
