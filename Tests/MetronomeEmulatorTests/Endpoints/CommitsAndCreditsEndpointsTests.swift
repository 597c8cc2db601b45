import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

/// Customer-level commits and credits: `customerCommits/...` and `customerCredits/...` create,
/// list (with balances and ledgers) and updateEndDate. Balances are drawn by usage on a contract
/// with the fixture rate card "Standard" (0.5¢ per API call).
@Suite struct CommitsAndCreditsEndpointsTests {
    private static let prepaidCommitProduct = "1c7a3d2f-6b2e-4d8f-a000-000000000003"
    private static let apiCallsProduct = "1c7a3d2f-6b2e-4d8f-a000-000000000001"
    private static let usdCents = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"
    private static let jan1 = "2026-01-01T00:00:00Z", feb1 = "2026-02-01T00:00:00Z", feb15 = "2026-02-15T00:00:00Z"
    private static let mar1 = "2026-03-01T00:00:00Z", apr1 = "2026-04-01T00:00:00Z"

    @Test func aCommitIsListedAsItWasCreated() async throws {
        try await withEmulator { client in
            try await Self.freeze(client, Self.jan1)
            let customer = try await client.createCustomer()
            let id = try await Self.create(client, "customerCommits", customer, """
                "type": "PREPAID", "name": "Annual", "description": "d", "applicable_product_ids": ["\(Self.apiCallsProduct)"],
                "applicable_product_tags": ["usage"], "rate_type": "LIST_RATE", "uniqueness_key": "u-1",
                "access_schedule": \(Self.access((1000, Self.jan1, Self.apr1))),
                "invoice_schedule": {"schedule_items": [{"timestamp": "\(Self.jan1)", "unit_price": 800}]}
                """)
            let rows = try await Self.list(client, "customerCommits", #"{"customer_id": "\#(customer)"}"#).items
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row["id"] as? String == id && row["type"] as? String == "PREPAID")
            #expect(row["created_at"] as? String == "2026-01-01T00:00:00.000Z")
            #expect((row["product"] as? [String: Any])?["name"] as? String == "Prepaid commit")
            #expect(row["name"] as? String == "Annual" && row["description"] as? String == "d")
            #expect(Self.decimal(row["priority"]) == 1 && row["rate_type"] as? String == "LIST_RATE")
            #expect(row["applicable_product_ids"] as? [String] == [Self.apiCallsProduct])
            #expect(row["applicable_product_tags"] as? [String] == ["usage"] && row["uniqueness_key"] as? String == "u-1")
            #expect(row["contract"] == nil && row["balance"] == nil && row["ledger"] == nil)
            let access = try #require(row["access_schedule"] as? [String: Any])
            #expect((access["credit_type"] as? [String: Any])?["id"] as? String == Self.usdCents)
            let segment = try #require((access["schedule_items"] as? [[String: Any]])?.first)
            #expect(Self.decimal(segment["amount"]) == 1000)
            #expect(segment["starting_at"] as? String == "2026-01-01T00:00:00.000Z" && segment["ending_before"] as? String == "2026-04-01T00:00:00.000Z")
            let invoice = try #require(((row["invoice_schedule"] as? [String: Any])?["schedule_items"] as? [[String: Any]])?.first)
            // No quantity given: one unit at the unit price.
            #expect([invoice["amount"], invoice["quantity"], invoice["unit_price"]].map(Self.decimal) == [800, 1, 800])
            #expect(try await Self.list(client, "customerCredits", #"{"customer_id": "\#(customer)"}"#).items.isEmpty)
        }
    }

    @Test func aCreditIsListedAsACreditAndNotAsACommit() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let id = try await Self.create(client, "customerCredits", customer, #""name": "Promo", "access_schedule": \#(Self.access((500, Self.jan1, Self.apr1)))"#)
            let rows = try await Self.list(client, "customerCredits", #"{"customer_id": "\#(customer)"}"#).items
            #expect(rows.map { $0["id"] as? String } == [id])
            #expect(rows.first?["type"] as? String == "CREDIT" && rows.first?["name"] as? String == "Promo")
            #expect(rows.first?["invoice_schedule"] == nil)
            #expect(try await Self.list(client, "customerCommits", #"{"customer_id": "\#(customer)"}"#).items.isEmpty)
        }
    }

