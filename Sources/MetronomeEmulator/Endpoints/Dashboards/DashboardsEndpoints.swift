import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Embeddable dashboards: `POST /v1/dashboards/getEmbeddableUrl` answers a URL on this emulator
/// whose page (served by `ConsoleEndpoints`) shows one customer's invoices, usage or credits.
struct DashboardsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    /// The namespace the routes serve, which the URL names and the grant is bound to.
    let namespace: String

    /// The `dashboard_options` keys honoured, each with the values it takes (nil: any id).
    static let honouredOptions: [String: [String]?] = [
        "show_zero_usage_line_items": ["true", "false"],
        "hide_voided_invoices": ["true", "false"],
        "invoice_status_filter": ["VOID", "FINALIZED", "DRAFT", "FINALIZED_AND_DRAFT", "ALL"],
        "invoice_type": ["USAGE", "SCHEDULED"],
        "contract_id": nil,
    ]
    /// The `dashboard_options` keys Metronome has that the emulator does not honour yet.
    static let unsupportedOptions = ["billable_status_filter", "hide_grant_name", "credit_ledger_credit_type_id"]

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/dashboards/getEmbeddableUrl", use: getEmbeddableURL)
        return routes
    }

    @Sendable func getEmbeddableURL(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: GetEmbeddableURLRequest.self, context: context)
        let customerId = try Validate.id(body.customerId, field: "customer_id")
        guard EmbeddableDashboard(rawValue: body.dashboard) != nil else {
            throw APIError.badRequest("'dashboard' must be one of: \(EmbeddableDashboard.allowedValues); got \"\(body.dashboard)\"")
        }
        if !(body.bmGroupKeyOverrides ?? []).isEmpty {
            throw APIError.unsupportedField("bm_group_key_overrides")
        }
        let options = try Self.options(body.dashboardOptions ?? [], dashboard: body.dashboard)
        let colors = try Self.colors(body.colorOverrides ?? [])
        _ = try await database.customer(id: customerId)
        let grant = EmbedGrant(namespace: namespace, customerId: customerId, dashboard: body.dashboard, options: options, colors: colors)
        let prefix = namespace == Namespaces.defaultName ? "" : Namespaces.pathPrefix + namespace
        let url = "http://\(Self.host(of: request))\(prefix)\(ConsoleEndpoints.embedPath)\(try grant.token)"
        return try JSONResponse.ok(DataEnvelope(data: ["url": url]))
    }

    /// The host and port the client addressed, so the URL works from where the client stands.
    static func host(of request: Request) -> String {
        let given = request.head.authority ?? ""
        // Only what a host (name, IPv4, [IPv6]) and port are made of: the URL is built from it.
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]_")
        guard !given.isEmpty, given.count <= 255, given.allSatisfy(allowed.contains) else { return "127.0.0.1" }
        return given
    }

    private static func options(_ given: [GetEmbeddableURLRequest.DashboardOption], dashboard: String) throws -> [String: String] {
        var options: [String: String] = [:]
        for (index, option) in given.enumerated() {
            if unsupportedOptions.contains(option.key) {
                throw APIError.badRequest(
                    "'dashboard_options[\(index)].key' \(option.key) is not supported by the emulator yet"
                )
            }
            guard let allowed = honouredOptions[option.key] else {
                let keys = (honouredOptions.keys.sorted() + unsupportedOptions).joined(separator: ", ")
                throw APIError.badRequest("'dashboard_options[\(index)].key' must be one of: \(keys); got \"\(option.key)\"")
            }
            guard dashboard == EmbeddableDashboard.invoices.rawValue else {
                throw APIError.badRequest("'dashboard_options' apply to the invoices dashboard only; got \(option.key) for \(dashboard)")
            }
            if let allowed {
                guard allowed.contains(option.value) else {
                    throw APIError.badRequest(
                        "'dashboard_options[\(index)].value' for \(option.key) must be one of: "
                            + "\(allowed.joined(separator: ", ")); got \"\(option.value)\""
                    )
                }
            } else {
                _ = try Validate.id(option.value, field: "dashboard_options[\(index)].value")
            }
            options[option.key] = option.value
        }
        return options
    }

    private static func colors(_ given: [GetEmbeddableURLRequest.ColorOverride]) throws -> [String: String] {
        var colors: [String: String] = [:]
        for (index, color) in given.enumerated() {
            guard let name = color.name else { throw APIError.badRequest("Missing required field 'color_overrides[\(index)].name'") }
            guard embeddableColorNames.contains(name) else {
                throw APIError.badRequest(
                    "'color_overrides[\(index)].name' must be one of: \(embeddableColorNames.sorted().joined(separator: ", ")); got \"\(name)\""
                )
            }
            guard let value = color.value else { throw APIError.badRequest("Missing required field 'color_overrides[\(index)].value'") }
            let digits = value.hasPrefix("#") ? value.dropFirst() : Substring(value)
            guard [3, 6, 8].contains(digits.count), digits.allSatisfy(\.isHexDigit) else {
                throw APIError.badRequest("'color_overrides[\(index)].value' must be a hex colour such as #1a2b3c; got \"\(value)\"")
            }
            colors[name] = "#" + digits
        }
        return colors
    }
}
