import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The control plane of traffic control: the request journal (`/_emulator/requests`) and the
/// fault rules (`/_emulator/faults`).
struct TrafficControlEndpoints {
    typealias Context = EmulatorRequestContext

    /// The list name in the journal's cursors.
    static let journalList = "emulator-requests"

    let traffic: TrafficControl

    /// The routes of the journal and the fault rules.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/_emulator/requests", use: listRequests)
        routes.delete("/_emulator/requests", use: clearRequests)
        routes.get("/_emulator/faults", use: listFaults)
        routes.post("/_emulator/faults", use: addFault)
        routes.delete("/_emulator/faults", use: clearFaults)
        routes.delete("/_emulator/faults/{fault_id}", use: removeFault)
        return routes
    }

    // MARK: - Journal

    /// The journal, newest first, paged by `limit` and `next_page`, filtered by `method`, `path`
    /// (exact or with `*`), `status` and `since` (wall-clock time of arrival); `bodies=false`
    /// leaves the bodies out (the console's list, which would weigh up to 64 KiB a body).
    @Sendable func listRequests(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let page = try PageRequest(query: query, list: Self.journalList)
        let before = try page.after.map { cursor in
            let id = try cursor.integer(at: 0)
            guard id >= 0 else { throw APIError.badRequest("'next_page' is not a valid cursor") }
            return UInt64(id)
        }
        func given(_ name: String) -> String? {
            query.string(name).flatMap { $0.isEmpty ? nil : $0 }
        }
        let filter = JournalFilter(
            method: given("method")?.uppercased(),
            path: given("path").map(PathPattern.init),
            status: try query.int("status"),
            since: try query.timestamp("since")
        )
        let (entries, more) = traffic.journal?.entries(filter: filter, before: before, limit: page.limit) ?? ([], false)
        let next = more ? entries.last.map { PageCursor(list: Self.journalList, key: [String($0.id)]) } : nil
        let includesBodies = try query.bool("bodies") ?? true
        return try JSONResponse.ok(Page(data: entries.map { JournalEntryWire($0, includesBodies: includesBodies) }, next: next))
    }

    /// Empties the journal.
    @Sendable func clearRequests(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.ok(DeletedWire(deleted: traffic.journal?.removeAll() ?? 0))
    }

    // MARK: - Faults

    /// Every fault rule, oldest first (the order they are tried in).
    @Sendable func listFaults(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.ok(DataEnvelope(data: traffic.faults.all().map(FaultRuleWire.init)))
    }

    /// Adds a fault rule after the others.
    @Sendable func addFault(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: FaultRuleRequest.self, context: context)
        let rule = try FaultRule(body, id: UUID().uuidString.lowercased())
        return try JSONResponse.ok(DataEnvelope(data: FaultRuleWire(traffic.faults.add(rule))))
    }

    /// Removes every fault rule.
    @Sendable func clearFaults(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.ok(DeletedWire(deleted: traffic.faults.removeAll()))
    }

    /// Removes one fault rule, answering it as it stood.
    @Sendable func removeFault(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("fault_id") ?? ""
        guard let removed = traffic.faults.remove(id: id) else {
            throw APIError.notFound("fault", id)
        }
        return try JSONResponse.ok(DataEnvelope(data: FaultRuleWire(removed)))
    }
}
