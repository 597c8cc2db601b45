import Foundation
import MetronomeBilling
import Testing

@Suite struct ProrationRoundingTests {
    @Test func eachMethodRoundsToTheGivenPlacesOrPowersOfTen() {
        let amount = Decimal(string: "1333.3333")!
        #expect(ProrationRounding(decimalPlaces: -2, roundingMethod: .ceiling).rounded(amount) == 1400)
        #expect(ProrationRounding(decimalPlaces: -2, roundingMethod: .floor).rounded(amount) == 1300)
        #expect(ProrationRounding(decimalPlaces: 0, roundingMethod: .halfUp).rounded(amount) == 1333)
        #expect(ProrationRounding(decimalPlaces: 2, roundingMethod: .ceiling).rounded(amount) == Decimal(string: "1333.34")!)
        // A half goes up.
        #expect(ProrationRounding(decimalPlaces: 0, roundingMethod: .halfUp).rounded(Decimal(string: "2.5")!) == 3)
    }

    @Test func decimalPlacesMustBeWholeOnTheWire() throws {
        let decoder = JSONDecoder()
        let whole = try decoder.decode(ProrationRounding.self, from: Data(#"{"decimal_places": -2.0, "rounding_method": "FLOOR"}"#.utf8))
        #expect(whole == ProrationRounding(decimalPlaces: -2, roundingMethod: .floor))
        #expect(throws: DecodingError.self) {
            try decoder.decode(ProrationRounding.self, from: Data(#"{"decimal_places": 1.5, "rounding_method": "FLOOR"}"#.utf8))
        }
    }
}
