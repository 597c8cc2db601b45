import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

// MARK: - Fields refused inside items

/// Refusal of fields nested in a body's items, which `BodyWithFields.refuse` (top level only)
/// cannot see.
enum NestedFields {
    /// Throws a 400 for the first of `paths` given in an item of the array `items`, naming it
    /// `field[index].path`. A path goes through objects with `.`; a component ending in `[]`
    /// goes through every item of an array.
    static func refuse(_ paths: [String], inItemsOf items: JSONValue?, field: String) throws {
        guard case .array(let list)? = items else { return }
        for (index, item) in list.enumerated() {
            try refuse(paths, in: item, field: "\(field)[\(index)]")
        }
    }

    /// Throws a 400 for the first of `paths` that the object `value` gave, naming it `field.path`.
    static func refuse(_ paths: [String], in value: JSONValue?, field: String) throws {
        guard let value else { return }
        for path in paths where gave(value, path.split(separator: ".").map(String.init)) {
            throw APIError.unsupportedField("\(field).\(path.replacingOccurrences(of: "[]", with: ""))")
        }
    }

    /// Whether `value` gives `path` a value: not null, and not an empty array or object.
    private static func gave(_ value: JSONValue, _ path: [String]) -> Bool {
        guard case .object(let members) = value, let first = path.first else { return false }
        let key = first.hasSuffix("[]") ? String(first.dropLast(2)) : first
        guard let child = members[key] else { return false }
        let rest = Array(path.dropFirst())
        if first.hasSuffix("[]") {
            guard case .array(let items) = child else { return false }
            return items.contains { rest.isEmpty ? true : gave($0, rest) }
        }
        guard rest.isEmpty else { return gave(child, rest) }
        switch child {
        case .null: return false
        case .array(let items): return !items.isEmpty
        case .object(let members): return !members.isEmpty
        default: return true
        }
    }
}

// MARK: - Schedule and commit edits

/// `access_schedule` or `invoice_schedule` of a commit edit, or `invoice_schedule` of a
/// scheduled charge edit: items to add, update and remove.
struct ScheduleEditBody: Decodable {
    var addScheduleItems: [Item]?
    var updateScheduleItems: [Item]?
    var removeScheduleItems: [Removal]?

    /// An item to add (no `id`) or update (`id` required): an access segment's amount and range,
    /// or an invoice item's timestamp and amount or quantity and unit price.
    struct Item: Decodable {
        var id: String?
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
    }

    /// An item to remove.
    struct Removal: Decodable {
        var id: String
    }

    enum CodingKeys: String, CodingKey {
        case addScheduleItems = "add_schedule_items", updateScheduleItems = "update_schedule_items"
        case removeScheduleItems = "remove_schedule_items"
    }

    /// The edit, new items given new IDs; `field` names the schedule in errors.
    func edit(field: String) throws -> ScheduleEdit {
        ScheduleEdit(
            add: (addScheduleItems ?? []).map { item in
                ScheduleItemEdit(
                    id: UUID().uuidString.lowercased(), amount: item.amount, quantity: item.quantity, unitPrice: item.unitPrice,
                    timestamp: item.timestamp, startingAt: item.startingAt, endingBefore: item.endingBefore
                )
            },
            update: try (updateScheduleItems ?? []).enumerated().map { index, item in
                guard let id = item.id else {
                    throw APIError.badRequest("Missing required field '\(field).update_schedule_items[\(index)].id'")
                }
                return ScheduleItemEdit(
                    id: try Validate.id(id, field: "\(field).update_schedule_items[\(index)].id"), amount: item.amount,
                    quantity: item.quantity, unitPrice: item.unitPrice, timestamp: item.timestamp, startingAt: item.startingAt,
                    endingBefore: item.endingBefore
                )
            },
            remove: try (removeScheduleItems ?? []).enumerated().map { index, item in
                try Validate.id(item.id, field: "\(field).remove_schedule_items[\(index)].id")
            }
        )
    }
}

/// An item of `update_commits` or `update_credits`, or the body of `commits/edit` and
/// `credits/edit`: what to change of one commit or credit.
struct CommitEditBody: Decodable {
    var commitId: String?
    var creditId: String?
    var accessSchedule: ScheduleEditBody?
    var invoiceSchedule: ScheduleEditBody?
    var applicableProductIds: NewValue<[String]>?
    var applicableProductTags: NewValue<[String]>?
    var applicableContractIds: NewValue<[String]>?
    var description: String?
    var name: String?
    var priority: NewValue<Decimal>?
    var productId: String?
    var rateType: CommitRateType?
    var rolloverFraction: NewValue<Decimal>?
    var invoiceContractId: String?
    var hierarchyConfiguration: CommitHierarchyConfigurationWire?
    var specifiers: NewValue<[CommitSpecifierWire]>?
    var netsuiteSalesOrderId: NewValue<String>?

