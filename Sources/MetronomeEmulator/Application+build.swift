import Hummingbird
import Logging

/// Builds the emulator from a configuration: opens the store, loads fixtures, and wires every
/// resource's routes. The CLI and the tests both start here.
public func buildApplication(_ configuration: Configuration) async throws -> some ApplicationProtocol {
    let logger = {
        var logger = Logger(label: "metronome-emulator")
        logger.logLevel = configuration.logLevel
        return logger
    }()
    let database = try configuration.databasePath.map(AppDatabase.file(atPath:)) ?? AppDatabase.inMemory()
    let fixtures = try configuration.fixturesDirectory.map(Fixtures.load(from:)) ?? .none
    let clock = EmulatorClock()
    try await database.loadFixturesIfEmpty(fixtures, now: clock.now())
    let router = buildRouter(configuration: configuration, database: database, clock: clock, fixtures: fixtures, logger: logger)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "metronome-emulator"
        ),
        logger: logger
    )
}

/// The router: the API edge and auth middleware, then every resource's routes.
func buildRouter(
    configuration: Configuration, database: AppDatabase, clock: EmulatorClock, fixtures: Fixtures, logger: Logger
) -> Router<EmulatorRequestContext> {
    let router = Router(context: EmulatorRequestContext.self)
    router.add(middleware: APIEdgeMiddleware(maxBodySize: configuration.maxBodySize, logger: logger))
    router.add(middleware: AuthMiddleware(apiKeys: Set(configuration.apiKeys), guardsControlPlane: configuration.guardsControlPlane))
    router.addRoutes(ControlPlaneEndpoints(database: database, clock: clock, fixtures: fixtures).routes)
    router.addRoutes(CustomersEndpoints(database: database, clock: clock).routes)
    router.addRoutes(BillingConfigurationsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(CustomerNamedSchedulesEndpoints(database: database).routes)
    router.addRoutes(CreditTypesEndpoints(database: database).routes)
    router.addRoutes(BillableMetricsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(UsageEndpoints(database: database, clock: clock).routes)
    router.addRoutes(CustomFieldsEndpoints(database: database).routes)
    router.addRoutes(PlansEndpoints(database: database, clock: clock).routes)
    router.addRoutes(ProductsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(RateCardsEndpoints(database: database, clock: clock).routes)
    router.addRoutes(RateCardNamedSchedulesEndpoints(database: database).routes)
    router.addRoutes(MetronomeEndpointsNotYetBuilt.routes)
    return router
}
