import Foundation
import MetronomeBilling
import MetronomeCodecs

/// One stored event: what the client sent, and whether it repeated a `transaction_id` that was
/// already counted.
package struct BatchedUsageEvent: Sendable {
    package var event: NewUsageEvent
    package var isDuplicate: Bool

    /// A value with each stored property given.
    package init(event: NewUsageEvent, isDuplicate: Bool) {
        self.event = event
        self.isDuplicate = isDuplicate
    }
}

/// The stored form of one ingest request's events, kept as a single row: a SQLite row with its
/// indexes costs more per event than all the rest of ingest together.
///
/// Per event: a flags byte (1 = duplicate), the timestamp as 8 little-endian bytes, then
/// `transaction_id`, customer reference, `event_type` and the properties' JSON text, each as a
/// 4-byte little-endian length followed by its UTF-8 bytes.
package enum UsageEventBatchCoding {
    package static func encode(_ events: [NewUsageEvent], duplicates: [Bool]) -> Data {
        var batch = EncodedBatch(events)
        for (index, isDuplicate) in duplicates.enumerated() where isDuplicate { batch.markDuplicate(index) }
        return batch.bytes
    }

    /// A batch encoded with every event counted, to be marked once the writer knows which
    /// events are duplicates: encoding is done beside the writer, which every request waits on.
    package struct EncodedBatch: Sendable {
        package private(set) var bytes: Data
        /// Where each event's flags byte is.
        private let flagOffsets: [Int]

        package init(_ events: [NewUsageEvent]) {
            let size = events.reduce(0) { total, event in
                total + 25 + event.transactionId.utf8.count + event.customerRef.utf8.count + event.eventType.utf8.count
                    + event.propertiesJSON.utf8.count
            }
            var bytes = Data(count: size)
            var flagOffsets: [Int] = []
            flagOffsets.reserveCapacity(events.count)
            bytes.withUnsafeMutableBytes { buffer in
                var writer = Writer(buffer: buffer)
                for event in events {
                    flagOffsets.append(writer.offset)
                    writer.write(0, bytes: 1)
                    writer.write(UInt64(bitPattern: event.timestamp.millisecondsSinceEpoch), bytes: 8)
                    writer.write(event.transactionId)
                    writer.write(event.customerRef)
                    writer.write(event.eventType)
                    writer.write(event.propertiesJSON)
                }
            }
            self.bytes = bytes
            self.flagOffsets = flagOffsets
        }

        package mutating func markDuplicate(_ index: Int) {
            bytes[flagOffsets[index]] = 1
        }
    }

    /// The events of a stored batch, in the order they were sent.
    package static func decode(_ data: Data) throws -> [BatchedUsageEvent] {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var reader = Reader(bytes: raw)
            var events: [BatchedUsageEvent] = []
            while !reader.isAtEnd {
                let flags = try reader.integer(bytes: 1)
                let timestamp = Int64(bitPattern: try reader.integer(bytes: 8))
                let transactionId = try reader.text()
                let customerRef = try reader.text()
                let eventType = try reader.text()
                let properties = try reader.text()
                events.append(BatchedUsageEvent(
                    event: NewUsageEvent(
                        transactionId: transactionId, customerRef: customerRef, eventType: eventType,
                        timestamp: Timestamp(millisecondsSinceEpoch: timestamp), propertiesJSON: properties
                    ),
                    isDuplicate: flags & 1 == 1
                ))
            }
            return events
        }
    }

    /// Calls `body` with the bytes of the `transaction_id` of each counted event of a stored batch,
    /// in order, without making strings of the rest: what rebuilding the ID index reads.
    package static func forEachCountedTransactionId(in raw: UnsafeRawBufferPointer, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws {
        var reader = Reader(bytes: raw)
        while !reader.isAtEnd {
            let flags = try reader.integer(bytes: 1)
            _ = try reader.integer(bytes: 8)
            let transactionId = try reader.field()
            for _ in 0..<3 { _ = try reader.field() }
            if flags & 1 == 0 { body(transactionId.assumingMemoryBound(to: UInt8.self)) }
        }
    }

    /// Each customer reference the events carry, with their earliest and latest timestamps (in
    /// milliseconds), in order of first appearance: what lets a read find the batches it needs.
    package static func customerRefSpans(_ events: [NewUsageEvent]) -> [(customerRef: String, first: Int64, last: Int64)] {
        var spans: [(customerRef: String, first: Int64, last: Int64)] = []
        // A batch names few references, mostly as shared strings that compare equal at once:
        // a search beats hashing until there are many.
        var positions: [String: Int]?
        for event in events {
            let moment = event.timestamp.millisecondsSinceEpoch
            let found = positions.map { $0[event.customerRef] } ?? spans.firstIndex { $0.customerRef == event.customerRef }
            if let position = found {
                spans[position].first = min(spans[position].first, moment)
                spans[position].last = max(spans[position].last, moment)
                continue
            }
            positions?[event.customerRef] = spans.count
            spans.append((event.customerRef, moment, moment))
            if positions == nil, spans.count > 16 {
                positions = Dictionary(uniqueKeysWithValues: spans.enumerated().map { ($1.customerRef, $0) })
            }
        }
        return spans
    }

    package struct CorruptBatch: Error {}

    /// Writes into a buffer sized beforehand for exactly what is written.
    private struct Writer {
        let buffer: UnsafeMutableRawBufferPointer
        var offset = 0

        mutating func write(_ value: UInt64, bytes count: Int) {
            withUnsafeBytes(of: value.littleEndian) { value in
                buffer.baseAddress!.advanced(by: offset).copyMemory(from: value.baseAddress!, byteCount: count)
            }
            offset += count
        }

        mutating func write(_ text: String) {
            var text = text
            text.withUTF8 { utf8 in
                write(UInt64(utf8.count), bytes: 4)
                if let source = utf8.baseAddress {
                    buffer.baseAddress!.advanced(by: offset).copyMemory(from: source, byteCount: utf8.count)
                }
                offset += utf8.count
            }
        }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var isAtEnd: Bool { offset >= bytes.count }

        mutating func integer(bytes count: Int) throws -> UInt64 {
            guard offset + count <= bytes.count else { throw CorruptBatch() }
            var value: UInt64 = 0
            for index in 0..<count {
                value |= UInt64(bytes[offset + index]) << UInt64(index * 8)
            }
            offset += count
            return value
        }

        mutating func text() throws -> String {
            String(decoding: try field(), as: UTF8.self)
        }

        /// The bytes of the next length-prefixed field.
        mutating func field() throws -> UnsafeRawBufferPointer {
            let count = Int(try integer(bytes: 4))
            guard offset + count <= bytes.count else { throw CorruptBatch() }
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        }
    }
}
