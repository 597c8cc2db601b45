import Testing

@testable import MetronomeEmulator

@Suite struct ConfigurationTests {
    @Test func defaultsAreWhatTheREADMESays() throws {
        let configuration = try Configuration(flags: ConfigurationFlags(), environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 4010)
        #expect(configuration.databasePath == nil)
        #expect(configuration.fixturesDirectory?.hasSuffix("fixtures") == true)
        #expect(configuration.apiKeys.isEmpty)
        #expect(configuration.logLevel == .info)
    }

    @Test func environmentFillsWhatFlagsLeaveOut() throws {
        var flags = ConfigurationFlags()
        flags.port = 5000
        let configuration = try Configuration(flags: flags, environment: [
            "METRONOME_EMULATOR_PORT": "6000",
            "METRONOME_EMULATOR_HOST": "0.0.0.0",
            "METRONOME_EMULATOR_API_KEY": "k1, k2",
            "METRONOME_EMULATOR_NO_FIXTURES": "true",
            "METRONOME_EMULATOR_LOG_LEVEL": "WARNING",
            "METRONOME_EMULATOR_DB": "/tmp/x.db",
        ])
        #expect(configuration.port == 5000)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.apiKeys == ["k1", "k2"])
        #expect(configuration.fixturesDirectory == nil)
        #expect(configuration.logLevel == .warning)
        #expect(configuration.databasePath == "/tmp/x.db")
    }

    @Test(arguments: [
        ["METRONOME_EMULATOR_PORT": "abc"],
        ["METRONOME_EMULATOR_PORT": "70000"],
        ["METRONOME_EMULATOR_LOG_LEVEL": "loud"],
        ["METRONOME_EMULATOR_NO_FIXTURES": "maybe"],
        ["METRONOME_EMULATOR_MAX_BODY_SIZE": "0"],
        ["METRONOME_EMULATOR_GUARD_CONTROL_PLANE": "true"],
    ])
    func badSettingsAreOneLineErrors(environment: [String: String]) {
        #expect(throws: ConfigurationError.self) {
            try Configuration(flags: ConfigurationFlags(), environment: environment)
        }
    }
}