    enum CodingKeys: String, CodingKey {
        case specifiers, netsuiteSalesOrderId = "netsuite_sales_order_id"
        case commitId = "commit_id", creditId = "credit_id", accessSchedule = "access_schedule"
        case invoiceSchedule = "invoice_schedule", applicableProductIds = "applicable_product_ids"
        case applicableProductTags = "applicable_product_tags", applicableContractIds = "applicable_contract_ids"
        case description, name, priority, productId = "product_id", rateType = "rate_type"
        case rolloverFraction = "rollover_fraction", invoiceContractId = "invoice_contract_id"
        case hierarchyConfiguration = "hierarchy_configuration"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        commitId = try container.decodeIfPresent(String.self, forKey: .commitId)
        creditId = try container.decodeIfPresent(String.self, forKey: .creditId)
        accessSchedule = try container.decodeIfPresent(ScheduleEditBody.self, forKey: .accessSchedule)
        invoiceSchedule = try container.decodeIfPresent(ScheduleEditBody.self, forKey: .invoiceSchedule)
        applicableProductIds = try container.decodeNewValue([String].self, forKey: .applicableProductIds)
        applicableProductTags = try container.decodeNewValue([String].self, forKey: .applicableProductTags)
        applicableContractIds = try container.decodeNewValue([String].self, forKey: .applicableContractIds)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        priority = try container.decodeNewValue(Decimal.self, forKey: .priority)
        productId = try container.decodeIfPresent(String.self, forKey: .productId)
        rateType = try container.decodeIfPresent(CommitRateType.self, forKey: .rateType)
        rolloverFraction = try container.decodeNewValue(Decimal.self, forKey: .rolloverFraction)
        invoiceContractId = try container.decodeIfPresent(String.self, forKey: .invoiceContractId)
        hierarchyConfiguration = try container.decodeIfPresent(CommitHierarchyConfigurationWire.self, forKey: .hierarchyConfiguration)
        specifiers = try container.decodeNewValue([CommitSpecifierWire].self, forKey: .specifiers)
        netsuiteSalesOrderId = try container.decodeNewValue(String.self, forKey: .netsuiteSalesOrderId)
    }

    /// The edit of the commit (or credit) this names; `field` prefixes field names (e.g.
    /// `update_commits[0].`).
    func edit(kind: CommitKind, field: String = "") throws -> CommitEdit {
        let idField = kind == .commit ? "commit_id" : "credit_id"
        guard let id = kind == .commit ? commitId : creditId else {
            throw APIError.badRequest("Missing required field '\(field)\(idField)'")
        }
        if kind == .credit, invoiceSchedule != nil {
            throw APIError.badRequest("'\(field)invoice_schedule': a credit has no invoice schedule")
        }
        if let name { _ = try Validate.name(name, field: "\(field)name") }
        return CommitEdit(
            id: try Validate.id(id, field: "\(field)\(idField)"), kind: kind,
            accessSchedule: try accessSchedule?.edit(field: "\(field)access_schedule"),
            invoiceSchedule: try invoiceSchedule?.edit(field: "\(field)invoice_schedule"),
            applicableProductIds: try applicableProductIds.map { change in
                NewValue(try change.value?.map { try Validate.id($0, field: "\(field)applicable_product_ids") })
            },
            applicableProductTags: applicableProductTags,
            applicableContractIds: try applicableContractIds.map { change in
                NewValue(try change.value?.map { try Validate.id($0, field: "\(field)applicable_contract_ids") })
            },
            description: description, name: name, priority: priority,
            productId: try productId.map { try Validate.id($0, field: "\(field)product_id") }, rateType: rateType,
            rolloverFraction: rolloverFraction,
            invoiceContractId: try invoiceContractId.map { try Validate.id($0, field: "\(field)invoice_contract_id") },
            childAccess: try hierarchyConfiguration?.checked(field: "\(field)hierarchy_configuration").childAccess,
            specifiers: try specifiers.map { change in
                NewValue(try change.value.map { try CommitSpecifierWire.checked($0, field: "\(field)specifiers") })
            },
            netsuiteSalesOrderId: netsuiteSalesOrderId
        )
    }
}

/// The body of `commits/edit` and `credits/edit`: the commit's (or credit's) edit and its customer.
struct EditCommitRequest: Decodable {
    var customerId: String
    var change: CommitEditBody

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id"
    }

    init(from decoder: any Decoder) throws {
        customerId = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .customerId)
        change = try CommitEditBody(from: decoder)
    }
}

/// An item of `update_scheduled_charges`.
struct ScheduledChargeEditBody: Decodable {
    var scheduledChargeId: String
    var invoiceSchedule: ScheduleEditBody?
    var netsuiteSalesOrderId: NewValue<String>?

    enum CodingKeys: String, CodingKey {
        case scheduledChargeId = "scheduled_charge_id", invoiceSchedule = "invoice_schedule"
        case netsuiteSalesOrderId = "netsuite_sales_order_id"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scheduledChargeId = try container.decode(String.self, forKey: .scheduledChargeId)
        invoiceSchedule = try container.decodeIfPresent(ScheduleEditBody.self, forKey: .invoiceSchedule)
        netsuiteSalesOrderId = try container.decodeNewValue(String.self, forKey: .netsuiteSalesOrderId)
    }

