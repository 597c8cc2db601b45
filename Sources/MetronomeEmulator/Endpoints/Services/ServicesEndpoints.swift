import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Metronome's services and their IP addresses, for allowlists: `GET /v1/services`.
struct ServicesEndpoints {
    typealias Context = EmulatorRequestContext

    /// The services of Metronome's documented list (see the README's fidelity notes).
    static let services = [
        ServiceWire(
            name: "webhooks",
            ips: [
                "52.39.198.29", "44.241.254.184", "52.42.224.184", "52.89.217.131", "44.231.139.128", "54.245.125.92",
                "3.134.178.31", "3.12.62.53", "3.140.90.67", "3.142.231.113", "3.131.206.70", "3.132.225.181",
            ],
            usage: "makes_connections_from"
        ),
    ]

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/v1/services", use: list)
        return routes
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.ok(ServicesWire(services: Self.services))
    }
}

/// `{"services": [...]}`, the body of `GET /v1/services`.
struct ServicesWire: Encodable {
    var services: [ServiceWire]
}

/// A service: its name, addresses, and whether it connects from them or accepts connections at them.
struct ServiceWire: Encodable {
    var name: String
    var ips: [String]
    var usage: String
}
