import Foundation
import MetronomeBilling
import MetronomeCodecs

// The JSON that `contract` and `commit_or_credit` rows hold. These keys are the database file
// format: files written by earlier versions must still decode, so never rename one.

/// An `access_schedule` segment of a commit or credit, as stored.
package struct StoredAccessSegment: Codable, Sendable {
    var id: String
    var amount: Decimal
    var startingAt: Timestamp
    var endingBefore: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, amount, startingAt = "starting_at", endingBefore = "ending_before"
    }

    /// The stored shape of `segment`.
    init(_ segment: AccessSegment) {
        id = segment.id
        amount = segment.amount
        startingAt = segment.startingAt
        endingBefore = segment.endingBefore
    }

    /// The segment this holds.
    var domain: AccessSegment { AccessSegment(id: id, amount: amount, startingAt: startingAt, endingBefore: endingBefore) }
}

/// One item of an invoice schedule, as stored.
package struct StoredInvoiceItem: Codable, Sendable {
    var id: String
    var amount: Decimal
    var quantity: Decimal
    var unitPrice: Decimal
    var timestamp: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, amount, quantity, unitPrice = "unit_price", timestamp
    }

    /// The stored shape of `item`.
    init(_ item: InvoiceItem) {
        id = item.id
        amount = item.amount
        quantity = item.quantity
        unitPrice = item.unitPrice
        timestamp = item.timestamp
    }

    /// The item this holds.
    var domain: InvoiceItem { InvoiceItem(id: id, amount: amount, quantity: quantity, unitPrice: unitPrice, timestamp: timestamp) }
}

/// The invoice schedule of a commit, scheduled charge or discount, as stored.
package struct StoredInvoiceSchedule: Codable, Sendable {
    var creditTypeId: String
    var items: [StoredInvoiceItem]
    var doNotInvoice: Bool

    enum CodingKeys: String, CodingKey {
        case creditTypeId = "credit_type_id", items, doNotInvoice = "do_not_invoice"
    }

    /// The stored shape of `schedule`.
    init(_ schedule: InvoiceScheduleTerms) {
        creditTypeId = schedule.creditTypeId
        items = schedule.items.map(StoredInvoiceItem.init)
        doNotInvoice = schedule.doNotInvoice
    }

    /// The schedule this holds.
    var domain: InvoiceScheduleTerms {
        InvoiceScheduleTerms(creditTypeId: creditTypeId, items: items.map(\.domain), doNotInvoice: doNotInvoice)
    }
}

/// A contract's `usage_statement_schedule`, as stored.
package struct StoredUsageStatementSchedule: Codable, Sendable {
    var frequency: UsageStatementSchedule.Frequency
    var day: UsageStatementSchedule.Day
    var billingAnchorDate: Timestamp
    var invoiceGenerationStartingAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case frequency, day, billingAnchorDate = "billing_anchor_date"
        case invoiceGenerationStartingAt = "invoice_generation_starting_at"
    }

    /// The stored shape of `schedule`.
    init(_ schedule: UsageStatementSchedule) {
        frequency = schedule.frequency
        day = schedule.day
        billingAnchorDate = schedule.billingAnchorDate
        invoiceGenerationStartingAt = schedule.invoiceGenerationStartingAt
    }

    /// The schedule this holds.
    var domain: UsageStatementSchedule {
        UsageStatementSchedule(
            frequency: frequency, day: day, billingAnchorDate: billingAnchorDate, invoiceGenerationStartingAt: invoiceGenerationStartingAt
        )
    }
}

/// A scheduled charge or discount of a contract, as stored.
package struct StoredScheduledCharge: Codable, Sendable {
    var id: String
    var productId: String
    var name: String?
    var schedule: StoredInvoiceSchedule
    var customFields: [String: String]
    var netsuiteSalesOrderId: String?

    enum CodingKeys: String, CodingKey {
        case id, productId = "product_id", name, schedule, customFields = "custom_fields"
        case netsuiteSalesOrderId = "netsuite_sales_order_id"
    }

    /// The stored shape of `charge`.
    init(_ charge: ScheduledChargeTerms) {
        id = charge.id
        productId = charge.productId
        name = charge.name
        schedule = StoredInvoiceSchedule(charge.schedule)
        customFields = charge.customFields
        netsuiteSalesOrderId = charge.netsuiteSalesOrderId
    }

    /// The charge this holds.
    var domain: ScheduledChargeTerms {
        ScheduledChargeTerms(
            id: id, productId: productId, name: name, schedule: schedule.domain, customFields: customFields,
            netsuiteSalesOrderId: netsuiteSalesOrderId
        )
    }
}

