import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Checks on request values that Metronome makes, each failing with a 400 that names the field.
enum Validate {
    /// A Metronome ID: a UUID, returned in its lowercase canonical form.
    static func id(_ text: String, field: String) throws -> String {
        guard let canonical = canonicalUUID(text) else {
            throw APIError.badRequest("'\(field)' must be a UUID, got '\(text)'")
        }
        return canonical
    }

    /// A filter's list of IDs: at most `Limits.idsPerFilter`, each a UUID in canonical form.
    static func ids(_ ids: [String], field: String) throws -> [String] {
        try count(ids, field: field, max: Limits.idsPerFilter)
        return try ids.enumerated().map { try id($1, field: "\(field)[\($0)]") }
    }

    /// `text` in lowercase if it is a UUID in its 8-4-4-4-12 hex form; nil otherwise. Checked by
    /// hand because IDs are checked on every request and Foundation's parser is slow on Linux.
    static func canonicalUUID(_ text: String) -> String? {
        var utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return nil }
        var changed = false
        for index in 0..<36 {
            let byte = utf8[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) {
                continue
            } else if (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte) {
                utf8[index] = byte + 32
                changed = true
            } else {
                return nil
            }
        }
        return changed ? String(decoding: utf8, as: UTF8.self) : text
    }

    /// A string whose length (in characters) lies in `range`.
    static func length(_ text: String, field: @autoclosure () -> String, _ range: ClosedRange<Int>) throws {
        // A text never has more characters than UTF-8 bytes, so a short one needs no counting.
        let bytes = text.utf8.count
        if bytes <= range.upperBound, range.lowerBound <= min(bytes, 1) { return }
        let count = text.count
        guard range.contains(count) else {
            throw APIError.badRequest("'\(field())' must be \(range.lowerBound) to \(range.upperBound) characters long")
        }
    }

    /// A non-empty name, cut to `maxLength` characters as Metronome silently does.
    static func name(_ text: String, field: String = "name", maxLength: Int = Limits.nameLength) throws -> String {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("'\(field)' must not be empty")
        }
        return String(text.prefix(maxLength))
    }

    /// At most `max` items.
    static func count(_ items: [some Any], field: String, max: Int) throws {
        guard items.count <= max else {
            throw APIError.badRequest("'\(field)' takes at most \(max) items")
        }
    }

    /// `ending_before` strictly after `starting_at`, when given.
    static func range(startingAt: Timestamp, endingBefore: Timestamp?) throws {
        if let endingBefore, endingBefore <= startingAt {
            throw APIError.badRequest("'ending_before' must be after 'starting_at'")
        }
    }
}

extension KeyedDecodingContainer {
    /// A nullable field of an update: `.unchanged` when absent, `.set(nil)` when null.
    func decodeUpdate<Value: Decodable & Sendable>(_ type: Value.Type, forKey key: Key) throws -> FieldUpdate<Value> {
        guard contains(key) else { return .unchanged }
        if try decodeNil(forKey: key) { return .set(nil) }
        return .set(try decode(type, forKey: key))
    }
}
