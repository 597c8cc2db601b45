import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// The body of `getSubscriptionSeatsHistory`.
struct SubscriptionSeatsHistoryRequest: Decodable {
    var customerId: String
    var contractId: String
    var subscriptionId: String
    var coveringDate: Timestamp?
    var startingAt: Timestamp?
    var endingBefore: Timestamp?
    var cursor: String?
    var limit: Int?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", subscriptionId = "subscription_id"
        case coveringDate = "covering_date", startingAt = "starting_at", endingBefore = "ending_before", cursor, limit
    }
}

/// One segment of a subscription's seats history.
struct SeatsSegmentWire: Encodable {
    var assignedSeatIds: [String]
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var totalQuantity: Int

    enum CodingKeys: String, CodingKey {
        case assignedSeatIds = "assigned_seat_ids", startingAt = "starting_at", endingBefore = "ending_before"
        case totalQuantity = "total_quantity"
    }
}

/// The body of `seatBalances/list`.
struct SeatBalancesRequest: Decodable {
    var customerId: String
    var contractId: String
    var coveringDate: Timestamp?
    var startingAt: Timestamp?
    var effectiveBefore: Timestamp?
    var cursor: String?
    var limit: Int?
    var includeCreditsAndCommits: Bool?
    var includeLedgers: Bool?
    var seatIds: [String]?
    var skipMissingSeatIds: Bool?
    var subscriptionIds: [String]?

    enum CodingKeys: String, CodingKey {
        case customerId = "customer_id", contractId = "contract_id", coveringDate = "covering_date"
        case startingAt = "starting_at", effectiveBefore = "effective_before", cursor, limit
        case includeCreditsAndCommits = "include_credits_and_commits", includeLedgers = "include_ledgers"
        case seatIds = "seat_ids", skipMissingSeatIds = "skip_missing_seat_ids", subscriptionIds = "subscription_ids"
    }
}

/// A seat and what it holds, as `seatBalances/list` answers it. The emulator keeps no commits
/// or credits per seat (recurring ones with a per-seat allocation are refused at creation), so
/// `balances` is empty and `commits`/`credits` are empty when asked for.
struct SeatBalanceWire: Encodable {
    var seatId: String
    var balances: [JSONValue]
    var commits: [JSONValue]?
    var credits: [JSONValue]?

    enum CodingKeys: String, CodingKey {
        case seatId = "seat_id", balances, commits, credits
    }
}

/// A page of `seatBalances/list`: `{"data", "pagination"}`.
struct SeatBalancesPageWire: Encodable {
    var data: [SeatBalanceWire]
    var pagination: Pagination

    /// Where the list stands.
    struct Pagination: Encodable {
        var nextPage: String?
        var seatsIncluded: Int
        var seatsAvailableForNextPage: Int

        enum CodingKeys: String, CodingKey {
            case nextPage = "next_page", seatsIncluded = "seats_included"
            case seatsAvailableForNextPage = "seats_available_for_next_page"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(nextPage, forKey: .nextPage)
            try container.encode(seatsIncluded, forKey: .seatsIncluded)
            try container.encode(seatsAvailableForNextPage, forKey: .seatsAvailableForNextPage)
        }
    }
}

