import Foundation
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct NamedSchedulesEndpointsTests {
    @Test func updatesOverlayAndCoveringDatePicksOne() async throws {
        try await withEmulator { client async throws in
            let id = try await client.createCustomer()
            func update(_ start: String, _ end: String?, _ value: String) async throws -> JSONAnswer {
                let ending = end.map { #", "ending_before": "\#($0)""# } ?? ""
                return try await client.call(.post, "/v1/customers/updateNamedSchedule", json: """
                    {"customer_id": "\(id)", "schedule_name": "rate", "starting_at": "\(start)"\(ending), "value": \(value)}
                    """)
            }
            #expect(try await update("2026-01-01T00:00:00Z", nil, #"{"tier": "A"}"#).status == .ok)
            #expect(try await update("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2").status == .ok)
            #expect(try await update("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z", "3").status == .badRequest)

            let all = try await client.call(.post, "/v1/customers/getNamedSchedule", json: #"{"customer_id": "\#(id)", "schedule_name": "rate"}"#)
            #expect(all.items.map { $0["starting_at"] as? String } == [
                "2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z",
            ])
            #expect(all.items[1]["value"] as? Int == 2)
            #expect(all.items[2]["ending_before"] is NSNull)

            let one = try await client.call(.post, "/v1/customers/getNamedSchedule", json: """
                {"customer_id": "\(id)", "schedule_name": "rate", "covering_date": "2026-02-15T00:00:00Z"}
                """)
            #expect(one.items.count == 1)
            let none = try await client.call(.post, "/v1/customers/getNamedSchedule", json: #"{"customer_id": "\#(id)", "schedule_name": "other"}"#)
            #expect(none.status == .ok && none.items.isEmpty)
            let unknown = try await client.call(.post, "/v1/customers/getNamedSchedule", json: #"{"customer_id": "\#(UUID())", "schedule_name": "rate"}"#)
            #expect(unknown.status == .notFound)
        }
    }
}
