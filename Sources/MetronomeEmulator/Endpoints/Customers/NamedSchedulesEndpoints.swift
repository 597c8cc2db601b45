import Hummingbird

/// A customer's named schedules: `/v1/customers/getNamedSchedule` and `updateNamedSchedule`.
struct CustomerNamedSchedulesEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/customers/getNamedSchedule", use: get)
        routes.post("/v1/customers/updateNamedSchedule", use: update)
        return routes
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: GetCustomerNamedScheduleRequest.self, context: context)
        let owner = NamedScheduleOwner.customer(try Validate.id(body.customerId, field: "customer_id"))
        var segments = try await database.namedSchedule(of: owner, name: body.scheduleName)
        if let coveringDate = body.coveringDate {
            segments = NamedSchedule.segment(of: segments, covering: coveringDate).map { [$0] } ?? []
        }
        return try JSONResponse.ok(DataEnvelope(data: segments.map(ScheduleSegmentWire.init)))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: UpdateCustomerNamedScheduleRequest.self, context: context)
        let owner = NamedScheduleOwner.customer(try Validate.id(body.customerId, field: "customer_id"))
        try Validate.length(body.scheduleName, field: "schedule_name", 1...256)
        try Validate.range(startingAt: body.startingAt, endingBefore: body.endingBefore)
        let segment = ScheduleSegment(startingAt: body.startingAt, endingBefore: body.endingBefore, value: body.value)
        try await database.updateNamedSchedule(of: owner, name: body.scheduleName, segment: segment)
        return JSONResponse.empty()
    }
}
