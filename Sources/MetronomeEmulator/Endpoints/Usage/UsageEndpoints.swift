import Dispatch
import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Synchronization

/// Usage: ingest, events search, and usage aggregated by window (`/v1/usage`, `/v1/usage/groups`).
struct UsageEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock
    /// Where the customers a batch names go to have their alerts evaluated.
    let alerts: AlertEvaluationQueue

    /// Rows on one page of `/v1/usage`, which takes no `limit`.
    static let usagePageSize = 1000

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/ingest", use: ingest)
        routes.post("/v1/events/search", use: search)
        routes.post("/v1/usage", use: list)
        routes.post("/v1/usage/groups", use: listGroups)
        return routes
    }

    /// Stores 1–100 events; a bad event rejects the whole batch with a 400 that names it.
    @Sendable func ingest(_ request: Request, context: Context) async throws -> Response {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let now = clock.now()
        let database = database
        let (events, counted) = try await withCheckedThrowingContinuation { continuation in
            IngestPreparation.queue().async {
                do {
                    let events = try IngestBatch.parse(buffer, now: now)
                    database.ingest(events, now: now) { continuation.resume(with: $0.map { (events, $0) }) }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        if counted > 0 {
            // As Metronome does, alerts follow usage as it arrives, from what was committed.
            // By index: iterating the events themselves copies every one.
            alerts.add(events.indices.lazy.map { events[$0].customerRef })
        }
        return JSONResponse.empty()
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: SearchEventsRequest.self, context: context)
        try Validate.count(body.transactionIds, field: "transactionIds", max: Limits.idsPerFilter)
        let found = try await database.usageEvents(transactionIds: body.transactionIds)
        let metrics = try await database.billableMetrics(includeArchived: false, afterSeq: nil, limit: Int.max)
        let items = found.map { stored, customer in
            SearchedEventWire(
                id: Self.eventId(seq: stored.seq), customerId: stored.event.customerRef, eventType: stored.event.eventType,
                timestamp: stored.event.timestamp, transactionId: stored.event.transactionId, isDuplicate: stored.isDuplicate,
                matchedBillableMetrics: metrics.filter { $0.definition.matches(stored.event) }.map(BillableMetricWire.init),
                matchedCustomer: customer.map { SearchedEventWire.MatchedCustomer(id: $0.id, name: $0.name) },
                processedAt: stored.ingestedAt, properties: stored.event.properties
            )
        }
        return try JSONResponse.ok(items)
    }

    /// Usage per customer, metric and window, paged by `next_page` in the query.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(queryWithoutLimit: QueryParameters(request), list: "usage", pageSize: Self.usagePageSize)
        let body = try await request.decodeJSON(as: ListUsageRequest.self, context: context)
        try Self.checkDayAligned(startingOn: body.startingOn, endingBefore: body.endingBefore)
        let selections = body.billableMetrics ?? []
        let groupBy = Dictionary(
            selections.compactMap { selection in
                selection.groupBy.map { (selection.id.lowercased(), UsageGroupBy(key: $0.key, values: $0.values)) }
            },
            uniquingKeysWith: { first, _ in first }
        )
        let rows = try await database.usageWindows(
            customerIds: try body.customerIds.map { try $0.map { try Validate.id($0, field: "customer_ids") } },
            metricIds: try selections.map { try Validate.id($0.id, field: "billable_metrics.id") }, groupBy: groupBy,
            windows: body.windowSize.windows(from: body.startingOn, to: body.endingBefore),
            after: try page.after.map { [try $0.integer(at: 0), try $0.integer(at: 1), try $0.integer(at: 2)] },
            limit: page.fetchLimit
        ).map { row in
            (row.position, UsageWindowWire(
                billableMetricId: row.metricId, billableMetricName: row.metricName, customerId: row.customerId,
                startTimestamp: row.window.lowerBound, endTimestamp: row.window.upperBound, value: row.value, groups: row.groups
            ))
        }
        return try JSONResponse.ok(Page(
            rows: rows, request: page, list: "usage", key: { $0.0.map(String.init) }, transform: { $0.1 }
        ))
    }

    /// One customer's usage of one metric per window and group of property values.
    @Sendable func listGroups(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "usage-groups")
        let body = try await request.decodeJSON(as: ListUsageGroupsRequest.self, context: context)
        let customerId = try Validate.id(body.customerId, field: "customer_id")
        let metric = try await database.billableMetric(id: try Validate.id(body.billableMetricId, field: "billable_metric_id"))
        let customer = try await database.usageCustomers(ids: [customerId])[0]
        let startingOn: Timestamp, endingBefore: Timestamp
        if body.currentPeriod == true {
            guard body.startingOn == nil, body.endingBefore == nil else {
                throw APIError.badRequest("'current_period' cannot be combined with 'starting_on' or 'ending_before'")
            }
            guard let period = try await database.currentBillingPeriod(customerId: customerId, now: clock.now()) else {
                throw APIError.badRequest("Customer \(customerId) has no current billing period: it is on no plan or contract now")
            }
            (startingOn, endingBefore) = (period.start, period.end)
        } else {
            guard let start = body.startingOn, let end = body.endingBefore else {
                throw APIError.badRequest("'starting_on' and 'ending_before' are required unless 'current_period' is true")
            }
            try Self.checkDayAligned(startingOn: start, endingBefore: end)
            (startingOn, endingBefore) = (start, end)
        }
        let keys = try Self.groupKeys(body, metric: metric)
        let definition = metric.definition
        var events = try await database.usageEvents(refs: customer.refs, startingAt: startingOn, endingBefore: endingBefore)
            .filter(definition.matches)
        for (key, values) in body.groupFilters ?? [:] where !values.isEmpty {
            events = events.filter { event in event.properties[key]?.propertyText.map(values.contains) ?? false }
        }
        if let values = body.groupBy?.values, let key = keys.first {
            events = events.filter { event in event.properties[key]?.propertyText.map(values.contains) ?? false }
        }

        var rows: [UsageGroupWire] = []
        for window in body.windowSize.windows(from: startingOn, to: endingBefore) {
            let inWindow = events.filter { window.contains($0.timestamp) }
            guard !keys.isEmpty else {
                rows.append(UsageGroupWire(startingOn: window.lowerBound, endingBefore: window.upperBound, value: definition.aggregate(inWindow)))
                continue
            }
            let groups = Dictionary(grouping: inWindow) { event in keys.map { event.properties[$0]?.propertyText ?? "" } }
            for (values, members) in groups.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                rows.append(UsageGroupWire(
                    startingOn: window.lowerBound, endingBefore: window.upperBound, value: definition.aggregate(members),
                    group: Dictionary(uniqueKeysWithValues: zip(keys, values)),
                    groupKey: keys.count == 1 ? keys[0] : nil, groupValue: keys.count == 1 ? values[0] : nil
                ))
            }
        }
        let start = try page.after.map { Int(try $0.integer(at: 0)) + 1 } ?? 0
        let slice = Array(rows.dropFirst(start).prefix(page.fetchLimit).enumerated().map { (start + $0.offset, $0.element) })
        return try JSONResponse.ok(Page(rows: slice, request: page, list: "usage-groups", key: { [String($0.0)] }, transform: { $0.1 }))
    }

    /// The grouping asked for: `group_key` or the older single `group_by.key`, which must be
    /// exactly one of the metric's group keys (part of a compound key is not enough).
    private static func groupKeys(_ body: ListUsageGroupsRequest, metric: BillableMetricRecord) throws -> [String] {
        if body.groupKey != nil && body.groupBy != nil {
            throw APIError.badRequest("'group_key' and 'group_by' cannot be used together")
        }
        let keys = body.groupKey ?? body.groupBy.map { [$0.key] } ?? []
        guard !keys.isEmpty else { return [] }
        guard metric.groupKeys.contains(where: { Set($0) == Set(keys) }) else {
            throw APIError.badRequest("Group key \(keys) is not one of the billable metric's group keys \(metric.groupKeys)")
        }
        for key in body.groupFilters?.keys.sorted() ?? [] where !keys.contains(key) {
            throw APIError.badRequest("'group_filters' key \(key) is not in 'group_key'")
        }
        return keys
    }

    private static func checkDayAligned(startingOn: Timestamp, endingBefore: Timestamp) throws {
        guard startingOn.isMidnightUTC, endingBefore.isMidnightUTC else {
            throw APIError.badRequest("'starting_on' and 'ending_before' must be aligned to midnight UTC")
        }
        guard endingBefore.millisecondsSinceEpoch - startingOn.millisecondsSinceEpoch >= Timestamp.millisecondsPerDay else {
            throw APIError.badRequest("'ending_before' must be at least one day after 'starting_on'")
        }
    }

    /// A stable, UUID-shaped ID for a stored event.
    static func eventId(seq: Int64) -> String {
        let hex = String(seq, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
    }
}

/// Where ingest bodies are read and readied for the writer: threads of their own, so that this
/// bulk work does not queue ahead of other requests on the shared pool that runs every handler.
enum IngestPreparation {
    private static let queues = (0..<max(1, ProcessInfo.processInfo.activeProcessorCount)).map {
        DispatchQueue(label: "ingest-preparation-\($0)")
    }
    private static let turn = Atomic<UInt>(0)

    static func queue() -> DispatchQueue {
        queues[Int(turn.add(1, ordering: .relaxed).oldValue % UInt(queues.count))]
    }
}
