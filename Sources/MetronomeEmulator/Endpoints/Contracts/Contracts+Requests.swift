import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

// MARK: - Create requests

/// `usage_statement_schedule` of a contract.
struct UsageStatementScheduleBody: Decodable {
    var frequency: UsageStatementSchedule.Frequency
    var day: UsageStatementSchedule.Day?
    var billingAnchorDate: Timestamp?
    var invoiceGenerationStartingAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case frequency, day, billingAnchorDate = "billing_anchor_date"
        case invoiceGenerationStartingAt = "invoice_generation_starting_at"
    }
}

/// An item of `scheduled_charges` or `discounts`.
struct ScheduledChargeBody: Decodable {
    var productId: String
    var schedule: InvoiceScheduleBody
    var name: String?
    var customFields: [String: String]?
    var netsuiteSalesOrderId: String?

    enum CodingKeys: String, CodingKey {
        case productId = "product_id", schedule, name, customFields = "custom_fields"
        case netsuiteSalesOrderId = "netsuite_sales_order_id"
    }

    /// The charge with new IDs; `field` prefixes field names.
    func terms(field: String) throws -> ScheduledChargeTerms {
        ScheduledChargeTerms(
            id: UUID().uuidString.lowercased(), productId: try Validate.id(productId, field: "\(field).product_id"),
            name: name, schedule: try schedule.terms(field: "\(field).schedule"), customFields: customFields ?? [:],
            netsuiteSalesOrderId: netsuiteSalesOrderId
        )
    }
}

/// An item of `subscriptions`.
struct SubscriptionBody: Decodable {
    var collectionSchedule: CollectionSchedule
    var proration: Proration
    var subscriptionRate: SubscriptionRate
    var startingAt: Timestamp?
    var endingBefore: Timestamp?
    var initialQuantity: Decimal?
    var quantityManagementMode: QuantityManagementMode?
    var name: String?
    var description: String?
    var customFields: [String: String]?
    var seatConfig: SeatConfigBody?
    var billingCycleConfig: BillingCycleConfig?
    /// What recurring commits of the same request may name the subscription by.
    var temporaryId: String?

    /// `billing_cycle_config`: its own billing anchor, and where it is invoiced.
    struct BillingCycleConfig: Decodable {
        var anchorDate: Timestamp?
        var invoicePlacement: InvoicePlacement?

        enum CodingKeys: String, CodingKey {
            case anchorDate = "anchor_date", invoicePlacement = "invoice_placement"
        }
    }

    /// The seats of a SEAT_BASED subscription.
    struct SeatConfigBody: Decodable {
        var initialSeatIds: [String]
        var seatGroupKey: String

        enum CodingKeys: String, CodingKey {
            case initialSeatIds = "initial_seat_ids", seatGroupKey = "seat_group_key"
        }
    }

    /// When the subscription bills: at the start or the end of each period.
    enum CollectionSchedule: String, WireEnum {
        case advance = "ADVANCE"
        case arrears = "ARREARS"
    }

    /// How quantities are managed.
    enum QuantityManagementMode: String, WireEnum {
        case seatBased = "SEAT_BASED"
        case quantityOnly = "QUANTITY_ONLY"
    }

    /// How a change of quantity mid-period is billed.
    struct Proration: Decodable {
        var invoiceBehavior: InvoiceBehavior?
        var isProrated: Bool?
        var rounding: ProrationRounding?

        /// When a prorated change is invoiced.
        enum InvoiceBehavior: String, WireEnum {
            case billImmediately = "BILL_IMMEDIATELY"
            case billOnNextCollectionDate = "BILL_ON_NEXT_COLLECTION_DATE"
        }

        enum CodingKeys: String, CodingKey {
            case invoiceBehavior = "invoice_behavior", isProrated = "is_prorated", rounding
        }
    }

    /// The rate card's subscription rate the subscription bills at.
    struct SubscriptionRate: Decodable {
        var billingFrequency: UsageStatementSchedule.Frequency
        var productId: String

        enum CodingKeys: String, CodingKey {
            case billingFrequency = "billing_frequency", productId = "product_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case collectionSchedule = "collection_schedule", proration, subscriptionRate = "subscription_rate"
        case startingAt = "starting_at", endingBefore = "ending_before", initialQuantity = "initial_quantity"
        case quantityManagementMode = "quantity_management_mode", name, description, customFields = "custom_fields"
        case seatConfig = "seat_config", billingCycleConfig = "billing_cycle_config", temporaryId = "temporary_id"
    }

