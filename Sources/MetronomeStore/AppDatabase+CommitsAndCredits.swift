import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A commit or credit as the customer-level lists answer it.
package struct CommitSnapshot: Sendable {
    /// Insertion order, the list's page key.
    package var seq: Int64
    package var terms: CommitTerms
    package var names: CatalogNames

    /// A value with each stored property given.
    package init(seq: Int64, terms: CommitTerms, names: CatalogNames) {
        self.seq = seq
        self.terms = terms
        self.names = names
    }
}

/// The filters of `customerCommits/list` and `customerCredits/list`.
package struct CommitListFilter: Sendable {
    /// Only this commit or credit.
    package var id: String?
    /// Only those whose access schedule is open at this moment.
    package var coveringDate: Timestamp?
    /// Only those whose access starts at or after this moment.
    package var startingAt: Timestamp?
    /// Only those whose access starts before this moment.
    package var effectiveBefore: Timestamp?
    package var includeArchived: Bool
    /// Also those of the customer's contracts.
    package var includeContractLevel: Bool
    /// Only those drawn down this way; nil: all.
    package var accessType: BalanceAccessType?

    /// A value with each stored property given.
    package init(
        id: String? = nil,
        coveringDate: Timestamp? = nil,
        startingAt: Timestamp? = nil,
        effectiveBefore: Timestamp? = nil,
        includeArchived: Bool,
        includeContractLevel: Bool,
        accessType: BalanceAccessType? = nil
    ) {
        self.accessType = accessType
        self.id = id
        self.coveringDate = coveringDate
        self.startingAt = startingAt
        self.effectiveBefore = effectiveBefore
        self.includeArchived = includeArchived
        self.includeContractLevel = includeContractLevel
    }
}

extension AppDatabase {
    /// Creates a customer-level commit or credit; returns its ID. 404 for an unknown customer,
    /// product, credit type or contract; 409 for a reused uniqueness key.
    package func createCommitOrCredit(_ terms: CommitTerms) async throws -> String {
        try await writer.write { db in
            _ = try Self.customerRecord(id: terms.customerId, db)
            try Self.checkCommitReferences(terms, field: nil, db)
            try Self.settle(customerId: terms.customerId, now: terms.createdAt, db)
            try CommitRecord(terms).insert(db)
            try Self.recordCommitAction("create", commit: terms, now: terms.createdAt, db)
            try Self.settle(customerId: terms.customerId, now: terms.createdAt, db)
            return terms.id
        }
    }

