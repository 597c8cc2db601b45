import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct ContractsStoreTests {
    private let now = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
    private let usdCents = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"

    /// A store with USD (cents), a FIXED product and a customer.
    private func setUp() async throws -> (AppDatabase, product: String, customer: String) {
        let database = try AppDatabase.inMemory()
        try await database.reset(to: Fixtures(creditTypes: [CreditTypeFixture(id: usdCents, name: "USD (cents)", isCurrency: true)]), now: now)
        let product = try await database.createProduct(
            NewProduct(type: .fixed, state: ProductState(name: "Commit", createdAt: now, createdBy: "api"), customFields: [:]), now: now
        )
        let customer = try await database.createCustomer(
            NewCustomer(name: "Acme", ingestAliases: [], customFields: [:], billingProviderConfigurations: []), now: now
        ).record.id
        return (database, product, customer)
    }

    private func commit(_ kind: CommitKind, customer: String, product: String, contract: String? = nil, key: String? = nil) -> CommitTerms {
        CommitTerms(
            id: UUID().uuidString.lowercased(), kind: kind, type: kind == .commit ? .prepaid : nil, customerId: customer,
            contractId: contract, productId: product, priority: 1, creditTypeId: usdCents,
            accessSchedule: [AccessSegment(id: UUID().uuidString.lowercased(), amount: 100, startingAt: now,
                                           endingBefore: Timestamp(rfc3339: "2027-01-01")!)],
            uniquenessKey: key, customFields: [:], createdAt: now
        )
    }

    private func contract(customer: String, commits: [CommitTerms] = [], key: String? = nil, id: String = UUID().uuidString.lowercased()) -> ContractTerms {
        ContractTerms(
            id: id, customerId: customer, startingAt: now,
            usageStatementSchedule: UsageStatementSchedule(frequency: .monthly, day: .firstOfMonth, billingAnchorDate: now),
            commits: commits.filter { $0.kind == .commit }, credits: commits.filter { $0.kind == .credit }, scheduledCharges: [],
            discounts: [], subscriptions: [], overrides: [], transitions: [], customFields: [:], uniquenessKey: key, createdAt: now
        )
    }

    @Test func theBillingEngineReadsContractsWithTheirCommitsAndCustomerCommitsApart() async throws {
        let (database, product, customer) = try await setUp()
        let contractId = UUID().uuidString.lowercased()
        let inline = [commit(.commit, customer: customer, product: product, contract: contractId),
                      commit(.credit, customer: customer, product: product, contract: contractId)]
        _ = try await database.createContract(NewContract(terms: contract(customer: customer, commits: inline, id: contractId)))
        let own = try await database.createCommitOrCredit(commit(.credit, customer: customer, product: product))

        let contracts = try await database.contractTerms(customerId: customer)
        #expect(contracts.map(\.id) == [contractId])
        #expect(contracts[0].commits.map(\.id) == [inline[0].id])
        #expect(contracts[0].credits.map(\.id) == [inline[1].id])
        #expect(try await database.customerCommitsAndCredits(customerId: customer).map(\.id) == [own])

        try await database.archiveContract(customerId: customer, contractId: contractId, now: now)
        #expect(try await database.contractTerms(customerId: customer).isEmpty)
        let archived = try await database.writer.read { db in
            try CommitRecord.filter(CommitRecord.Columns.contractId == contractId).fetchAll(db).map(\.archivedAt)
        }
        #expect(archived == [now, now], "archiving a contract archives its commits and credits")
    }

    @Test func aRejectedContractStoresNothing() async throws {
        let (database, product, customer) = try await setUp()
        let contractId = UUID().uuidString.lowercased()
        var bad = commit(.commit, customer: customer, product: product, contract: contractId)
        bad.productId = UUID().uuidString.lowercased()
        let good = commit(.commit, customer: customer, product: product, contract: contractId)
        await #expect(throws: StoreError.notFound("Product", bad.productId)) {
            try await database.createContract(NewContract(terms: contract(customer: customer, commits: [good, bad], id: contractId)))
        }
        let counts = try await database.writer.read { db in (try ContractRecord.fetchCount(db), try CommitRecord.fetchCount(db)) }
        #expect(counts == (0, 0))
    }

    @Test func uniquenessKeysAreCheckedPerCustomerAndKind() async throws {
        let (database, product, customer) = try await setUp()
        _ = try await database.createContract(NewContract(terms: contract(customer: customer, key: "k")))
        await #expect(throws: StoreError.conflict(AppDatabase.uniquenessKeyUsedMessage)) {
            try await database.createContract(NewContract(terms: contract(customer: customer, key: "k")))
        }
        _ = try await database.createCommitOrCredit(commit(.commit, customer: customer, product: product, key: "k"))
        _ = try await database.createCommitOrCredit(commit(.credit, customer: customer, product: product, key: "k"))
        await #expect(throws: StoreError.conflict(AppDatabase.uniquenessKeyUsedMessage)) {
            try await database.createCommitOrCredit(commit(.commit, customer: customer, product: product, key: "k"))
        }
    }

    @Test func resetEmptiesContractsAndCommits() async throws {
        let (database, product, customer) = try await setUp()
        let contractId = UUID().uuidString.lowercased()
        _ = try await database.createContract(NewContract(terms: contract(
            customer: customer, commits: [commit(.commit, customer: customer, product: product, contract: contractId)], id: contractId
        )))
        try await database.reset(to: Fixtures(creditTypes: [CreditTypeFixture(id: usdCents, name: "USD (cents)", isCurrency: true)]), now: now)
        let counts = try await database.writer.read { db in (try ContractRecord.fetchCount(db), try CommitRecord.fetchCount(db)) }
        #expect(counts == (0, 0))
    }

    /// A commit's segment that ends on January 1, 2027, created at `now` (2026-01-01).
    @Test func aSegmentEndIsNotifiedOnceWhenItsMomentIsSettledEvenForACustomerMigratedUnsettled() async throws {
        let (database, product, customer) = try await setUp()
        _ = try await database.createCommitOrCredit(commit(.commit, customer: customer, product: product))
        // As migration v11 leaves a customer of an older store: never settled, due at once.
        try await database.writer.write { db in
            try db.execute(sql: "UPDATE customer_settlement SET settled_at = NULL, due_at = 0")
        }
        let june = Timestamp(rfc3339: "2026-06-01T00:00:00Z")!, end = Timestamp(rfc3339: "2027-01-01T00:00:00Z")!
        let later = Timestamp(rfc3339: "2027-02-01T00:00:00Z")!
        #expect(try await database.settleNextDue(through: june))  // the first settlement notifies nothing before it
        #expect(try await database.nextDueMoment() == end)
        while try await database.settleNextDue(through: later) {}
        #expect(try await database.settleNextDue(through: later) == false)
        let notified = try await database.notifications(
            filter: NotificationFilter(customerId: customer),
            page: PageRequest(limit: 10, token: nil, parameter: "next_page", list: AppDatabase.notificationsList, defaultLimit: 10, maxLimit: 100)
        ).notifications
        #expect(notified.map(\.type) == ["commit.create", "commit.segment.end"])
        #expect(notified.last?.createdAt == end)
    }
}