    /// The subscription, over the contract's range unless it gives its own.
    func terms(field: String, contractStart: Timestamp, contractEnd: Timestamp?, now: Timestamp) throws -> SubscriptionTerms {
        let start = startingAt ?? contractStart
        let end = endingBefore ?? contractEnd
        if let end, end <= start {
            throw APIError.badRequest("'\(field).ending_before' must be after its starting_at")
        }
        let mode = quantityManagementMode ?? .quantityOnly
        let seats = try seatConfig.map { try SubscriptionBody.seats($0, field: "\(field).seat_config") }
        switch (mode, seats) {
        case (.seatBased, nil): throw APIError.badRequest("'\(field).seat_config' is required with SEAT_BASED")
        case (.quantityOnly, _?): throw APIError.badRequest("'\(field).seat_config' is for SEAT_BASED subscriptions only")
        default: break
        }
        // A seat-based subscription's quantity is its number of seats.
        if let seats, let initialQuantity, initialQuantity != Decimal(seats.initialSeatIds.count) {
            throw APIError.badRequest("'\(field).initial_quantity' must equal the number of initial_seat_ids, or be left out")
        }
        let quantity = seats.map { Decimal($0.initialSeatIds.count) } ?? initialQuantity ?? 1
        guard quantity >= 0 else { throw APIError.badRequest("'\(field).initial_quantity' must be >= 0") }
        var terms = SubscriptionTerms(
            id: UUID().uuidString.lowercased(),
            productId: try Validate.id(subscriptionRate.productId, field: "\(field).subscription_rate.product_id"),
            billingFrequency: subscriptionRate.billingFrequency, collectionSchedule: collectionSchedule.rawValue,
            isProrated: proration.isProrated ?? false,
            invoiceBehavior: (proration.invoiceBehavior ?? .billImmediately).rawValue,
            quantityManagementMode: (quantityManagementMode ?? .quantityOnly).rawValue, initialQuantity: quantity,
            startingAt: start, endingBefore: end, name: name, description: description, customFields: customFields ?? [:],
            createdAt: now, seatConfig: seats
        )
        terms.prorationRounding = proration.rounding
        terms.invoicePlacement = billingCycleConfig?.invoicePlacement ?? .onUsageInvoice
        terms.billingAnchorDate = billingCycleConfig?.anchorDate
        return terms
    }

    /// The seats `body` gives, checked: distinct, non-empty IDs and a non-empty group key.
    static func seats(_ body: SeatConfigBody, field: String) throws -> SubscriptionTerms.SeatConfig {
        guard !body.seatGroupKey.isEmpty else { throw APIError.badRequest("'\(field).seat_group_key' must not be empty") }
        guard body.initialSeatIds.allSatisfy({ !$0.isEmpty }) else {
            throw APIError.badRequest("'\(field).initial_seat_ids' must not hold an empty ID")
        }
        guard Set(body.initialSeatIds).count == body.initialSeatIds.count else {
            throw APIError.badRequest("'\(field).initial_seat_ids' must not repeat an ID")
        }
        return SubscriptionTerms.SeatConfig(initialSeatIds: body.initialSeatIds, seatGroupKey: body.seatGroupKey)
    }
}

/// One tier of a TIERED override: `{"multiplier", "size"}`, in requests and responses.
struct OverrideTierWire: Codable {
    var multiplier: Decimal
    var size: Decimal?

    /// `tier` on the wire.
    init(_ tier: OverrideTier) {
        multiplier = tier.multiplier
        size = tier.size
    }

    /// The tier this describes.
    var tier: OverrideTier { OverrideTier(multiplier: multiplier, size: size) }
}

/// `overwrite_rate` of an override: a rate card rate's pricing fields, without the product,
/// range and entitlement a rate card rate also needs.
struct OverwriteRateBody: Decodable {
    var rateType: RateType
    var creditTypeId: String?
    var price: Decimal?
    var quantity: Decimal?
    var isProrated: Bool?
    var tiers: [TierWire]?
    var customRate: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case rateType = "rate_type", creditTypeId = "credit_type_id", price, quantity, isProrated = "is_prorated", tiers
        case customRate = "custom_rate"
    }

    /// The rate, its credit type ID checked to be a UUID; `field` prefixes field names.
    func rate(field: String) throws -> OverwriteRate {
        OverwriteRate(
            rateType: rateType, creditTypeId: try creditTypeId.map { try Validate.id($0, field: "\(field).credit_type_id") },
            price: price, quantity: quantity, isProrated: isProrated, tiers: tiers?.map(\.tier), customRate: customRate
        )
    }
}

