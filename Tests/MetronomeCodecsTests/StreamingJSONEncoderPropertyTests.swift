import Foundation
import MetronomeCodecs
import Testing

/// `StreamingJSONEncoder` against Foundation's `JSONEncoder` on random values: both outputs,
/// read back by `JSONSerialization`, must be the same JSON. Only the reading back is compared,
/// because the encoder documents differences of spelling (key order, `\/`, `1e+15` against
/// `1000000000000000`, `-0` against `0`) that change no value.
@Suite struct StreamingJSONEncoderPropertyTests {
    /// The seeds each property runs with; a failure names its seed and value, to replay it.
    static let seeds: [UInt64] = [1, 2, 3, 0xC0FFEE]
    /// Random values per seed: 200 per property in all.
    static let valuesPerSeed = 50

    @Test(arguments: seeds)
    func randomValuesReadBackAsJSONEncoderWritesThem(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for index in 0..<Self.valuesPerSeed {
            try expectSameJSON(Sample.random(using: &random, depth: 2), "seed \(seed), value \(index)")
        }
    }

    /// Values that are not objects at the top: arrays, dictionaries, scalars, nil and free-form JSON.
    @Test(arguments: seeds)
    func randomTopLevelValuesOfEveryKind(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for index in 0..<Self.valuesPerSeed {
            let context = "seed \(seed), value \(index)"
            switch index % 9 {
            case 0: try expectSameJSON((0..<Int.random(in: 0...3, using: &random)).map { _ in Sample.random(using: &random, depth: 1) }, context)
            case 1: try expectSameJSON(random.randomString(maxLength: 40), context)
            case 2: try expectSameJSON(randomDecimal(using: &random), context)
            case 3: try expectSameJSON(randomDouble(using: &random), context)
            case 4: try expectSameJSON(random.chance(0.5) ? nil : Int.random(in: .min ... .max, using: &random), context)
            case 5: try expectSameJSON(randomJSONValue(using: &random, depth: 4), context)
            case 6: try expectSameJSON(Dictionary((0..<4).map { _ in (random.randomString(), [random.next()]) }) { $1 }, context)
            case 7: try expectSameJSON(Timestamp(millisecondsSinceEpoch: randomMilliseconds(using: &random)), context)
            default: try expectSameJSON([Float.random(in: -1e6...1e6, using: &random), randomFloat(using: &random)], context)
            }
        }
    }

    /// Strings holding U+FEFF, compared through `JSONDecoder`: `JSONSerialization` drops a U+FEFF
    /// that begins a string or follows an escape, and `JSONEncoder` escapes `/` where this
    /// encoder does not, so the two outputs would read back differently there.
    @Test(arguments: seeds)
    func stringsWithAByteOrderMarkDecodeAsJSONEncoderWritesThem(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for index in 0..<Self.valuesPerSeed {
            let strings = (0..<3).map { _ in random.randomStringWithByteOrderMarks() }
            // One as a key too; it holds a U+FEFF, so it is not "texts".
            let value = ["texts": strings, strings[0]: [random.randomString()]]
            let read = try JSONDecoder().decode([String: [String]].self, from: Data(StreamingJSONEncoder.encode(value)))
            let expected = try JSONDecoder().decode([String: [String]].self, from: JSONEncoder().encode(value))
            #expect(FoundationJSON.object(read.mapValues { .array($0.map(FoundationJSON.string)) })
                == .object(expected.mapValues { .array($0.map(FoundationJSON.string)) }), "seed \(seed), value \(index)")
            #expect(read["texts"].map { $0.map { Array($0.unicodeScalars) } } == strings.map { Array($0.unicodeScalars) }, "seed \(seed), value \(index)")
        }
    }

    private func expectSameJSON(_ value: some Encodable, _ context: String) throws {
        let ours = try StreamingJSONEncoder.encode(value)
        let theirs = try JSONEncoder().encode(value)
        let read = try #require(try? FoundationJSON(parsing: ours), "\(context): not JSON: \(String(decoding: ours, as: UTF8.self))")
        let expected = try FoundationJSON(parsing: theirs)
        #expect(read == expected, "\(context)\n ours:   \(String(decoding: ours, as: UTF8.self))\n theirs: \(String(decoding: theirs, as: UTF8.self))")
    }
}

// MARK: - Random values

/// A value with every shape the wire types use: optionals left out when nil, nested arrays and
/// dictionaries (keyed by strings, by integers, and by an enum, which encodes as an array),
/// every integer width, `Double`, `Float`, `Decimal`, `Timestamp`, free-form `JSONValue`, and
/// explicit `null`s.
private struct Sample: Encodable {
    enum Kind: String, Encodable, CaseIterable {
        case usage = "USAGE", fixed, seat = "SEAT_\"x\""
    }

    var id: String
    var name: String?
    var count: Int
    var small: Int8
    var unsigned: UInt64
    var wide: Int64?
    var ratio: Double
    var single: Float
    var amount: Decimal
    var credit: Decimal?
    var flag: Bool
    var when: Timestamp
    var ended: Timestamp?
    var kind: Kind
    var tags: [String]
    var prices: [String: Decimal]
    var byIndex: [Int: Bool]
    var byKind: [Kind: Int]
    var gaps: [Int?]
    var matrix: [[Double]]
    var anything: JSONValue
    var nulls: ExplicitNulls
    var children: [Sample]

    enum CodingKeys: String, CodingKey {
        case id, name = "display name", count, small, unsigned, wide, ratio, single, amount, credit, flag, when, ended, kind
        case tags = "tags\n\u{1}", prices = "prix/€", byIndex = "by_index", byKind = "by_kind", gaps, matrix, anything
        case nulls, children = "children 😀"
    }

