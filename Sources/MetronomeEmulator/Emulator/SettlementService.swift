import Logging
import MetronomeCodecs
import MetronomeStore

/// What the emulated clock's passing does to one namespace's store, applied up to a moment.
struct Settlement: Sendable {
    let database: AppDatabase

    /// The longest sleep of `run`: how late a due moment that a write just added may be noticed.
    static let lookAgainMilliseconds: Int64 = 1000

    /// Settles every customer whose due moment is at or before `moment`, one due moment at a
    /// time in time order, each in its own transaction. Answers how many were applied.
    @discardableResult
    func catchUp(to moment: Timestamp) async throws -> Int {
        var applied = 0
        while let next = try await database.nextDueMoment(), next <= moment {
            guard try await database.settleNextDue(through: moment) else { break }
            applied += 1
        }
        return applied
    }

    /// Settles customers as their due moments come while `clock` runs, until cancelled or until
    /// `isLive` turns false: it sleeps until the next due moment (looking again at least every
    /// second, for moments that writes add), then applies what is due. A frozen clock moves only
    /// through the control plane, which catches up itself before it answers.
    func run(clock: EmulatorClock, logger: Logger, isLive: @escaping @Sendable () -> Bool) async {
        while !Task.isCancelled && isLive() {
            var wait = Self.lookAgainMilliseconds
            do {
                try await catchUp(to: clock.now())
                if !clock.isFrozen, let next = try await database.nextDueMoment() {
                    let until = next.millisecondsSinceEpoch - clock.now().millisecondsSinceEpoch
                    wait = min(max(until, 1), Self.lookAgainMilliseconds)
                }
            } catch is CancellationError {
                return  // shutting down
            } catch {
                logger.error("settlement: \(error)")
            }
            try? await Task.sleep(for: .milliseconds(wait))
        }
    }
}