/// An item of `overrides`.
struct OverrideBody: Decodable {
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var type: OverrideType?
    var productId: String?
    var applicableProductTags: [String]?
    var overrideSpecifiers: [CommitSpecifier]?
    var entitled: Bool?
    var isCommitSpecific: Bool?
    var multiplier: Decimal?
    var overwriteRate: OverwriteRateBody?
    var tiers: [OverrideTierWire]?
    var priority: Decimal?
    var target: CommitRateType?

    enum CodingKeys: String, CodingKey {
        case startingAt = "starting_at", endingBefore = "ending_before", type, productId = "product_id"
        case applicableProductTags = "applicable_product_tags", overrideSpecifiers = "override_specifiers", entitled
        case isCommitSpecific = "is_commit_specific", multiplier, overwriteRate = "overwrite_rate", tiers, priority, target
    }

    /// The override, its type inferred from what it sets when not given; `field` prefixes
    /// field names.
    func terms(field: String, now: Timestamp) throws -> OverrideTerms {
        if target == .commitRate && isCommitSpecific != true {
            throw APIError.badRequest("'\(field).target' COMMIT_RATE can only be used for commit-specific overrides (is_commit_specific: true)")
        }
        for (index, specifier) in (overrideSpecifiers ?? []).enumerated() {
            try specifier.checkCommits(field: "\(field).override_specifiers[\(index)]", commitSpecific: isCommitSpecific == true)
        }
        if let endingBefore, endingBefore <= startingAt {
            throw APIError.badRequest("'\(field).ending_before' must be after its starting_at")
        }
        guard productId != nil || !(applicableProductTags ?? []).isEmpty || !(overrideSpecifiers ?? []).isEmpty else {
            throw APIError.badRequest("'\(field)' needs 'product_id', 'applicable_product_tags' or 'override_specifiers'")
        }
        let inferred = type ?? (overwriteRate != nil ? .overwrite : tiers != nil ? .tiered : .multiplier)
        switch inferred {
        case .overwrite:
            guard let rate = overwriteRate else { throw APIError.badRequest("'\(field).overwrite_rate' is required for OVERWRITE overrides") }
            if let price = rate.price, price < 0 { throw APIError.badRequest("'\(field).overwrite_rate.price' must be >= 0") }
        case .multiplier:
            guard let multiplier, multiplier >= 0 else {
                if entitled != nil, multiplier == nil, type == nil { break }
                throw APIError.badRequest("'\(field).multiplier' is required for MULTIPLIER overrides and must be >= 0")
            }
        case .tiered:
            guard let tiers, !tiers.isEmpty else { throw APIError.badRequest("'\(field).tiers' is required for TIERED overrides") }
        }
        return OverrideTerms(
            id: UUID().uuidString.lowercased(), type: inferred, startingAt: startingAt, endingBefore: endingBefore,
            productId: try productId.map { try Validate.id($0, field: "\(field).product_id") },
            applicableProductTags: applicableProductTags, specifiers: overrideSpecifiers, entitled: entitled,
            multiplier: multiplier, overwriteRate: try overwriteRate?.rate(field: "\(field).overwrite_rate"),
            tiers: tiers?.map(\.tier), priority: priority, target: target, isCommitSpecific: isCommitSpecific, createdAt: now
        )
    }
}

/// An item of an override's `override_specifiers` is the billing `CommitSpecifier`, whose keys are
/// Metronome's: what it applies to, and for a commit-specific override, which commits' draws.
extension CommitSpecifier {
    /// 400 unless the commits it names follow the SDK's rules: only on a commit-specific
    /// override, beside what it applies to, and `any_commit_or_credit_ids` instead of the others.
    func checkCommits(field: String, commitSpecific: Bool) throws {
        let given = [("commit_ids", commitIds), ("recurring_commit_ids", recurringCommitIds),
                     ("any_commit_or_credit_ids", anyCommitOrCreditIds)].filter { $0.1 != nil }
        guard let (first, _) = given.first else { return }
        guard commitSpecific else {
            throw APIError.badRequest("'\(field).\(first)' can only be used for commit-specific overrides (is_commit_specific: true)")
        }
        guard productId != nil || productTags != nil || pricingGroupValues != nil || presentationGroupValues != nil else {
            throw APIError.badRequest(
                "'\(field).\(first)' must be used with one of product_id, product_tags, pricing_group_values or presentation_group_values"
            )
        }
        if anyCommitOrCreditIds != nil && given.count > 1 {
            throw APIError.badRequest("'\(field).any_commit_or_credit_ids' must be used instead of commit_ids and recurring_commit_ids")
        }
    }
}

