import Hummingbird
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
