import Foundation
import Logging

/// Everything the emulator can be told at launch. Every field has the default a user gets
/// from `metronome-emulator` with no flags.
public struct Configuration: Sendable {
    /// Address to listen on.
    public var host: String
    /// TCP port to listen on; 0 picks a free one.
    public var port: Int
    /// SQLite file that keeps state across restarts; nil keeps everything in memory.
    public var databasePath: String?
    /// Folder of fixture files loaded at start and on reset; nil loads none.
    public var fixturesDirectory: String?
    /// Accepted bearer tokens; empty accepts any non-empty token.
    public var apiKeys: [String]
    /// Whether `/_emulator/` routes also need one of `apiKeys`.
    public var guardsControlPlane: Bool
    /// Largest request body accepted, in bytes; larger ones get a 413.
    public var maxBodySize: Int
    /// Lowest level of log messages written.
    public var logLevel: Logger.Level

    /// The default body limit: 4 MiB, far above Metronome's largest request (100 usage events).
    public static let defaultMaxBodySize = 4 * 1024 * 1024

    /// A configuration with every default, except what the arguments name.
    public init(
        host: String = "127.0.0.1",
        port: Int = 4010,
        databasePath: String? = nil,
        fixturesDirectory: String? = Configuration.defaultFixturesDirectory,
        apiKeys: [String] = [],
        guardsControlPlane: Bool = false,
        maxBodySize: Int = Configuration.defaultMaxBodySize,
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.fixturesDirectory = fixturesDirectory
        self.apiKeys = apiKeys
        self.guardsControlPlane = guardsControlPlane
        self.maxBodySize = maxBodySize
        self.logLevel = logLevel
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
