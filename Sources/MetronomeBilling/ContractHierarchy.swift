import Foundation
import MetronomeCodecs

/// A contract's place in an account hierarchy (`hierarchy_configuration`): the parent a child
/// contract names, and how the two bill; or, on a parent, how it consolidates its children.
package struct ContractHierarchy: Sendable, Equatable, Codable {
    /// The parent's contract and customer; nil on a parent.
    package var parent: Node?
    package var payer: Payer?
    package var usageStatementBehavior: UsageStatementBehavior?
    /// `parent_behavior.invoice_consolidation_type`.
    package var invoiceConsolidationType: InvoiceConsolidationType?

    /// A contract of a customer.
    package struct Node: Sendable, Equatable, Codable {
        package var contractId: String
        package var customerId: String

        package enum CodingKeys: String, CodingKey {
            case contractId = "contract_id", customerId = "customer_id"
        }

        /// A value with each stored property given.
        package init(contractId: String, customerId: String) {
            self.contractId = contractId
            self.customerId = customerId
        }
    }

    /// Who pays for the child's invoice charges.
    package enum Payer: String, WireEnum {
        case `self` = "SELF", parent = "PARENT"
    }

    /// Whether the child's statements go on the parent's consolidated invoices.
    package enum UsageStatementBehavior: String, WireEnum {
        case consolidate = "CONSOLIDATE", separate = "SEPARATE"
    }

    /// Whether the parent gets consolidated invoices.
    package enum InvoiceConsolidationType: String, WireEnum {
        case concatenate = "CONCATENATE", none = "NONE"
    }

    package enum CodingKeys: String, CodingKey {
        case parent, payer, usageStatementBehavior = "usage_statement_behavior"
        case invoiceConsolidationType = "invoice_consolidation_type"
    }

    /// A value with each stored property given.
    package init(
        parent: Node? = nil, payer: Payer? = nil, usageStatementBehavior: UsageStatementBehavior? = nil,
        invoiceConsolidationType: InvoiceConsolidationType? = nil
    ) {
        self.parent = parent
        self.payer = payer
        self.usageStatementBehavior = usageStatementBehavior
        self.invoiceConsolidationType = invoiceConsolidationType
    }
}

/// One of the invoices a parent's consolidated invoice concatenates.
package struct ConstituentInvoice: Sendable, Equatable, Codable {
    package var contractId: String
    package var customerId: String
    package var invoiceId: String

    package enum CodingKeys: String, CodingKey {
        case contractId = "contract_id", customerId = "customer_id", invoiceId = "invoice_id"
    }

    /// A value with each stored property given.
    package init(contractId: String, customerId: String, invoiceId: String) {
        self.contractId = contractId
        self.customerId = customerId
        self.invoiceId = invoiceId
    }
}

/// A contract commit's or credit's `hierarchy_configuration.child_access`: which child
/// contracts of its contract may draw it down.
package enum CommitChildAccess: Sendable, Equatable, Codable {
    case all
    case none
    case contractIds([String])

    /// Whether the commit may pay for invoices of child contract `contractId`.
    package func admits(_ contractId: String) -> Bool {
        switch self {
        case .all: true
        case .none: false
        case .contractIds(let ids): ids.contains(contractId)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, contractIds = "contract_ids"
    }

    private enum Kind: String, WireEnum {
        case all = "ALL", none = "NONE", contractIds = "CONTRACT_IDS"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .type) {
        case .all: self = .all
        case .none: self = .none
        case .contractIds: self = .contractIds(try container.decode([String].self, forKey: .contractIds))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .all: try container.encode("ALL", forKey: .type)
        case .none: try container.encode("NONE", forKey: .type)
        case .contractIds(let ids):
            try container.encode(ids, forKey: .contractIds)
            try container.encode("CONTRACT_IDS", forKey: .type)
        }
    }
}
