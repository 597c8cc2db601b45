import Foundation
import Synchronization

/// One stored event: what the client sent, and whether it repeated a `transaction_id` that was
/// already counted.
struct BatchedUsageEvent: Sendable {
    var event: NewUsageEvent
    var isDuplicate: Bool
}

/// The stored form of one ingest request's events, kept as a single row: a SQLite row with its
/// indexes costs more per event than all the rest of ingest together.
///
/// Per event: a flags byte (1 = duplicate), the timestamp as 8 little-endian bytes, then
/// `transaction_id`, customer reference, `event_type` and the properties' JSON text, each as a
/// 4-byte little-endian length followed by its UTF-8 bytes.
enum UsageEventBatchCoding {
    static func encode(_ events: [NewUsageEvent], duplicates: [Bool]) -> Data {
        let size = events.reduce(0) { total, event in
            total + 25 + event.transactionId.utf8.count + event.customerRef.utf8.count + event.eventType.utf8.count
                + event.propertiesJSON.utf8.count
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var writer = Writer(buffer: UnsafeMutableRawBufferPointer(buffer))
            for (event, isDuplicate) in zip(events, duplicates) {
                writer.write(UInt64(isDuplicate ? 1 : 0), bytes: 1)
                writer.write(UInt64(bitPattern: event.timestamp.millisecondsSinceEpoch), bytes: 8)
                writer.write(event.transactionId)
                writer.write(event.customerRef)
                writer.write(event.eventType)
                writer.write(event.propertiesJSON)
            }
            initialized = writer.offset
        }
        return Data(bytes)
    }

