import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Bearer-token auth as Metronome's: every API route needs `Authorization: Bearer <token>`.
/// With no configured keys any non-empty token is accepted; with keys, only those. The
/// control plane under `/_emulator/` is open, unless `guardsControlPlane` is set (health and the
/// console's pages stay open even then).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let apiKeys: Set<String>
    var guardsControlPlane = false

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        let isControlPlane = path.hasPrefix(ControlPlaneEndpoints.pathPrefix)
        // Health stays open even when the control plane is guarded: it changes nothing and tells
        // only that the emulator is up, and health probes (Docker's HEALTHCHECK) send no token.
        let isHealth = path == ControlPlaneEndpoints.healthPath && request.method == .get
        // The console's files hold no data (their script sends the token the user gives to the
        // API), and an embedded dashboard's page and data are authorised by the grant its URL
        // carries, since an iframe cannot send a header.
        let isConsolePage = request.method == .get
            && (path == ConsoleEndpoints.uiPrefix || path.hasPrefix(ConsoleEndpoints.uiPrefix + "/"))
        if !isControlPlane || (guardsControlPlane && !isHealth && !isConsolePage) {
            try authenticate(request.headers[.authorization])
        }
        return try await next(request, context)
    }

    private func authenticate(_ header: String?) throws {
        guard let header else {
            throw APIError.unauthorized("Missing Authorization header: send 'Authorization: Bearer <token>'")
        }
        let bytes = header.utf8
        guard bytes.count >= 7, bytes.prefix(7).elementsEqual("bearer ".utf8, by: { ($0 | 0x20) == $1 }) else {
            throw APIError.unauthorized("Authorization header must be 'Bearer <token>'")
        }
        let token = Self.trimmingSpaces(header.utf8.dropFirst(7))
        guard !token.isEmpty else {
            throw APIError.unauthorized("Bearer token is empty")
        }
        guard apiKeys.isEmpty || apiKeys.contains(token) else {
            throw APIError.unauthorized("Invalid bearer token")
        }
    }

    /// The token without surrounding spaces or tabs.
    private static func trimmingSpaces(_ bytes: Substring.UTF8View) -> String {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(Substring(bytes[first...last]))
    }
}
