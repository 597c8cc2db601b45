import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct UsageEventStoreTests {
    private let now = Timestamp(rfc3339: "2026-03-10T00:00:00Z")!

    private func event(_ transactionId: String, ref: String = "c1", at time: String = "2026-03-09T12:00:00Z",
                       properties: String = #"{"n":1}"#) -> NewUsageEvent {
        NewUsageEvent(transactionId: transactionId, customerRef: ref, eventType: "call",
                      timestamp: Timestamp(rfc3339: time)!, propertiesJSON: properties)
    }

    private func days(_ count: Int64, from moment: Timestamp) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: moment.millisecondsSinceEpoch + count * Timestamp.millisecondsPerDay)
    }

    @Test func aBatchDecodesToWhatWasEncoded() throws {
        let events = [event("t1", properties: #"{"é":"ü","n":2.50}"#), event("t2", ref: "", properties: "{}")]
        let decoded = try UsageEventBatchCoding.decode(UsageEventBatchCoding.encode(events, duplicates: [false, true]))
        #expect(decoded.map(\.event.transactionId) == ["t1", "t2"])
        #expect(decoded.map(\.event.customerRef) == ["c1", ""])
        #expect(decoded.map(\.event.propertiesJSON) == [#"{"é":"ü","n":2.50}"#, "{}"])
        #expect(decoded.map(\.event.timestamp) == events.map(\.timestamp))
        #expect(decoded.map(\.isDuplicate) == [false, true])
        #expect(throws: UsageEventBatchCoding.CorruptBatch.self) {
            try UsageEventBatchCoding.decode(UsageEventBatchCoding.encode(events, duplicates: [false, false]).dropLast())
        }
    }

    @Test func aBatchYieldsTheIdsOfItsCountedEventsAlone() throws {
        let encoded = UsageEventBatchCoding.encode([event("t1"), event("t1"), event("é-2", ref: "")], duplicates: [false, true, false])
        var ids: [String] = []
        try encoded.withUnsafeBytes { raw in
            try UsageEventBatchCoding.forEachCountedTransactionId(in: raw) { ids.append(String(decoding: $0, as: UTF8.self)) }
        }
        #expect(ids == ["t1", "é-2"])
        #expect(throws: UsageEventBatchCoding.CorruptBatch.self) {
            try encoded.dropLast().withUnsafeBytes { raw in try UsageEventBatchCoding.forEachCountedTransactionId(in: raw) { _ in } }
        }
    }

    @Test func theTransactionIdTableFindsEveryKeyItHoldsAndNoOther() {
        var table = TransactionIdTable()
        // Enough keys to fill several chunks of records, and one longer than a chunk among them.
        var ids = (0..<50_000).map { "txn-\($0)-" + String(repeating: "x", count: $0 % 40) } + ["", "é", "😀"]
        ids.insert(String(repeating: "long", count: 400_000), at: 30_000)
        for (offset, id) in ids.enumerated() {
            table[id] = .init(countedAt: Int64(offset), batchSeq: 1)
        }
        table["txn-7-xxxxxxx"] = .init(countedAt: -1, batchSeq: 2)
        #expect(table.count == ids.count)
        #expect(ids.enumerated().allSatisfy { offset, id in
            table[id]?.countedAt == (id == "txn-7-xxxxxxx" ? -1 : Int64(offset))
        })
        #expect(table["txn-7-xxxxxx"] == nil && table["txn-50000-"] == nil && table["e"] == nil)
    }

    @Test func theIndexRecordsTheCountedPositionsOfABatchAlone() {
        let index = UsageTransactionIndex()
        let batch = UsageTransactionIndex.Keys(["a", "b", "a", "c"])
        let found = index.lookUp(batch)
        #expect(found.map { $0.entry == nil } == [true, true, true, true])
        #expect(found.map(\.repeatsEarlier) == [false, false, true, false])
        index.record(batch, at: [0, 3], as: .init(countedAt: 5, batchSeq: 1))
        index.record(UsageTransactionIndex.Keys(["c", "d"]), at: [0, 1], as: .init(countedAt: 6, batchSeq: 2))
        #expect(index.lookUp(UsageTransactionIndex.Keys(["c", "b", "a", "d"])).map(\.entry?.batchSeq) == [2, nil, 1, 2])
        #expect(index.entries(for: ["a", "b"]) == ["a": .init(countedAt: 5, batchSeq: 1)])
    }

    @Test func aRepeatedTransactionIdIsStoredButNotCounted() async throws {
        let database = try AppDatabase.inMemory()
        #expect(try await database.ingest([event("t1"), event("t1"), event("t2")], now: now) == 2)
        #expect(try await database.ingest([event("t2"), event("t3")], now: now) == 1)
        let counted = try await database.usageEvents(refs: ["c1"], startingAt: days(-1, from: now), endingBefore: now)
        #expect(counted.map(\.transactionId) == ["t1", "t2", "t3"])
        let searched = try await database.usageEvents(transactionIds: ["t1", "t2"])
        #expect(searched.map(\.0.event.transactionId) == ["t2", "t2", "t1", "t1"])
        #expect(searched.map(\.0.isDuplicate) == [true, false, true, false])
    }

    @Test func aTransactionIdCountsAgainAfterTheWindow() async throws {
        let database = try AppDatabase.inMemory()
        #expect(try await database.ingest([event("t1")], now: now) == 1)
        let later = days(35, from: now)
        #expect(try await database.ingest([event("t1", at: "2026-04-13T12:00:00Z")], now: later) == 1)
        #expect(try await database.ingest([event("t1", at: "2026-04-13T13:00:00Z")], now: later) == 0)
        #expect(try await database.usageEvents(transactionIds: ["t1"]).map(\.0.isDuplicate) == [true, false, false])
    }

    @Test func deduplicationSurvivesReopeningButNotReset() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("usage-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try await AppDatabase.file(atPath: path).ingest([event("t1")], now: now) == 1)
        let reopened = try AppDatabase.file(atPath: path)
        #expect(try await reopened.ingest([event("t1")], now: now) == 0)
        try await reopened.reset(to: .none, now: now)
        #expect(try await reopened.ingest([event("t1")], now: now) == 1)
    }

    @Test func aFailedIngestLeavesTheIndexAsItWas() async throws {
        let database = try AppDatabase.inMemory()
        try await database.writer.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON usage_event_batch BEGIN SELECT RAISE(ABORT, 'no'); END")
        }
        await #expect(throws: (any Error).self) { try await database.ingest([event("t1")], now: now) }
        try await database.writer.write { db in try db.execute(sql: "DROP TRIGGER refuse") }
        #expect(try await database.ingest([event("t1")], now: now) == 1)
    }

    /// Batches sent at once are stored one after another: each `transaction_id` counts once,
    /// whichever batch brought it first, and every batch is kept.
    @Test func batchesSentAtOnceCountEachTransactionIdOnce() async throws {
        let database = try AppDatabase.inMemory()
        // 40 batches of 10; batch k holds IDs 5k ..< 5k + 10, so neighbours share 5 IDs: 205 IDs in all.
        let counted = try await withThrowingTaskGroup(of: Int.self) { group in
            for batch in 0..<40 {
                group.addTask { try await database.ingest((0..<10).map { event("t\(batch * 5 + $0)") }, now: now) }
            }
            return try await group.reduce(0, +)
        }
        #expect(counted == 205)
        let events = try await database.usageEvents(refs: ["c1"], startingAt: days(-1, from: now), endingBefore: now)
        #expect(Set(events.map(\.transactionId)).count == 205 && events.count == 205)
        let batches = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM usage_event_batch") }
        #expect(batches == 40)
    }

    /// A batch that fails fails alone: the batches sent beside it are kept.
    @Test func aFailedBatchLeavesTheBatchesBesideItStored() async throws {
        let database = try AppDatabase.inMemory()
        try await database.writer.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse BEFORE INSERT ON usage_event_batch_ref WHEN NEW.customer_ref = 'bad'
                BEGIN SELECT RAISE(ABORT, 'no'); END
                """)
        }
        let results = await withTaskGroup(of: (Int, Int?).self) { group in
            for batch in 0..<12 {
                group.addTask {
                    let events = (0..<3).map { event("t\(batch)-\($0)", ref: batch == 5 ? "bad" : "c1") }
                    return (batch, try? await database.ingest(events, now: now))
                }
            }
            return await group.reduce(into: [Int: Int?]()) { $0[$1.0] = $1.1 }
        }
        #expect(results[5] == .some(nil))
        #expect((0..<12).filter { $0 != 5 }.allSatisfy { results[$0] == 3 })
        let events = try await database.usageEvents(refs: ["c1", "bad"], startingAt: days(-1, from: now), endingBefore: now)
        #expect(events.count == 33)
        // The failed batch's IDs were never counted.
        try await database.writer.write { db in try db.execute(sql: "DROP TRIGGER refuse") }
        #expect(try await database.ingest([event("t5-0", ref: "bad")], now: now) == 1)
    }

    /// A store written before events were kept per request keeps its events, duplicates and
    /// de-duplication.
    @Test func eventRowsOfAnOlderStoreMoveIntoBatches() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("v8-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let old = try DatabaseQueue(path: path)
        try AppDatabase.migrator.migrate(old, upTo: "v8 alerts")
        try await old.write { db in
            for (seq, transactionId, ingestedAt, isDuplicate) in [(1, "a", 1, 0), (2, "b", 1, 0), (3, "a", 2, 1), (4, "c", 3, 0)] {
                try db.execute(sql: """
                    INSERT INTO usage_event (seq, transaction_id, customer_ref, event_type, timestamp, properties, ingested_at, is_duplicate)
                    VALUES (?, ?, 'c1', 'call', ?, '{"n":1}', ?, ?)
                    """, arguments: [seq, transactionId, now.millisecondsSinceEpoch - 1000 * Int64(5 - seq),
                                     now.millisecondsSinceEpoch - Int64(4 - ingestedAt), isDuplicate])
            }
        }
        try old.close()
        let database = try AppDatabase.file(atPath: path)
        let counted = try await database.usageEvents(refs: ["c1"], startingAt: days(-1, from: now), endingBefore: now)
        #expect(counted.map(\.transactionId) == ["a", "b", "c"])
        #expect(try await database.usageEvents(transactionIds: ["a"]).map(\.0.isDuplicate) == [true, false])
        #expect(try await database.ingest([event("a"), event("c"), event("d")], now: now) == 1)
        let batches = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM usage_event_batch") }
        #expect(batches == 4)
    }
}
