#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import ServiceLifecycle
import Synchronization

/// A file descriptor written in batches: lines gather in memory and are written out every
/// 50 ms by `LogFlushService`, when 64 KiB have gathered, on a warning or worse, and at exit.
/// One request's log line then costs a copy, not a system call under a lock.
///
/// Writing never waits for the descriptor: a pipe nobody reads (a test harness that captures
/// standard error and never reads it) would otherwise stop every request that logs. What the
/// descriptor does not take stays gathered; past `pendingLimit` bytes, lines are counted and
/// dropped, and a line saying how many takes their place once there is room again.
public final class LogOutput: Sendable {
    /// Standard error, where the emulator logs.
    public static let standardError = LogOutput(fileDescriptor: 2)

    private struct Gathered {
        var bytes: [UInt8] = []
        /// Lines dropped since the last kept, for want of room.
        var dropped = 0
    }

    private let fileDescriptor: Int32
    /// Whether a write to the descriptor can wait on a reader (a pipe or a socket), so that it is
    /// written a pipe buffer at a time, and only when it says it has room.
    private let mayWaitOnReader: Bool
    private let gathered = Mutex<Gathered>(Gathered())
    /// Held while writing, so that batches reach the file in the order they were taken; holds the
    /// bytes taken that the descriptor has not taken yet.
    private let writing = Mutex<[UInt8]>([])
    /// The bytes `writing` holds, read without taking it.
    private let unwritten = Atomic<Int>(0)
    /// Past this many bytes gathered, the line that crosses it writes them out.
    static let flushThreshold = 64 * 1024
    /// Past this many bytes waiting for the descriptor, lines are dropped.
    static let pendingLimit = 4 * 1024 * 1024

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        var status = stat()
        let kind = fstat(fileDescriptor, &status) == 0 ? status.st_mode & S_IFMT : 0
        mayWaitOnReader = kind == S_IFIFO || kind == S_IFSOCK
    }

    /// Adds `line` (with its newline); writes everything out now when `urgent` or past the threshold.
    func write(_ line: String, urgent: Bool) {
        let waiting = unwritten.load(ordering: .relaxed)
        let full = gathered.withLock { gathered in
            guard waiting + gathered.bytes.count < Self.pendingLimit else {
                gathered.dropped += 1
                return false
            }
            if gathered.dropped > 0 {
                gathered.bytes.append(contentsOf: Self.droppedNotice(gathered.dropped).utf8)
                gathered.dropped = 0
            }
            gathered.bytes.append(contentsOf: line.utf8)
            return gathered.bytes.count >= Self.flushThreshold
        }
        if full || urgent { flush() }
    }

    /// Writes out what the descriptor takes of the lines gathered, waiting up to `patience` for
    /// room (none by default; at exit, a little).
    public func flush(waitingUpTo patience: Duration = .zero) {
        writing.withLock { unwritten in
            let taken = gathered.withLock { gathered -> [UInt8] in
                defer { gathered.bytes.removeAll(keepingCapacity: true) }
                return gathered.bytes
            }
            unwritten.append(contentsOf: taken)
            let deadline = ContinuousClock.now + patience
            let written = unwritten.withUnsafeBytes { writeWithoutWaiting($0, until: deadline) }
            unwritten.removeFirst(written)
            self.unwritten.store(unwritten.count, ordering: .relaxed)
        }
    }

    /// Writes what the descriptor takes of `bytes` before `deadline`; answers how many it took.
    private func writeWithoutWaiting(_ bytes: UnsafeRawBufferPointer, until deadline: ContinuousClock.Instant) -> Int {
        var offset = 0
        while offset < bytes.count {
            var count = bytes.count - offset
            if mayWaitOnReader {
                let left = max(.zero, deadline - ContinuousClock.now)
                let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
                var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&descriptor, 1, milliseconds)
                if ready < 0 && errno == EINTR { continue }
                if ready > 0 && descriptor.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                    return bytes.count  // no reader any more: the lines are lost, the emulator goes on
                }
                guard ready > 0, descriptor.revents & Int16(POLLOUT) != 0 else { break }  // no room yet
                // A pipe with room takes this much without waiting.
                count = min(count, Int(PIPE_BUF))
            }
            let written = systemWrite(fileDescriptor, bytes.baseAddress! + offset, count)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                break  // a descriptor its owner made non-blocking, and full
            } else {
                return bytes.count  // nowhere to write: the lines are lost, the emulator goes on
            }
        }
        return offset
    }

    private static func droppedNotice(_ count: Int) -> String {
        "\(BufferedLogHandler.timestamp()) warning metronome-emulator: [log] \(count) log line\(count == 1 ? "" : "s") dropped: "
            + "the log output took nothing while \(pendingLimit / 1024 / 1024) MiB waited for it\n"
    }
}

/// The C library's `write(2)`, which `LogOutput.write` would otherwise shadow.
private func systemWrite(_ fileDescriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fileDescriptor, bytes, count)
}

/// swift-log's stream format (`<time> <level> <label>: [<source>] <message>`, with metadata),
/// written through a `LogOutput`.
public struct BufferedLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: LogOutput

    /// A handler for `label` writing to `output`.
    public init(label: String, output: LogOutput = .standardError) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadataProvider?.get() ?? [:]
        all.merge(metadata) { _, new in new }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        let pretty = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        output.write(
            "\(Self.timestamp()) \(event.level) \(label):\(pretty) [\(event.source)] \(event.message)\n",
            urgent: event.level >= .warning
        )
    }

    /// The local time to the second, as swift-log's stream handler writes it.
    fileprivate static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        guard localtime_r(&now, &parts) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Writes out the gathered log lines every 50 ms, and once more at shutdown.
struct LogFlushService: Service {
    let output: LogOutput

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                output.flush()
            }
        }
        output.flush(waitingUpTo: .seconds(1))
    }
}
