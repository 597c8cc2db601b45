import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Customer-level commits and credits: `/v1/contracts/customerCommits/...` and
/// `/v1/contracts/customerCredits/...`, on one machinery told apart by `CommitKind`.
struct CommitsAndCreditsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// Page size of the lists: default and maximum.
    static let maxPageSize = 25

    /// The routes of both kinds.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/contracts/customerCommits/create") { try await create($0, context: $1, kind: .commit) }
        routes.post("/v1/contracts/customerCommits/list") { try await list($0, context: $1, kind: .commit) }
        routes.post("/v1/contracts/customerCommits/updateEndDate") { try await updateEndDate($0, context: $1, kind: .commit) }
        routes.post("/v1/contracts/customerCredits/create") { try await create($0, context: $1, kind: .credit) }
        routes.post("/v1/contracts/customerCredits/list") { try await list($0, context: $1, kind: .credit) }
        routes.post("/v1/contracts/customerCredits/updateEndDate") { try await updateEndDate($0, context: $1, kind: .credit) }
        routes.post("/v1/contracts/addManualBalanceLedgerEntry", use: addManualBalanceEntry)
        return routes
    }

    @Sendable func create(_ request: Request, context: Context, kind: CommitKind) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateCommitRequest.self, context: context)
        let customerId = try Validate.id(body.customerId, field: "customer_id")
        var terms = try body.commit.terms(kind: kind, customerId: customerId, contractId: nil, now: clock.now())
        terms.priority = body.priority
        let id = try await database.createCommitOrCredit(terms)
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// Lists a customer's commits or credits, with their balances now and their ledgers when asked.
    @Sendable func list(_ request: Request, context: Context, kind: CommitKind) async throws -> Response {
        let body = try await request.decodeJSON(as: ListCommitsRequest.self, context: context)
        let list = kind == .commit ? "customer-commits" : "customer-credits"
        let page = try PageRequest(
            bodyLimit: body.limit, bodyToken: body.nextPage, list: list, defaultLimit: Self.maxPageSize, maxLimit: Self.maxPageSize
        )
        let idField = kind == .commit ? "commit_id" : "credit_id"
        let filter = CommitListFilter(
            id: try (kind == .commit ? body.commitId : body.creditId).map { try Validate.id($0, field: idField) },
            coveringDate: body.coveringDate, startingAt: body.startingAt, effectiveBefore: body.effectiveBefore,
            includeArchived: body.includeArchived ?? false,
            includeContractLevel: (kind == .commit ? body.includeContractCommits : body.includeContractCredits) ?? false,
            accessType: body.accessType
        )
        let customerId = try Validate.id(body.customerId, field: "customer_id")
        let now = clock.now()
        let rows = try await database.commitsOrCredits(
            customerId: customerId, kind: kind, filter: filter,
            afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit, now: now
        )
        let includeBalance = body.includeBalance ?? false, includeLedgers = body.includeLedgers ?? false
        let accounts = includeBalance || includeLedgers ? try await database.commitAccounts(customerId: customerId, now: now) : [:]
        return try JSONResponse.ok(
            Page(rows: rows, request: page, list: list, key: { [String($0.seq)] }, transform: { row in
                var wire = CommitWire(row.terms, names: row.names)
                let account = accounts[row.terms.id]
                if includeBalance { wire.balance = account?.balance ?? 0 }
                if includeLedgers { wire.ledger = (account?.ledger ?? []).map(LedgerEntryWire.init) }
                return wire
            })
        )
    }

    @Sendable func updateEndDate(_ request: Request, context: Context, kind: CommitKind) async throws -> Response {
        let body = try await request.decodeJSON(as: UpdateCommitEndDateRequest.self, context: context)
        let idField = kind == .commit ? "commit_id" : "credit_id"
        guard let given = kind == .commit ? body.commitId : body.creditId else {
            throw APIError.badRequest("Missing required field '\(idField)'")
        }
        let id = try Validate.id(given, field: idField)
        if kind == .credit, body.accessEndingBefore == nil {
            throw APIError.badRequest("Missing required field 'access_ending_before'")
        }
        guard body.accessEndingBefore != nil || body.invoicesEndingBefore != nil else {
            throw APIError.badRequest("Give 'access_ending_before' or 'invoices_ending_before'")
        }
        try await database.updateCommitOrCreditEndDate(
            customerId: try Validate.id(body.customerId, field: "customer_id"), kind: kind, id: id,
            accessEndingBefore: body.accessEndingBefore, invoicesEndingBefore: kind == .commit ? body.invoicesEndingBefore : nil,
            now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// Adds a manual entry to a commit's or credit's segment; answers an empty body.
    @Sendable func addManualBalanceEntry(_ request: Request, context: Context) async throws -> Response {
        let decoded = try await request.decodeJSON(as: BodyWithFields<ManualBalanceEntryRequest>.self, context: context)
        try decoded.refuse(ManualBalanceEntryRequest.unsupportedFields)
        try await database.addManualBalanceEntry(try decoded.value.validated(), now: clock.now())
        return JSONResponse.empty()
    }
}
