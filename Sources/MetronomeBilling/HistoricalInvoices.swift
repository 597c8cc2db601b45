import Foundation
import MetronomeCodecs

/// One usage line of a historical invoice as `contracts/createHistoricalInvoices` gives it: a
/// quantity of a product over a window, priced at the contract's rate for it.
package struct HistoricalUsageLine: Sendable, Equatable {
    package var productId: String
    package var startingAt: Timestamp
    package var endingBefore: Timestamp
    package var quantity: Decimal
    package var pricingGroupValues: [String: String]
    package var presentationGroupValues: [String: String]

    /// A value with each stored property given.
    package init(
        productId: String, startingAt: Timestamp, endingBefore: Timestamp, quantity: Decimal,
        pricingGroupValues: [String: String] = [:], presentationGroupValues: [String: String] = [:]
    ) {
        self.productId = productId
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.quantity = quantity
        self.pricingGroupValues = pricingGroupValues
        self.presentationGroupValues = presentationGroupValues
    }
}

/// How a historical invoice's usage lines are priced: the quantity given is what is billed (no
/// quantity conversion or rounding: the caller reports billed quantities), at the contract's
/// FLAT or TIERED rate for the product in force at the line's start.
package enum HistoricalRating {
    /// The invoice lines for `line`, priced by `rates` (the contract's rates at the line's start);
    /// `field` names the line in messages. A TIERED rate gives one line per tier reached.
    package static func lines(
        for line: HistoricalUsageLine, rates: [ContractRate], creditType: InvoiceCreditType, field: String
    ) throws(PricingRuleViolation) -> [InvoiceLineItem] {
        let productRates = rates.filter { $0.rate.productId == line.productId && $0.rate.entitled }
        guard let first = productRates.first else {
            throw PricingRuleViolation(
                message: "'\(field).product_id': the contract has no rate for product \(line.productId) at \(line.startingAt.rfc3339)"
            )
        }
        guard first.productType.canonical == .usage else {
            throw PricingRuleViolation(message: "'\(field).product_id': product \(line.productId) is not a USAGE product")
        }
        let pricingKeys = Set(first.product.pricingGroupKey ?? [])
        let presentationKeys = Set(first.product.presentationGroupKey ?? [])
        guard Set(line.pricingGroupValues.keys) == pricingKeys else {
            throw PricingRuleViolation(
                message: "'\(field).pricing_group_values' must give exactly the product's pricing group keys: "
                    + pricingKeys.sorted().joined(separator: ", ")
            )
        }
        guard Set(line.presentationGroupValues.keys).isSubset(of: presentationKeys) else {
            throw PricingRuleViolation(
                message: "'\(field).presentation_group_values' may only give the product's presentation group keys: "
                    + presentationKeys.sorted().joined(separator: ", ")
            )
        }
        guard let contractRate = ContractRating.bestRate(productRates, pricingValues: line.pricingGroupValues) else {
            throw PricingRuleViolation(
                message: "'\(field).pricing_group_values': the contract has no rate for these values of product \(line.productId)"
            )
        }
        let rate = contractRate.rate
        let rateCreditType = rate.creditTypeId ?? creditType.id
        guard rateCreditType == creditType.id else {
            throw PricingRuleViolation(
                message: "'\(field).product_id': product \(line.productId) is priced in credit type \(rateCreditType), "
                    + "not the invoice's \(creditType.id)"
            )
        }
        var item = InvoiceLineItem(
            name: contractRate.productName, total: 0, creditType: creditType, type: "usage", productId: line.productId,
            productType: ContractRating.productTypeName(.usage), quantity: line.quantity, unitPrice: rate.price,
            startingAt: line.startingAt, endingBefore: line.endingBefore
        )
        if !pricingKeys.isEmpty { item.pricingGroupValues = line.pricingGroupValues }
        if !presentationKeys.isEmpty {
            item.presentationGroupValues = line.presentationGroupValues
            if presentationKeys.count == 1, let key = presentationKeys.first {
                item.groupKey = key
                item.groupValue = line.presentationGroupValues[key]
            }
        }
        switch rate.rateType {
        case .flat:
            item.total = line.quantity * (rate.price ?? 0)
            return [item]
        case .tiered:
            let tiers = GraduatedTiers.starts(sizes: (rate.tiers ?? []).map { ($0.size, $0.price) })
            return GraduatedTiers.slices(of: line.quantity, tiers: tiers).map { slice in
                var tierLine = item
                tierLine.quantity = slice.quantity
                tierLine.unitPrice = slice.price
                tierLine.total = slice.subtotal
                tierLine.tier = .init(level: slice.level, startingAt: slice.startingAt.description, size: slice.size?.description)
                return tierLine
            }
        default:
            throw PricingRuleViolation(
                message: "'\(field).product_id': product \(line.productId) has a \(rate.rateType.rawValue) rate; "
                    + "the emulator prices historical usage at FLAT and TIERED rates only"
            )
        }
    }

    /// What a historical invoice shows of its usage before `cutoff`: the lines that start before
    /// it, as its breakdowns cut it.
    package static func share(of document: InvoiceDocument, until cutoff: Timestamp) -> InvoiceDocument {
        var share = document
        share.lineItems = document.lineItems.filter { ($0.startingAt ?? cutoff) < cutoff }
        share.total = share.lineItems.filter { $0.creditType.id == document.creditType.id }.reduce(Decimal(0)) { $0 + $1.total }
        return share
    }
}
