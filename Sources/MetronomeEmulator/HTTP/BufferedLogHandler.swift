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
public final class LogOutput: Sendable {
    /// Standard error, where the emulator logs.
    public static let standardError = LogOutput(fileDescriptor: 2)

    private let fileDescriptor: Int32
    private let pending = Mutex<[UInt8]>([])
    /// Held while writing, so that batches reach the file in the order they were taken.
    private let writing = Mutex<Void>(())
    /// Past this many bytes gathered, the line that crosses it writes them out.
    static let flushThreshold = 64 * 1024

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Adds `line` (with its newline); writes everything out now when `urgent` or past the threshold.
    func write(_ line: String, urgent: Bool) {
        let full = pending.withLock { pending in
            pending.append(contentsOf: line.utf8)
            return pending.count >= Self.flushThreshold
        }
        if full || urgent { flush() }
    }

    /// Writes out every line gathered.
    public func flush() {
        writing.withLock { _ in
            let bytes = pending.withLock { pending -> [UInt8] in
                defer { pending.removeAll(keepingCapacity: true) }
                return pending
            }
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = systemWrite(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        return  // nowhere to write: the lines are lost, the emulator goes on
                    }
                }
            }
        }
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
    private static func timestamp() -> String {
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
        output.flush()
    }
}
