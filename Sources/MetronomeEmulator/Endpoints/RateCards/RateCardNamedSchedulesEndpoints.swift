import Hummingbird

/// A rate card's named schedules: `/v1/contract-pricing/rate-cards/getNamedSchedule` and
/// `updateNamedSchedule`, on the same machinery as the customer ones.
struct RateCardNamedSchedulesEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/contract-pricing/rate-cards/getNamedSchedule", use: get)
        routes.post("/v1/contract-pricing/rate-cards/updateNamedSchedule", use: update)
        return routes
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: GetRateCardNamedScheduleRequest.self, context: context)
        let owner = NamedScheduleOwner.rateCard(try Validate.id(body.rateCardId, field: "rate_card_id"))
        var segments = try await database.namedSchedule(of: owner, name: body.scheduleName)
        if let coveringDate = body.coveringDate {
            segments = NamedSchedule.segment(of: segments, covering: coveringDate).map { [$0] } ?? []
        }
        return try JSONResponse.ok(DataEnvelope(data: segments.map(ScheduleSegmentWire.init)))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: UpdateRateCardNamedScheduleRequest.self, context: context)
        let owner = NamedScheduleOwner.rateCard(try Validate.id(body.rateCardId, field: "rate_card_id"))
        try Validate.length(body.scheduleName, field: "schedule_name", 1...256)
        try Validate.range(startingAt: body.startingAt, endingBefore: body.endingBefore)
        let segment = ScheduleSegment(startingAt: body.startingAt, endingBefore: body.endingBefore, value: body.value)
        try await database.updateNamedSchedule(of: owner, name: body.scheduleName, segment: segment)
        return JSONResponse.empty()
    }
}
