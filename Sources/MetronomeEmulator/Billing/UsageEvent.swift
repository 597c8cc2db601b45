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
