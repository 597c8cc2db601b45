import Foundation
import MetronomeCodecs

/// SplitMix64: a small, fast, deterministic generator, so that a failing seed replays exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    /// A generator whose whole output is fixed by `seed`.
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomNumberGenerator {
    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    /// One of `choices`, picked uniformly.
    mutating func pick<T>(_ choices: [T]) -> T {
        choices[Int.random(in: 0..<choices.count, using: &self)]
    }

    /// A string of up to `maxLength` characters drawn from every kind the encoders must get right:
    /// ASCII, quotes and backslashes, every control character, `/`, DEL, Latin-1, the line and
    /// paragraph separators, a word joiner, CJK, a combining accent, astral emoji (with ZWJ and
    /// flags) and the last scalar. U+FFFD is left out: the scanner uses it for what it cannot
    /// read. U+FEFF is left out too: `JSONSerialization` drops one that begins a string or follows
    /// an escape, so the suites test it apart, against `JSONDecoder`.
    mutating func randomString(maxLength: Int = 12) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...maxLength, using: &self) {
            let value: UInt32
            switch Int.random(in: 0..<10, using: &self) {
            case 0...3: value = UInt32.random(in: 0x20...0x7E, using: &self)
            case 4: value = pick([0x22, 0x5C, 0x2F, 0x7F])
            case 5: value = UInt32.random(in: 0x00...0x1F, using: &self)
            case 6: value = pick([0xE9, 0xDF, 0xFF, 0x2028, 0x2029, 0x2060, 0x4E2D, 0x0301, 0xFFFF])
            case 7: value = UInt32.random(in: 0x1F600...0x1F64F, using: &self)
            case 8: value = pick([0x200D, 0x1F1EB, 0x1F1F7, 0x1F468, 0x10FFFF, 0x10000])
            default: value = UInt32.random(in: 0xA0...0xD7FF, using: &self)
            }
            scalars.append(Unicode.Scalar(value)!)
        }
        return String(scalars)
    }

    /// A random string with one to three U+FEFF put in, at the start, after a `/` or a control
    /// character (which the encoders escape), or anywhere.
    mutating func randomStringWithByteOrderMarks() -> String {
        var scalars = Array(randomString(maxLength: 8).unicodeScalars)
        for _ in 0..<Int.random(in: 1...3, using: &self) {
            let position = Int.random(in: 0...scalars.count, using: &self)
            switch Int.random(in: 0..<4, using: &self) {
            case 0: scalars.insert("\u{FEFF}", at: 0)
            case 1: scalars.insert(contentsOf: ["/", "\u{FEFF}"], at: position)
            case 2: scalars.insert(contentsOf: ["\u{01}", "\u{FEFF}"], at: position)
            default: scalars.insert("\u{FEFF}", at: position)
            }
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars)
        return String(text)
    }
}

/// A JSON value as `JSONSerialization` read it, in a form that compares exactly: numbers it
/// read as integers or `NSDecimalNumber` are exact, the others are `Double`s.
enum FoundationJSON: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case exact(Decimal)
    case double(Double)
    case string(String)
    case array([FoundationJSON])
    case object([String: FoundationJSON])

    /// What `JSONSerialization` reads from `bytes` (fragments allowed).
    init(parsing bytes: some Sequence<UInt8>) throws {
        try self.init(foundation: JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]))
    }

    /// The value of an object `JSONSerialization` made.
    init(foundation value: Any) {
        switch value {
        case is NSNull:
            self = .null
        case let text as String:
            self = .string(text)
        case let number as NSDecimalNumber:
            self = .exact(number.decimalValue)
        case let number as NSNumber:
            if type(of: number) == type(of: NSNumber(value: true)) {
                self = .bool(number.boolValue)
            } else {
                switch String(cString: number.objCType) {
                case "d", "f": self = .double(number.doubleValue)
                case "Q", "L", "I", "S", "C": self = .exact(Decimal(number.uint64Value))
                default: self = .exact(Decimal(number.int64Value))
                }
            }
        case let array as [Any]:
            self = .array(array.map(FoundationJSON.init(foundation:)))
        case let object as [String: Any]:
            self = .object(object.mapValues(FoundationJSON.init(foundation:)))
        default:
            preconditionFailure("JSONSerialization made a \(type(of: value))")
        }
    }

    /// The same shape as `value`, its numbers exact.
    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .exact(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(FoundationJSON.init))
        case .object(let members): self = .object(members.mapValues(FoundationJSON.init))
        }
    }

    /// Whether any string in the value, key or not, holds U+FFFD.
    var holdsReplacementCharacter: Bool {
        switch self {
        case .string(let text): text.unicodeScalars.contains("\u{FFFD}")
        case .array(let items): items.contains { $0.holdsReplacementCharacter }
        case .object(let members):
            members.contains { $0.key.unicodeScalars.contains("\u{FFFD}") || $0.value.holdsReplacementCharacter }
        default: false
        }
    }

    /// Strings are equal scalar for scalar (not merely canonically equivalent, as `String`'s `==`
    /// has it); an exact number equals a `Double` that its exact text rounds to.
    static func == (lhs: FoundationJSON, rhs: FoundationJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.exact(a), .exact(b)): a == b
        case let (.double(a), .double(b)): a == b
        case let (.exact(a), .double(b)), let (.double(b), .exact(a)): Double(a.description) == b
        case let (.string(a), .string(b)): a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)):
            a.count == b.count && a.allSatisfy { key, value in
                b.first { $0.key.unicodeScalars.elementsEqual(key.unicodeScalars) }.map { $0.value == value } ?? false
            }
        default: false
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let flag): "\(flag)"
        case .exact(let number): "\(number)"
        case .double(let number): "\(number)d"
        case .string(let text): text.debugDescription
        case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let members): "{" + members.map { "\($0.key.debugDescription): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }
}
