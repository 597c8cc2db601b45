import Foundation
import Logging
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Everything the emulator can be told at launch. Every field has the default a user gets
/// from `metronome-emulator` with no flags.
public struct Configuration: Sendable {
    /// Address to listen on.
    public var host: String
    /// TCP port to listen on; 0 picks a free one.
    public var port: Int
    /// SQLite file that keeps the default namespace's state across restarts; nil keeps it in
    /// memory (or, with `dataDirectory`, in `default.sqlite` there).
    public var databasePath: String?
    /// Folder in which each namespace is kept as `<name>.sqlite`; nil keeps namespaces in memory.
    public var dataDirectory: String?
    /// How many namespaces one server holds at most.
    public var maxNamespaces: Int
    /// Folder of fixture files (or a snapshot file) loaded at start and on reset; nil loads none.
    public var fixturesDirectory: String?
    /// Accepted bearer tokens; empty accepts any non-empty token.
    public var apiKeys: [String]
    /// Whether `/_emulator/` routes also need one of `apiKeys`.
    public var guardsControlPlane: Bool
    /// Largest request body accepted, in bytes; larger ones get a 413.
    public var maxBodySize: Int
    /// Largest request head (request line and headers) accepted, in bytes; a larger one gets a
    /// 400 and its connection is closed.
    public var maxHeaderSize: Int
    /// How long a connection may stay silent (no request, or a request stalled half-sent)
    /// before the server closes it; nil keeps idle connections open forever.
    public var idleTimeout: Duration?
    /// Lowest level of log messages written.
    public var logLevel: Logger.Level
    /// How many Metronome requests the journal (`GET /_emulator/requests`) keeps, newest first;
    /// 0 keeps none.
    public var journalSize: Int
    /// A delay added to every Metronome request; nil adds none.
    public var latency: SimulatedLatency?
    /// URLs every notification is POSTed to, signed with `webhookSecret`.
    public var webhookURLs: [String]
    /// The key that signs requests to `webhookURLs`; required when there are any.
    public var webhookSecret: String?
    /// Whether the default namespace gets the demo customer, contract and month of usage at start.
    public var demo: Bool

    /// The default body limit: 4 MiB, far above Metronome's largest request (100 usage events).
    public static let defaultMaxBodySize = 4 * 1024 * 1024
    /// The default head limit: 32 KiB, room for any token and header a client sends.
    public static let defaultMaxHeaderSize = 32 * 1024
    /// The default idle timeout: long enough for any client's keep-alive pool, short enough
    /// that connections opened and left silent do not pile up.
    public static let defaultIdleTimeout: Duration = .seconds(60)
    /// The default journal size: enough for any test's requests, bounded for long-running servers.
    public static let defaultJournalSize = 10_000
    /// The largest journal a flag may ask for.
    public static let maxJournalSize = 1_000_000
    /// The default limit on namespaces.
    public static let defaultMaxNamespaces = 256

    /// A configuration with every default, except what the arguments name.
    public init(
        host: String = "127.0.0.1",
        port: Int = 4010,
        databasePath: String? = nil,
        dataDirectory: String? = nil,
        maxNamespaces: Int = Configuration.defaultMaxNamespaces,
        fixturesDirectory: String? = Configuration.defaultFixturesDirectory,
        apiKeys: [String] = [],
        guardsControlPlane: Bool = false,
        maxBodySize: Int = Configuration.defaultMaxBodySize,
        maxHeaderSize: Int = Configuration.defaultMaxHeaderSize,
        idleTimeout: Duration? = Configuration.defaultIdleTimeout,
        logLevel: Logger.Level = .info,
        journalSize: Int = Configuration.defaultJournalSize,
        latency: SimulatedLatency? = nil,
        webhookURLs: [String] = [],
        webhookSecret: String? = nil,
        demo: Bool = false
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.dataDirectory = dataDirectory
        self.maxNamespaces = maxNamespaces
        self.fixturesDirectory = fixturesDirectory
        self.apiKeys = apiKeys
        self.guardsControlPlane = guardsControlPlane
        self.maxBodySize = maxBodySize
        self.maxHeaderSize = maxHeaderSize
        self.idleTimeout = idleTimeout
        self.logLevel = logLevel
        self.journalSize = journalSize
        self.latency = latency
        self.webhookURLs = webhookURLs
        self.webhookSecret = webhookSecret
        self.demo = demo
    }

