import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct GraduatedTierTests {
    @Test func eachTierPricesOnlyItsUnits() {
        let slices = GraduatedTiers.slices(of: 1500, tiers: [(0, 2), (1000, Decimal(string: "1.5")!), (5000, 1)])
        #expect(slices.map(\.quantity) == [1000, 500])
        #expect(slices.map(\.subtotal) == [2000, 750])
        #expect(slices.map(\.size) == [1000, 4000])
        #expect(GraduatedTiers.slices(of: 0, tiers: [(0, 2), (10, 1)]).map(\.quantity) == [0])
        #expect(GraduatedTiers.slices(of: -3, tiers: [(0, 2), (10, 1)]).map(\.subtotal) == [-6])
    }

    @Test func sizesBecomeFirstUnits() {
        let starts = GraduatedTiers.starts(sizes: [(10, 5), (90, 3), (nil, 1)])
        #expect(starts.map(\.startingAt) == [0, 10, 100])
        #expect(starts.map(\.price) == [5, 3, 1])
    }
}
