import Foundation
import MetronomeCodecs

// MARK: - What an edit changes

/// A field an edit sets: to `value`, or, with nil, clears it. Its absence (an optional
/// `NewValue` that is nil) leaves the field as it is.
package struct NewValue<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    package var value: Value?

    /// A value with each stored property given.
    package init(_ value: Value?) {
        self.value = value
    }
}

extension KeyedDecodingContainer {
    /// The new value of a nullable field an edit may set: nil when the field is absent, a
    /// `NewValue` holding nil when it is null.
    package func decodeNewValue<Value: Codable & Sendable & Equatable>(_ type: Value.Type, forKey key: Key) throws -> NewValue<Value>? {
        guard contains(key) else { return nil }
        return NewValue(try decodeIfPresent(type, forKey: key))
    }
}

extension KeyedEncodingContainer {
    /// Writes a nullable field an edit may set as the wire has it: left out when absent, null
    /// when it clears the field.
    package mutating func encodeNewValue<Value: Codable & Sendable & Equatable>(_ newValue: NewValue<Value>?, forKey key: Key) throws {
        guard let newValue else { return }
        if let value = newValue.value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

/// One item an edit adds to a schedule or changes in it. An access segment uses `amount`,
/// `startingAt` and `endingBefore`; an invoice item `timestamp` and `amount` or `quantity` and
/// `unitPrice`. Fields left nil are kept (or, for an added item, not given).
package struct ScheduleItemEdit: Codable, Sendable, Equatable {
    package var id: String
    package var amount: Decimal?
    package var quantity: Decimal?
    package var unitPrice: Decimal?
    package var timestamp: Timestamp?
    package var startingAt: Timestamp?
    package var endingBefore: Timestamp?

    enum CodingKeys: String, CodingKey {
        case id, amount, quantity, unitPrice = "unit_price", timestamp, startingAt = "starting_at"
        case endingBefore = "ending_before"
    }

    /// A value with each stored property given.
    package init(
        id: String,
        amount: Decimal? = nil,
        quantity: Decimal? = nil,
        unitPrice: Decimal? = nil,
        timestamp: Timestamp? = nil,
        startingAt: Timestamp? = nil,
        endingBefore: Timestamp? = nil
    ) {
        self.id = id
        self.amount = amount
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.timestamp = timestamp
        self.startingAt = startingAt
        self.endingBefore = endingBefore
    }
}

/// Items an edit adds to a schedule (each with its new ID), changes, and removes (by ID).
package struct ScheduleEdit: Codable, Sendable, Equatable {
    package var add: [ScheduleItemEdit]
    package var update: [ScheduleItemEdit]
    package var remove: [String]

    /// The IDs of the items this changes or removes, which must exist.
    package var touchedIds: [String] { update.map(\.id) + remove }

    /// A value with each stored property given.
    package init(add: [ScheduleItemEdit], update: [ScheduleItemEdit], remove: [String]) {
        self.add = add
        self.update = update
        self.remove = remove
    }

    /// `segments` with this edit applied, checked as a new access schedule would be; `field`
    /// names the schedule in errors.
    package func applied(toAccess segments: [AccessSegment], field: String) throws(PricingRuleViolation) -> [AccessSegment] {
        var result = segments
        for id in touchedIds where !segments.contains(where: { $0.id == id }) {
            throw PricingRuleViolation(message: "'\(field)': no schedule item has the ID \(id)")
        }
        result.removeAll { remove.contains($0.id) }
        for change in update {
            guard let index = result.firstIndex(where: { $0.id == change.id }) else { continue }
            result[index].amount = change.amount ?? result[index].amount
            result[index].startingAt = change.startingAt ?? result[index].startingAt
            result[index].endingBefore = change.endingBefore ?? result[index].endingBefore
        }
        for item in add {
            guard let amount = item.amount, let start = item.startingAt, let end = item.endingBefore else {
                throw PricingRuleViolation(message: "'\(field).add_schedule_items' need 'amount', 'starting_at' and 'ending_before'")
            }
            result.append(AccessSegment(id: item.id, amount: amount, startingAt: start, endingBefore: end))
        }
        result.sort { ($0.startingAt, $0.endingBefore) < ($1.startingAt, $1.endingBefore) }
        try ContractRules.checkAccess(result, field: field)
        return result
    }

    /// `items` with this edit applied, in time order; an item given a new `amount` alone bills
    /// that amount, one given a quantity or unit price bills their product.
    package func applied(toInvoice items: [InvoiceItem], field: String) throws(PricingRuleViolation) -> [InvoiceItem] {
        var result = items
        for id in touchedIds where !items.contains(where: { $0.id == id }) {
            throw PricingRuleViolation(message: "'\(field)': no schedule item has the ID \(id)")
        }
        result.removeAll { remove.contains($0.id) }
        for (offset, change) in update.enumerated() {
            guard let index = result.firstIndex(where: { $0.id == change.id }) else { continue }
            let old = result[index]
            let byQuantity = change.quantity != nil || change.unitPrice != nil
            result[index] = try ContractRules.invoiceItem(
                id: old.id, timestamp: change.timestamp ?? old.timestamp,
                amount: byQuantity ? nil : change.amount ?? old.amount,
                quantity: byQuantity ? change.quantity ?? old.quantity : nil,
                unitPrice: byQuantity ? change.unitPrice ?? old.unitPrice : nil,
                field: "\(field).update_schedule_items[\(offset)]"
            )
        }
        for (offset, item) in add.enumerated() {
            guard let timestamp = item.timestamp else {
                throw PricingRuleViolation(message: "'\(field).add_schedule_items[\(offset)].timestamp' is required")
            }
            result.append(try ContractRules.invoiceItem(
                id: item.id, timestamp: timestamp, amount: item.amount, quantity: item.quantity, unitPrice: item.unitPrice,
                field: "\(field).add_schedule_items[\(offset)]"
            ))
        }
        return result.sorted { $0.timestamp < $1.timestamp }
    }
}

/// What an edit changes of one commit or credit; nil fields are kept.
package struct CommitEdit: Codable, Sendable, Equatable {
    package var id: String
    package var kind: CommitKind
    package var accessSchedule: ScheduleEdit?
    package var invoiceSchedule: ScheduleEdit?
    package var applicableProductIds: NewValue<[String]>?
    package var applicableProductTags: NewValue<[String]>?
    package var applicableContractIds: NewValue<[String]>?
    package var description: String?
    package var name: String?
    package var priority: NewValue<Decimal>?
    package var productId: String?
    package var rateType: CommitRateType?
    package var rolloverFraction: NewValue<Decimal>?
    package var invoiceContractId: String?
    /// `hierarchy_configuration.child_access`, replacing the commit's.
    package var childAccess: CommitChildAccess?
    /// New specifiers, or null to clear them.
    package var specifiers: NewValue<[CommitSpecifier]>?
    /// A new reference, or null to clear it.
    package var netsuiteSalesOrderId: NewValue<String>?

    enum CodingKeys: String, CodingKey {
        case childAccess = "child_access", specifiers, netsuiteSalesOrderId = "netsuite_sales_order_id"
        case id, kind, accessSchedule = "access_schedule", invoiceSchedule = "invoice_schedule"
        case applicableProductIds = "applicable_product_ids", applicableProductTags = "applicable_product_tags"
        case applicableContractIds = "applicable_contract_ids", description, name, priority, productId = "product_id"
        case rateType = "rate_type", rolloverFraction = "rollover_fraction", invoiceContractId = "invoice_contract_id"
    }

    /// A value with each stored property given.
    package init(
        id: String,
        kind: CommitKind,
        accessSchedule: ScheduleEdit? = nil,
        invoiceSchedule: ScheduleEdit? = nil,
        applicableProductIds: NewValue<[String]>? = nil,
        applicableProductTags: NewValue<[String]>? = nil,
        applicableContractIds: NewValue<[String]>? = nil,
        description: String? = nil,
        name: String? = nil,
        priority: NewValue<Decimal>? = nil,
        productId: String? = nil,
        rateType: CommitRateType? = nil,
        rolloverFraction: NewValue<Decimal>? = nil,
        invoiceContractId: String? = nil,
        childAccess: CommitChildAccess? = nil,
        specifiers: NewValue<[CommitSpecifier]>? = nil,
        netsuiteSalesOrderId: NewValue<String>? = nil
    ) {
        self.specifiers = specifiers
        self.netsuiteSalesOrderId = netsuiteSalesOrderId
        self.childAccess = childAccess
        self.id = id
        self.kind = kind
        self.accessSchedule = accessSchedule
        self.invoiceSchedule = invoiceSchedule
        self.applicableProductIds = applicableProductIds
        self.applicableProductTags = applicableProductTags
        self.applicableContractIds = applicableContractIds
        self.description = description
        self.name = name
        self.priority = priority
        self.productId = productId
        self.rateType = rateType
        self.rolloverFraction = rolloverFraction
        self.invoiceContractId = invoiceContractId
    }

    /// `terms` with this edit applied; `field` names the edit in errors. A commit without an
    /// invoice schedule gets one in its own credit type when items are added.
    package func applied(to terms: CommitTerms, field: String) throws(PricingRuleViolation) -> CommitTerms {
        var edited = terms
        if let childAccess {
            guard terms.contractId != nil else {
                throw PricingRuleViolation(message: "'\(field).hierarchy_configuration' applies to a contract's commits and credits only")
            }
            edited.childAccess = childAccess
        }
        if let accessSchedule {
            edited.accessSchedule = try accessSchedule.applied(toAccess: terms.accessSchedule, field: "\(field).access_schedule")
        }
        if let invoiceSchedule {
            guard terms.kind == .commit else {
                throw PricingRuleViolation(message: "'\(field).invoice_schedule': a credit has no invoice schedule")
            }
            var schedule = terms.invoiceSchedule ?? InvoiceScheduleTerms(creditTypeId: terms.creditTypeId, items: [], doNotInvoice: false)
            schedule.items = try invoiceSchedule.applied(toInvoice: schedule.items, field: "\(field).invoice_schedule")
            edited.invoiceSchedule = schedule
        }
        if let applicableProductIds { edited.applicableProductIds = applicableProductIds.value }
        if let applicableProductTags { edited.applicableProductTags = applicableProductTags.value }
        if let applicableContractIds { edited.applicableContractIds = applicableContractIds.value }
        if let description { edited.description = description }
        if let name { edited.name = name }
        if let priority { edited.priority = priority.value }
        if let productId { edited.productId = productId }
        if let rateType { edited.rateType = rateType }
        if let rolloverFraction {
            if let fraction = rolloverFraction.value, !(0...1).contains(fraction) {
                throw PricingRuleViolation(message: "'\(field).rollover_fraction' must be between 0 and 1")
            }
            edited.rolloverFraction = rolloverFraction.value
        }
        if let invoiceContractId { edited.invoiceContractId = invoiceContractId }
        if let specifiers { edited.specifiers = specifiers.value }
        if let netsuiteSalesOrderId { edited.netsuiteSalesOrderId = netsuiteSalesOrderId.value }
        if !(edited.specifiers ?? []).isEmpty, !(edited.applicableProductIds ?? []).isEmpty || !(edited.applicableProductTags ?? []).isEmpty {
            throw PricingRuleViolation(
                message: "'\(field).specifiers' cannot be used together with applicable_product_ids or applicable_product_tags: "
                    + "clear those (null) in the same edit, or give the products in the specifiers"
            )
        }
        return edited
    }
}

/// What an edit changes of one scheduled charge: its invoice schedule.
package struct ScheduledChargeEdit: Codable, Sendable, Equatable {
    package var id: String
    package var invoiceSchedule: ScheduleEdit?
    /// A new reference, or null to clear it.
    package var netsuiteSalesOrderId: NewValue<String>?

    enum CodingKeys: String, CodingKey {
        case id, invoiceSchedule = "invoice_schedule", netsuiteSalesOrderId = "netsuite_sales_order_id"
    }

    /// A value with each stored property given.
    package init(id: String, invoiceSchedule: ScheduleEdit? = nil, netsuiteSalesOrderId: NewValue<String>? = nil) {
        self.id = id
        self.invoiceSchedule = invoiceSchedule
        self.netsuiteSalesOrderId = netsuiteSalesOrderId
    }

    /// `charge` with this edit applied; `field` names the edit in errors.
    package func applied(to charge: ScheduledChargeTerms, field: String) throws(PricingRuleViolation) -> ScheduledChargeTerms {
        var edited = charge
        if let netsuiteSalesOrderId { edited.netsuiteSalesOrderId = netsuiteSalesOrderId.value }
        if let invoiceSchedule {
            edited.schedule.items = try invoiceSchedule.applied(toInvoice: charge.schedule.items, field: "\(field).invoice_schedule")
            guard !edited.schedule.items.isEmpty else {
                throw PricingRuleViolation(message: "'\(field).invoice_schedule' would leave the charge with no schedule items")
            }
        }
        return edited
    }
}
