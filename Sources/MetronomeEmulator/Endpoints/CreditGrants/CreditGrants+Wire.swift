import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

// MARK: - Requests

/// An amount in a credit type, as `grant_amount` and `paid_amount` carry it.
struct CreditAmountWire: Decodable {
    var amount: Decimal
    var creditTypeId: String

    enum CodingKeys: String, CodingKey {
        case amount, creditTypeId = "credit_type_id"
    }
}

/// The body of `createGrant`.
struct CreateCreditGrantRequest: Decodable {
    var customerId: String
    var name: String
    var grantAmount: CreditAmountWire
    var paidAmount: CreditAmountWire
    var priority: Decimal
    var expiresAt: Timestamp
    var effectiveAt: Timestamp?
    var productIds: [String]?
    var creditGrantType: String?
    var reason: String?
    var customFields: [String: String]?
    var uniquenessKey: String?

    /// Fields of Metronome's grant the emulator does not support yet: an invoice for the paid
    /// amount, and rollovers (an opt-in beta).
    static let unsupportedFields = ["invoice_date", "rollover_settings"]

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", name, grantAmount = "grant_amount", paidAmount = "paid_amount", priority
        case expiresAt = "expires_at", effectiveAt = "effective_at", productIds = "product_ids"
        case creditGrantType = "credit_grant_type", reason, customFields = "custom_fields", uniquenessKey = "uniqueness_key"
    }

    /// The grant to create, each field checked.
    func validated() throws -> NewCreditGrant {
        guard grantAmount.amount > 0 else { throw APIError.badRequest("'grant_amount.amount' must be > 0") }
        guard paidAmount.amount >= 0 else { throw APIError.badRequest("'paid_amount.amount' must be >= 0") }
        guard priority >= 0 else { throw APIError.badRequest("'priority' must be >= 0") }
        if let effectiveAt, effectiveAt >= expiresAt {
            throw APIError.badRequest("'expires_at' must be after 'effective_at'")
        }
        let productIds = try Validate.ids(self.productIds ?? [], field: "product_ids")
        if let uniquenessKey {
            try Validate.length(uniquenessKey, field: "uniqueness_key", Limits.identifierLength)
        }
        for (key, value) in customFields ?? [:] {
            try Validate.length(key, field: "custom_fields key", 1...Limits.customFieldLength)
            try Validate.length(value, field: "custom_fields.\(key)", 0...Limits.customFieldLength)
        }
        return NewCreditGrant(
            customerId: try Validate.id(customerId, field: "customer_id"), name: try Validate.name(name),
            grantAmount: grantAmount.amount,
            grantCreditTypeId: try Validate.id(grantAmount.creditTypeId, field: "grant_amount.credit_type_id"),
            paidAmount: paidAmount.amount,
            paidCreditTypeId: try Validate.id(paidAmount.creditTypeId, field: "paid_amount.credit_type_id"),
            priority: priority, effectiveAt: effectiveAt, expiresAt: expiresAt,
            productIds: productIds,
            creditGrantType: creditGrantType, reason: reason, customFields: customFields ?? [:], uniquenessKey: uniquenessKey
        )
    }
}

/// The body of `editGrant`.
struct EditCreditGrantRequest: Decodable {
    var id: String
    var name: String?
    var expiresAt: Timestamp?
    var creditGrantType: String?

    enum CodingKeys: String, CodingKey {
        case id, name, expiresAt = "expires_at", creditGrantType = "credit_grant_type"
    }
}

/// The body of `voidGrant`.
struct VoidCreditGrantRequest: Decodable {
    var id: String
    var releaseUniquenessKey: Bool?
    var voidCreditPurchaseInvoice: Bool?

    enum CodingKeys: String, CodingKey {
        case id, releaseUniquenessKey = "release_uniqueness_key", voidCreditPurchaseInvoice = "void_credit_purchase_invoice"
    }
}

/// The body of `listGrants`.
struct ListCreditGrantsRequest: Decodable {
    var creditGrantIds: [String]?
    var creditTypeIds: [String]?
    var customerIds: [String]?
    var effectiveBefore: Timestamp?
    var notExpiringBefore: Timestamp?

    enum CodingKeys: String, CodingKey {
        case creditGrantIds = "credit_grant_ids", creditTypeIds = "credit_type_ids", customerIds = "customer_ids"
        case effectiveBefore = "effective_before", notExpiringBefore = "not_expiring_before"
    }

    /// The filter, each ID checked; `credit_grant_ids` excludes the other two lists.
    func validated() throws -> CreditGrantFilter {
        let grantIds = creditGrantIds ?? []
        if !grantIds.isEmpty, !(creditTypeIds ?? []).isEmpty || !(customerIds ?? []).isEmpty {
            throw APIError.badRequest("'credit_grant_ids' may not be given with 'credit_type_ids' or 'customer_ids'")
        }
        return CreditGrantFilter(
            creditGrantIds: try Validate.ids(grantIds, field: "credit_grant_ids"),
            creditTypeIds: try Validate.ids(creditTypeIds ?? [], field: "credit_type_ids"),
            customerIds: try Validate.ids(customerIds ?? [], field: "customer_ids"),
            effectiveBefore: effectiveBefore, notExpiringBefore: notExpiringBefore
        )
    }
}

/// The body of `listEntries`.
struct ListCreditEntriesRequest: Decodable {
    var creditTypeIds: [String]?
    var customerIds: [String]?
    var endingBefore: Timestamp?
    var startingOn: Timestamp?

    enum CodingKeys: String, CodingKey {
        case creditTypeIds = "credit_type_ids", customerIds = "customer_ids", endingBefore = "ending_before"
        case startingOn = "starting_on"
    }
}

