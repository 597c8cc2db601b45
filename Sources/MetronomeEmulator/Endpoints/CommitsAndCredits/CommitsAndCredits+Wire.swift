import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

// MARK: - Specifiers, both ways

/// A `specifiers` item of a commit or credit, or an `override_specifiers` item of an override.
struct CommitSpecifierWire: Codable, Equatable {
    var productId: String?
    var productTags: [String]?
    var pricingGroupValues: [String: String]?
    var presentationGroupValues: [String: String]?

    enum CodingKeys: String, CodingKey {
        case productId = "product_id", productTags = "product_tags", pricingGroupValues = "pricing_group_values"
        case presentationGroupValues = "presentation_group_values"
    }

    /// `specifier` on the wire.
    init(_ specifier: CommitSpecifier) {
        productId = specifier.productId
        productTags = specifier.productTags
        pricingGroupValues = specifier.pricingGroupValues
        presentationGroupValues = specifier.presentationGroupValues
    }

    /// The specifiers `list` gives, each product ID checked; `field` names the list in messages.
    static func checked(_ list: [CommitSpecifierWire], field: String) throws -> [CommitSpecifier] {
        try list.enumerated().map { index, wire in
            var checked = wire.specifier
            checked.productId = try wire.productId.map { try Validate.id($0, field: "\(field)[\(index)].product_id") }
            return checked
        }
    }

    /// The specifier this describes.
    var specifier: CommitSpecifier {
        CommitSpecifier(
            productId: productId, productTags: productTags, pricingGroupValues: pricingGroupValues,
            presentationGroupValues: presentationGroupValues
        )
    }
}

// MARK: - Schedule requests

/// `access_schedule` of a commit or credit.
struct AccessScheduleBody: Decodable {
    var scheduleItems: [Item]
    var creditTypeId: String?
    var accessType: BalanceAccessType?

    /// One segment of access.
    struct Item: Decodable {
        var amount: Decimal
        var startingAt: Timestamp
        var endingBefore: Timestamp

        enum CodingKeys: String, CodingKey {
            case amount, startingAt = "starting_at", endingBefore = "ending_before"
        }
    }

    enum CodingKeys: String, CodingKey {
        case scheduleItems = "schedule_items", creditTypeId = "credit_type_id", accessType = "access_type"
    }
}

/// A point-in-time schedule: `invoice_schedule` of a commit, `schedule` of a scheduled charge
/// or discount. Items and a recurring schedule may both be given; they add up.
struct InvoiceScheduleBody: Decodable {
    var creditTypeId: String?
    var doNotInvoice: Bool?
    var scheduleItems: [Item]?
    var recurringSchedule: Recurring?

    /// One invoice: an amount, or a quantity and a unit price.
    struct Item: Decodable {
        var timestamp: Timestamp
        var amount: Decimal?
        var quantity: Decimal?
        var unitPrice: Decimal?

        enum CodingKeys: String, CodingKey {
            case timestamp, amount, quantity, unitPrice = "unit_price"
        }
    }

    /// Invoices every `frequency` over `[starting_at, ending_before)`.
    struct Recurring: Decodable {
        var amountDistribution: ContractRules.AmountDistribution
        var frequency: ContractRules.RecurrenceFrequency
        var startingAt: Timestamp
        var endingBefore: Timestamp
        var amount: Decimal?
        var quantity: Decimal?
        var unitPrice: Decimal?

        enum CodingKeys: String, CodingKey {
            case amountDistribution = "amount_distribution", frequency, startingAt = "starting_at"
            case endingBefore = "ending_before", amount, quantity, unitPrice = "unit_price"
        }
    }

    enum CodingKeys: String, CodingKey {
        case creditTypeId = "credit_type_id", doNotInvoice = "do_not_invoice", scheduleItems = "schedule_items"
        case recurringSchedule = "recurring_schedule"
    }

