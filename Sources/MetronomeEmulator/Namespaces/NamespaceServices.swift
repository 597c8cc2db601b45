import AsyncHTTPClient
import Logging
import MetronomeStore
import ServiceLifecycle

/// The background work of every namespace, in the application's service group: for each one as
/// it opens, settlement as its clock runs, the evaluation of alerts after ingest, and the
/// delivery of its notifications (one HTTP
/// client for all). A namespace's work ends when it is deleted; all of it at shutdown (attempts
/// in flight stay pending, and a restart sends them again).
struct NamespaceServices: Service {
    let namespaces: Namespaces
    let flagDestinations: [WebhookDestination]
    let policy: WebhookDeliveryPolicy
    let logger: Logger

    func run() async throws {
        let client = WebhookDelivery.makeClient()
        await cancelWhenGracefulShutdown {
            // Their store reads and writes give way to requests (see StoreWriter).
            await StoreWriter.$isBackground.withValue(true) {
                await withDiscardingTaskGroup { group in
                    for await namespace in namespaces.opened {
                        let isLive: @Sendable () -> Bool = { !namespace.isDropped }
                        group.addTask {
                            await Settlement(database: namespace.database).run(clock: namespace.clock, logger: logger, isLive: isLive)
                        }
                        group.addTask {
                            await namespace.alerts.run(database: namespace.database, clock: namespace.clock, logger: logger)
                        }
                        group.addTask {
                            let delivery = WebhookDelivery(
                                database: namespace.database, flagDestinations: flagDestinations, policy: policy, logger: logger
                            )
                            await delivery.run(client: client, isLive: isLive)
                        }
                    }
                }
            }
        }
        try await client.shutdown()
    }
}