    /// The edit; `field` prefixes field names.
    func edit(field: String) throws -> ScheduledChargeEdit {
        ScheduledChargeEdit(
            id: try Validate.id(scheduledChargeId, field: "\(field)scheduled_charge_id"),
            invoiceSchedule: try invoiceSchedule?.edit(field: "\(field)invoice_schedule"),
            netsuiteSalesOrderId: netsuiteSalesOrderId
        )
    }
}

/// `{"id": ...}`: an item of `archive_commits`, `archive_credits`, `archive_scheduled_charges`
/// and `remove_overrides`.
struct IDBody: Decodable {
    var id: String
}

// MARK: - Contract edits

/// The body of `POST /v2/contracts/edit`.
struct EditContractRequest: Decodable {
    var customerId: String
    var contractId: String
    var addCommits: [CommitBody]?
    var addCredits: [CommitBody]?
    var addOverrides: [OverrideBody]?
    var addScheduledCharges: [ScheduledChargeBody]?
    var addDiscounts: [ScheduledChargeBody]?
    var addSubscriptions: [SubscriptionBody]?
    var archiveCommits: [IDBody]?
    var archiveCredits: [IDBody]?
    var archiveScheduledCharges: [IDBody]?
    var removeOverrides: [IDBody]?
    var updateCommits: [CommitEditBody]?
    var updateCredits: [CommitEditBody]?
    var updateScheduledCharges: [ScheduledChargeEditBody]?
    var updateContractEndDate: NewValue<Timestamp>?
    var updateContractName: NewValue<String>?
    var updateNetPaymentTermsDays: NewValue<Decimal>?
    var allowContractEndingBeforeFinalizedInvoice: Bool?
    var uniquenessKey: String?
    var addPrepaidBalanceThresholdConfiguration: BodyWithFields<PrepaidBalanceThresholdBody>?
    var updatePrepaidBalanceThresholdConfiguration: BodyWithFields<ThresholdUpdateBody>?
    var addSpendThresholdConfiguration: BodyWithFields<SpendThresholdBody>?
    var updateSpendThresholdConfiguration: BodyWithFields<ThresholdUpdateBody>?
    var addResellerRoyalties: [ResellerRoyaltyBody]?
    var addSpendTrackers: [SpendTrackerBody]?
    var archiveSpendTrackers: [String]?
    var addRecurringCommits: [BodyWithFields<RecurringCommitBody>]?
    var addRecurringCredits: [BodyWithFields<RecurringCommitBody>]?
    var addProfessionalServices: [ProfessionalServiceBody]?
    var updateRecurringCommits: [RecurringCommitEditBody]?
    var updateRecurringCredits: [RecurringCommitEditBody]?
    var updateSubscriptions: [SubscriptionEditBody]?
    var addBillingProviderConfigurationUpdate: BillingProviderConfigurationUpdateBody?
    var addRevenueSystemConfigurationUpdate: RevenueSystemConfigurationUpdateBody?

    /// `schedule` of a configuration update: when the configuration takes effect.
    struct ConfigurationScheduleBody: Decodable {
        var effectiveAt: ConfigurationEffectiveAt

        enum CodingKeys: String, CodingKey {
            case effectiveAt = "effective_at"
        }
    }

    /// `add_billing_provider_configuration_update`.
    struct BillingProviderConfigurationUpdateBody: Decodable {
        var billingProviderConfiguration: CreateContractRequest.BillingProviderChoice
        var schedule: ConfigurationScheduleBody

        enum CodingKeys: String, CodingKey {
            case billingProviderConfiguration = "billing_provider_configuration", schedule
        }

        /// The update, its configuration checked to be named one way.
        func update() throws -> ConfigurationUpdate {
            let choice = try billingProviderConfiguration.choice(
                field: "add_billing_provider_configuration_update.billing_provider_configuration"
            )
            return ConfigurationUpdate(
                configurationId: choice.id, provider: choice.named?.provider, deliveryMethod: choice.named?.deliveryMethod,
                effectiveAt: schedule.effectiveAt
            )
        }
    }

    /// `add_revenue_system_configuration_update`.
    struct RevenueSystemConfigurationUpdateBody: Decodable {
        var revenueSystemConfiguration: CreateContractRequest.RevenueSystemChoice
        var schedule: ConfigurationScheduleBody

        enum CodingKeys: String, CodingKey {
            case revenueSystemConfiguration = "revenue_system_configuration", schedule
        }