    /// The schedule with an ID for each item, in time order; `field` names it in errors.
    func terms(field: String) throws -> InvoiceScheduleTerms {
        let creditTypeId = try Validate.id(creditTypeId ?? CreditTypes.usdCentsId, field: "\(field).credit_type_id")
        do throws(PricingRuleViolation) {
            var items = try (scheduleItems ?? []).enumerated().map { index, item throws(PricingRuleViolation) in
                try ContractRules.invoiceItem(
                    id: UUID().uuidString.lowercased(), timestamp: item.timestamp, amount: item.amount, quantity: item.quantity,
                    unitPrice: item.unitPrice, field: "\(field).schedule_items[\(index)]"
                )
            }
            if let recurring = recurringSchedule {
                items += try ContractRules.recurringItems(
                    startingAt: recurring.startingAt, endingBefore: recurring.endingBefore, frequency: recurring.frequency,
                    distribution: recurring.amountDistribution, amount: recurring.amount, quantity: recurring.quantity,
                    unitPrice: recurring.unitPrice, field: "\(field).recurring_schedule",
                    makeId: { UUID().uuidString.lowercased() }
                )
            }
            guard !items.isEmpty else {
                throw PricingRuleViolation(message: "'\(field)' needs 'schedule_items' or 'recurring_schedule'")
            }
            return InvoiceScheduleTerms(
                creditTypeId: creditTypeId, items: items.sorted { $0.timestamp < $1.timestamp }, doNotInvoice: doNotInvoice ?? false
            )
        } catch {
            throw APIError.badRequest(error.message)
        }
    }
}

// MARK: - Commit and credit requests

/// A commit or credit: an item of a contract's `commits` or `credits`, or the body of
/// `customerCommits/create` and `customerCredits/create` (which add `customer_id`).
struct CommitBody: Decodable {
    var productId: String
    var type: CommitType?
    var accessSchedule: AccessScheduleBody?
    var invoiceSchedule: InvoiceScheduleBody?
    var name: String?
    var description: String?
    var priority: Decimal?
    var applicableProductIds: [String]?
    var applicableProductTags: [String]?
    var applicableContractIds: [String]?
    var specifiers: [CommitSpecifierWire]?
    var rateType: CommitRateType?
    var rolloverFraction: Decimal?
    var invoiceContractId: String?
    var uniquenessKey: String?
    var customFields: [String: String]?
    /// What commit-specific overrides of the same request may name the commit by.
    var temporaryId: String?
    var netsuiteSalesOrderId: String?
    var salesforceOpportunityId: String?
    var spendTrackerAttributes: SpendTrackerAttributesWire?
    /// Only NONE is taken: the emulator collects no payments.
    var paymentGateConfig: BodyWithFields<PaymentGateConfigBody>?
    var hierarchyConfiguration: CommitHierarchyConfigurationWire?
    /// Deprecated in favour of `access_schedule`; taken when it agrees with it.
    var amount: Decimal?

    enum CodingKeys: String, CodingKey {
        case hierarchyConfiguration = "hierarchy_configuration", amount
        case productId = "product_id", type, accessSchedule = "access_schedule", invoiceSchedule = "invoice_schedule", name
        case description, priority, applicableProductIds = "applicable_product_ids"
        case applicableProductTags = "applicable_product_tags", applicableContractIds = "applicable_contract_ids"
        case specifiers, rateType = "rate_type", rolloverFraction = "rollover_fraction"
        case invoiceContractId = "invoice_contract_id", uniquenessKey = "uniqueness_key", customFields = "custom_fields"
        case temporaryId = "temporary_id", netsuiteSalesOrderId = "netsuite_sales_order_id"
        case salesforceOpportunityId = "salesforce_opportunity_id", spendTrackerAttributes = "spend_tracker_attributes"
        case paymentGateConfig = "payment_gate_config"
    }

