import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Contracts in Metronome's v2 shape: `/v2/contracts/get|list|getEditHistory`, read from the
/// contracts v1 `contracts/create` stores, and their edits: `/v2/contracts/edit`,
/// `/v2/contracts/commits/edit` and `/v2/contracts/credits/edit`.
struct ContractsV2Endpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v2/contracts/get", use: get)
        routes.post("/v2/contracts/list", use: list)
        routes.post("/v2/contracts/getEditHistory", use: editHistory)
        routes.post("/v2/contracts/edit", use: edit)
        routes.post("/v2/contracts/commits/edit", use: editCommit)
        routes.post("/v2/contracts/credits/edit", use: editCredit)
        return routes
    }

    /// The v1 contract endpoints, whose view of a contract v2 reshapes.
    private var v1: ContractsEndpoints { ContractsEndpoints(database: database, clock: clock) }

    /// The contract, with its commits' and credits' balances and ledgers when asked.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: GetContractRequest.self, context: context)
        return try JSONResponse.ok(DataEnvelope(data: ContractV2Wire(try await v1.contract(body))))
    }

    /// A page of the customer's contracts in creation order, 20 at most.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ListContractsRequest.self, context: context)
        if body.coveringDate != nil, body.startingAt != nil {
            throw APIError.badRequest("Give 'covering_date' or 'starting_at', not both")
        }
        return try JSONResponse.ok(try await v1.contracts(body, list: "contracts-v2", ContractV2Wire.init))
    }

    /// The edits made to the contract since its creation (which is not itself an edit), oldest
    /// first: those of `contracts/edit`, of `commits/edit` and `credits/edit` on its commits and
    /// credits, v1 `updateEndDate` and v1 amendments. 404 for an unknown customer or contract.
    @Sendable func editHistory(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: GetContractEditHistoryRequest.self, context: context)
        let snapshot = try await database.contract(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            contractId: try Validate.id(body.contractId, field: "contract_id"), now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: snapshot.edits.map {
            ContractEditWire(
                $0, names: snapshot.names, anchor: snapshot.terms.usageStatementSchedule.billingAnchorDate, asOf: snapshot.asOf
            )
        }))
    }

    /// Edits a contract from now on: adds, archives, removes and updates its commits, credits,
    /// overrides, scheduled charges and discounts, and changes its name, end and payment terms.
    @Sendable func edit(_ request: Request, context: Context) async throws -> Response {
        let decoded = try await request.decodeJSON(as: BodyWithFields<EditContractRequest>.self, context: context)
        let body = decoded.value
        let now = clock.now()
        var span: (start: Timestamp, end: Timestamp?, anchor: Timestamp)?
        if !(body.addSubscriptions ?? []).isEmpty || !(body.addRecurringCommits ?? []).isEmpty || !(body.addRecurringCredits ?? []).isEmpty {
            // Added subscriptions default to the contract's range, and recurring commits' periods
            // to its statements', which the store then holds.
            let terms = try await database.contract(
                customerId: try Validate.id(body.customerId, field: "customer_id"),
                contractId: try Validate.id(body.contractId, field: "contract_id"), now: now
            ).terms
            span = (terms.startingAt, terms.endingBefore, terms.usageStatementSchedule.billingAnchorDate)
        }
        let id = try await database.editContract(
            try body.edit(now: now, contractStart: span?.start, contractEnd: span?.end, statementAnchor: span?.anchor)
        )
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// Edits one commit: its access and invoice schedules, products and other terms.
    @Sendable func editCommit(_ request: Request, context: Context) async throws -> Response {
        try await editCommitOrCredit(request, context: context, kind: .commit)
    }

    /// Edits one credit: its access schedule, products and other terms.
    @Sendable func editCredit(_ request: Request, context: Context) async throws -> Response {
        try await editCommitOrCredit(request, context: context, kind: .credit)
    }

    /// Edits the commit or credit the body names; answers its ID.
    private func editCommitOrCredit(_ request: Request, context: Context, kind: CommitKind) async throws -> Response {
        let body = try await request.decodeJSON(as: EditCommitRequest.self, context: context)
        let change = try body.change.edit(kind: kind)
        try await database.editCommitOrCredit(
            customerId: try Validate.id(body.customerId, field: "customer_id"), change: change,
            editId: UUID().uuidString.lowercased(), now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: change.id)))
    }
}

/// The body of `getEditHistory`.
struct GetContractEditHistoryRequest: Decodable {
    var customerId: String
    var contractId: String

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id"
    }
}