    @Test func balancesAndLedgersFollowContractUsageWhenAskedFor() async throws {
        try await withEmulator { client in
            try await Self.freeze(client, "2026-01-20T00:00:00Z")
            let customer = try await client.createCustomer()
            let contract = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "\(Self.jan1)", "rate_card_alias": "standard"}
                """)
            #expect(contract.status == .ok, "\(contract.message ?? "")")
            let commitAmount: Decimal = 1000, centsPerCall = Decimal(string: "0.5")!, calls = 40
            let commit = try await Self.create(client, "customerCommits", customer, #""type": "PREPAID", "access_schedule": \#(Self.access((commitAmount, Self.jan1, "2027-01-01T00:00:00Z")))"#)
            let events = (0..<calls).map { minute in
                #"{"transaction_id": "t\#(minute)", "customer_id": "\#(customer)", "event_type": "api_call", "#
                    + #""timestamp": "2026-01-05T10:\#(minute < 10 ? "0" : "")\#(minute):00Z", "properties": {"endpoint": "/x"}}"#
            }
            #expect(try await client.call(.post, "/v1/ingest", json: "[" + events.joined(separator: ",") + "]").status == .ok)

            let rows = try await Self.list(client, "customerCommits", #"{"customer_id": "\#(customer)", "include_balance": true, "include_ledgers": true}"#).items
            let row = try #require(rows.first)
            #expect(row["id"] as? String == commit)
            let expected = commitAmount - Decimal(calls) * centsPerCall
            #expect(Self.decimal(row["balance"]) == expected)
            let ledger = try #require(row["ledger"] as? [[String: Any]])
            #expect(ledger.map { $0["type"] as? String } == ["PREPAID_COMMIT_SEGMENT_START", "PREPAID_COMMIT_AUTOMATED_INVOICE_DEDUCTION"])
            #expect(ledger.map { Self.decimal($0["amount"]) } == [commitAmount, -Decimal(calls) * centsPerCall])
            #expect(ledger.last?["invoice_id"] is String)
            let balanceOnly = try await Self.list(client, "customerCommits", #"{"customer_id": "\#(customer)", "include_balance": true}"#).items
            #expect(Self.decimal(balanceOnly.first?["balance"]) == expected && balanceOnly.first?["ledger"] == nil)
        }
    }

    @Test func listsFilterByDateAndIDAndPageInTheBody() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let january = try await Self.create(client, "customerCommits", customer, #""type": "PREPAID", "access_schedule": \#(Self.access((1, Self.jan1, Self.feb1)))"#)
            let march = try await Self.create(client, "customerCommits", customer, #""type": "POSTPAID", "access_schedule": \#(Self.access((1, Self.mar1, Self.apr1)))"#)
            let third = try await Self.create(client, "customerCommits", customer, #""type": "PREPAID", "access_schedule": \#(Self.access((1, Self.jan1, Self.apr1)))"#)
            let ids = { (filter: String) in
                try await Self.list(client, "customerCommits", #"{"customer_id": "\#(customer)"\#(filter)}"#).items.compactMap { $0["id"] as? String }
            }
            #expect(try await ids(#", "covering_date": "2026-01-15T00:00:00Z""#) == [january, third])
            // `starting_at` picks commits whose access starts on or after it.
            #expect(try await ids(#", "starting_at": "\#(Self.feb1)""#) == [march])
            #expect(try await ids(#", "effective_before": "\#(Self.feb1)""#) == [january, third])
            #expect(try await ids(#", "commit_id": "\#(march)""#) == [march])
            #expect(try await ids("") == [january, march, third])

            let first = try await Self.list(client, "customerCommits", #"{"customer_id": "\#(customer)", "limit": 2}"#)
            #expect(first.items.compactMap { $0["id"] as? String } == [january, march])
            let token = try #require(first.object["next_page"] as? String)
            let second = try await Self.list(client, "customerCommits", #"{"customer_id": "\#(customer)", "limit": 2, "next_page": "\#(token)"}"#)
            #expect(second.items.compactMap { $0["id"] as? String } == [third])
            #expect(second.object["next_page"] is NSNull)

            let contract = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "\(Self.jan1)",
                 "commits": [{"product_id": "\(Self.prepaidCommitProduct)", "type": "POSTPAID", "access_schedule": \(Self.access((5, Self.jan1, Self.apr1)))}],
                 "credits": [{"product_id": "\(Self.prepaidCommitProduct)", "access_schedule": \(Self.access((7, Self.jan1, Self.apr1)))}]}
                """)
            let contractId = try #require(contract.data["id"] as? String)
            #expect(try await ids("").count == 3)
            let withContract = try await ids(#", "include_contract_commits": true"#)
            #expect(withContract.count == 4 && Array(withContract.prefix(3)) == [january, march, third])
            let credits = try await Self.list(client, "customerCredits", #"{"customer_id": "\#(customer)", "include_contract_credits": true}"#).items
            #expect(credits.map { ($0["contract"] as? [String: Any])?["id"] as? String } == [contractId])
            #expect(try await Self.list(client, "customerCredits", #"{"customer_id": "\#(customer)"}"#).items.isEmpty)
        }
    }