    /// The project's `fixtures/` folder, found next to an installed binary
    /// (`<prefix>/bin/metronome-emulator` with `<prefix>/share/metronome-emulator/fixtures`, as in
    /// the Docker image) or in the source checkout the binary was built from (`swift run`).
    public static var defaultFixturesDirectory: String? {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            let prefix = executable.deletingLastPathComponent().deletingLastPathComponent()
            candidates.append(prefix.appendingPathComponent("share/metronome-emulator/fixtures"))
        }
        let checkout = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(checkout.appendingPathComponent("fixtures"))
        var isDirectory: ObjCBool = false
        return candidates.first { fileManager.fileExists(atPath: $0.path, isDirectory: &isDirectory) && isDirectory.boolValue }?
            .path
    }
}

// MARK: - Flags and environment

/// The settings given on the command line; nil (or empty, or false) where a flag was not given.
public struct ConfigurationFlags: Sendable {
    public var host: String?
    public var port: Int?
    public var databasePath: String?
    public var dataDirectory: String?
    public var maxNamespaces: Int?
    public var fixturesDirectory: String?
    public var noFixtures = false
    public var apiKeys: [String] = []
    public var guardsControlPlane = false
    public var maxBodySize: Int?
    /// Bytes.
    public var maxHeaderSize: Int?
    /// Seconds; 0 turns the idle timeout off.
    public var idleTimeout: Double?
    public var logLevel: String?
    /// Requests the journal keeps; 0 keeps none.
    public var journalSize: Int?
    /// `MEAN[,JITTER]` in milliseconds.
    public var latency: String?
    /// Webhook destination URLs.
    public var webhookURLs: [String] = []
    /// The secret signing requests to `webhookURLs`.
    public var webhookSecret: String?
    /// Add the demo data at start.
    public var demo = false

    public init() {}
}

/// A setting that cannot be used, said in one line.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
}

