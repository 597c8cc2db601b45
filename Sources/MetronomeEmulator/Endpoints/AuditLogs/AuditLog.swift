import Crypto
import Foundation
import Hummingbird
import MetronomeCodecs
import MetronomeStore
import NIOCore

/// What the audit log records of a write route: its action, the type of resource it acts on, and
/// where the resource's ID is found.
struct AuditedRoute: Sendable {
    /// Where an audited request names its resource.
    enum ResourceID: Sendable {
        /// A field of the response's `data` (a create's new ID).
        case created(String)
        /// A top-level field of the request body.
        case body(String)
        /// A path segment (its index among the path's `/`-separated segments).
        case path(Int)
        /// Nowhere single.
        case none
    }

    var method: HTTPRequest.Method
    var template: String
    var action: String
    var resourceType: String
    var resourceID: ResourceID

    /// Every write route the log records. Usage ingest is not an action on a resource, and is
    /// left out, as are reads sent with POST.
    static let all: [AuditedRoute] = [
        .init(method: .post, template: "/v1/customers", action: "create_customer", resourceType: "customer", resourceID: .created("id")),
        .init(method: .post, template: "/v1/customers/archive", action: "archive_customer", resourceType: "customer", resourceID: .body("id")),
        .init(method: .post, template: "/v1/customers/{}/setName", action: "change_name", resourceType: "customer", resourceID: .path(3)),
        .init(method: .post, template: "/v1/customers/{}/setIngestAliases", action: "set_ingest_aliases", resourceType: "customer", resourceID: .path(3)),
        .init(method: .post, template: "/v1/customers/{}/updateConfig", action: "update_config", resourceType: "customer", resourceID: .path(3)),
        .init(method: .post, template: "/v1/customers/{}/plans/add", action: "add_plan", resourceType: "customer", resourceID: .path(3)),
        .init(method: .post, template: "/v1/customers/{}/plans/{}/end", action: "end_plan", resourceType: "customer", resourceID: .path(3)),
        .init(method: .post, template: "/v1/customers/{}/addCharge", action: "add_charge", resourceType: "customer", resourceID: .path(3)),
        .init(method: .post, template: "/v1/customers/{}/billing-config/{}", action: "set_billing_config", resourceType: "customer", resourceID: .path(3)),
        .init(method: .delete, template: "/v1/customers/{}/billing-config/{}", action: "delete_billing_config", resourceType: "customer", resourceID: .path(3)),
        .init(method: .post, template: "/v1/customers/updateNamedSchedule", action: "update_named_schedule", resourceType: "customer", resourceID: .body("customer_id")),
        .init(method: .post, template: "/v1/setCustomerBillingProviderConfigurations", action: "set_billing_provider_configurations", resourceType: "customer", resourceID: .none),
        .init(method: .post, template: "/v1/archiveCustomerBillingProviderConfigurations", action: "archive_billing_provider_configurations", resourceType: "customer", resourceID: .body("customer_id")),
        .init(method: .post, template: "/v1/billable-metrics/create", action: "create_billable_metric", resourceType: "billable_metric", resourceID: .created("id")),
        .init(method: .post, template: "/v1/billable-metrics/archive", action: "archive_billable_metric", resourceType: "billable_metric", resourceID: .body("id")),
        .init(method: .put, template: "/v1/billable-metrics/{}", action: "update_billable_metric", resourceType: "billable_metric", resourceID: .path(3)),
        .init(method: .post, template: "/v1/contract-pricing/products/create", action: "create_product", resourceType: "product", resourceID: .created("id")),
        .init(method: .post, template: "/v1/contract-pricing/products/update", action: "update_product", resourceType: "product", resourceID: .body("product_id")),
        .init(method: .post, template: "/v1/contract-pricing/products/archive", action: "archive_product", resourceType: "product", resourceID: .body("product_id")),
        .init(method: .post, template: "/v1/contract-pricing/rate-cards/create", action: "create_rate_card", resourceType: "rate_card", resourceID: .created("id")),
        .init(method: .post, template: "/v1/contract-pricing/rate-cards/update", action: "update_rate_card", resourceType: "rate_card", resourceID: .body("rate_card_id")),
        .init(method: .post, template: "/v1/contract-pricing/rate-cards/archive", action: "archive_rate_card", resourceType: "rate_card", resourceID: .body("id")),
        .init(method: .post, template: "/v1/contract-pricing/rate-cards/addRate", action: "add_rate", resourceType: "rate_card", resourceID: .body("rate_card_id")),
        .init(method: .post, template: "/v1/contract-pricing/rate-cards/addRates", action: "add_rates", resourceType: "rate_card", resourceID: .body("rate_card_id")),
        .init(method: .post, template: "/v1/contract-pricing/rate-cards/moveRateCardProducts", action: "move_rate_card_products", resourceType: "rate_card", resourceID: .body("rate_card_id")),
        .init(method: .post, template: "/v1/contract-pricing/rate-cards/setRateCardProductsOrder", action: "set_rate_card_products_order", resourceType: "rate_card", resourceID: .body("rate_card_id")),
        .init(method: .post, template: "/v1/contract-pricing/rate-cards/updateNamedSchedule", action: "update_named_schedule", resourceType: "rate_card", resourceID: .body("rate_card_id")),
        .init(method: .post, template: "/v1/contracts/create", action: "create_contract", resourceType: "contract", resourceID: .created("id")),
        .init(method: .post, template: "/v1/contracts/archive", action: "archive_contract", resourceType: "contract", resourceID: .body("contract_id")),
        .init(method: .post, template: "/v1/contracts/updateEndDate", action: "update_contract_end_date", resourceType: "contract", resourceID: .body("contract_id")),
        .init(method: .post, template: "/v1/contracts/createHistoricalInvoices", action: "create_historical_invoices", resourceType: "invoice", resourceID: .none),
        .init(method: .post, template: "/v1/contracts/scheduleProServicesInvoice", action: "schedule_pro_services_invoice", resourceType: "contract", resourceID: .body("contract_id")),
        .init(method: .post, template: "/v1/contracts/updateNamedSchedule", action: "update_named_schedule", resourceType: "contract", resourceID: .body("contract_id")),
        .init(method: .post, template: "/v1/contracts/amend", action: "amend_contract", resourceType: "contract", resourceID: .body("contract_id")),
        .init(method: .post, template: "/v2/contracts/edit", action: "edit_contract", resourceType: "contract", resourceID: .body("contract_id")),
        .init(method: .post, template: "/v2/contracts/commits/edit", action: "edit_commit", resourceType: "commit", resourceID: .body("commit_id")),
        .init(method: .post, template: "/v2/contracts/credits/edit", action: "edit_credit", resourceType: "credit", resourceID: .body("credit_id")),
        .init(method: .post, template: "/v1/contracts/customerCommits/create", action: "create_commit", resourceType: "commit", resourceID: .created("id")),
        .init(method: .post, template: "/v1/contracts/customerCommits/updateEndDate", action: "update_commit_end_date", resourceType: "commit", resourceID: .body("commit_id")),
        .init(method: .post, template: "/v1/contracts/customerCredits/create", action: "create_credit", resourceType: "credit", resourceID: .created("id")),
        .init(method: .post, template: "/v1/contracts/customerCredits/updateEndDate", action: "update_credit_end_date", resourceType: "credit", resourceID: .body("credit_id")),
        .init(method: .post, template: "/v1/customFields/addKey", action: "add_custom_field_key", resourceType: "custom_field_key", resourceID: .body("key")),
        .init(method: .post, template: "/v1/customFields/removeKey", action: "remove_custom_field_key", resourceType: "custom_field_key", resourceID: .body("key")),
        .init(method: .post, template: "/v1/customFields/setValues", action: "set_custom_field_values", resourceType: "custom_fields", resourceID: .body("id")),
        .init(method: .post, template: "/v1/customFields/deleteValues", action: "delete_custom_field_values", resourceType: "custom_fields", resourceID: .body("id")),
        .init(method: .post, template: "/v1/alerts/create", action: "create_alert", resourceType: "alert", resourceID: .created("id")),
        .init(method: .post, template: "/v1/alerts/archive", action: "archive_alert", resourceType: "alert", resourceID: .body("id")),
        .init(method: .post, template: "/v1/customer-alerts/reset", action: "reset_customer_alert", resourceType: "alert", resourceID: .body("alert_id")),
        .init(method: .post, template: "/v1/invoices/void", action: "void_invoice", resourceType: "invoice", resourceID: .body("id")),
        .init(method: .post, template: "/v1/invoices/regenerate", action: "regenerate_invoice", resourceType: "invoice", resourceID: .body("id")),
        .init(method: .post, template: "/v1/credit-types/create", action: "create_pricing_unit", resourceType: "credit_type", resourceID: .created("id")),
        .init(method: .post, template: "/v1/credit-types/archive", action: "archive_pricing_unit", resourceType: "credit_type", resourceID: .body("id")),
        .init(method: .post, template: "/v1/packages/create", action: "create_package", resourceType: "package", resourceID: .created("id")),
        .init(method: .post, template: "/v1/packages/archive", action: "archive_package", resourceType: "package", resourceID: .body("package_id")),
        .init(method: .post, template: "/v1/contracts/setUsageFilter", action: "set_usage_filter", resourceType: "contract", resourceID: .body("contract_id")),
        .init(method: .post, template: "/v1/contracts/addManualBalanceLedgerEntry", action: "add_manual_balance_ledger_entry", resourceType: "commit", resourceID: .body("id")),
        .init(method: .post, template: "/v1/credits/createGrant", action: "create_credit_grant", resourceType: "credit_grant", resourceID: .created("id")),
        .init(method: .post, template: "/v1/credits/editGrant", action: "edit_credit_grant", resourceType: "credit_grant", resourceID: .body("id")),
        .init(method: .post, template: "/v1/credits/voidGrant", action: "void_credit_grant", resourceType: "credit_grant", resourceID: .body("id")),
        .init(method: .post, template: "/v1/setUpBillingProvider", action: "set_up_billing_provider", resourceType: "delivery_method", resourceID: .created("delivery_method_id")),
        .init(method: .post, template: "/v1/upsertAvalaraCredentials", action: "upsert_avalara_credentials", resourceType: "delivery_method", resourceID: .none),
        .init(method: .post, template: "/v2/notifications/create", action: "create_notification", resourceType: "notification", resourceID: .created("id")),
        .init(method: .post, template: "/v2/notifications/edit", action: "edit_notification", resourceType: "notification", resourceID: .body("id")),
        .init(method: .post, template: "/v2/notifications/archive", action: "archive_notification", resourceType: "notification", resourceID: .body("id")),
    ]

