import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// An item of `getEditHistory`: one edit (or v1 amendment) and what it did; what it added is
/// shown as it was added.
struct ContractEditWire: Encodable {
    var id: String
    var timestamp: Timestamp
    var uniquenessKey: String?
    var addCommits: [CommitWire]?
    var addCredits: [CommitWire]?
    var addOverrides: [OverrideWire]?
    var addScheduledCharges: [ScheduledChargeWire]?
    var addDiscounts: [ScheduledChargeWire]?
    var addSubscriptions: [SubscriptionWire]?
    var archiveCommits: [IDPayload]?
    var archiveCredits: [IDPayload]?
    var archiveScheduledCharges: [IDPayload]?
    var removeOverrides: [IDPayload]?
    var updateCommits: [CommitEditWire]?
    var updateCredits: [CommitEditWire]?
    var updateScheduledCharges: [ScheduledChargeEditWire]?
    var updateContractEndDate: Timestamp?
    var updateContractName: String?
    var addPrepaidBalanceThresholdConfiguration: PrepaidBalanceThresholdWire?
    var updatePrepaidBalanceThresholdConfiguration: ThresholdUpdate?
    var addSpendThresholdConfiguration: SpendThresholdWire?
    var updateSpendThresholdConfiguration: ThresholdUpdate?
    var addResellerRoyalties: [ResellerRoyaltyWire]?
    var addRecurringCommits: [RecurringCommitWire]?
    var addRecurringCredits: [RecurringCommitWire]?
    var addProServices: [ProServiceWire]?
    var updateRecurringCommits: [RecurringCommitUpdateWire]?
    var updateRecurringCredits: [RecurringCommitUpdateWire]?
    var updateSubscriptions: [SubscriptionUpdateWire]?

    enum CodingKeys: String, CodingKey {
        case id, timestamp, uniquenessKey = "uniqueness_key", addCommits = "add_commits", addCredits = "add_credits"
        case addOverrides = "add_overrides", addScheduledCharges = "add_scheduled_charges", addDiscounts = "add_discounts"
        case addSubscriptions = "add_subscriptions", archiveCommits = "archive_commits", archiveCredits = "archive_credits"
        case archiveScheduledCharges = "archive_scheduled_charges", removeOverrides = "remove_overrides"
        case updateCommits = "update_commits", updateCredits = "update_credits"
        case updateScheduledCharges = "update_scheduled_charges", updateContractEndDate = "update_contract_end_date"
        case updateContractName = "update_contract_name"
        case addPrepaidBalanceThresholdConfiguration = "add_prepaid_balance_threshold_configuration"
        case updatePrepaidBalanceThresholdConfiguration = "update_prepaid_balance_threshold_configuration"
        case addSpendThresholdConfiguration = "add_spend_threshold_configuration"
        case updateSpendThresholdConfiguration = "update_spend_threshold_configuration"
        case addResellerRoyalties = "add_reseller_royalties", addRecurringCommits = "add_recurring_commits"
        case addRecurringCredits = "add_recurring_credits", addProServices = "add_pro_services"
        case updateRecurringCommits = "update_recurring_commits", updateRecurringCredits = "update_recurring_credits"
        case updateSubscriptions = "update_subscriptions"
    }