/// `transition` of a contract: the contract it renews.
struct TransitionBody: Decodable {
    var fromContractId: String
    var type: String
    var futureInvoiceBehavior: FutureInvoiceBehavior?

    enum CodingKeys: String, CodingKey {
        case fromContractId = "from_contract_id", type, futureInvoiceBehavior = "future_invoice_behavior"
    }

    /// What becomes of the renewed contract's true-up invoices dated from the renewal's start.
    struct FutureInvoiceBehavior: Decodable {
        var trueup: TrueUp?

        enum TrueUp: String, WireEnum {
            case remove = "REMOVE", asIs = "AS_IS"
        }
    }
}

/// The body of `POST /v1/contracts/create`.
struct CreateContractRequest: Decodable {
    var customerId: String
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var name: String?
    var rateCardId: String?
    var rateCardAlias: String?
    var commits: [CommitBody]?
    var credits: [CommitBody]?
    var scheduledCharges: [ScheduledChargeBody]?
    var discounts: [ScheduledChargeBody]?
    var subscriptions: [SubscriptionBody]?
    var overrides: [OverrideBody]?
    var transition: TransitionBody?
    var customFields: [String: String]?
    var netPaymentTermsDays: Decimal?
    var usageStatementSchedule: UsageStatementScheduleBody?
    var uniquenessKey: String?
    var packageId: String?
    var packageAlias: String?
    var multiplierOverridePrioritization: MultiplierOverridePrioritization?
    var usageFilter: UsageFilterBody?
    var recurringCommits: [BodyWithFields<RecurringCommitBody>]?
    var recurringCredits: [BodyWithFields<RecurringCommitBody>]?
    var professionalServices: [ProfessionalServiceBody]?
    var prepaidBalanceThresholdConfiguration: BodyWithFields<PrepaidBalanceThresholdBody>?
    var spendThresholdConfiguration: BodyWithFields<SpendThresholdBody>?
    var resellerRoyalties: [ResellerRoyaltyBody]?
    var billingProviderConfiguration: BillingProviderChoice?
    var revenueSystemConfiguration: RevenueSystemChoice?
    var spendTrackers: [SpendTrackerBody]?
    var scheduledChargesOnUsageInvoices: ScheduledChargesOnUsageInvoices?
    var totalContractValue: Decimal?
    var salesforceOpportunityId: String?
    var netsuiteSalesOrderId: String?
    var hierarchyConfiguration: HierarchyConfigurationBody?

    /// `billing_provider_configuration` (and its namesake in v2 edit's
    /// `add_billing_provider_configuration_update`): a configuration of the customer's, by ID or by
    /// provider and delivery method.
    struct BillingProviderChoice: Decodable {
        var billingProvider: BillingProviderType?
        var billingProviderConfigurationId: String?
        var deliveryMethod: DeliveryMethod?

        enum CodingKeys: String, CodingKey {
            case billingProvider = "billing_provider", billingProviderConfigurationId = "billing_provider_configuration_id"
            case deliveryMethod = "delivery_method"
        }

        /// The configuration's ID, or its provider and delivery method; checked.
        func choice(field: String = "billing_provider_configuration") throws -> (
            id: String?, named: (provider: String, deliveryMethod: String)?
        ) {
            switch (billingProviderConfigurationId, billingProvider, deliveryMethod) {
            case (let id?, nil, nil): return (try Validate.id(id, field: "\(field).billing_provider_configuration_id"), nil)
            case (nil, let provider?, let method?): return (nil, (provider.rawValue, method.rawValue))
            case (_?, _, _):
                throw APIError.badRequest(
                    "'\(field)': give billing_provider_configuration_id, or billing_provider and delivery_method, not both"
                )
            default:
                throw APIError.badRequest("'\(field)' needs billing_provider_configuration_id, or billing_provider and delivery_method")
            }
        }
    }

    /// `revenue_system_configuration` (and its namesake in v2 edit's
    /// `add_revenue_system_configuration_update`): a configuration of the customer's, by ID or by
    /// provider and delivery method.
    struct RevenueSystemChoice: Decodable {
        var provider: RevenueSystemProvider?
        var revenueSystemConfigurationId: String?
        var deliveryMethod: DeliveryMethod?

        enum CodingKeys: String, CodingKey {
            case provider, revenueSystemConfigurationId = "revenue_system_configuration_id", deliveryMethod = "delivery_method"
        }

