import Foundation
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct ClockTests {
    @Test func followsTheWallClockUntilFrozen() throws {
        let clock = EmulatorClock()
        let before = Timestamp(Date())
        let now = clock.now()
        #expect(now >= before && now <= Timestamp(Date()))
        #expect(!clock.isFrozen)

        let moment = try #require(Timestamp(rfc3339: "2026-03-15T12:00:00Z"))
        clock.freeze(at: moment)
        #expect(clock.isFrozen)
        #expect(clock.now() == moment)
        #expect(clock.now() == moment)

        clock.freeze(at: nil)
        #expect(!clock.isFrozen)
        #expect(clock.now() >= before)
    }
}
