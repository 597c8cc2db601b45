import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import NIOCore
import Testing

/// The invoices of a customer on the fixture plan "Growth": 1¢ per API call (`api_call` events
/// with an `endpoint`) plus a 5000¢ platform fee a month, billed in arrears by calendar month and
/// final one day after the period ends. Every expected amount is that arithmetic.
@Suite struct InvoicesEndpointsTests {
    private static let growth = "3e9c5f4b-8d4a-4fab-c000-000000000001"
    private static let apiCallsCharge = "3e9c5f4b-8d4a-4fab-c000-0000000000c1"
    private static let platformFeeCharge = "3e9c5f4b-8d4a-4fab-c000-0000000000c2"
    private static let usdCents = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"
    private static let fee: Decimal = 5000
    private static let centsPerCall: Decimal = 1

    @Test func theDraftBillsEachCallOnceAtOneCentPlusTheFee() async throws {
        try await withEmulator { client in
            let (customer, _) = try await Self.customerOnGrowth(client)
            let drafts = try await client.call(.get, "/v1/customers/\(customer)/invoices")
            #expect(drafts.status == .ok)
            #expect(drafts.items.count == 1)
            let draft = try #require(drafts.items.first)
            #expect(draft["status"] as? String == "DRAFT" && draft["type"] as? String == "PLAN_ARREARS")
            #expect(draft["plan_id"] as? String == Self.growth && draft["plan_name"] as? String == "Growth")
            #expect(draft["start_timestamp"] as? String == "2026-01-01T00:00:00.000Z")
            #expect(draft["end_timestamp"] as? String == "2026-02-01T00:00:00.000Z")
            #expect((draft["credit_type"] as? [String: Any])?["id"] as? String == Self.usdCents)
            #expect(Self.decimal(draft["total"]) == Self.fee)
            let id = try #require(draft["id"] as? String)
            let unused = try await client.call(.get, "/v1/customers/\(customer)/invoices/\(id)?skip_zero_qty_line_items=true")
            #expect(Self.lineNames(unused.data) == ["Platform fee"])

            let events = Self.apiCalls(customer, count: 40, hour: "2026-01-03T10")
            #expect(try await client.call(.post, "/v1/ingest", json: events).status == .ok)
            // The same transaction IDs again: Metronome counts an event once.
            #expect(try await client.call(.post, "/v1/ingest", json: events).status == .ok)

            let billed = try await client.call(.get, "/v1/customers/\(customer)/invoices/\(id)").data
            #expect(Self.decimal(billed["total"]) == Self.fee + 40 * Self.centsPerCall)
            #expect(Self.decimal(billed["subtotal"]) == Self.fee + 40 * Self.centsPerCall)
            let calls = try #require(Self.line("API calls", of: billed))
            #expect(Self.decimal(calls["total"]) == 40 * Self.centsPerCall && Self.decimal(calls["quantity"]) == 40)
            let sub = try #require((calls["sub_line_items"] as? [[String: Any]])?.first)
            #expect(sub["charge_id"] as? String == Self.apiCallsCharge)
            #expect(Self.decimal(sub["price"]) == Self.centsPerCall && Self.decimal(sub["subtotal"]) == 40 * Self.centsPerCall)
            #expect(Self.decimal(Self.line("Platform fee", of: billed)?["total"]) == Self.fee)
            #expect(Self.lineNames(billed) == ["API calls", "Platform fee"])
        }
    }

