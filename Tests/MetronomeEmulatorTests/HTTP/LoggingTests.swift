#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
@testable import MetronomeEmulator
import Testing

@Suite struct LoggingTests {
    @Test(arguments: [
        (Int64(0), "0.00"), (4, "0.00"), (5, "0.01"), (1_234, "1.23"), (1_235, "1.24"), (10_000, "10.00"),
        (999_995, "1000.00"), (60_000_000, "60000.00"),
    ])
    func durationsAreWrittenToTwoPlaces(micros: Int64, text: String) {
        #expect(APIEdgeMiddleware.milliseconds(microseconds: micros) == text)
    }

    /// Lines wait in memory until a flush (or a warning) and then arrive whole and in order.
    @Test func linesAreHeldUntilFlushedThenWrittenInOrder() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let output = LogOutput(fileDescriptor: ends[1])
        var logger = Logger(label: "test") { BufferedLogHandler(label: $0, output: output) }
        logger.logLevel = .info
        logger.info("first")
        logger.debug("not written")
        logger.info("second", metadata: ["k": "v"])
        #expect(fcntl(ends[0], F_SETFL, O_NONBLOCK) == 0)
        var buffer = [UInt8](repeating: 0, count: 4096)
        #expect(read(ends[0], &buffer, buffer.count) == -1, "nothing is written before a flush")
        logger.warning("third")  // a warning writes everything out at once
        close(ends[1])
        let count = read(ends[0], &buffer, buffer.count)
        let lines = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.map { $0.split(separator: " ", maxSplits: 1)[1] } == [
            "info test: [MetronomeEmulatorTests] first", "info test: k=v [MetronomeEmulatorTests] second",
            "warning test: [MetronomeEmulatorTests] third",
        ])
    }

    /// A pipe nobody reads holds 64 KiB: past that, writing must neither wait for a reader nor
    /// keep more than the limit, and what it dropped is counted where it was dropped.
    @Test func aPipeNobodyReadsNeitherStopsWritingNorFillsMemory() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let output = LogOutput(fileDescriptor: ends[1])
        let lineSize = Self.lineSize
        let sent = 2 * LogOutput.pendingLimit / lineSize
        let written = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            for number in 0..<sent {
                output.write(Self.line(number), urgent: number % 100 == 0)
            }
            written.signal()
        }
        let finished = written.wait(timeout: .now() + 30) == .success
        #expect(finished, "writing waited for a reader")
        #expect(fcntl(ends[0], F_SETFL, O_NONBLOCK) == 0)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while !finished, written.wait(timeout: .now() + .milliseconds(1)) == .timedOut {
            _ = read(ends[0], &buffer, buffer.count)  // lets a writer that waits finish, and the test fail
        }
        // Now read, letting the output write what is left, until it has nothing more.
        while true {
            output.flush()
            let count = read(ends[0], &buffer, buffer.count)
            guard count > 0 else { break }
            received += buffer.prefix(count)
        }
        output.write("last\n", urgent: true)
        close(ends[1])
        while case let count = read(ends[0], &buffer, buffer.count), count > 0 { received += buffer.prefix(count) }

        let lines = String(decoding: received, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let kept = lines.prefix { $0.hasPrefix("line ") }
        #expect(kept.enumerated().allSatisfy { $0.element == Self.line($0.offset).dropLast() }, "kept lines arrive whole and in order")
        // The limit, give or take one line, and what the pipe held before it filled.
        #expect(kept.count * lineSize >= LogOutput.pendingLimit)
        #expect(kept.count * lineSize <= LogOutput.pendingLimit + lineSize + 1 << 20)
        #expect(lines.count == kept.count + 2)
        let notice = lines.dropFirst(kept.count).first ?? ""
        #expect(notice.contains("warning") && notice.contains(" \(sent - kept.count) log lines dropped"))
        #expect(lines.last == "last")
    }

    /// A reader that went away leaves nowhere to write: lines are let go, and writing to the
    /// pipe (which would raise SIGPIPE and end the process) is not tried.
    @Test func aPipeWhoseReaderClosedIsNotWrittenTo() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let output = LogOutput(fileDescriptor: ends[1])
        for number in 0..<100 {
            output.write(Self.line(number), urgent: true)
        }
        output.flush(waitingUpTo: .seconds(1))
    }

    private static let lineSize = 1024

    /// Line `number`, `lineSize` bytes with its newline.
    private static func line(_ number: Int) -> String {
        let text = "line \(number) "
        return text + String(repeating: "x", count: lineSize - text.utf8.count - 1) + "\n"
    }
}