extension Configuration {
    /// Each setting from its flag, else its `METRONOME_EMULATOR_<NAME>` variable, else the default.
    public init(flags: ConfigurationFlags, environment: [String: String]) throws {
        func env(_ name: String) -> String? {
            environment["METRONOME_EMULATOR_\(name)"].flatMap { $0.isEmpty ? nil : $0 }
        }
        func envFlag(_ name: String) throws -> Bool {
            guard let text = env(name) else { return false }
            switch text.lowercased() {
            case "1", "true", "yes": return true
            case "0", "false", "no": return false
            default: throw ConfigurationError(description: "METRONOME_EMULATOR_\(name) must be true or false")
            }
        }
        func envInt(_ name: String) throws -> Int? {
            guard let text = env(name) else { return nil }
            guard let value = Int(text) else {
                throw ConfigurationError(description: "METRONOME_EMULATOR_\(name) must be an integer, got '\(text)'")
            }
            return value
        }
        func envDouble(_ name: String) throws -> Double? {
            guard let text = env(name) else { return nil }
            guard let value = Double(text) else {
                throw ConfigurationError(description: "METRONOME_EMULATOR_\(name) must be a number, got '\(text)'")
            }
            return value
        }
        self.init()
        host = flags.host ?? env("HOST") ?? host
        port = try flags.port ?? envInt("PORT") ?? port
        databasePath = flags.databasePath ?? env("DB")
        dataDirectory = flags.dataDirectory ?? env("DATA_DIR")
        maxNamespaces = try flags.maxNamespaces ?? envInt("MAX_NAMESPACES") ?? maxNamespaces
        if try flags.noFixtures || envFlag("NO_FIXTURES") {
            fixturesDirectory = nil
        } else if let directory = flags.fixturesDirectory ?? env("FIXTURES") {
            fixturesDirectory = directory
        }
        apiKeys = flags.apiKeys.isEmpty
            ? (env("API_KEY")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? [])
            : flags.apiKeys
        guardsControlPlane = try flags.guardsControlPlane || envFlag("GUARD_CONTROL_PLANE")
        maxBodySize = try flags.maxBodySize ?? envInt("MAX_BODY_SIZE") ?? maxBodySize
        maxHeaderSize = try flags.maxHeaderSize ?? envInt("MAX_HEADER_SIZE") ?? maxHeaderSize
        if let seconds = try flags.idleTimeout ?? envDouble("IDLE_TIMEOUT") {
            guard seconds.isFinite, (0...86_400).contains(seconds) else {
                throw ConfigurationError(description: "idle timeout must be between 0 and 86400 seconds, got \(seconds)")
            }
            idleTimeout = seconds == 0 ? nil : .milliseconds(Int64((seconds * 1000).rounded()))
        }
        if let text = flags.logLevel ?? env("LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: text.lowercased()) else {
                throw ConfigurationError(
                    description: "log level must be one of trace, debug, info, notice, warning, error, critical; got '\(text)'"
                )
            }
            logLevel = level
        }
        journalSize = try flags.journalSize ?? envInt("JOURNAL_SIZE") ?? journalSize
        if let text = flags.latency ?? env("LATENCY_MS") {
            latency = try SimulatedLatency(milliseconds: text)
        }
        webhookURLs = flags.webhookURLs.isEmpty
            ? (env("WEBHOOK_URL")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? [])
            : flags.webhookURLs
        webhookSecret = flags.webhookSecret ?? env("WEBHOOK_SECRET")
        demo = try flags.demo || envFlag("DEMO")
        for url in webhookURLs {
            if let problem = WebhookDestination.problem(withURL: url) {
                throw ConfigurationError(description: problem.replacingOccurrences(of: "'url'", with: "--webhook-url"))
            }
        }
        if !webhookURLs.isEmpty && (webhookSecret ?? "").isEmpty {
            throw ConfigurationError(description: "--webhook-url needs --webhook-secret, the key that signs every request")
        }
        guard (0...65535).contains(port) else {
            throw ConfigurationError(description: "port must be between 0 and 65535, got \(port)")
        }
        guard maxBodySize > 0 else {
            throw ConfigurationError(description: "max body size must be positive, got \(maxBodySize)")
        }
        guard maxHeaderSize >= 1024 else {
            throw ConfigurationError(description: "max header size must be at least 1024 bytes, got \(maxHeaderSize)")
        }
        guard (0...Self.maxJournalSize).contains(journalSize) else {
            throw ConfigurationError(description: "journal size must be between 0 and \(Self.maxJournalSize), got \(journalSize)")
        }
        guard (1...100_000).contains(maxNamespaces) else {
            throw ConfigurationError(description: "max namespaces must be between 1 and 100000, got \(maxNamespaces)")
        }
        if let dataDirectory {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: dataDirectory, isDirectory: &isDirectory) {
                do {
                    try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
                } catch {
                    throw ConfigurationError(description: "cannot create the data directory \(dataDirectory): \(error.localizedDescription)")
                }
            } else if !isDirectory.boolValue {
                throw ConfigurationError(description: "the data directory \(dataDirectory) is a file, not a folder")
            }
        }
        if demo && fixturesDirectory == nil {
            throw ConfigurationError(description: "--demo needs the default fixtures (its contract uses their Standard rate card)")
        }
        if guardsControlPlane && apiKeys.isEmpty {
            throw ConfigurationError(description: "guarding the control plane needs at least one API key")
        }
    }
}