    @Test func updateEndDateCutsTheAccessAndInvoiceSchedules() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let commit = try await Self.create(client, "customerCommits", customer, """
                "type": "PREPAID", "access_schedule": \(Self.access((100, Self.jan1, Self.feb1), (100, Self.feb1, Self.mar1), (100, Self.mar1, Self.apr1))),
                "invoice_schedule": {"schedule_items": [{"timestamp": "\(Self.jan1)", "amount": 1}, {"timestamp": "\(Self.mar1)", "amount": 1}]}
                """)
            let update = { (kind: String, fields: String) in
                try await client.call(.post, "/v1/contracts/\(kind)/updateEndDate", json: #"{"customer_id": "\#(customer)", \#(fields)}"#)
            }
            let cut = try await update("customerCommits", #""commit_id": "\#(commit)", "access_ending_before": "\#(Self.feb15)", "invoices_ending_before": "\#(Self.feb1)""#)
            #expect(cut.status == .ok && cut.data["id"] as? String == commit)
            let row = try #require(try await Self.list(client, "customerCommits", #"{"customer_id": "\#(customer)"}"#).items.first)
            let segments = ((row["access_schedule"] as? [String: Any])?["schedule_items"] as? [[String: Any]]) ?? []
            #expect(segments.map { [$0["starting_at"] as? String, $0["ending_before"] as? String] } == [
                ["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"], ["2026-02-01T00:00:00.000Z", "2026-02-15T00:00:00.000Z"],
            ])
            let invoices = ((row["invoice_schedule"] as? [String: Any])?["schedule_items"] as? [[String: Any]]) ?? []
            #expect(invoices.map { $0["timestamp"] as? String } == ["2026-01-01T00:00:00.000Z"])