/// A subscription of a contract, as stored.
package struct StoredSubscription: Codable, Sendable {
    var id: String
    var productId: String
    var billingFrequency: UsageStatementSchedule.Frequency
    var collectionSchedule: String
    var isProrated: Bool
    var invoiceBehavior: String
    var quantityManagementMode: String
    var initialQuantity: Decimal
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var name: String?
    var description: String?
    var customFields: [String: String]
    var createdAt: Timestamp
    /// Absent from subscriptions stored before seats were kept.
    var seatConfig: StoredSeatConfig?
    /// Absent while no edit has changed the quantity.
    var quantityChanges: [SubscriptionQuantityChange]?
    /// Absent while no edit has changed the seats.
    var seatUpdates: [SubscriptionSeatUpdates]?
    var prorationRounding: ProrationRounding?
    var billingAnchorDate: Timestamp?
    /// Absent for subscriptions on usage invoices.
    var invoicePlacement: InvoicePlacement?

    /// A SEAT_BASED subscription's seats, as stored.
    struct StoredSeatConfig: Codable, Sendable {
        var initialSeatIds: [String]
        var seatGroupKey: String

        enum CodingKeys: String, CodingKey {
            case initialSeatIds = "initial_seat_ids", seatGroupKey = "seat_group_key"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, productId = "product_id", billingFrequency = "billing_frequency", collectionSchedule = "collection_schedule"
        case isProrated = "is_prorated", invoiceBehavior = "invoice_behavior", quantityManagementMode = "quantity_management_mode"
        case initialQuantity = "initial_quantity", startingAt = "starting_at", endingBefore = "ending_before", name, description
        case customFields = "custom_fields", createdAt = "created_at", seatConfig = "seat_config"
        case quantityChanges = "quantity_changes", seatUpdates = "seat_updates", prorationRounding = "proration_rounding"
        case billingAnchorDate = "billing_anchor_date", invoicePlacement = "invoice_placement"
    }

    /// The stored shape of `subscription`.
    init(_ subscription: SubscriptionTerms) {
        id = subscription.id
        productId = subscription.productId
        billingFrequency = subscription.billingFrequency
        collectionSchedule = subscription.collectionSchedule
        isProrated = subscription.isProrated
        invoiceBehavior = subscription.invoiceBehavior
        quantityManagementMode = subscription.quantityManagementMode
        initialQuantity = subscription.initialQuantity
        startingAt = subscription.startingAt
        endingBefore = subscription.endingBefore
        name = subscription.name
        description = subscription.description
        customFields = subscription.customFields
        createdAt = subscription.createdAt
        seatConfig = subscription.seatConfig.map {
            StoredSeatConfig(initialSeatIds: $0.initialSeatIds, seatGroupKey: $0.seatGroupKey)
        }
        quantityChanges = subscription.quantityChanges.isEmpty ? nil : subscription.quantityChanges
        seatUpdates = subscription.seatUpdates.isEmpty ? nil : subscription.seatUpdates
        prorationRounding = subscription.prorationRounding
        billingAnchorDate = subscription.billingAnchorDate
        invoicePlacement = subscription.invoicePlacement == .onUsageInvoice ? nil : subscription.invoicePlacement
    }

    /// The subscription this holds.
    var domain: SubscriptionTerms {
        var terms = SubscriptionTerms(
            id: id, productId: productId, billingFrequency: billingFrequency, collectionSchedule: collectionSchedule,
            isProrated: isProrated, invoiceBehavior: invoiceBehavior, quantityManagementMode: quantityManagementMode,
            initialQuantity: initialQuantity, startingAt: startingAt, endingBefore: endingBefore, name: name,
            description: description, customFields: customFields, createdAt: createdAt,
            seatConfig: seatConfig.map { .init(initialSeatIds: $0.initialSeatIds, seatGroupKey: $0.seatGroupKey) }
        )
        terms.quantityChanges = quantityChanges ?? []
        terms.seatUpdates = seatUpdates ?? []
        terms.prorationRounding = prorationRounding
        terms.billingAnchorDate = billingAnchorDate
        terms.invoicePlacement = invoicePlacement ?? .onUsageInvoice
        return terms
    }
}

/// The `overwrite_rate` of an OVERWRITE override, as stored.
package struct StoredOverwriteRate: Codable, Sendable {
    var rateType: RateType
    var creditTypeId: String?
    var price: Decimal?
    var quantity: Decimal?
    var isProrated: Bool?
    var tiers: [StoredTier]?
    var customRate: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case rateType = "rate_type", creditTypeId = "credit_type_id", price, quantity, isProrated = "is_prorated", tiers
        case customRate = "custom_rate"
    }

    /// The stored shape of `rate`.
    init(_ rate: OverwriteRate) {
        rateType = rate.rateType
        creditTypeId = rate.creditTypeId
        price = rate.price
        quantity = rate.quantity
        isProrated = rate.isProrated
        tiers = rate.tiers?.map(StoredTier.init)
        customRate = rate.customRate
    }

    /// The rate this holds.
    var domain: OverwriteRate {
        OverwriteRate(
            rateType: rateType, creditTypeId: creditTypeId, price: price, quantity: quantity, isProrated: isProrated,
            tiers: tiers?.map(\.domain), customRate: customRate
        )
    }
}

