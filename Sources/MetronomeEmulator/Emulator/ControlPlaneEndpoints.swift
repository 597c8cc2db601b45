import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The control plane testers use, under `/_emulator/`: things Metronome itself does not have.
struct ControlPlaneEndpoints {
    typealias Context = EmulatorRequestContext

    /// Every control-plane path starts with this, which no Metronome path does.
    static let pathPrefix = "/_emulator/"
    /// The health check, open to any client.
    static let healthPath = "/_emulator/health"

    let database: AppDatabase
    let clock: EmulatorClock
    /// What a reset returns the namespace to.
    let seed: NamespaceSeed
    /// The journal and fault rules, which a reset empties too.
    let traffic: TrafficControl

    /// The routes of the control plane.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/_emulator/health", use: health)
        routes.post("/_emulator/reset", use: reset)
        routes.get("/_emulator/clock", use: getClock)
        routes.post("/_emulator/clock", use: setClock)
        routes.post("/_emulator/clock/advance", use: advanceClock)
        return routes
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.ok(["status": "ok"])
    }

    /// Wipes all state, returns the clock to the wall clock, loads the fixtures the emulator
    /// started with, empties the request journal and removes every fault rule.
    @Sendable func reset(_ request: Request, context: Context) async throws -> Response {
        traffic.reset()
        clock.freeze(at: nil)
        try await seed.apply(to: database, now: clock.now(), force: true)
        return try JSONResponse.ok(["status": "reset"])
    }

    @Sendable func getClock(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.ok(ClockWire(now: clock.now(), frozen: clock.isFrozen))
    }

    /// `{"now": "<RFC 3339>"}` freezes the clock there; `{"now": null}` returns to the wall clock.
    @Sendable func setClock(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: SetClockRequest.self, context: context)
        guard case .set(let moment) = body.now else {
            throw APIError.badRequest("Missing required field 'now' (an RFC 3339 timestamp, or null for the wall clock)")
        }
        let before = clock.now()
        clock.freeze(at: moment)
        try await settle(from: before)
        return try JSONResponse.ok(ClockWire(now: clock.now(), frozen: clock.isFrozen))
    }

    /// `{"by": "<ISO 8601 duration>"}` moves the clock ahead by that much, frozen or running as it
    /// was, and applies every due moment in between, in order, before it answers.
    @Sendable func advanceClock(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: AdvanceClockRequest.self, context: context)
        guard let text = body.by else {
            throw APIError.badRequest("Missing required field 'by' (an ISO 8601 duration such as \"P1M\" or \"PT6H\")")
        }
        guard let duration = CalendarDuration(text) else {
            throw APIError.badRequest("'by' must be an ISO 8601 duration of whole years, months, weeks, days, hours, minutes and seconds, such as \"P1M\" or \"P1DT12H\"; got \"\(text)\"")
        }
        let before = clock.now()
        clock.move(to: duration.after(before))
        try await settle(from: before)
        return try JSONResponse.ok(ClockWire(now: clock.now(), frozen: clock.isFrozen))
    }

    /// After the clock moved from `before`: forward, every due moment up to now is applied in
    /// order; back, every customer is settled afresh at the new now (what was settled stays).
    private func settle(from before: Timestamp) async throws {
        let now = clock.now()
        if now < before {
            try await database.settleEveryCustomer(now: now)
        } else {
            try await Settlement(database: database).catchUp(to: now)
        }
    }
}

/// The emulated clock on the wire.
struct ClockWire: Encodable {
    var now: Timestamp
    var frozen: Bool
}

/// The body of `POST /_emulator/clock/advance`.
struct AdvanceClockRequest: Decodable {
    var by: String?
}

/// The body of `POST /_emulator/clock`.
struct SetClockRequest: Decodable {
    var now: FieldUpdate<Timestamp>

    enum CodingKeys: String, CodingKey {
        case now
    }

    init(from decoder: any Decoder) throws {
        now = try decoder.container(keyedBy: CodingKeys.self).decodeUpdate(Timestamp.self, forKey: .now)
    }
}