    /// The commit or credit, with new IDs, checked field by field; `field` prefixes field names
    /// (e.g. `commits[0].`).
    func terms(
        kind: CommitKind, customerId: String, contractId: String?, now: Timestamp, field: String = ""
    ) throws -> CommitTerms {
        if kind == .commit, type == nil {
            throw APIError.badRequest("Missing required field '\(field)type'")
        }
        try paymentGateConfig?.checkUngated(field: "\(field)payment_gate_config.")
        guard let accessSchedule else {
            throw APIError.badRequest("Missing required field '\(field)access_schedule'")
        }
        let segments = accessSchedule.scheduleItems.map { item in
            AccessSegment(id: UUID().uuidString.lowercased(), amount: item.amount, startingAt: item.startingAt, endingBefore: item.endingBefore)
        }
        do throws(PricingRuleViolation) {
            try ContractRules.checkAccess(segments, field: "\(field)access_schedule")
        } catch {
            throw APIError.badRequest(error.message)
        }
        if let amount {
            guard kind == .commit else { throw APIError.unsupportedField("\(field)amount") }
            let total = segments.reduce(Decimal(0)) { $0 + $1.amount }
            guard amount == total else {
                throw APIError.badRequest(
                    "'\(field)amount' (deprecated) must equal the total of its access_schedule (\(total)), or be left out"
                )
            }
        }
        if let key = uniquenessKey {
            try Validate.length(key, field: "\(field)uniqueness_key", Limits.identifierLength)
        }
        if let fraction = rolloverFraction, !(0...1).contains(fraction) {
            throw APIError.badRequest("'\(field)rollover_fraction' must be between 0 and 1")
        }
        let invoice = kind == .commit ? try invoiceSchedule?.terms(field: "\(field)invoice_schedule") : nil
        let accessType = accessSchedule.accessType ?? .spend
        if accessType == .quantity, kind == .commit, type == .postpaid {
            throw APIError.badRequest(
                "'\(field)access_schedule.access_type' QUANTITY is for PREPAID commits and credits: a POSTPAID commit's "
                    + "true-up is an amount, not units"
            )
        }
        if hierarchyConfiguration != nil, contractId == nil {
            throw APIError.badRequest("'\(field)hierarchy_configuration' applies to a contract's commits and credits only")
        }
        return CommitTerms(
            id: UUID().uuidString.lowercased(), kind: kind, type: kind == .commit ? type : nil, customerId: customerId,
            contractId: contractId, productId: try Validate.id(productId, field: "\(field)product_id"),
            name: try name.map { try Validate.name($0, field: "\(field)name") }, description: description, priority: priority,
            creditTypeId: try Validate.id(
                accessSchedule.creditTypeId ?? CreditTypes.usdCentsId, field: "\(field)access_schedule.credit_type_id"
            ),
            accessSchedule: segments, invoiceSchedule: invoice,
            applicableProductIds: try applicableProductIds.map { ids in
                try ids.map { try Validate.id($0, field: "\(field)applicable_product_ids") }
            },
            applicableProductTags: applicableProductTags,
            applicableContractIds: try applicableContractIds.map { ids in
                try ids.map { try Validate.id($0, field: "\(field)applicable_contract_ids") }
            },
            specifiers: try specifiers.map { try CommitSpecifierWire.checked($0, field: "\(field)specifiers") },
            rateType: rateType, rolloverFraction: rolloverFraction,
            invoiceContractId: try invoiceContractId.map { try Validate.id($0, field: "\(field)invoice_contract_id") },
            uniquenessKey: uniquenessKey, customFields: customFields ?? [:], createdAt: now,
            netsuiteSalesOrderId: netsuiteSalesOrderId, salesforceOpportunityId: salesforceOpportunityId,
            countsAsDiscounted: spendTrackerAttributes?.countsAsDiscounted,
            childAccess: try hierarchyConfiguration?.checked(field: "\(field)hierarchy_configuration").childAccess,
            amount: amount, accessType: accessType
        )
    }
}

/// A contract commit's or credit's `hierarchy_configuration`, in requests and responses.
struct CommitHierarchyConfigurationWire: Codable {
    var childAccess: CommitChildAccess

    enum CodingKeys: String, CodingKey {
        case childAccess = "child_access"
    }

    /// This configuration with its contract IDs checked.
    func checked(field: String) throws -> CommitHierarchyConfigurationWire {
        if case .contractIds(let ids) = childAccess {
            if ids.isEmpty { throw APIError.badRequest("'\(field).child_access.contract_ids' must name at least one contract") }
            for id in ids { _ = try Validate.id(id, field: "\(field).child_access.contract_ids") }
        }
        return self
    }
}

