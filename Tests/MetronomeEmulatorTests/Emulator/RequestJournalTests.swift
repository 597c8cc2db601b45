import Foundation
import HTTPTypes
import Hummingbird
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore
import Testing

/// An entry for `method` `target` answered with `status` (nil: reset), received at `second`.
private func entry(_ method: HTTPRequest.Method = .get, _ target: String = "/v1/customers", status: Int? = 200, second: Int64 = 0) -> JournalEntry {
    JournalEntry(
        head: HTTPRequest(method: method, scheme: nil, authority: nil, path: target),
        requestBody: .empty, status: status, responseBody: .empty, duration: .milliseconds(1),
        receivedAt: Timestamp(millisecondsSinceEpoch: second * 1000), emulatedAt: Timestamp(millisecondsSinceEpoch: 0)
    )
}

@Suite struct RequestJournalTests {
    @Test func theRingKeepsTheNewestEntriesNewestFirst() {
        let journal = RequestJournal(capacity: 3)
        for second in 1...5 { journal.record(entry(second: Int64(second))) }
        let (kept, more) = journal.entries(filter: JournalFilter(), before: nil, limit: 10)
        #expect(kept.map(\.id) == [5, 4, 3])
        #expect(!more)
        #expect(journal.removeAll() == 3)
        #expect(journal.entries(filter: JournalFilter(), before: nil, limit: 10).entries.isEmpty)
        journal.record(entry())
        #expect(journal.entries(filter: JournalFilter(), before: nil, limit: 10).entries.map(\.id) == [6])
    }

    @Test func pagesFollowOneAnother() {
        let journal = RequestJournal(capacity: 10)
        for _ in 1...7 { journal.record(entry()) }
        let first = journal.entries(filter: JournalFilter(), before: nil, limit: 3)
        #expect(first.entries.map(\.id) == [7, 6, 5] && first.more)
        let second = journal.entries(filter: JournalFilter(), before: 5, limit: 3)
        #expect(second.entries.map(\.id) == [4, 3, 2] && second.more)
        let last = journal.entries(filter: JournalFilter(), before: 2, limit: 3)
        #expect(last.entries.map(\.id) == [1] && !last.more)
    }

    @Test func filtersCombine() {
        let journal = RequestJournal(capacity: 10)
        journal.record(entry(.post, "/v1/customers", status: 429, second: 1))
        journal.record(entry(.post, "/v1/customers", status: 200, second: 2))
        journal.record(entry(.get, "/v1/customers/abc?x=1", status: 200, second: 3))
        journal.record(entry(.post, "/v1/ingest", status: nil, second: 4))
        func ids(_ filter: JournalFilter) -> [UInt64] {
            journal.entries(filter: filter, before: nil, limit: 10).entries.map(\.id)
        }
        #expect(ids(JournalFilter(method: "POST")) == [4, 2, 1])
        #expect(ids(JournalFilter(path: PathPattern("/v1/customers"))) == [2, 1])
        #expect(ids(JournalFilter(path: PathPattern("/v1/customers*"))) == [3, 2, 1])
        #expect(ids(JournalFilter(status: 200)) == [3, 2])
        #expect(ids(JournalFilter(since: Timestamp(millisecondsSinceEpoch: 2000))) == [4, 3, 2])
        #expect(ids(JournalFilter(method: "POST", status: 429)) == [1])
    }

    @Test func pathAndQueryAreSplitAsSent() {
        let kept = entry(.get, "/v1/customers?limit=2&ingest_alias=a%20b")
        #expect(kept.path == "/v1/customers")
        #expect(kept.query == "limit=2&ingest_alias=a%20b")
        #expect(entry().query == "")
    }

