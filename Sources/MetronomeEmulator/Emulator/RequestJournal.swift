import Foundation
import HTTPTypes
import Hummingbird
import MetronomeCodecs
import NIOCore
import Synchronization

/// One Metronome request as the emulator saw it, and what it answered, as it arrived (the
/// request head, the body bytes): everything the journal's JSON shows is made when it is read,
/// so recording a request costs no encoding.
struct JournalEntry: Sendable {
    /// Increasing in the order entries were recorded; set by the journal.
    var id: UInt64 = 0
    /// Method, path with query, and headers, as sent.
    var head: HTTPRequest
    /// The request body (the journal keeps its first `RequestJournal.bodyLimit` bytes).
    var requestBody: CapturedBody
    /// The status answered; nil when the connection was closed without an answer.
    var status: Int?
    /// The response body (the journal keeps its first `RequestJournal.bodyLimit` bytes).
    var responseBody: CapturedBody
    /// From the request's arrival to its answer.
    var duration: Duration
    /// Wall-clock time of arrival.
    var receivedAt: Timestamp
    /// The emulated clock at arrival.
    var emulatedAt: Timestamp
    /// The fault that applied to the request, as it stood then.
    var fault: FaultInjector.Installed?

    /// The path, without the query.
    var path: String { head.journalPath }
    /// The query string as sent, without the `?`; empty when there is none.
    var query: String { head.journalQuery }
}

/// A body: its bytes (the first of them, once read back from the journal) and its full size.
struct CapturedBody: Sendable {
    /// The bytes; from the journal, at most `RequestJournal.bodyLimit` of them.
    var bytes: ByteBuffer
    /// The size of the whole body, in bytes.
    var size: Int

    /// No body.
    static let empty = CapturedBody(ByteBuffer(), size: 0)

    /// `buffer`, of a body `size` bytes long (by default, all of it).
    init(_ buffer: ByteBuffer, size: Int? = nil) {
        bytes = buffer
        self.size = size ?? buffer.readableBytes
    }
}

/// The last `capacity` Metronome requests, in a ring. Everything of a request that lives on the
/// heap (its target, headers and bodies) is copied into one queue of bytes whose chunks are
/// reused as requests come and go, so that keeping ten thousand requests holds no buffers or
/// header storage of theirs, and the allocator does no more work per request than without a
/// journal. Recording takes the lock for that copy (a head and 64 KiB a body at most) and an
/// append; an entry replaced is freed outside it.
final class RequestJournal: Sendable {
    /// Bodies are kept up to this many bytes.
    static let bodyLimit = 64 * 1024

    /// How many entries are kept.
    let capacity: Int
    private let state: Mutex<State>

    /// An entry, with where its target, headers and bodies are in the byte ring.
    private struct Slot {
        var id: UInt64
        var method: HTTPRequest.Method
        /// The target (path and query), a newline, then `name:value` and a newline per header (the
        /// authority first, as `host`).
        var head: (offset: UInt64, count: Int)
        /// The length of the target at the start of `head`.
        var targetCount: Int
        var requestBody: (offset: UInt64, count: Int)
        var requestSize: Int
        var status: Int?
        var responseBody: (offset: UInt64, count: Int)
        var responseSize: Int
        var duration: Duration
        var receivedAt: Timestamp
        var emulatedAt: Timestamp
        var fault: FaultInjector.Installed?
    }

    private struct State: ~Copyable {
        var slots: [Slot] = []
        /// Where the next slot goes once the ring is full: the oldest slot.
        var oldest = 0
        var lastId: UInt64 = 0
        var bytes: ByteQueue
    }

    /// A journal of `capacity` entries (at least 1), their bytes in chunks of `chunkSize`.
    init(capacity: Int, chunkSize: Int = 1 << 20) {
        precondition(capacity > 0, "a journal keeps at least one entry")
        self.capacity = capacity
        self.state = Mutex(State(bytes: ByteQueue(chunkSize: chunkSize)))
    }

