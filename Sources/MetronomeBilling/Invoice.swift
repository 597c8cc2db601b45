import Foundation
import MetronomeCodecs

/// A credit type as invoices show it.
package struct InvoiceCreditType: Sendable, Equatable {
    package var id: String
    package var name: String

    /// A value with each stored property given.
    package init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// An invoice as Metronome shows it. Drafts are computed afresh on every read; a finalized or
/// voided invoice is this value as it stood then, kept unchanged.
package struct InvoiceDocument: Sendable {
    package var id: String
    package var customerId: String
    package var creditType: InvoiceCreditType
    package var lineItems: [InvoiceLineItem]
    package var status: String
    package var total: Decimal
    package var type: String
    package var startTimestamp: Timestamp?
    package var endTimestamp: Timestamp?
    package var issuedAt: Timestamp?
    package var contractId: String?
    package var planId: String?
    package var planName: String?
    package var subtotal: Decimal?
    package var netPaymentTermsDays: Decimal?
    package var customFields: [String: String]?
    package var regeneratedFromInvoiceId: String?
    package var invoiceAdjustments: [InvoiceAdjustment]?
    /// Set on the breakdowns of an invoice: the window this share covers.
    package var breakdownStartTimestamp: Timestamp?
    package var breakdownEndTimestamp: Timestamp?
    /// The contract and customer that pay a usage invoice in an account hierarchy; nil outside one.
    package var payer: ContractHierarchy.Node?
    /// The invoices a USAGE_CONSOLIDATED invoice concatenates.
    package var constituentInvoices: [ConstituentInvoice]?
    /// The amendment whose professional services the invoice bills, when its lines name one.
    package var amendmentId: String?
    /// `billable` or `unbillable`, for the invoices that were given one (historical ones).
    package var billableStatus: String?

    /// A value with each stored property given.
    package init(
        id: String,
        customerId: String,
        creditType: InvoiceCreditType,
        lineItems: [InvoiceLineItem],
        status: String,
        total: Decimal,
        type: String,
        startTimestamp: Timestamp? = nil,
        endTimestamp: Timestamp? = nil,
        issuedAt: Timestamp? = nil,
        contractId: String? = nil,
        planId: String? = nil,
        planName: String? = nil,
        subtotal: Decimal? = nil,
        netPaymentTermsDays: Decimal? = nil,
        customFields: [String: String]? = nil,
        regeneratedFromInvoiceId: String? = nil,
        invoiceAdjustments: [InvoiceAdjustment]? = nil,
        breakdownStartTimestamp: Timestamp? = nil,
        breakdownEndTimestamp: Timestamp? = nil,
        payer: ContractHierarchy.Node? = nil,
        constituentInvoices: [ConstituentInvoice]? = nil
    ) {
        self.constituentInvoices = constituentInvoices
        self.payer = payer
        self.id = id
        self.customerId = customerId
        self.creditType = creditType
        self.lineItems = lineItems
        self.status = status
        self.total = total
        self.type = type
        self.startTimestamp = startTimestamp
        self.endTimestamp = endTimestamp
        self.issuedAt = issuedAt
        self.contractId = contractId
        self.planId = planId
        self.planName = planName
        self.subtotal = subtotal
        self.netPaymentTermsDays = netPaymentTermsDays
        self.customFields = customFields
        self.regeneratedFromInvoiceId = regeneratedFromInvoiceId
        self.invoiceAdjustments = invoiceAdjustments
        self.breakdownStartTimestamp = breakdownStartTimestamp
        self.breakdownEndTimestamp = breakdownEndTimestamp
    }
}

/// An adjustment to a whole plan invoice, e.g. a minimum.
package struct InvoiceAdjustment: Sendable {
    package var creditType: InvoiceCreditType
    package var name: String
    package var total: Decimal
    /// Set when a credit grant pays this much of the invoice.
    package var creditGrantId: String?
    package var creditGrantCustomFields: [String: String]?

    /// A value with each stored property given.
    package init(
        creditType: InvoiceCreditType, name: String, total: Decimal, creditGrantId: String? = nil,
        creditGrantCustomFields: [String: String]? = nil
    ) {
        self.creditType = creditType
        self.name = name
        self.total = total
        self.creditGrantId = creditGrantId
        self.creditGrantCustomFields = creditGrantCustomFields
    }
}

/// One line of an invoice, in Metronome's shape.
package struct InvoiceLineItem: Sendable {
    /// The prices of units drawn from a commit or credit with rate type COMMIT_RATE, by the
    /// line's unit they start at (the first at 0), where the rate has a commit rate; never shown.
    package var commitPrices: [(startingAt: Decimal, price: Decimal)]?
    /// What commit-specific overrides make the commits they select pay; never shown.
    package var commitSpecificPrices: [CommitSpecificPrice] = []
    package var name: String
    package var total: Decimal
    package var creditType: InvoiceCreditType
    package var type: String
    package var productId: String?
    package var productType: String?
    package var quantity: Decimal?
    package var unitPrice: Decimal?
    package var startingAt: Timestamp?
    package var endingBefore: Timestamp?
    package var tier: LineItemTier?
    package var isProrated: Bool?
    package var groupKey: String?
    package var groupValue: String?
    package var pricingGroupValues: [String: String]?
    package var presentationGroupValues: [String: String]?
    package var appliedCommitOrCredit: AppliedCommitOrCredit?
    package var commitId: String?
    package var commitType: String?
    package var commitSegmentId: String?
    package var scheduledChargeId: String?
    package var subscriptionId: String?
    package var customFields: [String: String]?
    package var subLineItems: [SubLineItem]?
    /// Set on the lines of a professional services invoice.
    package var professionalServiceId: String?
    package var professionalServiceCustomFields: [String: String]?
    /// The caller's own text for a professional services line.
    package var metadata: String?
    /// The billing period a professional services line gives for NetSuite.
    package var netsuiteInvoiceBillingStart: Timestamp?
    package var netsuiteInvoiceBillingEnd: Timestamp?

    /// The tier of a graduated rate a line bills: its level (from 1) and first unit.
    package struct LineItemTier: Sendable {
        package var level: Int
        package var startingAt: String
        package var size: String?

        /// A value with each stored property given.
        package init(level: Int, startingAt: String, size: String? = nil) {
            self.level = level
            self.startingAt = startingAt
            self.size = size
        }
    }

    /// The commit or credit a negative line draws from.
    package struct AppliedCommitOrCredit: Sendable {
        package var id: String
        package var type: String

        /// A value with each stored property given.
        package init(id: String, type: String) {
            self.id = id
            self.type = type
        }
    }

    /// A value with each stored property given.
    package init(
        name: String,
        total: Decimal,
        creditType: InvoiceCreditType,
        type: String,
        productId: String? = nil,
        productType: String? = nil,
        quantity: Decimal? = nil,
        unitPrice: Decimal? = nil,
        startingAt: Timestamp? = nil,
        endingBefore: Timestamp? = nil,
        tier: LineItemTier? = nil,
        isProrated: Bool? = nil,
        groupKey: String? = nil,
        groupValue: String? = nil,
        pricingGroupValues: [String: String]? = nil,
        presentationGroupValues: [String: String]? = nil,
        appliedCommitOrCredit: AppliedCommitOrCredit? = nil,
        commitId: String? = nil,
        commitType: String? = nil,
        commitSegmentId: String? = nil,
        scheduledChargeId: String? = nil,
        subscriptionId: String? = nil,
        customFields: [String: String]? = nil,
        subLineItems: [SubLineItem]? = nil,
        professionalServiceId: String? = nil,
        professionalServiceCustomFields: [String: String]? = nil,
        metadata: String? = nil
    ) {
        self.name = name
        self.total = total
        self.creditType = creditType
        self.type = type
        self.productId = productId
        self.productType = productType
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.tier = tier
        self.isProrated = isProrated
        self.groupKey = groupKey
        self.groupValue = groupValue
        self.pricingGroupValues = pricingGroupValues
        self.presentationGroupValues = presentationGroupValues
        self.appliedCommitOrCredit = appliedCommitOrCredit
        self.commitId = commitId
        self.commitType = commitType
        self.commitSegmentId = commitSegmentId
        self.scheduledChargeId = scheduledChargeId
        self.subscriptionId = subscriptionId
        self.customFields = customFields
        self.subLineItems = subLineItems
        self.professionalServiceId = professionalServiceId
        self.professionalServiceCustomFields = professionalServiceCustomFields
        self.metadata = metadata
    }
}

/// A plan charge's part of a plan invoice line.
package struct SubLineItem: Sendable {
    package var customFields: [String: String]
    package var name: String
    package var quantity: Decimal
    package var subtotal: Decimal
    package var chargeId: String?
    package var price: Decimal?
    package var startDate: Timestamp?
    package var endDate: Timestamp?
    package var tiers: [SubLineItemTier]?

    /// One tier of a tiered charge: the units it priced and what they cost.
    package struct SubLineItemTier: Sendable {
        package var price: Decimal
        package var quantity: Decimal
        package var startingAt: Decimal
        package var subtotal: Decimal

        /// A value with each stored property given.
        package init(price: Decimal, quantity: Decimal, startingAt: Decimal, subtotal: Decimal) {
            self.price = price
            self.quantity = quantity
            self.startingAt = startingAt
            self.subtotal = subtotal
        }
    }

    /// A value with each stored property given.
    package init(
        customFields: [String: String],
        name: String,
        quantity: Decimal,
        subtotal: Decimal,
        chargeId: String? = nil,
        price: Decimal? = nil,
        startDate: Timestamp? = nil,
        endDate: Timestamp? = nil,
        tiers: [SubLineItemTier]? = nil
    ) {
        self.customFields = customFields
        self.name = name
        self.quantity = quantity
        self.subtotal = subtotal
        self.chargeId = chargeId
        self.price = price
        self.startDate = startDate
        self.endDate = endDate
        self.tiers = tiers
    }
}

/// Graduated pricing: each tier prices only the units that fall in it.
package enum GraduatedTiers {
    /// One priced tier: the first unit it covers, its size (nil for the last), price, and the
    /// units of `quantity` that fall in it.
    package struct Slice: Sendable, Equatable {
        package var level: Int
        package var startingAt: Decimal
        package var size: Decimal?
        package var price: Decimal
        package var quantity: Decimal

        package var subtotal: Decimal { quantity * price }

        /// A value with each stored property given.
        package init(level: Int, startingAt: Decimal, size: Decimal? = nil, price: Decimal, quantity: Decimal) {
            self.level = level
            self.startingAt = startingAt
            self.size = size
            self.price = price
            self.quantity = quantity
        }
    }

    /// `quantity` cut into tiers given by their first units (ascending, the first usually 0) and
    /// prices. Tiers no unit reaches are left out, except the first.
    package static func slices(of quantity: Decimal, tiers: [(startingAt: Decimal, price: Decimal)]) -> [Slice] {
        var slices: [Slice] = []
        for (index, tier) in tiers.enumerated() {
            let next = index + 1 < tiers.count ? tiers[index + 1].startingAt : nil
            let upper = next.map { min($0, quantity) } ?? quantity
            // Negative usage (corrections) is credited at the first tier's price.
            let inTier = index == 0 && quantity < 0 ? quantity : max(0, upper - tier.startingAt)
            if index > 0 && inTier <= 0 { break }
            slices.append(Slice(
                level: index + 1, startingAt: tier.startingAt, size: next.map { $0 - tier.startingAt }, price: tier.price,
                quantity: inTier
            ))
        }
        return slices
    }

    /// `tiers` as seen from unit `offset` on: the tier holding it starts at 0, the ones before are dropped.
    package static func shifted(_ tiers: [(startingAt: Decimal, price: Decimal)], by offset: Decimal)
        -> [(startingAt: Decimal, price: Decimal)] {
        tiers.enumerated().compactMap { index, tier in
            let next = index + 1 < tiers.count ? tiers[index + 1].startingAt : nil
            if let next, next <= offset { return nil }
            return (max(tier.startingAt - offset, 0), tier.price)
        }
    }

    /// Tiers given by sizes (the last without one), as contract rates state them, turned into first units.
    package static func starts(sizes: [(size: Decimal?, price: Decimal)]) -> [(startingAt: Decimal, price: Decimal)] {
        var start: Decimal = 0
        return sizes.map { tier in
            defer { start += tier.size ?? 0 }
            return (start, tier.price)
        }
    }
}
