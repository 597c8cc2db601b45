import Foundation
import MetronomeBilling
import MetronomeCodecs

// The JSON an `invoice` row keeps of a closed invoice and of its added charges. The keys are the
// database file format: a file written by an earlier version must still decode.

/// An invoice's credit type as stored.
struct StoredInvoiceCreditType: Codable, Sendable {
    var id: String
    var name: String

    /// The stored form of `creditType`.
    init(_ creditType: InvoiceCreditType) {
        id = creditType.id
        name = creditType.name
    }

    /// The credit type this holds.
    var domain: InvoiceCreditType { InvoiceCreditType(id: id, name: name) }
}

/// A finalized or voided invoice as stored (`invoice.document`).
struct StoredInvoiceDocument: Codable, Sendable {
    var id: String
    var customerId: String
    var creditType: StoredInvoiceCreditType
    var lineItems: [StoredInvoiceLineItem]
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
    var invoiceAdjustments: [StoredInvoiceAdjustment]?
    var breakdownStartTimestamp: Timestamp?
    var breakdownEndTimestamp: Timestamp?
    var payer: ContractHierarchy.Node?
    var constituentInvoices: [ConstituentInvoice]?
    var amendmentId: String?
    var billableStatus: String?

    enum CodingKeys: String, CodingKey {
        case payer, constituentInvoices = "constituent_invoices", amendmentId = "amendment_id", billableStatus = "billable_status"
        case id, customerId = "customer_id", creditType = "credit_type", lineItems = "line_items", status, total, type
        case startTimestamp = "start_timestamp", endTimestamp = "end_timestamp", issuedAt = "issued_at"
        case contractId = "contract_id", planId = "plan_id", planName = "plan_name", subtotal
        case netPaymentTermsDays = "net_payment_terms_days", customFields = "custom_fields"
        case regeneratedFromInvoiceId = "regenerated_from_invoice_id", invoiceAdjustments = "invoice_adjustments"
        case breakdownStartTimestamp = "breakdown_start_timestamp", breakdownEndTimestamp = "breakdown_end_timestamp"
    }

    /// The stored form of `document`.
    init(_ document: InvoiceDocument) {
        id = document.id
        customerId = document.customerId
        creditType = StoredInvoiceCreditType(document.creditType)
        lineItems = document.lineItems.map(StoredInvoiceLineItem.init)
        status = document.status
        total = document.total
        type = document.type
        startTimestamp = document.startTimestamp
        endTimestamp = document.endTimestamp
        issuedAt = document.issuedAt
        contractId = document.contractId
        planId = document.planId
        planName = document.planName
        subtotal = document.subtotal
        netPaymentTermsDays = document.netPaymentTermsDays
        customFields = document.customFields
        regeneratedFromInvoiceId = document.regeneratedFromInvoiceId
        invoiceAdjustments = document.invoiceAdjustments?.map(StoredInvoiceAdjustment.init)
        breakdownStartTimestamp = document.breakdownStartTimestamp
        breakdownEndTimestamp = document.breakdownEndTimestamp
        payer = document.payer
        constituentInvoices = document.constituentInvoices
        amendmentId = document.amendmentId
        billableStatus = document.billableStatus
    }

    /// The invoice this holds.
    var domain: InvoiceDocument {
        var document = InvoiceDocument(
            id: id, customerId: customerId, creditType: creditType.domain, lineItems: lineItems.map(\.domain), status: status,
            total: total, type: type, startTimestamp: startTimestamp, endTimestamp: endTimestamp, issuedAt: issuedAt,
            contractId: contractId, planId: planId, planName: planName, subtotal: subtotal, netPaymentTermsDays: netPaymentTermsDays,
            customFields: customFields, regeneratedFromInvoiceId: regeneratedFromInvoiceId,
            invoiceAdjustments: invoiceAdjustments?.map(\.domain), breakdownStartTimestamp: breakdownStartTimestamp,
            breakdownEndTimestamp: breakdownEndTimestamp, payer: payer, constituentInvoices: constituentInvoices
        )
        document.amendmentId = amendmentId
        document.billableStatus = billableStatus
        return document
    }
}