        /// The update, its configuration checked to be named one way.
        func update() throws -> ConfigurationUpdate {
            let choice = try revenueSystemConfiguration.choice(
                field: "add_revenue_system_configuration_update.revenue_system_configuration"
            )
            return ConfigurationUpdate(
                configurationId: choice.id, provider: choice.named?.provider, deliveryMethod: choice.named?.deliveryMethod,
                effectiveAt: schedule.effectiveAt
            )
        }
    }

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", addCommits = "add_commits", addCredits = "add_credits"
        case addOverrides = "add_overrides", addScheduledCharges = "add_scheduled_charges", addDiscounts = "add_discounts"
        case addSubscriptions = "add_subscriptions", archiveCommits = "archive_commits", archiveCredits = "archive_credits"
        case archiveScheduledCharges = "archive_scheduled_charges", removeOverrides = "remove_overrides"
        case updateCommits = "update_commits", updateCredits = "update_credits"
        case updateScheduledCharges = "update_scheduled_charges", updateContractEndDate = "update_contract_end_date"
        case updateContractName = "update_contract_name", updateNetPaymentTermsDays = "update_net_payment_terms_days"
        case uniquenessKey = "uniqueness_key"
        case allowContractEndingBeforeFinalizedInvoice = "allow_contract_ending_before_finalized_invoice"
        case addPrepaidBalanceThresholdConfiguration = "add_prepaid_balance_threshold_configuration"
        case updatePrepaidBalanceThresholdConfiguration = "update_prepaid_balance_threshold_configuration"
        case addSpendThresholdConfiguration = "add_spend_threshold_configuration"
        case updateSpendThresholdConfiguration = "update_spend_threshold_configuration"
        case addResellerRoyalties = "add_reseller_royalties", addSpendTrackers = "add_spend_trackers"
        case archiveSpendTrackers = "archive_spend_trackers", addRecurringCommits = "add_recurring_commits"
        case addRecurringCredits = "add_recurring_credits", addProfessionalServices = "add_professional_services"
        case updateRecurringCommits = "update_recurring_commits", updateRecurringCredits = "update_recurring_credits"
        case updateSubscriptions = "update_subscriptions"
        case addBillingProviderConfigurationUpdate = "add_billing_provider_configuration_update"
        case addRevenueSystemConfigurationUpdate = "add_revenue_system_configuration_update"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        updateSubscriptions = try container.decodeIfPresent([SubscriptionEditBody].self, forKey: .updateSubscriptions)
        allowContractEndingBeforeFinalizedInvoice = try container.decodeIfPresent(
            Bool.self, forKey: .allowContractEndingBeforeFinalizedInvoice
        )
        customerId = try container.decode(String.self, forKey: .customerId)
        contractId = try container.decode(String.self, forKey: .contractId)
        addCommits = try container.decodeIfPresent([CommitBody].self, forKey: .addCommits)
        addCredits = try container.decodeIfPresent([CommitBody].self, forKey: .addCredits)
        addOverrides = try container.decodeIfPresent([OverrideBody].self, forKey: .addOverrides)
        addScheduledCharges = try container.decodeIfPresent([ScheduledChargeBody].self, forKey: .addScheduledCharges)
        addDiscounts = try container.decodeIfPresent([ScheduledChargeBody].self, forKey: .addDiscounts)
        addSubscriptions = try container.decodeIfPresent([SubscriptionBody].self, forKey: .addSubscriptions)
        archiveCommits = try container.decodeIfPresent([IDBody].self, forKey: .archiveCommits)
        archiveCredits = try container.decodeIfPresent([IDBody].self, forKey: .archiveCredits)
        archiveScheduledCharges = try container.decodeIfPresent([IDBody].self, forKey: .archiveScheduledCharges)
        removeOverrides = try container.decodeIfPresent([IDBody].self, forKey: .removeOverrides)
        updateCommits = try container.decodeIfPresent([CommitEditBody].self, forKey: .updateCommits)
        updateCredits = try container.decodeIfPresent([CommitEditBody].self, forKey: .updateCredits)
        updateScheduledCharges = try container.decodeIfPresent([ScheduledChargeEditBody].self, forKey: .updateScheduledCharges)
        updateContractEndDate = try container.decodeNewValue(Timestamp.self, forKey: .updateContractEndDate)
        updateContractName = try container.decodeNewValue(String.self, forKey: .updateContractName)
        updateNetPaymentTermsDays = try container.decodeNewValue(Decimal.self, forKey: .updateNetPaymentTermsDays)
        uniquenessKey = try container.decodeIfPresent(String.self, forKey: .uniquenessKey)
        addPrepaidBalanceThresholdConfiguration = try container.decodeIfPresent(
            BodyWithFields<PrepaidBalanceThresholdBody>.self, forKey: .addPrepaidBalanceThresholdConfiguration
        )
        updatePrepaidBalanceThresholdConfiguration = try container.decodeIfPresent(
            BodyWithFields<ThresholdUpdateBody>.self, forKey: .updatePrepaidBalanceThresholdConfiguration
        )
        addSpendThresholdConfiguration = try container.decodeIfPresent(
            BodyWithFields<SpendThresholdBody>.self, forKey: .addSpendThresholdConfiguration
        )
        updateSpendThresholdConfiguration = try container.decodeIfPresent(
            BodyWithFields<ThresholdUpdateBody>.self, forKey: .updateSpendThresholdConfiguration
        )
        addResellerRoyalties = try container.decodeIfPresent([ResellerRoyaltyBody].self, forKey: .addResellerRoyalties)
        addSpendTrackers = try container.decodeIfPresent([SpendTrackerBody].self, forKey: .addSpendTrackers)
        archiveSpendTrackers = try container.decodeIfPresent([String].self, forKey: .archiveSpendTrackers)
        addRecurringCommits = try container.decodeIfPresent([BodyWithFields<RecurringCommitBody>].self, forKey: .addRecurringCommits)
        addRecurringCredits = try container.decodeIfPresent([BodyWithFields<RecurringCommitBody>].self, forKey: .addRecurringCredits)
        addProfessionalServices = try container.decodeIfPresent([ProfessionalServiceBody].self, forKey: .addProfessionalServices)
        updateRecurringCommits = try container.decodeIfPresent([RecurringCommitEditBody].self, forKey: .updateRecurringCommits)
        updateRecurringCredits = try container.decodeIfPresent([RecurringCommitEditBody].self, forKey: .updateRecurringCredits)
        addBillingProviderConfigurationUpdate = try container.decodeIfPresent(
            BillingProviderConfigurationUpdateBody.self, forKey: .addBillingProviderConfigurationUpdate
        )
        addRevenueSystemConfigurationUpdate = try container.decodeIfPresent(
            RevenueSystemConfigurationUpdateBody.self, forKey: .addRevenueSystemConfigurationUpdate
        )
    }

    /// The edit, checked field by field, with new IDs, made at `now`, of a contract over
    /// `[contractStart, contractEnd)` (what added subscriptions default to; nil when none are).
    func edit(
        now: Timestamp, contractStart: Timestamp? = nil, contractEnd: Timestamp? = nil, statementAnchor: Timestamp? = nil
    ) throws -> ContractEdit {
        let customerId = try Validate.id(customerId, field: "customer_id")
        let contractId = try Validate.id(contractId, field: "contract_id")
        if let key = uniquenessKey {
            try Validate.length(key, field: "uniqueness_key", Limits.identifierLength)
        }
        if let days = updateNetPaymentTermsDays?.value, days < 0 {
            throw APIError.badRequest("'update_net_payment_terms_days' must be >= 0")
        }
        let name = try updateContractName.map { change in
            NewValue(try change.value.map { try Validate.name($0, field: "update_contract_name") })
        }
        func recurring(_ items: [BodyWithFields<RecurringCommitBody>]?, kind: CommitKind, list: String) throws -> [RecurringCommitTerms] {
            try (items ?? []).enumerated().map { index, item in
                guard let statementAnchor else { throw APIError.badRequest("'\(list)' needs the contract's statement anchor") }
                return try item.terms(kind: kind, field: "\(list)[\(index)].", statementAnchor: statementAnchor)
            }
        }
        func ids(_ items: [IDBody]?, _ field: String) throws -> [String] {
            try (items ?? []).enumerated().map { index, item in try Validate.id(item.id, field: "\(field)[\(index)].id") }
        }
        var edit = ContractEdit(
            id: UUID().uuidString.lowercased(), kind: .edit, customerId: customerId, contractId: contractId, timestamp: now,
            uniquenessKey: uniquenessKey,
            addCommits: try (addCommits ?? []).enumerated().map { index, commit in
                try commit.terms(kind: .commit, customerId: customerId, contractId: contractId, now: now, field: "add_commits[\(index)].")
            },
            addCredits: try (addCredits ?? []).enumerated().map { index, credit in
                try credit.terms(kind: .credit, customerId: customerId, contractId: contractId, now: now, field: "add_credits[\(index)].")
            },
            addOverrides: try (addOverrides ?? []).enumerated().map { index, override in
                try override.terms(field: "add_overrides[\(index)]", now: now)
            },
            addScheduledCharges: try (addScheduledCharges ?? []).enumerated().map { index, charge in
                try charge.terms(field: "add_scheduled_charges[\(index)]")
            },
            addDiscounts: try (addDiscounts ?? []).enumerated().map { index, discount in
                try discount.terms(field: "add_discounts[\(index)]")
            },
            addSubscriptions: try (addSubscriptions ?? []).enumerated().map { index, subscription in
                guard let contractStart else { throw APIError.badRequest("'add_subscriptions' needs the contract's start") }
                return try subscription.terms(
                    field: "add_subscriptions[\(index)]", contractStart: contractStart,
                    contractEnd: updateContractEndDate.map(\.value) ?? contractEnd, now: now
                )
            },
            archiveCommits: try ids(archiveCommits, "archive_commits"), archiveCredits: try ids(archiveCredits, "archive_credits"),
            archiveScheduledCharges: try ids(archiveScheduledCharges, "archive_scheduled_charges"),
            removeOverrides: try ids(removeOverrides, "remove_overrides"),
            updateCommits: try (updateCommits ?? []).enumerated().map { index, change in
                try change.edit(kind: .commit, field: "update_commits[\(index)].")
            } + (updateCredits ?? []).enumerated().map { index, change in
                try change.edit(kind: .credit, field: "update_credits[\(index)].")
            },
            updateScheduledCharges: try (updateScheduledCharges ?? []).enumerated().map { index, change in
                try change.edit(field: "update_scheduled_charges[\(index)].")
            },
            updateContractEndDate: updateContractEndDate, updateContractName: name,
            updateNetPaymentTermsDays: updateNetPaymentTermsDays,
            addPrepaidBalanceThreshold: try addPrepaidBalanceThresholdConfiguration?.terms(
                field: "add_prepaid_balance_threshold_configuration."
            ),
            updatePrepaidBalanceThreshold: try updatePrepaidBalanceThresholdConfiguration?.update(
                field: "update_prepaid_balance_threshold_configuration.", takesRechargeTo: true
            ),
            addSpendThreshold: try addSpendThresholdConfiguration?.terms(field: "add_spend_threshold_configuration."),
            updateSpendThreshold: try updateSpendThresholdConfiguration?.update(
                field: "update_spend_threshold_configuration.", takesRechargeTo: false
            ),
            addResellerRoyalties: try (addResellerRoyalties ?? []).enumerated().map { index, royalty in
                try royalty.terms(field: "add_reseller_royalties[\(index)]")
            },
            addSpendTrackers: try SpendTrackerBody.terms(addSpendTrackers ?? [], field: "add_spend_trackers"),
            archiveSpendTrackers: archiveSpendTrackers ?? [],
            addRecurringCommits: try recurring(addRecurringCommits, kind: .commit, list: "add_recurring_commits")
                + recurring(addRecurringCredits, kind: .credit, list: "add_recurring_credits"),
            addProfessionalServices: try (addProfessionalServices ?? []).enumerated().map { index, service in
                try service.terms(field: "add_professional_services[\(index)]")
            },
            updateRecurringCommits: try (updateRecurringCommits ?? []).enumerated().map { index, change in
                try change.update(kind: .commit, field: "update_recurring_commits[\(index)].")
            } + (updateRecurringCredits ?? []).enumerated().map { index, change in
                try change.update(kind: .credit, field: "update_recurring_credits[\(index)].")
            },
            updateSubscriptions: try (updateSubscriptions ?? []).enumerated().map { index, change in
                try change.update(field: "update_subscriptions[\(index)]")
            },
            addBillingProviderConfigurationUpdate: try addBillingProviderConfigurationUpdate?.update(),
            addRevenueSystemConfigurationUpdate: try addRevenueSystemConfigurationUpdate?.update(),
            allowEndingBeforeFinalizedInvoice: allowContractEndingBeforeFinalizedInvoice ?? true
        )
        edit.addRecurringCommits = try RecurringCommitBody.resolvingSubscriptions(
            edit.addRecurringCommits, subscriptions: addSubscriptions, made: edit.addSubscriptions.map(\.id), list: "add_subscriptions"
        )
        let recurringCommits = edit.addRecurringCommits.filter { $0.kind == .commit }.map(\.id)
        let recurringCredits = edit.addRecurringCommits.filter { $0.kind == .credit }.map(\.id)
        edit.addOverrides = try TemporaryIds(
            TemporaryIds.items(addCommits, edit.addCommits.map(\.id), temporaryId: \.temporaryId, list: "add_commits")
                + TemporaryIds.items(addCredits, edit.addCredits.map(\.id), temporaryId: \.temporaryId, list: "add_credits")
                + TemporaryIds.items(addRecurringCommits, recurringCommits, temporaryId: \.value.temporaryId, list: "add_recurring_commits")
                + TemporaryIds.items(addRecurringCredits, recurringCredits, temporaryId: \.value.temporaryId, list: "add_recurring_credits")
        ).resolving(edit.addOverrides)
        return edit
    }
}

