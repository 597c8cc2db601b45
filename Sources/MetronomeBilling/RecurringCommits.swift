import Foundation
import MetronomeCodecs

/// A contract's recurring commit or credit: the template of the commit or credit it creates for
/// each period from `startingAt`.
package struct RecurringCommitTerms: Sendable, Equatable, Codable {
    package var id: String
    package var kind: CommitKind
    package var productId: String
    package var name: String?
    package var description: String?
    package var priority: Decimal
    package var accessAmount: Amount
    /// How many periods each created commit or credit can be used for.
    package var commitDurationPeriods: Int
    package var startingAt: Timestamp
    /// When it stops creating; nil: with the contract.
    package var endingBefore: Timestamp?
    package var invoiceAmount: Amount?
    package var proration: Proration
    /// Nil: the contract's usage statement frequency, on its billing anchor.
    package var recurrenceFrequency: RecurrenceFrequency?
    package var rateType: CommitRateType
    package var rolloverFraction: Decimal?
    package var applicableProductIds: [String]?
    package var applicableProductTags: [String]?
    /// Where its periods' boundaries fall.
    package var anchorDate: Timestamp
    /// How a prorated period's access and invoice amounts are rounded; nil: not rounded.
    package var prorationRounding: Rounding?
    /// What usage its commits pay for, instead of applicable products and tags.
    package var specifiers: [CommitSpecifier]?
    /// Kept, shown, and given to each commit it makes.
    package var netsuiteSalesOrderId: String?
    /// `hierarchy_configuration.child_access`, given to each commit it makes.
    package var childAccess: CommitChildAccess?
    /// The subscription whose seats multiply each period's amounts, if one is attached.
    package var subscriptionConfig: RecurringSubscriptionConfig?

    /// `proration_rounding`: a rounding for the access amount and one for the invoice amount.
    package struct Rounding: Sendable, Equatable, Codable {
        package var access: ProrationRounding?
        package var invoice: ProrationRounding?

        /// A value with each stored property given.
        package init(access: ProrationRounding? = nil, invoice: ProrationRounding? = nil) {
            self.access = access
            self.invoice = invoice
        }
    }

    /// `unit_price` × `quantity` of a credit type.
    package struct Amount: Sendable, Equatable, Codable {
        package var creditTypeId: String
        package var unitPrice: Decimal
        package var quantity: Decimal

        package enum CodingKeys: String, CodingKey {
            case creditTypeId = "credit_type_id", unitPrice = "unit_price", quantity
        }

        /// A value with each stored property given.
        package init(creditTypeId: String, unitPrice: Decimal, quantity: Decimal) {
            self.creditTypeId = creditTypeId
            self.unitPrice = unitPrice
            self.quantity = quantity
        }
    }

    /// Which of the partial first and last periods get a prorated amount.
    package enum Proration: String, WireEnum {
        case none = "NONE"
        case first = "FIRST"
        case last = "LAST"
        case firstAndLast = "FIRST_AND_LAST"
    }

    /// How often a commit or credit is created.
    package enum RecurrenceFrequency: String, WireEnum {
        case monthly = "MONTHLY"
        case quarterly = "QUARTERLY"
        case annual = "ANNUAL"
        case weekly = "WEEKLY"
        case daily = "DAILY"

        /// The length of one period.
        package var length: PeriodLength {
            switch self {
            case .monthly: .months(1)
            case .quarterly: .months(3)
            case .annual: .months(12)
            case .weekly: .days(7)
            case .daily: .days(1)
            }
        }
    }

    package enum CodingKeys: String, CodingKey {
        case id, kind, productId = "product_id", name, description, priority, accessAmount = "access_amount"
        case commitDurationPeriods = "commit_duration_periods", startingAt = "starting_at", endingBefore = "ending_before"
        case invoiceAmount = "invoice_amount", proration, recurrenceFrequency = "recurrence_frequency", rateType = "rate_type"
        case rolloverFraction = "rollover_fraction", applicableProductIds = "applicable_product_ids"
        case applicableProductTags = "applicable_product_tags", anchorDate = "anchor_date"
        case prorationRounding = "proration_rounding", specifiers, netsuiteSalesOrderId = "netsuite_sales_order_id"
        case childAccess = "child_access", subscriptionConfig = "subscription_config"
    }

    /// A value with each stored property given.
    package init(
        id: String, kind: CommitKind, productId: String, name: String? = nil, description: String? = nil, priority: Decimal,
        accessAmount: Amount, commitDurationPeriods: Int, startingAt: Timestamp, endingBefore: Timestamp? = nil,
        invoiceAmount: Amount? = nil, proration: Proration, recurrenceFrequency: RecurrenceFrequency? = nil,
        rateType: CommitRateType, rolloverFraction: Decimal? = nil, applicableProductIds: [String]? = nil,
        applicableProductTags: [String]? = nil, anchorDate: Timestamp, prorationRounding: Rounding? = nil,
        specifiers: [CommitSpecifier]? = nil, netsuiteSalesOrderId: String? = nil, childAccess: CommitChildAccess? = nil,
        subscriptionConfig: RecurringSubscriptionConfig? = nil
    ) {
        self.subscriptionConfig = subscriptionConfig
        self.childAccess = childAccess
        self.prorationRounding = prorationRounding
        self.specifiers = specifiers
        self.netsuiteSalesOrderId = netsuiteSalesOrderId
        self.id = id
        self.kind = kind
        self.productId = productId
        self.name = name
        self.description = description
        self.priority = priority
        self.accessAmount = accessAmount
        self.commitDurationPeriods = commitDurationPeriods
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.invoiceAmount = invoiceAmount
        self.proration = proration
        self.recurrenceFrequency = recurrenceFrequency
        self.rateType = rateType
        self.rolloverFraction = rolloverFraction
        self.applicableProductIds = applicableProductIds
        self.applicableProductTags = applicableProductTags
        self.anchorDate = anchorDate
    }

    /// One period's commit or credit, before it is given IDs.
    package struct Instance: Sendable, Equatable {
        package var start: Timestamp
        /// The end of its access: `commitDurationPeriods` periods on, never past the recurrence's end.
        package var accessEnd: Timestamp
        package var accessAmount: Decimal
        /// What its one invoice item bills at `start`: quantity and (prorated) unit price.
        package var invoice: (quantity: Decimal, unitPrice: Decimal)?
        /// The end of its period, and the length of a whole period (a cut one is shorter).
        package var end: Timestamp
        package var wholeMilliseconds: Int64

        /// A value with each stored property given.
        package init(
            start: Timestamp, accessEnd: Timestamp, accessAmount: Decimal, invoice: (quantity: Decimal, unitPrice: Decimal)?,
            end: Timestamp, wholeMilliseconds: Int64
        ) {
            self.start = start
            self.accessEnd = accessEnd
            self.accessAmount = accessAmount
            self.invoice = invoice
            self.end = end
            self.wholeMilliseconds = wholeMilliseconds
        }

        package static func == (lhs: Instance, rhs: Instance) -> Bool {
            lhs.start == rhs.start && lhs.end == rhs.end && lhs.accessEnd == rhs.accessEnd && lhs.accessAmount == rhs.accessAmount
                && lhs.invoice?.quantity == rhs.invoice?.quantity && lhs.invoice?.unitPrice == rhs.invoice?.unitPrice
        }
    }

    /// The commits or credits of the periods that start before `limit`, up to `end` (its own
    /// `endingBefore`, else the contract's). A first or last period cut short gets its share
    /// of the amounts by time, as `proration` says, rounded as `prorationRounding` says: the
    /// invoice's amount (quantity × unit price) is rounded, its unit price following.
    package func instances(startedBefore limit: Timestamp, contractEnd: Timestamp?, statementLength: PeriodLength) -> [Instance] {
        let length = recurrenceFrequency?.length ?? statementLength
        let end = [endingBefore, contractEnd].compactMap { $0 }.min()
        let cadence = BillingCadence(start: startingAt, end: end, anchor: anchorDate, length: length)
        return cadence.periods(startedBefore: limit).map { period in
            // The whole period this one is part of: it ends at the next boundary after its start.
            let wholeEnd = BillingCadence(start: period.start, anchor: anchorDate, length: length)
                .periods(startedBefore: Timestamp(millisecondsSinceEpoch: period.start.millisecondsSinceEpoch + 1))[0].end
            let wholeStart = BillingCadence.advance(wholeEnd, by: length, times: -1)
            let cutFirst = period.start > wholeStart, cutLast = period.end < wholeEnd
            let prorated = (cutFirst && (proration == .first || proration == .firstAndLast))
                || (cutLast && (proration == .last || proration == .firstAndLast))
            let fraction: Decimal = prorated
                ? Decimal(period.end.millisecondsSinceEpoch - period.start.millisecondsSinceEpoch)
                    / Decimal(wholeEnd.millisecondsSinceEpoch - wholeStart.millisecondsSinceEpoch)
                : 1
            var accessEnd = BillingCadence.advance(wholeStart, by: length, times: commitDurationPeriods)
            if let end, end < accessEnd { accessEnd = end }
            var access = (accessAmount.unitPrice * accessAmount.quantity * fraction).rounded(toPlaces: 10)
            var invoice = invoiceAmount.map { ($0.quantity, ($0.unitPrice * fraction).rounded(toPlaces: 10)) }
            if prorated, let rounding = prorationRounding {
                if let accessRounding = rounding.access { access = accessRounding.rounded(access) }
                if let invoiceRounding = rounding.invoice, let (quantity, unitPrice) = invoice, quantity > 0 {
                    invoice = (quantity, (invoiceRounding.rounded(quantity * unitPrice) / quantity).rounded(toPlaces: 10))
                }
            }
            return Instance(
                start: period.start, accessEnd: accessEnd, accessAmount: access, invoice: invoice, end: period.end,
                wholeMilliseconds: wholeEnd.millisecondsSinceEpoch - wholeStart.millisecondsSinceEpoch
            )
        }
    }
}

