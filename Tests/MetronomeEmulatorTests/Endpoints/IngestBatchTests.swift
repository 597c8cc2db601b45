import Foundation
@testable import MetronomeEmulator
import MetronomeCodecs
import NIOCore
import Testing

/// `/v1/ingest` bodies as the endpoint reads them.
@Suite struct IngestBatchTests {
    @Test func aBatchKeepsPropertiesAsSentAndNamesTheEventAtFault() throws {
        let now = Timestamp(rfc3339: "2026-03-15T12:00:00Z")!
        let events = try IngestBatch.parse(ByteBuffer(string: """
            [{"transaction_id": "t1", "customer_id": "c", "event_type": "api", "timestamp": "2026-03-15T00:00:00Z",
              "properties": {"n": 0.10, "x": {"y": [1]}}, "extra": [1, {"z": null}]}]
            """), now: now)
        #expect(events.count == 1)
        #expect(events[0].propertiesJSON == #"{"n": 0.10, "x": {"y": [1]}}"#)

        func message(_ body: String) -> String? {
            do { _ = try IngestBatch.parse(ByteBuffer(string: body), now: now); return nil } catch let error as APIError {
                return error.message
            } catch { return "\(error)" }
        }
        let good = #"{"transaction_id": "t", "customer_id": "c", "event_type": "e", "timestamp": "2026-03-15T00:00:00Z"}"#
        #expect(message("[\(good), {\"transaction_id\": 5}]") == "'usage[1].transaction_id' must be a string")
        #expect(message("[\(good), {\"transaction_id\": \"t\"}]") == "Missing required field 'usage[1].customer_id'")
        #expect(message("[]")?.contains("1 to 100") == true)
        #expect(message("{}") == "Request body must be a JSON array of usage events")
        #expect(message("[" + Array(repeating: good, count: 101).joined(separator: ",") + "]")?.contains("1 to 100") == true)
        #expect(message("[\(good)") != nil)
        #expect(message(#"[{"transaction_id": "t", "customer_id": "c\u0000d", "event_type": "e", "timestamp": "2026-03-15T00:00:00Z"}]"#)
            == #"'usage[0].customer_id' must not contain a NUL character (\u0000)"#)
        // Longer than 15 bytes, so not kept inline: its bytes are searched in place.
        #expect(message(#"[{"transaction_id": "a-transaction-id-past-sixteen-bytes\u0000", "customer_id": "c", "event_type": "e", "timestamp": "2026-03-15T00:00:00Z"}]"#)
            == #"'usage[0].transaction_id' must not contain a NUL character (\u0000)"#)
        #expect(message(#"[\#(good), {"transaction_id": "u", "customer_id": "c", "event_type": "an-event-type-\u0000-past-sixteen", "timestamp": "2026-03-15T00:00:00Z"}]"#)
            == #"'usage[1].event_type' must not contain a NUL character (\u0000)"#)
    }

    @Test func valuesRepeatedAcrossABatchStayEachEventsOwn() throws {
        let now = Timestamp(rfc3339: "2026-03-15T12:00:00Z")!
        let events = try IngestBatch.parse(ByteBuffer(string: #"""
            [{"transaction_id": "a", "customer_id": "c1", "event_type": "e", "timestamp": "2026-03-15T00:00:00Z"},
             {"transaction_id": "b", "customer_id": "c\u0031", "event_type": "e", "timestamp": "2026-03-15T00:00:00Z"},
             {"transaction_id": "c", "customer_id": "c2", "event_type": "ee", "timestamp": "2026-03-15T01:00:00Z"},
             {"transaction_id": "d", "customer_id": "c", "event_type": "e", "timestamp": "2026-03-15T00:00:00.000Z"}]
            """#), now: now)
        #expect(events.map(\.customerRef) == ["c1", "c1", "c2", "c"])
        #expect(events.map(\.eventType) == ["e", "e", "ee", "e"])
        #expect(events.map { $0.timestamp.millisecondsSinceEpoch - events[0].timestamp.millisecondsSinceEpoch } == [0, 0, 3_600_000, 0])
    }
}