/// An item of `update_subscriptions`.
struct SubscriptionEditBody: Decodable {
    var subscriptionId: String
    var endingBefore: NewValue<Timestamp>?
    var name: String?
    var quantityUpdates: [QuantityUpdate]?
    var quantityManagementModeUpdate: ModeUpdate?
    var seatUpdates: SubscriptionSeatUpdates?
    /// A rounding to set, or null to round no more.
    var prorationRounding: NewValue<ProrationRounding>?

    /// `quantity_management_mode_update`.
    struct ModeUpdate: Decodable {
        var quantityManagementMode: String
        var seatConfig: SeatConfig

        /// `seat_config`.
        struct SeatConfig: Decodable {
            var seatGroupKey: String

            enum CodingKeys: String, CodingKey {
                case seatGroupKey = "seat_group_key"
            }
        }

        enum CodingKeys: String, CodingKey {
            case quantityManagementMode = "quantity_management_mode", seatConfig = "seat_config"
        }
    }

    /// An item of `quantity_updates`.
    struct QuantityUpdate: Decodable {
        var startingAt: Timestamp
        var quantity: Decimal?
        var quantityDelta: Decimal?

        enum CodingKeys: String, CodingKey {
            case startingAt = "starting_at", quantity, quantityDelta = "quantity_delta"
        }
    }

