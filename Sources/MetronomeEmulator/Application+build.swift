import Hummingbird
import HummingbirdCore
import Logging
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore

/// Builds the emulator from a configuration: the namespaces (the default one opened now, with
/// its store and fixtures, so a bad file stops the launch), their background services, and the
/// responder that routes each request to its namespace. The CLI and the tests both start here.
public func buildApplication(_ configuration: Configuration) async throws -> some ApplicationProtocol {
    let logger = {
        var logger = Logger(label: "metronome-emulator")
        logger.logLevel = configuration.logLevel
        return logger
    }()
    let namespaces = Namespaces(configuration: configuration, seed: try NamespaceSeed.load(configuration), logger: logger)
    let defaultNamespace = try await namespaces.namespace(Namespaces.defaultName)
    if configuration.demo {
        try await DemoData.add(to: defaultNamespace, token: configuration.apiKeys.first ?? "demo", logger: logger)
    }
    let services = NamespaceServices(
        namespaces: namespaces, flagDestinations: configuration.webhookDestinations, policy: WebhookDeliveryPolicy(), logger: logger
    )
    return Application(
        responder: NamespaceResponder(namespaces: namespaces),
        server: .http1(configuration: httpConfiguration(configuration)),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "metronome-emulator"
        ),
        services: [services, LogFlushService(output: .standardError)],
        logger: logger
    )
}

/// The HTTP/1.1 limits that protect the server from slow or oversized clients: the idle
/// timeout (a connection that sends nothing, or stalls mid-request, is closed) and the size of
/// a request head (a larger one is a 400 and a closed connection, decided by the HTTP parser
/// before any handler runs). Every connection also gets the handler that carries out "reset"
/// faults.
func httpConfiguration(_ configuration: Configuration) -> HTTP1Channel.Configuration {
    HTTP1Channel.Configuration(
        additionalChannelHandlers: [ConnectionResetHandler()],
        idleTimeout: configuration.idleTimeout.map { duration in
            let (seconds, attoseconds) = duration.components
            return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        },
        httpDecoderConfiguration: .init(
            maxHeaderFieldSize: configuration.maxHeaderSize,
            maxHeaderListSize: configuration.maxHeaderSize
        )
    )
}

/// The router: traffic control (journal, faults, latency), the API edge and auth middleware,
/// then every resource's routes.
func buildRouter(
    configuration: Configuration, database: AppDatabase, clock: EmulatorClock, seed: NamespaceSeed, traffic: TrafficControl,
    alerts: AlertEvaluationQueue, namespaces: Namespaces?, namespace: String, logger: Logger
) -> Router<EmulatorRequestContext> {
    let router = Router(context: EmulatorRequestContext.self)
    router.add(middleware: TrafficControlMiddleware(traffic: traffic, clock: clock, maxBodySize: configuration.maxBodySize, logger: logger))
    router.add(middleware: APIEdgeMiddleware(maxBodySize: configuration.maxBodySize, logger: logger))
    router.add(middleware: AuthMiddleware(apiKeys: Set(configuration.apiKeys), guardsControlPlane: configuration.guardsControlPlane))
    router.add(middleware: AuditLogMiddleware(database: database, clock: clock))
    router.addRoutes(ControlPlaneEndpoints(database: database, clock: clock, seed: seed, traffic: traffic).routes)
    router.addRoutes(SnapshotEndpoints(database: database).routes)
    router.addRoutes(ConsoleEndpoints(database: database, clock: clock, namespace: namespace).routes)
    if let namespaces {
        router.addRoutes(NamespacesEndpoints(namespaces: namespaces).routes)
    }
    router.addRoutes(TrafficControlEndpoints(traffic: traffic).routes)
    router.addRoutes(WebhooksEndpoints(database: database, flagDestinations: configuration.webhookDestinations).routes)
    router.addRoutes(CustomersEndpoints(database: database, clock: clock).routes)
    router.addRoutes(BillingConfigurationsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(NamedSchedulesEndpoints(database: database).routes)
    router.addRoutes(CreditTypesEndpoints(database: database, clock: clock).routes)
    router.addRoutes(ServicesEndpoints().routes)
    router.addRoutes(SettingsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(PackagesEndpoints(database: database, clock: clock).routes)
    router.addRoutes(CreditGrantsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(BillableMetricsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(UsageEndpoints(database: database, clock: clock, alerts: alerts).routes)
    router.addRoutes(CustomFieldsEndpoints(database: database).routes)
    router.addRoutes(PlansEndpoints(database: database, clock: clock).routes)
    router.addRoutes(ProductsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(RateCardsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(InvoicesEndpoints(database: database, clock: clock).routes)
    router.addRoutes(BalancesEndpoints(database: database, clock: clock).routes)
    router.addRoutes(ContractsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(ContractsV2Endpoints(database: database, clock: clock).routes)
    router.addRoutes(CommitsAndCreditsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(AlertsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(NotificationsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(AuditLogsEndpoints(database: database).routes)
    router.addRoutes(DashboardsEndpoints(database: database, namespace: namespace).routes)
    router.addRoutes(MetronomeEndpointsNotYetBuilt.routes())
    return router
}

/// Every route the router serves, one line each: `METHOD /path/{parameter}`, followed by ` 501`
/// for the Metronome endpoints that are not built yet. Tests read this list from the binary
/// rather than from the sources, so a route cannot escape their coverage.
public func routeTable() throws -> [String] {
    let configuration = Configuration(fixturesDirectory: nil, logLevel: .critical)
    let logger = Logger(label: "routes")
    let router = buildRouter(
        configuration: configuration, database: try AppDatabase.inMemory(), clock: EmulatorClock(), seed: .fixtures(.none),
        traffic: TrafficControl(configuration), alerts: AlertEvaluationQueue(),
        namespaces: Namespaces(configuration: configuration, seed: .fixtures(.none), logger: logger),
        namespace: Namespaces.defaultName, logger: logger
    )
    let notBuilt = Set(MetronomeEndpointsNotYetBuilt.all.map { "\($0.0) \($0.1)" })
    return router.routes.map { route in
        let line = "\(route.method) \(route.path)"
        return notBuilt.contains(line) ? line + " 501" : line
    }.sorted()
}

extension Configuration {
    /// The webhook destinations of `--webhook-url`, each signed with `--webhook-secret`.
    var webhookDestinations: [WebhookDestination] {
        WebhookDestination.fromFlags(urls: webhookURLs, secret: webhookSecret)
    }
}
