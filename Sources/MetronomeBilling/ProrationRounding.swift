import Foundation
import MetronomeCodecs

/// How the amount of a prorated period is rounded (`proration.rounding` of a subscription):
/// to `decimalPlaces` of the stored unit (a negative count rounds to a power of ten: -2 to the
/// nearest 100), by `roundingMethod`.
package struct ProrationRounding: Sendable, Equatable, Codable {
    package var decimalPlaces: Int
    package var roundingMethod: Method

    package enum Method: String, WireEnum {
        case halfUp = "HALF_UP", floor = "FLOOR", ceiling = "CEILING"
    }

    package enum CodingKeys: String, CodingKey {
        case decimalPlaces = "decimal_places", roundingMethod = "rounding_method"
    }

    /// A value with each stored property given.
    package init(decimalPlaces: Int, roundingMethod: Method) {
        self.decimalPlaces = decimalPlaces
        self.roundingMethod = roundingMethod
    }

    /// `decimal_places` is a number on the wire (the SDK types it a float): it must be whole.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let places = try container.decode(Decimal.self, forKey: .decimalPlaces)
        guard places == places.rounded(toPlaces: 0), (-20...20).contains(places) else {
            throw DecodingError.dataCorruptedError(
                forKey: .decimalPlaces, in: container, debugDescription: "must be a whole number between -20 and 20"
            )
        }
        decimalPlaces = Int(truncating: places as NSDecimalNumber)
        roundingMethod = try container.decode(Method.self, forKey: .roundingMethod)
    }

    /// `amount` rounded as this says. HALF_UP rounds a half away from zero; FLOOR and CEILING
    /// toward negative and positive infinity.
    package func rounded(_ amount: Decimal) -> Decimal {
        switch roundingMethod {
        case .halfUp: amount.rounded(toPlaces: decimalPlaces, .plain)
        case .floor: amount.rounded(toPlaces: decimalPlaces, .down)
        case .ceiling: amount.rounded(toPlaces: decimalPlaces, .up)
        }
    }
}
