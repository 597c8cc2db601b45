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

    @Option(help: "Folder of fixture JSON files loaded at start and on reset. (env: METRONOME_EMULATOR_FIXTURES; default: the project's fixtures/)")
    var fixtures: String?

    @Flag(help: "Start with no fixtures at all. (env: METRONOME_EMULATOR_NO_FIXTURES=true)")
    var noFixtures = false

    @Option(help: "Accept only this bearer token; repeat for several. Without it any non-empty token is accepted. (env: METRONOME_EMULATOR_API_KEY, comma-separated)")
    var apiKey: [String] = []

    @Flag(help: "Require an --api-key token on /_emulator/ routes too. (env: METRONOME_EMULATOR_GUARD_CONTROL_PLANE=true)")
    var guardControlPlane = false

    @Option(help: "Largest request body accepted, in bytes; larger gets a 413. (env: METRONOME_EMULATOR_MAX_BODY_SIZE; default: 4194304)")
    var maxBodySize: Int?

    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error, critical. (env: METRONOME_EMULATOR_LOG_LEVEL; default: info)")
    var logLevel: LogLevel?

    func validate() throws {
        let configuration = try resolvedConfiguration()
        guard (0...65535).contains(configuration.port) else {
            throw ValidationError("--port must be between 0 and 65535")
        }
        guard configuration.maxBodySize > 0 else {
            throw ValidationError("--max-body-size must be positive")
        }
    }

    func run() async throws {
        let configuration = try resolvedConfiguration()
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            let app = try await buildApplication(configuration)
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("metronome-emulator: error: \(describeStartupError(error, configuration))\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Flags first, then `METRONOME_EMULATOR_*` variables, then the defaults.
    func resolvedConfiguration() throws -> Configuration {
        let environment = ProcessInfo.processInfo.environment
        func env(_ name: String) -> String? {
            environment["METRONOME_EMULATOR_\(name)"].flatMap { $0.isEmpty ? nil : $0 }
        }
        func envFlag(_ name: String) throws -> Bool {
            guard let text = env(name) else { return false }
            switch text.lowercased() {
            case "1", "true", "yes": return true
            case "0", "false", "no": return false
            default: throw ValidationError("METRONOME_EMULATOR_\(name) must be true or false")
            }
        }
        func envInt(_ name: String) throws -> Int? {
            guard let text = env(name) else { return nil }
            guard let value = Int(text) else { throw ValidationError("METRONOME_EMULATOR_\(name) must be an integer") }
            return value
        }
        var configuration = Configuration()
        configuration.host = host ?? env("HOST") ?? configuration.host
        configuration.port = try port ?? envInt("PORT") ?? configuration.port
        configuration.databasePath = db ?? env("DB")
        if try noFixtures || envFlag("NO_FIXTURES") {
            configuration.fixturesDirectory = nil
        } else if let directory = fixtures ?? env("FIXTURES") {
            configuration.fixturesDirectory = directory
        }
        configuration.apiKeys = apiKey.isEmpty
            ? (env("API_KEY")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? [])
            : apiKey
        configuration.guardsControlPlane = try guardControlPlane || envFlag("GUARD_CONTROL_PLANE")
        configuration.maxBodySize = try maxBodySize ?? envInt("MAX_BODY_SIZE") ?? configuration.maxBodySize
        if let level = logLevel ?? env("LOG_LEVEL").flatMap(LogLevel.init(argument:)) {
            configuration.logLevel = level.level
        } else if let text = env("LOG_LEVEL") {
            throw ValidationError("METRONOME_EMULATOR_LOG_LEVEL must be one of \(LogLevel.allValueStrings.joined(separator: ", ")), got '\(text)'")
        }
        return configuration
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

    var level: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