        /// The configuration's ID, or its provider and delivery method; checked.
        func choice(field: String = "revenue_system_configuration") throws -> (
            id: String?, named: (provider: String, deliveryMethod: String)?
        ) {
            switch (revenueSystemConfigurationId, provider, deliveryMethod) {
            case (let id?, nil, nil): return (try Validate.id(id, field: "\(field).revenue_system_configuration_id"), nil)
            case (nil, let provider?, let method?): return (nil, (provider.rawValue, method.rawValue))
            case (_?, _, _):
                throw APIError.badRequest("'\(field)': give revenue_system_configuration_id, or provider and delivery_method, not both")
            default:
                throw APIError.badRequest("'\(field)' needs revenue_system_configuration_id, or provider and delivery_method")
            }
        }
    }

    /// `scheduled_charges_on_usage_invoices`: ALL is the one value Metronome offers.
    enum ScheduledChargesOnUsageInvoices: String, WireEnum {
        case all = "ALL"
    }

    /// The only fields Metronome takes alongside `package_id` or `package_alias`.
    static let fieldsAllowedWithPackage: Set<String> = [
        "customer_id", "starting_at", "package_id", "package_alias", "uniqueness_key", "transition", "custom_fields",
    ]

    enum CodingKeys: String, CodingKey {
        case packageId = "package_id", packageAlias = "package_alias"
        case customerId = "customer_id", startingAt = "starting_at", endingBefore = "ending_before", name
        case rateCardId = "rate_card_id", rateCardAlias = "rate_card_alias", commits, credits
        case scheduledCharges = "scheduled_charges", discounts, subscriptions, overrides, transition
        case customFields = "custom_fields", netPaymentTermsDays = "net_payment_terms_days"
        case usageStatementSchedule = "usage_statement_schedule", uniquenessKey = "uniqueness_key"
        case professionalServices = "professional_services"
        case multiplierOverridePrioritization = "multiplier_override_prioritization", usageFilter = "usage_filter"
        case recurringCommits = "recurring_commits", recurringCredits = "recurring_credits"
        case prepaidBalanceThresholdConfiguration = "prepaid_balance_threshold_configuration"
        case spendThresholdConfiguration = "spend_threshold_configuration", resellerRoyalties = "reseller_royalties"
        case billingProviderConfiguration = "billing_provider_configuration", spendTrackers = "spend_trackers"
        case revenueSystemConfiguration = "revenue_system_configuration"
        case scheduledChargesOnUsageInvoices = "scheduled_charges_on_usage_invoices", totalContractValue = "total_contract_value"
        case salesforceOpportunityId = "salesforce_opportunity_id", netsuiteSalesOrderId = "netsuite_sales_order_id"
        case hierarchyConfiguration = "hierarchy_configuration"
    }
}

/// `hierarchy_configuration` of `contracts/create`: the parent a child contract names and how
/// the child bills, or how a parent consolidates its children.
struct HierarchyConfigurationBody: Decodable {
    var parent: ContractHierarchy.Node?
    var parentBehavior: ParentBehavior?
    var payer: ContractHierarchy.Payer?
    var usageStatementBehavior: ContractHierarchy.UsageStatementBehavior?

    /// `parent_behavior`, in requests and responses.
    struct ParentBehavior: Codable {
        var invoiceConsolidationType: ContractHierarchy.InvoiceConsolidationType?

        enum CodingKeys: String, CodingKey {
            case invoiceConsolidationType = "invoice_consolidation_type"
        }
    }

    enum CodingKeys: String, CodingKey {
        case parent, parentBehavior = "parent_behavior", payer, usageStatementBehavior = "usage_statement_behavior"
    }

    /// The hierarchy, checked.
    func terms() throws -> ContractHierarchy {
        let field = "hierarchy_configuration"
        guard let parent else {
            if payer != nil || usageStatementBehavior != nil {
                throw APIError.badRequest("'\(field).payer' and '\(field).usage_statement_behavior' need '\(field).parent'")
            }
            return ContractHierarchy(invoiceConsolidationType: parentBehavior?.invoiceConsolidationType)
        }
        if parentBehavior != nil {
            throw APIError.badRequest(
                "'\(field).parent_behavior' with '\(field).parent': a contract that is both a parent and a child is not "
                    + "supported by the emulator yet"
            )
        }
        return ContractHierarchy(
            parent: .init(
                contractId: try Validate.id(parent.contractId, field: "\(field).parent.contract_id"),
                customerId: try Validate.id(parent.customerId, field: "\(field).parent.customer_id")
            ),
            payer: payer, usageStatementBehavior: usageStatementBehavior
        )
    }
}

