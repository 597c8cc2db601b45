import Foundation
import Hummingbird
import Logging
import MetronomeCodecs
import MetronomeStore
import Synchronization

/// What a namespace starts from, and returns to on reset: fixture files, or a snapshot.
enum NamespaceSeed: Sendable {
    case fixtures(Fixtures)
    /// A snapshot file (`--fixtures` naming a file), checked and brought up to date at launch.
    case snapshot(path: String)

    /// The seed `configuration.fixturesDirectory` names: a folder of fixture files, a snapshot
    /// file, or nothing.
    static func load(_ configuration: Configuration) throws -> NamespaceSeed {
        guard let path = configuration.fixturesDirectory else { return .fixtures(.none) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            // Checked now, so a bad file stops the launch rather than the first namespace.
            let copy = try Self.copyOfSnapshot(at: path)
            AppDatabase.removeDatabaseFiles(atPath: copy)
            return .snapshot(path: path)
        }
        return .fixtures(try Fixtures.load(from: path))
    }

    /// Gives `database` the seed's state: on a store with none yet, or on every reset (`force`).
    func apply(to database: AppDatabase, now: Timestamp, force: Bool) async throws {
        switch self {
        case .fixtures(let fixtures):
            if force {
                try await database.reset(to: fixtures, now: now)
            } else {
                try await database.loadFixturesIfEmpty(fixtures, now: now)
            }
        case .snapshot(let path):
            if !force, try await !database.isEmpty() { return }
            let copy = try Self.copyOfSnapshot(at: path)
            defer { AppDatabase.removeDatabaseFiles(atPath: copy) }
            try await database.restore(from: try AppDatabase.openSnapshot(atPath: copy))
        }
    }

    /// A migrated copy of the snapshot at `path`, in a temporary file the caller removes.
    private static func copyOfSnapshot(at path: String) throws -> String {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("metronome-seed-\(UUID().uuidString).sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        do {
            _ = try AppDatabase.openSnapshot(atPath: copy)
        } catch {
            AppDatabase.removeDatabaseFiles(atPath: copy)
            throw error
        }
        return copy
    }
}

/// One emulator among those a server holds: its own store, clock, journal and faults, webhook
/// destinations, and the router bound to them. `default` answers at the root, any other name
/// under `/_ns/<name>`.
final class Namespace: Sendable {
    let name: String
    let database: AppDatabase
    let clock: EmulatorClock
    let traffic: TrafficControl
    /// The customers whose alerts await evaluation after ingest.
    let alerts: AlertEvaluationQueue
    let responder: RouterResponder<EmulatorRequestContext>
    /// The SQLite file under `--data-dir` (or `--db`) that keeps it, if it is kept.
    let path: String?
    private let droppedFlag = Atomic<Bool>(false)

    /// A value with each stored property given.
    init(
        name: String, database: AppDatabase, clock: EmulatorClock, traffic: TrafficControl, alerts: AlertEvaluationQueue,
        responder: RouterResponder<EmulatorRequestContext>, path: String?
    ) {
        self.name = name
        self.database = database
        self.clock = clock
        self.traffic = traffic
        self.alerts = alerts
        self.responder = responder
        self.path = path
    }

    /// Whether it was deleted: its background work stops.
    var isDropped: Bool { droppedFlag.load(ordering: .acquiring) }

    /// Marks it deleted.
    func drop() {
        droppedFlag.store(true, ordering: .releasing)
        alerts.finish()
    }
}
