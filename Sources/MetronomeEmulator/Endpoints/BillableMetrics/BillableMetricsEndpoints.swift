import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Billable metrics: `/v1/billable-metrics` and a customer's `billable-metrics`.
struct BillableMetricsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/billable-metrics/create", use: create)
        routes.get("/v1/billable-metrics", use: list)
        routes.get("/v1/billable-metrics/{billable_metric_id}", use: retrieve)
        routes.put("/v1/billable-metrics/{billable_metric_id}", use: rename)
        routes.post("/v1/billable-metrics/archive", use: archive)
        routes.get("/v1/customers/{customer_id}/billable-metrics", use: listForCustomer)
        return routes
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateBillableMetricRequest.self, context: context)
        let id = try await database.createBillableMetric(
            name: try Validate.name(body.name), definition: try body.validatedDefinition(),
            customFields: body.customFields ?? [:], now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func retrieve(_ request: Request, context: Context) async throws -> Response {
        let metric = try await database.billableMetric(id: try Self.metricId(context))
        return try JSONResponse.ok(DataEnvelope(data: BillableMetricWire(metric)))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let page = try PageRequest(query: query, list: "billable-metrics")
        let rows = try await database.billableMetrics(
            includeArchived: try query.bool("include_archived") ?? false,
            afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit
        )
        return try JSONResponse.ok(Self.page(rows, page))
    }

    @Sendable func rename(_ request: Request, context: Context) async throws -> Response {
        let id = try Self.metricId(context)
        let body = try await request.decodeJSON(as: RenameBillableMetricRequest.self, context: context)
        try await database.renameBillableMetric(id: id, name: try Validate.name(body.name))
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ArchiveBillableMetricRequest.self, context: context)
        let id = try Validate.id(body.id, field: "id")
        try await database.archiveBillableMetric(id: id, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// A customer's billable metrics. With `on_current_plan`, only the metrics priced by usage
    /// charges of the plans the customer is on now (contracts are not built yet).
    @Sendable func listForCustomer(_ request: Request, context: Context) async throws -> Response {
        let customerId = try CustomersEndpoints.customerId(context)
        let query = QueryParameters(request)
        let page = try PageRequest(query: query, list: "billable-metrics")
        _ = try await database.customer(id: customerId)
        let onCurrentPlan = try query.bool("on_current_plan") ?? false
        let ids = onCurrentPlan ? try await database.billableMetricIdsOnCurrentPlans(customerId: customerId, now: clock.now()) : nil
        let rows = try await database.billableMetrics(
            includeArchived: try query.bool("include_archived") ?? false, ids: ids,
            afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit
        )
        return try JSONResponse.ok(Self.page(rows, page))
    }

    private static func page(_ rows: [BillableMetricRecord], _ page: PageRequest) -> Page<BillableMetricWire> {
        Page(rows: rows, request: page, list: "billable-metrics", key: { [String($0.seq ?? 0)] }, transform: BillableMetricWire.init)
    }

    private static func metricId(_ context: Context) throws -> String {
        try Validate.id(context.parameters.get("billable_metric_id") ?? "", field: "billable_metric_id")
    }
}
