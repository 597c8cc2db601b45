import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// A customer's balances: its commits and credits together, and their net balance.
struct BalancesEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/contracts/customerBalances/list", use: list)
        routes.post("/v1/contracts/customerBalances/getNetBalance", use: netBalance)
        return routes
    }

    static let nullCreditTypeId = "00000000-0000-0000-0000-000000000000"

    /// Commits and credits, in creation order, 25 a page at most.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ListBalancesRequest.self, context: context)
        let page = try PageRequest(
            bodyLimit: body.limit, bodyToken: body.nextPage, list: "customer-balances",
            defaultLimit: CommitsAndCreditsEndpoints.maxPageSize, maxLimit: CommitsAndCreditsEndpoints.maxPageSize
        )
        let customerId = try Validate.id(body.customerId, field: "customer_id")
        let filter = CommitListFilter(
            id: try body.id.map { try Validate.id($0, field: "id") }, coveringDate: body.coveringDate,
            startingAt: body.startingAt, effectiveBefore: body.effectiveBefore, includeArchived: body.includeArchived ?? false,
            includeContractLevel: body.includeContractBalances ?? false, accessType: body.accessType
        )
        let rows = try await database.customerBalances(
            customerId: customerId, filter: filter, excludeZeroBalances: body.excludeZeroBalances ?? false,
            afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit, now: clock.now()
        )
        let includeBalance = body.includeBalance ?? false, includeLedgers = body.includeLedgers ?? false
        return try JSONResponse.ok(Page(
            rows: rows, request: page, list: "customer-balances", key: { [String($0.snapshot.seq)] }
        ) { row in
            var wire = CommitWire(row.snapshot.terms, names: row.snapshot.names)
            if includeBalance { wire.balance = row.account?.balance ?? 0 }
            if includeLedgers { wire.ledger = (row.account?.ledger ?? []).map(LedgerEntryWire.init) }
            return wire
        })
    }

    /// The sum of the balances, in one credit type, of the commits and credits the filters pick.
    @Sendable func netBalance(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: NetBalanceRequest.self, context: context)
        let customerId = try Validate.id(body.customerId, field: "customer_id")
        let accessType = body.accessType ?? .spend
        if accessType == .quantity, body.creditTypeId != nil {
            throw APIError.badRequest("'credit_type_id' must not be given with access_type QUANTITY")
        }
        // Quantity-based balances answer the null credit type ID, as the SDK documents.
        let creditTypeId = accessType == .quantity
            ? Self.nullCreditTypeId
            : try body.creditTypeId.map { try Validate.id($0, field: "credit_type_id") } ?? CreditTypes.usdCentsId
        let includeDrafts = (body.invoiceInclusionMode ?? .finalizedAndDraft) == .finalizedAndDraft
        let filters = body.filters
        let balance = try await database.netBalance(
            customerId: customerId, accessType: accessType, creditTypeId: creditTypeId, includeDrafts: includeDrafts, now: clock.now()
        ) { terms in filters.map { filters in filters.contains { $0.matches(terms) } } ?? true }
        return try JSONResponse.ok(DataEnvelope(data: NetBalanceWire(balance: balance, creditTypeId: creditTypeId)))
    }
}
