import Foundation
import Hummingbird
import Logging
import MetronomeCodecs
import MetronomeStore
import Synchronization

/// Every namespace the server holds, each opened on first use. With `--data-dir`, each is an
/// SQLite file there (`<name>.sqlite`), found again after a restart; `--db` names the default
/// namespace's file. Otherwise each lives in memory.
final class Namespaces: Sendable {
    /// The namespace served at the root.
    static let defaultName = "default"
    /// The path prefix of the other namespaces: `/_ns/<name>/...`.
    static let pathPrefix = "/_ns/"

    private let configuration: Configuration
    private let seed: NamespaceSeed
    private let logger: Logger
    private let open = Mutex<[String: Namespace]>([:])
    private let announce: AsyncStream<Namespace>.Continuation
    /// Every namespace as it opens, for the service that runs its background work.
    let opened: AsyncStream<Namespace>

    /// The namespaces of `configuration`, each seeded with `seed`.
    init(configuration: Configuration, seed: NamespaceSeed, logger: Logger) {
        self.configuration = configuration
        self.seed = seed
        self.logger = logger
        (opened, announce) = AsyncStream.makeStream(of: Namespace.self)
    }

    /// Whether `name` may name a namespace: 1–64 of `A-Z a-z 0-9 _ . -`.
    static func isValidName(_ name: some StringProtocol) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x5F || byte == 0x2E || byte == 0x2D
        } && name != "." && name != ".."
    }

    /// The namespace called `name`, opened (and seeded) if this is its first use. Throws a 400
    /// past `--max-namespaces`.
    func namespace(_ name: String) async throws -> Namespace {
        if let ready = open.withLock({ $0[name] }) { return ready }
        let known = open.withLock { $0.count }
        if known >= configuration.maxNamespaces && !(storedNames().contains(name)) {
            throw APIError.badRequest(
                "This emulator already holds \(configuration.maxNamespaces) namespaces (--max-namespaces): "
                    + "delete one with DELETE /_emulator/namespaces/<name>, or start it with a higher limit"
            )
        }
        let made = try await make(name)
        return open.withLock { open in
            // Two first requests may race: the first one stored wins, the other is let go.
            if let winner = open[name] { return winner }
            open[name] = made
            announce.yield(made)
            return made
        }
    }

    /// Opens the namespace's store and builds its router.
    private func make(_ name: String) async throws -> Namespace {
        let path = self.path(of: name)
        let database = try path.map(AppDatabase.file(atPath:)) ?? AppDatabase.inMemory()
        let clock = EmulatorClock()
        try await seed.apply(to: database, now: clock.now(), force: false)
        // A store kept in a file may hold due moments that passed while the server was down.
        try await Settlement(database: database).catchUp(to: clock.now())
        let traffic = TrafficControl(configuration)
        let alerts = AlertEvaluationQueue()
        let router = buildRouter(
            configuration: configuration, database: database, clock: clock, seed: seed, traffic: traffic, alerts: alerts,
            namespaces: name == Self.defaultName ? self : nil, namespace: name, logger: logger
        )
        return Namespace(
            name: name, database: database, clock: clock, traffic: traffic, alerts: alerts, responder: router.buildResponder(),
            path: path
        )
    }

    /// The file that keeps namespace `name`, if state is kept in files.
    private func path(of name: String) -> String? {
        if name == Self.defaultName, let db = configuration.databasePath { return db }
        return configuration.dataDirectory.map { URL(fileURLWithPath: $0).appendingPathComponent("\(name).sqlite").path }
    }

    /// The names of the namespaces kept in the data directory.
    private func storedNames() -> Set<String> {
        guard let directory = configuration.dataDirectory,
              let files = try? FileManager.default.contentsOfDirectory(atPath: directory)
        else { return [] }
        return Set(files.filter { $0.hasSuffix(".sqlite") }.map { String($0.dropLast(".sqlite".count)) }.filter(Self.isValidName))
    }

    /// Every namespace, open or kept in the data directory, by name.
    func all() async throws -> [Namespace] {
        var names = storedNames()
        names.formUnion(open.withLock { Array($0.keys) })
        var namespaces: [Namespace] = []
        for name in names.sorted() {
            namespaces.append(try await namespace(name))
        }
        return namespaces
    }

    /// Deletes a namespace and its file; answers whether there was one. The default namespace
    /// cannot be deleted (reset it instead).
    func delete(_ name: String) -> Bool {
        let removed = open.withLock { $0.removeValue(forKey: name) }
        removed?.drop()
        var existed = removed != nil
        if let path = removed?.path ?? path(of: name), FileManager.default.fileExists(atPath: path) {
            existed = true
            AppDatabase.removeDatabaseFiles(atPath: path)
        }
        return existed
    }

    /// Stops announcing namespaces (the server is shutting down).
    func finish() { announce.finish() }
}
