import Foundation

/// A single-pass JSON reader over bytes. Usage ingest reads up to 100 events per request at
/// high rates; Foundation's `JSONDecoder` spends most of that time building and unboxing an
/// intermediate tree, and `JSONSerialization` reads numbers as `Double`, losing the exact
/// decimals Metronome keeps. This reader keeps number text exact (`Decimal(string:)`), can
/// step over a value while checking it, and reports where input is malformed.
package struct JSONScanner {
    /// Malformed JSON, with the byte offset where reading stopped.
    package struct SyntaxError: Error, CustomStringConvertible {
        package var offset: Int
        package var reason: String
        package var description: String { "\(reason) at byte \(offset)" }

        /// A value with each stored property given.
        package init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }
    }

    /// Borrowed for the length of one `scan` call, which is why a scanner is only ever made there.
    private let bytes: UnsafeBufferPointer<UInt8>
    package private(set) var index = 0
    private var depth = 0

    /// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
    package static let maxDepth = 256

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Runs `body` with a scanner over `bytes`; the scanner must not outlive the call.
    package static func scan<Result>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (inout JSONScanner) throws -> Result) rethrows -> Result {
        var scanner = JSONScanner(bytes)
        return try body(&scanner)
    }

    /// Runs `body` with a scanner over the UTF-8 of `text`; the scanner must not outlive the call.
    package static func scan<Result>(_ text: String, _ body: (inout JSONScanner) throws -> Result) rethrows -> Result {
        var text = text
        return try text.withUTF8 { try scan($0, body) }
    }

    // MARK: - Structure

    /// The next non-whitespace byte, without consuming it.
    package mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// Checks that nothing but whitespace is left.
    package mutating func expectEnd() throws {
        if peek() != nil { throw error("unexpected data after the JSON value") }
    }

    /// Reads an object, calling `member` with each key while the scanner sits on its value;
    /// `member` must read or skip that value.
    package mutating func readObject(_ member: (String, inout JSONScanner) throws -> Void) throws {
        try readObject(rawKeys: { _, key, scanner in try member(key(), &scanner) })
    }

    /// Reads an object as `readObject` does, but hands `member` each key as its raw bytes when the
    /// key has no escapes (nil otherwise), and a function that makes the key's string, so that a
    /// reader looking for a few names need not make a string of every key.
    package mutating func readObject(rawKeys member: (UnsafeBufferPointer<UInt8>?, () -> String, inout JSONScanner) throws -> Void) throws {
        try consume(UInt8(ascii: "{"), "expected an object")
        try enter()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
            if let raw = readPlainString() {
                try consume(UInt8(ascii: ":"), "expected ':'")
                try member(raw, { String(decoding: raw, as: UTF8.self) }, &self)
            } else {
                let key = try readString()
                try consume(UInt8(ascii: ":"), "expected ':'")
                try member(nil, { key }, &self)
            }
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw error("expected ',' or '}'")
            }
        }
    }

    /// Reads an array, calling `element` with each index while the scanner sits on the element;
    /// `element` must read or skip it.
    package mutating func readArray(_ element: (Int, inout JSONScanner) throws -> Void) throws {
        try consume(UInt8(ascii: "["), "expected an array")
        try enter()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        var count = 0
        while true {
            try element(count, &self)
            count += 1
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            default: throw error("expected ',' or ']'")
            }
        }
    }

    // MARK: - Values

    /// Reads any value.
    package mutating func readValue() throws -> JSONValue {
        switch peek() {
        case UInt8(ascii: "{"):
            var object: [String: JSONValue] = [:]
            try readObject { key, scanner in object[key] = try scanner.readValue() }
            return .object(object)
        case UInt8(ascii: "["):
            var array: [JSONValue] = []
            try readArray { _, scanner in array.append(try scanner.readValue()) }
            return .array(array)
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return try readLiteral()
        case .some:
            let start = index
            try skipNumber()
            if let integer = plainInteger(bytes[start..<index]) {
                return .number(Decimal(integer))
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard let number = Decimal(string: text, locale: Self.posix) else {
                throw SyntaxError(offset: start, reason: "number out of range")
            }
            return .number(number)
        case nil:
            throw error("unexpected end of input")
        }
    }

    /// Steps over a value, checking its syntax, and returns its exact text.
    package mutating func readRawValue() throws -> String {
        _ = peek()
        let start = index
        try skipValue()
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Steps over a value, checking its syntax.
    package mutating func skipValue() throws {
        switch peek() {
        case UInt8(ascii: "{"): try readObject(rawKeys: { _, _, scanner in try scanner.skipValue() })
        case UInt8(ascii: "["): try readArray { _, scanner in try scanner.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): _ = try readLiteral()
        case .some: try skipNumber()
        case nil: throw error("unexpected end of input")
        }
    }

    /// Reads a string, unescaping it.
    package mutating func readString() throws -> String {
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a string") }
        if let raw = readPlainString() { return String(decoding: raw, as: UTF8.self) }
        index += 1
        var scalars: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 { throw error("control character in string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try readEscape(into: &scalars)
            default:
                scalars.append(byte)
            }
        }
        throw error("unterminated string")
    }

    /// Reads a string as `readString` does, but hands back an equal string from `pool` where there
    /// is one, and adds a new one to it. Events in one batch repeat the same few customers, event
    /// types and timestamps: a shared string costs no allocation, and compares equal at once.
    package mutating func readString(reusing pool: inout StringPool) throws -> String {
        guard peek() == UInt8(ascii: "\""), let raw = readPlainString() else { return try readString() }
        return pool.text(spelledBy: raw)
    }

    /// Strings read before, to be handed back for the same bytes read again. Each is known by
    /// its length and last eight bytes first: the texts a batch repeats (customer references,
    /// numbered alike) mostly differ there, so few candidates need comparing whole.
    package struct StringPool {
        private var texts: [String] = []
        private var keys: [(count: Int, tail: UInt64)] = []
        /// The most texts kept; a new one then takes the place of the last.
        package let capacity: Int

        package init(capacity: Int) {
            self.capacity = capacity
        }

        package mutating func text(spelledBy raw: UnsafeBufferPointer<UInt8>) -> String {
            let key = (count: raw.count, tail: Self.tail(raw))
            for (index, candidate) in keys.enumerated() where candidate == key {
                if raw.count <= 8 || JSONScanner.spells(texts[index], raw) { return texts[index] }
            }
            let text = String(decoding: raw, as: UTF8.self)
            if texts.count < capacity {
                texts.append(text)
                keys.append(key)
            } else if capacity > 0 {
                texts[capacity - 1] = text
                keys[capacity - 1] = key
            }
            return text
        }

        /// The last eight bytes of `raw` (all of them if fewer), as one integer.
        private static func tail(_ raw: UnsafeBufferPointer<UInt8>) -> UInt64 {
            guard raw.count >= 8, let base = raw.baseAddress else {
                return raw.reduce(0) { $0 << 8 | UInt64($1) }
            }
            return UnsafeRawPointer(base + raw.count - 8).loadUnaligned(as: UInt64.self)
        }
    }

    /// The bytes of the string the scanner sits on, consumed, if it has no escapes or control
    /// characters and so is exactly those bytes; nil, consuming nothing, otherwise.
    private mutating func readPlainString() -> UnsafeBufferPointer<UInt8>? {
        let start = index + 1
        let end = plainRunEnd(from: start)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        index = end + 1
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// Where the first quote, backslash or control character at or after `start` is (the end if
    /// there is none). Most string bytes are none of these, so they are tested eight at a time.
    private func plainRunEnd(from start: Int) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            while index + 8 <= bytes.count, !Self.holdsSpecialByte(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
            }
        }
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
            index += 1
        }
        return index
    }

    /// Whether any byte of `word` is a quote, a backslash or below 0x20. (Each test is the
    /// classic one for a zero byte, or a byte below a bound, in a word: exact as to whether
    /// there is one, which is all that is asked.)
    private static func holdsSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highBits: UInt64 = 0x8080_8080_8080_8080
        func holdsZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highBits != 0 }
        return holdsZero(word ^ (ones &* 0x22)) || holdsZero(word ^ (ones &* 0x5C)) || (word &- ones &* 0x20) & ~word & highBits != 0
    }

    /// Whether `text` is spelled by exactly the bytes `raw`.
    package static func spells(_ text: String, _ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            utf8.count == raw.count && (raw.isEmpty || memcmp(utf8.baseAddress!, raw.baseAddress!, raw.count) == 0)
        }
    }

    /// Whether the next value is `null` (consumed if so).
    package mutating func skipNull() -> Bool {
        guard peek() == UInt8(ascii: "n"), follows("null") else { return false }
        index += 4
        return true
    }

    /// Whether the bytes from the current one on spell `word`.
    private func follows(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        return word.withUTF8Buffer { word in
            (0..<count).allSatisfy { bytes[index + $0] == word[$0] }
        }
    }

    // MARK: - Pieces

    private mutating func readEscape(into output: inout [UInt8]) throws {
        guard index < bytes.count else { throw error("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var code = try readHex4()
            if (0xD800..<0xDC00).contains(code), follows("\\u") {
                index += 2
                let low = try readHex4()
                if (0xDC00..<0xE000).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    output.append(contentsOf: Array("\u{FFFD}".utf8))
                    code = low
                }
            }
            let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw error("invalid escape")
        }
    }

    private mutating func readHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            value = value * 16 + UInt32(digit)
        }
        index += 4
        return value
    }

    private mutating func skipString() throws {
        try consume(UInt8(ascii: "\""), "expected a string")
        while true {
            index = plainRunEnd(from: index)
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return
            case UInt8(ascii: "\\"):
                var ignored: [UInt8] = []
                try readEscape(into: &ignored)
            default: throw error("control character in string")
            }
        }
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// The value of number text that is a plain integer of up to 18 digits (which `Decimal`
    /// holds exactly and reads the same as from its text), without Foundation's parser.
    private func plainInteger(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        var digits = text[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard (1...18).contains(digits.count), digits.first != UInt8(ascii: "0") || digits.count == 1,
              !(negative && digits.elementsEqual([UInt8(ascii: "0")]))
        else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }

    private mutating func skipNumber() throws {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let firstDigit = index
        let digits = try skipDigits()
        guard digits > 0 else { throw SyntaxError(offset: start, reason: "invalid value") }
        guard digits == 1 || bytes[firstDigit] != UInt8(ascii: "0") else {
            throw SyntaxError(offset: start, reason: "a number cannot start with a leading zero")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard try skipDigits() > 0 else { throw error("digits expected after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard try skipDigits() > 0 else { throw error("digits expected in exponent") }
        }
    }

    private mutating func skipDigits() throws -> Int {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    private mutating func readLiteral() throws -> JSONValue {
        if follows("true") {
            index += 4
            return .bool(true)
        }
        if follows("false") {
            index += 5
            return .bool(false)
        }
        if follows("null") {
            index += 4
            return .null
        }
        throw error("invalid literal")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func consume(_ byte: UInt8, _ reason: String) throws {
        guard peek() == byte else { throw error(reason) }
        index += 1
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maxDepth { throw error("nesting deeper than \(Self.maxDepth) levels") }
    }

    private func error(_ reason: String) -> SyntaxError {
        SyntaxError(offset: index, reason: reason)
    }
}