/// An item of `recurring_commits` or `recurring_credits`: a commit or credit created each period.
struct RecurringCommitBody: Decodable {
    var accessAmount: AccessAmount
    var commitDuration: CommitDuration
    var priority: Decimal
    var productId: String
    var startingAt: Timestamp
    var applicableProductIds: [String]?
    var applicableProductTags: [String]?
    var description: String?
    var endingBefore: Timestamp?
    var invoiceAmount: InvoiceAmount?
    var name: String?
    var proration: RecurringCommitTerms.Proration?
    var rateType: CommitRateType?
    var recurrenceFrequency: RecurringCommitTerms.RecurrenceFrequency?
    var rolloverFraction: Decimal?
    /// What commit-specific overrides of the same request may name the recurring commit by.
    var temporaryId: String?
    var prorationRounding: RecurringCommitTerms.Rounding?
    var specifiers: [CommitSpecifierWire]?
    var netsuiteSalesOrderId: String?
    var hierarchyConfiguration: CommitHierarchyConfigurationWire?
    var subscriptionConfig: SubscriptionConfigBody?

    /// `subscription_config`: the subscription (by ID, or by the `temporary_id` of one in the
    /// same request) whose seats each get the recurring amount.
    struct SubscriptionConfigBody: Decodable {
        var subscriptionId: String
        var allocation: RecurringSubscriptionConfig.Allocation?
        var applySeatIncreaseConfig: RecurringSubscriptionConfig.ApplySeatIncreaseConfig

        enum CodingKeys: String, CodingKey {
            case subscriptionId = "subscription_id", allocation, applySeatIncreaseConfig = "apply_seat_increase_config"
        }

        /// The config, checked; seats' individual allocations are refused by name.
        func terms(field: String) throws -> RecurringSubscriptionConfig {
            if allocation == .individual { throw APIError.unsupportedField("\(field).allocation INDIVIDUAL") }
            try Validate.length(subscriptionId, field: "\(field).subscription_id", 1...Limits.identifierLength.upperBound)
            return RecurringSubscriptionConfig(
                subscriptionId: subscriptionId, allocation: .pooled, applySeatIncreaseConfig: applySeatIncreaseConfig
            )
        }
    }

    /// `access_amount`.
    struct AccessAmount: Decodable {
        var unitPrice: Decimal
        var quantity: Decimal?
        var creditTypeId: String?
        var accessType: String?

        enum CodingKeys: String, CodingKey {
            case unitPrice = "unit_price", quantity, creditTypeId = "credit_type_id", accessType = "access_type"
        }
    }

    /// `commit_duration`: a number of periods.
    struct CommitDuration: Decodable {
        var value: Decimal
        var unit: String?
    }

    /// `invoice_amount` (commits only).
    struct InvoiceAmount: Decodable {
        var creditTypeId: String
        var quantity: Decimal
        var unitPrice: Decimal

        enum CodingKeys: String, CodingKey {
            case creditTypeId = "credit_type_id", quantity, unitPrice = "unit_price"
        }
    }

    enum CodingKeys: String, CodingKey {
        case accessAmount = "access_amount", commitDuration = "commit_duration", priority, productId = "product_id"
        case startingAt = "starting_at", applicableProductIds = "applicable_product_ids"
        case applicableProductTags = "applicable_product_tags", description, endingBefore = "ending_before"
        case invoiceAmount = "invoice_amount", name, proration, rateType = "rate_type"
        case recurrenceFrequency = "recurrence_frequency", rolloverFraction = "rollover_fraction"
        case temporaryId = "temporary_id", prorationRounding = "proration_rounding", specifiers
        case netsuiteSalesOrderId = "netsuite_sales_order_id", hierarchyConfiguration = "hierarchy_configuration"
        case subscriptionConfig = "subscription_config"
    }

    /// `recurring`, each of whose subscription configs that names a subscription by the
    /// `temporary_id` of one of `bodies` names it by the ID made for it (`ids`, in the same order).
    /// 400 for a temporary ID given to two subscriptions; `list` names them in errors.
    static func resolvingSubscriptions(
        _ recurring: [RecurringCommitTerms], subscriptions bodies: [SubscriptionBody]?, made ids: [String], list: String
    ) throws -> [RecurringCommitTerms] {
        var temporary: [String: String] = [:]
        for (index, (body, id)) in zip(bodies ?? [], ids).enumerated() {
            guard let key = body.temporaryId else { continue }
            guard temporary[key] == nil else {
                throw APIError.badRequest("'\(list)[\(index)].temporary_id' \(key) is given to another subscription of the request")
            }
            temporary[key] = id
        }
        return recurring.map { terms in
            var terms = terms
            if let name = terms.subscriptionConfig?.subscriptionId, let id = temporary[name] { terms.subscriptionConfig?.subscriptionId = id }
            return terms
        }
    }
}

