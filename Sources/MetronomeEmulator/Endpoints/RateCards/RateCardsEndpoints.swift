import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Rate cards and their rates: `/v1/contract-pricing/rate-cards/...`.
struct RateCardsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// addRates takes at most this many rates.
    static let maxRatesPerRequest = 100

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/contract-pricing/rate-cards/create", use: create)
        routes.post("/v1/contract-pricing/rate-cards/get", use: get)
        routes.post("/v1/contract-pricing/rate-cards/update", use: update)
        routes.post("/v1/contract-pricing/rate-cards/list", use: list)
        routes.post("/v1/contract-pricing/rate-cards/archive", use: archive)
        routes.post("/v1/contract-pricing/rate-cards/addRate", use: addRate)
        routes.post("/v1/contract-pricing/rate-cards/addRates", use: addRates)
        routes.post("/v1/contract-pricing/rate-cards/getRates", use: getRates)
        routes.post("/v1/contract-pricing/rate-cards/getRateSchedule", use: getRateSchedule)
        routes.post("/v1/contract-pricing/rate-cards/setRateCardProductsOrder", use: setProductsOrder)
        routes.post("/v1/contract-pricing/rate-cards/moveRateCardProducts", use: moveProducts)
        return routes
    }

    // MARK: - Rate cards

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: CreateRateCardRequest.self, context: context)
        let new = NewRateCard(
            name: try Validate.name(body.name), description: body.description,
            aliases: try RateCardAliasBody.validated(body.aliases),
            fiatCreditTypeId: try Validate.id(body.fiatCreditTypeId ?? CreditTypes.usdCentsId, field: "fiat_credit_type_id"),
            creditTypeConversions: try CreditTypeConversionBody.validated(body.creditTypeConversions, field: "credit_type_conversions"),
            customFields: body.customFields ?? [:]
        )
        let id = try await database.createRateCard(new, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: RateCardIDRequest.self, context: context)
        let card = try await database.rateCard(id: try Validate.id(body.id, field: "id"))
        return try JSONResponse.ok(DataEnvelope(data: RateCardWire(card)))
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: UpdateRateCardRequest.self, context: context)
        let id = try Validate.id(body.rateCardId, field: "rate_card_id")
        let changes = RateCardChanges(
            name: try body.name.map { try Validate.name($0) }, description: body.description,
            aliases: try body.aliases.map { try RateCardAliasBody.validated($0) },
            addCreditTypeConversions: try CreditTypeConversionBody.validated(
                body.addCreditTypeConversions, field: "add_credit_type_conversions"
            )
        )
        try await database.updateRateCard(id: id, changes: changes)
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "rate-cards")
        _ = try await request.decodeJSON(as: UnreadBody.self, context: context)
        let rows = try await database.rateCards(afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit)
        return try JSONResponse.ok(
            Page(rows: rows, request: page, list: "rate-cards", key: { [String($0.record.seq ?? 0)] }, transform: RateCardWire.init)
        )
    }

    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: RateCardIDRequest.self, context: context)
        let id = try Validate.id(body.id, field: "id")
        try await database.archiveRateCard(id: id, now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    // MARK: - Rates

    @Sendable func addRate(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: AddRateRequest.self, context: context)
        let id = try Validate.id(body.rateCardId, field: "rate_card_id")
        let added = try await database.addRates(rateCardId: id, rates: [try body.rate.rate()], listField: nil, now: clock.now())
        let rate = added[0]
        return try JSONResponse.ok(DataEnvelope(data: RateWire(rate.rate, creditType: rate.creditType, withCommitRate: true)))
    }

    /// Adds every rate or none.
    @Sendable func addRates(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: AddRatesRequest.self, context: context)
        let id = try Validate.id(body.rateCardId, field: "rate_card_id")
        guard !body.rates.isEmpty else { throw APIError.badRequest("'rates' must not be empty") }
        try Validate.count(body.rates, field: "rates", max: Self.maxRatesPerRequest)
        let rates = try body.rates.enumerated().map { index, rate in try rate.rate(field: "rates[\(index)].") }
        _ = try await database.addRates(rateCardId: id, rates: rates, listField: "rates", now: clock.now())
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// The rates in force at `at`.
    @Sendable func getRates(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "rates")
        let body = try await request.decodeJSON(as: GetRatesRequest.self, context: context)
        return try await listing(
            rateCardId: body.rateCardId, window: .at(body.at), selectors: body.selectors, page: page, list: "rates"
        )
    }

    /// Every rate segment in force at some moment of `[starting_at, ending_before)`.
    @Sendable func getRateSchedule(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "rate-schedule")
        let body = try await request.decodeJSON(as: GetRateScheduleRequest.self, context: context)
        try Validate.range(startingAt: body.startingAt, endingBefore: body.endingBefore)
        return try await listing(
            rateCardId: body.rateCardId, window: .range(startingAt: body.startingAt, endingBefore: body.endingBefore),
            selectors: body.selectors, page: page, list: "rate-schedule"
        )
    }

    // MARK: - Product order

    @Sendable func setProductsOrder(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: SetRateCardProductsOrderRequest.self, context: context)
        let id = try Validate.id(body.rateCardId, field: "rate_card_id")
        let productIds = try body.productOrder.map { try Validate.id($0, field: "product_order") }
        try await database.setRateCardProductOrder(rateCardId: id, productIds: productIds)
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func moveProducts(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: MoveRateCardProductsRequest.self, context: context)
        let id = try Validate.id(body.rateCardId, field: "rate_card_id")
        let moves = try body.productMoves.enumerated().map { index, move in
            let position = move.position
            guard position >= 0, position == position.rounded(toPlaces: 0), position < 1_000_000 else {
                throw APIError.badRequest("'product_moves[\(index)].position' must be a whole number >= 0")
            }
            return (
                productId: try Validate.id(move.productId, field: "product_moves[\(index)].product_id"),
                position: NSDecimalNumber(decimal: position).intValue
            )
        }
        try await database.moveRateCardProducts(rateCardId: id, moves: moves)
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    // MARK: - Helpers

    private func listing(
        rateCardId: String, window: RateWindow, selectors: [RateSelectorBody]?, page: PageRequest, list: String
    ) async throws -> Response {
        let id = try Validate.id(rateCardId, field: "rate_card_id")
        let after = try page.after.map { cursor in
            guard let key = RateOrderKey(cursorKey: cursor.key) else {
                throw APIError.badRequest("'next_page' is not a valid cursor")
            }
            return key
        }
        let rows = try await database.rateListings(
            rateCardId: id, window: window, selectors: try RateSelectorBody.validated(selectors), after: after,
            limit: page.fetchLimit, now: clock.now()
        )
        return try JSONResponse.ok(
            Page(rows: rows, request: page, list: list, key: \.orderKey.cursorKey, transform: RateListingWire.init)
        )
    }
}