    /// Records `entry`, giving it the next ID.
    func record(_ entry: JournalEntry) {
        let evicted: Slot? = state.withLock { state in
            state.lastId += 1
            let full = state.slots.count == capacity
            if full {
                // The oldest entry goes, and with it the bytes before the next one's.
                let next = (state.oldest + 1) % capacity
                state.bytes.drop(before: next == state.oldest ? state.bytes.end : state.slots[next].head.offset)
            }
            let target = entry.head.path ?? ""
            let headStart = state.bytes.end
            state.bytes.append(target)
            state.bytes.append(byte: UInt8(ascii: "\n"))
            // HTTP/1's Host header arrives as the request's authority.
            if let authority = entry.head.authority {
                state.bytes.append("host:")
                state.bytes.append(authority)
                state.bytes.append(byte: UInt8(ascii: "\n"))
            }
            for field in entry.head.headerFields {
                state.bytes.append(field.name.canonicalName)
                state.bytes.append(byte: UInt8(ascii: ":"))
                state.bytes.append(field.value)
                state.bytes.append(byte: UInt8(ascii: "\n"))
            }
            let slot = Slot(
                id: state.lastId, method: entry.head.method,
                head: (headStart, Int(state.bytes.end - headStart)), targetCount: target.utf8.count,
                requestBody: state.bytes.append(entry.requestBody.bytes, upTo: Self.bodyLimit),
                requestSize: entry.requestBody.size, status: entry.status,
                responseBody: state.bytes.append(entry.responseBody.bytes, upTo: Self.bodyLimit),
                responseSize: entry.responseBody.size, duration: entry.duration, receivedAt: entry.receivedAt,
                emulatedAt: entry.emulatedAt, fault: entry.fault
            )
            guard full else {
                state.slots.append(slot)
                return nil
            }
            defer { state.oldest = (state.oldest + 1) % capacity }
            return exchange(&state.slots[state.oldest], with: slot)
        }
        _ = evicted
    }

    /// Empties the journal; IDs keep increasing. Answers how many entries there were.
    @discardableResult
    func removeAll() -> Int {
        let removed = state.withLock { state in
            state.oldest = 0
            state.bytes = ByteQueue(chunkSize: state.bytes.chunkSize)
            return exchange(&state.slots, with: [])
        }
        return removed.count
    }

    /// Up to `limit` entries that pass `filter`, newest first, older than the entry `before` when
    /// given; and whether more follow.
    func entries(filter: JournalFilter, before: UInt64?, limit: Int) -> (entries: [JournalEntry], more: Bool) {
        state.withLock { state in
            var found: [JournalEntry] = []
            let count = state.slots.count
            // Newest first: the slot before `oldest`, walking back around the ring.
            for step in 0..<count {
                let slot = state.slots[(state.oldest + count - 1 - step) % count]
                if let before, slot.id >= before { continue }
                let admitted = filter.admits(method: slot.method, status: slot.status, receivedAt: slot.receivedAt) {
                    String(buffer: state.bytes.bytes(at: slot.head.offset, count: slot.targetCount))
                }
                guard admitted else { continue }
                if found.count == limit { return (found, true) }
                found.append(Self.entry(slot, from: state.bytes))
            }
            return (found, false)
        }
    }

    /// The entry `slot` holds, its head and bodies read back from `bytes`.
    private static func entry(_ slot: Slot, from bytes: borrowing ByteQueue) -> JournalEntry {
        let head = String(buffer: bytes.bytes(at: slot.head.offset, count: slot.head.count))
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let target = lines.popFirst().map(String.init) ?? ""
        var fields = HTTPFields()
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else { continue }
            fields.append(HTTPField(name: name, value: String(line[line.index(after: colon)...])))
        }
        return JournalEntry(
            id: slot.id,
            head: HTTPRequest(method: slot.method, scheme: nil, authority: nil, path: target, headerFields: fields),
            requestBody: CapturedBody(bytes.bytes(at: slot.requestBody.offset, count: slot.requestBody.count), size: slot.requestSize),
            status: slot.status,
            responseBody: CapturedBody(bytes.bytes(at: slot.responseBody.offset, count: slot.responseBody.count), size: slot.responseSize),
            duration: slot.duration, receivedAt: slot.receivedAt, emulatedAt: slot.emulatedAt, fault: slot.fault
        )
    }
}

/// Bytes appended at the end and dropped from the start, in fixed-size chunks: a chunk is taken
/// when the end reaches it and given back when the start passes it, and the last two given back
/// are kept for reuse, so bytes are copied once, on the way in, and steady traffic allocates
/// nothing. Positions are counted from the first byte ever appended.
struct ByteQueue: ~Copyable {
    /// The size of a chunk; chunk `n` holds positions `n * chunkSize ..< (n + 1) * chunkSize`.
    let chunkSize: Int
    /// The chunks from the one holding `start` to the one holding `end`, in order.
    private var chunks: [UnsafeMutableRawBufferPointer] = []
    /// The number of `chunks[0]`.
    private var firstChunk: UInt64 = 0
    /// Chunks given back, for reuse.
    private var spares: [UnsafeMutableRawBufferPointer] = []
    /// The position of the first byte kept.
    private(set) var start: UInt64 = 0
    /// The position after the last byte kept.
    private(set) var end: UInt64 = 0

