import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Synchronization

/// Encoded bodies of reads that depend on the store alone, each valid while the store's commit
/// count is the one it was read under. A commit makes every body stale, so the cache empties.
final class ResponseBodyCache: Sendable {
    /// At most this many bodies are kept; past it the cache starts over.
    static let capacity = 1024

    private let state = Mutex<(commits: UInt64, bodies: [String: [UInt8]])>((0, [:]))

    /// The body kept for `key`, if it was read under `commits`.
    func body(for key: String, commits: UInt64) -> [UInt8]? {
        state.withLock { $0.commits == commits ? $0.bodies[key] : nil }
    }

    /// Keeps `body`, read under `commits` (ignored if a later commit was already seen).
    func remember(_ body: [UInt8], for key: String, commits: UInt64) {
        state.withLock { state in
            if state.commits != commits {
                guard commits > state.commits else { return }
                state = (commits, [:])
            }
            if state.bodies.count >= Self.capacity { state.bodies.removeAll(keepingCapacity: true) }
            state.bodies[key] = body
        }
    }
}