    enum CodingKeys: String, CodingKey {
        case subscriptionId = "subscription_id", endingBefore = "ending_before", name, quantityUpdates = "quantity_updates"
        case quantityManagementModeUpdate = "quantity_management_mode_update", seatUpdates = "seat_updates"
        case prorationRounding = "proration_rounding"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        subscriptionId = try container.decode(String.self, forKey: .subscriptionId)
        endingBefore = try container.decodeNewValue(Timestamp.self, forKey: .endingBefore)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        quantityUpdates = try container.decodeIfPresent([QuantityUpdate].self, forKey: .quantityUpdates)
        quantityManagementModeUpdate = try container.decodeIfPresent(ModeUpdate.self, forKey: .quantityManagementModeUpdate)
        seatUpdates = try container.decodeIfPresent(SubscriptionSeatUpdates.self, forKey: .seatUpdates)
        prorationRounding = try container.decodeNewValue(ProrationRounding.self, forKey: .prorationRounding)
    }

    /// The update, checked; `field` names the item in errors.
    func update(field: String) throws -> SubscriptionUpdate {
        if let name { _ = try Validate.name(name, field: "\(field).name") }
        return SubscriptionUpdate(
            id: try Validate.id(subscriptionId, field: "\(field).subscription_id"), endingBefore: endingBefore, name: name,
            quantityUpdates: try (quantityUpdates ?? []).enumerated().map { index, update in
                let item = "\(field).quantity_updates[\(index)]"
                switch (update.quantity, update.quantityDelta) {
                case (nil, nil), (_?, _?):
                    throw APIError.badRequest("'\(item)' needs exactly one of 'quantity' and 'quantity_delta'")
                case (let quantity?, nil) where quantity < 0:
                    throw APIError.badRequest("'\(item).quantity' must be >= 0")
                case (nil, let delta?) where delta == 0:
                    throw APIError.badRequest("'\(item).quantity_delta' must not be 0")
                default:
                    return SubscriptionQuantityChange(
                        startingAt: update.startingAt, quantity: update.quantity, quantityDelta: update.quantityDelta
                    )
                }
            },
            quantityManagementModeUpdate: try quantityManagementModeUpdate.map { update in
                let item = "\(field).quantity_management_mode_update"
                guard update.quantityManagementMode == "SEAT_BASED" else {
                    throw APIError.badRequest("'\(item).quantity_management_mode' must be SEAT_BASED")
                }
                guard !update.seatConfig.seatGroupKey.isEmpty else {
                    throw APIError.badRequest("'\(item).seat_config.seat_group_key' must not be empty")
                }
                return .init(seatGroupKey: update.seatConfig.seatGroupKey)
            },
            seatUpdates: try seatUpdates.map { try Self.checked($0, field: "\(field).seat_updates") }.flatMap { $0.isEmpty ? nil : $0 },
            prorationRounding: prorationRounding
        )
    }

