import Foundation
import MetronomeCodecs
import Testing

/// `JSONScanner` (through `JSONValue(jsonText:)` and over raw bytes) against `JSONSerialization`
/// on random JSON texts: spelled with every escape, `\u` sequences and surrogate pairs, numbers
/// with signs, fractions and exponents, and whitespace anywhere it may go. The expected value
/// is always what `JSONSerialization` reads; the texts are only generated here.
///
/// The two readers differ on purpose in three places, which the malformed-input test allows
/// (besides one scanner bug, below) and nothing else:
/// - `JSONSerialization` takes a trailing comma (`[1,]`, `{"a":1,}`); JSON does not, nor does
///   the scanner, which must not accept what Metronome would refuse.
/// - `JSONSerialization` reads any number a `Double` holds; the scanner keeps numbers exact as
///   `Decimal`, so one beyond `Decimal`'s range (about 10^±128) is "number out of range".
/// - The scanner reads an unpaired surrogate escape, or ill-formed UTF-8 inside a string, as
///   U+FFFD (`JSONScannerTests.unescapesStrings` pins that); `JSONSerialization` refuses them.
///
/// `JSONSerialization` itself drops a raw U+FEFF that begins a string or follows an escape
/// (each run of plain bytes goes through a BOM-stripping decode), so strings with U+FEFF are
/// compared against `JSONDecoder` instead.
///
/// The scanner reads a number with a leading zero (`01`, `-007`), which JSON forbids and
/// `JSONSerialization` refuses: `numbersWithALeadingZeroAreRefused` holds that as a known issue.
@Suite struct JSONScannerPropertyTests {
    /// The seeds each property runs with; a failure names its seed and text, to replay it.
    static let seeds: [UInt64] = [1, 2, 3, 0xC0FFEE]
    /// Random texts per seed: 200 per property in all (800 damaged ones).
    static let textsPerSeed = 50

    @Test(arguments: seeds)
    func randomTextsReadAsJSONSerializationReadsThem(seed: UInt64) throws {
        var generator = JSONTextGenerator(seed: seed)
        for index in 0..<Self.textsPerSeed {
            let text = generator.document()
            let expected = try #require(
                try? FoundationJSON(parsing: Array(text.utf8)), "seed \(seed), text \(index): Foundation refused \(text.debugDescription)"
            )
            let read = try FoundationJSON(JSONValue(jsonText: text))
            #expect(read == expected, "seed \(seed), text \(index): \(text.debugDescription)\n read:     \(read)\n expected: \(expected)")
            #expect(skips(Array(text.utf8)), "seed \(seed), text \(index): skipValue refused \(text.debugDescription)")
        }
    }

    @Test(arguments: seeds)
    func stringsWithAByteOrderMarkReadAsJSONDecoderReadsThem(seed: UInt64) throws {
        var generator = JSONTextGenerator(seed: seed)
        for index in 0..<Self.textsPerSeed {
            let strings = (0..<3).map { _ in generator.random.randomStringWithByteOrderMarks() }
            let text = "[" + strings.map { generator.string($0) }.joined(separator: ",") + "]"
            let expected = try JSONDecoder().decode([String].self, from: Data(text.utf8))
            let read = try FoundationJSON(JSONValue(jsonText: text))
            #expect(read == .array(expected.map(FoundationJSON.string)), "seed \(seed), text \(index): \(text.debugDescription)")
        }
    }

    @Test(arguments: ["01", "-01", "00", "[007]", #"{"a": 00.5}"#, "-0012e3", "[1, 02]"])
    func numbersWithALeadingZeroAreRefused(text: String) {
        #expect(throws: (any Error).self) { try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
        #expect(throws: JSONScanner.SyntaxError.self) { try JSONValue(jsonText: text) }
    }

    /// Valid texts cut short, or given a stray, missing or changed byte: where `JSONSerialization`
    /// refuses, the scanner (reading or skipping) must refuse too, and where it accepts, the
    /// scanner must read the same value, but for the differences in the suite's description.
    @Test(arguments: seeds)
    func damagedTextsAreRefusedWhereJSONSerializationRefusesThem(seed: UInt64) throws {
        var generator = JSONTextGenerator(seed: seed)
        var refusedByBoth = 0
        let strays: [UInt8] = Array(",:[]{}\"\\x0-.eE+ \t".utf8) + [0x00, 0x01, 0x1F, 0x7F, 0x80, 0xC3, 0xED, 0xFF]
        for index in 0..<Self.textsPerSeed * 4 {
            var bytes = Array(generator.document().utf8)
            let position = Int.random(in: 0..<bytes.count, using: &generator.random)
            let damage: String
            switch index % 4 {
            case 0:
                bytes.removeSubrange(position...)
                damage = "cut at \(position)"
            case 1:
                let stray = generator.random.pick(strays)
                bytes.insert(stray, at: position)
                damage = "0x\(String(stray, radix: 16)) inserted at \(position)"
            case 2:
                bytes.remove(at: position)
                damage = "byte \(position) removed"
            default:
                let stray = generator.random.pick(strays)
                bytes[position] = stray
                damage = "byte \(position) made 0x\(String(stray, radix: 16))"
            }
            let context = "seed \(seed), text \(index), \(damage): \(String(decoding: bytes, as: UTF8.self).debugDescription)"
            let expected = try? FoundationJSON(parsing: bytes)
            let read = Result { try FoundationJSON(scanning: bytes) }
            switch (expected, read) {
            case (nil, .failure(let error)):
                refusedByBoth += 1
                // Skipping checks a number's syntax, not whether `Decimal` holds it.
                let outOfRange = (error as? JSONScanner.SyntaxError)?.reason == "number out of range"
                #expect(!skips(bytes) || outOfRange, "\(context): skipValue accepted it")
            case (nil, .success(let value)):
                #expect(value.holdsReplacementCharacter, "\(context): the scanner read \(value)")
            case (let expected?, .success(let value)):
                #expect(value == expected, "\(context)\n read:     \(value)\n expected: \(expected)")
                #expect(skips(bytes), "\(context): skipValue refused it")
            case (let expected?, .failure(let error)):
                let outOfRange = (error as? JSONScanner.SyntaxError)?.reason == "number out of range"
                #expect(hasTrailingComma(bytes) || outOfRange, "\(context): refused (\(error)), Foundation read \(expected)")
                #expect(skips(bytes) != hasTrailingComma(bytes), "\(context): skipValue disagrees")
            }
        }
        // Most damage leaves no valid JSON; if little were refused, the damage would not be testing much.
        #expect(refusedByBoth > Self.textsPerSeed * 2, "only \(refusedByBoth) damaged texts were refused")
    }

    /// Whether `skipValue` steps over `bytes` as one value with nothing but whitespace after it.
    private func skips(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            do {
                try JSONScanner.scan(buffer) { (scanner: inout JSONScanner) throws -> Void in
                    try scanner.skipValue()
                    try scanner.expectEnd()
                }
                return true
            } catch {
                return false
            }
        }
    }

    /// Whether a comma, outside any string, is followed (past whitespace) by `]` or `}`.
    private func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        var inString = false, escaped = false, afterComma = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "]"), UInt8(ascii: "}"): if afterComma { return true }
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "\""): inString = true
            default: break
            }
            afterComma = byte == UInt8(ascii: ",")
        }
        return false
    }
}

