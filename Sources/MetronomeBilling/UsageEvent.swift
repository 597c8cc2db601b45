import Foundation
import MetronomeCodecs

/// One usage event as ingested: who (an ID or ingest alias), what, when, and its properties.
package struct UsageEvent: Sendable, Equatable {
    package var transactionId: String
    /// The `customer_id` the event was sent with: a Metronome customer ID or an ingest alias.
    package var customerRef: String
    package var eventType: String
    package var timestamp: Timestamp
    package var properties: [String: JSONValue]

    /// A value with each stored property given.
    package init(
        transactionId: String,
        customerRef: String,
        eventType: String,
        timestamp: Timestamp,
        properties: [String: JSONValue]
    ) {
        self.transactionId = transactionId
        self.customerRef = customerRef
        self.eventType = eventType
        self.timestamp = timestamp
        self.properties = properties
    }
}

extension JSONValue {
    /// The value as a property filter compares it: strings as they are, numbers and booleans
    /// in their JSON spelling; nil for null, arrays and objects.
    package var propertyText: String? {
        switch self {
        case .string(let text): text
        case .number(let number): number.description
        case .bool(let flag): flag ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    /// The value as a quantity: a number, or a string that spells one; nil otherwise.
    package var quantity: Decimal? {
        switch self {
        case .number(let number): number
        case .string(let text): Decimal(string: text.trimmingCharacters(in: .whitespaces), locale: Locale(identifier: "en_US_POSIX"))
            .flatMap { $0.isNaN ? nil : $0 }
        case .bool, .null, .array, .object: nil
        }
    }
}
