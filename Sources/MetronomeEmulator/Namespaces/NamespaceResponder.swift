import Hummingbird
import HTTPTypes
import MetronomeCodecs
import NIOCore

/// The server's responder: a request under `/_ns/<name>/` goes, without that prefix, to that
/// namespace's router (opened on first use); any other goes to the default namespace's. So a
/// base URL ending in `/_ns/<name>` is a whole emulator of its own to any client.
struct NamespaceResponder: HTTPResponder {
    typealias Context = EmulatorRequestContext

    let namespaces: Namespaces

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix(Namespaces.pathPrefix) else {
            return try await namespaces.namespace(Namespaces.defaultName).responder.respond(to: request, context: context)
        }
        let rest = path.dropFirst(Namespaces.pathPrefix.count)
        let name = rest.prefix { $0 != "/" }
        guard Namespaces.isValidName(name) else {
            return APIError.badRequest(
                "'\(name)' cannot name a namespace: use 1 to 64 letters, digits, '_', '.' or '-' (and not '.' or '..')"
            ).response
        }
        let namespace: Namespace
        do {
            namespace = try await namespaces.namespace(String(name))
        } catch let error as APIError {
            return error.response
        }
        var head = request.head
        let inner = rest.dropFirst(name.count)
        let query = request.uri.query.map { "?" + $0 } ?? ""
        head.path = (inner.isEmpty ? "/" : String(inner)) + query
        return try await namespace.responder.respond(to: Request(head: head, body: request.body), context: context)
    }
}