    /// `edit` on the wire, its products and credit types named from `names`, subscriptions' billing
    /// periods counted from `anchor` as of `asOf`; lists it has nothing in are left out.
    init(_ edit: ContractEdit, names: CatalogNames, anchor: Timestamp, asOf: Timestamp) {
        func nonEmpty<T>(_ items: [T]) -> [T]? { items.isEmpty ? nil : items }
        id = edit.id
        timestamp = edit.timestamp
        uniquenessKey = edit.uniquenessKey
        addCommits = nonEmpty(edit.addCommits.map { CommitWire($0, names: names) })
        addCredits = nonEmpty(edit.addCredits.map { CommitWire($0, names: names) })
        addOverrides = nonEmpty(edit.addOverrides.map { OverrideWire($0, names: names) })
        addScheduledCharges = nonEmpty(edit.addScheduledCharges.map { ScheduledChargeWire($0, names: names) })
        addDiscounts = nonEmpty(edit.addDiscounts.map { ScheduledChargeWire($0, names: names) })
        addSubscriptions = nonEmpty(edit.addSubscriptions.map { SubscriptionWire($0, names: names, anchor: anchor, asOf: asOf) })
        archiveCommits = nonEmpty(edit.archiveCommits.map(IDPayload.init))
        archiveCredits = nonEmpty(edit.archiveCredits.map(IDPayload.init))
        archiveScheduledCharges = nonEmpty(edit.archiveScheduledCharges.map(IDPayload.init))
        removeOverrides = nonEmpty(edit.removeOverrides.map(IDPayload.init))
        updateCommits = nonEmpty(edit.updateCommits.filter { $0.kind == .commit }.map(CommitEditWire.init))
        updateCredits = nonEmpty(edit.updateCommits.filter { $0.kind == .credit }.map(CommitEditWire.init))
        updateScheduledCharges = nonEmpty(edit.updateScheduledCharges.map(ScheduledChargeEditWire.init))
        updateContractEndDate = edit.updateContractEndDate?.value
        updateContractName = edit.updateContractName?.value
        addPrepaidBalanceThresholdConfiguration = edit.addPrepaidBalanceThreshold.map(PrepaidBalanceThresholdWire.init)
        updatePrepaidBalanceThresholdConfiguration = edit.updatePrepaidBalanceThreshold
        addSpendThresholdConfiguration = edit.addSpendThreshold.map(SpendThresholdWire.init)
        updateSpendThresholdConfiguration = edit.updateSpendThreshold
        addResellerRoyalties = nonEmpty(edit.addResellerRoyalties.map(ResellerRoyaltyWire.init))
        addRecurringCommits = nonEmpty(edit.addRecurringCommits.filter { $0.kind == .commit }.map {
            RecurringCommitWire($0, contractId: edit.contractId, names: names)
        })
        addRecurringCredits = nonEmpty(edit.addRecurringCommits.filter { $0.kind == .credit }.map {
            RecurringCommitWire($0, contractId: edit.contractId, names: names)
        })
        addProServices = nonEmpty(edit.addProfessionalServices.map(ProServiceWire.init))
        updateRecurringCommits = nonEmpty(edit.updateRecurringCommits.filter { $0.kind == .commit }.map(RecurringCommitUpdateWire.init))
        updateRecurringCredits = nonEmpty(edit.updateRecurringCommits.filter { $0.kind == .credit }.map(RecurringCommitUpdateWire.init))
        updateSubscriptions = nonEmpty(edit.updateSubscriptions.map(SubscriptionUpdateWire.init))
    }
}

/// A schedule edit on the wire: items added, updated and removed.
struct ScheduleEditWire: Encodable {
    var addScheduleItems: [Item]?
    var updateScheduleItems: [Item]?
    var removeScheduleItems: [IDPayload]?

    /// An item added or changed, with the fields it gave.
    struct Item: Encodable {
        var id: String
        var amount: Decimal?
        var quantity: Decimal?
        var unitPrice: Decimal?
        var timestamp: Timestamp?
        var startingAt: Timestamp?
        var endingBefore: Timestamp?

        enum CodingKeys: String, CodingKey {
            case id, amount, quantity, unitPrice = "unit_price", timestamp, startingAt = "starting_at"
            case endingBefore = "ending_before"
        }

        /// `item` on the wire.
        init(_ item: ScheduleItemEdit) {
            id = item.id
            amount = item.amount
            quantity = item.quantity
            unitPrice = item.unitPrice
            timestamp = item.timestamp
            startingAt = item.startingAt
            endingBefore = item.endingBefore
        }
    }

    enum CodingKeys: String, CodingKey {
        case addScheduleItems = "add_schedule_items", updateScheduleItems = "update_schedule_items"
        case removeScheduleItems = "remove_schedule_items"
    }

    /// `edit` on the wire.
    init(_ edit: ScheduleEdit) {
        addScheduleItems = edit.add.isEmpty ? nil : edit.add.map(Item.init)
        updateScheduleItems = edit.update.isEmpty ? nil : edit.update.map(Item.init)
        removeScheduleItems = edit.remove.isEmpty ? nil : edit.remove.map(IDPayload.init)
    }
}

