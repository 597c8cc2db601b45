import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The endpoints of Metronome's API (as its official SDKs call them) that this emulator does
/// not serve yet. Each answers 501 with a JSON message, so a client can tell "not built yet"
/// from "no such route" (404). An endpoint leaves this list when its resource is built.
enum MetronomeEndpointsNotYetBuilt {
    /// Method and path of each, path parameters in braces.
    /// Every endpoint of the SDK is built today; an endpoint a later SDK adds goes here until it is.
    static let all: [(HTTPRequest.Method, String)] = []

    /// A route answering 501 for each of `endpoints`.
    static func routes(_ endpoints: [(HTTPRequest.Method, String)] = all) -> RouteCollection<EmulatorRequestContext> {
        let routes = RouteCollection(context: EmulatorRequestContext.self)
        for (method, path) in endpoints {
            routes.on(RouterPath(path), method: method) { request, _ -> Response in
                throw APIError.notImplemented(method: request.method, path: request.uri.path)
            }
        }
        return routes
    }
}