    /// `updates` if each item is well formed: seat IDs given, non-empty and not repeated within
    /// an item; quantities whole numbers above 0.
    private static func checked(_ updates: SubscriptionSeatUpdates, field: String) throws -> SubscriptionSeatUpdates {
        for (list, items) in [("add_seat_ids", updates.addSeatIds), ("remove_seat_ids", updates.removeSeatIds)] {
            for (index, item) in items.enumerated() {
                let name = "\(field).\(list)[\(index)].seat_ids"
                guard !item.seatIds.isEmpty else { throw APIError.badRequest("'\(name)' must not be empty") }
                guard item.seatIds.allSatisfy({ !$0.isEmpty }) else { throw APIError.badRequest("'\(name)' must not hold an empty ID") }
                guard Set(item.seatIds).count == item.seatIds.count else {
                    throw APIError.badRequest("'\(name)' must not repeat an ID")
                }
            }
        }
        for (list, items) in [("add_unassigned_seats", updates.addUnassignedSeats), ("remove_unassigned_seats", updates.removeUnassignedSeats)] {
            for (index, item) in items.enumerated() where item.quantity <= 0 || item.quantity != item.quantity.rounded(toPlaces: 0) {
                throw APIError.badRequest("'\(field).\(list)[\(index)].quantity' must be a whole number of seats greater than 0")
            }
        }
        return updates
    }
}

/// An item of `update_recurring_commits` or `update_recurring_credits`.
struct RecurringCommitEditBody: Decodable {
    var id: String
    var accessAmount: RecurringCommitUpdate.AmountUpdate?
    var invoiceAmount: RecurringCommitUpdate.AmountUpdate?
    var endingBefore: NewValue<Timestamp>?
    var rateType: CommitRateType?
    var prorationRounding: NewValue<RecurringCommitTerms.Rounding>?