/// An adjustment to a whole plan invoice as stored.
struct StoredInvoiceAdjustment: Codable, Sendable {
    var creditType: StoredInvoiceCreditType
    var name: String
    var total: Decimal
    var creditGrantId: String?
    var creditGrantCustomFields: [String: String]?

    enum CodingKeys: String, CodingKey {
        case creditType = "credit_type", name, total
        case creditGrantId = "credit_grant_id", creditGrantCustomFields = "credit_grant_custom_fields"
    }

    /// The stored form of `adjustment`.
    init(_ adjustment: InvoiceAdjustment) {
        creditType = StoredInvoiceCreditType(adjustment.creditType)
        name = adjustment.name
        total = adjustment.total
        creditGrantId = adjustment.creditGrantId
        creditGrantCustomFields = adjustment.creditGrantCustomFields
    }

    /// The adjustment this holds.
    var domain: InvoiceAdjustment {
        InvoiceAdjustment(
            creditType: creditType.domain, name: name, total: total, creditGrantId: creditGrantId,
            creditGrantCustomFields: creditGrantCustomFields
        )
    }
}

/// One line of a stored invoice.
struct StoredInvoiceLineItem: Codable, Sendable {
    var name: String
    var total: Decimal
    var creditType: StoredInvoiceCreditType
    var type: String
    var productId: String?
    var productType: String?
    var quantity: Decimal?
    var unitPrice: Decimal?
    var startingAt: Timestamp?
    var endingBefore: Timestamp?
    var tier: Tier?
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
    var subLineItems: [StoredSubLineItem]?
    var professionalServiceId: String?
    var professionalServiceCustomFields: [String: String]?
    var metadata: String?
    var netsuiteInvoiceBillingStart: Timestamp?
    var netsuiteInvoiceBillingEnd: Timestamp?

    enum CodingKeys: String, CodingKey {
        case netsuiteInvoiceBillingStart = "netsuite_invoice_billing_start", netsuiteInvoiceBillingEnd = "netsuite_invoice_billing_end"
        case name, total, creditType = "credit_type", type, productId = "product_id", productType = "product_type"
        case quantity, unitPrice = "unit_price", startingAt = "starting_at", endingBefore = "ending_before", tier
        case isProrated = "is_prorated", groupKey = "group_key", groupValue = "group_value"
        case pricingGroupValues = "pricing_group_values", presentationGroupValues = "presentation_group_values"
        case appliedCommitOrCredit = "applied_commit_or_credit", commitId = "commit_id", commitType = "commit_type"
        case commitSegmentId = "commit_segment_id", scheduledChargeId = "scheduled_charge_id"
        case subscriptionId = "subscription_id", customFields = "custom_fields", subLineItems = "sub_line_items"
        case professionalServiceId = "professional_service_id"
        case professionalServiceCustomFields = "professional_service_custom_fields", metadata
    }

    /// A line's tier as stored.
    struct Tier: Codable, Sendable {
        var level: Int
        var startingAt: String
        var size: String?

        enum CodingKeys: String, CodingKey {
            case level, startingAt = "starting_at", size
        }
    }

    /// A line's commit or credit as stored.
    struct AppliedCommitOrCredit: Codable, Sendable {
        var id: String
        var type: String
    }

    /// The stored form of `line`.
    init(_ line: InvoiceLineItem) {
        name = line.name
        total = line.total
        creditType = StoredInvoiceCreditType(line.creditType)
        type = line.type
        productId = line.productId
        productType = line.productType
        quantity = line.quantity
        unitPrice = line.unitPrice
        startingAt = line.startingAt
        endingBefore = line.endingBefore
        tier = line.tier.map { Tier(level: $0.level, startingAt: $0.startingAt, size: $0.size) }
        isProrated = line.isProrated
        groupKey = line.groupKey
        groupValue = line.groupValue
        pricingGroupValues = line.pricingGroupValues
        presentationGroupValues = line.presentationGroupValues
        appliedCommitOrCredit = line.appliedCommitOrCredit.map { AppliedCommitOrCredit(id: $0.id, type: $0.type) }
        commitId = line.commitId
        commitType = line.commitType
        commitSegmentId = line.commitSegmentId
        scheduledChargeId = line.scheduledChargeId
        subscriptionId = line.subscriptionId
        customFields = line.customFields
        subLineItems = line.subLineItems?.map(StoredSubLineItem.init)
        professionalServiceId = line.professionalServiceId
        professionalServiceCustomFields = line.professionalServiceCustomFields
        metadata = line.metadata
        netsuiteInvoiceBillingStart = line.netsuiteInvoiceBillingStart
        netsuiteInvoiceBillingEnd = line.netsuiteInvoiceBillingEnd
    }

