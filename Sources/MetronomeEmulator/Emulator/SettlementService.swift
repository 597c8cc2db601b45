import Logging
import MetronomeCodecs
import MetronomeStore
import ServiceLifecycle

/// What the emulated clock's passing does to the store, applied up to a moment.
struct Settlement: Sendable {
    let database: AppDatabase

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
}

/// Settles customers as their due moments come while the clock runs: it sleeps until the next
/// due moment (looking again at least every second, for moments that writes add), then applies
/// what is due. A frozen clock moves only through the control plane, which catches up itself
/// before it answers.
struct SettlementService: Service {
    let database: AppDatabase
    let clock: EmulatorClock
    let logger: Logger

    /// The longest sleep: how late a due moment that a write just added may be noticed.
    static let lookAgainMilliseconds: Int64 = 1000

    func run() async throws {
        await cancelWhenGracefulShutdown {
            let settlement = Settlement(database: database)
            while !Task.isCancelled {
                var wait = Self.lookAgainMilliseconds
                do {
                    try await settlement.catchUp(to: clock.now())
                    if !clock.isFrozen, let next = try await database.nextDueMoment() {
                        let until = next.millisecondsSinceEpoch - clock.now().millisecondsSinceEpoch
                        wait = min(max(until, 1), Self.lookAgainMilliseconds)
                    }
                } catch {
                    logger.error("settlement: \(error)")
                }
                try? await Task.sleep(for: .milliseconds(wait))
            }
        }
    }
}
