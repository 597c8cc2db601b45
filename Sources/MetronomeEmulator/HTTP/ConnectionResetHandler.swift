import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection without answering, for faults with action "reset". Hummingbird answers
/// every request (an error becomes a 500), so the middleware answers a reset with a response
/// carrying `marker`, and this handler, on every connection, turns that response into an abrupt
/// close (SO_LINGER 0: a TCP reset) before a byte of it is written. The marker's value is drawn
/// at launch, so no other response can carry it.
final class ConnectionResetHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The header that asks for a reset.
    static let markerName = HTTPField.Name("x-metronome-emulator-reset")!
    /// Its value, secret to this process.
    static let markerValue = UUID().uuidString

    /// The response that asks this handler to reset its connection.
    static var resetResponse: HTTPFields {
        [markerName: markerValue]
    }

    /// Whether `headers` ask for a reset.
    static func asksForReset(_ headers: HTTPFields) -> Bool {
        headers[markerName] == markerValue
    }

    private var resetting = false

    /// A handler for one connection.
    init() {}

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if resetting {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        if case .head(let head) = unwrapOutboundIn(data), Self.asksForReset(head.headerFields) {
            resetting = true
            promise?.fail(ChannelError.ioOnClosedChannel)
            // On the event loop, so the option is set before the close below.
            _ = (context.channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0))
            context.close(promise: nil)
            return
        }
        context.write(data, promise: promise)
    }
}
