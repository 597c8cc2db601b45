import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

/// A customer's balances: its commits and credits with what is left of them, and their net
/// balance. The customer has a contract on a rate card of 100¢ per `unit` event, a prepaid
/// commit on the contract and a customer-level credit; usage draws the credit down first, then
/// the commit, and every expected balance is that arithmetic.
@Suite struct BalancesEndpointsTests {
    private static let prepaidCommitProduct = "1c7a3d2f-6b2e-4d8f-a000-000000000003"
    private static let usdCents = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"
    private static let centsPerUnit: Decimal = 100
    private static let commitAmount: Decimal = 4000
    private static let creditAmount: Decimal = 1000

    @Test func balancesFollowTheDrawdownCreditFirst() async throws {
        try await withEmulator { client in
            let (customer, credit) = try await Self.committedCustomer(client)
            let units = 15
            _ = try await client.call(.post, "/v1/ingest", json: Self.units(customer, count: units, hour: "2026-01-05T10"))
            let spend = Decimal(units) * Self.centsPerUnit
            let creditLeft = max(0, Self.creditAmount - spend)
            let commitLeft = Self.commitAmount - max(0, spend - Self.creditAmount)
            #expect((creditLeft, commitLeft) == (0, 3500))

            let everything = try await Self.list(client, #"{"customer_id": "\#(customer)", "include_contract_balances": true, "include_balance": true, "include_ledgers": true}"#)
            #expect(everything.status == .ok)
            #expect(everything.items.map { $0["type"] as? String } == ["PREPAID", "CREDIT"])
            #expect(everything.items.map { Self.decimal($0["balance"]) } == [commitLeft, creditLeft])
            for row in everything.items {
                // A ledger starts with the segment and adds up to the balance.
                let ledger = row["ledger"] as? [[String: Any]] ?? []
                #expect((ledger.first?["type"] as? String)?.hasSuffix("SEGMENT_START") == true)
                #expect(ledger.reduce(Decimal(0)) { $0 + (Self.decimal($1["amount"]) ?? 0) } == Self.decimal(row["balance"]))
            }
            #expect(everything.items.last?["id"] as? String == credit)
            #expect((everything.items.first?["contract"] as? [String: Any])?["id"] is String)

            let customerLevel = try await Self.list(client, #"{"customer_id": "\#(customer)", "include_balance": true}"#).items
            #expect(customerLevel.map { $0["id"] as? String } == [credit])
            #expect(customerLevel.first?["ledger"] == nil)
            let nonZero = try await Self.list(
                client, #"{"customer_id": "\#(customer)", "include_contract_balances": true, "exclude_zero_balances": true}"#
            ).items
            #expect(nonZero.map { $0["type"] as? String } == ["PREPAID"])
            #expect(nonZero.first?["balance"] == nil)
            let byId = try await Self.list(client, #"{"customer_id": "\#(customer)", "id": "\#(credit)", "include_contract_balances": true}"#).items
            #expect(byId.map { $0["id"] as? String } == [credit])

            #expect(try await Self.netBalance(client, #"{"customer_id": "\#(customer)"}"#) == creditLeft + commitLeft)
            #expect(try await Self.netBalance(client, #"{"customer_id": "\#(customer)", "filters": [{"balance_types": ["CREDIT"]}]}"#) == creditLeft)
            #expect(try await Self.netBalance(client, #"{"customer_id": "\#(customer)", "filters": [{"balance_types": ["PREPAID_COMMIT"]}]}"#) == commitLeft)
            #expect(try await Self.netBalance(client, #"{"customer_id": "\#(customer)", "filters": [{"ids": ["\#(credit)"]}, {"balance_types": ["POSTPAID_COMMIT"]}]}"#) == creditLeft)
            // Only finalized invoices: January's is still a draft, so nothing is drawn yet.
            let finalizedOnly = #"{"customer_id": "\#(customer)", "invoice_inclusion_mode": "FINALIZED"}"#
            #expect(try await Self.netBalance(client, finalizedOnly) == Self.commitAmount + Self.creditAmount)
            #expect(try await Self.netBalance(client, #"{"customer_id": "\#(customer)", "credit_type_id": "\#(UUID().uuidString.lowercased())"}"#) == 0)

            // January final one day after it ends: now its deductions count in that mode too.
            try await Self.freeze(client, "2026-02-02T00:00:00Z")
            #expect(try await Self.netBalance(client, finalizedOnly) == creditLeft + commitLeft)
        }
    }

    @Test func theListPagesByNextPageInTheBody() async throws {
        try await withEmulator { client in
            let (customer, _) = try await Self.committedCustomer(client)
            let first = try await Self.list(client, #"{"customer_id": "\#(customer)", "include_contract_balances": true, "limit": 1}"#)
            #expect(first.items.map { $0["type"] as? String } == ["PREPAID"])
            let token = try #require(first.object["next_page"] as? String)
            let second = try await Self.list(client, #"{"customer_id": "\#(customer)", "include_contract_balances": true, "limit": 1, "next_page": "\#(token)"}"#)
            #expect(second.items.map { $0["type"] as? String } == ["CREDIT"])
            #expect(second.object["next_page"] is NSNull)
            for limit in [0, 26] {
                let answer = try await Self.list(client, #"{"customer_id": "\#(customer)", "limit": \#(limit)}"#)
                #expect(answer.status == .badRequest && answer.message != nil, "limit \(limit)")
            }
            let garbage = try await Self.list(client, #"{"customer_id": "\#(customer)", "next_page": "garbage"}"#)
            #expect(garbage.status == .badRequest && garbage.message != nil)
        }
    }

    @Test func unknownCustomersAre404AndBadBodiesAre400() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let unknown = UUID().uuidString.lowercased()
            for path in ["list", "getNetBalance"] {
                let answer = try await client.call(.post, "/v1/contracts/customerBalances/\(path)", json: #"{"customer_id": "\#(unknown)"}"#)
                #expect(answer.status == .notFound && answer.message != nil, "\(path)")
                for (body, message) in [
                    ("{}", "Missing required field 'customer_id'"),
                    (#"{"customer_id": "nope"}"#, nil),
                    (#"{"customer_id": 12}"#, "Field 'customer_id' must be a string"),
                    (#"{"customer_id": "#, "Request body is not valid JSON"),
                ] as [(String, String?)] {
                    let bad = try await client.call(.post, "/v1/contracts/customerBalances/\(path)", json: body)
                    #expect(bad.status == .badRequest && bad.message != nil, "\(path) \(body)")
                    if let message { #expect(bad.message == message, "\(path) \(body)") }
                }
            }
            for body in [
                #"{"customer_id": "\#(customer)", "invoice_inclusion_mode": "SOMETIMES"}"#,
                #"{"customer_id": "\#(customer)", "filters": [{"balance_types": ["GIFT"]}]}"#,
                #"{"customer_id": "\#(customer)", "credit_type_id": "usd"}"#,
            ] {
                let answer = try await client.call(.post, "/v1/contracts/customerBalances/getNetBalance", json: body)
                #expect(answer.status == .badRequest && answer.message != nil, "\(body)")
            }
            // A customer with nothing has an empty list and a zero balance, in cents by default.
            #expect(try await Self.list(client, #"{"customer_id": "\#(customer)", "include_contract_balances": true}"#).items.isEmpty)
            let net = try await client.call(.post, "/v1/contracts/customerBalances/getNetBalance", json: #"{"customer_id": "\#(customer)"}"#)
            #expect(Self.decimal(net.data["balance"]) == 0 && net.data["credit_type_id"] as? String == Self.usdCents)
        }
    }

    // MARK: - Helpers

    /// Freezes the emulated clock at `now`.
    private static func freeze(_ client: some TestClientProtocol, _ now: String) async throws {
        let answer = try await client.call(.post, "/_emulator/clock", json: #"{"now": "\#(now)"}"#)
        #expect(answer.status == .ok)
    }

    /// With the clock mid-January 2026: a customer with a contract from January 1 on a new rate
    /// card of 100¢ a `unit` event, a prepaid commit of 4000¢ on the contract, and a credit of
    /// 1000¢ of its own; its ID and the credit's.
    private static func committedCustomer(_ client: some TestClientProtocol) async throws -> (String, String) {
        try await freeze(client, "2026-01-20T00:00:00Z")
        let metric = try await client.call(.post, "/v1/billable-metrics/create", json: """
            {"name": "units", "aggregation_type": "COUNT", "event_type_filter": {"in_values": ["unit"]}}
            """)
        let metricId = try #require(metric.data["id"] as? String)
        let product = try await client.call(.post, "/v1/contract-pricing/products/create", json: """
            {"name": "Units", "type": "USAGE", "billable_metric_id": "\(metricId)"}
            """)
        let productId = try #require(product.data["id"] as? String)
        let card = try #require(try await client.call(.post, "/v1/contract-pricing/rate-cards/create", json: #"{"name": "Dollar"}"#).data["id"] as? String)
        let rate = try await client.call(.post, "/v1/contract-pricing/rate-cards/addRate", json: """
            {"rate_card_id": "\(card)", "product_id": "\(productId)", "entitled": true, "rate_type": "FLAT",
             "price": \(centsPerUnit), "starting_at": "2025-01-01T00:00:00Z"}
            """)
        #expect(rate.status == .ok, "\(rate.message ?? "")")
        let customer = try await client.createCustomer(name: "Balanced")
        let access = { (amount: Decimal) in
            #"{"schedule_items": [{"amount": \#(amount), "starting_at": "2026-01-01T00:00:00Z", "ending_before": "2027-01-01T00:00:00Z"}]}"#
        }
        let contract = try await client.call(.post, "/v1/contracts/create", json: """
            {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "rate_card_id": "\(card)",
             "commits": [{"type": "PREPAID", "product_id": "\(prepaidCommitProduct)", "name": "Commit", "access_schedule": \(access(commitAmount))}]}
            """)
        #expect(contract.status == .ok, "\(contract.message ?? "")")
        let credit = try await client.call(.post, "/v1/contracts/customerCredits/create", json: """
            {"customer_id": "\(customer)", "product_id": "\(prepaidCommitProduct)", "name": "Credit", "priority": 1,
             "access_schedule": \(access(creditAmount))}
            """)
        #expect(credit.status == .ok, "\(credit.message ?? "")")
        return (customer, try #require(credit.data["id"] as? String))
    }

    private static func list(_ client: some TestClientProtocol, _ json: String) async throws -> JSONAnswer {
        try await client.call(.post, "/v1/contracts/customerBalances/list", json: json)
    }

    /// `data.balance` of `getNetBalance`, checking the answer is a 200 in cents.
    private static func netBalance(_ client: some TestClientProtocol, _ json: String) async throws -> Decimal? {
        let answer = try await client.call(.post, "/v1/contracts/customerBalances/getNetBalance", json: json)
        #expect(answer.status == .ok, "\(answer.message ?? "")")
        return decimal(answer.data["balance"])
    }

    /// An ingest body of `count` (at most 60) `unit` events by `customer`, a minute apart from the start of `hour`.
    private static func units(_ customer: String, count: Int, hour: String) -> String {
        let prefix = UUID().uuidString
        let events = (0..<count).map { minute in
            #"{"transaction_id": "\#(prefix)-\#(minute)", "customer_id": "\#(customer)", "event_type": "unit", "#
                + #""timestamp": "\#(hour):\#(minute < 10 ? "0" : "")\#(minute):00Z"}"#
        }
        return "[" + events.joined(separator: ",") + "]"
    }

    private static func decimal(_ value: Any?) -> Decimal? {
        (value as? NSNumber).flatMap { Decimal(string: $0.stringValue) }
    }
}