extension FoundationJSON {
    /// What the scanner reads from `bytes`: one value, then nothing but whitespace.
    fileprivate init(scanning bytes: [UInt8]) throws {
        let value = try bytes.withUnsafeBufferPointer { buffer in
            try JSONScanner.scan(buffer) { scanner in
                let value = try scanner.readValue()
                try scanner.expectEnd()
                return value
            }
        }
        self.init(value)
    }
}

/// Random JSON texts: a random value tree, each token spelled one of the ways JSON allows.
private struct JSONTextGenerator {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// A whole text: a value, nested up to three levels, with whitespace around it.
    mutating func document() -> String {
        whitespace() + value(depth: 3) + whitespace()
    }

    mutating func value(depth: Int) -> String {
        switch Int.random(in: 0..<(depth > 0 ? 8 : 6), using: &random) {
        case 0: return random.pick(["true", "false", "null"])
        case 1, 2: return number()
        case 3, 4, 5: return string(random.randomString(maxLength: 16))
        case 6:
            let items = (0..<Int.random(in: 0...4, using: &random)).map { _ in whitespace() + value(depth: depth - 1) + whitespace() }
            return "[" + (items.isEmpty ? whitespace() : items.joined(separator: ",")) + "]"
        default:
            var keys: Set<String> = []
            var members: [String] = []
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let key = random.randomString(maxLength: 8)
                // Unique by `String` equality (canonical equivalence), as both readers' dictionaries key them.
                guard keys.insert(key).inserted else { continue }
                members.append(whitespace() + string(key) + whitespace() + ":" + whitespace() + value(depth: depth - 1) + whitespace())
            }
            return "{" + (members.isEmpty ? whitespace() : members.joined(separator: ",")) + "}"
        }
    }

    /// Nothing, mostly; else a run of the four whitespace bytes.
    mutating func whitespace() -> String {
        guard random.chance(0.3) else { return "" }
        return String((0..<Int.random(in: 1...3, using: &random)).map { _ in random.pick([" ", "\t", "\n", "\r"] as [Character]) })
    }

    /// A number in JSON's grammar, of up to 30 significant digits and a scale within
    /// 10^±45, which `Decimal` holds exactly: integers of up to 20 digits (past `Int64` and
    /// `UInt64`), fractions, exponents with `e`/`E`, signs and leading zeros.
    mutating func number() -> String {
        var text = random.chance(0.3) ? "-" : ""
        if random.chance(0.2) {
            text += "0"
        } else {
            text += String(Int.random(in: 1...9, using: &random))
            text += digits(Int.random(in: 0...(random.chance(0.3) ? 19 : 14), using: &random))
        }
        if random.chance(0.4) { text += "." + digits(Int.random(in: 1...10, using: &random)) }
        if random.chance(0.4) {
            text += random.pick(["e", "E"]) + random.pick(["", "+", "-"])
            text += random.chance(0.2) ? "0" : ""
            text += String(Int.random(in: 0...25, using: &random))
        }
        return text
    }

    private mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in random.pick(Array("0123456789")) })
    }

    /// `text` as a string literal, each scalar raw or escaped at random: short escapes,
    /// `\u` in either case, surrogate pairs for scalars past the BMP.
    mutating func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let short: String? = switch scalar {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "/": "\\/"
            case "\u{08}": "\\b"
            case "\u{0C}": "\\f"
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            default: nil
            }
            let mustEscape = scalar == "\"" || scalar == "\\" || scalar.value < 0x20
            if !mustEscape && random.chance(0.7) {
                out.unicodeScalars.append(scalar)
            } else if let short, random.chance(0.6) {
                out += short
            } else if scalar.value > 0xFFFF {
                let offset = scalar.value - 0x10000
                out += hexEscape(0xD800 + (offset >> 10)) + hexEscape(0xDC00 + (offset & 0x3FF))
            } else {
                out += hexEscape(scalar.value)
            }
        }
        return out + "\""
    }

    private mutating func hexEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: random.chance(0.5))
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