/// The `temporary_id`s a request gives the commits, credits and recurring ones it makes, each to
/// the ID made for it: its commit-specific overrides may name them before they exist.
struct TemporaryIds {
    private var ids: [String: String] = [:]

    /// `items` are each item's temporary ID (if any), new ID and field prefix (`commits[0].`).
    /// 400 for a temporary ID given twice.
    init(_ items: [(temporaryId: String?, id: String, field: String)]) throws {
        for item in items {
            guard let temporary = item.temporaryId else { continue }
            guard ids[temporary] == nil else {
                throw APIError.badRequest("'\(item.field)temporary_id' \(temporary) is given to another item of the request")
            }
            ids[temporary] = item.id
        }
    }

    /// The items of one list, with their temporary IDs, matched with the terms made of them.
    static func items<Body>(_ bodies: [Body]?, _ ids: [String], temporaryId: (Body) -> String?, list: String)
        -> [(temporaryId: String?, id: String, field: String)] {
        zip(bodies ?? [], ids).enumerated().map { index, pair in (temporaryId(pair.0), pair.1, "\(list)[\(index)].") }
    }

    /// `overrides` with each temporary ID their specifiers name replaced by the ID it stands for.
    func resolving(_ overrides: [OverrideTerms]) -> [OverrideTerms] {
        guard !ids.isEmpty else { return overrides }
        func resolved(_ list: [String]?) -> [String]? { list?.map { ids[$0] ?? $0 } }
        return overrides.map { override in
            var resolvedOverride = override
            resolvedOverride.specifiers = override.specifiers?.map { specifier in
                var named = specifier
                named.commitIds = resolved(specifier.commitIds)
                named.recurringCommitIds = resolved(specifier.recurringCommitIds)
                named.anyCommitOrCreditIds = resolved(specifier.anyCommitOrCreditIds)
                return named
            }
            return resolvedOverride
        }
    }
}

extension BodyWithFields<RecurringCommitBody> {
    /// The recurring commit or credit, checked; `field` prefixes field names (`recurring_commits[0].`).
    /// Without `recurrence_frequency` its periods are the contract's usage statements, on their anchor.
    func terms(kind: CommitKind, field: String, statementAnchor: Timestamp) throws -> RecurringCommitTerms {
        if kind == .credit { try refuse(["invoice_amount"], prefix: field) }
        let body = value
        if let accessType = body.accessAmount.accessType, accessType.uppercased() != "SPEND" {
            throw APIError.badRequest("'\(field)access_amount.access_type' \(accessType) is not supported by the emulator yet")
        }
        guard let quantity = body.accessAmount.quantity else {
            throw APIError.badRequest("Missing required field '\(field)access_amount.quantity'")
        }
        guard body.accessAmount.unitPrice >= 0, quantity >= 0 else {
            throw APIError.badRequest("'\(field)access_amount' needs unit_price and quantity >= 0")
        }
        if let unit = body.commitDuration.unit, unit.uppercased() != "PERIODS" {
            throw APIError.badRequest("'\(field)commit_duration.unit' must be one of: PERIODS")
        }
        let periods = body.commitDuration.value
        guard periods >= 1, periods <= 1000, periods == periods.rounded(toPlaces: 0) else {
            throw APIError.badRequest("'\(field)commit_duration.value' must be a whole number of periods, from 1 to 1000")
        }
        if let end = body.endingBefore, end <= body.startingAt {
            throw APIError.badRequest("'\(field)ending_before' must be after its starting_at")
        }
        if let fraction = body.rolloverFraction, !(0...1).contains(fraction) {
            throw APIError.badRequest("'\(field)rollover_fraction' must be between 0 and 1")
        }
        if let invoice = body.invoiceAmount, invoice.quantity < 0 || invoice.unitPrice < 0 {
            throw APIError.badRequest("'\(field)invoice_amount' needs unit_price and quantity >= 0")
        }
        return RecurringCommitTerms(
            id: UUID().uuidString.lowercased(), kind: kind, productId: try Validate.id(body.productId, field: "\(field)product_id"),
            name: try body.name.map { try Validate.name($0, field: "\(field)name") }, description: body.description,
            priority: body.priority,
            accessAmount: .init(
                creditTypeId: try Validate.id(
                    body.accessAmount.creditTypeId ?? CreditTypes.usdCentsId, field: "\(field)access_amount.credit_type_id"
                ),
                unitPrice: body.accessAmount.unitPrice, quantity: quantity
            ),
            commitDurationPeriods: Int(truncating: periods as NSNumber), startingAt: body.startingAt,
            endingBefore: body.endingBefore,
            invoiceAmount: try body.invoiceAmount.map { invoice in
                .init(
                    creditTypeId: try Validate.id(invoice.creditTypeId, field: "\(field)invoice_amount.credit_type_id"),
                    unitPrice: invoice.unitPrice, quantity: invoice.quantity
                )
            },
            proration: body.proration ?? .firstAndLast, recurrenceFrequency: body.recurrenceFrequency,
            rateType: body.rateType ?? .commitRate, rolloverFraction: body.rolloverFraction,
            applicableProductIds: try body.applicableProductIds.map { ids in
                try ids.map { try Validate.id($0, field: "\(field)applicable_product_ids") }
            },
            applicableProductTags: body.applicableProductTags,
            anchorDate: body.recurrenceFrequency == nil ? statementAnchor : body.startingAt,
            prorationRounding: body.prorationRounding,
            specifiers: try body.specifiers.map { list in
                if body.applicableProductIds != nil || body.applicableProductTags != nil {
                    throw APIError.badRequest("'\(field)specifiers' cannot be used together with applicable_product_ids or applicable_product_tags")
                }
                return try CommitSpecifierWire.checked(list, field: "\(field)specifiers")
            },
            netsuiteSalesOrderId: body.netsuiteSalesOrderId,
            childAccess: try body.hierarchyConfiguration?.checked(field: "\(field)hierarchy_configuration").childAccess,
            subscriptionConfig: try body.subscriptionConfig?.terms(field: "\(field)subscription_config")
        )
    }
}