/// The body of `customerCommits/create` and `customerCredits/create`.
struct CreateCommitRequest: Decodable {
    var customerId: String
    var priority: Decimal
    var commit: CommitBody

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", priority
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        customerId = try container.decode(String.self, forKey: .customerId)
        commit = try CommitBody(from: decoder)
        priority = try container.decode(Decimal.self, forKey: .priority)
    }
}

/// The body of `customerCommits/updateEndDate` and `customerCredits/updateEndDate`.
struct UpdateCommitEndDateRequest: Decodable {
    var customerId: String
    var commitId: String?
    var creditId: String?
    var accessEndingBefore: Timestamp?
    var invoicesEndingBefore: Timestamp?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", commitId = "commit_id", creditId = "credit_id"
        case accessEndingBefore = "access_ending_before", invoicesEndingBefore = "invoices_ending_before"
    }
}

/// The body of `contracts/addManualBalanceLedgerEntry`.
struct ManualBalanceEntryRequest: Decodable {
    var id: String
    var customerId: String
    var segmentId: String
    var amount: Decimal
    var reason: String
    var contractId: String?
    var timestamp: Timestamp?
    var uniquenessKey: String?

    /// Per-seat amounts, for commits of seat-managed subscriptions, which the emulator does not take.
    static let unsupportedFields = ["per_group_amounts"]

    enum CodingKeys: String, CodingKey {
        case id, customerId = "customer_id", segmentId = "segment_id", amount, reason, contractId = "contract_id"
        case timestamp, uniquenessKey = "uniqueness_key"
    }

    /// The entry to add, each field checked.
    func validated() throws -> NewManualBalanceEntry {
        if let uniquenessKey {
            try Validate.length(uniquenessKey, field: "uniqueness_key", Limits.identifierLength)
        }
        try Validate.length(reason, field: "reason", 1...Limits.customFieldLength)
        return NewManualBalanceEntry(
            customerId: try Validate.id(customerId, field: "customer_id"),
            contractId: try contractId.map { try Validate.id($0, field: "contract_id") },
            commitId: try Validate.id(id, field: "id"), segmentId: try Validate.id(segmentId, field: "segment_id"),
            amount: amount, reason: reason, timestamp: timestamp, uniquenessKey: uniquenessKey
        )
    }
}

/// The body of `customerCommits/list` and `customerCredits/list`; paging is in the body.
struct ListCommitsRequest: Decodable {
    var customerId: String
    var commitId: String?
    var creditId: String?
    var coveringDate: Timestamp?
    var startingAt: Timestamp?
    var effectiveBefore: Timestamp?
    var includeArchived: Bool?
    var includeBalance: Bool?
    var includeLedgers: Bool?
    var includeContractCommits: Bool?
    var includeContractCredits: Bool?
    var limit: Int?
    var nextPage: String?
    var accessType: BalanceAccessType?

    enum CodingKeys: String, CodingKey {
        case accessType = "access_type"
        case customerId = "customer_id", commitId = "commit_id", creditId = "credit_id", coveringDate = "covering_date"
        case startingAt = "starting_at", effectiveBefore = "effective_before", includeArchived = "include_archived"
        case includeBalance = "include_balance", includeLedgers = "include_ledgers"
        case includeContractCommits = "include_contract_commits", includeContractCredits = "include_contract_credits"
        case limit, nextPage = "next_page"
    }
}

// MARK: - Responses

/// `{"id": ..., "name": ...}`: a product as commits, charges and overrides name it.
struct ProductRefWire: Encodable {
    var id: String
    var name: String

    /// Product `id`, named from `names`.
    init(_ id: String, names: CatalogNames) {
        self.id = id
        self.name = names.product(id)
    }
}

/// `{"id": ...}`: a reference to a contract.
struct ContractRefWire: Encodable {
    var id: String
}

/// An access schedule (`ScheduleDuration`).
struct AccessScheduleWire: Encodable {
    var scheduleItems: [Item]
    var creditType: CreditTypeDataWire
    /// Shown for QUANTITY only: SPEND is what Metronome assumes without it.
    var accessType: BalanceAccessType?

    /// One segment of access.
    struct Item: Encodable {
        var id: String
        var amount: Decimal
        var startingAt: Timestamp
        var endingBefore: Timestamp

        enum CodingKeys: String, CodingKey {
            case id, amount, startingAt = "starting_at", endingBefore = "ending_before"
        }
    }

