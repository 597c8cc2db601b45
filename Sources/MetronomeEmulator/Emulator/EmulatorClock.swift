import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Synchronization

/// The one clock everything time-dependent reads: the wall clock, or a moment a test froze
/// it at through `POST /_emulator/clock`.
final class EmulatorClock: Sendable {
    private let frozenAt: Mutex<Timestamp?>

    /// A clock that follows the wall clock until frozen.
    init(frozenAt: Timestamp? = nil) {
        self.frozenAt = Mutex(frozenAt)
    }

    /// The emulated current time.
    func now() -> Timestamp {
        frozenAt.withLock { $0 } ?? Timestamp(Date())
    }

    /// Whether the clock is frozen.
    var isFrozen: Bool {
        frozenAt.withLock { $0 != nil }
    }

    /// Freezes the clock at `moment`, or returns it to the wall clock when nil.
    func freeze(at moment: Timestamp?) {
        frozenAt.withLock { $0 = moment }
    }
}
