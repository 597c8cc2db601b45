import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Alerts (threshold notifications): create and archive, and each customer's view of them,
/// evaluated from its billing state whenever it is read.
struct AlertsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// Alerts a customer list page holds.
    static let pageSize = Limits.pageSize

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/alerts/create", use: create)
        routes.post("/v1/alerts/archive", use: archive)
        routes.post("/v1/customer-alerts/list", use: list)
        routes.post("/v1/customer-alerts/get", use: get)
        routes.post("/v1/customer-alerts/reset", use: reset)
        return routes
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateAlertRequest.self, context: context)
        let id = try await database.createAlert(try body.validated(), now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ArchiveAlertRequest.self, context: context)
        let id = try Validate.id(body.id, field: "id")
        try await database.archiveAlert(id: id, releaseUniquenessKey: body.releaseUniquenessKey ?? false, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// The alerts that apply to a customer: enabled ones unless `alert_statuses` says otherwise.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(queryWithoutLimit: QueryParameters(request), list: "customer-alerts", pageSize: Self.pageSize)
        let body = try await request.decodeJSON(as: ListCustomerAlertsRequest.self, context: context)
        var statuses = AlertStatusSelection()
        if let filter = body.alertStatuses, !filter.isEmpty {
            statuses = AlertStatusSelection(enabled: filter.contains(.enabled), archived: filter.contains(.archived))
        }
        let rows = try await database.customerAlerts(
            customerId: try Validate.id(body.customerId, field: "customer_id"), statuses: statuses,
            afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit, now: clock.now()
        )
        return try JSONResponse.ok(Page(rows: rows, request: page, list: "customer-alerts", key: { [String($0.seq)] }) {
            CustomerAlertWire($0.view)
        })
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let decoded = try await request.decodeJSON(as: BodyWithFields<CustomerAlertRequest>.self, context: context)
        try decoded.refuse(CustomerAlertRequest.unsupportedFields)
        let body = decoded.value
        let view = try await database.customerAlert(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            alertId: try Validate.id(body.alertId, field: "alert_id"), now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: CustomerAlertWire(view)))
    }

    /// Clears a customer's state for an alert and evaluates it afresh; answers an empty body.
    @Sendable func reset(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: CustomerAlertRequest.self, context: context)
        try await database.resetCustomerAlert(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            alertId: try Validate.id(body.alertId, field: "alert_id"), now: clock.now()
        )
        return JSONResponse.empty()
    }
}
