import Foundation
import MetronomeBilling
import MetronomeCodecs
import Synchronization

/// Every `transaction_id` counted so far, with when it was last counted and the batch that holds
/// that event. Ingest checks each event against it; a SQLite lookup per event would cost more
/// than the rest of ingest. It is rebuilt from the stored batches when the store opens, and
/// changed only when the write transaction that stored the batches commits.
package final class UsageTransactionIndex: Sendable {
    package struct Entry: Sendable, Equatable {
        package var countedAt: Int64
        package var batchSeq: Int64

        /// A value with each stored property given.
        package init(countedAt: Int64, batchSeq: Int64) {
            self.countedAt = countedAt
            self.batchSeq = batchSeq
        }
    }

    /// The `transaction_id`s of one ingest request, hashed before the write: every request waits
    /// on the one writer, so what can be done beside it is done there.
    package struct Keys: Sendable {
        package let ids: [String]
        package let hashes: [UInt64]

        package init(_ ids: [String]) {
            self.ids = ids
            hashes = ids.map(TransactionIdTable.hash)
        }
    }

    private let table = Mutex(TransactionIdTable())

    /// An empty index.
    package init() {}

    /// The entries of those of `transactionIds` that were ever counted.
    package func entries(for transactionIds: some Sequence<String>) -> [String: Entry] {
        table.withLock { table in
            var found: [String: Entry] = [:]
            for id in transactionIds {
                if let entry = table[id] { found[id] = entry }
            }
            return found
        }
    }

    /// For each of `keys`, in order: its entry if it was ever counted, and whether the same ID
    /// came earlier in the list.
    package func lookUp(_ keys: Keys) -> [(entry: Entry?, repeatsEarlier: Bool)] {
        // Earlier IDs of the list, by their hash: finding repeats needs no hashing of its own.
        var size = 16
        while size < keys.ids.count * 2 { size *= 2 }
        var earlier = [Int](repeating: -1, count: size)
        return table.withLock { table in
            let firstSlots = table.firstSlotHashes(keys.hashes)
            return keys.ids.indices.map { index in
                let hash = keys.hashes[index]
                var id = keys.ids[index]
                let entry = id.withUTF8 { table.entry($0, hash: hash, firstSlotHash: firstSlots[index]) }
                let mask = earlier.count - 1
                var position = Int(truncatingIfNeeded: hash) & mask
                while earlier[position] >= 0 {
                    let other = earlier[position]
                    if keys.hashes[other] == hash, keys.ids[other] == id { return (entry, true) }
                    position = (position + 1) & mask
                }
                earlier[position] = index
                return (entry, false)
            }
        }
    }

    /// Records that the IDs of `keys` at `positions` were counted, as `entry` says.
    package func record(_ keys: Keys, at positions: [Int], as entry: Entry) {
        guard !positions.isEmpty else { return }
        table.withLock { table in
            for position in positions {
                var id = keys.ids[position]
                id.withUTF8 { table.set($0, hash: keys.hashes[position], to: entry) }
            }
        }
    }

    /// Puts `table` in place of everything the index held.
    package func replace(with table: TransactionIdTable) {
        self.table.withLock { $0 = table }
    }
}

