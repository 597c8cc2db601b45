import HTTPTypes
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The one error type of the API. Rendered as Metronome renders errors: `{"message": "..."}`
/// with its status (and `code` where Metronome gives one).
struct APIError: Error, Sendable, Equatable {
    /// The HTTP status of the response.
    var status: HTTPResponse.Status
    /// The human-readable `message` field.
    var message: String
    /// Metronome's machine-readable `code`, on the endpoints that send one.
    var code: String? = nil

    /// 400: the request is malformed or fails validation.
    static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, message: message)
    }

    /// 401: no usable bearer token.
    static func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, message: message)
    }

    /// 400: a field Metronome accepts that the emulator does not support yet.
    static func unsupportedField(_ field: String) -> APIError {
        APIError(status: .badRequest, message: "'\(field)' is not supported by the emulator yet")
    }

    /// 404: an object the request names does not exist.
    static func notFound(_ kind: String, _ id: String) -> APIError {
        APIError(status: .notFound, message: "\(kind) not found: \(id)")
    }

    /// 404 for a path no route serves.
    static func unknownRoute(method: HTTPRequest.Method, path: String) -> APIError {
        APIError(status: .notFound, message: "No route for \(method) \(path)")
    }

    /// 409: the request clashes with what exists (uniqueness key, ingest alias, ...).
    static func conflict(_ message: String) -> APIError {
        APIError(status: .conflict, message: message)
    }

    /// 413: the body is larger than the configured limit.
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, message: "Request body is larger than the limit of \(limit) bytes")
    }

    /// 501: a Metronome endpoint this emulator does not serve yet.
    static func notImplemented(method: HTTPRequest.Method, path: String) -> APIError {
        APIError(
            status: .notImplemented,
            message: "\(method) \(path) is a Metronome endpoint that this emulator does not implement yet"
        )
    }

    /// 503: the store's file cannot be written (disk full, read-only, I/O error).
    static func storageUnavailable(_ message: String) -> APIError {
        APIError(status: .serviceUnavailable, message: message)
    }

    /// 500: a fault of the emulator itself, never of the client.
    static func internalError(_ message: String) -> APIError {
        APIError(status: .internalServerError, message: message)
    }
}

extension APIError {
    /// The one mapping of the store's errors to statuses.
    init(_ error: StoreError) {
        switch error {
        case .invalid(let message): self = .badRequest(message)
        case .notFound(let kind, let id): self = .notFound(kind, id)
        case .conflict(let message): self = .conflict(message)
        case .storageUnavailable(let message): self = .storageUnavailable(message)
        case .corrupt(let message): self = .internalError(message)
        }
    }
}
