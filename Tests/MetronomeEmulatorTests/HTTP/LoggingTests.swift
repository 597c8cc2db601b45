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
}
