import Foundation
import HTTPTypes
import Hummingbird
import MetronomeCodecs
import NIOCore
import Synchronization

/// One Metronome request as the emulator saw it, and what it answered. Kept as it arrived (the
/// request head, the body bytes): everything the journal's JSON shows is made when it is read,
/// so recording a request costs no encoding.
struct JournalEntry: Sendable {
    /// Increasing in the order entries were recorded; set by the journal.
    var id: UInt64 = 0
    /// Method, path with query, and headers, as sent.
    var head: HTTPRequest
    /// The request body, at most `RequestJournal.bodyLimit` bytes of it.
    var requestBody: CapturedBody
    /// The status answered; nil when the connection was closed without an answer.
    var status: Int?
    /// The response body, at most `RequestJournal.bodyLimit` bytes of it.
    var responseBody: CapturedBody
    /// From the request's arrival to its answer.
    var duration: Duration
    /// Wall-clock time of arrival.
    var receivedAt: Timestamp
    /// The emulated clock at arrival.
    var emulatedAt: Timestamp
    /// The fault that applied to the request, as it stood then.
    var fault: FaultInjector.Installed?
}

/// A body as kept in the journal: its first bytes, and its full size.
struct CapturedBody: Sendable {
    /// The first `RequestJournal.bodyLimit` bytes at most.
    var bytes: ByteBuffer
    /// The size of the whole body, in bytes.
    var size: Int

    /// No body.
    static let empty = CapturedBody(bytes: ByteBuffer(), size: 0)

    /// `buffer`, shared rather than copied when it is the whole body in storage at most about
    /// twice its size (NIO sizes storage in powers of two, so that is every buffer the emulator or
    /// a collected request body made); otherwise its first bytes are copied out, so that a small
    /// body never keeps a large read buffer alive, nor a large body its whole storage.
    init(_ buffer: ByteBuffer, size: Int? = nil) {
        let kept = min(buffer.readableBytes, RequestJournal.bodyLimit)
        if kept == buffer.readableBytes, buffer.storageCapacity <= 2 * kept + 1024 {
            bytes = buffer
        } else {
            var copy = ByteBuffer()
            copy.reserveCapacity(kept)
            copy.writeImmutableBuffer(buffer.getSlice(at: buffer.readerIndex, length: kept) ?? ByteBuffer())
            bytes = copy
        }
        self.size = size ?? buffer.readableBytes
    }

    private init(bytes: ByteBuffer, size: Int) {
        self.bytes = bytes
        self.size = size
    }
}

/// The last `capacity` Metronome requests, in a ring: recording one takes the lock for an
/// append (and hands the entry it replaces back, to be freed outside the lock).
final class RequestJournal: Sendable {
    /// Bodies are kept up to this many bytes.
    static let bodyLimit = 64 * 1024

    /// How many entries are kept.
    let capacity: Int
    private let ring: Mutex<Ring>

    private struct Ring {
        var entries: [JournalEntry] = []
        /// Where the next entry goes once the ring is full: the oldest entry.
        var oldest = 0
        var lastId: UInt64 = 0
    }

    /// A journal of `capacity` entries (at least 1).
    init(capacity: Int) {
        precondition(capacity > 0, "a journal keeps at least one entry")
        self.capacity = capacity
        self.ring = Mutex(Ring())
    }

    /// Records `entry`, giving it the next ID.
    func record(_ entry: JournalEntry) {
        var entry = entry
        let evicted: JournalEntry? = ring.withLock { ring in
            ring.lastId += 1
            entry.id = ring.lastId
            if ring.entries.count < capacity {
                ring.entries.append(entry)
                return nil
            }
            defer { ring.oldest = (ring.oldest + 1) % capacity }
            return exchange(&ring.entries[ring.oldest], with: entry)
        }
        _ = evicted
    }

    /// Empties the journal; IDs keep increasing. Answers how many entries there were.
    @discardableResult
    func removeAll() -> Int {
        let removed = ring.withLock { ring in
            defer { ring.oldest = 0 }
            return exchange(&ring.entries, with: [])
        }
        return removed.count
    }

    /// Up to `limit` entries that pass `filter`, newest first, older than the entry `before` when
    /// given; and whether more follow.
    func entries(filter: JournalFilter, before: UInt64?, limit: Int) -> (entries: [JournalEntry], more: Bool) {
        ring.withLock { ring in
            var found: [JournalEntry] = []
            let count = ring.entries.count
            // Newest first: the entry before `oldest`, walking back around the ring.
            for step in 0..<count {
                let entry = ring.entries[(ring.oldest + count - 1 - step) % count]
                if let before, entry.id >= before { continue }
                guard filter.admits(entry) else { continue }
                if found.count == limit { return (found, true) }
                found.append(entry)
            }
            return (found, false)
        }
    }
}

/// Which entries `GET /_emulator/requests` shows; nil fields admit any.
struct JournalFilter: Sendable {
    /// The method, upper-cased.
    var method: String?
    /// The path (without the query), exact or with `*` wildcards.
    var path: PathPattern?
    /// The status answered; entries without an answer never match.
    var status: Int?
    /// Entries received at or after this wall-clock time.
    var since: Timestamp?

    /// Whether `entry` passes.
    func admits(_ entry: JournalEntry) -> Bool {
        if let method, entry.head.method.rawValue != method { return false }
        if let status, entry.status != status { return false }
        if let since, entry.receivedAt < since { return false }
        if let path, !path.matches(entry.path) { return false }
        return true
    }
}

extension JournalEntry {
    /// The path, without the query.
    var path: String {
        let target = head.path ?? ""
        return target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
    }

    /// The query string as sent, without the `?`; empty when there is none.
    var query: String {
        let target = head.path ?? ""
        return target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? ""
    }
}

/// Puts `value` in `slot` and answers what was there.
private func exchange<T>(_ slot: inout T, with value: T) -> T {
    let old = slot
    slot = value
    return old
}