    static func random(using random: inout some RandomNumberGenerator, depth: Int) -> Sample {
        Sample(
            id: random.randomString(),
            name: random.chance(0.5) ? random.randomString() : nil,
            count: Int.random(in: .min ... .max, using: &random),
            small: Int8.random(in: .min ... .max, using: &random),
            unsigned: random.chance(0.3) ? .max : random.next(),
            wide: random.chance(0.5) ? Int64.random(in: .min ... .max, using: &random) : nil,
            ratio: randomDouble(using: &random),
            single: randomFloat(using: &random),
            amount: randomDecimal(using: &random),
            credit: random.chance(0.5) ? randomDecimal(using: &random) : nil,
            flag: random.chance(0.5),
            when: Timestamp(millisecondsSinceEpoch: randomMilliseconds(using: &random)),
            ended: random.chance(0.5) ? Timestamp(millisecondsSinceEpoch: randomMilliseconds(using: &random)) : nil,
            kind: random.pick(Kind.allCases),
            tags: (0..<Int.random(in: 0...3, using: &random)).map { _ in random.randomString() },
            prices: Dictionary((0..<Int.random(in: 0...3, using: &random)).map { _ in (random.randomString(), randomDecimal(using: &random)) }) { $1 },
            byIndex: Dictionary((0..<Int.random(in: 0...3, using: &random)).map { _ in (Int.random(in: -9...9, using: &random), random.chance(0.5)) }) { $1 },
            byKind: Dictionary(Kind.allCases.filter { _ in random.chance(0.5) }.map { ($0, Int.random(in: -99...99, using: &random)) }) { $1 },
            gaps: (0..<Int.random(in: 0...4, using: &random)).map { _ in random.chance(0.5) ? nil : Int.random(in: -99...99, using: &random) },
            matrix: (0..<Int.random(in: 0...2, using: &random)).map { _ in (0..<Int.random(in: 0...2, using: &random)).map { _ in randomDouble(using: &random) } },
            anything: randomJSONValue(using: &random, depth: 3),
            nulls: ExplicitNulls(
                number: random.chance(0.5) ? nil : Int.random(in: -9...9, using: &random),
                text: random.chance(0.5) ? nil : random.randomString(),
                nested: random.chance(0.5) ? nil : [random.chance(0.5) ? nil : random.randomString()]
            ),
            children: depth == 0 ? [] : (0..<Int.random(in: 0...2, using: &random)).map { _ in Sample.random(using: &random, depth: depth - 1) }
        )
    }
}

/// Writes its nil optionals as `null` (where synthesized coding leaves them out), through
/// `encodeNil(forKey:)`, an `Optional` given to `encode(_:forKey:)`, and nils inside an array.
private struct ExplicitNulls: Encodable {
    var number: Int?
    var text: String?
    var nested: [String?]?

    enum CodingKeys: String, CodingKey { case number, text, nested }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        if let text { try container.encode(text, forKey: .text) } else { try container.encodeNil(forKey: .text) }
        try container.encode(nested, forKey: .nested)
    }
}

/// A finite `Double` of one of the kinds whose spelling differs: any bit pattern, integers on
/// both sides of 1e15 and 2^53, short decimal fractions, signed zero, the extremes.
private func randomDouble(using random: inout some RandomNumberGenerator) -> Double {
    switch Int.random(in: 0..<6, using: &random) {
    case 0:
        while true {
            let value = Double(bitPattern: random.next())
            if value.isFinite { return value }
        }
    case 1: return Double(Int.random(in: -1_000_000...1_000_000, using: &random))
    case 2: return Double(Int64.random(in: -(1 << 54)...(1 << 54), using: &random))
    case 3: return Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / random.pick([10, 100, 1000, 3, 7])
    case 4: return random.pick([0, -0.0, 1e15, -1e15, 1e15 - 1, 9_007_199_254_740_994, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .ulpOfOne])
    default: return Double.random(in: -1e-5...1e-5, using: &random)
    }
}

/// A finite `Float`, of any bit pattern or a short decimal.
private func randomFloat(using random: inout some RandomNumberGenerator) -> Float {
    if random.chance(0.5) { return Float(Int.random(in: -10_000...10_000, using: &random)) / 100 }
    while true {
        let value = Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
        if value.isFinite { return value }
    }
}

/// A `Decimal` of up to 30 significant digits, with a scale from 10^-20 to 10^20.
private func randomDecimal(using random: inout some RandomNumberGenerator) -> Decimal {
    let digits = String((0..<Int.random(in: 1...30, using: &random)).map { _ in random.pick(Array("0123456789")) })
    let text = (random.chance(0.3) ? "-" : "") + digits + "e" + String(Int.random(in: -20...20, using: &random))
    return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
}

/// An instant from year 1 to year 9999.
private func randomMilliseconds(using random: inout some RandomNumberGenerator) -> Int64 {
    random.chance(0.5)
        ? Int64.random(in: 1_600_000_000_000...1_900_000_000_000, using: &random)
        : Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &random)
}

/// Free-form JSON, nested up to `depth` levels.
private func randomJSONValue(using random: inout some RandomNumberGenerator, depth: Int) -> JSONValue {
    switch Int.random(in: 0..<(depth > 0 ? 7 : 5), using: &random) {
    case 0: return .null
    case 1: return .bool(random.chance(0.5))
    case 2: return .number(randomDecimal(using: &random))
    case 3, 4: return .string(random.randomString())
    case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomJSONValue(using: &random, depth: depth - 1) })
    default:
        return .object(Dictionary((0..<Int.random(in: 0...4, using: &random)).map { _ in
            (random.randomString(), randomJSONValue(using: &random, depth: depth - 1))
        }) { $1 })
    }
}
