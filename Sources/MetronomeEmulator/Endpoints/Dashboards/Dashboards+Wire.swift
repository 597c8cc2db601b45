import Foundation
import MetronomeBilling
import MetronomeCodecs

/// The body of `POST /v1/dashboards/getEmbeddableUrl`.
struct GetEmbeddableURLRequest: Decodable {
    var customerId: String
    var dashboard: String
    var colorOverrides: [ColorOverride]?
    var dashboardOptions: [DashboardOption]?
    var bmGroupKeyOverrides: [JSONValue]?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", dashboard, colorOverrides = "color_overrides"
        case dashboardOptions = "dashboard_options", bmGroupKeyOverrides = "bm_group_key_overrides"
    }

    /// One entry of `color_overrides`.
    struct ColorOverride: Decodable {
        var name: String?
        var value: String?
    }

    /// One entry of `dashboard_options`.
    struct DashboardOption: Decodable {
        var key: String
        var value: String
    }
}

/// The dashboards Metronome embeds.
enum EmbeddableDashboard: String, CaseIterable {
    case invoices, usage, credits
    case commitsAndCredits = "commits_and_credits"

    /// The names, as a 400 lists them.
    static var allowedValues: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The colours `color_overrides` may name, as the SDK spells them.
let embeddableColorNames: Set<String> = [
    "Gray_dark", "Gray_medium", "Gray_light", "Gray_extralight", "White", "Primary_medium", "Primary_light",
    "UsageLine_0", "UsageLine_1", "UsageLine_2", "UsageLine_3", "UsageLine_4", "UsageLine_5", "UsageLine_6",
    "UsageLine_7", "UsageLine_8", "UsageLine_9", "Primary_green", "Primary_red", "Progress_bar",
    "Progress_bar_background", "Action", "Action_hover",
]

/// What the embedded page draws: the grant's settings and the customer's data for its dashboard.
struct EmbeddedDashboardWire: Encodable {
    var dashboard: String
    var customer: Customer
    var options: [String: String]
    var colorOverrides: [String: String]
    /// Now on the emulator's clock.
    var now: Timestamp
    var invoices: [InvoiceWire]?
    var usage: [UsageWindowWire]?
    var commits: [CommitWire]?
    var credits: [CommitWire]?

    enum CodingKeys: String, CodingKey {
        case dashboard, customer, options, colorOverrides = "color_overrides", now, invoices, usage, commits, credits
    }

    /// The customer the dashboard is for.
    struct Customer: Encodable {
        var id: String
        var name: String
    }
}
