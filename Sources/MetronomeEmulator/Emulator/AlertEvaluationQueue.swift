import Logging
import MetronomeStore
import Synchronization

/// The customers (by ingest reference) whose alerts (and prepaid balance recharges) await
/// evaluation after ingest, coalesced:
/// however many batches name a customer before the evaluator's next pass, it is evaluated once,
/// so that ingest never waits on alert evaluation and a busy customer is not rated per batch.
final class AlertEvaluationQueue: Sendable {
    private let pending = Mutex<Set<String>>([])
    private let signal: AsyncStream<Void>.Continuation
    /// A value each time references are added (at most one waiting).
    let signals: AsyncStream<Void>

    init() {
        (signals, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `refs` for evaluation. A batch's events mostly come in runs of one customer: a
    /// reference repeating the one before it is not hashed again.
    func add(_ refs: some Sequence<String>) {
        pending.withLock { pending in
            var last: String?
            for ref in refs where ref != last {
                pending.insert(ref)
                last = ref
            }
        }
        signal.yield()
    }

    /// The references queued since the last call, emptying the queue.
    func take() -> [String] {
        pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending.sorted()
        }
    }

    /// Ends `signals` (the namespace was deleted).
    func finish() { signal.finish() }

    /// Evaluates what is queued as it comes, until `signals` ends or the task is cancelled.
    func run(database: AppDatabase, clock: EmulatorClock, logger: Logger) async {
        for await _ in signals {
            let refs = take()
            guard !refs.isEmpty else { continue }
            do {
                try await database.billThresholds(customerRefs: refs, now: clock.now())
                try await database.evaluateAlerts(customerRefs: refs, now: clock.now())
            } catch is CancellationError {
                return  // shutting down
            } catch {
                logger.error("alert evaluation: \(error)")
            }
        }
    }
}
