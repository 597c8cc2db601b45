import Foundation
import MetronomeCodecs
import Testing

/// Values `StreamingJSONEncoder` cannot write must throw an `EncodingError` that says where
/// they sat, never stop the process: one odd value in a response must cost that response, not
/// the server.
@Suite struct StreamingJSONEncoderTests {
    /// The ways a value's `encode(to:)` can ask for what the encoder does not write.
    enum OddRequest: String, CaseIterable, Sendable {
        case nestedKeyedContainerForKey, nestedUnkeyedContainerForKey, superEncoderOfKeyed, superEncoderForKey
        case nestedKeyedContainerInArray, nestedUnkeyedContainerInArray, superEncoderOfUnkeyed
        case unkeyedAfterKeyed, keyedAfterUnkeyed, singleValueAfterKeyed, secondSingleValue
    }

    /// A value that makes `request`, then goes on as if nothing happened; with none, a plain object.
    struct Odd: Encodable {
        /// The odd request to make, if any.
        var request: OddRequest?
        /// Whether to drop the errors the containers throw, as a careless `encode(to:)` might.
        var swallowing = false

        enum Key: String, CodingKey { case a, b }

        func encode(to encoder: any Encoder) throws {
            func attempt(_ body: () throws -> Void) throws {
                if swallowing { try? body() } else { try body() }
            }
            switch request {
            case nil:
                var container = encoder.container(keyedBy: Key.self)
                try container.encode("plain", forKey: .a)
            case .nestedKeyedContainerForKey:
                var container = encoder.container(keyedBy: Key.self)
                var nested = container.nestedContainer(keyedBy: Key.self, forKey: .a)
                try attempt { try nested.encode(1, forKey: .b) }
            case .nestedUnkeyedContainerForKey:
                var container = encoder.container(keyedBy: Key.self)
                var nested = container.nestedUnkeyedContainer(forKey: .a)
                try attempt { try nested.encode("x") }
            case .superEncoderOfKeyed:
                var container = encoder.container(keyedBy: Key.self)
                var single = container.superEncoder().singleValueContainer()
                try attempt { try single.encode(true) }
            case .superEncoderForKey:
                var container = encoder.container(keyedBy: Key.self)
                var keyed = container.superEncoder(forKey: .b).container(keyedBy: Key.self)
                try attempt { try keyed.encode(1.5, forKey: .a) }
            case .nestedKeyedContainerInArray:
                var container = encoder.unkeyedContainer()
                try container.encode(0)
                var nested = container.nestedContainer(keyedBy: Key.self)
                try attempt { try nested.encodeNil(forKey: .a) }
            case .nestedUnkeyedContainerInArray:
                var container = encoder.unkeyedContainer()
                var nested = container.nestedUnkeyedContainer()
                try attempt { try nested.encode(Int64(1)) }
            case .superEncoderOfUnkeyed:
                var container = encoder.unkeyedContainer()
                var nested = container.superEncoder().unkeyedContainer()
                try attempt { try nested.encode(UInt8(1)) }
            case .unkeyedAfterKeyed:
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(1, forKey: .a)
                var array = encoder.unkeyedContainer()
                try attempt { try array.encode(2) }
            case .keyedAfterUnkeyed:
                var array = encoder.unkeyedContainer()
                try array.encode(1)
                var container = encoder.container(keyedBy: Key.self)
                try attempt { try container.encode(2, forKey: .a) }
            case .singleValueAfterKeyed:
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(1, forKey: .a)
                var single = encoder.singleValueContainer()
                try attempt { try single.encode(2) }
            case .secondSingleValue:
                var single = encoder.singleValueContainer()
                try single.encode(1)
                try attempt { try single.encode(2) }
            }
        }
    }

    /// A document whose `data` holds the values, so that errors have a path to name.
    struct Envelope: Encodable {
        /// The values, plain or odd.
        var data: [Odd]
    }