/// A change to a recurring commit or credit (`update_recurring_commits` or
/// `update_recurring_credits` of an edit). As Metronome's docs say, it shapes only the commits
/// whose access has not started; values left nil are kept.
package struct RecurringCommitUpdate: Sendable, Equatable, Codable {
    package var id: String
    package var kind: CommitKind
    package var accessAmount: AmountUpdate?
    package var invoiceAmount: AmountUpdate?
    package var endingBefore: NewValue<Timestamp>?
    package var rateType: CommitRateType?
    /// `proration_rounding`: a rounding to set, or null for none.
    package var prorationRounding: NewValue<RecurringCommitTerms.Rounding>?

    /// New `unit_price` and `quantity` of an amount.
    package struct AmountUpdate: Sendable, Equatable, Codable {
        package var unitPrice: Decimal?
        package var quantity: Decimal?

        package enum CodingKeys: String, CodingKey {
            case unitPrice = "unit_price", quantity
        }

        /// A value with each stored property given.
        package init(unitPrice: Decimal?, quantity: Decimal?) {
            self.unitPrice = unitPrice
            self.quantity = quantity
        }
    }

    package enum CodingKeys: String, CodingKey {
        case id, kind, accessAmount = "access_amount", invoiceAmount = "invoice_amount", endingBefore = "ending_before"
        case rateType = "rate_type", prorationRounding = "proration_rounding"
    }

    /// A value with each stored property given.
    package init(
        id: String, kind: CommitKind, accessAmount: AmountUpdate? = nil, invoiceAmount: AmountUpdate? = nil,
        endingBefore: NewValue<Timestamp>? = nil, rateType: CommitRateType? = nil,
        prorationRounding: NewValue<RecurringCommitTerms.Rounding>? = nil
    ) {
        self.prorationRounding = prorationRounding
        self.id = id
        self.kind = kind
        self.accessAmount = accessAmount
        self.invoiceAmount = invoiceAmount
        self.endingBefore = endingBefore
        self.rateType = rateType
    }

    /// `recurring` with this change; a message naming the field when the result breaks a rule.
    package func applied(to recurring: RecurringCommitTerms, field: String) throws(PricingRuleViolation) -> RecurringCommitTerms {
        var changed = recurring
        if let access = accessAmount {
            changed.accessAmount.unitPrice = access.unitPrice ?? recurring.accessAmount.unitPrice
            changed.accessAmount.quantity = access.quantity ?? recurring.accessAmount.quantity
        }
        if let invoice = invoiceAmount {
            guard var amount = recurring.invoiceAmount else {
                throw PricingRuleViolation(message: "'\(field)invoice_amount': the recurring commit has no invoice amount to update")
            }
            amount.unitPrice = invoice.unitPrice ?? amount.unitPrice
            amount.quantity = invoice.quantity ?? amount.quantity
            changed.invoiceAmount = amount
        }
        if let end = endingBefore { changed.endingBefore = end.value }
        if let rateType { changed.rateType = rateType }
        if let prorationRounding { changed.prorationRounding = prorationRounding.value }
        for (name, amount) in [("access_amount", changed.accessAmount), ("invoice_amount", changed.invoiceAmount)] {
            if let amount, amount.unitPrice < 0 || amount.quantity < 0 {
                throw PricingRuleViolation(message: "'\(field)\(name)' needs unit_price and quantity >= 0")
            }
        }
        if let end = changed.endingBefore, end <= changed.startingAt {
            throw PricingRuleViolation(message: "'\(field)ending_before' must be after its starting_at")
        }
        return changed
    }
}
