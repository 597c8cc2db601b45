/// What the emulator does to Metronome traffic for tests of a client's unhappy paths: the
/// journal of requests, the fault rules, and the latency added to every request.
final class TrafficControl: Sendable {
    /// The journal; nil when `--journal-size 0` turned it off.
    let journal: RequestJournal?
    /// The fault rules in force.
    let faults = FaultInjector()
    /// The latency added to every Metronome request; nil adds none.
    let latency: SimulatedLatency?

    /// Traffic control for `configuration`: a journal of its size, its latency, no faults.
    init(_ configuration: Configuration) {
        journal = configuration.journalSize > 0 ? RequestJournal(capacity: configuration.journalSize) : nil
        latency = configuration.latency
    }

    /// Empties the journal and removes every fault (`POST /_emulator/reset`).
    func reset() {
        journal?.removeAll()
        faults.removeAll()
    }
}