    enum CodingKeys: String, CodingKey {
        case scheduleItems = "schedule_items", creditType = "credit_type", accessType = "access_type"
    }

    /// `segments` in the credit type `creditTypeId`, named from `names`.
    init(_ segments: [AccessSegment], creditTypeId: String, accessType: BalanceAccessType = .spend, names: CatalogNames) {
        self.accessType = accessType == .spend ? nil : accessType
        scheduleItems = segments.map {
            Item(id: $0.id, amount: $0.amount, startingAt: $0.startingAt, endingBefore: $0.endingBefore)
        }
        creditType = CreditTypeDataWire(id: creditTypeId, names: names.creditTypes)
    }
}

/// A point-in-time schedule (`SchedulePointInTime`).
struct InvoiceScheduleWire: Encodable {
    var creditType: CreditTypeDataWire
    var scheduleItems: [Item]
    var doNotInvoice: Bool

    /// One invoice of the schedule.
    struct Item: Encodable {
        var id: String
        var amount: Decimal
        var quantity: Decimal
        var unitPrice: Decimal
        var timestamp: Timestamp

        enum CodingKeys: String, CodingKey {
            case id, amount, quantity, unitPrice = "unit_price", timestamp
        }
    }

    enum CodingKeys: String, CodingKey {
        case creditType = "credit_type", scheduleItems = "schedule_items", doNotInvoice = "do_not_invoice"
    }

    /// `schedule` with its credit type named from `names`.
    init(_ schedule: InvoiceScheduleTerms, names: CatalogNames) {
        creditType = CreditTypeDataWire(id: schedule.creditTypeId, names: names.creditTypes)
        scheduleItems = schedule.items.map {
            Item(id: $0.id, amount: $0.amount, quantity: $0.quantity, unitPrice: $0.unitPrice, timestamp: $0.timestamp)
        }
        doNotInvoice = schedule.doNotInvoice
    }
}

/// Metronome's `Commit` or `Credit` (`type` is `CREDIT` for credits), with its balance and
/// ledger when asked for.
/// `spend_tracker_attributes` of a commit: how spend trackers count its purchase.
struct SpendTrackerAttributesWire: Codable {
    var countsAsDiscounted: Bool

    enum CodingKeys: String, CodingKey {
        case countsAsDiscounted = "counts_as_discounted"
    }
}

struct CommitWire: Encodable {
    var id: String
    var type: String
    var product: ProductRefWire
    var createdAt: Timestamp
    var createdBy: String?
    var accessSchedule: AccessScheduleWire
    var invoiceSchedule: InvoiceScheduleWire?
    var contract: ContractRefWire?
    var invoiceContract: ContractRefWire?
    var name: String?
    var description: String?
    var priority: Decimal?
    var applicableProductIds: [String]?
    var applicableProductTags: [String]?
    var applicableContractIds: [String]?
    var specifiers: [CommitSpecifierWire]?
    var rateType: CommitRateType?
    var rolloverFraction: Decimal?
    var uniquenessKey: String?
    var customFields: [String: String]
    var archivedAt: Timestamp?
    var balance: Decimal?
    var ledger: [LedgerEntryWire]?
    var recurringCommitId: String?
    var recurringCreditId: String?
    var rolledOverFrom: RolledOverFromWire?
    var netsuiteSalesOrderId: String?
    var salesforceOpportunityId: String?
    var spendTrackerAttributes: SpendTrackerAttributesWire?
    var hierarchyConfiguration: CommitHierarchyConfigurationWire?
    var subscriptionConfig: RecurringSubscriptionConfig?
    var amount: Decimal?

    /// `rolled_over_from`: a credit names its origin `credit_id`, a commit `commit_id`.
    struct RolledOverFromWire: Encodable {
        var id: String
        var contractId: String
        var isCredit: Bool

