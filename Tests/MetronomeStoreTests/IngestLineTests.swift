import Dispatch
import GRDB
import MetronomeCodecs
@testable import MetronomeStore
import Synchronization
import Testing

/// In memory, batches wait in ingest's line rather than on the writer's queue: a request is
/// answered after the batch being stored, and background work after a turn of batches.
@Suite struct IngestLineTests {
    private let now = Timestamp(rfc3339: "2026-03-10T00:00:00Z")!

    private func event(_ transactionId: String) -> NewUsageEvent {
        NewUsageEvent(transactionId: transactionId, customerRef: "c1", eventType: "call",
                      timestamp: Timestamp(rfc3339: "2026-03-09T12:00:00Z")!, propertiesJSON: #"{"n":1}"#)
    }

    /// Holds the writer, lines up `batches` one-event batches, sends a read (in the background or
    /// not) and lets the writer go. Returns how many batches were stored before the read ran, and
    /// how many in all.
    private func batchesBeforeRead(batches: Int, background: Bool) async throws -> (before: Int, stored: Int) {
        let database = try AppDatabase.inMemory()
        let log = Mutex<[String]>([])
        let hold = DispatchSemaphore(value: 0)
        database.writer.database.asyncWriteWithoutTransaction { _ in hold.wait() }
        let finished = DispatchGroup()
        for batch in 0..<batches {
            finished.enter()
            database.ingest([event("t\(batch)")], now: now) { result in
                if case .success(1) = result { log.withLock { $0.append("batch") } }
                finished.leave()
            }
        }
        let read = Task {
            try await StoreWriter.$isBackground.withValue(background) {
                try await database.writer.read { _ in log.withLock { $0.append("read") } }
            }
        }
        while database.writer.line.waiting(background: background) == 0 {
            try await Task.sleep(for: .milliseconds(1))
        }
        // The read announces itself just before it takes its place on the writer's queue.
        try await Task.sleep(for: .milliseconds(50))
        hold.signal()
        try await read.value
        await withCheckedContinuation { continuation in finished.notify(queue: .global()) { continuation.resume() } }
        let order = log.withLock { $0 }
        return (order.firstIndex(of: "read") ?? -1, order.filter { $0 == "batch" }.count)
    }

    @Test func aReadWaitsForTheBatchBeingStoredNotTheWholeLine() async throws {
        let (before, stored) = try await batchesBeforeRead(batches: 100, background: false)
        #expect(stored == 100)
        // One batch, or a few more if the read took its place on the queue late; never the line.
        #expect((1..<IngestLine.turnBeforeBackground).contains(before))
    }

    @Test func backgroundWorkWaitsForATurnOfBatchesAndNoLonger() async throws {
        let (before, stored) = try await batchesBeforeRead(batches: 100, background: true)
        #expect(stored == 100)
        #expect((IngestLine.turnBeforeBackground..<100).contains(before))
    }
}
