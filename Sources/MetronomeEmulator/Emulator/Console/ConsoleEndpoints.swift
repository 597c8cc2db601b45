import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The web console under `/_emulator/ui/`, the embeddable dashboards' pages, and the two lists
/// the console needs that Metronome's API does not give: customers newest first with a search,
/// and the counts of what the namespace holds. The pages are static files; their script reads
/// the JSON API with the token the user gives.
struct ConsoleEndpoints {
    typealias Context = EmulatorRequestContext

    /// Where the console's files are served; open without a token (they hold no data).
    static let uiPrefix = "/_emulator/ui"
    /// Where an embeddable dashboard's page is, followed by its signed grant.
    static let embedPath = "/_emulator/ui/embed/"
    /// Largest page of `GET /_emulator/customers`.
    static let maxCustomersPage = 100
    /// Days of usage the embedded usage dashboard draws, ending today.
    static let embeddedUsageDays: Int64 = 30

    let database: AppDatabase
    let clock: EmulatorClock
    /// The namespace served, whose grants alone this router accepts.
    let namespace: String
    var assets = ConsoleAssets.shared

    /// The routes of the console.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/_emulator/ui", use: index)
        routes.get("/_emulator/ui/assets/{file}", use: asset)
        routes.get("/_emulator/ui/embed/{token}", use: embedPage)
        routes.get("/_emulator/ui/embed/{token}/data", use: embedData)
        routes.get("/_emulator/customers", use: customers)
        routes.get("/_emulator/counts", use: counts)
        return routes
    }

    /// The console's page; `/_emulator/ui` without its slash is sent to `ui/`, so the page's
    /// relative links resolve under any namespace prefix.
    @Sendable func index(_ request: Request, context: Context) async throws -> Response {
        guard request.uri.path.hasSuffix("/") else {
            return Response(status: .movedPermanently, headers: [.location: "ui/"])
        }
        return try assets.response("index.html", request: request)
    }

    @Sendable func asset(_ request: Request, context: Context) async throws -> Response {
        let name = context.parameters.get("file") ?? ""
        guard name != "index.html", name != "embed.html" else { throw APIError.notFound("Console file", name) }
        return try assets.response(name, request: request)
    }

    /// The page of an embeddable dashboard; its script reads `<token>/data`.
    @Sendable func embedPage(_ request: Request, context: Context) async throws -> Response {
        _ = try grant(context)
        var response = try assets.response("embed.html", request: request)
        // Made to be framed by the client's own app, on any origin.
        response.headers[.contentSecurityPolicy] = "frame-ancestors *"
        return response
    }

    /// The customer's data for the grant's dashboard, in the API's own wire shapes.
    @Sendable func embedData(_ request: Request, context: Context) async throws -> Response {
        let grant = try grant(context)
        let now = clock.now()
        let customer = try await database.customer(id: grant.customerId)
        var wire = EmbeddedDashboardWire(
            dashboard: grant.dashboard, customer: .init(id: customer.record.id, name: customer.record.name),
            options: grant.options, colorOverrides: grant.colors, now: now
        )
        switch EmbeddableDashboard(rawValue: grant.dashboard) {
        case .invoices:
            wire.invoices = try await invoices(grant, now: now)
        case .usage:
            let day = Timestamp.millisecondsPerDay
            let today = now.millisecondsSinceEpoch.floorDivided(by: day) * day
            let start = Timestamp(millisecondsSinceEpoch: today - (Self.embeddedUsageDays - 1) * day)
            let end = Timestamp(millisecondsSinceEpoch: today + day)
            wire.usage = try await database.usageWindows(
                customerIds: [grant.customerId], metricIds: [], groupBy: [:], windows: WindowSize.day.windows(from: start, to: end),
                after: nil, limit: 10_000
            ).map { row in
                UsageWindowWire(
                    billableMetricId: row.metricId, billableMetricName: row.metricName, customerId: row.customerId,
                    startTimestamp: row.window.lowerBound, endTimestamp: row.window.upperBound, value: row.value, groups: nil
                )
            }
        case .credits, .commitsAndCredits:
            let accounts = try await database.commitAccounts(customerId: grant.customerId, now: now)
            let filter = CommitListFilter(includeArchived: false, includeContractLevel: true)
            func wires(_ kind: CommitKind) async throws -> [CommitWire] {
                try await database.commitsOrCredits(customerId: grant.customerId, kind: kind, filter: filter, afterSeq: nil, limit: 1_000, now: now)
                    .map { row in
                        var wire = CommitWire(row.terms, names: row.names)
                        wire.balance = accounts[row.terms.id]?.balance ?? 0
                        wire.ledger = (accounts[row.terms.id]?.ledger ?? []).map(LedgerEntryWire.init)
                        return wire
                    }
            }
            wire.credits = try await wires(.credit)
            if grant.dashboard == EmbeddableDashboard.commitsAndCredits.rawValue {
                wire.commits = try await wires(.commit)
            }
        case nil:
            throw APIError.notFound("Embeddable dashboard", grant.dashboard)
        }
        var response = try JSONResponse.ok(wire)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The customer's invoices as the grant's `dashboard_options` filter them.
    private func invoices(_ grant: EmbedGrant, now: Timestamp) async throws -> [InvoiceWire] {
        var filter = InvoiceFilter()
        filter.newestFirst = true
        filter.contractId = grant.options["contract_id"]
        filter.type = grant.options["invoice_type"]
        let statuses: Set<String>? = switch grant.options["invoice_status_filter"] ?? "ALL" {
        case "VOID": ["VOID"]
        case "FINALIZED": ["FINALIZED"]
        case "DRAFT": ["DRAFT"]
        case "FINALIZED_AND_DRAFT": ["FINALIZED", "DRAFT"]
        default: nil
        }
        let hideVoided = grant.options["hide_voided_invoices"] == "true"
        let showZero = grant.options["show_zero_usage_line_items"] == "true"
        return try await database.invoices(customerId: grant.customerId, filter: filter, now: now)
            .filter { invoice in
                (statuses?.contains(invoice.status) ?? true) && !(hideVoided && invoice.status == "VOID")
            }
            .prefix(100)
            .map { InvoiceWire(showZero ? $0 : $0.skippingZeroQuantityLines()) }
    }

    private func grant(_ context: Context) throws -> EmbedGrant {
        let token = context.parameters.get("token") ?? ""
        guard let grant = EmbedGrant(token: token), grant.namespace == namespace else {
            throw APIError.notFound("Embeddable dashboard", "this URL (it was not made by this emulator, or the emulator restarted since)")
        }
        return grant
    }

    // MARK: - Lists for the console

    /// `?search=&limit=&next_page=`: customers, archived too, newest first.
    @Sendable func customers(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let page = try PageRequest(query: query, list: "console-customers", defaultLimit: 25, maxLimit: Self.maxCustomersPage)
        let search = query.string("search")?.trimmingCharacters(in: .whitespaces)
        if let search { try Validate.length(search, field: "search", 0...256) }
        let rows = try await database.consoleCustomers(
            search: search, beforeSeq: try page.after?.integer(at: 0), limit: page.fetchLimit
        )
        return try JSONResponse.ok(Page(rows: rows, request: page, list: "console-customers", key: { [String($0.record.seq ?? 0)] }) {
            ConsoleCustomerWire(
                id: $0.record.id, name: $0.record.name, ingestAliases: $0.ingestAliases, createdAt: $0.record.createdAt,
                archivedAt: $0.record.archivedAt
            )
        })
    }

    @Sendable func counts(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.ok(try await database.catalogCounts())
    }
}

/// A customer as the console's list shows it.
struct ConsoleCustomerWire: Encodable {
    var id: String
    var name: String
    var ingestAliases: [String]
    var createdAt: Timestamp
    var archivedAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case id, name, ingestAliases = "ingest_aliases", createdAt = "created_at", archivedAt = "archived_at"
    }
}
