import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Synchronization

/// The one clock everything time-dependent reads: the wall clock (moved ahead by
/// `POST /_emulator/clock/advance`, if it was), or a moment a test froze it at through
/// `POST /_emulator/clock`.
final class EmulatorClock: Sendable {
    private struct State {
        var frozenAt: Timestamp?
        /// How far a running clock is ahead of the wall clock.
        var offsetMilliseconds: Int64 = 0
    }

    private let state: Mutex<State>

    /// A clock that follows the wall clock until frozen.
    init(frozenAt: Timestamp? = nil) {
        self.state = Mutex(State(frozenAt: frozenAt))
    }

    /// The emulated current time.
    func now() -> Timestamp {
        state.withLock { state in
            state.frozenAt ?? Timestamp(millisecondsSinceEpoch: Self.wallMilliseconds() + state.offsetMilliseconds)
        }
    }

    /// Whether the clock is frozen.
    var isFrozen: Bool {
        state.withLock { $0.frozenAt != nil }
    }

    /// Freezes the clock at `moment`, or returns it to the wall clock when nil.
    func freeze(at moment: Timestamp?) {
        state.withLock { $0 = State(frozenAt: moment) }
    }

    /// Moves the clock to `moment`, keeping it frozen or running as it is.
    func move(to moment: Timestamp) {
        state.withLock { state in
            if state.frozenAt != nil {
                state.frozenAt = moment
            } else {
                state.offsetMilliseconds = moment.millisecondsSinceEpoch - Self.wallMilliseconds()
            }
        }
    }

    private static func wallMilliseconds() -> Int64 { Timestamp(Date()).millisecondsSinceEpoch }
}
