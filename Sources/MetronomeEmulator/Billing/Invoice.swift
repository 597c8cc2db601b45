import Foundation

/// A credit type as invoices show it.
struct InvoiceCreditType: Codable, Sendable, Equatable {
    var id: String
    var name: String
}

/// An invoice as Metronome shows it. Drafts are computed afresh on every read; a finalized or
/// voided invoice is this value as it stood then, kept unchanged.
struct InvoiceDocument: Codable, Sendable {
    var id: String
    var customerId: String
    var creditType: InvoiceCreditType
    var lineItems: [InvoiceLineItem]
    var status: String
    var total: Decimal
    var type: String
    var startTimestamp: Timestamp?
    var endTimestamp: Timestamp?
    var issuedAt: Timestamp?
    var contractId: String?
    var planId: String?
    var planName: String?
    var subtotal: Decimal?
    var netPaymentTermsDays: Decimal?
    var customFields: [String: String]?
    var regeneratedFromInvoiceId: String?
    var invoiceAdjustments: [InvoiceAdjustment]?
    /// Set on the breakdowns of an invoice: the window this share covers.
    var breakdownStartTimestamp: Timestamp?
    var breakdownEndTimestamp: Timestamp?

    enum CodingKeys: String, CodingKey {
        case id, customerId = "customer_id", creditType = "credit_type", lineItems = "line_items", status, total, type
        case startTimestamp = "start_timestamp", endTimestamp = "end_timestamp", issuedAt = "issued_at"
        case contractId = "contract_id", planId = "plan_id", planName = "plan_name", subtotal
        case netPaymentTermsDays = "net_payment_terms_days", customFields = "custom_fields"
        case regeneratedFromInvoiceId = "regenerated_from_invoice_id", invoiceAdjustments = "invoice_adjustments"
        case breakdownStartTimestamp = "breakdown_start_timestamp", breakdownEndTimestamp = "breakdown_end_timestamp"
    }
}

/// An adjustment to a whole plan invoice, e.g. a minimum.
struct InvoiceAdjustment: Codable, Sendable {
    var creditType: InvoiceCreditType
    var name: String
    var total: Decimal

    enum CodingKeys: String, CodingKey {
        case creditType = "credit_type", name, total
    }
}

/// One line of an invoice, in Metronome's shape.
struct InvoiceLineItem: Codable, Sendable {
    var name: String
    var total: Decimal
    var creditType: InvoiceCreditType
    var type: String
    var productId: String?
    var productType: String?
    var quantity: Decimal?
    var unitPrice: Decimal?
    var startingAt: Timestamp?
    var endingBefore: Timestamp?
    var tier: LineItemTier?
    var isProrated: Bool?
    var groupKey: String?
    var groupValue: String?
    var pricingGroupValues: [String: String]?
    var presentationGroupValues: [String: String]?
    var appliedCommitOrCredit: AppliedCommitOrCredit?
    var commitId: String?
    var commitType: String?
    var commitSegmentId: String?
    var scheduledChargeId: String?
    var subscriptionId: String?
    var customFields: [String: String]?
    var subLineItems: [SubLineItem]?

    enum CodingKeys: String, CodingKey {
        case name, total, creditType = "credit_type", type, productId = "product_id", productType = "product_type"
        case quantity, unitPrice = "unit_price", startingAt = "starting_at", endingBefore = "ending_before", tier
        case isProrated = "is_prorated", groupKey = "group_key", groupValue = "group_value"
        case pricingGroupValues = "pricing_group_values", presentationGroupValues = "presentation_group_values"
        case appliedCommitOrCredit = "applied_commit_or_credit", commitId = "commit_id", commitType = "commit_type"
        case commitSegmentId = "commit_segment_id", scheduledChargeId = "scheduled_charge_id"
        case subscriptionId = "subscription_id", customFields = "custom_fields", subLineItems = "sub_line_items"
    }

    /// The tier of a graduated rate a line bills: its level (from 1) and first unit.
    struct LineItemTier: Codable, Sendable {
        var level: Int
        var startingAt: String
        var size: String?

        enum CodingKeys: String, CodingKey {
            case level, startingAt = "starting_at", size
        }
    }

    /// The commit or credit a negative line draws from.
    struct AppliedCommitOrCredit: Codable, Sendable {
        var id: String
        var type: String
    }
}

/// A plan charge's part of a plan invoice line.
struct SubLineItem: Codable, Sendable {
    var customFields: [String: String]
    var name: String
    var quantity: Decimal
    var subtotal: Decimal
    var chargeId: String?
    var price: Decimal?
    var startDate: Timestamp?
    var endDate: Timestamp?
    var tiers: [SubLineItemTier]?

    enum CodingKeys: String, CodingKey {
        case customFields = "custom_fields", name, quantity, subtotal, chargeId = "charge_id", price
        case startDate = "start_date", endDate = "end_date", tiers
    }

    /// One tier of a tiered charge: the units it priced and what they cost.
    struct SubLineItemTier: Codable, Sendable {
        var price: Decimal
        var quantity: Decimal
        var startingAt: Decimal
        var subtotal: Decimal

        enum CodingKeys: String, CodingKey {
            case price, quantity, startingAt = "starting_at", subtotal
        }
    }
}

/// Graduated pricing: each tier prices only the units that fall in it.
enum GraduatedTiers {
    /// One priced tier: the first unit it covers, its size (nil for the last), price, and the
    /// units of `quantity` that fall in it.
    struct Slice: Sendable, Equatable {
        var level: Int
        var startingAt: Decimal
        var size: Decimal?
        var price: Decimal
        var quantity: Decimal

        var subtotal: Decimal { quantity * price }
    }

    /// `quantity` cut into tiers given by their first units (ascending, the first usually 0) and
    /// prices. Tiers no unit reaches are left out, except the first.
    static func slices(of quantity: Decimal, tiers: [(startingAt: Decimal, price: Decimal)]) -> [Slice] {
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

    /// Tiers given by sizes (the last without one), as contract rates state them, turned into first units.
    static func starts(sizes: [(size: Decimal?, price: Decimal)]) -> [(startingAt: Decimal, price: Decimal)] {
        var start: Decimal = 0
        return sizes.map { tier in
            defer { start += tier.size ?? 0 }
            return (start, tier.price)
        }
    }
}