    /// An empty queue of `chunkSize`-byte chunks.
    init(chunkSize: Int = 1 << 20) {
        precondition(chunkSize > 0)
        self.chunkSize = chunkSize
    }

    deinit {
        for chunk in chunks + spares { chunk.deallocate() }
    }

    /// Bytes kept.
    var count: Int { Int(end - start) }
    /// Chunks allocated, in use or kept for reuse.
    var chunksAllocated: Int { chunks.count + spares.count }

    /// Appends the first `limit` bytes of `buffer`; answers where they are.
    mutating func append(_ buffer: ByteBuffer, upTo limit: Int) -> (offset: UInt64, count: Int) {
        let count = min(buffer.readableBytes, limit)
        let offset = end
        buffer.withUnsafeReadableBytes { append(UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
        return (offset, count)
    }

    /// Appends the UTF-8 bytes of `text`.
    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends one byte.
    mutating func append(byte: UInt8) {
        withUnsafeBytes(of: byte) { append($0) }
    }

    /// Appends `bytes`.
    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var done = 0
        while done < bytes.count {
            let index = Int(end / UInt64(chunkSize) - firstChunk)
            if index == chunks.count {
                chunks.append(spares.popLast() ?? .allocate(byteCount: chunkSize, alignment: 16))
            }
            let within = Int(end % UInt64(chunkSize))
            let run = min(bytes.count - done, chunkSize - within)
            chunks[index].baseAddress!.advanced(by: within)
                .copyMemory(from: bytes.baseAddress!.advanced(by: done), byteCount: run)
            done += run
            end += UInt64(run)
        }
    }

    /// Forgets the bytes before `position`, giving back the chunks that holds no more.
    mutating func drop(before position: UInt64) {
        start = min(max(start, position), end)
        while !chunks.isEmpty, (firstChunk + 1) * UInt64(chunkSize) <= start, chunks.count > 1 || start == end {
            let chunk = chunks.removeFirst()
            firstChunk += 1
            if spares.count < 2 { spares.append(chunk) } else { chunk.deallocate() }
        }
        if chunks.isEmpty { firstChunk = end / UInt64(chunkSize) }
    }

    /// A copy of the `count` bytes at `position`.
    func bytes(at position: UInt64, count: Int) -> ByteBuffer {
        guard count > 0 else { return ByteBuffer() }
        precondition(position >= start && position + UInt64(count) <= end, "bytes no longer kept")
        var buffer = ByteBuffer()
        buffer.reserveCapacity(count)
        var position = position
        var left = count
        while left > 0 {
            let chunk = chunks[Int(position / UInt64(chunkSize) - firstChunk)]
            let within = Int(position % UInt64(chunkSize))
            let run = min(left, chunkSize - within)
            buffer.writeBytes(UnsafeRawBufferPointer(start: chunk.baseAddress!.advanced(by: within), count: run))
            position += UInt64(run)
            left -= run
        }
        return buffer
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

    /// Whether an entry with these passes; `path` is read only when a path is asked for.
    func admits(method: HTTPRequest.Method, status: Int?, receivedAt: Timestamp, path: () -> String) -> Bool {
        if let wanted = self.method, wanted != method.rawValue { return false }
        if let wanted = self.status, status != wanted { return false }
        if let since, receivedAt < since { return false }
        if let pattern = self.path, !pattern.matches(Self.pathOnly(path())) { return false }
        return true
    }

    /// `target` without its query.
    private static func pathOnly(_ target: String) -> String {
        target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
    }
}

extension HTTPRequest {
    /// The path, without the query.
    var journalPath: String {
        let target = path ?? ""
        return target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
    }

    /// The query string as sent, without the `?`; empty when there is none.
    var journalQuery: String {
        let target = path ?? ""
        return target.firstIndex(of: "?").map { String(target[target.index(after: $0)...]) } ?? ""
    }
}

/// Puts `value` in `slot` and answers what was there.
private func exchange<T>(_ slot: inout T, with value: T) -> T {
    let old = slot
    slot = value
    return old
}
