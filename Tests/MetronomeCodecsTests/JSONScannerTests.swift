import Foundation
import MetronomeCodecs
import Testing

@Suite struct JSONScannerTests {
    private func value(_ text: String) throws -> JSONValue {
        try JSONValue(jsonText: text)
    }

    /// The members named in `names` that ingest picks from the object `text`; nil if it is not one.
    private func members(ofObject text: String, named names: [String]) -> [String: JSONValue]? {
        var picked = PickedProperties(names: names)
        guard picked.pick(fromObject: text) else { return nil }
        return Dictionary(uniqueKeysWithValues: zip(names, picked.values).compactMap { name, value in value.map { (name, $0) } })
    }

    @Test func readsEveryKindOfValueWithExactNumbers() throws {
        #expect(try value(#"{"a": [1, -2.5, 1e3, true, false, null, "x"]}"#) == .object(["a": .array([
            .number(1), .number(Decimal(string: "-2.5")!), .number(1000), .bool(true), .bool(false), .null, .string("x"),
        ])]))
        #expect(try value("0.1") == .number(Decimal(string: "0.1")!))
        #expect(try value("123456789012345678901234567890") == .number(Decimal(string: "123456789012345678901234567890")!))
    }

    @Test func unescapesStrings() throws {
        #expect(try value(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\té😀"))
        #expect(try value(#""\ud800x""#) == .string("\u{FFFD}x"))
    }

    /// Strings are tested eight bytes at a time: a quote, backslash or control character must be
    /// found in any place of a word, and bytes of other characters must pass, read or stepped over.
    @Test func stringsReadAlikeWhereverTheirSpecialBytesFall() throws {
        for length in 0..<20 {
            for position in 0...length {
                let before = String(repeating: "a", count: position), after = String(repeating: "b", count: length - position)
                for (written, meant) in [(#"\""#, "\""), (#"\\"#, "\\"), ("é", "é"), ("😀", "😀"), ("\u{7F}", "\u{7F}"), ("", "")] {
                    let text = "\"" + before + written + after + "\""
                    #expect(try value(text) == .string(before + meant + after), "\(text)")
                    #expect(members(ofObject: "{\"skip\": \(text), \"k\": 1}", named: ["k"]) == ["k": .number(1)], "\(text)")
                }
                for control in ["\u{01}", "\n", "\u{1F}"] {
                    let text = "\"" + before + control + after + "\""
                    #expect(throws: JSONScanner.SyntaxError.self) { try value(text) }
                    #expect(members(ofObject: "{\"skip\": \(text), \"k\": 1}", named: ["k"]) == nil, "\(text)")
                }
                #expect(throws: JSONScanner.SyntaxError.self) { try value("\"" + before + after) }
            }
        }
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01x", "\"\u{01}\"", "tru", "1.", "-", "{} {}", "\"\\x\"", "[1 2]", "\"abc", "\"a\\n", "\"a\\n\u{01}\""])
    func refusesMalformedInput(text: String) {
        #expect(throws: JSONScanner.SyntaxError.self) { try JSONValue(jsonText: text) }
    }

    @Test func refusesNestingPastTheLimit() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONScanner.SyntaxError.self) { try JSONValue(jsonText: deep) }
    }

    @Test func aStringPoolHandsBackOnlyEqualTexts() {
        var pool = JSONScanner.StringPool(capacity: 3)
        // Alike in length and last eight bytes, or a prefix of another: each must stay its own.
        let texts = ["a-customer-000001", "b-customer-000001", "b-customer-000001", "x1", "1", "x1", "a-customer-000001", "fourth", "x1"]
        var read: [String] = []
        for text in texts {
            var text = text
            read.append(text.withUTF8 { pool.text(spelledBy: $0) })
        }
        #expect(read == texts)
        var single = JSONScanner.StringPool(capacity: 1)
        for text in ["2026-03-15T00:00:00Z", "2026-03-15T01:00:00Z", "2026-03-15T00:00:00Z"] {
            var text = text
            #expect(text.withUTF8 { single.text(spelledBy: $0) } == text)
        }
    }

    @Test func membersFindsNamesWrittenWithEscapes() {
        #expect(members(ofObject: #"{"\u0061b": 1, "x": {"ab": 2}, "abc": 3}"#, named: ["ab", "x"]) == [
            "ab": .number(1), "x": .object(["ab": .number(2)]),
        ])
        #expect(members(ofObject: "[1]", named: ["ab"]) == nil)
        #expect(members(ofObject: #"{"ab": }"#, named: ["ab"]) == nil)
    }
}
