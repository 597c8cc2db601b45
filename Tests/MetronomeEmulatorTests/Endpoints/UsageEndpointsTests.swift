import Foundation
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct UsageEndpointsTests {
    private let ingestOne = #"[{"transaction_id": "t1", "customer_id": "late-alias", "event_type": "api", "timestamp": "2026-03-15T10:00:00Z", "properties": {"n": 2}}]"#

    private func usage(_ client: some Any, metric: String) -> String {
        #"{"starting_on": "2026-03-15T00:00:00Z", "ending_before": "2026-03-16T00:00:00Z", "window_size": "NONE", "billable_metrics": [{"id": "\#(metric)"}]}"#
    }

    @Test func aLateAliasClaimsEarlierUsageAndRepeatsCountOnce() async throws {
        try await withEmulator { client async throws in
            _ = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-03-15T12:00:00Z"}"#)
            let metric = try await client.call(.post, "/v1/billable-metrics/create", json: #"{"name": "n", "aggregation_type": "sum", "aggregation_key": "n", "property_filters": [{"name": "n", "exists": true}]}"#)
            let metricId = try #require(metric.data["id"] as? String)
            #expect(try await client.call(.post, "/v1/ingest", json: ingestOne).status == .ok)
            #expect(try await client.call(.post, "/v1/ingest", json: ingestOne).status == .ok)
            let customer = try await client.createCustomer(aliases: ["late-alias"])

            let rows = try await client.call(.post, "/v1/usage", json: usage(client, metric: metricId)).items
            #expect(rows.count == 1)
            #expect(rows.first?["customer_id"] as? String == customer)
            #expect(rows.first?["value"] as? Int == 2)

            let found = try await client.call(.post, "/v1/events/search", json: #"{"transactionIds": ["t1"]}"#)
            let flags = (found.body as? [[String: Any]] ?? []).compactMap { $0["is_duplicate"] as? Bool }
            #expect(flags.sorted { !$0 && $1 } == [false, true])
        }
    }

    @Test func aBadEventRejectsTheWholeBatch() async throws {
        try await withEmulator { client async throws in
            _ = try await client.call(.post, "/_emulator/clock", json: #"{"now": "2026-03-15T12:00:00Z"}"#)
            let batch = """
                [{"transaction_id": "ok", "customer_id": "c", "event_type": "api", "timestamp": "2026-03-15T10:00:00Z"},
                 {"transaction_id": "future", "customer_id": "c", "event_type": "api", "timestamp": "2026-03-16T12:00:01Z"}]
                """
            let answer = try await client.call(.post, "/v1/ingest", json: batch)
            #expect(answer.status == .badRequest)
            #expect(answer.message?.contains("usage[1].timestamp") == true)
            let found = try await client.call(.post, "/v1/events/search", json: #"{"transactionIds": ["ok"]}"#)
            #expect((found.body as? [Any])?.isEmpty == true)
            for body in ["[]", "{}", #"[{"transaction_id": "x"}]"#] {
                #expect(try await client.call(.post, "/v1/ingest", json: body).status == .badRequest, "\(body)")
            }
        }
    }

    @Test func metricValidation() async throws {
        try await withEmulator { client async throws in
            let before = try await client.call(.get, "/v1/billable-metrics").items.count
            for body in [
                #"{"name": "x"}"#,
                #"{"name": "x", "aggregation_type": "COUNT", "aggregation_key": "n"}"#,
                #"{"name": "x", "aggregation_type": "SUM"}"#,
                #"{"name": "x", "aggregation_type": "SUM", "aggregation_key": "n"}"#,
                #"{"name": "x", "sql": "select 1", "aggregation_type": "COUNT"}"#,
                #"{"name": "x", "aggregation_type": "AVG"}"#,
            ] {
                #expect(try await client.call(.post, "/v1/billable-metrics/create", json: body).status == .badRequest, "\(body)")
            }
            #expect(try await client.call(.get, "/v1/billable-metrics").items.count == before)
        }
    }
}