    enum CodingKeys: String, CodingKey {
        case recurringCommitId = "recurring_commit_id", recurringCreditId = "recurring_credit_id"
        case accessAmount = "access_amount", invoiceAmount = "invoice_amount", endingBefore = "ending_before"
        case rateType = "rate_type", prorationRounding = "proration_rounding"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .recurringCommitId)
            ?? container.decode(String.self, forKey: .recurringCreditId)
        accessAmount = try container.decodeIfPresent(RecurringCommitUpdate.AmountUpdate.self, forKey: .accessAmount)
        invoiceAmount = try container.decodeIfPresent(RecurringCommitUpdate.AmountUpdate.self, forKey: .invoiceAmount)
        endingBefore = try container.decodeNewValue(Timestamp.self, forKey: .endingBefore)
        rateType = try container.decodeIfPresent(CommitRateType.self, forKey: .rateType)
        prorationRounding = try container.decodeNewValue(RecurringCommitTerms.Rounding.self, forKey: .prorationRounding)
    }

    /// The change, checked; `field` prefixes field names. A credit has no invoice amount.
    func update(kind: CommitKind, field: String) throws -> RecurringCommitUpdate {
        if kind == .credit, invoiceAmount != nil { throw APIError.badRequest("'\(field)invoice_amount': a credit has no invoice amount") }
        return RecurringCommitUpdate(
            id: try Validate.id(id, field: "\(field)\(kind == .credit ? "recurring_credit_id" : "recurring_commit_id")"), kind: kind,
            accessAmount: accessAmount, invoiceAmount: invoiceAmount, endingBefore: endingBefore, rateType: rateType,
            prorationRounding: prorationRounding
        )
    }
}

/// The body of `POST /v1/contracts/amend`: what an amendment adds, from `starting_at`.
struct AmendContractRequest: Decodable {
    var customerId: String
    var contractId: String
    var startingAt: Timestamp
    var commits: [CommitBody]?
    var credits: [CommitBody]?
    var overrides: [OverrideBody]?
    var scheduledCharges: [ScheduledChargeBody]?
    var discounts: [ScheduledChargeBody]?
    var professionalServices: [ProfessionalServiceBody]?
    var resellerRoyalties: [ResellerRoyaltyBody]?
    var netsuiteSalesOrderId: String?
    var salesforceOpportunityId: String?
    var customFields: [String: String]?
    var totalContractValue: Decimal?

    enum CodingKeys: String, CodingKey {
        case customFields = "custom_fields", totalContractValue = "total_contract_value"
        case customerId = "customer_id", contractId = "contract_id", startingAt = "starting_at", commits, credits, overrides
        case scheduledCharges = "scheduled_charges", discounts, professionalServices = "professional_services"
        case resellerRoyalties = "reseller_royalties", netsuiteSalesOrderId = "netsuite_sales_order_id"
        case salesforceOpportunityId = "salesforce_opportunity_id"
    }

    /// The amendment, checked field by field, with new IDs, made at `now`.
    func amendment(now: Timestamp) throws -> ContractEdit {
        let customerId = try Validate.id(customerId, field: "customer_id")
        let contractId = try Validate.id(contractId, field: "contract_id")
        var amendment = ContractEdit(
            id: UUID().uuidString.lowercased(), kind: .amendment, customerId: customerId, contractId: contractId, timestamp: now,
            startingAt: startingAt,
            addCommits: try (commits ?? []).enumerated().map { index, commit in
                try commit.terms(kind: .commit, customerId: customerId, contractId: contractId, now: now, field: "commits[\(index)].")
            },
            addCredits: try (credits ?? []).enumerated().map { index, credit in
                try credit.terms(kind: .credit, customerId: customerId, contractId: contractId, now: now, field: "credits[\(index)].")
            },
            addOverrides: try (overrides ?? []).enumerated().map { index, override in
                try override.terms(field: "overrides[\(index)]", now: now)
            },
            addScheduledCharges: try (scheduledCharges ?? []).enumerated().map { index, charge in
                try charge.terms(field: "scheduled_charges[\(index)]")
            },
            addDiscounts: try (discounts ?? []).enumerated().map { index, discount in
                try discount.terms(field: "discounts[\(index)]")
            },
            addResellerRoyalties: try (resellerRoyalties ?? []).enumerated().map { index, royalty in
                try royalty.terms(field: "reseller_royalties[\(index)]")
            },
            addProfessionalServices: try (professionalServices ?? []).enumerated().map { index, service in
                try service.terms(field: "professional_services[\(index)]")
            }
        )
        if netsuiteSalesOrderId != nil || salesforceOpportunityId != nil || totalContractValue != nil {
            amendment.salesReferences = .init(
                totalContractValue: totalContractValue, salesforceOpportunityId: salesforceOpportunityId,
                netsuiteSalesOrderId: netsuiteSalesOrderId
            )
        }
        amendment.customFields = customFields
        amendment.addOverrides = try TemporaryIds(
            TemporaryIds.items(commits, amendment.addCommits.map(\.id), temporaryId: \.temporaryId, list: "commits")
                + TemporaryIds.items(credits, amendment.addCredits.map(\.id), temporaryId: \.temporaryId, list: "credits")
        ).resolving(amendment.addOverrides)
        return amendment
    }
}