            let credit = try await Self.create(client, "customerCredits", customer, #""access_schedule": \#(Self.access((500, Self.jan1, Self.apr1)))"#)
            let creditCut = try await update("customerCredits", #""credit_id": "\#(credit)", "access_ending_before": "\#(Self.feb1)""#)
            #expect(creditCut.status == .ok && creditCut.data["id"] as? String == credit)
            let creditRow = try await Self.list(client, "customerCredits", #"{"customer_id": "\#(customer)"}"#).items.first
            let creditSegments = ((creditRow?["access_schedule"] as? [String: Any])?["schedule_items"] as? [[String: Any]]) ?? []
            #expect(creditSegments.map { $0["ending_before"] as? String } == ["2026-02-01T00:00:00.000Z"])

            let unknown = UUID().uuidString.lowercased()
            for (kind, fields, status, message) in [
                ("customerCommits", #""commit_id": "\#(commit)", "access_ending_before": "\#(Self.apr1)""#, 400, nil),
                ("customerCommits", #""commit_id": "\#(unknown)", "access_ending_before": "\#(Self.feb1)""#, 404, nil),
                ("customerCommits", #""access_ending_before": "\#(Self.feb1)""#, 400, "Missing required field 'commit_id'"),
                ("customerCommits", #""commit_id": "\#(commit)""#, 400, "Give 'access_ending_before' or 'invoices_ending_before'"),
                ("customerCommits", #""commit_id": "nope", "access_ending_before": "\#(Self.feb1)""#, 400, nil),
                ("customerCredits", #""credit_id": "\#(credit)", "access_ending_before": "\#(Self.jan1)""#, 400, nil),
                ("customerCredits", #""credit_id": "\#(unknown)", "access_ending_before": "\#(Self.feb1)""#, 404, nil),
                ("customerCredits", #""credit_id": "\#(credit)", "invoices_ending_before": "\#(Self.feb1)""#, 400, "Missing required field 'access_ending_before'"),
                ("customerCredits", #""credit_id": "\#(credit)", "access_ending_before": "soon""#, 400, nil),
            ] as [(String, String, Int, String?)] {
                let answer = try await update(kind, fields)
                #expect(Int(answer.status.code) == status && answer.message != nil, "\(kind) \(fields): \(answer.message ?? "")")
                if let message { #expect(answer.message == message, "\(kind) \(fields)") }
            }
        }
    }

    @Test func uniquenessKeysConflictWithinAKindOnly() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let key = #""uniqueness_key": "same", "access_schedule": \#(Self.access((10, Self.jan1, Self.feb1)))"#
            _ = try await Self.create(client, "customerCommits", customer, #""type": "PREPAID", \#(key)"#)
            let again = try await client.call(.post, "/v1/contracts/customerCommits/create", json: """
                {"customer_id": "\(customer)", "product_id": "\(Self.prepaidCommitProduct)", "priority": 1, "type": "PREPAID", \(key)}
                """)
            #expect(again.status == .conflict && again.message == "This uniqueness key has already been used.")
            _ = try await Self.create(client, "customerCredits", customer, key)
            let creditAgain = try await client.call(.post, "/v1/contracts/customerCredits/create", json: """
                {"customer_id": "\(customer)", "product_id": "\(Self.prepaidCommitProduct)", "priority": 1, \(key)}
                """)
            #expect(creditAgain.status == .conflict)
            #expect(try await Self.list(client, "customerCommits", #"{"customer_id": "\#(customer)"}"#).items.count == 1)
            #expect(try await Self.list(client, "customerCredits", #"{"customer_id": "\#(customer)"}"#).items.count == 1)
        }
    }

    @Test func badCreatesAre4xxAndCreateNothing() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let unknown = UUID().uuidString.lowercased()
            let valid: [String: String] = [
                "customer_id": #""\#(customer)""#, "product_id": #""\#(Self.prepaidCommitProduct)""#, "type": #""PREPAID""#,
                "priority": "1", "access_schedule": Self.access((10, Self.jan1, Self.feb1)),
            ]
            let cases: [(change: [String: String?], status: Int, message: String?)] = [
                (["customer_id": nil], 400, "Missing required field 'customer_id'"),
                (["priority": nil], 400, "Missing required field 'priority'"),
                (["type": nil], 400, "Missing required field 'type'"),
                (["type": #""SOMETIMES""#], 400, nil),
                (["access_schedule": nil], 400, "Missing required field 'access_schedule'"),
                (["access_schedule": #"{"schedule_items": []}"#], 400, nil),
                (["access_schedule": Self.access((10, Self.feb1, Self.jan1))], 400, nil),
                (["access_schedule": Self.access((-1, Self.jan1, Self.feb1))], 400, nil),
                (["product_id": #""\#(Self.apiCallsProduct)""#], 400, nil),
                (["product_id": #""nope""#], 400, nil),
                (["priority": #""first""#], 400, "Field 'priority' must be a number"),
                (["uniqueness_key": #""""#], 400, nil),
                (["invoice_schedule": #"{"schedule_items": [{"timestamp": "\#(Self.jan1)"}]}"#], 400, nil),
                (["product_id": #""\#(unknown)""#], 404, nil),
                (["customer_id": #""\#(unknown)""#], 404, nil),
                (["invoice_contract_id": #""\#(unknown)""#], 404, nil),
            ]
            for (change, status, message) in cases {
                var fields = valid
                for (key, value) in change { fields[key] = value }
                let body = "{" + fields.sorted { $0.key < $1.key }.map { #""\#($0.key)": \#($0.value)"# }.joined(separator: ", ") + "}"
                let answer = try await client.call(.post, "/v1/contracts/customerCommits/create", json: body)
                #expect(Int(answer.status.code) == status && answer.message != nil, "\(body): \(answer.message ?? "")")
                if let message { #expect(answer.message == message, "\(body)") }
            }
            let malformed = try await client.call(.post, "/v1/contracts/customerCredits/create", json: #"{"customer_id": "#)
            #expect(malformed.status == .badRequest && malformed.message == "Request body is not valid JSON")
            #expect(try await Self.list(client, "customerCommits", #"{"customer_id": "\#(customer)"}"#).items.isEmpty)
            #expect(try await Self.list(client, "customerCredits", #"{"customer_id": "\#(customer)"}"#).items.isEmpty)
        }
    }

    @Test func listsRefuseUnknownCustomersAndBadPaging() async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            for kind in ["customerCommits", "customerCredits"] {
                let unknown = try await Self.list(client, kind, #"{"customer_id": "\#(UUID().uuidString.lowercased())"}"#)
                #expect(unknown.status == .notFound && unknown.message != nil, "\(kind)")
                for body in [
                    "{}", #"{"customer_id": "nope"}"#, #"{"customer_id": "\#(customer)", "limit": 0}"#,
                    #"{"customer_id": "\#(customer)", "limit": 26}"#, #"{"customer_id": "\#(customer)", "next_page": "garbage"}"#,
                    #"{"customer_id": "\#(customer)", "covering_date": "someday"}"#,
                ] {
                    let answer = try await Self.list(client, kind, body)
                    #expect(answer.status == .badRequest && answer.message != nil, "\(kind) \(body)")
                }
            }
        }
    }

    // MARK: - Helpers

    /// Freezes the emulated clock at `now`.
    private static func freeze(_ client: some TestClientProtocol, _ now: String) async throws {
        let answer = try await client.call(.post, "/_emulator/clock", json: #"{"now": "\#(now)"}"#)
        #expect(answer.status == .ok)
    }

    /// An `access_schedule` of the given segments.
    private static func access(_ segments: (Decimal, String, String)...) -> String {
        let items = segments.map { #"{"amount": \#($0.0), "starting_at": "\#($0.1)", "ending_before": "\#($0.2)"}"# }
        return #"{"schedule_items": [\#(items.joined(separator: ", "))]}"#
    }

    /// Creates a commit or credit (`kind` is `customerCommits` or `customerCredits`) on the
    /// prepaid commit product, priority 1, with `fields` added; returns its ID.
    private static func create(_ client: some TestClientProtocol, _ kind: String, _ customer: String, _ fields: String) async throws -> String {
        let answer = try await client.call(.post, "/v1/contracts/\(kind)/create", json: """
            {"customer_id": "\(customer)", "product_id": "\(prepaidCommitProduct)", "priority": 1, \(fields)}
            """)
        #expect(answer.status == .ok, "\(answer.message ?? "")")
        return try #require(answer.data["id"] as? String)
    }

    private static func list(_ client: some TestClientProtocol, _ kind: String, _ json: String) async throws -> JSONAnswer {
        try await client.call(.post, "/v1/contracts/\(kind)/list", json: json)
    }

    private static func decimal(_ value: Any?) -> Decimal? {
        (value as? NSNumber).flatMap { Decimal(string: $0.stringValue) }
    }
}
