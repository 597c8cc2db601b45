import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The endpoints of Metronome's API (as its official SDKs call them) that this emulator does
/// not serve yet. Each answers 501 with a JSON message, so a client can tell "not built yet"
/// from "no such route" (404). An endpoint leaves this list when its resource is built.
enum MetronomeEndpointsNotYetBuilt {
    /// Method and path of each, path parameters in braces.
    static let all: [(HTTPRequest.Method, String)] = [
        (.post, "/v1/contracts/amend"),
        (.post, "/v1/contracts/setUsageFilter"),
        (.post, "/v2/contracts/commits/edit"),
        (.post, "/v2/contracts/credits/edit"),
        (.post, "/v2/contracts/edit"),
    ]

    /// A route answering 501 for each endpoint of `all`.
    static var routes: RouteCollection<EmulatorRequestContext> {
        let routes = RouteCollection(context: EmulatorRequestContext.self)
        for (method, path) in all {
            routes.on(RouterPath(path), method: method) { request, _ -> Response in
                throw APIError.notImplemented(method: request.method, path: request.uri.path)
            }
        }
        return routes
    }
}