    @Test func headsAreReadBackAsTheyWereSent() {
        let journal = RequestJournal(capacity: 1)
        var sent = entry(.patch, "/v1/customers/abc?x=1&y=a:b")
        sent.head.authority = "127.0.0.1:4010"
        sent.head.headerFields = [.authorization: "Bearer t0k:en", HTTPField.Name("X-Empty")!: ""]
        sent.head.headerFields.append(HTTPField(name: HTTPField.Name("x-empty")!, value: "again"))
        journal.record(sent)
        let kept = journal.entries(filter: JournalFilter(), before: nil, limit: 1).entries[0]
        #expect(kept.head.method == .patch)
        #expect(kept.path == "/v1/customers/abc" && kept.query == "x=1&y=a:b")
        #expect(kept.head.headerFields.map { "\($0.name.canonicalName)=\($0.value)" } == [
            "host=127.0.0.1:4010", "authorization=Bearer t0k:en", "x-empty=", "x-empty=again",
        ])
    }

    @Test func bodiesAreKeptUpTo64KiBWithTheirFullSize() {
        let journal = RequestJournal(capacity: 2)
        var big = entry(.post)
        big.requestBody = CapturedBody(ByteBuffer(repeating: UInt8(ascii: "x"), count: 100_000))
        big.responseBody = CapturedBody(ByteBuffer(string: #"{"data":{}}"#))
        journal.record(big)
        let kept = journal.entries(filter: JournalFilter(), before: nil, limit: 1).entries[0]
        #expect(kept.requestBody.bytes.readableBytes == 65_536)
        #expect(kept.requestBody.size == 100_000)
        #expect(kept.requestBody.bytes.readableBytesView.allSatisfy { $0 == UInt8(ascii: "x") })
        #expect(String(buffer: kept.responseBody.bytes) == #"{"data":{}}"#)
    }

    @Test func bodiesSurviveEvictionAcrossChunks() {
        let journal = RequestJournal(capacity: 3, chunkSize: 4096)
        // Bodies of every size, so that entries start, end and span chunks anywhere.
        let sizes = [10, 40_000, 65_536, 3, 0, 50_000, 7, 60_000, 1, 2, 5, 9, 11]
        for (index, size) in sizes.enumerated() {
            var recorded = entry(.post, "/v1/ingest?n=\(index)")
            recorded.requestBody = CapturedBody(ByteBuffer(repeating: UInt8(index), count: size))
            recorded.responseBody = CapturedBody(ByteBuffer(string: "answer \(index)"))
            journal.record(recorded)
            let kept = journal.entries(filter: JournalFilter(), before: nil, limit: 3).entries
            for found in kept {
                let n = Int(found.id) - 1
                #expect(found.query == "n=\(n)")
                #expect(found.requestBody.bytes.readableBytes == sizes[n])
                #expect(found.requestBody.bytes.readableBytesView.allSatisfy { $0 == UInt8(n) })
                #expect(String(buffer: found.responseBody.bytes) == "answer \(n)")
            }
        }
    }

    @Test func theByteQueueReusesItsChunks() {
        var queue = ByteQueue(chunkSize: 16)
        let first = queue.append(ByteBuffer(string: "0123456789abcdefghij"), upTo: .max)  // two chunks
        queue.append("klmnopqrstuv")  // a third
        #expect(queue.count == 32 && queue.chunksAllocated == 2)
        queue.append(byte: UInt8(ascii: "!"))
        #expect(queue.chunksAllocated == 3)
        #expect(String(buffer: queue.bytes(at: first.offset + 10, count: 23)) == "abcdefghijklmnopqrstuv!")
        queue.drop(before: 20)
        #expect(queue.count == 13 && queue.chunksAllocated == 3)  // chunk 0 kept for reuse
        queue.append(ByteBuffer(string: String(repeating: "x", count: 40)), upTo: 35)
        #expect(queue.count == 48 && queue.chunksAllocated == 4)
        queue.drop(before: queue.end)
        #expect(queue.count == 0 && queue.chunksAllocated == 3)  // two spares, and the chunk the end is in
        let after = queue.append(ByteBuffer(string: "after"), upTo: .max)
        #expect(String(buffer: queue.bytes(at: after.offset, count: 5)) == "after")
        #expect(queue.append(ByteBuffer(), upTo: .max).count == 0)
    }

    @Test func bodiesShowAsTextOrBase64() throws {
        func shown(_ bytes: [UInt8], size: Int? = nil) throws -> String {
            let body = CapturedBody(ByteBuffer(bytes: bytes), size: size)
            return String(decoding: try StreamingJSONEncoder.encode(BodyWire(body)), as: UTF8.self)
        }
        #expect(try shown(Array(#"{"a":"é"}"#.utf8)) == #""{\"a\":\"é\"}""#)
        #expect(try shown([0xFF, 0x00, 0x41]) == #"{"base64":"/wBB"}"#)
        // A body cut inside "é" (0xC3 0xA9) loses the half character, not its text.
        #expect(try shown([0x41, 0xC3], size: 70_000) == #""A""#)
        #expect(try shown([]) == #""""#)
    }

    @Test func headersAreLowerCasedJoinedAndTheTokenMasked() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: .authorization, value: "Bearer s3cret"))
        fields.append(HTTPField(name: HTTPField.Name("X-Tag")!, value: "a"))
        fields.append(HTTPField(name: HTTPField.Name("x-tag")!, value: "b"))
        let json = String(decoding: try StreamingJSONEncoder.encode(HeadersWire(fields)), as: UTF8.self)
        #expect(json == #"{"authorization":"Bearer ***","x-tag":"a, b"}"#)
        #expect(HeadersWire.masked("s3cret") == "***")
        #expect(HeadersWire.masked("Basic dXNlcjpwYXNz") == "Basic ***")
    }
}
