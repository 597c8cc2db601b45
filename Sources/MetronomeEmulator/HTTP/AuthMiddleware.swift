import Foundation
import Hummingbird

/// Bearer-token auth as Metronome's: every API route needs `Authorization: Bearer <token>`.
/// With no configured keys any non-empty token is accepted; with keys, only those. The
/// control plane under `/_emulator/` is open, unless `guardsControlPlane` is set (health stays
/// open even then).
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
        if !isControlPlane || (guardsControlPlane && !isHealth) {
            try authenticate(request.headers[.authorization])
        }
        return try await next(request, context)
    }

    private func authenticate(_ header: String?) throws {
        guard let header else {
            throw APIError.unauthorized("Missing Authorization header: send 'Authorization: Bearer <token>'")
        }
        let scheme = header.utf8.prefix(7)
        guard scheme.count == 7, String(decoding: scheme, as: UTF8.self).caseInsensitiveCompare("bearer ") == .orderedSame else {
            throw APIError.unauthorized("Authorization header must be 'Bearer <token>'")
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else {
            throw APIError.unauthorized("Bearer token is empty")
        }
        guard apiKeys.isEmpty || apiKeys.contains(token) else {
            throw APIError.unauthorized("Invalid bearer token")
        }
    }
}