/// A hash table from transaction IDs to index entries, built for millions of keys. A slot holds
/// a key's full hash and where its record lies, so growing never hashes a key again and a probe
/// reads a key only when the hashes are equal. The records (each key's bytes and the number of
/// its entry) fill fixed-size chunks that are never copied, and a batch's keys share one entry.
/// (A `Dictionary` keyed by `String` spent most of ingest's serial time hashing and comparing
/// keys as it grew.)
package struct TransactionIdTable: Sendable {
    /// A slot of the open-addressing table: 16 bytes, four to a cache line.
    private struct Slot {
        var hash: UInt64 = 0  // 0 marks an empty slot
        var location = 0  // chunk number << chunkShift | offset of the record in the chunk
    }

    /// A record is the key's length (4 bytes), its entry's number (4 bytes), then the key's bytes.
    private static let recordHeaderSize = 8
    private static let chunkShift = 32
    private static let chunkSize = 1 << 20

    /// One seed for the process, so that hashes made before a write stay good for any table.
    private static let seed = UInt64.random(in: 1...UInt64.max)

    private var slots = [Slot](repeating: Slot(), count: 1024)
    private var chunks: [[UInt8]] = []
    private var entries: [UsageTransactionIndex.Entry] = []
    package private(set) var count = 0

    /// An empty table.
    package init() {}

    package subscript(id: String) -> UsageTransactionIndex.Entry? {
        get {
            var id = id
            return id.withUTF8 { key in entry(key, hash: Self.hash(key)) }
        }
        set {
            guard let newValue else { return }
            var id = id
            id.withUTF8 { set($0, hash: Self.hash($0), to: newValue) }
        }
    }

    /// Sets the entry of the key spelled by the bytes `key`.
    package mutating func set(_ key: UnsafeBufferPointer<UInt8>, to entry: UsageTransactionIndex.Entry) {
        set(key, hash: Self.hash(key), to: entry)
    }

    /// Sets the entry of `key`, whose hash is `hash`.
    package mutating func set(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, to entry: UsageTransactionIndex.Entry) {
        if entries.last != entry { entries.append(entry) }
        let entryNumber = UInt32(entries.count - 1)
        let position = find(key, hash: hash)
        if slots[position].hash != 0 {
            let location = slots[position].location
            chunks[location >> Self.chunkShift].withUnsafeMutableBytes { chunk in
                chunk.storeBytes(of: entryNumber.littleEndian, toByteOffset: (location & Self.offsetMask) + 4, as: UInt32.self)
            }
            return
        }
        slots[position] = Slot(hash: hash, location: appendRecord(key, entryNumber: entryNumber))
        count += 1
        if count * 10 > slots.count * 7 { grow() }
    }

    /// The entry of `key`, whose hash is `hash`. `firstSlotHash`, when given, is what
    /// `firstSlotHashes` read for it since the table last changed.
    package func entry(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, firstSlotHash: UInt64? = nil) -> UsageTransactionIndex.Entry? {
        if firstSlotHash == 0 { return nil }
        let slot = slots[find(key, hash: hash)]
        guard slot.hash != 0 else { return nil }
        return chunks[slot.location >> Self.chunkShift].withUnsafeBytes { chunk in
            entries[Int(UInt32(littleEndian: chunk.loadUnaligned(fromByteOffset: (slot.location & Self.offsetMask) + 4, as: UInt32.self)))]
        }
    }

    /// The hash held by the first slot each of `hashes` probes. Reading them in one pass lets
    /// their cache misses overlap, where lookups one after another would wait for each in turn.
    package func firstSlotHashes(_ hashes: [UInt64]) -> [UInt64] {
        let mask = slots.count - 1
        return slots.withUnsafeBufferPointer { slots in
            hashes.map { slots[Int(truncatingIfNeeded: $0) & mask].hash }
        }
    }

    private static let offsetMask = (1 << chunkShift) - 1

    /// The slot holding `key`, or the empty slot where it would go.
    private func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int {
        slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var position = Int(truncatingIfNeeded: hash) & mask
            while true {
                let slot = slots[position]
                if slot.hash == 0 { return position }
                if slot.hash == hash, holds(key, at: slot.location) { return position }
                position = (position + 1) & mask
            }
        }
    }

    /// Whether the record at `location` is of `key`.
    private func holds(_ key: UnsafeBufferPointer<UInt8>, at location: Int) -> Bool {
        chunks[location >> Self.chunkShift].withUnsafeBytes { chunk in
            let offset = location & Self.offsetMask
            guard Int(UInt32(littleEndian: chunk.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) == key.count else {
                return false
            }
            return key.isEmpty || memcmp(chunk.baseAddress! + offset + Self.recordHeaderSize, key.baseAddress!, key.count) == 0
        }
    }

    /// Appends a record of `key` and returns its location.
    private mutating func appendRecord(_ key: UnsafeBufferPointer<UInt8>, entryNumber: UInt32) -> Int {
        let size = Self.recordHeaderSize + key.count
        if chunks.isEmpty || chunks[chunks.count - 1].count + size > chunks[chunks.count - 1].capacity {
            // A key longer than a chunk (possible only for IDs of long characters) gets one of its own.
            var chunk: [UInt8] = []
            chunk.reserveCapacity(max(Self.chunkSize, size))
            chunks.append(chunk)
        }
        let chunkNumber = chunks.count - 1
        let offset = chunks[chunkNumber].count
        withUnsafeBytes(of: UInt32(key.count).littleEndian) { chunks[chunkNumber].append(contentsOf: $0) }
        withUnsafeBytes(of: entryNumber.littleEndian) { chunks[chunkNumber].append(contentsOf: $0) }
        chunks[chunkNumber].append(contentsOf: key)
        return chunkNumber << Self.chunkShift | offset
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            for slot in old where slot.hash != 0 {
                var position = Int(truncatingIfNeeded: slot.hash) & mask
                while slots[position].hash != 0 { position = (position + 1) & mask }
                slots[position] = slot
            }
        }
    }

    package static func hash(_ id: String) -> UInt64 {
        var id = id
        return id.withUTF8(hash)
    }

    /// A seeded 64-bit hash of `key` (never 0), mixing 8 bytes at a time.
    package static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
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

    private static func mix(_ value: UInt64) -> UInt64 {
        var value = value &* 0x9E37_79B9_7F4A_7C15
        value ^= value >> 32
        value = value &* 0xD6E8_FEB8_6659_FD93
        return value ^ (value >> 32)
    }
}