// MARK: - Responses

/// An amount with its credit type.
struct CreditAmountDataWire: Encodable {
    var amount: Decimal
    var creditType: CreditTypeDataWire

    enum CodingKeys: String, CodingKey {
        case amount, creditType = "credit_type"
    }
}

/// A balance at a moment, with and without what is pending.
struct CreditBalanceWire: Encodable {
    var effectiveAt: Timestamp
    var excludingPending: Decimal
    var includingPending: Decimal

    enum CodingKeys: String, CodingKey {
        case effectiveAt = "effective_at", excludingPending = "excluding_pending", includingPending = "including_pending"
    }
}

/// One entry of a credit ledger (`CreditLedgerEntry`).
struct CreditLedgerEntryWire: Encodable {
    var amount: Decimal
    var createdBy: String
    var creditGrantId: String
    var effectiveAt: Timestamp
    var reason: String
    var runningBalance: Decimal
    var invoiceId: String?

    enum CodingKeys: String, CodingKey {
        case amount, createdBy = "created_by", creditGrantId = "credit_grant_id", effectiveAt = "effective_at", reason
        case runningBalance = "running_balance", invoiceId = "invoice_id"
    }

    /// The wire form of `entry`: grants are posted by the API, the rest by Metronome itself.
    init(_ entry: MetronomeStore.CreditLedgerEntry) {
        amount = entry.amount
        createdBy = entry.kind == .grant ? "API" : AppDatabase.creditLedgerSystemActor
        creditGrantId = entry.creditGrantId
        effectiveAt = entry.effectiveAt
        reason = entry.reason
        runningBalance = entry.runningBalance
        invoiceId = entry.invoiceId
    }
}

/// A product a grant pays for.
struct CreditGrantProductWire: Encodable {
    var id: String
    var name: String
}

/// A credit grant as `listGrants` shows it.
struct CreditGrantWire: Encodable {
    var id: String
    var balance: CreditBalanceWire
    var customFields: [String: String]
    var customerId: String
    var deductions: [CreditLedgerEntryWire]
    var effectiveAt: Timestamp
    var expiresAt: Timestamp
    var grantAmount: CreditAmountDataWire
    var name: String
    var paidAmount: CreditAmountDataWire
    var pendingDeductions: [CreditLedgerEntryWire]
    var priority: Decimal
    var creditGrantType: String?
    var products: [CreditGrantProductWire]?
    var reason: String?
    var uniquenessKey: String?

    enum CodingKeys: String, CodingKey {
        case id, balance, customFields = "custom_fields", customerId = "customer_id", deductions
        case effectiveAt = "effective_at", expiresAt = "expires_at", grantAmount = "grant_amount", name
        case paidAmount = "paid_amount", pendingDeductions = "pending_deductions", priority
        case creditGrantType = "credit_grant_type", products, reason, uniquenessKey = "uniqueness_key"
    }

    /// The wire form of `account`, credit types named from `names`.
    init(_ account: CreditGrantAccount, names: [String: String]) {
        let record = account.record
        id = record.id
        balance = CreditBalanceWire(
            effectiveAt: account.balanceEffectiveAt, excludingPending: account.balanceExcludingPending,
            includingPending: account.balanceIncludingPending
        )
        customFields = record.customFields
        customerId = record.customerId
        deductions = account.deductions.map(CreditLedgerEntryWire.init)
        effectiveAt = record.effectiveAt
        expiresAt = record.expiresAt
        grantAmount = CreditAmountDataWire(amount: record.grantAmount, creditType: CreditTypeDataWire(id: record.grantCreditTypeId, names: names))
        name = record.name
        paidAmount = CreditAmountDataWire(amount: record.paidAmount, creditType: CreditTypeDataWire(id: record.paidCreditTypeId, names: names))
        pendingDeductions = account.pendingDeductions.map(CreditLedgerEntryWire.init)
        priority = record.priority
        creditGrantType = record.creditGrantType
        products = record.productIds.isEmpty
            ? nil : record.productIds.map { CreditGrantProductWire(id: $0, name: account.productNames[$0] ?? $0) }
        reason = record.reason
        uniquenessKey = record.uniquenessKey
    }
}

/// One customer's ledgers, as `listEntries` shows them.
struct CustomerCreditLedgersWire: Encodable {
    var customerId: String
    var ledgers: [LedgerWire]

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", ledgers
    }

    /// The ledger of one credit type.
    struct LedgerWire: Encodable {
        var creditType: CreditTypeDataWire
        var endingBalance: CreditBalanceWire
        var entries: [CreditLedgerEntryWire]
        var pendingEntries: [CreditLedgerEntryWire]
        var startingBalance: CreditBalanceWire

        enum CodingKeys: String, CodingKey {
            case creditType = "credit_type", endingBalance = "ending_balance", entries, pendingEntries = "pending_entries"
            case startingBalance = "starting_balance"
        }

        /// The wire form of `ledger`.
        init(_ ledger: CreditLedger) {
            creditType = CreditTypeDataWire(InvoiceCreditType(id: ledger.creditTypeId, name: ledger.creditTypeName))
            endingBalance = CreditBalanceWire(
                effectiveAt: ledger.endingAt, excludingPending: ledger.endingExcludingPending,
                includingPending: ledger.endingIncludingPending
            )
            entries = ledger.entries.map(CreditLedgerEntryWire.init)
            pendingEntries = ledger.pendingEntries.map(CreditLedgerEntryWire.init)
            startingBalance = CreditBalanceWire(
                effectiveAt: ledger.startingAt, excludingPending: ledger.startingExcludingPending,
                includingPending: ledger.startingIncludingPending
            )
        }
    }
}