    @Test(arguments: OddRequest.allCases)
    func anOddRequestThrowsWithTheValuesPath(request: OddRequest) throws {
        let error = try #require(throws: EncodingError.self) {
            try StreamingJSONEncoder.encode(Envelope(data: [Odd(request: nil), Odd(request: request)]))
        }
        guard case .invalidValue(_, let context) = error else { return }
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        // Those asked of a container name the key or index they were asked for; those asked of an encoder, the value.
        let expected: [String] = switch request {
        case .nestedKeyedContainerForKey, .nestedUnkeyedContainerForKey: ["data", "[1]", "a"]
        case .superEncoderForKey: ["data", "[1]", "b"]
        case .nestedKeyedContainerInArray: ["data", "[1]", "[1]"]
        case .nestedUnkeyedContainerInArray, .superEncoderOfUnkeyed: ["data", "[1]", "[0]"]
        case .superEncoderOfKeyed, .unkeyedAfterKeyed, .keyedAfterUnkeyed, .singleValueAfterKeyed, .secondSingleValue: ["data", "[1]"]
        }
        #expect(path == expected, "\(context.debugDescription)")
        #expect(context.debugDescription.hasSuffix("is not supported"))
    }

    /// A value that drops the container's error still fails the whole encoding: it must not
    /// send half a document.
    @Test(arguments: OddRequest.allCases)
    func anOddRequestWhoseErrorIsSwallowedStillThrows(request: OddRequest) {
        #expect(throws: EncodingError.self) {
            try StreamingJSONEncoder.encode(Envelope(data: [Odd(request: request, swallowing: true)]))
        }
    }

    @Test func nonFiniteNumbersAndDecimalNaNThrowWithTheirPath() throws {
        struct Numbers: Encodable {
            var double: Double = 1
            var float: Float = 1
            var decimal: Decimal = 1
            var list: [Double] = [1]
        }
        let cases: [(Numbers, [String])] = [
            (Numbers(double: .nan), ["double"]), (Numbers(double: -.infinity), ["double"]),
            (Numbers(float: .infinity), ["float"]), (Numbers(float: .nan), ["float"]),
            (Numbers(decimal: .nan), ["decimal"]), (Numbers(list: [1, 2, .infinity]), ["list", "[2]"]),
        ]
        for (numbers, expected) in cases {
            let error = try #require(throws: EncodingError.self) { try StreamingJSONEncoder.encode(["data": numbers]) }
            guard case .invalidValue(_, let context) = error else { continue }
            #expect(context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue } == ["data"] + expected)
        }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder.encode(Double.nan) }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder.encode(Decimal.nan) }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder.encode([Float.infinity]) }
    }

    /// `Foundation`'s `JSONEncoder` writes a `Decimal` NaN as `NaN`, which is not JSON; this
    /// encoder must not follow it there.
    @Test func decimalNaNIsNotWrittenAsJSONEncoderWritesIt() throws {
        let foundation = String(decoding: try JSONEncoder().encode([Decimal.nan]), as: UTF8.self)
        #expect((try? JSONSerialization.jsonObject(with: Data(foundation.utf8))) == nil, "\(foundation)")
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder.encode([Decimal.nan]) }
    }

    /// Widened to `Double` first, `Float(0.1)` would read back as 0.10000000149011612.
    @Test func aFloatIsWrittenInItsOwnShortestSpelling() throws {
        let floats: [String: Float] = ["a": 0.1, "b": 16_777_216, "c": -2.5e-7]
        let read = try FoundationJSON(parsing: StreamingJSONEncoder.encode(floats))
        #expect(read == (try FoundationJSON(parsing: JSONEncoder().encode(floats))))
        #expect(read == .object(["a": .double(0.1), "b": .exact(16_777_216), "c": .double(-2.5e-7)]))
    }

    /// Values that open nothing, or a single-value container they leave empty, are `{}` as
    /// `JSONEncoder` writes them nested; asking twice for the same kind of container is allowed.
    @Test func emptyValuesAndRepeatedRequestsWriteValidJSON() throws {
        struct Silent: Encodable { func encode(to encoder: any Encoder) throws {} }
        struct EmptySingle: Encodable { func encode(to encoder: any Encoder) throws { _ = encoder.singleValueContainer() } }
        struct Twice: Encodable {
            enum Key: CodingKey { case a, b }
            func encode(to encoder: any Encoder) throws {
                var first = encoder.container(keyedBy: Key.self)
                try first.encode(1, forKey: .a)
                var second = encoder.container(keyedBy: Key.self)
                try second.encode(2, forKey: .b)
            }
        }
        #expect(String(decoding: try StreamingJSONEncoder.encode(["x": Silent()]), as: UTF8.self) == #"{"x":{}}"#)
        #expect(String(decoding: try StreamingJSONEncoder.encode([EmptySingle()]), as: UTF8.self) == "[{}]")
        #expect(String(decoding: try StreamingJSONEncoder.encode(Twice()), as: UTF8.self) == #"{"a":1,"b":2}"#)
    }
}
