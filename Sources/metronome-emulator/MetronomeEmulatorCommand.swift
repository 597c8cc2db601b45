import ArgumentParser
import Foundation
import Logging
import MetronomeEmulator

/// `metronome-emulator`: parses flags (or their `METRONOME_EMULATOR_*` variables) into a
/// `Configuration`, builds the application and runs it.
@main
struct MetronomeEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metronome-emulator",
        abstract: "A local emulator of the Metronome usage-based billing API.",
        discussion: """
            Point an official Metronome SDK at http://HOST:PORT with any bearer token. Every option can \
            also be set by an environment variable, METRONOME_EMULATOR_<OPTION> (e.g. \
            METRONOME_EMULATOR_PORT=4010, METRONOME_EMULATOR_API_KEY=k1,k2); a flag wins over its variable.
            """
    )

    @Option(help: "Address to listen on. (env: METRONOME_EMULATOR_HOST; default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one. (env: METRONOME_EMULATOR_PORT; default: 4010)")
    var port: Int?

    @Option(help: "SQLite file that keeps state across restarts. (env: METRONOME_EMULATOR_DB; default: in memory)")
    var db: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Keep every namespace as DIR/<name>.sqlite, found again at restart (--db still names the default namespace's file). (env: METRONOME_EMULATOR_DATA_DIR; default: in memory)", valueName: "DIR"))
    var dataDir: String?

    @Option(help: "How many namespaces (/_ns/<name>) the server holds at most. (env: METRONOME_EMULATOR_MAX_NAMESPACES; default: 256)")
    var maxNamespaces: Int?

    @Option(help: "Folder of fixture JSON files, or a snapshot file (GET /_emulator/snapshot), loaded into every namespace at start and on reset. (env: METRONOME_EMULATOR_FIXTURES; default: the project's fixtures/)")
    var fixtures: String?

    @Flag(help: "Start with no fixtures at all. (env: METRONOME_EMULATOR_NO_FIXTURES=true)")
    var noFixtures = false

    @Option(help: "Accept only this bearer token; repeat for several. Without it any non-empty token is accepted. (env: METRONOME_EMULATOR_API_KEY, comma-separated)")
    var apiKey: [String] = []

    @Flag(help: "Require an --api-key token on /_emulator/ routes too. (env: METRONOME_EMULATOR_GUARD_CONTROL_PLANE=true)")
    var guardControlPlane = false

    @Option(help: "Largest request body accepted, in bytes; larger gets a 413. (env: METRONOME_EMULATOR_MAX_BODY_SIZE; default: 4194304)")
    var maxBodySize: Int?

    @Option(help: "Largest request head (request line and headers) accepted, in bytes; larger gets a 400 and a closed connection. (env: METRONOME_EMULATOR_MAX_HEADER_SIZE; default: 32768)")
    var maxHeaderSize: Int?

    @Option(help: "Seconds a connection may stay silent (or stall mid-request) before it is closed; 0 never closes. (env: METRONOME_EMULATOR_IDLE_TIMEOUT; default: 60)")
    var idleTimeout: Double?

    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error, critical. (env: METRONOME_EMULATOR_LOG_LEVEL; default: info)")
    var logLevel: LogLevel?

    @Option(help: "How many Metronome requests the journal (GET /_emulator/requests) keeps; 0 keeps none. (env: METRONOME_EMULATOR_JOURNAL_SIZE; default: 10000)")
    var journalSize: Int?

    @Option(name: .customLong("latency-ms"), help: ArgumentHelp("Delay every Metronome request by MEAN milliseconds, give or take up to JITTER. (env: METRONOME_EMULATOR_LATENCY_MS; default: none)", valueName: "MEAN[,JITTER]"))
    var latencyMs: String?

    @Option(help: ArgumentHelp("POST every notification (invoice.finalized, alerts.*), signed, to this http(s) URL; repeat for several. (env: METRONOME_EMULATOR_WEBHOOK_URL, comma-separated)", valueName: "URL"))
    var webhookUrl: [String] = []

    @Option(help: ArgumentHelp("The key that signs webhook requests (Metronome-Webhook-Signature); required with --webhook-url. (env: METRONOME_EMULATOR_WEBHOOK_SECRET)", valueName: "SECRET"))
    var webhookSecret: String?

    @Flag(help: "Add a demo customer on a contract with a prepaid commit and a month of usage, to see in the console at /_emulator/ui/. (env: METRONOME_EMULATOR_DEMO=true)")
    var demo = false

    @Flag(help: "Print every route, one per line (`METHOD /path`, with ` 501` after those not built yet), and exit.")
    var printRoutes = false

    func validate() throws {
        do {
            _ = try resolvedConfiguration()
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        if printRoutes {
            print(try routeTable().joined(separator: "\n"))
            return
        }
        let configuration = try resolvedConfiguration()
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = BufferedLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        defer { LogOutput.standardError.flush(waitingUpTo: .seconds(1)) }
        do {
            let app = try await buildApplication(configuration)
            try await app.runService()
        } catch {
            LogOutput.standardError.flush(waitingUpTo: .seconds(1))
            FileHandle.standardError.write(Data("metronome-emulator: error: \(describeStartupError(error, configuration))\n".utf8))
            throw ExitCode.failure
        }
    }

    private func resolvedConfiguration() throws -> Configuration {
        var flags = ConfigurationFlags()
        flags.host = host
        flags.port = port
        flags.databasePath = db
        flags.dataDirectory = dataDir
        flags.maxNamespaces = maxNamespaces
        flags.fixturesDirectory = fixtures
        flags.noFixtures = noFixtures
        flags.apiKeys = apiKey
        flags.guardsControlPlane = guardControlPlane
        flags.maxBodySize = maxBodySize
        flags.maxHeaderSize = maxHeaderSize
        flags.idleTimeout = idleTimeout
        flags.logLevel = logLevel?.rawValue
        flags.journalSize = journalSize
        flags.latency = latencyMs
        flags.webhookURLs = webhookUrl
        flags.webhookSecret = webhookSecret
        flags.demo = demo
        return try Configuration(flags: flags, environment: ProcessInfo.processInfo.environment)
    }
}

/// One line saying why the emulator could not start.
private func describeStartupError(_ error: any Error, _ configuration: Configuration) -> String {
    let text = String(describing: error)
    if text.contains("Address already in use") {
        return "cannot listen on \(configuration.host):\(configuration.port): address already in use"
    }
    if let path = configuration.databasePath, text.contains("SQLite error") {
        return "cannot open database \(path): \(text)"
    }
    return text.replacingOccurrences(of: "\n", with: " ")
}

/// Log levels as the `--log-level` flag spells them.
enum LogLevel: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical
}
