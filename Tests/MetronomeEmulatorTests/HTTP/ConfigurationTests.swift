@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct ConfigurationTests {
    @Test func defaultsAreWhatTheREADMESays() throws {
        let configuration = try Configuration(flags: ConfigurationFlags(), environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 4010)
        #expect(configuration.databasePath == nil)
        #expect(configuration.fixturesDirectory?.hasSuffix("fixtures") == true)
        #expect(configuration.apiKeys.isEmpty)
        #expect(configuration.logLevel == .info)
        #expect(configuration.maxHeaderSize == 32 * 1024)
        #expect(configuration.idleTimeout == .seconds(60))
        #expect(configuration.journalSize == 10_000)
        #expect(configuration.latency == nil)
    }

    @Test func journalSizeAndLatencyComeFromFlagsOrEnvironment() throws {
        var flags = ConfigurationFlags()
        flags.journalSize = 0
        flags.latency = "250"
        let fromFlags = try Configuration(flags: flags, environment: [
            "METRONOME_EMULATOR_JOURNAL_SIZE": "5", "METRONOME_EMULATOR_LATENCY_MS": "1,1",
        ])
        #expect(fromFlags.journalSize == 0)
        #expect(fromFlags.latency == SimulatedLatency(mean: .milliseconds(250)))
        let fromEnvironment = try Configuration(flags: ConfigurationFlags(), environment: [
            "METRONOME_EMULATOR_JOURNAL_SIZE": "5", "METRONOME_EMULATOR_LATENCY_MS": "100, 20.5",
        ])
        #expect(fromEnvironment.journalSize == 5)
        #expect(fromEnvironment.latency == SimulatedLatency(mean: .milliseconds(100), jitter: .microseconds(20_500)))
        #expect(try Configuration(flags: ConfigurationFlags(), environment: ["METRONOME_EMULATOR_LATENCY_MS": "0"]).latency == nil)
    }

    @Test func latencySamplesStayWithinTheJitterAndNeverGoNegative() {
        var generator = SplitMix64(seed: 7)
        let latency = SimulatedLatency(mean: .milliseconds(10), jitter: .milliseconds(15))
        for _ in 0..<1000 {
            let sample = latency.sample(using: &generator)
            #expect(sample >= .zero && sample <= .milliseconds(25))
        }
        #expect(SimulatedLatency(mean: .milliseconds(3)).sample(using: &generator) == .milliseconds(3))
    }

    @Test func idleTimeoutAndHeaderLimitComeFromFlagsOrEnvironment() throws {
        var flags = ConfigurationFlags()
        flags.idleTimeout = 1.5
        let fromFlag = try Configuration(flags: flags, environment: ["METRONOME_EMULATOR_IDLE_TIMEOUT": "9"])
        #expect(fromFlag.idleTimeout == .milliseconds(1500))
        let fromEnvironment = try Configuration(flags: ConfigurationFlags(), environment: [
            "METRONOME_EMULATOR_IDLE_TIMEOUT": "0",
            "METRONOME_EMULATOR_MAX_HEADER_SIZE": "4096",
        ])
        #expect(fromEnvironment.idleTimeout == nil)
        #expect(fromEnvironment.maxHeaderSize == 4096)
        let http = httpConfiguration(fromFlag)
        #expect(http.idleTimeout == .milliseconds(1500))
        #expect(http.httpDecoder.maxHeaderListSize == 32 * 1024)
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
        ["METRONOME_EMULATOR_IDLE_TIMEOUT": "-1"],
        ["METRONOME_EMULATOR_IDLE_TIMEOUT": "soon"],
        ["METRONOME_EMULATOR_IDLE_TIMEOUT": "nan"],
        ["METRONOME_EMULATOR_MAX_HEADER_SIZE": "10"],
        ["METRONOME_EMULATOR_JOURNAL_SIZE": "-1"],
        ["METRONOME_EMULATOR_JOURNAL_SIZE": "many"],
        ["METRONOME_EMULATOR_JOURNAL_SIZE": "1000001"],
        ["METRONOME_EMULATOR_LATENCY_MS": "slow"],
        ["METRONOME_EMULATOR_LATENCY_MS": "-5"],
        ["METRONOME_EMULATOR_LATENCY_MS": "10,5,1"],
        ["METRONOME_EMULATOR_LATENCY_MS": "10,"],
        ["METRONOME_EMULATOR_LATENCY_MS": "inf"],
        ["METRONOME_EMULATOR_LATENCY_MS": "3600001"],
    ])
    func badSettingsAreOneLineErrors(environment: [String: String]) {
        #expect(throws: ConfigurationError.self) {
            try Configuration(flags: ConfigurationFlags(), environment: environment)
        }
    }
}
