import Foundation
import Hummingbird
import Logging
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore

/// The outermost middleware: applies the body limit, turns every error into Metronome's
/// `{"message": ...}` body, and writes one log line per request.
struct APIEdgeMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let maxBodySize: Int
    let logger: Logger

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var context = context
        context.maxUploadSize = maxBodySize
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = apiError(from: error, request: request).response
        }
        logger.info("\(request.method) \(request.uri.path) \(response.status.code) \(Self.milliseconds(since: start))ms")
        return response
    }

    private func apiError(from error: any Error, request: Request) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as StoreError:
            if case .storageUnavailable = error {
                logger.error("Storage failure on \(request.method) \(request.uri.path): \(error)")
            }
            return APIError(error)
        case is NIOTooManyBytesError:
            return .bodyTooLarge(limit: maxBodySize)
        case let error as HTTPError where error.status == .notFound:
            return .unknownRoute(method: request.method, path: request.uri.path)
        case let error as any HTTPResponseError:
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            return APIError(status: error.status, message: message)
        default:
            if let storageError = StoreError.storageFailure(error) {
                logger.error("Storage failure on \(request.method) \(request.uri.path): \(String(reflecting: error))")
                return APIError(storageError)
            }
            logger.error("Unhandled error on \(request.method) \(request.uri.path): \(String(reflecting: error))")
            return .internalError("Internal error in the emulator: \(error)")
        }
    }


    /// Milliseconds to two places (`12.34`), written without Foundation's formatter, which would
    /// cost more than the rest of the log line.
    private static func milliseconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        return milliseconds(microseconds: elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)
    }

    /// `microseconds` as milliseconds to two places, rounded half up.
    static func milliseconds(microseconds micros: Int64) -> String {
        let hundredths = (micros + 5) / 10
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension APIError {
    /// The error as Metronome writes it: `{"message": ...}` (with `code` where it has one) and
    /// its status.
    var response: Response {
        var body = ByteBuffer()
        body.writeString(#"{"message":"#)
        body.writeString(JSONValue.quoted(message))
        if let code {
            body.writeString(#","code":"#)
            body.writeString(JSONValue.quoted(code))
        }
        body.writeString("}")
        return Response(status: status, headers: JSONResponse.headers, body: .init(byteBuffer: body))
    }
}