    /// The events of a stored batch, in the order they were sent.
    static func decode(_ data: Data) throws -> [BatchedUsageEvent] {
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
    static func forEachCountedTransactionId(in raw: UnsafeRawBufferPointer, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws {
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
    static func customerRefSpans(_ events: [NewUsageEvent]) -> [(customerRef: String, first: Int64, last: Int64)] {
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

    struct CorruptBatch: Error {}

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

/// Every `transaction_id` counted so far, with when it was last counted and the batch that holds
/// that event. Ingest checks each event against it; a SQLite lookup per event would cost more
/// than the rest of ingest. It is rebuilt from the stored batches when the store opens, and
/// changed only when the write transaction that stored the batches commits.
final class UsageTransactionIndex: Sendable {
    struct Entry: Sendable, Equatable {
        var countedAt: Int64
        var batchSeq: Int64
    }

    private let table = Mutex(TransactionIdTable())

    /// The entries of those of `transactionIds` that were ever counted.
    func entries(for transactionIds: some Sequence<String>) -> [String: Entry] {
        table.withLock { table in
            var found: [String: Entry] = [:]
            for id in transactionIds {
                if let entry = table[id] { found[id] = entry }
            }
            return found
        }
    }

    /// For each of `transactionIds`, in order: its entry if it was ever counted, and whether
    /// the same ID came earlier in the list.
    func lookUp(_ transactionIds: [String]) -> [(entry: Entry?, repeatsEarlier: Bool)] {
        // Earlier IDs of the list, by the table's hash: finding repeats needs no hashing of its own.
        var size = 16
        while size < transactionIds.count * 2 { size *= 2 }
        var earlier = [Int](repeating: -1, count: size)
        var hashes: [UInt64] = []
        hashes.reserveCapacity(transactionIds.count)
        return table.withLock { table in
            transactionIds.enumerated().map { index, id in
                var id = id
                let (hash, entry) = id.withUTF8 { key in
                    let hash = table.hash(key)
                    return (hash, table.entry(key, hash: hash))
                }
                hashes.append(hash)
                let mask = earlier.count - 1
                var position = Int(truncatingIfNeeded: hash) & mask
                while earlier[position] >= 0 {
                    let other = earlier[position]
                    if hashes[other] == hash, transactionIds[other] == id { return (entry, true) }
                    position = (position + 1) & mask
                }
                earlier[position] = index
                return (entry, false)
            }
        }
    }

    /// Records that `transactionIds` were counted, as `entry` says.
    func record(_ transactionIds: some Collection<String>, as entry: Entry) {
        guard !transactionIds.isEmpty else { return }
        table.withLock { table in
            for id in transactionIds { table[id] = entry }
        }
    }

    /// Puts `table` in place of everything the index held.
    func replace(with table: TransactionIdTable) {
        self.table.withLock { $0 = table }
    }
}

/// A hash table from transaction IDs to index entries, built for millions of keys: the keys'
/// bytes live in one buffer and each slot keeps its key's hash, so growing never hashes a key
/// again and a probe compares key bytes only when the hashes are equal. (A `Dictionary` keyed
/// by `String` spent most of ingest's serial time hashing and comparing keys as it grew.)
struct TransactionIdTable: Sendable {
    /// A slot of the open-addressing table: 16 bytes, so probing touches little memory.
    private struct Slot {
        var hash: UInt64 = 0  // 0 marks an empty slot
        var record: UInt32 = 0
    }

    /// A key's place in `keys` and its entry, in insertion order; growing never moves them.
    private struct Record {
        var keyStart: Int
        var keyLength: Int
        var entry: UsageTransactionIndex.Entry
    }

    private var slots = [Slot](repeating: Slot(), count: 1024)
    private var records: [Record] = []
    private var keys: [UInt8] = []
    private let seed = UInt64.random(in: 1...UInt64.max)

    var count: Int { records.count }

    subscript(id: String) -> UsageTransactionIndex.Entry? {
        get {
            var id = id
            return id.withUTF8 { key in entry(key, hash: hash(key)) }
        }
        set {
            guard let newValue else { return }
            var id = id
            id.withUTF8 { set($0, to: newValue) }
        }
    }

    /// Sets the entry of the key spelled by the bytes `key`.
    mutating func set(_ key: UnsafeBufferPointer<UInt8>, to entry: UsageTransactionIndex.Entry) {
        let hash = hash(key)
        let position = find(key, hash: hash)
        if slots[position].hash != 0 {
            records[Int(slots[position].record)].entry = entry
            return
        }
        slots[position] = Slot(hash: hash, record: UInt32(records.count))
        records.append(Record(keyStart: keys.count, keyLength: key.count, entry: entry))
        keys.append(contentsOf: key)
        if records.count * 10 > slots.count * 7 { grow() }
    }

    /// The entry of `key`, whose hash is `hash`.
    func entry(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> UsageTransactionIndex.Entry? {
        let slot = slots[find(key, hash: hash)]
        return slot.hash == 0 ? nil : records[Int(slot.record)].entry
    }

    /// The slot holding `key`, or the empty slot where it would go.
    private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int {
        let mask = slots.count - 1
        var position = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[position]
            if slot.hash == 0 { return position }
            if slot.hash == hash {
                let record = records[Int(slot.record)]
                if record.keyLength == key.count, keys.withUnsafeBufferPointer({ keys in
                    memcmp(keys.baseAddress! + record.keyStart, key.baseAddress!, key.count) == 0
                }) {
                    return position
                }
            }
            position = (position + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.hash != 0 {
            var position = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[position].hash != 0 { position = (position + 1) & mask }
            slots[position] = slot
        }
    }

    /// A seeded 64-bit hash of `key` (never 0), mixing 8 bytes at a time.
    func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash = seed ^ UInt64(key.count)
        var index = 0
        while index + 8 <= key.count {
            var chunk: UInt64 = 0
            memcpy(&chunk, key.baseAddress! + index, 8)
            hash = mix(hash ^ chunk)
            index += 8
        }
        var tail: UInt64 = 0
        for offset in index..<key.count { tail |= UInt64(key[offset]) << UInt64((offset - index) * 8) }
        hash = mix(hash ^ tail)
        return hash == 0 ? 1 : hash
    }

    private func mix(_ value: UInt64) -> UInt64 {
        var value = value &* 0x9E37_79B9_7F4A_7C15
        value ^= value >> 32
        value = value &* 0xD6E8_FEB8_6659_FD93
        return value ^ (value >> 32)
    }
}
