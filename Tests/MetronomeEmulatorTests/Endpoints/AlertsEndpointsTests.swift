import Foundation
import HummingbirdTesting
@testable import MetronomeEmulator
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

/// Alerts and each customer's status for them, evaluated at the emulated clock's now. The
/// customers are on the fixture plan "Growth" (1¢ per API call plus a 5000¢ fee a month) or on a
/// contract with the fixture rate card "Standard" (0.5¢ per API call); thresholds are crossed by
/// ingesting the number of calls the arithmetic says.
@Suite struct AlertsEndpointsTests {
    private static let growth = "3e9c5f4b-8d4a-4fab-c000-000000000001"
    private static let apiCallsMetric = "0b6f2c1e-5a1d-4c7e-9f00-000000000001"
    private static let prepaidCommitProduct = "1c7a3d2f-6b2e-4d8f-a000-000000000003"
    private static let usdCents = "2714e483-4ff1-48e4-9e25-ac732e8f24f2"
    private static let fee: Decimal = 5000
    private static let centsPerCall: Decimal = 1

    @Test func aSpendAlertAlarmsOnceUsageSpendReachesItsThresholdAndResetsWithThePeriod() async throws {
        try await withEmulator { client in
            let customer = try await Self.customerOnGrowth(client)
            let threshold: Decimal = 30
            let id = try await Self.createAlert(client, #"""
                {"alert_type": "spend_threshold_reached", "name": "Spend over $0.30", "threshold": \#(threshold),
                 "customer_id": "\#(customer)", "credit_type_id": "\#(Self.usdCents)"}
                """#)
            let first = try await Self.status(client, customer, id)
            #expect(first["customer_status"] as? String == "ok" && first["triggered_by"] is NSNull)
            let alert = try #require(first["alert"] as? [String: Any])
            #expect(alert["id"] as? String == id && alert["name"] as? String == "Spend over $0.30")
            #expect(alert["type"] as? String == "spend_threshold_reached" && alert["status"] as? String == "enabled")
            #expect(Self.decimal(alert["threshold"]) == threshold)
            #expect((alert["credit_type"] as? [String: Any])?["id"] as? String == Self.usdCents)
            #expect((alert["credit_type"] as? [String: Any])?["name"] as? String == "USD (cents)")

            // The fee is not usage spend: only the calls count, 1¢ each.
            let justUnder = NSDecimalNumber(decimal: threshold / Self.centsPerCall).intValue - 1
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: justUnder, hour: "2026-01-03T10"))
            #expect(try await Self.status(client, customer, id)["customer_status"] as? String == "ok")
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 1, hour: "2026-01-04T10"))
            let alarmed = try await Self.status(client, customer, id)
            #expect(alarmed["customer_status"] as? String == "in_alarm")
            #expect(alarmed["triggered_by"] is String)

            try await Self.freeze(client, "2026-02-10T00:00:00Z")
            #expect(try await Self.status(client, customer, id)["customer_status"] as? String == "ok")
        }
    }

    @Test func invoiceTotalAlertsCountTheFeeAndUsageAlertsCountEvents() async throws {
        try await withEmulator { client in
            let customer = try await Self.customerOnGrowth(client)
            let monthly = try await Self.createAlert(client, """
                {"alert_type": "monthly_invoice_total_spend_threshold_reached", "name": "Invoice", "threshold": \(Self.fee + 5),
                 "customer_id": "\(customer)"}
                """)
            let planInvoice = try await Self.createAlert(client, """
                {"alert_type": "invoice_total_reached", "name": "Plan invoice", "threshold": \(Self.fee), "customer_id": "\(customer)",
                 "invoice_types_filter": ["PLAN_ARREARS"]}
                """)
            let usageInvoice = try await Self.createAlert(client, """
                {"alert_type": "invoice_total_reached", "name": "Usage invoice", "threshold": 1, "customer_id": "\(customer)",
                 "invoice_types_filter": ["USAGE"]}
                """)
            let hundredCalls = try await Self.createAlert(client, """
                {"alert_type": "usage_threshold_reached", "name": "100 calls", "threshold": 100, "customer_id": "\(customer)",
                 "billable_metric_id": "\(Self.apiCallsMetric)"}
                """)
            #expect(try await Self.status(client, customer, monthly)["customer_status"] as? String == "ok")
            let plan = try await Self.status(client, customer, planInvoice)
            #expect(plan["customer_status"] as? String == "in_alarm")
            #expect((plan["alert"] as? [String: Any])?["invoice_types_filter"] as? [String] == ["PLAN_ARREARS"])
            #expect(try await Self.status(client, customer, usageInvoice)["customer_status"] as? String == "ok")

            // 4 calls: 5004¢, under 5005¢; then 99 calls in all, under 100.
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 4, hour: "2026-01-05T10"))
            #expect(try await Self.status(client, customer, monthly)["customer_status"] as? String == "ok")
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 55, hour: "2026-01-06T10"))
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 40, hour: "2026-01-07T10"))
            #expect(try await Self.status(client, customer, monthly)["customer_status"] as? String == "in_alarm")
            #expect(try await Self.status(client, customer, hundredCalls)["customer_status"] as? String == "ok")
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 1, hour: "2026-01-08T10"))
            #expect(try await Self.status(client, customer, hundredCalls)["customer_status"] as? String == "in_alarm")
        }
    }

    @Test func aCommitBalanceAlertFollowsTheDrawdown() async throws {
        try await withEmulator { client in
            try await Self.freeze(client, "2026-01-15T12:00:00Z")
            let customer = try await client.createCustomer(name: "Committed")
            let commit: Decimal = 100, centsPerCall = Decimal(string: "0.5")!
            let contract = try await client.call(.post, "/v1/contracts/create", json: """
                {"customer_id": "\(customer)", "starting_at": "2026-01-01T00:00:00Z", "rate_card_alias": "standard",
                 "commits": [{"type": "PREPAID", "product_id": "\(Self.prepaidCommitProduct)", "name": "Prepaid",
                   "access_schedule": {"schedule_items": [{"amount": \(commit), "starting_at": "2026-01-01T00:00:00Z",
                                                           "ending_before": "2027-01-01T00:00:00Z"}]}}]}
                """)
            #expect(contract.status == .ok, "\(contract.message ?? "")")
            let below40 = try await Self.createAlert(client, """
                {"alert_type": "low_remaining_commit_balance_reached", "name": "Below 40", "threshold": 40, "customer_id": "\(customer)"}
                """)
            let below10Percent = try await Self.createAlert(client, """
                {"alert_type": "low_remaining_commit_percentage_reached", "name": "Below 10%", "threshold": 10, "customer_id": "\(customer)"}
                """)
            #expect(try await Self.status(client, customer, below40)["customer_status"] as? String == "ok")

            var calls = 0
            for (count, hour) in [(60, "2026-01-03T10"), (40, "2026-01-03T11")] {
                _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: count, hour: hour))
                calls += count
            }
            #expect(commit - Decimal(calls) * centsPerCall == 50)
            #expect(try await Self.status(client, customer, below40)["customer_status"] as? String == "ok")
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 30, hour: "2026-01-04T10"))
            calls += 30
            #expect(commit - Decimal(calls) * centsPerCall == 35)
            #expect(try await Self.status(client, customer, below40)["customer_status"] as? String == "in_alarm")
            #expect(try await Self.status(client, customer, below10Percent)["customer_status"] as? String == "ok")
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 60, hour: "2026-01-05T10"))
            calls += 60
            #expect((commit - Decimal(calls) * centsPerCall) / commit * 100 == 5)
            #expect(try await Self.status(client, customer, below10Percent)["customer_status"] as? String == "in_alarm")
        }
    }

    @Test func theListHoldsTheCustomersEnabledAlertsUnlessStatusesSayOtherwise() async throws {
        try await withEmulator { client in
            let customer = try await Self.customerOnGrowth(client)
            let other = try await client.createCustomer(name: "Other")
            let spend = { (name: String, scope: String) in
                try await Self.createAlert(client, #"{"alert_type": "spend_threshold_reached", "name": "\#(name)", "threshold": 1\#(scope)}"#)
            }
            let mine = try await spend("Mine", #", "customer_id": "\#(customer)""#)
            let everyone = try await spend("Everyone", "")
            let onPlan = try await spend("Growth", #", "plan_id": "\#(Self.growth)""#)
            _ = try await spend("Theirs", #", "customer_id": "\#(other)""#)
            let archived = try await spend("Gone", #", "customer_id": "\#(customer)""#)
            let archive = try await client.call(.post, "/v1/alerts/archive", json: #"{"id": "\#(archived)"}"#)
            #expect(archive.status == .ok && archive.data["id"] as? String == archived)

            let list = { (body: String) in try await client.call(.post, "/v1/customer-alerts/list", json: body) }
            let listed = try await list(#"{"customer_id": "\#(customer)"}"#)
            #expect(listed.items.map { ($0["alert"] as? [String: Any])?["id"] as? String } == [mine, everyone, onPlan])
            #expect(listed.items.allSatisfy { $0["customer_status"] as? String == "ok" })
            #expect(listed.object["next_page"] is NSNull)
            let withArchived = try await list(#"{"customer_id": "\#(customer)", "alert_statuses": ["ENABLED", "ARCHIVED"]}"#)
            #expect(withArchived.items.map { ($0["alert"] as? [String: Any])?["id"] as? String } == [mine, everyone, onPlan, archived])
            let onlyArchived = try await list(#"{"customer_id": "\#(customer)", "alert_statuses": ["archived"]}"#).items
            #expect(onlyArchived.count == 1)
            #expect((onlyArchived.first?["alert"] as? [String: Any])?["status"] as? String == "archived")
            #expect(onlyArchived.first?["customer_status"] is NSNull)
            #expect(try await list(#"{"customer_id": "\#(customer)", "alert_statuses": ["DISABLED"]}"#).items.isEmpty)
            // An alert scoped to one customer is not another's.
            let notTheirs = try await client.call(.post, "/v1/customer-alerts/get", json: #"{"customer_id": "\#(other)", "alert_id": "\#(mine)"}"#)
            #expect(notTheirs.status == .notFound && notTheirs.message != nil)
        }
    }

    @Test func resetForgetsTheStateAndEvaluatesAfresh() async throws {
        try await withEmulator { client in
            let customer = try await Self.customerOnGrowth(client)
            _ = try await client.call(.post, "/v1/ingest", json: Self.apiCalls(customer, count: 20, hour: "2026-01-03T10"))
            let quiet = try await Self.createAlert(client, """
                {"alert_type": "spend_threshold_reached", "name": "Quiet", "threshold": 10, "customer_id": "\(customer)",
                 "evaluate_on_create": false}
                """)
            #expect(try await Self.status(client, customer, quiet)["customer_status"] as? String == "ok")
            let reset = try await client.call(.post, "/v1/customer-alerts/reset", json: #"{"customer_id": "\#(customer)", "alert_id": "\#(quiet)"}"#)
            #expect(reset.status == .ok && reset.body == nil)
            #expect(try await Self.status(client, customer, quiet)["customer_status"] as? String == "in_alarm")

            let unknown = try await client.call(
                .post, "/v1/customer-alerts/reset", json: #"{"customer_id": "\#(customer)", "alert_id": "\#(UUID().uuidString.lowercased())"}"#
            )
            #expect(unknown.status == .notFound && unknown.message != nil)
            let badId = try await client.call(.post, "/v1/customer-alerts/reset", json: #"{"customer_id": "\#(customer)", "alert_id": "x"}"#)
            #expect(badId.status == .badRequest && badId.message != nil)
        }
    }

    @Test func anArchivedAlertHasNoStatusAndItsUniquenessKeyIsHeldUntilReleased() async throws {
        try await withEmulator { client in
            let customer = try await Self.customerOnGrowth(client)
            let body = #"{"alert_type": "spend_threshold_reached", "name": "U", "threshold": 1, "uniqueness_key": "alert-key"}"#
            let first = try await Self.createAlert(client, body)
            #expect((try await Self.status(client, customer, first)["alert"] as? [String: Any])?["uniqueness_key"] as? String == "alert-key")
            let clash = try await client.call(.post, "/v1/alerts/create", json: body)
            #expect(clash.status == .conflict && clash.message == "This uniqueness key has already been used.")

            #expect(try await client.call(.post, "/v1/alerts/archive", json: #"{"id": "\#(first)"}"#).status == .ok)
            let archived = try await Self.status(client, customer, first)
            #expect((archived["alert"] as? [String: Any])?["status"] as? String == "archived")
            #expect(archived["customer_status"] is NSNull && archived["triggered_by"] is NSNull)
            #expect(try await client.call(.post, "/v1/alerts/create", json: body).status == .conflict)

            let release = #"{"id": "\#(first)", "release_uniqueness_key": true}"#
            #expect(try await client.call(.post, "/v1/alerts/archive", json: release).status == .ok)
            let second = try await Self.createAlert(client, body)
            #expect(second != first)
        }
    }

    @Test(arguments: [
        (#"{"name": "X", "threshold": 1}"#, "Missing required field 'alert_type'"),
        (#"{"alert_type": "spend_threshold_reached", "threshold": 1}"#, "Missing required field 'name'"),
        (#"{"alert_type": "spend_threshold_reached", "name": "X"}"#, "Missing required field 'threshold'"),
        (#"{"alert_type": "nonsense", "name": "X", "threshold": 1}"#, nil),
        (#"{"alert_type": "spend_threshold_reached", "name": "X", "threshold": "lots"}"#, "Field 'threshold' must be a number"),
        (#"{"alert_type": "spend_threshold_reached", "name": "", "threshold": 1}"#, nil),
        (#"{"alert_type": "usage_threshold_reached", "name": "X", "threshold": 1}"#, "'billable_metric_id' is required for usage_threshold_reached alerts"),
        (#"{"alert_type": "low_remaining_seat_balance_reached", "name": "X", "threshold": 1}"#, "'seat_filter' is required for low_remaining_seat_balance_reached alerts"),
        (#"{"alert_type": "spend_threshold_reached", "name": "X", "threshold": 1, "customer_id": "nope"}"#, nil),
        (#"{"alert_type": "spend_threshold_reached", "name": "X", "threshold": 1, "uniqueness_key": ""}"#, nil),
        (#"{"alert_type": "low_remaining_commit_balance_reached", "name": "X", "threshold": 1, "access_type": "QUANTITY", "credit_type_id": "2714e483-4ff1-48e4-9e25-ac732e8f24f2"}"#,
         "'credit_type_id' cannot be given with access_type QUANTITY"),
        (#"{"alert_type": "spend_threshold_reached", "name": "X", "threshold": 1"#, "Request body is not valid JSON"),
        ("[]", "Request body must be a JSON object"),
    ] as [(String, String?)])
    func aBadCreateIs400WithAMessageAndCreatesNothing(body: String, message: String?) async throws {
        try await withEmulator { client in
            let customer = try await client.createCustomer()
            let answer = try await client.call(.post, "/v1/alerts/create", json: body)
            #expect(answer.status == .badRequest)
            #expect(answer.message != nil)
            if let message { #expect(answer.message == message) }
            let listed = try await client.call(.post, "/v1/customer-alerts/list", json: #"{"customer_id": "\#(customer)", "alert_statuses": ["ENABLED", "ARCHIVED"]}"#)
            #expect(listed.items.isEmpty)
        }
    }

    @Test func unknownIDsAre404AndBadReadsAre400() async throws {
        try await withEmulator { client in
            let customer = try await Self.customerOnGrowth(client)
            let unknown = UUID().uuidString.lowercased()
            for scope in [#""customer_id": "\#(unknown)""#, #""plan_id": "\#(unknown)""#] {
                let answer = try await client.call(.post, "/v1/alerts/create", json: #"{"alert_type": "spend_threshold_reached", "name": "X", "threshold": 1, \#(scope)}"#)
                #expect(answer.status == .notFound && answer.message != nil, "\(scope)")
            }
            let unknownMetric = try await client.call(.post, "/v1/alerts/create", json: """
                {"alert_type": "usage_threshold_reached", "name": "X", "threshold": 1, "billable_metric_id": "\(unknown)"}
                """)
            #expect(unknownMetric.status == .notFound)
            #expect(try await client.call(.post, "/v1/alerts/archive", json: #"{"id": "\#(unknown)"}"#).status == .notFound)
            let alert = try await Self.createAlert(client, #"{"alert_type": "spend_threshold_reached", "name": "X", "threshold": 1}"#)
            for body in [#"{"customer_id": "\#(customer)", "alert_id": "\#(unknown)"}"#, #"{"customer_id": "\#(unknown)", "alert_id": "\#(alert)"}"#] {
                let answer = try await client.call(.post, "/v1/customer-alerts/get", json: body)
                #expect(answer.status == .notFound && answer.message != nil, "\(body)")
            }
            #expect(try await client.call(.post, "/v1/customer-alerts/list", json: #"{"customer_id": "\#(unknown)"}"#).status == .notFound)

            for (path, body) in [
                ("/v1/customer-alerts/list", "{}"),
                ("/v1/customer-alerts/list", #"{"customer_id": "\#(customer)", "alert_statuses": ["SLEEPING"]}"#),
                ("/v1/customer-alerts/list?next_page=garbage", #"{"customer_id": "\#(customer)"}"#),
                ("/v1/customer-alerts/get", #"{"customer_id": "\#(customer)"}"#),
                ("/v1/customer-alerts/get", #"{"customer_id": "\#(customer)", "alert_id": "nope"}"#),
                ("/v1/alerts/archive", "{}"),
                ("/v1/alerts/archive", #"{"id": 7}"#),
            ] {
                let answer = try await client.call(.post, path, json: body)
                #expect(answer.status == .badRequest && answer.message != nil, "\(path) \(body)")
            }
        }
    }

    // MARK: - Helpers

    /// Freezes the emulated clock at `now`.
    private static func freeze(_ client: some TestClientProtocol, _ now: String) async throws {
        let answer = try await client.call(.post, "/_emulator/clock", json: #"{"now": "\#(now)"}"#)
        #expect(answer.status == .ok)
    }

    /// A new customer on Growth since 2026-01-01, with the clock frozen mid-January.
    private static func customerOnGrowth(_ client: some TestClientProtocol) async throws -> String {
        try await freeze(client, "2026-01-15T12:00:00Z")
        let customer = try await client.createCustomer(name: "Alerted Co")
        let added = try await client.call(
            .post, "/v1/customers/\(customer)/plans/add", json: #"{"plan_id": "\#(growth)", "starting_on": "2026-01-01T00:00:00Z"}"#
        )
        #expect(added.status == .ok, "\(added.message ?? "")")
        return customer
    }

    /// Creates an alert from `json` and returns its ID.
    private static func createAlert(_ client: some TestClientProtocol, _ json: String) async throws -> String {
        let answer = try await client.call(.post, "/v1/alerts/create", json: json)
        #expect(answer.status == .ok, "\(answer.message ?? "")")
        return try #require(answer.data["id"] as? String)
    }

    /// The customer's view of an alert (`data` of `customer-alerts/get`).
    private static func status(_ client: some TestClientProtocol, _ customer: String, _ alert: String) async throws -> [String: Any] {
        let answer = try await client.call(.post, "/v1/customer-alerts/get", json: #"{"customer_id": "\#(customer)", "alert_id": "\#(alert)"}"#)
        #expect(answer.status == .ok, "\(answer.message ?? "")")
        return answer.data
    }

    /// An ingest body of `count` (at most 60) API calls by `customer`, a minute apart from the start of `hour`.
    private static func apiCalls(_ customer: String, count: Int, hour: String) -> String {
        let prefix = UUID().uuidString
        let events = (0..<count).map { minute in
            #"{"transaction_id": "\#(prefix)-\#(minute)", "customer_id": "\#(customer)", "event_type": "api_call", "#
                + #""timestamp": "\#(hour):\#(minute < 10 ? "0" : "")\#(minute):00Z", "properties": {"endpoint": "/search"}}"#
        }
        return "[" + events.joined(separator: ",") + "]"
    }

    private static func decimal(_ value: Any?) -> Decimal? {
        (value as? NSNumber).flatMap { Decimal(string: $0.stringValue) }
    }
}
