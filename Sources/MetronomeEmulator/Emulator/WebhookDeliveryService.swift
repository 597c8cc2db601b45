import AsyncHTTPClient
import Foundation
import Logging
import MetronomeCodecs
import MetronomeStore
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// How webhook delivery paces itself.
struct WebhookDeliveryPolicy: Sendable {
    /// The wait after the first failed attempt; each failure doubles it.
    var initialBackoff: Duration = .seconds(1)
    /// The longest wait between two attempts.
    var maxBackoff: Duration = .seconds(15 * 60)
    /// How long after it was queued a delivery is given up on.
    var giveUpAfter: Duration = .seconds(2 * 24 * 3600)
    /// The longest one attempt may take, connection included; a slower receiver is a failure.
    var attemptTimeout: Duration = .seconds(10)
    /// How many attempts run at once, each to a different destination.
    var maxConcurrentAttempts = 8
    /// How often the outbox is looked at for new notifications and due retries.
    var pollInterval: Duration = .milliseconds(100)
    /// How often it is looked at while there is no destination at all.
    var idlePollInterval: Duration = .seconds(1)

    /// Milliseconds to wait after a delivery's `attempts`-th failed attempt.
    func backoffMilliseconds(afterAttempts attempts: Int) -> Int64 {
        let initial = Self.milliseconds(initialBackoff)
        let cap = Self.milliseconds(maxBackoff)
        let doublings = min(max(attempts - 1, 0), 40)
        return min(initial.multipliedReportingOverflow(by: Int64(1) << doublings).partialValue, cap)
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// Delivers the notifications outbox: fans each new notification out to the destinations that
/// receive its type, then POSTs each delivery, signed, to its destination. Deliveries to one
/// destination go in order, one at a time, so a failing or hanging receiver delays only its
/// own; a failed attempt is retried with exponential backoff. Everything it needs lives in the
/// store, so after a restart it carries on with what was pending. One runs per namespace.
struct WebhookDelivery: Sendable {
    let database: AppDatabase
    /// The destinations of `--webhook-url`; those added at run time are read from the store.
    let flagDestinations: [WebhookDestination]
    let policy: WebhookDeliveryPolicy
    let logger: Logger

    /// The client every namespace's deliveries share.
    static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            // A refused connection is tried again within the attempt until the connect timeout.
            timeout: .init(connect: .seconds(3), read: .seconds(10))
        )
        configuration.connectionPool.idleTimeout = .seconds(30)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Wall-clock milliseconds: retry timers follow real time, whatever the emulated clock says.
    private static func wallNow() -> Int64 { Timestamp(Date()).millisecondsSinceEpoch }

    /// Delivers until cancelled or until `isLive` turns false (its namespace was deleted).
    func run(client: HTTPClient, isLive: @escaping @Sendable () -> Bool) async {
        let busy = BusyDestinations()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && isLive() {
                var pause = policy.pollInterval
                do {
                    let destinations = flagDestinations + (try await database.webhookDestinations())
                    if destinations.isEmpty { pause = policy.idlePollInterval }
                    if try await database.hasNotificationsToFanOut() {
                        try await database.fanOutNotifications(to: destinations, wallNow: Self.wallNow())
                    }
                    let idle = destinations.filter { destination in busy.ids.withLock { !$0.contains(destination.id) } }
                    if !idle.isEmpty {
                        let heads = try await database.headDeliveries(webhookIds: idle.map(\.id))
                        let now = Self.wallNow()
                        for head in heads where head.nextAttemptAt <= now {
                            let claimed = busy.ids.withLock { running in
                                guard running.count < policy.maxConcurrentAttempts else { return false }
                                return running.insert(head.webhookId).inserted
                            }
                            guard claimed, let destination = destinations.first(where: { $0.id == head.webhookId }) else {
                                continue
                            }
                            group.addTask {
                                await attempt(head, to: destination, client: client)
                                _ = busy.ids.withLock { $0.remove(head.webhookId) }
                            }
                        }
                    }
                } catch is CancellationError {
                    break  // shutting down
                } catch {
                    logger.error("webhook delivery: \(error)")
                }
                await database.outbox.wait(upTo: pause)
            }
        }
    }

    /// Makes one attempt of a delivery and records what came of it.
    private func attempt(_ delivery: DueDelivery, to destination: WebhookDestination, client: HTTPClient) async {
        let date = WebhookSigning.httpDate(Timestamp(Date()))
        let body = Array(delivery.body.utf8)
        var request = HTTPClientRequest(url: destination.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Date", value: date)
        request.headers.add(name: "X-Metronome-Date", value: date)
        request.headers.add(
            name: "Metronome-Webhook-Signature",
            value: WebhookSigning.signature(date: date, body: body, secret: destination.secret)
        )
        request.headers.add(name: "User-Agent", value: "metronome-emulator")
        request.body = .bytes(ByteBuffer(bytes: body))
        var status: Int?
        var failure: String?
        do {
            let timeout = TimeAmount.milliseconds(WebhookDeliveryPolicy.milliseconds(policy.attemptTimeout))
            let response = try await client.execute(request, timeout: timeout)
            status = Int(response.status.code)
            _ = try? await response.body.collect(upTo: 64 * 1024)
        } catch is CancellationError {
            return
        } catch {
            failure = String(describing: error)
        }
        let now = Self.wallNow()
        let delivered = status.map { (200...299).contains($0) } ?? false
        var next: Int64?
        if !delivered {
            let at = now + policy.backoffMilliseconds(afterAttempts: delivery.attempts + 1)
            if at - delivery.queuedAt <= WebhookDeliveryPolicy.milliseconds(policy.giveUpAfter) { next = at }
        }
        if !delivered {
            logger.info("webhook delivery to \(destination.url) failed: \(status.map(String.init) ?? failure ?? "no answer")")
        }
        do {
            try await database.recordDeliveryAttempt(
                notificationId: delivery.notificationId, webhookId: delivery.webhookId, status: status, error: failure,
                delivered: delivered, nextAttemptAt: next, wallNow: now
            )
        } catch is CancellationError {
            return  // shutting down: the delivery stays pending
        } catch {
            logger.error("webhook delivery: cannot record an attempt: \(error)")
        }
    }
}

/// The destinations an attempt is under way to.
private final class BusyDestinations: Sendable {
    let ids = Mutex<Set<String>>([])
}
