import Foundation

/// One usage event as ingested: who (an ID or ingest alias), what, when, and its properties.
struct UsageEvent: Sendable, Equatable {
    var transactionId: String
    /// The `customer_id` the event was sent with: a Metronome customer ID or an ingest alias.
    var customerRef: String
    var eventType: String
    var timestamp: Timestamp
    var properties: [String: JSONValue]
}

/// An event's properties as metrics read them, by name: all of them, or those picked for the
/// metrics that may match it.
protocol EventProperties {
    subscript(_ name: String) -> JSONValue? { get }
}

extension Dictionary: EventProperties where Key == String, Value == JSONValue {}

/// The values of a few named properties, picked from an event's JSON text: what rolling up reads
/// of an event, without a dictionary made for each. (Looked up by comparing names: there are few.)
struct PickedProperties: EventProperties {
    let names: [String]
    private(set) var values: [JSONValue?]

    init(names: [String]) {
        self.names = names
        values = Array(repeating: nil, count: names.count)
    }

    subscript(_ name: String) -> JSONValue? {
        names.firstIndex(of: name).flatMap { values[$0] }
    }

    /// Picks the named members of the JSON object `jsonText` in place of those held, stepping
    /// over the others without building them; false if the text is not an object.
    mutating func pick(fromObject jsonText: String) -> Bool {
        for index in values.indices { values[index] = nil }
        return JSONScanner.scan(jsonText) { scanner in
            guard scanner.peek() == UInt8(ascii: "{") else { return false }
            do {
                try scanner.readObject(rawKeys: { raw, key, scanner in
                    let wanted = if let raw { names.firstIndex { JSONScanner.spells($0, raw) } } else { names.firstIndex(of: key()) }
                    if let wanted {
                        values[wanted] = try scanner.readValue()
                    } else {
                        try scanner.skipValue()
                    }
                })
                try scanner.expectEnd()
            } catch {
                return false
            }
            return true
        }
    }
}

extension JSONValue {
    /// The value as a property filter compares it: strings as they are, numbers and booleans
    /// in their JSON spelling; nil for null, arrays and objects.
    var propertyText: String? {
        switch self {
        case .string(let text): text
        case .number(let number): number.description
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    /// The value as a quantity: a number, or a string that spells one; nil otherwise.
    var quantity: Decimal? {
        switch self {
        case .number(let number): number
        case .string(let text): Decimal(string: text.trimmingCharacters(in: .whitespaces), locale: Locale(identifier: "en_US_POSIX"))
            .flatMap { $0.isNaN ? nil : $0 }
        case .bool, .null, .array, .object: nil
        }
    }
}