/// One tier of a TIERED override, as stored.
package struct StoredOverrideTier: Codable, Sendable {
    var multiplier: Decimal
    var size: Decimal?

    /// The stored shape of `tier`.
    init(_ tier: OverrideTier) {
        multiplier = tier.multiplier
        size = tier.size
    }

    /// The tier this holds.
    var domain: OverrideTier { OverrideTier(multiplier: multiplier, size: size) }
}

/// An override of a contract, as stored.
package struct StoredOverride: Codable, Sendable {
    var id: String
    var type: OverrideType
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var productId: String?
    var applicableProductTags: [String]?
    var specifiers: [CommitSpecifier]?
    var entitled: Bool?
    var multiplier: Decimal?
    var overwriteRate: StoredOverwriteRate?
    var tiers: [StoredOverrideTier]?
    var priority: Decimal?
    var target: CommitRateType?
    var isCommitSpecific: Bool?
    var createdAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case id, type, startingAt = "starting_at", endingBefore = "ending_before", productId = "product_id"
        case applicableProductTags = "applicable_product_tags", specifiers, entitled, multiplier
        case overwriteRate = "overwrite_rate", tiers, priority, target, isCommitSpecific = "is_commit_specific"
        case createdAt = "created_at"
    }

    /// The stored shape of `override`.
    init(_ override: OverrideTerms) {
        id = override.id
        type = override.type
        startingAt = override.startingAt
        endingBefore = override.endingBefore
        productId = override.productId
        applicableProductTags = override.applicableProductTags
        specifiers = override.specifiers
        entitled = override.entitled
        multiplier = override.multiplier
        overwriteRate = override.overwriteRate.map(StoredOverwriteRate.init)
        tiers = override.tiers?.map(StoredOverrideTier.init)
        priority = override.priority
        target = override.target
        isCommitSpecific = override.isCommitSpecific
        createdAt = override.createdAt
    }

    /// The override this holds.
    var domain: OverrideTerms {
        OverrideTerms(
            id: id, type: type, startingAt: startingAt, endingBefore: endingBefore, productId: productId,
            applicableProductTags: applicableProductTags, specifiers: specifiers, entitled: entitled,
            multiplier: multiplier, overwriteRate: overwriteRate?.domain, tiers: tiers?.map(\.domain), priority: priority,
            target: target, isCommitSpecific: isCommitSpecific, createdAt: createdAt
        )
    }
}

/// A contract's link from the contract it renews, as stored.
package struct StoredTransition: Codable, Sendable {
    var fromContractId: String
    var toContractId: String
    var type: String

    enum CodingKeys: String, CodingKey {
        case fromContractId = "from_contract_id", toContractId = "to_contract_id", type
    }

    /// The stored shape of `transition`.
    init(_ transition: TransitionTerms) {
        fromContractId = transition.fromContractId
        toContractId = transition.toContractId
        type = transition.type
    }

    /// The transition this holds.
    var domain: TransitionTerms { TransitionTerms(fromContractId: fromContractId, toContractId: toContractId, type: type) }
}