    @Test func periodsFinalizeAfterTheirGraceDayAndListsFilterSortAndPage() async throws {
        try await withEmulator { client in
            let (customer, _) = try await Self.customerOnGrowth(client)
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 12, hour: "2026-01-14T09"))
            try await Self.freeze(client, "2026-02-01T23:59:00Z")
            let inGrace = try await client.call(.get, "/v1/customers/\(customer)/invoices").items
            #expect(inGrace.map { $0["status"] as? String } == ["DRAFT", "DRAFT"])
            // Late usage within January's grace day still lands on January.
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 3, hour: "2026-01-31T22"))

            try await Self.freeze(client, "2026-05-10T00:00:00Z")
            let all = try await client.call(.get, "/v1/customers/\(customer)/invoices").items
            #expect(all.map { $0["status"] as? String } == ["FINALIZED", "FINALIZED", "FINALIZED", "FINALIZED", "DRAFT"])
            #expect(all.map { ($0["start_timestamp"] as? String)?.prefix(7) } == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"])
            #expect(all.first?["issued_at"] as? String == "2026-02-02T00:00:00.000Z")
            #expect(all.map { Self.decimal($0["total"]) } == [Self.fee + 15 * Self.centsPerCall, Self.fee, Self.fee, Self.fee, Self.fee])
            let ids = all.compactMap { $0["id"] as? String }

            let newestFirst = try await client.call(.get, "/v1/customers/\(customer)/invoices?sort=date_desc").items
            #expect(newestFirst.compactMap { $0["id"] as? String } == ids.reversed())
            let final = try await client.call(.get, "/v1/customers/\(customer)/invoices?status=FINALIZED").items
            #expect(final.compactMap { $0["id"] as? String } == Array(ids.prefix(4)))
            let window = try await client.call(
                .get, "/v1/customers/\(customer)/invoices?starting_on=2026-02-01T00:00:00Z&ending_before=2026-04-01T00:00:00Z"
            ).items
            #expect(window.compactMap { $0["id"] as? String } == Array(ids[1...2]))

            let first = try await client.call(.get, "/v1/customers/\(customer)/invoices?limit=2")
            #expect(first.items.compactMap { $0["id"] as? String } == Array(ids[0...1]))
            let token = try #require(first.object["next_page"] as? String)
            let second = try await client.call(.get, "/v1/customers/\(customer)/invoices?limit=2&next_page=\(token)")
            #expect(second.items.compactMap { $0["id"] as? String } == Array(ids[2...3]))
        }
    }

    @Test func voidAndRegenerate() async throws {
        try await withEmulator { client in
            let (customer, _) = try await Self.customerOnGrowth(client)
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 4, hour: "2026-01-02T08"))
            try await Self.freeze(client, "2026-02-10T00:00:00Z")
            let listed = try await client.call(.get, "/v1/customers/\(customer)/invoices").items
            let january = try #require(listed.first?["id"] as? String), february = try #require(listed.last?["id"] as? String)

            let voided = try await client.call(.post, "/v1/invoices/void", json: #"{"id": "\#(january)"}"#)
            #expect(voided.status == .ok && voided.data["id"] as? String == january)
            let void = try await client.call(.get, "/v1/customers/\(customer)/invoices/\(january)").data
            #expect(void["status"] as? String == "VOID" && Self.decimal(void["total"]) == Self.fee + 4 * Self.centsPerCall)
            let again = try await client.call(.post, "/v1/invoices/void", json: #"{"id": "\#(january)"}"#)
            #expect(again.status == .badRequest && again.message != nil)

            // Only a voided invoice is regenerated: a new ID, rated afresh, finalized as its period is over.
            let draft = try await client.call(.post, "/v1/invoices/regenerate", json: #"{"id": "\#(february)"}"#)
            #expect(draft.status == .badRequest && draft.message != nil)
            let regenerated = try await client.call(.post, "/v1/invoices/regenerate", json: #"{"id": "\#(january)"}"#)
            let newId = try #require(regenerated.data["id"] as? String)
            #expect(newId != january)
            let fresh = try await client.call(.get, "/v1/customers/\(customer)/invoices/\(newId)").data
            #expect(fresh["status"] as? String == "FINALIZED" && fresh["regenerated_from_invoice_id"] as? String == january)
            #expect(Self.decimal(fresh["total"]) == Self.fee + 4 * Self.centsPerCall)
            let twice = try await client.call(.post, "/v1/invoices/regenerate", json: #"{"id": "\#(january)"}"#)
            #expect(twice.status == .badRequest && twice.message != nil)
            let drafts = try await client.call(.get, "/v1/customers/\(customer)/invoices?status=draft").items
            #expect(drafts.compactMap { $0["id"] as? String } == [february])

            for path in ["/v1/invoices/void", "/v1/invoices/regenerate"] {
                let unknown = try await client.call(.post, path, json: #"{"id": "\#(UUID().uuidString.lowercased())"}"#)
                #expect(unknown.status == .notFound && unknown.message != nil, "\(path)")
                let missing = try await client.call(.post, path, json: "{}")
                #expect(missing.status == .badRequest && missing.message == "Missing required field 'id'", "\(path)")
                let notAnId = try await client.call(.post, path, json: #"{"id": "nope"}"#)
                #expect(notAnId.status == .badRequest && notAnId.message != nil, "\(path)")
                let malformed = try await client.call(.post, path, json: #"{"id": "#)
                #expect(malformed.status == .badRequest && malformed.message == "Request body is not valid JSON", "\(path)")
            }
        }
    }

    @Test func breakdownsAndCostsAddUpToTheInvoice() async throws {
        try await withEmulator { client in
            let (customer, _) = try await Self.customerOnGrowth(client)
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 6, hour: "2026-01-02T10"))
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 9, hour: "2026-01-09T23"))
            try await Self.freeze(client, "2026-02-20T00:00:00Z")
            let january = try #require(try await client.call(.get, "/v1/customers/\(customer)/invoices").items.first)
            let januaryTotal = Self.fee + 15 * Self.centsPerCall
            #expect(Self.decimal(january["total"]) == januaryTotal)

            let range = "starting_on=2026-01-01T00:00:00Z&ending_before=2026-02-01T00:00:00Z"
            let daysPage = try await client.call(.get, "/v1/customers/\(customer)/invoices/breakdowns?\(range)&window_size=DAY")
            #expect(daysPage.status == .ok)
            let days = daysPage.items.filter { $0["id"] as? String == january["id"] as? String }
            #expect(days.count == 31)
            #expect(days.first?["breakdown_start_timestamp"] as? String == "2026-01-01T00:00:00.000Z")
            #expect(days.last?["breakdown_end_timestamp"] as? String == "2026-02-01T00:00:00.000Z")
            #expect(days.reduce(Decimal(0)) { $0 + (Self.decimal($1["total"]) ?? 0) } == januaryTotal)
            // The fee falls in the first window; each day's calls in their own.
            #expect(days.prefix(3).map { Self.decimal($0["total"]) } == [Self.fee, 6 * Self.centsPerCall, 0])
            #expect(Self.decimal(days[8]["total"]) == 9 * Self.centsPerCall)

            let hours = try await client.call(
                .get, "/v1/customers/\(customer)/invoices/breakdowns?starting_on=2026-01-09T00:00:00Z&ending_before=2026-01-11T00:00:00Z&window_size=HOUR"
            )
            #expect(hours.items.count == 24)
            #expect(hours.items.map { Self.decimal($0["total"]) ?? -1 } == Array(repeating: 0, count: 23) + [9 * Self.centsPerCall])
            let nextHours = try #require(hours.object["next_page"] as? String)
            let later = try await client.call(
                .get, "/v1/customers/\(customer)/invoices/breakdowns?starting_on=2026-01-09T00:00:00Z&ending_before=2026-01-11T00:00:00Z&window_size=HOUR&next_page=\(nextHours)"
            )
            #expect(later.items.count == 24 && later.items.allSatisfy { Self.decimal($0["total"]) == 0 })

            let costs = try await client.call(.get, "/v1/customers/\(customer)/costs?\(range)").items
            #expect(costs.count == 31)
            let dayCosts = costs.map { (($0["credit_types"] as? [String: Any])?[Self.usdCents] as? [String: Any]) ?? [:] }
            #expect(dayCosts.reduce(Decimal(0)) { $0 + (Self.decimal($1["cost"]) ?? 0) } == januaryTotal)
            #expect(costs[1]["start_timestamp"] as? String == "2026-01-02T00:00:00.000Z")
            let secondDayLines = (dayCosts[1]["line_item_breakdown"] as? [[String: Any]]) ?? []
            #expect(Self.decimal(secondDayLines.first { $0["name"] as? String == "API calls" }?["cost"]) == 6 * Self.centsPerCall)

            let reversed = try await client.call(.get, "/v1/customers/\(customer)/costs?starting_on=2026-02-01T00:00:00Z&ending_before=2026-01-01T00:00:00Z")
            #expect(reversed.status == .badRequest && reversed.message != nil)
            let tooMany = try await client.call(.get, "/v1/customers/\(customer)/invoices/breakdowns?\(range)&limit=36")
            #expect(tooMany.status == .badRequest && tooMany.message != nil)
            let noStart = try await client.call(.get, "/v1/customers/\(customer)/invoices/breakdowns?ending_before=2026-02-01T00:00:00Z")
            #expect(noStart.status == .badRequest && noStart.message == "Missing required query parameter 'starting_on'")
            let none = try await client.call(.get, "/v1/customers/\(customer)/invoices/breakdowns?\(range)&window_size=NONE")
            #expect(none.status == .badRequest && none.message == "'window_size' must be one of: HOUR, DAY")
            let noEnd = try await client.call(.get, "/v1/customers/\(customer)/costs?starting_on=2026-01-01T00:00:00Z")
            #expect(noEnd.status == .badRequest && noEnd.message == "Missing required query parameter 'ending_before'")
        }
    }

    @Test func thePDFShowsTheCustomerLinesAndTotal() async throws {
        try await withEmulator { client in
            let (customer, _) = try await Self.customerOnGrowth(client, name: "Invoiced Co")
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 3, hour: "2026-01-02T08"))
            let id = try #require(try await client.call(.get, "/v1/customers/\(customer)/invoices").items.first?["id"] as? String)
            let response = try await client.execute(
                uri: "/v1/customers/\(customer)/invoices/\(id)/pdf", method: .get, headers: [.authorization: "Bearer test-token"]
            )
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/pdf")
            let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
            #expect(text.hasPrefix("%PDF-"))
            #expect(text.contains(id) && text.contains("Invoiced Co") && text.contains("API calls"))
            #expect(text.contains("Total: \(Self.fee + 3 * Self.centsPerCall)"))
            let unknown = try await client.call(.get, "/v1/customers/\(customer)/invoices/\(UUID().uuidString.lowercased())/pdf")
            #expect(unknown.status == .notFound && unknown.message != nil)
        }
    }

    @Test func addChargePutsAOneTimeChargeOnTheDraftOfItsPeriod() async throws {
        try await withEmulator { client in
            let (customer, customerPlan) = try await Self.customerOnGrowth(client)
            let charge = { (fields: String) in
                try await client.call(.post, "/v1/customers/\(customer)/addCharge", json: """
                    {"customer_plan_id": "\(customerPlan)", "description": "Setup help", \(fields)}
                    """)
            }
            let added = try await charge(#""charge_id": "\#(Self.platformFeeCharge)", "invoice_start_timestamp": "2026-01-01T00:00:00Z", "price": 250, "quantity": 3"#)
            #expect(added.status == .ok)
            #expect((added.body as? [String: Any])?.isEmpty == true)
            let draft = try #require(try await client.call(.get, "/v1/customers/\(customer)/invoices").items.first)
            #expect(Self.decimal(draft["total"]) == Self.fee + 250 * 3)
            let fee = try #require(Self.line("Platform fee", of: draft))
            #expect(Self.decimal(fee["total"]) == Self.fee + 250 * 3)
            #expect((fee["sub_line_items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Platform fee", "Setup help"])

            let noDraft = try await charge(#""charge_id": "\#(Self.platformFeeCharge)", "invoice_start_timestamp": "2026-02-01T00:00:00Z", "price": 1, "quantity": 1"#)
            #expect(noDraft.status == .badRequest && noDraft.message != nil)
            let usageProduct = try await charge(#""charge_id": "\#(Self.apiCallsCharge)", "invoice_start_timestamp": "2026-01-01T00:00:00Z", "price": 1, "quantity": 1"#)
            #expect(usageProduct.status == .badRequest && usageProduct.message != nil)
            let unknownCharge = try await charge(#""charge_id": "\#(UUID().uuidString.lowercased())", "invoice_start_timestamp": "2026-01-01T00:00:00Z", "price": 1, "quantity": 1"#)
            #expect(unknownCharge.status == .notFound && unknownCharge.message != nil)
            let noPrice = try await charge(#""charge_id": "\#(Self.platformFeeCharge)", "invoice_start_timestamp": "2026-01-01T00:00:00Z", "quantity": 1"#)
            #expect(noPrice.status == .badRequest && noPrice.message == "Missing required field 'price'")
            let textPrice = try await charge(#""charge_id": "\#(Self.platformFeeCharge)", "invoice_start_timestamp": "2026-01-01T00:00:00Z", "price": "lots", "quantity": 1"#)
            #expect(textPrice.status == .badRequest && textPrice.message == "Field 'price' must be a number")
            let otherPlan = try await client.call(.post, "/v1/customers/\(customer)/addCharge", json: """
                {"customer_plan_id": "\(UUID().uuidString.lowercased())", "description": "x", "charge_id": "\(Self.platformFeeCharge)",
                 "invoice_start_timestamp": "2026-01-01T00:00:00Z", "price": 1, "quantity": 1}
                """)
            #expect(otherPlan.status == .notFound)
            // None of the refused charges changed the draft.
            let after = try await client.call(.get, "/v1/customers/\(customer)/invoices").items.first
            #expect(Self.decimal(after?["total"]) == Self.fee + 250 * 3)
        }
    }

    @Test func previewEventsReplaceOrMergeAndStoreNothing() async throws {
        try await withEmulator { client in
            let (customer, _) = try await Self.customerOnGrowth(client)
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 10, hour: "2026-01-03T10", prefix: "real"))
            let three = Array(repeating: #"{"event_type": "api_call", "timestamp": "2026-01-14T00:00:00Z", "properties": {"endpoint": "/a"}}"#, count: 3)
                .joined(separator: ",")
            let replaced = try await client.call(.post, "/v1/customers/\(customer)/previewEvents", json: #"{"events": [\#(three)]}"#)
            #expect(replaced.status == .ok)
            #expect((replaced.object["data"] as? [[String: Any]])?.map { Self.decimal($0["total"]) } == [Self.fee + 3 * Self.centsPerCall])
            let merged = try await client.call(.post, "/v1/customers/\(customer)/previewEvents", json: #"{"events": [\#(three)], "mode": "merge"}"#)
            #expect((merged.object["data"] as? [[String: Any]])?.map { Self.decimal($0["total"]) } == [Self.fee + 13 * Self.centsPerCall])
            // A transaction ID already ingested is not counted twice.
            let repeated = try await client.call(.post, "/v1/customers/\(customer)/previewEvents", json: """
                {"mode": "merge", "events": [{"event_type": "api_call", "transaction_id": "real-0", "timestamp": "2026-01-14T00:00:00Z",
                                              "properties": {"endpoint": "/a"}}]}
                """)
            #expect((repeated.object["data"] as? [[String: Any]])?.map { Self.decimal($0["total"]) } == [Self.fee + 10 * Self.centsPerCall])
            let stored = try await client.call(.get, "/v1/customers/\(customer)/invoices").items
            #expect(stored.map { Self.decimal($0["total"]) } == [Self.fee + 10 * Self.centsPerCall])

            let preview = "/v1/customers/\(customer)/previewEvents"
            let emptyMerge = try await client.call(.post, preview, json: #"{"events": [], "mode": "merge"}"#)
            #expect(emptyMerge.status == .badRequest && emptyMerge.message != nil)
            let twice = try await client.call(.post, preview, json: #"{"events": [{"event_type": "api_call", "transaction_id": "x"}, {"event_type": "api_call", "transaction_id": "x"}]}"#)
            #expect(twice.status == .badRequest && twice.message?.contains("events[1].transaction_id") == true)
            let sideways = try await client.call(.post, preview, json: #"{"events": [{"event_type": "api_call"}], "mode": "sideways"}"#)
            #expect(sideways.status == .badRequest && sideways.message != nil)
            let noEvents = try await client.call(.post, preview, json: #"{"mode": "merge"}"#)
            #expect(noEvents.status == .badRequest && noEvents.message == "Missing required field 'events'")
            let stranger = try await client.call(
                .post, "/v1/customers/\(UUID().uuidString.lowercased())/previewEvents", json: #"{"events": [{"event_type": "api_call"}]}"#
            )
            #expect(stranger.status == .notFound && stranger.message != nil)
        }
    }

    @Test func unknownIDsAre404AndBadParametersAre400() async throws {
        try await withEmulator { client in
            let (customer, _) = try await Self.customerOnGrowth(client)
            let other = try await client.createCustomer(name: "Other")
            let draft = try #require(try await client.call(.get, "/v1/customers/\(customer)/invoices").items.first?["id"] as? String)
            let unknown = UUID().uuidString.lowercased()
            for path in [
                "/v1/customers/\(unknown)/invoices", "/v1/customers/\(customer)/invoices/\(unknown)",
                "/v1/customers/\(other)/invoices/\(draft)",
                "/v1/customers/\(unknown)/costs?starting_on=2026-01-01T00:00:00Z&ending_before=2026-01-02T00:00:00Z",
            ] {
                let answer = try await client.call(.get, path)
                #expect(answer.status == .notFound && answer.message != nil, "\(path)")
            }
            let invoices = "/v1/customers/\(customer)/invoices"
            for (query, message) in [
                ("status=PAID", "'status' must be one of: DRAFT, FINALIZED, VOID"),
                ("sort=sideways", nil), ("type=WEEKLY", nil), ("next_page=garbage", nil), ("limit=0", nil),
                ("contract_id=nope", nil), ("starting_on=yesterday", nil), ("skip_zero_qty_line_items=perhaps", nil),
            ] as [(String, String?)] {
                let answer = try await client.call(.get, "\(invoices)?\(query)")
                #expect(answer.status == .badRequest && answer.message != nil, "\(query): \(answer.message ?? "")")
                if let message { #expect(answer.message == message) }
            }
            #expect(try await client.call(.get, "\(invoices)/nope").status == .badRequest)
            #expect(try await client.call(.get, "/v1/customers/nope/invoices").status == .badRequest)
            #expect(try await client.call(.get, "\(invoices)?contract_id=\(unknown)").items.isEmpty)
            #expect(try await client.call(.get, "\(invoices)/\(draft)").data["status"] as? String == "DRAFT")
        }
    }

    // MARK: - Helpers

    /// Freezes the emulated clock at `now`.
    private static func freeze(_ client: some TestClientProtocol, _ now: String) async throws {
        let answer = try await client.call(.post, "/_emulator/clock", json: #"{"now": "\#(now)"}"#)
        #expect(answer.status == .ok)
    }

    /// A new customer on Growth since 2026-01-01, the clock frozen mid-January; its ID and the customer plan's.
    private static func customerOnGrowth(_ client: some TestClientProtocol, name: String = "Acme") async throws -> (String, String) {
        try await freeze(client, "2026-01-15T12:00:00Z")
        let customer = try await client.createCustomer(name: name)
        let added = try await client.call(
            .post, "/v1/customers/\(customer)/plans/add", json: #"{"plan_id": "\#(growth)", "starting_on": "2026-01-01T00:00:00Z"}"#
        )
        #expect(added.status == .ok, "\(added.message ?? "")")
        return (customer, try #require(added.data["id"] as? String))
    }

    /// An ingest body of `count` (at most 60) API calls by `customer`, a minute apart from the start of `hour`.
    private static func apiCalls(_ customer: String, count: Int, hour: String, prefix: String = UUID().uuidString) -> String {
        let events = (0..<count).map { minute in
            #"{"transaction_id": "\#(prefix)-\#(minute)", "customer_id": "\#(customer)", "event_type": "api_call", "#
                + #""timestamp": "\#(hour):\#(minute < 10 ? "0" : "")\#(minute):00Z", "properties": {"endpoint": "/search"}}"#
        }
        return "[" + events.joined(separator: ",") + "]"
    }

    /// A JSON number as `Decimal` (exact for the integers and short fractions these tests use).
    private static func decimal(_ value: Any?) -> Decimal? {
        (value as? NSNumber).flatMap { Decimal(string: $0.stringValue) }
    }

    private static func line(_ name: String, of invoice: [String: Any]) -> [String: Any]? {
        (invoice["line_items"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    private static func lineNames(_ invoice: [String: Any]) -> [String] {
        (invoice["line_items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
    }
}
