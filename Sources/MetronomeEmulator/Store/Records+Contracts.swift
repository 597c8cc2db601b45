import Foundation
import GRDB

/// A row of `contract`: the contract's own terms; its commits and credits are rows of
/// `commit_or_credit`.
struct ContractRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "contract"
    var seq: Int64?
    var id: String
    var customerId: String
    var name: String?
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var rateCardId: String?
    var usageStatementSchedule: UsageStatementSchedule
    var netPaymentTermsDays: Decimal?
    var scheduledCharges: [ScheduledChargeTerms]
    var discounts: [ScheduledChargeTerms]
    var subscriptions: [SubscriptionTerms]
    var overrides: [OverrideTerms]
    var transitions: [TransitionTerms]
    var customFields: [String: String]
    var uniquenessKey: String?
    var createdAt: Timestamp
    var archivedAt: Timestamp?

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
        static let customerId = Column(CodingKeys.customerId)
        static let startingAt = Column(CodingKeys.startingAt)
        static let endingBefore = Column(CodingKeys.endingBefore)
        static let uniquenessKey = Column(CodingKeys.uniquenessKey)
        static let archivedAt = Column(CodingKeys.archivedAt)
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, customerId = "customer_id", name, startingAt = "starting_at", endingBefore = "ending_before"
        case rateCardId = "rate_card_id", usageStatementSchedule = "usage_statement_schedule"
        case netPaymentTermsDays = "net_payment_terms_days", scheduledCharges = "scheduled_charges", discounts
        case subscriptions, overrides, transitions, customFields = "custom_fields", uniquenessKey = "uniqueness_key"
        case createdAt = "created_at", archivedAt = "archived_at"
    }

    /// The row of `terms` (whose commits and credits are stored apart).
    init(_ terms: ContractTerms) {
        id = terms.id
        customerId = terms.customerId
        name = terms.name
        startingAt = terms.startingAt
        endingBefore = terms.endingBefore
        rateCardId = terms.rateCardId
        usageStatementSchedule = terms.usageStatementSchedule
        netPaymentTermsDays = terms.netPaymentTermsDays
        scheduledCharges = terms.scheduledCharges
        discounts = terms.discounts
        subscriptions = terms.subscriptions
        overrides = terms.overrides
        transitions = terms.transitions
        customFields = terms.customFields
        uniquenessKey = terms.uniquenessKey
        createdAt = terms.createdAt
        archivedAt = terms.archivedAt
    }

    /// The contract's terms with `commitsAndCredits`, which are split by kind.
    func terms(commitsAndCredits: [CommitTerms]) -> ContractTerms {
        ContractTerms(
            id: id, customerId: customerId, name: name, startingAt: startingAt, endingBefore: endingBefore,
            rateCardId: rateCardId, usageStatementSchedule: usageStatementSchedule, netPaymentTermsDays: netPaymentTermsDays,
            commits: commitsAndCredits.filter { $0.kind == .commit }, credits: commitsAndCredits.filter { $0.kind == .credit },
            scheduledCharges: scheduledCharges, discounts: discounts, subscriptions: subscriptions, overrides: overrides,
            transitions: transitions, customFields: customFields, uniquenessKey: uniquenessKey, createdAt: createdAt,
            archivedAt: archivedAt
        )
    }
}

/// A row of `commit_or_credit`: a commit or credit of a contract or of a customer.
struct CommitRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "commit_or_credit"
    var seq: Int64?
    var id: String
    var kind: CommitKind
    var type: CommitType?
    var customerId: String
    var contractId: String?
    var productId: String
    var name: String?
    var description: String?
    var priority: Decimal?
    var creditTypeId: String
    var accessSchedule: [AccessSegment]
    /// Denormalised from `accessSchedule` so that lists filter by date in SQL.
    var accessStartingAt: Timestamp
    var accessEndingBefore: Timestamp
    var invoiceSchedule: InvoiceScheduleTerms?
    var applicableProductIds: [String]?
    var applicableProductTags: [String]?
    var applicableContractIds: [String]?
    var specifiers: [CommitSpecifier]?
    var rateType: CommitRateType?
    var rolloverFraction: Decimal?
    var invoiceContractId: String?
    var uniquenessKey: String?
    var customFields: [String: String]
    var createdAt: Timestamp
    var archivedAt: Timestamp?

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
        static let kind = Column(CodingKeys.kind)
        static let customerId = Column(CodingKeys.customerId)
        static let contractId = Column(CodingKeys.contractId)
        static let accessStartingAt = Column(CodingKeys.accessStartingAt)
        static let accessEndingBefore = Column(CodingKeys.accessEndingBefore)
        static let uniquenessKey = Column(CodingKeys.uniquenessKey)
        static let archivedAt = Column(CodingKeys.archivedAt)
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, kind, type, customerId = "customer_id", contractId = "contract_id", productId = "product_id", name
        case description, priority, creditTypeId = "credit_type_id", accessSchedule = "access_schedule"
        case accessStartingAt = "access_starting_at", accessEndingBefore = "access_ending_before"
        case invoiceSchedule = "invoice_schedule", applicableProductIds = "applicable_product_ids"
        case applicableProductTags = "applicable_product_tags", applicableContractIds = "applicable_contract_ids"
        case specifiers, rateType = "rate_type", rolloverFraction = "rollover_fraction"
        case invoiceContractId = "invoice_contract_id", uniquenessKey = "uniqueness_key", customFields = "custom_fields"
        case createdAt = "created_at", archivedAt = "archived_at"
    }

    /// The row of `terms`, whose access schedule must not be empty.
    init(_ terms: CommitTerms) {
        id = terms.id
        kind = terms.kind
        type = terms.type
        customerId = terms.customerId
        contractId = terms.contractId
        productId = terms.productId
        name = terms.name
        description = terms.description
        priority = terms.priority
        creditTypeId = terms.creditTypeId
        accessSchedule = terms.accessSchedule
        accessStartingAt = terms.accessStartingAt ?? terms.createdAt
        accessEndingBefore = terms.accessEndingBefore ?? terms.createdAt
        invoiceSchedule = terms.invoiceSchedule
        applicableProductIds = terms.applicableProductIds
        applicableProductTags = terms.applicableProductTags
        applicableContractIds = terms.applicableContractIds
        specifiers = terms.specifiers
        rateType = terms.rateType
        rolloverFraction = terms.rolloverFraction
        invoiceContractId = terms.invoiceContractId
        uniquenessKey = terms.uniquenessKey
        customFields = terms.customFields
        createdAt = terms.createdAt
        archivedAt = terms.archivedAt
    }

    /// The commit or credit this row holds.
    var terms: CommitTerms {
        CommitTerms(
            id: id, kind: kind, type: type, customerId: customerId, contractId: contractId, productId: productId, name: name,
            description: description, priority: priority, creditTypeId: creditTypeId, accessSchedule: accessSchedule,
            invoiceSchedule: invoiceSchedule, applicableProductIds: applicableProductIds,
            applicableProductTags: applicableProductTags, applicableContractIds: applicableContractIds,
            specifiers: specifiers, rateType: rateType, rolloverFraction: rolloverFraction,
            invoiceContractId: invoiceContractId, uniquenessKey: uniquenessKey, customFields: customFields,
            createdAt: createdAt, archivedAt: archivedAt
        )
    }
}