/// An item of an edit's `update_commits` or `update_credits`: the fields it changed.
struct CommitEditWire: Encodable {
    var id: String
    var accessSchedule: ScheduleEditWire?
    var invoiceSchedule: ScheduleEditWire?
    var applicableProductIds: [String]?
    var applicableProductTags: [String]?
    var description: String?
    var name: String?
    var priority: Decimal?
    var productId: String?
    var rateType: CommitRateType?
    var rolloverFraction: Decimal?
    var hierarchyConfiguration: CommitHierarchyConfigurationWire?
    var specifiers: [CommitSpecifierWire]?
    var netsuiteSalesOrderId: String?

    enum CodingKeys: String, CodingKey {
        case hierarchyConfiguration = "hierarchy_configuration", specifiers, netsuiteSalesOrderId = "netsuite_sales_order_id"
        case id, accessSchedule = "access_schedule", invoiceSchedule = "invoice_schedule"
        case applicableProductIds = "applicable_product_ids", applicableProductTags = "applicable_product_tags"
        case description, name, priority, productId = "product_id", rateType = "rate_type"
        case rolloverFraction = "rollover_fraction"
    }

    /// `edit` on the wire (a field it cleared is left out).
    init(_ edit: CommitEdit) {
        id = edit.id
        accessSchedule = edit.accessSchedule.map(ScheduleEditWire.init)
        invoiceSchedule = edit.invoiceSchedule.map(ScheduleEditWire.init)
        applicableProductIds = edit.applicableProductIds?.value
        applicableProductTags = edit.applicableProductTags?.value
        description = edit.description
        name = edit.name
        priority = edit.priority?.value
        productId = edit.productId
        rateType = edit.rateType
        rolloverFraction = edit.rolloverFraction?.value
        hierarchyConfiguration = edit.childAccess.map(CommitHierarchyConfigurationWire.init)
        specifiers = edit.specifiers?.value?.map(CommitSpecifierWire.init)
        netsuiteSalesOrderId = edit.netsuiteSalesOrderId?.value
    }
}

/// An item of an edit's `update_scheduled_charges`.
struct ScheduledChargeEditWire: Encodable {
    var id: String
    var invoiceSchedule: ScheduleEditWire?
    var netsuiteSalesOrderId: String?

    enum CodingKeys: String, CodingKey {
        case id, invoiceSchedule = "invoice_schedule", netsuiteSalesOrderId = "netsuite_sales_order_id"
    }

    /// `edit` on the wire.
    init(_ edit: ScheduledChargeEdit) {
        id = edit.id
        invoiceSchedule = edit.invoiceSchedule.map(ScheduleEditWire.init)
        netsuiteSalesOrderId = edit.netsuiteSalesOrderId?.value
    }
}

/// An item of an edit's `update_recurring_commits` or `update_recurring_credits` in the history.
struct RecurringCommitUpdateWire: Encodable {
    var id: String
    var accessAmount: RecurringCommitUpdate.AmountUpdate?
    var invoiceAmount: RecurringCommitUpdate.AmountUpdate?
    var endingBefore: Timestamp?
    var rateType: CommitRateType?

    enum CodingKeys: String, CodingKey {
        case id, accessAmount = "access_amount", invoiceAmount = "invoice_amount", endingBefore = "ending_before"
        case rateType = "rate_type"
    }

    init(_ update: RecurringCommitUpdate) {
        id = update.id
        accessAmount = update.accessAmount
        invoiceAmount = update.invoiceAmount
        endingBefore = update.endingBefore?.value
        rateType = update.rateType
    }
}

/// An item of an edit's `update_subscriptions` in the history.
struct SubscriptionUpdateWire: Encodable {
    var id: String
    var endingBefore: Timestamp?
    var name: String?
    var quantityUpdates: [SubscriptionQuantityChange]?
    var seatUpdates: SubscriptionSeatUpdates?

    enum CodingKeys: String, CodingKey {
        case id, endingBefore = "ending_before", name, quantityUpdates = "quantity_updates", seatUpdates = "seat_updates"
    }

    /// `update` on the wire.
    init(_ update: SubscriptionUpdate) {
        id = update.id
        endingBefore = update.endingBefore?.value
        name = update.name
        quantityUpdates = update.quantityUpdates.isEmpty ? nil : update.quantityUpdates
        // The history's shape has no place for `quantity_management_mode_update`.
        seatUpdates = update.seatUpdates
    }
}
