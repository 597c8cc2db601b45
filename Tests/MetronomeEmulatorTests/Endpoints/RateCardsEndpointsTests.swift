import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct RateCardsEndpointsTests {
    private static let usdCents = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"

    private func post(_ client: some TestClientProtocol, _ path: String, _ json: String) async throws -> JSONAnswer {
        try await client.call(.post, "/v1/contract-pricing/rate-cards/\(path)", json: json)
    }

    @Test func createGetUpdateAndAliasHandOver() async throws {
        try await withEmulator { client async throws in
            let created = try await post(client, "create", #"{"name": "Card", "aliases": [{"name": "card"}]}"#)
            let id = try #require(created.data["id"] as? String)
            let card = try await post(client, "get", #"{"id": "\#(id)"}"#).data
            #expect((card["fiat_credit_type"] as? [String: Any])?["id"] as? String == Self.usdCents)
            #expect((card["aliases"] as? [[String: Any]])?.first?["name"] as? String == "card")

            // The alias names the card it was most recently assigned to: the first card keeps it until then.
            let fromNextYear = #"{"name": "Later", "aliases": [{"name": "card", "starting_at": "2027-01-01T00:00:00Z"}]}"#
            #expect(try await post(client, "create", fromNextYear).status == .ok)
            let cut = try await post(client, "get", #"{"id": "\#(id)"}"#).data["aliases"] as? [[String: Any]]
            #expect(cut?.count == 1)
            #expect(cut?.first?["ending_before"] as? String == "2027-01-01T00:00:00.000Z")
            #expect(try await post(client, "create", #"{"name": "X", "fiat_credit_type_id": "\#(UUID())"}"#).status == .notFound)
            #expect(try await post(client, "get", #"{"id": "\#(UUID())"}"#).status == .notFound)
            #expect(try await post(client, "archive", #"{"id": "\#(id)"}"#).status == .ok)
            #expect(try await post(client, "archive", #"{"id": "\#(id)"}"#).status == .badRequest)
        }
    }

    @Test func ratesSplitAndListInForce() async throws {
        try await withEmulator { client async throws in
            let metric = try await client.createCountMetric()
            let product = try await client.createProduct(#"{"name": "Calls", "type": "USAGE", "billable_metric_id": "\#(metric)"}"#)
            let card = try #require(try await post(client, "create", #"{"name": "Card"}"#).data["id"] as? String)
            let first = try await post(client, "addRate", """
                {"rate_card_id": "\(card)", "product_id": "\(product)", "entitled": true, "rate_type": "FLAT",
                 "price": 1.5, "starting_at": "2026-01-01T00:00:00Z"}
                """)
            #expect(first.status == .ok)
            #expect(first.data["price"] as? Double == 1.5)
            #expect((first.data["credit_type"] as? [String: Any])?["id"] as? String == Self.usdCents)
            #expect(try await post(client, "addRate", """
                {"rate_card_id": "\(card)", "product_id": "\(product)", "entitled": true, "rate_type": "TIERED",
                 "tiers": [{"size": 10, "price": 2}, {"price": 1}], "starting_at": "2026-03-01T00:00:00Z"}
                """).status == .ok)

            let january = try await post(client, "getRates", #"{"rate_card_id": "\#(card)", "at": "2026-02-01T00:00:00Z"}"#).items
            #expect(january.count == 1)
            #expect(january[0]["ending_before"] as? String == "2026-03-01T00:00:00.000Z")
            #expect(january[0]["product_name"] as? String == "Calls")
            let march = try await post(client, "getRates", #"{"rate_card_id": "\#(card)", "at": "2026-03-01T00:00:00Z"}"#).items
            #expect((march.first?["rate"] as? [String: Any])?["rate_type"] as? String == "TIERED")

            let schedule = try await post(client, "getRateSchedule", #"{"rate_card_id": "\#(card)", "starting_at": "2025-01-01T00:00:00Z"}"#)
            #expect(schedule.items.map { $0["starting_at"] as? String } == ["2026-01-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"])
        }
    }

    @Test func rejectedRatesChangeNothing() async throws {
        try await withEmulator { client async throws in
            let product = try await client.createProduct(#"{"name": "Fee", "type": "FIXED"}"#)
            let card = try #require(try await post(client, "create", #"{"name": "Card"}"#).data["id"] as? String)
            let good = #"{"product_id": "\#(product)", "entitled": true, "rate_type": "FLAT", "price": 1, "starting_at": "2026-01-01T00:00:00Z"}"#
            let bad = #"{"product_id": "\#(product)", "entitled": true, "rate_type": "FLAT", "starting_at": "2026-01-01T00:00:00Z"}"#
            let answer = try await post(client, "addRates", #"{"rate_card_id": "\#(card)", "rates": [\#(good), \#(bad)]}"#)
            #expect(answer.status == .badRequest)
            #expect(answer.message?.contains("rates[1]") == true)
            #expect(try await post(client, "getRates", #"{"rate_card_id": "\#(card)", "at": "2026-02-01T00:00:00Z"}"#).items.isEmpty)
            #expect(try await post(client, "addRates", #"{"rate_card_id": "\#(card)", "rates": [\#(good)]}"#).data["id"] as? String == card)
            #expect(try await post(client, "getRates", #"{"rate_card_id": "\#(card)"}"#).status == .badRequest)
            #expect(try await post(client, "getRates", #"{"rate_card_id": "\#(UUID())", "at": "2026-02-01T00:00:00Z"}"#).status == .notFound)
        }
    }

    @Test func productOrderSortsListings() async throws {
        try await withEmulator { client async throws in
            let a = try await client.createProduct(#"{"name": "A", "type": "FIXED"}"#)
            let b = try await client.createProduct(#"{"name": "B", "type": "FIXED"}"#)
            let card = try #require(try await post(client, "create", #"{"name": "Card"}"#).data["id"] as? String)
            for product in [a, b] {
                _ = try await post(client, "addRate", """
                    {"rate_card_id": "\(card)", "product_id": "\(product)", "entitled": true, "rate_type": "FLAT", "price": 1,
                     "starting_at": "2026-01-01T00:00:00Z"}
                    """)
            }
            func names() async throws -> [String?] {
                try await post(client, "getRates", #"{"rate_card_id": "\#(card)", "at": "2026-02-01T00:00:00Z"}"#)
                    .items.map { $0["product_name"] as? String }
            }
            #expect(try await names() == ["A", "B"])
            let order = #"{"rate_card_id": "\#(card)", "product_order": ["\#(b)", "\#(a)"]}"#
            #expect(try await post(client, "setRateCardProductsOrder", order).status == .ok)
            #expect(try await names() == ["B", "A"])
            let move = #"{"rate_card_id": "\#(card)", "product_moves": [{"product_id": "\#(a)", "position": 0}]}"#
            #expect(try await post(client, "moveRateCardProducts", move).status == .ok)
            #expect(try await names() == ["A", "B"])
            let stranger = try await client.createProduct(#"{"name": "C", "type": "FIXED"}"#)
            let strangerOrder = #"{"rate_card_id": "\#(card)", "product_order": ["\#(stranger)"]}"#
            #expect(try await post(client, "setRateCardProductsOrder", strangerOrder).status == .badRequest)
        }
    }

    @Test func namedSchedules() async throws {
        try await withEmulator { client async throws in
            let card = try #require(try await post(client, "create", #"{"name": "Card"}"#).data["id"] as? String)
            #expect(try await post(client, "updateNamedSchedule", """
                {"rate_card_id": "\(card)", "schedule_name": "discount", "starting_at": "2026-01-01T00:00:00Z", "value": {"pct": 5}}
                """).status == .ok)
            let segments = try await post(client, "getNamedSchedule", #"{"rate_card_id": "\#(card)", "schedule_name": "discount"}"#).items
            #expect(segments.count == 1)
            #expect((segments[0]["value"] as? [String: Any])?["pct"] as? Int == 5)
            #expect(try await post(client, "getNamedSchedule", #"{"rate_card_id": "\#(UUID())", "schedule_name": "discount"}"#).status == .notFound)
        }
    }

    @Test func theDemoCatalogIsLoaded() async throws {
        try await withEmulator { client async throws in
            let standard = "2d8b4e3a-7c3f-4e9a-b000-000000000001"
            #expect(try await post(client, "get", #"{"id": "\#(standard)"}"#).data["name"] as? String == "Standard")
            let rates = try await post(client, "getRates", #"{"rate_card_id": "\#(standard)", "at": "2026-01-01T00:00:00Z"}"#).items
            #expect(Set(rates.compactMap { ($0["rate"] as? [String: Any])?["rate_type"] as? String }) == ["FLAT", "TIERED", "SUBSCRIPTION"])
        }
    }
}