    /// Up to `limit` commits (or credits) of a customer matching `filter`, in creation order,
    /// after sequence `afterSeq`.
    package func commitsOrCredits(
        customerId: String, kind: CommitKind, filter: CommitListFilter, afterSeq: Int64?, limit: Int, now: Timestamp
    ) async throws -> [CommitSnapshot] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            return try Self.commitsOrCredits(
                customerId: customerId, kinds: [kind], filter: filter, afterSeq: afterSeq, limit: limit, now: now, db
            )
        }
    }

    /// Up to `limit` commits and credits of the kinds in `kinds` matching `filter`, in creation
    /// order, after sequence `afterSeq`.
    package static func commitsOrCredits(
        customerId: String, kinds: [CommitKind], filter: CommitListFilter, afterSeq: Int64?, limit: Int?, now: Timestamp,
        _ db: Database
    ) throws -> [CommitSnapshot] {
        var request = CommitRecord
            .filter(CommitRecord.Columns.customerId == customerId && kinds.map(\.rawValue).contains(CommitRecord.Columns.kind))
            .order(CommitRecord.Columns.seq)
        if !filter.includeContractLevel {
            request = request.filter(CommitRecord.Columns.contractId == nil)
        }
        if !filter.includeArchived {
            request = request.filter(CommitRecord.Columns.archivedAt == nil)
        }
        if let id = filter.id {
            request = request.filter(CommitRecord.Columns.id == id)
        }
        if let date = filter.coveringDate {
            request = request.filter(CommitRecord.Columns.accessStartingAt <= date && CommitRecord.Columns.accessEndingBefore > date)
        }
        if let start = filter.startingAt {
            request = request.filter(CommitRecord.Columns.accessStartingAt >= start)
        }
        if let before = filter.effectiveBefore {
            request = request.filter(CommitRecord.Columns.accessStartingAt < before)
        }
        if let accessType = filter.accessType {
            request = request.filter(
                accessType == .spend ? CommitRecord.Columns.accessType == nil : CommitRecord.Columns.accessType == accessType.rawValue
            )
        }
        if let afterSeq {
            request = request.filter(CommitRecord.Columns.seq > afterSeq)
        }
        if let limit {
            request = request.limit(limit)
        }
        // A covering date between two segments falls in the SQL range but in no segment.
        let records = try request.fetchAll(db).filter { record in
            filter.coveringDate.map { record.terms.covers($0) } ?? true
        }
        let names = try Self.catalogNames(contracts: [], commits: records.map(\.terms), now: now, db)
        return records.map { CommitSnapshot(seq: $0.seq ?? 0, terms: $0.terms, names: names) }
    }

    /// Moves the end of a commit's (or credit's) access, and of a commit's invoices, earlier;
    /// 404 if the customer has no such commit, 400 if it is archived or an end would move later.
    package func updateCommitOrCreditEndDate(
        customerId: String, kind: CommitKind, id: String, accessEndingBefore: Timestamp?, invoicesEndingBefore: Timestamp?,
        now: Timestamp
    ) async throws {
        try await writer.write { db in
            _ = try Self.customerRecord(id: customerId, db)
            guard var record = try CommitRecord
                .filter(CommitRecord.Columns.id == id && CommitRecord.Columns.customerId == customerId)
                .filter(CommitRecord.Columns.kind == kind.rawValue)
                .fetchOne(db)
            else {
                throw StoreError.notFound(kind == .commit ? "Commit" : "Credit", id)
            }
            guard record.archivedAt == nil else {
                throw StoreError.invalid("\(kind == .commit ? "Commit" : "Credit") \(id) is archived")
            }
            var terms = record.terms
            do throws(PricingRuleViolation) {
                if let end = accessEndingBefore {
                    terms.accessSchedule = try ContractRules.endAccess(terms.accessSchedule, before: end)
                    guard !terms.accessSchedule.isEmpty else {
                        throw PricingRuleViolation(message: "'access_ending_before' must be after the start of access")
                    }
                }
            } catch {
                throw StoreError.invalid(error.message)
            }
            if let end = invoicesEndingBefore, let schedule = terms.invoiceSchedule {
                terms.invoiceSchedule = ContractRules.endInvoices(schedule, before: end)
            }
            try Self.settle(customerId: customerId, now: now, db)
            let seq = record.seq
            record = CommitRecord(terms)
            record.seq = seq
            try record.update(db)
            try Self.recordCommitAction("edit", commit: terms, now: now, db)
            try Self.settle(customerId: customerId, now: now, db)
        }
    }

    /// The customer-level commits and credits of a customer that are not archived, in creation
    /// order: what the billing engine draws down besides contract-level ones. Balances and
    /// ledgers are the engine's to compute.
    package func customerCommitsAndCredits(customerId: String) async throws -> [CommitTerms] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            return try CommitRecord
                .filter(CommitRecord.Columns.customerId == customerId)
                .filter(CommitRecord.Columns.contractId == nil && CommitRecord.Columns.archivedAt == nil)
                .order(CommitRecord.Columns.seq)
                .fetchAll(db)
                .map(\.terms)
        }
    }

    // MARK: - Helpers inside a transaction

    /// Checks what a commit or credit refers to: a FIXED product that is not archived, known
    /// credit types, products and contracts, and an unused uniqueness key (409). `field`
    /// prefixes field names (e.g. `commits[0]`), nil for a top-level body.
    package static func checkCommitReferences(_ terms: CommitTerms, field: String?, _ db: Database) throws {
        let prefix = field.map { "\($0)." } ?? ""
        let product = try activeProduct(id: terms.productId, field: "\(prefix)product_id", db)
        guard product.type == .fixed else {
            throw StoreError.invalid("'\(prefix)product_id' must be a FIXED product; \(terms.productId) is \(product.type.rawValue)")
        }
        _ = try activeCreditTypeRecord(id: terms.creditTypeId, db)
        if let invoiceCreditType = terms.invoiceSchedule?.creditTypeId {
            _ = try activeCreditTypeRecord(id: invoiceCreditType, db)
        }
        for productId in terms.applicableProductIds ?? [] {
            _ = try productRecord(id: productId, db)
        }
        for contractId in (terms.applicableContractIds ?? []) + [terms.invoiceContractId].compactMap({ $0 }) {
            _ = try contractRecord(customerId: terms.customerId, contractId: contractId, db)
        }
        if let key = terms.uniquenessKey, try CommitRecord
            .filter(CommitRecord.Columns.customerId == terms.customerId && CommitRecord.Columns.kind == terms.kind.rawValue)
            .filter(CommitRecord.Columns.uniquenessKey == key)
            .fetchCount(db) > 0 {
            throw StoreError.conflict(uniquenessKeyUsedMessage)
        }
        try checkNewCustomFields(terms.customFields, entity: terms.kind == .commit ? .commit : .contractCredit, db)
    }
}
