#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore

/// A `POST /v1/ingest` body read in one pass: a JSON array of 1–100 events, each checked, with
/// its `properties` kept as the exact JSON text the client sent.
enum IngestBatch {
    /// The events of `buffer`, or a 400 naming the first event and field at fault.
    static func parse(_ buffer: ByteBuffer, now: Timestamp) throws -> [NewUsageEvent] {
        try buffer.withUnsafeReadableBytes { body in
            try JSONScanner.scan(body.assumingMemoryBound(to: UInt8.self)) { scanner in try parse(&scanner, now: now) }
        }
    }

    private static func parse(_ scanner: inout JSONScanner, now: Timestamp) throws -> [NewUsageEvent] {
        guard scanner.peek() == UInt8(ascii: "[") else {
            throw scanner.peek() == nil
                ? APIError.badRequest("Request body must be a JSON array of usage events")
                : APIError.badRequest(scanner.peek() == UInt8(ascii: "{") || scanner.peek() == UInt8(ascii: "\"")
                    ? "Request body must be a JSON array of usage events" : "Request body is not valid JSON")
        }
        var events: [NewUsageEvent] = []
        events.reserveCapacity(100)
        var repeated = RepeatedValues()
        do {
            try scanner.readArray { index, scanner in
                guard index < 100 else {
                    throw APIError.badRequest("An ingest request takes 1 to 100 events")
                }
                events.append(try readEvent(&scanner, index: index, now: now, repeated: &repeated))
            }
            try scanner.expectEnd()
        } catch let error as JSONScanner.SyntaxError {
            throw APIError.badRequest("Request body is not valid JSON: \(error)")
        }
        guard !events.isEmpty else {
            throw APIError.badRequest("An ingest request takes 1 to 100 events, got 0")
        }
        return events
    }

    /// The members of an event that ingest reads; others are stepped over.
    private enum EventMember: String, CaseIterable {
        case transactionId = "transaction_id", customerId = "customer_id", eventType = "event_type", timestamp, properties
    }

    /// The values that events of one batch tend to share, each read once. Timestamps are
    /// compared with the last one alone: a batch either repeats one or has a new one per event.
    private struct RepeatedValues {
        var customerRefs = JSONScanner.StringPool(capacity: 16)
        var eventTypes = JSONScanner.StringPool(capacity: 16)
        var timestamps = JSONScanner.StringPool(capacity: 1)
        var lastTimestamp: (text: String, moment: Timestamp)?
    }

    private static func readEvent(
        _ scanner: inout JSONScanner, index: Int, now: Timestamp, repeated: inout RepeatedValues
    ) throws -> NewUsageEvent {
        // Built only for an error message: most batches need none.
        func field(_ name: String? = nil) -> String { "usage[\(index)]" + (name.map { ".\($0)" } ?? "") }
        guard scanner.peek() == UInt8(ascii: "{") else {
            throw APIError.badRequest("'\(field())' must be an object")
        }
        var transactionId: String?
        var customerId: String?
        var eventType: String?
        var timestamp: String?
        var properties = "{}"
        try scanner.readObject(rawKeys: { raw, key, scanner in
            let member = if let raw { EventMember.allCases.first { JSONScanner.spells($0.rawValue, raw) } } else { EventMember(rawValue: key()) }
            switch member {
            case .transactionId: transactionId = try readString(&scanner, field("transaction_id"))
            case .customerId: customerId = try readString(&scanner, field("customer_id"), reusing: &repeated.customerRefs)
            case .eventType: eventType = try readString(&scanner, field("event_type"), reusing: &repeated.eventTypes)
            case .timestamp: timestamp = try readString(&scanner, field("timestamp"), reusing: &repeated.timestamps)
            case .properties:
                if scanner.skipNull() {
                    properties = "{}"
                } else {
                    guard scanner.peek() == UInt8(ascii: "{") else {
                        throw APIError.badRequest("'\(field("properties"))' must be an object")
                    }
                    properties = try scanner.readRawValue()
                }
            case nil:
                try scanner.skipValue()
            }
        })
        func required(_ value: String?, _ name: String) throws -> String {
            guard let value else { throw APIError.badRequest("Missing required field '\(field(name))'") }
            return value
        }
        let transactionIdValue = try required(transactionId, "transaction_id")
        let customerRef = try required(customerId, "customer_id")
        let eventTypeValue = try required(eventType, "event_type")
        let timestampText = try required(timestamp, "timestamp")
        let moment: Timestamp
        if let last = repeated.lastTimestamp, last.text == timestampText {
            moment = last.moment
        } else {
            moment = try parseTimestamp(timestampText, field: field("timestamp"), now: now)
            repeated.lastTimestamp = (timestampText, moment)
        }
        let event = NewUsageEvent(
            transactionId: transactionIdValue, customerRef: customerRef, eventType: eventTypeValue, timestamp: moment,
            propertiesJSON: properties
        )
        try Validate.length(event.transactionId, field: field("transaction_id"), Limits.identifierLength)
        try Validate.length(event.customerRef, field: field("customer_id"), Limits.identifierLength)
        try Validate.length(event.eventType, field: field("event_type"), 1...256)
        // The store keeps text up to its first NUL: two references that differ after one would
        // be one customer.
        try refuseNul(event.transactionId, field("transaction_id"))
        try refuseNul(event.customerRef, field("customer_id"))
        try refuseNul(event.eventType, field("event_type"))
        return event
    }

    private static func refuseNul(_ text: String, _ field: @autoclosure () -> String) throws {
        let hasNul = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false
        } ?? text.utf8.contains(0)
        if hasNul { throw APIError.badRequest("'\(field())' must not contain a NUL character (\\u0000)") }
    }

    private static func readString(
        _ scanner: inout JSONScanner, _ field: @autoclosure () -> String, reusing pool: inout JSONScanner.StringPool
    ) throws -> String {
        guard scanner.peek() == UInt8(ascii: "\"") else {
            throw APIError.badRequest("'\(field())' must be a string")
        }
        return try scanner.readString(reusing: &pool)
    }

    private static func readString(_ scanner: inout JSONScanner, _ field: @autoclosure () -> String) throws -> String {
        guard scanner.peek() == UInt8(ascii: "\"") else {
            throw APIError.badRequest("'\(field())' must be a string")
        }
        return try scanner.readString()
    }

    private static func parseTimestamp(_ text: String, field: @autoclosure () -> String, now: Timestamp) throws -> Timestamp {
        guard let moment = Timestamp(rfc3339: text) else {
            throw APIError.badRequest("'\(field())' must be an RFC 3339 timestamp, got '\(text)'")
        }
        guard moment.millisecondsSinceEpoch <= now.millisecondsSinceEpoch + Timestamp.millisecondsPerDay else {
            throw APIError.badRequest("'\(field())' \(text) is more than 24 hours in the future")
        }
        return moment
    }
}