extension ContractsEndpoints {
    /// The seats of a SEAT_BASED subscription over time: its initial seats, then each change
    /// contract edits' seat updates made. 400 for a QUANTITY_ONLY one.
    @Sendable func subscriptionSeatsHistory(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: SubscriptionSeatsHistoryRequest.self, context: context)
        if body.coveringDate != nil, body.startingAt != nil || body.endingBefore != nil {
            throw APIError.badRequest("'covering_date' cannot be given with 'starting_at' or 'ending_before'")
        }
        let page = try PageRequest(
            bodyLimit: body.limit, bodyToken: body.cursor, tokenField: "cursor", list: "subscription-seats-history",
            defaultLimit: 10, maxLimit: 10
        )
        let subscriptionId = try Validate.id(body.subscriptionId, field: "subscription_id")
        let snapshot = try await database.contract(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            contractId: try Validate.id(body.contractId, field: "contract_id"), now: clock.now()
        )
        guard let subscription = snapshot.terms.subscriptions.first(where: { $0.id == subscriptionId }) else {
            throw APIError.notFound("Subscription of contract \(snapshot.terms.id)", subscriptionId)
        }
        guard subscription.seatConfig != nil else {
            throw APIError.badRequest("Subscription \(subscriptionId) is QUANTITY_ONLY: only a SEAT_BASED subscription has seats")
        }
        let segments = subscription.seatSegments.map {
            SeatsSegmentWire(
                assignedSeatIds: $0.assignedSeatIds, startingAt: $0.startingAt, endingBefore: $0.endingBefore,
                totalQuantity: NSDecimalNumber(decimal: $0.totalQuantity).intValue
            )
        }.filter { segment in
            let endsAfter = { (moment: Timestamp) in segment.endingBefore.map { $0 > moment } ?? true }
            if let date = body.coveringDate { return segment.startingAt <= date && endsAfter(date) }
            return (body.startingAt.map(endsAfter) ?? true) && (body.endingBefore.map { segment.startingAt <= $0 } ?? true)
        }
        let rows = Array(segments.enumerated())
        let after = try page.after?.integer(at: 0)
        return try JSONResponse.ok(Page(
            rows: rows.filter { row in after.map { Int64(row.offset) > $0 } ?? true }, request: page,
            list: "subscription-seats-history",
            key: { [String($0.offset)] }, transform: \.element
        ))
    }

    /// The seats of the contract's SEAT_BASED subscriptions, in subscription order, then each
    /// subscription's seats in the order first assigned (a seat removed by an edit stays listed).
    @Sendable func seatBalances(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: SeatBalancesRequest.self, context: context)
        if body.coveringDate != nil, body.startingAt != nil || body.effectiveBefore != nil {
            throw APIError.badRequest("'covering_date' cannot be given with 'starting_at' or 'effective_before'")
        }
        let list = "seat-balances"
        let page = try PageRequest(
            bodyLimit: body.limit, bodyToken: body.cursor, tokenField: "cursor", list: list, defaultLimit: 25, maxLimit: 100
        )
        let snapshot = try await database.contract(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            contractId: try Validate.id(body.contractId, field: "contract_id"), now: clock.now()
        )
        var subscriptions = snapshot.terms.subscriptions
        if let ids = body.subscriptionIds {
            let wanted = Set(try ids.map { try Validate.id($0, field: "subscription_ids") })
            for id in wanted.sorted() {
                guard let subscription = subscriptions.first(where: { $0.id == id }) else {
                    throw APIError.notFound("Subscription of contract \(snapshot.terms.id)", id)
                }
                guard subscription.seatConfig != nil else {
                    throw APIError.badRequest("'subscription_ids': subscription \(id) is not SEAT_BASED")
                }
            }
            subscriptions = subscriptions.filter { wanted.contains($0.id) }
        }
        var seats = subscriptions.flatMap(\.seatIdsEverAssigned)
        if let ids = body.seatIds {
            let missing = ids.filter { !seats.contains($0) }
            if let first = missing.first, !(body.skipMissingSeatIds ?? false) {
                throw APIError.badRequest("'seat_ids': seat \(first) is on none of the contract's subscriptions")
            }
            seats = seats.filter { ids.contains($0) }
        }
        let after = try page.after?.integer(at: 0) ?? -1
        let remaining = seats.enumerated().filter { Int64($0.offset) > after }
        let kept = remaining.prefix(page.limit)
        let withCommits = body.includeCreditsAndCommits ?? false
        let next = remaining.count > page.limit ? kept.last.map { PageCursor(list: list, key: [String($0.offset)]).token } : nil
        return try JSONResponse.ok(SeatBalancesPageWire(
            data: kept.map {
                SeatBalanceWire(seatId: $0.element, balances: [], commits: withCommits ? [] : nil, credits: withCommits ? [] : nil)
            },
            pagination: .init(nextPage: next, seatsIncluded: kept.count, seatsAvailableForNextPage: remaining.count - kept.count)
        ))
    }
}
