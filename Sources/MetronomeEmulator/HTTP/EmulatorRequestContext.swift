import Hummingbird
import Logging
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The request context of every route: Hummingbird's core storage plus the body limit the
/// server was configured with.
struct EmulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set per request by `APIEdgeMiddleware` from the configuration.
    var maxUploadSize: Int = Configuration.defaultMaxBodySize

    init(source: Source) {
        self.coreContext = .init(source: source)
    }
}

extension EmulatorRequestContext {
    /// A context for a request the emulator sends itself (the `--demo` data), with no connection.
    init(internalRequestLogger logger: Logger) {
        self.coreContext = .init(source: InternalRequestSource(logger: logger))
    }
}

/// The source of a request that arrives on no connection.
private struct InternalRequestSource: RequestContextSource {
    var logger: Logger
}
