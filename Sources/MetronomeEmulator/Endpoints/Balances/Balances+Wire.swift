import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The body of `POST /v1/contracts/customerBalances/list`.
struct ListBalancesRequest: Decodable {
    var customerId: String
    var id: String?
    var coveringDate: Timestamp?
    var startingAt: Timestamp?
    var effectiveBefore: Timestamp?
    var excludeZeroBalances: Bool?
    var includeArchived: Bool?
    var includeBalance: Bool?
    var includeContractBalances: Bool?
    var includeLedgers: Bool?
    var limit: Int?
    var nextPage: String?
    var accessType: BalanceAccessType?

    enum CodingKeys: String, CodingKey {
        case accessType = "access_type"
        case customerId = "customer_id", id, coveringDate = "covering_date", startingAt = "starting_at"
        case effectiveBefore = "effective_before", excludeZeroBalances = "exclude_zero_balances"
        case includeArchived = "include_archived", includeBalance = "include_balance"
        case includeContractBalances = "include_contract_balances", includeLedgers = "include_ledgers", limit
        case nextPage = "next_page"
    }
}

/// The body of `POST /v1/contracts/customerBalances/getNetBalance`.
struct NetBalanceRequest: Decodable {
    var customerId: String
    var creditTypeId: String?
    var filters: [BalanceFilter]?
    var invoiceInclusionMode: InvoiceInclusionMode?
    var accessType: BalanceAccessType?

    enum CodingKeys: String, CodingKey {
        case accessType = "access_type"
        case customerId = "customer_id", creditTypeId = "credit_type_id", filters
        case invoiceInclusionMode = "invoice_inclusion_mode"
    }

    /// Which invoices' deductions count.
    enum InvoiceInclusionMode: String, WireEnum {
        case finalized = "FINALIZED"
        case finalizedAndDraft = "FINALIZED_AND_DRAFT"
    }

    /// Commits and credits a net balance counts; filters are OR'd, the fields of one AND'd.
    struct BalanceFilter: Decodable {
        var balanceTypes: [BalanceType]?
        var customFields: [String: String]?
        var ids: [String]?

        enum CodingKeys: String, CodingKey {
            case balanceTypes = "balance_types", customFields = "custom_fields", ids
        }

        /// The kinds of balance.
        enum BalanceType: String, WireEnum {
            case prepaidCommit = "PREPAID_COMMIT"
            case postpaidCommit = "POSTPAID_COMMIT"
            case credit = "CREDIT"
        }

        func matches(_ commit: CommitTerms) -> Bool {
            if let ids, !ids.contains(commit.id) { return false }
            if let types = balanceTypes {
                let type: BalanceType = commit.kind == .credit ? .credit : (commit.type == .postpaid ? .postpaidCommit : .prepaidCommit)
                guard types.contains(type) else { return false }
            }
            if let wanted = customFields, !wanted.allSatisfy({ commit.customFields[$0.key] == $0.value }) { return false }
            return true
        }
    }
}

/// `{"balance", "credit_type_id"}`: what the customer can spend now.
struct NetBalanceWire: Encodable {
    var balance: Decimal
    var creditTypeId: String

    enum CodingKeys: String, CodingKey {
        case balance, creditTypeId = "credit_type_id"
    }
}