    /// The line this holds.
    var domain: InvoiceLineItem {
        var line = InvoiceLineItem(
            name: name, total: total, creditType: creditType.domain, type: type, productId: productId, productType: productType,
            quantity: quantity, unitPrice: unitPrice, startingAt: startingAt, endingBefore: endingBefore,
            tier: tier.map { .init(level: $0.level, startingAt: $0.startingAt, size: $0.size) }, isProrated: isProrated,
            groupKey: groupKey, groupValue: groupValue, pricingGroupValues: pricingGroupValues,
            presentationGroupValues: presentationGroupValues,
            appliedCommitOrCredit: appliedCommitOrCredit.map { .init(id: $0.id, type: $0.type) }, commitId: commitId,
            commitType: commitType, commitSegmentId: commitSegmentId, scheduledChargeId: scheduledChargeId,
            subscriptionId: subscriptionId, customFields: customFields, subLineItems: subLineItems?.map(\.domain),
            professionalServiceId: professionalServiceId, professionalServiceCustomFields: professionalServiceCustomFields,
            metadata: metadata
        )
        line.netsuiteInvoiceBillingStart = netsuiteInvoiceBillingStart
        line.netsuiteInvoiceBillingEnd = netsuiteInvoiceBillingEnd
        return line
    }
}

/// A plan charge's part of a stored invoice line.
struct StoredSubLineItem: Codable, Sendable {
    var customFields: [String: String]
    var name: String
    var quantity: Decimal
    var subtotal: Decimal
    var chargeId: String?
    var price: Decimal?
    var startDate: Timestamp?
    var endDate: Timestamp?
    var tiers: [Tier]?

    enum CodingKeys: String, CodingKey {
        case customFields = "custom_fields", name, quantity, subtotal, chargeId = "charge_id", price
        case startDate = "start_date", endDate = "end_date", tiers
    }

    /// One tier of a sub line as stored.
    struct Tier: Codable, Sendable {
        var price: Decimal
        var quantity: Decimal
        var startingAt: Decimal
        var subtotal: Decimal

        enum CodingKeys: String, CodingKey {
            case price, quantity, startingAt = "starting_at", subtotal
        }
    }

    /// The stored form of `item`.
    init(_ item: SubLineItem) {
        customFields = item.customFields
        name = item.name
        quantity = item.quantity
        subtotal = item.subtotal
        chargeId = item.chargeId
        price = item.price
        startDate = item.startDate
        endDate = item.endDate
        tiers = item.tiers?.map { Tier(price: $0.price, quantity: $0.quantity, startingAt: $0.startingAt, subtotal: $0.subtotal) }
    }

    /// The sub line this holds.
    var domain: SubLineItem {
        SubLineItem(
            customFields: customFields, name: name, quantity: quantity, subtotal: subtotal, chargeId: chargeId, price: price,
            startDate: startDate, endDate: endDate,
            tiers: tiers?.map { .init(price: $0.price, quantity: $0.quantity, startingAt: $0.startingAt, subtotal: $0.subtotal) }
        )
    }
}

/// A one-time charge added to a plan invoice, as stored (`invoice.added_charges`).
struct StoredAddedCharge: Codable, Sendable {
    var chargeId: String
    var productId: String
    var productName: String
    var description: String
    var price: Decimal
    var quantity: Decimal

    enum CodingKeys: String, CodingKey {
        case chargeId = "charge_id", productId = "product_id", productName = "product_name", description, price, quantity
    }

    /// The stored form of `charge`.
    init(_ charge: AddedCharge) {
        chargeId = charge.chargeId
        productId = charge.productId
        productName = charge.productName
        description = charge.description
        price = charge.price
        quantity = charge.quantity
    }

    /// The charge this holds.
    var domain: AddedCharge {
        AddedCharge(chargeId: chargeId, productId: productId, productName: productName, description: description, price: price, quantity: quantity)
    }
}
