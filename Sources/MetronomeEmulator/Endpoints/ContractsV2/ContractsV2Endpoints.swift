import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Contracts in Metronome's v2 shape: `/v2/contracts/get|list|getEditHistory`, read from the
/// contracts v1 `contracts/create` stores.
struct ContractsV2Endpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// Fields of `get` the emulator refuses: it keeps no history of a contract's terms (v1
    /// `updateEndDate` changes them in place), so it cannot show them as of a past date.
    static let unsupportedGetFields = ["as_of_date"]

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v2/contracts/get", use: get)
        routes.post("/v2/contracts/list", use: list)
        routes.post("/v2/contracts/getEditHistory", use: editHistory)
        return routes
    }

    /// The v1 contract endpoints, whose view of a contract v2 reshapes.
    private var v1: ContractsEndpoints { ContractsEndpoints(database: database, clock: clock) }

    /// The contract, with its commits' and credits' balances and ledgers when asked.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let decoded = try await request.decodeJSON(as: BodyWithFields<GetContractRequest>.self, context: context)
        try decoded.refuse(Self.unsupportedGetFields)
        return try JSONResponse.ok(DataEnvelope(data: ContractV2Wire(try await v1.contract(decoded.value))))
    }

    /// A page of the customer's contracts in creation order, 20 at most.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ListContractsRequest.self, context: context)
        if body.coveringDate != nil, body.startingAt != nil {
            throw APIError.badRequest("Give 'covering_date' or 'starting_at', not both")
        }
        return try JSONResponse.ok(try await v1.contracts(body, list: "contracts-v2", ContractV2Wire.init))
    }

    /// The edits made to the contract since its creation, which is not itself an edit. Only
    /// v2 `contracts/edit` makes edits, and the emulator does not serve it yet, so the list
    /// is empty; 404 for an unknown customer or contract.
    @Sendable func editHistory(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: GetContractEditHistoryRequest.self, context: context)
        _ = try await database.contract(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            contractId: try Validate.id(body.contractId, field: "contract_id"), now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: [Never]()))
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