        enum CodingKeys: String, CodingKey {
            case commitId = "commit_id", creditId = "credit_id", contractId = "contract_id"
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: isCredit ? .creditId : .commitId)
            try container.encode(contractId, forKey: .contractId)
        }
    }

    enum CodingKeys: String, CodingKey {
        case balance, ledger, recurringCommitId = "recurring_commit_id", recurringCreditId = "recurring_credit_id"
        case rolledOverFrom = "rolled_over_from", netsuiteSalesOrderId = "netsuite_sales_order_id"
        case salesforceOpportunityId = "salesforce_opportunity_id", spendTrackerAttributes = "spend_tracker_attributes"
        case id, type, product, createdAt = "created_at", createdBy = "created_by", accessSchedule = "access_schedule"
        case invoiceSchedule = "invoice_schedule", contract, invoiceContract = "invoice_contract", name, description
        case priority, applicableProductIds = "applicable_product_ids", applicableProductTags = "applicable_product_tags"
        case applicableContractIds = "applicable_contract_ids", specifiers, rateType = "rate_type"
        case rolloverFraction = "rollover_fraction", uniquenessKey = "uniqueness_key", customFields = "custom_fields"
        case archivedAt = "archived_at", hierarchyConfiguration = "hierarchy_configuration"
        case subscriptionConfig = "subscription_config", amount
    }

    init(_ terms: CommitTerms, names: CatalogNames) {
        recurringCommitId = terms.kind == .commit ? terms.recurringCommitId : nil
        recurringCreditId = terms.kind == .credit ? terms.recurringCommitId : nil
        id = terms.id
        type = terms.kind == .credit ? "CREDIT" : (terms.type ?? .prepaid).rawValue
        product = ProductRefWire(terms.productId, names: names)
        createdAt = terms.createdAt
        // Metronome names no author for what the system made: recurring, threshold and rollover commits.
        let madeBySystem = terms.recurringCommitId != nil || terms.isThresholdCharge || terms.rolledOverFrom != nil
        createdBy = madeBySystem ? nil : AppDatabase.apiAuthor
        rolledOverFrom = terms.rolledOverFrom.map {
            RolledOverFromWire(id: $0.commitId, contractId: $0.contractId, isCredit: terms.kind == .credit)
        }
        accessSchedule = AccessScheduleWire(
            terms.accessSchedule, creditTypeId: terms.creditTypeId, accessType: terms.accessType, names: names
        )
        invoiceSchedule = terms.invoiceSchedule.map { InvoiceScheduleWire($0, names: names) }
        contract = terms.contractId.map(ContractRefWire.init)
        invoiceContract = terms.invoiceContractId.map(ContractRefWire.init)
        name = terms.name
        description = terms.description
        priority = terms.priority
        applicableProductIds = terms.applicableProductIds
        applicableProductTags = terms.applicableProductTags
        applicableContractIds = terms.applicableContractIds
        specifiers = terms.specifiers?.map(CommitSpecifierWire.init)
        rateType = terms.rateType
        rolloverFraction = terms.rolloverFraction
        uniquenessKey = terms.uniquenessKey
        customFields = terms.customFields
        archivedAt = terms.archivedAt
        netsuiteSalesOrderId = terms.netsuiteSalesOrderId
        salesforceOpportunityId = terms.salesforceOpportunityId
        spendTrackerAttributes = terms.countsAsDiscounted.map(SpendTrackerAttributesWire.init)
        hierarchyConfiguration = terms.childAccess.map(CommitHierarchyConfigurationWire.init)
        subscriptionConfig = terms.subscriptionConfig
        amount = terms.amount
    }
}

/// One entry of a commit's or credit's ledger.
struct LedgerEntryWire: Encodable {
    var type: String
    var amount: Decimal
    var timestamp: Timestamp
    var segmentId: String?
    var invoiceId: String?
    var reason: String?
    var newContractId: String?

    enum CodingKeys: String, CodingKey {
        case type, amount, timestamp, segmentId = "segment_id", invoiceId = "invoice_id", reason, newContractId = "new_contract_id"
    }

    /// The wire form of `entry`; a manual entry carries its reason and, as Metronome's shape has
    /// it, no segment.
    init(_ entry: CommitLedgerEntry) {
        type = entry.type
        amount = entry.amount
        timestamp = entry.timestamp
        segmentId = entry.reason == nil ? entry.segmentId : nil
        invoiceId = entry.invoiceId
        reason = entry.reason
        newContractId = entry.newContractId
    }
}
