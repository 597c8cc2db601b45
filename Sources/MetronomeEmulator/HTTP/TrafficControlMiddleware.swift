import Foundation
import Hummingbird
import Logging
import MetronomeCodecs
import NIOCore
import ServiceLifecycle

/// The outermost middleware, on Metronome routes only (never `/_emulator/`): adds the configured
/// latency, applies the first fault rule that matches (a delay, an answer in the handler's place,
/// or a reset), and records the request and its answer in the journal.
///
/// The journal costs little on the request path: the body is collected here, once, and handed to
/// the handler as that one buffer (which `collect` then returns without copying); the response
/// body is the buffer the handler made; the journal copies the first 64 KiB of each into its byte
/// ring, and everything it shows as JSON is made when it is read.
struct TrafficControlMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let traffic: TrafficControl
    let clock: EmulatorClock
    let maxBodySize: Int
    let logger: Logger

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix(ControlPlaneEndpoints.pathPrefix) {
            return try await next(request, context)
        }
        let fault = traffic.faults.match(method: request.method, path: path)
        let journal = traffic.journal
        if journal == nil, fault == nil, traffic.latency == nil {
            return try await next(request, context)
        }
        let start = ContinuousClock.now
        // The wall clock, not the emulator's: the journal shows both, so that a test can find its
        // requests by real time whatever the emulated clock says.
        let receivedAt = Timestamp(Date())
        let emulatedAt = clock.now()

        if let latency = traffic.latency {
            var generator = SystemRandomNumberGenerator()
            await Self.wait(latency.sample(using: &generator))
        }
        if let delay = fault?.rule.delayMilliseconds, delay > 0 {
            await Self.wait(.milliseconds(delay))
        }

        var request = request
        var requestBody = CapturedBody.empty
        var response: Response
        var status: Int?
        if let fault, fault.rule.replacesHandler {
            if journal != nil {
                requestBody = try await Self.capture(request.body)
            }
            if let answer = fault.rule.answer {
                response = Response(
                    status: answer.status, headers: answer.headers,
                    body: answer.body.readableBytes > 0 ? ResponseBody(byteBuffer: answer.body) : ResponseBody()
                )
                status = answer.status.code
            } else {
                response = Response(status: .internalServerError, headers: ConnectionResetHandler.resetResponse)
            }
            logger.info("\(request.method) \(path) \(status.map(String.init) ?? "reset") (fault \(fault.rule.id))")
        } else if journal != nil {
            let (buffer, size, overflowed) = try await Self.collect(request.body, limit: maxBodySize)
            requestBody = CapturedBody(buffer, size: size)
            request.body = overflowed ? Self.tooLarge(limit: maxBodySize) : RequestBody(buffer: buffer)
            response = try await next(request, context)
            status = response.status.code
        } else {
            response = try await next(request, context)
        }

        guard let journal else { return response }
        var responseBody = CapturedBody.empty
        if status != nil {
            (response, responseBody) = try await Self.capture(response)
        }
        journal.record(JournalEntry(
            head: request.head, requestBody: requestBody, status: status, responseBody: responseBody,
            duration: ContinuousClock.now - start, receivedAt: receivedAt, emulatedAt: emulatedAt, fault: fault
        ))
        return response
    }

    /// Sleeps for `duration` on the clock (no thread is held), or less if the server shuts down:
    /// an injected delay, up to an hour, never holds up a SIGTERM.
    private static func wait(_ duration: Duration) async {
        try? await cancelWhenGracefulShutdown {
            try await Task.sleep(for: duration)
        }
    }

    // MARK: - Bodies

    /// The whole body in one buffer, as `RequestBody.collect` makes it (the first part, with the
    /// others appended), its size, and whether it passed `limit` (then the buffer holds what came
    /// before the part that passed it).
    private static func collect(_ body: RequestBody, limit: Int) async throws -> (ByteBuffer, size: Int, overflowed: Bool) {
        var parts = body.makeAsyncIterator()
        guard var whole = try await parts.next() else { return (ByteBuffer(), 0, false) }
        var size = whole.readableBytes
        guard size <= limit else { return (whole, size, true) }
        while let part = try await parts.next() {
            size += part.readableBytes
            guard size <= limit else { return (whole, size, true) }
            whole.writeImmutableBuffer(part)
        }
        return (whole, size, false)
    }

    /// A body that fails as an oversized one does, so the handler answers the 413 it always has.
    private static func tooLarge(limit: Int) -> RequestBody {
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        continuation.finish(throwing: NIOTooManyBytesError(maxBytes: limit))
        return RequestBody(asyncSequence: stream)
    }

    /// The body of a request no handler reads (a fault answers it): its first bytes kept, the
    /// rest read and dropped.
    private static func capture(_ body: RequestBody) async throws -> CapturedBody {
        var kept = ByteBuffer()
        var size = 0
        for try await part in body {
            size += part.readableBytes
            let room = RequestJournal.bodyLimit - kept.readableBytes
            if room > 0, let slice = part.getSlice(at: part.readerIndex, length: min(room, part.readableBytes)) {
                kept.writeImmutableBuffer(slice)
            }
        }
        return CapturedBody(kept, size: size)
    }

    /// `response` with its body gathered into one buffer (the handler's own, for the bodies the
    /// emulator writes), and that body as the journal keeps it.
    static func capture(_ response: Response) async throws -> (Response, CapturedBody) {
        var response = response
        let collector = BodyCollector()
        try await response.body.write(collector)
        guard let buffer = collector.buffer else {
            response.body = ResponseBody()
            return (response, .empty)
        }
        response.body = ResponseBody(byteBuffer: buffer)
        return (response, CapturedBody(buffer))
    }
}

/// A response body writer that keeps what is written.
private final class BodyCollector: ResponseBodyWriter {
    var buffer: ByteBuffer?

    func write(_ part: ByteBuffer) async throws {
        if buffer == nil {
            buffer = part
        } else {
            buffer!.writeImmutableBuffer(part)
        }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