/// A usage filter as `contracts/create` takes it: `starting_at` defaults to the contract's start.
struct UsageFilterBody: Decodable {
    var groupKey: String
    var groupValues: [String]
    var startingAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case groupKey = "group_key", groupValues = "group_values", startingAt = "starting_at"
    }

    /// The filter from `startingAt` (or `defaultStart`), checked.
    func terms(defaultStart: Timestamp, field: String) throws -> UsageFilterTerms {
        try Validate.length(groupKey, field: "\(field)group_key", 1...Limits.identifierLength.upperBound)
        guard !groupValues.isEmpty else { throw APIError.badRequest("'\(field)group_values' must not be empty") }
        return UsageFilterTerms(groupKey: groupKey, groupValues: groupValues, startingAt: startingAt ?? defaultStart)
    }
}

/// The body of `POST /v1/contracts/setUsageFilter`.
struct SetUsageFilterRequest: Decodable {
    var customerId: String
    var contractId: String
    var groupKey: String
    var groupValues: [String]
    var startingAt: Timestamp

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", groupKey = "group_key", groupValues = "group_values"
        case startingAt = "starting_at"
    }
}

/// The body of `get`: `customer_id` and `contract_id`; balances and ledgers are not answered yet.
struct GetContractRequest: Decodable {
    var customerId: String
    var contractId: String
    var includeBalance: Bool?
    var includeLedgers: Bool?
    /// The contract as it stood then (v2's `as_of_date`).
    var asOfDate: Timestamp?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", includeBalance = "include_balance"
        case includeLedgers = "include_ledgers", asOfDate = "as_of_date"
    }
}

/// The body of `POST /v1/contracts/list` (the page `cursor` and `limit` are in the body).
struct ListContractsRequest: Decodable {
    var customerId: String
    var coveringDate: Timestamp?
    var startingAt: Timestamp?
    var includeArchived: Bool?
    var includeBalance: Bool?
    var includeLedgers: Bool?
    var limit: Int?
    var cursor: String?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", coveringDate = "covering_date", startingAt = "starting_at"
        case includeArchived = "include_archived", includeBalance = "include_balance", includeLedgers = "include_ledgers"
        case limit, cursor
    }
}

/// The body of `archive`.
struct ArchiveContractRequest: Decodable {
    var customerId: String
    var contractId: String
    var voidInvoices: Bool

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", voidInvoices = "void_invoices"
    }
}

/// The body of `updateEndDate`: no `ending_before` (or null) makes the contract open-ended.
struct UpdateContractEndDateRequest: Decodable {
    var customerId: String
    var contractId: String
    var endingBefore: Timestamp?
    var allowEndingBeforeFinalizedInvoice: Bool?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", endingBefore = "ending_before"
        case allowEndingBeforeFinalizedInvoice = "allow_ending_before_finalized_invoice"
    }
}

/// The body of `getContractRateSchedule` (paging is in the query).
struct GetContractRateScheduleRequest: Decodable {
    var customerId: String
    var contractId: String
    var at: Timestamp?
    var selectors: [RateSelectorBody]?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", at, selectors
    }
}
