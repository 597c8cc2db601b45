import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// Account hierarchies: a child contract names a parent contract of another customer, and may
/// draw down the parent's commits and credits that share with it.
extension AppDatabase {
    /// The most contracts one account hierarchy holds, the parent's included.
    package static let hierarchyNodeLimit = 10

    /// 404 if a new contract's parent is unknown; 400 if it is archived, the same customer's, a
    /// child itself, or full.
    static func checkHierarchy(of terms: ContractTerms, _ db: Database) throws {
        guard let parent = terms.hierarchy?.parent else { return }
        let field = "hierarchy_configuration.parent"
        let record = try contractRecord(customerId: parent.customerId, contractId: parent.contractId, db)
        if record.archivedAt != nil {
            throw StoreError.invalid("'\(field)': contract \(record.id) is archived")
        }
        if parent.customerId == terms.customerId {
            throw StoreError.invalid("'\(field)' must be a contract of another customer: a hierarchy links distinct customers")
        }
        if record.parentContractId != nil {
            throw StoreError.invalid(
                "'\(field)': contract \(record.id) is itself a child; hierarchies of more than one level are not supported by "
                    + "the emulator yet"
            )
        }
        let children = try ContractRecord.filter(ContractRecord.Columns.parentContractId == record.id)
            .filter(ContractRecord.Columns.archivedAt == nil).fetchCount(db)
        if children + 2 > hierarchyNodeLimit {
            throw StoreError.invalid(
                "'\(field)': contract \(record.id) has \(children) children, and an account hierarchy holds at most "
                    + "\(hierarchyNodeLimit) contracts"
            )
        }
    }

    /// 400 if a commit or credit (or recurring one) of contract `contractId` shares with
    /// contracts that are not its children; each named by its field in the request.
    static func checkChildAccess(_ accesses: [(field: String, access: CommitChildAccess?)], contractId: String, _ db: Database) throws {
        let named = accesses.compactMap { item -> (String, [String])? in
            guard case .contractIds(let ids)? = item.access else { return nil }
            return (item.field, ids)
        }
        guard !named.isEmpty else { return }
        let children = Set(try String.fetchAll(db, sql: "SELECT id FROM contract WHERE parent_contract_id = ?", arguments: [contractId]))
        for (field, ids) in named {
            if let stranger = ids.first(where: { !children.contains($0) }) {
                throw StoreError.invalid(
                    "'\(field)hierarchy_configuration.child_access.contract_ids': \(stranger) is not a child contract of \(contractId)"
                )
            }
        }
    }

    /// The customers whose contract invoices may draw down the same commits and credits as
    /// `customerId`'s: itself, and, for each hierarchy one of its contracts is in, the parent's
    /// customer and the children's.
    static func hierarchyCustomerIds(of customerId: String, _ db: Database) throws -> Set<String> {
        let others = try String.fetchAll(db, sql: """
            WITH root AS (SELECT COALESCE(parent_contract_id, id) AS id FROM contract WHERE customer_id = ?)
            SELECT customer_id FROM contract WHERE parent_contract_id IN (SELECT id FROM root)
            UNION
            SELECT parent.customer_id FROM contract AS parent JOIN contract AS child ON child.parent_contract_id = parent.id
            WHERE parent.id IN (SELECT id FROM root)
            """, arguments: [customerId])
        return Set(others + [customerId])
    }

    /// Who pays a contract's usage invoices, in an account hierarchy: the parent for a child
    /// whose `payer` is PARENT, the contract itself otherwise; nil outside any hierarchy.
    static func invoicePayer(of contract: ContractRecord, _ db: Database) throws -> ContractHierarchy.Node? {
        let own = ContractHierarchy.Node(contractId: contract.id, customerId: contract.customerId)
        if let parent = contract.hierarchy?.parent {
            return contract.hierarchy?.payer == .parent ? parent : own
        }
        let hasChildren = try ContractRecord.filter(ContractRecord.Columns.parentContractId == contract.id)
            .filter(ContractRecord.Columns.archivedAt == nil).fetchCount(db) > 0
        return hasChildren ? own : nil
    }

    /// A parent's USAGE_CONSOLIDATED invoice: its own usage statement for the period, then those
    /// of its consolidating children ending within the period, in the order they were made, each
    /// as it stands (drafts rated from the usage before `cutoff`).
    static func consolidatedInvoice(_ record: InvoiceRecord, until cutoff: Timestamp, fiat: InvoiceCreditType, _ db: Database) throws
        -> InvoiceDocument {
        guard let parent = try ContractRecord.filter(ContractRecord.Columns.id == record.sourceId).fetchOne(db) else {
            throw StoreError.corrupt("Invoice \(record.id) lost its contract")
        }
        let children = try ContractRecord.filter(ContractRecord.Columns.parentContractId == parent.id)
            .filter(ContractRecord.Columns.archivedAt == nil).fetchAll(db)
            .filter { $0.hierarchy?.usageStatementBehavior == .consolidate }
        let statements = try InvoiceRecord.filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.contract.rawValue)
            .filter(InvoiceRecord.Columns.status != InvoiceStatus.void.rawValue)
            .filter(InvoiceRecord.Columns.sourceId == parent.id || children.map(\.id).contains(InvoiceRecord.Columns.sourceId))
            .filter(InvoiceRecord.Columns.endTimestamp > record.startTimestamp && InvoiceRecord.Columns.endTimestamp <= record.endTimestamp)
            .order(InvoiceRecord.Columns.seq).fetchAll(db)
        let contractOf = Dictionary(([parent] + children).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [InvoiceLineItem] = []
        var total: Decimal = 0
        var constituents: [ConstituentInvoice] = []
        func order(_ statement: InvoiceRecord) -> (Int, Int64) { (statement.sourceId == parent.id ? 0 : 1, statement.seq ?? 0) }
        for statement in statements.sorted(by: { order($0) < order($1) }) {
            let document = try statement.document ?? ratedInvoice(statement, until: min(cutoff, statement.endTimestamp), db)
            lines += document.lineItems
            total += document.total
            let contract = contractOf[statement.sourceId]
            constituents.append(ConstituentInvoice(
                contractId: statement.sourceId, customerId: contract?.customerId ?? statement.customerId, invoiceId: statement.id
            ))
        }
        return InvoiceDocument(
            id: record.id, customerId: record.customerId, creditType: fiat, lineItems: lines, status: record.status.rawValue,
            total: total, type: "USAGE_CONSOLIDATED", startTimestamp: record.startTimestamp, endTimestamp: record.endTimestamp,
            issuedAt: record.issuedAt, contractId: parent.id, netPaymentTermsDays: parent.netPaymentTermsDays, customFields: [:],
            regeneratedFromInvoiceId: record.regeneratedFromInvoiceId,
            payer: ContractHierarchy.Node(contractId: parent.id, customerId: parent.customerId), constituentInvoices: constituents
        )
    }

    /// The child contracts of each of `contractIds`, oldest first.
    static func hierarchyChildren(of contractIds: [String], _ db: Database) throws -> [String: [ContractHierarchy.Node]] {
        guard !contractIds.isEmpty else { return [:] }
        let children = try ContractRecord.filter(contractIds.contains(ContractRecord.Columns.parentContractId))
            .filter(ContractRecord.Columns.archivedAt == nil).order(ContractRecord.Columns.seq).fetchAll(db)
        return Dictionary(grouping: children, by: { $0.parentContractId ?? "" })
            .mapValues { $0.map { ContractHierarchy.Node(contractId: $0.id, customerId: $0.customerId) } }
    }
}
