import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Invoices: a customer's invoices and their breakdowns, costs, PDFs, one-time charges, void
/// and regenerate.
struct InvoicesEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/v1/customers/{customer_id}/invoices", use: list)
        routes.get("/v1/customers/{customer_id}/invoices/breakdowns", use: breakdowns)
        routes.get("/v1/customers/{customer_id}/invoices/{invoice_id}", use: get)
        routes.get("/v1/customers/{customer_id}/invoices/{invoice_id}/pdf", use: pdf)
        routes.get("/v1/customers/{customer_id}/costs", use: costs)
        routes.post("/v1/customers/{customer_id}/addCharge", use: addCharge)
        routes.post("/v1/customers/{customer_id}/previewEvents", use: previewEvents)
        routes.post("/v1/invoices/void", use: void)
        routes.post("/v1/invoices/regenerate", use: regenerate)
        return routes
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let page = try PageRequest(query: query, list: "invoices")
        var filter = try Self.filter(query)
        filter.type = try query.string("type").map { text in
            guard let type = InvoiceTypeFilter(wireValue: text) else {
                throw APIError.badRequest("'type' must be one of: \(InvoiceTypeFilter.allowedValues)")
            }
            return type.rawValue
        }
        filter.contractId = try query.string("contract_id").map { try Validate.id($0, field: "contract_id") }
        filter.startingOn = try query.timestamp("starting_on")
        filter.endingBefore = try query.timestamp("ending_before")
        let skipZero = try query.bool("skip_zero_qty_line_items") ?? false
        let invoices = try await database.invoices(customerId: try CustomersEndpoints.customerId(context), filter: filter, now: clock.now())
        let start = page.after.map { cursor in (invoices.firstIndex { $0.id == cursor.key.first } ?? invoices.count - 1) + 1 } ?? 0
        let rows = Array(invoices.dropFirst(start).prefix(page.fetchLimit))
        return try JSONResponse.ok(Page(rows: rows, request: page, list: "invoices", key: { [$0.id] }) {
            InvoiceWire(skipZero ? $0.skippingZeroQuantityLines() : $0)
        })
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let invoice = try await database.invoice(
            customerId: try CustomersEndpoints.customerId(context), id: try Self.invoiceId(context), now: clock.now()
        )
        let skipZero = try query.bool("skip_zero_qty_line_items") ?? false
        return try JSONResponse.ok(DataEnvelope(data: InvoiceWire(skipZero ? invoice.skippingZeroQuantityLines() : invoice)))
    }

    /// An invoice cut into days (at most 35 a page) or hours (at most 24 a page).
    @Sendable func breakdowns(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let windowSize = try query.string("window_size").map { text in
            guard let size = WindowSize(wireValue: text), size != .none else {
                throw APIError.badRequest("'window_size' must be one of: HOUR, DAY")
            }
            return size
        } ?? .day
        let maxLimit = windowSize == .hour ? 24 : 35
        let page = try PageRequest(query: query, list: "invoice-breakdowns", defaultLimit: maxLimit, maxLimit: maxLimit)
        let (startingOn, endingBefore) = try Self.requiredRange(query)
        let filter = try Self.filter(query)
        let offset = try Self.offset(page)
        let (items, more) = try await database.invoiceBreakdowns(
            customerId: try CustomersEndpoints.customerId(context), filter: filter, startingOn: startingOn,
            endingBefore: endingBefore, windowSize: windowSize, offset: offset, limit: page.limit, now: clock.now()
        )
        let skipZero = try query.bool("skip_zero_qty_line_items") ?? false
        let data = items.map { item in
            var document = skipZero ? item.document.skippingZeroQuantityLines() : item.document
            document.breakdownStartTimestamp = item.window.lowerBound
            document.breakdownEndTimestamp = item.window.upperBound
            return InvoiceWire(document)
        }
        let next = more ? PageCursor(list: "invoice-breakdowns", key: [String(offset + page.limit)]) : nil
        return try JSONResponse.ok(Page(data: data, next: next))
    }

    @Sendable func pdf(_ request: Request, context: Context) async throws -> Response {
        let customerId = try CustomersEndpoints.customerId(context)
        let invoice = try await database.invoice(customerId: customerId, id: try Self.invoiceId(context), now: clock.now())
        let customer = try await database.customer(id: customerId)
        let bytes = InvoicePDF.render(invoice, customerName: customer.record.name)
        return Response(
            status: .ok, headers: [.contentType: "application/pdf"], body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    /// Daily costs per credit type over `[starting_on, ending_before)`.
    @Sendable func costs(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let page = try PageRequest(query: query, list: "costs", defaultLimit: Limits.pageSize, maxLimit: Limits.pageSize)
        let (startingOn, endingBefore) = try Self.requiredRange(query)
        let offset = try Self.offset(page)
        let (days, more) = try await database.dailyCosts(
            customerId: try CustomersEndpoints.customerId(context), startingOn: startingOn, endingBefore: endingBefore,
            offset: offset, limit: page.limit, now: clock.now()
        )
        let next = more ? PageCursor(list: "costs", key: [String(offset + page.limit)]) : nil
        return try JSONResponse.ok(Page(data: days.map { CostDayWire(window: $0.window, lines: $0.lines) }, next: next))
    }

    /// Adds a one-time charge to a customer plan's draft invoice; answers `{}`.
    @Sendable func addCharge(_ request: Request, context: Context) async throws -> Response {
        let customerId = try CustomersEndpoints.customerId(context)
        let body = try await request.decodeJSON(as: AddChargeRequest.self, context: context)
        try await database.addChargeToInvoice(
            customerId: customerId, customerPlanId: try Validate.id(body.customerPlanId, field: "customer_plan_id"),
            invoiceStart: body.invoiceStartTimestamp, chargeId: try Validate.id(body.chargeId, field: "charge_id"),
            description: body.description, price: body.price, quantity: body.quantity, now: clock.now()
        )
        return try JSONResponse.ok([String: String]())
    }

    /// The customer's draft invoices with the given events added to (or replacing) its usage;
    /// nothing is stored.
    @Sendable func previewEvents(_ request: Request, context: Context) async throws -> Response {
        let customerId = try CustomersEndpoints.customerId(context)
        let body = try await request.decodeJSON(as: PreviewEventsRequest.self, context: context)
        let mode = body.mode ?? .replace
        guard body.events.count <= 100 else { throw APIError.badRequest("'events' takes at most 100 events") }
        if mode == .merge && body.events.isEmpty { throw APIError.badRequest("'events' must hold at least one event in merge mode") }
        let now = clock.now()
        var transactionIds = Set<String>()
        let events = try body.events.enumerated().map { index, event in
            try Validate.length(event.eventType, field: "events[\(index)].event_type", 1...256)
            if let transactionId = event.transactionId {
                try Validate.length(transactionId, field: "events[\(index)].transaction_id", Limits.identifierLength)
                guard transactionIds.insert(transactionId).inserted else {
                    throw APIError.badRequest("'events[\(index)].transaction_id' \(transactionId) appears more than once")
                }
            }
            return UsageEvent(
                transactionId: event.transactionId ?? UUID().uuidString, customerRef: customerId, eventType: event.eventType,
                timestamp: event.timestamp ?? now, properties: event.properties ?? [:]
            )
        }
        let drafts = try await database.previewDraftInvoices(customerId: customerId, events: events, replace: mode == .replace, now: now)
        let skipZero = body.skipZeroQtyLineItems ?? false
        return try JSONResponse.ok(DataEnvelope(data: drafts.map { InvoiceWire(skipZero ? $0.skippingZeroQuantityLines() : $0) }))
    }

    @Sendable func void(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: InvoiceIdRequest.self, context: context)
        let id = try await database.voidInvoice(id: try Validate.id(body.id, field: "id"), now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func regenerate(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: InvoiceIdRequest.self, context: context)
        let id = try await database.regenerateInvoice(id: try Validate.id(body.id, field: "id"), now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    // MARK: - Parameters

    /// Where a page of windows starts, from its cursor.
    private static func offset(_ page: PageRequest) throws -> Int {
        let offset = try page.after.map { try $0.integer(at: 0) } ?? 0
        guard (0...1_000_000).contains(offset) else { throw APIError.badRequest("'next_page' is not a valid cursor") }
        return Int(offset)
    }

    private static func invoiceId(_ context: Context) throws -> String {
        try Validate.id(context.parameters.get("invoice_id") ?? "", field: "invoice_id")
    }

    private static func filter(_ query: QueryParameters) throws -> InvoiceFilter {
        var filter = InvoiceFilter()
        filter.status = try query.string("status").map { text in
            guard ["DRAFT", "FINALIZED", "VOID"].contains(text.uppercased()) else {
                throw APIError.badRequest("'status' must be one of: DRAFT, FINALIZED, VOID")
            }
            return text.uppercased()
        }
        filter.creditTypeId = try query.string("credit_type_id").map { try Validate.id($0, field: "credit_type_id") }
        filter.newestFirst = try query.string("sort").map { text in
            guard let sort = InvoiceSort(wireValue: text) else {
                throw APIError.badRequest("'sort' must be one of: \(InvoiceSort.allowedValues)")
            }
            return sort == .dateDesc
        } ?? false
        return filter
    }

    /// The required `starting_on` and `ending_before`, in order.
    private static func requiredRange(_ query: QueryParameters) throws -> (Timestamp, Timestamp) {
        guard let startingOn = try query.timestamp("starting_on") else {
            throw APIError.badRequest("Missing required query parameter 'starting_on'")
        }
        guard let endingBefore = try query.timestamp("ending_before") else {
            throw APIError.badRequest("Missing required query parameter 'ending_before'")
        }
        try Validate.range(startingAt: startingOn, endingBefore: endingBefore)
        return (startingOn, endingBefore)
    }
}
