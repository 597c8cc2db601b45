import Foundation
import MetronomeCodecs

/// A rate of a contract's rate card as rating uses it: with the contract's overrides applied and
/// its product in the state it has at the period's start.
package struct ContractRate: Sendable {
    package var rate: Rate
    package var productType: ProductType
    package var product: ProductState
    /// The prices of usage a COMMIT_RATE commit or credit pays for, by the period's unit they
    /// start at, when the rate (FLAT or TIERED) has a FLAT or TIERED `commit_rate`.
    package var commitPrices: [(startingAt: Decimal, price: Decimal)]? {
        guard rate.rateType == .flat || rate.rateType == .tiered, let commitRate = rate.commitRate else { return nil }
        switch commitRate.rateType {
        case .flat: return commitRate.price.map { [(Decimal(0), $0)] }
        case .tiered: return commitRate.tiers.map { GraduatedTiers.starts(sizes: $0.map { ($0.size, $0.price) }) }
        default: return nil
        }
    }

    /// What the contract's commit-specific overrides make the commits they select pay.
    package var commitSpecificPrices: [CommitSpecificPrice]

    package var productName: String { product.name ?? rate.productId }

    /// A value with each stored property given.
    package init(rate: Rate, productType: ProductType, product: ProductState, commitSpecificPrices: [CommitSpecificPrice] = []) {
        self.rate = rate
        self.productType = productType
        self.product = product
        self.commitSpecificPrices = commitSpecificPrices
    }
}