    /// The position in `all` of each route without a path parameter, by method and path.
    private static let exact: [String: Int] = Dictionary(
        all.indices.filter { !all[$0].template.contains("{}") }.map { ("\(all[$0].method.rawValue) \(all[$0].template)", $0) },
        uniquingKeysWith: { first, _ in first }
    )
    /// The routes with a path parameter: their position in `all` and their template's segments.
    private static let templated: [(index: Int, segments: [Substring])] = all.indices.filter { all[$0].template.contains("{}") }
        .map { ($0, all[$0].template.split(separator: "/", omittingEmptySubsequences: false)) }

    /// The audited route `method` and `path` match, if any (the first in `all`). Every request
    /// asks, so the templates are split once, not per request.
    static func matching(method: HTTPRequest.Method, path: String) -> AuditedRoute? {
        let exactIndex = exact["\(method.rawValue) \(path)"]
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let templatedIndex = templated.first { candidate in
            candidate.index < (exactIndex ?? .max) && all[candidate.index].method == method
                && candidate.segments.count == segments.count
                && zip(candidate.segments, segments).allSatisfy { $0 == "{}" || $0 == $1 }
        }?.index
        return (templatedIndex ?? exactIndex).map { all[$0] }
    }
}

/// Records every audited write in the namespace's audit log, once it has been answered: with
/// `success` for a 2xx and `failure` otherwise, the actor named by a digest of its token.
struct AuditLogMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let route = AuditedRoute.matching(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        let timestamp = clock.now()
        var request = request
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        request.body = RequestBody(buffer: body)
        // Named by the request, the resource is known whatever the answer.
        var resourceId: String?
        switch route.resourceID {
        case .body(let key):
            resourceId = Self.field(key, inObjectAt: nil, of: body)
        case .path(let index):
            let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
            resourceId = index < segments.count ? String(segments[index]) : nil
        case .created, .none:
            break
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            try await record(route, request: request, body: body, status: "failure", resourceId: resourceId, at: timestamp)
            throw error
        }
        let succeeded = (200..<300).contains(response.status.code)
        if case .created(let key) = route.resourceID, succeeded {
            let captured: CapturedBody
            (response, captured) = try await TrafficControlMiddleware.capture(response)
            resourceId = Self.field(key, inObjectAt: "data", of: captured.bytes)
        }
        try await record(route, request: request, body: body, status: succeeded ? "success" : "failure", resourceId: resourceId, at: timestamp)
        return response
    }

    private func record(
        _ route: AuditedRoute, request: Request, body: ByteBuffer, status: String, resourceId: String?, at timestamp: Timestamp
    ) async throws {
        try await database.recordAudit(AuditLogEntry(
            id: UUID().uuidString.lowercased(), timestamp: timestamp,
            actorId: Self.actorId(request.headers[.authorization]), actorName: "API token",
            requestId: UUID().uuidString.lowercased(), userAgent: request.headers[.userAgent],
            resourceType: route.resourceType, resourceId: resourceId, action: route.action, status: status,
            description: "\(request.method) \(request.uri.path)"
        ))
    }

    /// A stable ID for the token in `authorization`, from its SHA-256: the token itself is never kept.
    static func actorId(_ authorization: String?) -> String {
        let digest = SHA256.hash(data: Data((authorization ?? "").utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(digest[digest.index(digest.startIndex, offsetBy: range.lowerBound)..<digest.index(digest.startIndex, offsetBy: range.upperBound)])
        }
        return parts.joined(separator: "-")
    }

    /// The string `key` of the JSON object `buffer` holds (or of its member object `container`).
    static func field(_ key: String, inObjectAt container: String?, of buffer: ByteBuffer) -> String? {
        guard case .object(var object)? = try? JSONValue(jsonText: String(buffer: buffer)) else {
            return nil
        }
        if let container {
            guard case .object(let inner)? = object[container] else { return nil }
            object = inner
        }
        guard case .string(let value)? = object[key] else { return nil }
        return value
    }
}
