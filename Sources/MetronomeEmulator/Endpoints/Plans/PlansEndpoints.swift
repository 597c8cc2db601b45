import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Plans (legacy): the plans fixtures define, and customers' plans.
struct PlansEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("/v1/plans", use: list)
        routes.get("/v1/planDetails/{plan_id}", use: details)
        routes.get("/v1/planDetails/{plan_id}/charges", use: charges)
        routes.get("/v1/planDetails/{plan_id}/customers", use: customers)
        routes.post("/v1/customers/{customer_id}/plans/add", use: add)
        routes.post("/v1/customers/{customer_id}/plans/{customer_plan_id}/end", use: end)
        routes.get("/v1/customers/{customer_id}/plans", use: listForCustomer)
        routes.get("/v1/customers/{customer_id}/plans/{customer_plan_id}/priceAdjustments", use: priceAdjustments)
        return routes
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "plans")
        let rows = try await database.plans(afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit)
        return try JSONResponse.ok(Page(rows: rows, request: page, list: "plans", key: { [String($0.seq ?? 0)] }) {
            PlanSummaryWire($0.definition)
        })
    }

    @Sendable func details(_ request: Request, context: Context) async throws -> Response {
        let plan = try await database.plan(id: try Self.planId(context))
        return try JSONResponse.ok(DataEnvelope(data: PlanDetailWire(plan.definition, creditTypeNames: try await database.creditTypeNames())))
    }

    /// A plan's charges, paged by their position in the plan.
    @Sendable func charges(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "plan-charges")
        let plan = try await database.plan(id: try Self.planId(context))
        let names = try await database.creditTypeNames()
        let start = try page.after.map { Int(try $0.integer(at: 0)) + 1 } ?? 0
        let rows = Array(plan.definition.charges.enumerated().dropFirst(start).prefix(page.fetchLimit))
        return try JSONResponse.ok(Page(rows: rows, request: page, list: "plan-charges", key: { [String($0.offset)] }) {
            PlanChargeWire($0.element, creditTypeNames: names)
        })
    }

    @Sendable func customers(_ request: Request, context: Context) async throws -> Response {
        let query = QueryParameters(request)
        let page = try PageRequest(query: query, list: "plan-customers")
        let status = try query.string("status").map { text in
            guard let status = CustomerPlanStatus(wireValue: text) else {
                throw APIError.badRequest("'status' must be one of: \(CustomerPlanStatus.allowedValues)")
            }
            return status
        } ?? .active
        let planId = try Self.planId(context)
        let plan = try await database.plan(id: planId)
        let rows = try await database.planCustomers(
            planId: planId, status: status, now: clock.now(), afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit
        )
        return try JSONResponse.ok(Page(rows: rows, request: page, list: "plan-customers", key: { [String($0.0.seq ?? 0)] }) { customerPlan, customer in
            PlanCustomerWire(
                customerDetails: CustomerDetailWire(customer),
                planDetails: .init(id: plan.id, customFields: plan.definition.customFields ?? [:], customerPlanId: customerPlan.id,
                                   name: plan.definition.name, startingOn: customerPlan.startingOn, endingBefore: customerPlan.endingBefore)
            )
        })
    }

    /// Puts the customer on a plan from a midnight UTC, with its price adjustments and trial.
    @Sendable func add(_ request: Request, context: Context) async throws -> Response {
        let customerId = try CustomersEndpoints.customerId(context)
        let body = try await request.decodeJSON(as: AddCustomerPlanRequest.self, context: context)
        try Self.checkMidnight(body.startingOn, "starting_on")
        if let endingBefore = body.endingBefore {
            try Self.checkMidnight(endingBefore, "ending_before")
            try Validate.range(startingAt: body.startingOn, endingBefore: endingBefore)
        }
        let adjustments = (body.priceAdjustments ?? []).map(\.domain)
        for (index, adjustment) in adjustments.enumerated() {
            try Self.check(adjustment, field: "price_adjustments[\(index)]")
        }
        if let trial = body.trialSpec, trial.lengthInDays <= 0 {
            throw APIError.badRequest("'trial_spec.length_in_days' must be positive")
        }
        let id = try await database.addCustomerPlan(CustomerPlanRecord(
            id: UUID().uuidString.lowercased(), customerId: customerId,
            planId: try Validate.id(body.planId, field: "plan_id"),
            startingOn: body.startingOn, endingBefore: body.endingBefore, netPaymentTermsDays: body.netPaymentTermsDays,
            priceAdjustments: adjustments.map { var copy = $0; copy.chargeId = copy.chargeId.lowercased(); return copy },
            trialSpec: body.trialSpec?.domain,
            overageRateAdjustments: try (body.overageRateAdjustments ?? []).map {
                try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode($0))
            },
            customFields: [:]
        ), now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// Sets the end of a customer plan, or clears it when `ending_before` is omitted; answers `{}`.
    @Sendable func end(_ request: Request, context: Context) async throws -> Response {
        let customerId = try CustomersEndpoints.customerId(context)
        let customerPlanId = try Self.customerPlanId(context)
        let body = try await request.decodeJSON(as: EndCustomerPlanRequest.self, context: context)
        if let endingBefore = body.endingBefore {
            try Self.checkMidnight(endingBefore, "ending_before")
        }
        try await database.endCustomerPlan(customerId: customerId, id: customerPlanId, endingBefore: body.endingBefore, now: clock.now())
        return try JSONResponse.ok([String: String]())
    }

    @Sendable func listForCustomer(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "customer-plans")
        let customerId = try CustomersEndpoints.customerId(context)
        let rows = try await database.customerPlans(customerId: customerId, afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit)
        let names = try await database.creditTypeNames()
        let trialSpend = rows.contains { $0.0.trialSpec?.spendingCap != nil }
            ? try await database.trialSpend(customerId: customerId, now: clock.now()) : [:]
        return try JSONResponse.ok(Page(rows: rows, request: page, list: "customer-plans", key: { [String($0.0.seq ?? 0)] }) {
            CustomerPlanWire($0.0, plan: $0.1.definition, creditTypeNames: names, trialSpend: trialSpend[$0.0.id])
        })
    }

    /// The customer plan's price adjustments, one item per charge and starting period.
    @Sendable func priceAdjustments(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "price-adjustments")
        let (customerPlan, plan) = try await database.customerPlan(
            customerId: try CustomersEndpoints.customerId(context), id: try Self.customerPlanId(context)
        )
        let charges = Dictionary(plan.definition.charges.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var groups: [PriceAdjustmentsWire] = []
        for adjustment in customerPlan.priceAdjustments {
            let price = PriceAdjustmentsWire.Price(
                adjustmentType: adjustment.adjustmentType, quantity: adjustment.quantity, tier: adjustment.tier, value: adjustment.value
            )
            if let index = groups.firstIndex(where: { $0.chargeId == adjustment.chargeId && $0.startPeriod == adjustment.startPeriod }) {
                groups[index].prices.append(price)
            } else {
                groups.append(PriceAdjustmentsWire(
                    chargeId: adjustment.chargeId, chargeType: charges[adjustment.chargeId]?.chargeType ?? .usage,
                    prices: [price], startPeriod: adjustment.startPeriod,
                    quantity: adjustment.adjustmentType == .quantity ? adjustment.quantity : nil
                ))
            }
        }
        let start = try page.after.map { Int(try $0.integer(at: 0)) + 1 } ?? 0
        let rows = Array(groups.enumerated().dropFirst(start).prefix(page.fetchLimit))
        return try JSONResponse.ok(Page(rows: rows, request: page, list: "price-adjustments", key: { [String($0.offset)] }) { $0.element })
    }

    private static func check(_ adjustment: PriceAdjustment, field: String) throws {
        _ = try Validate.id(adjustment.chargeId, field: "\(field).charge_id")
        guard adjustment.startPeriod >= 0 else {
            throw APIError.badRequest("'\(field).start_period' must not be negative")
        }
        switch adjustment.adjustmentType {
        case .percentage, .fixed, .override:
            guard adjustment.value != nil else {
                throw APIError.badRequest("'\(field).value' is required for a \(adjustment.adjustmentType.rawValue) adjustment")
            }
        case .quantity:
            guard adjustment.quantity != nil else {
                throw APIError.badRequest("'\(field).quantity' is required for a quantity adjustment")
            }
        }
    }

    private static func checkMidnight(_ moment: Timestamp, _ field: String) throws {
        guard moment.isMidnightUTC else {
            throw APIError.badRequest("'\(field)' must be at midnight UTC (00:00:00Z), got \(moment.rfc3339)")
        }
    }

    private static func planId(_ context: Context) throws -> String {
        try Validate.id(context.parameters.get("plan_id") ?? "", field: "plan_id")
    }

    private static func customerPlanId(_ context: Context) throws -> String {
        try Validate.id(context.parameters.get("customer_plan_id") ?? "", field: "customer_plan_id")
    }
}