/// What a contract's usage statement bills before commits and credits are applied: usage,
/// composite and subscription lines.
package enum ContractRating {
    /// The type names Metronome gives a line's product.
    package static func productTypeName(_ type: ProductType) -> String {
        switch type.canonical {
        case .usage: "UsageProductListItem"
        case .subscription: "SubscriptionProductListItem"
        case .composite: "CompositeProductListItem"
        default: "FixedProductListItem"
        }
    }

    /// The usage and composite lines of one period, in the rate card's order of products.
    package static func usageLines(
        period: BillingPeriod, rates: [ContractRate], usage: [String: MetricUsage], fiat: InvoiceCreditType,
        creditTypeNames: [String: String]
    ) -> [InvoiceLineItem] {
        let lines = productLines(period: period, rates: rates, usage: usage, fiat: fiat, creditTypeNames: creditTypeNames)
        return lines + compositeLines(period: period, rates: rates, base: lines, fiat: fiat)
    }

    /// The entitled rates of each product, and the products in the order they first appear.
    private static func entitledRatesByProduct(_ rates: [ContractRate]) -> ([String], [String: [ContractRate]]) {
        var productOrder: [String] = []
        var byProduct: [String: [ContractRate]] = [:]
        for rate in rates where rate.rate.entitled {
            if byProduct[rate.rate.productId] == nil { productOrder.append(rate.rate.productId) }
            byProduct[rate.rate.productId, default: []].append(rate)
        }
        return (productOrder, byProduct)
    }

    /// The usage lines of `rates`' usage products over `period`, in the rate card's order.
    package static func productLines(
        period: BillingPeriod, rates: [ContractRate], usage: [String: MetricUsage], fiat: InvoiceCreditType,
        creditTypeNames: [String: String]
    ) -> [InvoiceLineItem] {
        let (productOrder, byProduct) = entitledRatesByProduct(rates)
        func creditType(_ rate: Rate) -> InvoiceCreditType {
            guard let id = rate.creditTypeId, id != fiat.id else { return fiat }
            return InvoiceCreditType(id: id, name: creditTypeNames[id] ?? id)
        }
        var lines: [InvoiceLineItem] = []
        for productId in productOrder {
            guard let productRates = byProduct[productId], let first = productRates.first,
                first.productType.canonical == .usage, let metricId = first.product.billableMetricId
            else { continue }
            let pricingKeys = first.product.pricingGroupKey ?? []
            let presentationKeys = first.product.presentationGroupKey ?? []
            let keys = pricingKeys + presentationKeys
            var groups = usage[metricId]?.grouped(by: keys) ?? []
            if groups.isEmpty && pricingKeys.isEmpty { groups = [(Dictionary(uniqueKeysWithValues: keys.map { ($0, "") }), 0)] }
            for group in groups {
                let pricingValues = group.groupValues.filter { pricingKeys.contains($0.key) }
                guard let contractRate = bestRate(productRates, pricingValues: pricingValues) else { continue }
                let rate = contractRate.rate
                let quantity = convert(group.value, contractRate.product)
                var line = InvoiceLineItem(
                    name: contractRate.productName, total: 0, creditType: creditType(rate), type: "usage", productId: productId,
                    productType: productTypeName(.usage), quantity: quantity, unitPrice: rate.price, startingAt: period.start,
                    endingBefore: period.end
                )
                if !pricingKeys.isEmpty { line.pricingGroupValues = pricingValues }
                if !presentationKeys.isEmpty {
                    let presentation = group.groupValues.filter { presentationKeys.contains($0.key) }
                    line.presentationGroupValues = presentation
                    if presentationKeys.count == 1, let key = presentationKeys.first {
                        line.groupKey = key
                        line.groupValue = presentation[key]
                    }
                }
                switch rate.rateType {
                case .flat:
                    line.total = quantity * (rate.price ?? 0)
                    line.commitPrices = contractRate.commitPrices
                    line.commitSpecificPrices = contractRate.commitSpecificPrices
                    lines.append(line)
                case .tiered:
                    let tiers = GraduatedTiers.starts(sizes: (rate.tiers ?? []).map { ($0.size, $0.price) })
                    for slice in GraduatedTiers.slices(of: quantity, tiers: tiers) {
                        var tierLine = line
                        tierLine.quantity = slice.quantity
                        tierLine.unitPrice = slice.price
                        tierLine.total = slice.subtotal
                        tierLine.commitPrices = contractRate.commitPrices.map { GraduatedTiers.shifted($0, by: slice.startingAt) }
                        tierLine.commitSpecificPrices = contractRate.commitSpecificPrices.map {
                            var shifted = $0
                            shifted.prices = GraduatedTiers.shifted($0.prices, by: slice.startingAt)
                            return shifted
                        }
                        tierLine.tier = .init(
                            level: slice.level, startingAt: slice.startingAt.description, size: slice.size?.description
                        )
                        lines.append(tierLine)
                    }
                default:
                    continue
                }
            }
        }
        return lines
    }

    /// The lines of `rates`' composite products over `period`: each a percentage of the `base`
    /// lines of the products it names by ID or tag.
    package static func compositeLines(
        period: BillingPeriod, rates: [ContractRate], base lines: [InvoiceLineItem], fiat: InvoiceCreditType
    ) -> [InvoiceLineItem] {
        let (productOrder, byProduct) = entitledRatesByProduct(rates)
        var composites: [InvoiceLineItem] = []
        for productId in productOrder {
            guard let productRates = byProduct[productId], let contractRate = productRates.first,
                contractRate.productType.canonical == .composite, contractRate.rate.rateType.isPercentage
            else { continue }
            let ids = Set(contractRate.product.compositeProductIds ?? [])
            let tags = Set(contractRate.product.compositeTags ?? [])
            let base = lines.filter { line in
                guard let id = line.productId else { return false }
                let productTags = rates.first { $0.rate.productId == id }?.product.tags ?? []
                return ids.contains(id) || !tags.isDisjoint(with: productTags)
            }.reduce(Decimal(0)) { $0 + $1.total }
            let line = InvoiceLineItem(
                name: contractRate.productName, total: 0, creditType: fiat, type: "usage", productId: productId,
                productType: productTypeName(.composite), quantity: base, unitPrice: contractRate.rate.price, startingAt: period.start,
                endingBefore: period.end
            )
            guard contractRate.rate.rateType == .tieredPercentage else {
                var flat = line
                flat.total = base * (contractRate.rate.price ?? 0)
                composites.append(flat)
                continue
            }
            // Each range of the base amount at its tier's fraction.
            let tiers = GraduatedTiers.starts(sizes: (contractRate.rate.tiers ?? []).map { ($0.size, $0.price) })
            for slice in GraduatedTiers.slices(of: base, tiers: tiers) {
                var tierLine = line
                tierLine.quantity = slice.quantity
                tierLine.unitPrice = slice.price
                tierLine.total = slice.subtotal
                tierLine.tier = .init(level: slice.level, startingAt: slice.startingAt.description, size: slice.size?.description)
                composites.append(tierLine)
            }
        }
        return composites
    }

    // MARK: - Rating over time

    /// The moments strictly inside `period` where a price may change: where a rate of the card or
    /// an override starts or ends, or a usage filter starts.
    package static func priceChanges(
        in period: BillingPeriod, rates: [Rate], overrides: [OverrideTerms], usageFilters: [UsageFilterTerms]
    ) -> [Timestamp] {
        var moments = Set<Timestamp>()
        for rate in rates { moments.insert(rate.startingAt); if let end = rate.endingBefore { moments.insert(end) } }
        for override in overrides {
            moments.insert(override.startingAt)
            if let end = override.endingBefore { moments.insert(end) }
        }
        for filter in usageFilters { moments.insert(filter.startingAt) }
        return moments.filter { period.start < $0 && $0 < period.end }.sorted()
    }

    /// The windows over which each usage product is rated: `parts` (the period cut at its price
    /// changes) with neighbours joined while the product's rates and the usage filter stay the
    /// same. `ratesByPart` holds the contract's rates at the start of each part. Composite products
    /// are rated over the whole period, from the rates at its start.
    package static func ratingWindows(
        parts: [BillingPeriod], ratesByPart: [[ContractRate]], filterByPart: [UsageFilterTerms?]
    ) -> [(window: BillingPeriod, productIds: Set<String>)] {
        guard let first = parts.first, let last = parts.last else { return [] }
        var products: [String] = []
        for rates in ratesByPart {
            for rate in rates where rate.productType.canonical == .usage && !products.contains(rate.rate.productId) {
                products.append(rate.rate.productId)
            }
        }
        var windows: [(window: BillingPeriod, productIds: Set<String>)] = []
        func add(_ productId: String, _ start: Timestamp, _ end: Timestamp) {
            if let index = windows.firstIndex(where: { $0.window.start == start && $0.window.end == end }) {
                windows[index].productIds.insert(productId)
            } else {
                windows.append((BillingPeriod(index: first.index, start: start, end: end), [productId]))
            }
        }
        for productId in products {
            var start = first.start
            for index in parts.indices.dropFirst() {
                let before = ratesByPart[index - 1].filter { $0.rate.productId == productId }
                let after = ratesByPart[index].filter { $0.rate.productId == productId }
                if before.map(\.rate) != after.map(\.rate) || before.map(\.commitSpecificPrices) != after.map(\.commitSpecificPrices)
                    || filterByPart[index - 1] != filterByPart[index] {
                    add(productId, start, parts[index].start)
                    start = parts[index].start
                }
            }
            add(productId, start, last.end)
        }
        return windows.sorted { $0.window.start < $1.window.start }
    }

    /// `usage` with only the groups `filter` lets through (all of it without a filter).
    package static func filtered(_ usage: MetricUsage, by filter: UsageFilterTerms?) -> MetricUsage {
        guard let filter else { return usage }
        let values = Set(filter.groupValues)
        var kept = usage
        kept.buckets = usage.buckets.filter { values.contains($0.groupValues[filter.groupKey] ?? "") }
        kept.uniqueValues = usage.uniqueValues.filter { values.contains($0.groupValues[filter.groupKey] ?? "") }
        return kept
    }

    /// The subscription lines a statement period bills: each subscription period that starts in
    /// it (billed in advance) or ends in it (in arrears), prorated where the subscription cuts it,
    /// with one line per quantity the subscription has in that period (each prorated by its
    /// share of the period). A period whose start has not been reached by `cutoff` is left out.
    package static func subscriptionLines(
        period: BillingPeriod, subscriptions: [SubscriptionTerms], schedule: UsageStatementSchedule, rates: [ContractRate],
        fiat: InvoiceCreditType, cutoff: Timestamp? = nil
    ) -> [InvoiceLineItem] {
        var lines: [InvoiceLineItem] = []
        for subscription in subscriptions where subscription.invoicePlacement == .onUsageInvoice {
            guard let contractRate = subscriptionRate(of: subscription, in: rates) else { continue }
            for whole in fullPeriods(of: subscription, anchor: schedule.billingAnchorDate, startedBefore: period.end) {
                let start = max(whole.start, subscription.startingAt)
                let end = min(whole.end, subscription.endingBefore ?? whole.end)
                guard start < end, cutoff.map({ start < $0 }) ?? true else { continue }
                let billedAt = billingMoment(of: subscription, start: start, end: end)
                guard period.start <= billedAt, billedAt < period.end else { continue }
                let price = contractRate.rate.price ?? 0
                lines += subscriptionPeriodLines(
                    subscription, whole: whole, start: start, end: end, price: price,
                    name: subscription.name ?? contractRate.productName, fiat: fiat
                )
            }
        }
        return lines
    }

    /// The entitled SUBSCRIPTION rate of `rates` that prices `subscription`, if there is one.
    package static func subscriptionRate(of subscription: SubscriptionTerms, in rates: [ContractRate]) -> ContractRate? {
        rates.first {
            $0.rate.productId == subscription.productId && $0.rate.rateType == .subscription && $0.rate.entitled
                && ($0.rate.billingFrequency.map { $0.rawValue == subscription.billingFrequency.rawValue } ?? true)
        }
    }

    /// The lines of one billing period `whole` of a subscription, cut to `[start, end)`: one
    /// per quantity segment, each prorated by its share of the whole period when the subscription
    /// is prorated (a subscription that is not prorated bills each period in full).
    package static func subscriptionPeriodLines(
        _ subscription: SubscriptionTerms, whole: BillingPeriod, start: Timestamp, end: Timestamp, price: Decimal, name: String,
        fiat: InvoiceCreditType
    ) -> [InvoiceLineItem] {
        subscription.quantitySegments(from: start, to: end).map { segment in
            subscriptionLine(subscription, whole: whole, segment: segment, end: end, price: price, name: name, fiat: fiat)
        }
    }

    /// The line of one stretch `segment` of a subscription's billing period `whole` (an open
    /// segment runs to `end`), prorated by its share of the period when the subscription is prorated.
    package static func subscriptionLine(
        _ subscription: SubscriptionTerms, whole: BillingPeriod, segment: SubscriptionQuantitySegment, end: Timestamp,
        price: Decimal, name: String, fiat: InvoiceCreditType
    ) -> InvoiceLineItem {
        let length = Decimal(whole.end.millisecondsSinceEpoch - whole.start.millisecondsSinceEpoch)
        let segmentEnd = segment.endingBefore ?? end
        var fraction: Decimal = 1
        if subscription.isProrated && (segment.startingAt > whole.start || segmentEnd < whole.end) {
            fraction = Decimal(segmentEnd.millisecondsSinceEpoch - segment.startingAt.millisecondsSinceEpoch) / length
        }
        var total = (segment.quantity * price * fraction).rounded(toPlaces: 10)
        if fraction != 1, let rounding = subscription.prorationRounding { total = rounding.rounded(total) }
        return InvoiceLineItem(
            name: name, total: total, creditType: fiat,
            type: "subscription", productId: subscription.productId, productType: productTypeName(.subscription),
            quantity: segment.quantity, unitPrice: price, startingAt: segment.startingAt, endingBefore: segmentEnd,
            isProrated: subscription.isProrated, subscriptionId: subscription.id
        )
    }

    /// A subscription's whole billing periods (not cut to its dates) begun before `moment`.
    package static func fullPeriods(of subscription: SubscriptionTerms, anchor: Timestamp, startedBefore moment: Timestamp) -> [BillingPeriod] {
        let anchor = subscription.billingAnchorDate ?? anchor
        let length = length(of: subscription.billingFrequency)
        // Whole periods: from the last boundary at or before the subscription's start (an anchor
        // after it counts back).
        var first = anchor
        while first > subscription.startingAt { first = BillingCadence.advance(first, by: length, times: -1) }
        return BillingCadence(start: min(first, subscription.startingAt), end: nil, anchor: anchor, length: length)
            .periods(startedBefore: moment)
    }

    /// When the subscription's period `[start, end)` (cut to its dates) is billed: at its start
    /// in advance, at its last moment in arrears.
    static func billingMoment(of subscription: SubscriptionTerms, start: Timestamp, end: Timestamp) -> Timestamp {
        subscription.collectionSchedule.uppercased() != "ARREARS" ? start : Timestamp(millisecondsSinceEpoch: end.millisecondsSinceEpoch - 1)
    }

    /// When the subscription's billing period holding `moment` is billed (see `billingMoment`);
    /// nil if the subscription does not run then.
    package static func billingMoment(
        of subscription: SubscriptionTerms, periodHolding moment: Timestamp, anchor: Timestamp
    ) -> Timestamp? {
        guard moment >= subscription.startingAt, subscription.endingBefore.map({ moment < $0 }) ?? true else { return nil }
        let next = Timestamp(millisecondsSinceEpoch: moment.millisecondsSinceEpoch + 1)
        guard let whole = fullPeriods(of: subscription, anchor: anchor, startedBefore: next).last else { return nil }
        let end = min(whole.end, subscription.endingBefore ?? whole.end)
        return billingMoment(of: subscription, start: max(whole.start, subscription.startingAt), end: end)
    }

    /// A subscription's billing periods around `now`: the one that holds it, the one before and
    /// the one after (each cut to the subscription's own dates).
    package static func billingPeriods(
        of subscription: SubscriptionTerms, anchor: Timestamp, at now: Timestamp
    ) -> (previous: BillingPeriod?, current: BillingPeriod?, next: BillingPeriod?) {
        let cadence = BillingCadence(
            start: subscription.startingAt, end: subscription.endingBefore, anchor: subscription.billingAnchorDate ?? anchor,
            length: length(of: subscription.billingFrequency)
        )
        guard now >= subscription.startingAt else { return (nil, nil, cadence.period(covering: subscription.startingAt)) }
        let begun = cadence.periods(startedBefore: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1))
        guard let last = begun.last, last.end > now else { return (begun.last, nil, nil) }
        return (begun.dropLast().last, last, cadence.period(covering: last.end))
    }

    /// The period length of a statement or subscription frequency.
    package static func length(of frequency: UsageStatementSchedule.Frequency) -> PeriodLength {
        switch frequency {
        case .monthly: .months(1)
        case .quarterly: .months(3)
        case .annual: .months(12)
        case .weekly: .days(7)
        }
    }

    /// The rate of a product for a pricing group: the most specific rate whose pricing group
    /// values all match (a rate without values prices every group).
    package static func bestRate(_ rates: [ContractRate], pricingValues: [String: String]) -> ContractRate? {
        rates.filter { rate in (rate.rate.pricingGroupValues ?? [:]).allSatisfy { pricingValues[$0.key] == $0.value } }
            .max { ($0.rate.pricingGroupValues ?? [:]).count < ($1.rate.pricingGroupValues ?? [:]).count }
    }

    /// The metric's quantity as the product prices it: converted, then rounded.
    package static func convert(_ quantity: Decimal, _ product: ProductState) -> Decimal {
        var value = quantity
        if let conversion = product.quantityConversion, conversion.conversionFactor != 0 {
            value = conversion.operation == .multiply ? value * conversion.conversionFactor : value / conversion.conversionFactor
        }
        if let rounding = product.quantityRounding {
            let places = Int(truncating: rounding.decimalPlaces as NSNumber)
            switch rounding.roundingMethod {
            case .roundUp: value = value.rounded(toPlaces: places, .up)
            case .roundDown: value = value.rounded(toPlaces: places, .down)
            case .roundHalfUp: value = value.rounded(toPlaces: places)
            }
        }
        return value
    }
}
