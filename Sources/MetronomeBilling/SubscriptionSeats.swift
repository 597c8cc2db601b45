import Foundation
import MetronomeCodecs

// MARK: - Seat updates

/// What one edit changes of a SEAT_BASED subscription's seats (`seat_updates`), as sent.
package struct SubscriptionSeatUpdates: Codable, Sendable, Equatable {
    package var addSeatIds: [SeatIds]
    package var removeSeatIds: [SeatIds]
    package var addUnassignedSeats: [UnassignedSeats]
    package var removeUnassignedSeats: [UnassignedSeats]

    /// Seat IDs assigned or removed from `startingAt` on.
    package struct SeatIds: Codable, Sendable, Equatable {
        package var seatIds: [String]
        package var startingAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case seatIds = "seat_ids", startingAt = "starting_at"
        }

        /// A value with each stored property given.
        package init(seatIds: [String], startingAt: Timestamp) {
            self.seatIds = seatIds
            self.startingAt = startingAt
        }
    }

    /// A number of unassigned seats added or removed from `startingAt` on.
    package struct UnassignedSeats: Codable, Sendable, Equatable {
        package var quantity: Decimal
        package var startingAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case quantity, startingAt = "starting_at"
        }

        /// A value with each stored property given.
        package init(quantity: Decimal, startingAt: Timestamp) {
            self.quantity = quantity
            self.startingAt = startingAt
        }
    }

    enum CodingKeys: String, CodingKey {
        case addSeatIds = "add_seat_ids", removeSeatIds = "remove_seat_ids"
        case addUnassignedSeats = "add_unassigned_seats", removeUnassignedSeats = "remove_unassigned_seats"
    }

    /// A value with each stored property given.
    package init(
        addSeatIds: [SeatIds] = [], removeSeatIds: [SeatIds] = [], addUnassignedSeats: [UnassignedSeats] = [],
        removeUnassignedSeats: [UnassignedSeats] = []
    ) {
        self.addSeatIds = addSeatIds
        self.removeSeatIds = removeSeatIds
        self.addUnassignedSeats = addUnassignedSeats
        self.removeUnassignedSeats = removeUnassignedSeats
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        addSeatIds = try container.decodeIfPresent([SeatIds].self, forKey: .addSeatIds) ?? []
        removeSeatIds = try container.decodeIfPresent([SeatIds].self, forKey: .removeSeatIds) ?? []
        addUnassignedSeats = try container.decodeIfPresent([UnassignedSeats].self, forKey: .addUnassignedSeats) ?? []
        removeUnassignedSeats = try container.decodeIfPresent([UnassignedSeats].self, forKey: .removeUnassignedSeats) ?? []
    }

    /// Only the lists that hold something.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !addSeatIds.isEmpty { try container.encode(addSeatIds, forKey: .addSeatIds) }
        if !removeSeatIds.isEmpty { try container.encode(removeSeatIds, forKey: .removeSeatIds) }
        if !addUnassignedSeats.isEmpty { try container.encode(addUnassignedSeats, forKey: .addUnassignedSeats) }
        if !removeUnassignedSeats.isEmpty { try container.encode(removeUnassignedSeats, forKey: .removeUnassignedSeats) }
    }

    /// Whether no list holds anything.
    package var isEmpty: Bool {
        addSeatIds.isEmpty && removeSeatIds.isEmpty && addUnassignedSeats.isEmpty && removeUnassignedSeats.isEmpty
    }

    /// Every item's `starting_at`, each with its field name relative to `seat_updates`.
    package var moments: [(field: String, startingAt: Timestamp)] {
        addSeatIds.enumerated().map { ("add_seat_ids[\($0.offset)]", $0.element.startingAt) }
            + removeSeatIds.enumerated().map { ("remove_seat_ids[\($0.offset)]", $0.element.startingAt) }
            + addUnassignedSeats.enumerated().map { ("add_unassigned_seats[\($0.offset)]", $0.element.startingAt) }
            + removeUnassignedSeats.enumerated().map { ("remove_unassigned_seats[\($0.offset)]", $0.element.startingAt) }
    }
}

// MARK: - Seat schedule

/// A stretch of a SEAT_BASED subscription with one set of seats: the IDs assigned (in the order
/// they were assigned) and the number of seats left unassigned.
package struct SubscriptionSeatSegment: Sendable, Equatable {
    package var assignedSeatIds: [String]
    package var unassignedSeats: Decimal
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?

    /// Assigned and unassigned seats: the quantity billed.
    package var totalQuantity: Decimal { Decimal(assignedSeatIds.count) + unassignedSeats }

    /// A value with each stored property given.
    package init(assignedSeatIds: [String], unassignedSeats: Decimal, startingAt: Timestamp, endingBefore: Timestamp?) {
        self.assignedSeatIds = assignedSeatIds
        self.unassignedSeats = unassignedSeats
        self.startingAt = startingAt
        self.endingBefore = endingBefore
    }
}

/// A seat update the schedule cannot take; `update` is its index in `seatUpdates`, `item` its
/// field relative to `seat_updates` (e.g. `add_seat_ids[0]`).
package struct SeatScheduleViolation: Error, Sendable {
    package var update: Int
    package var item: String
    package var message: String
}

extension SubscriptionTerms {
    /// The seats over the subscription's range: its initial seat IDs assigned and the rest of its
    /// initial quantity unassigned, then each edit's seat updates from their `starting_at`.
    /// Updates apply in time order; at one moment, those of earlier edits first, and within an
    /// edit removals before additions (`remove_seat_ids`, `remove_unassigned_seats`,
    /// `add_seat_ids`, `add_unassigned_seats`), each list in the order sent. Adjacent stretches
    /// with the same seats are one segment. Empty for a QUANTITY_ONLY subscription.
    ///
    /// A schedule that breaks the rules (a seat assigned twice, more unassigned seats removed than
    /// there are) cannot be stored; were one read, the offending update is skipped or cut.
    package var seatSegments: [SubscriptionSeatSegment] {
        (try? seatSchedule(strict: false)) ?? []
    }

    /// Throws the first seat update the schedule cannot take.
    package func checkSeatSchedule() throws(SeatScheduleViolation) {
        _ = try seatSchedule(strict: true)
    }

    /// Every seat ID the subscription assigns at some time, in the order first assigned.
    package var seatIdsEverAssigned: [String] {
        var seen = Set<String>()
        return seatSegments.flatMap(\.assignedSeatIds).filter { seen.insert($0).inserted }
    }

    private func seatSchedule(strict: Bool) throws(SeatScheduleViolation) -> [SubscriptionSeatSegment] {
        guard let seatConfig else { return [] }
        enum Change {
            case add([String]), remove([String]), addUnassigned(Decimal), removeUnassigned(Decimal)
        }
        struct Event {
            var startingAt: Timestamp
            var order: [Int]
            var update: Int
            var item: String
            var change: Change
        }
        var events: [Event] = []
        for (update, updates) in seatUpdates.enumerated() {
            for (index, item) in updates.removeSeatIds.enumerated() {
                events.append(Event(startingAt: item.startingAt, order: [update, 0, index], update: update,
                                    item: "remove_seat_ids[\(index)]", change: .remove(item.seatIds)))
            }
            for (index, item) in updates.removeUnassignedSeats.enumerated() {
                events.append(Event(startingAt: item.startingAt, order: [update, 1, index], update: update,
                                    item: "remove_unassigned_seats[\(index)]", change: .removeUnassigned(item.quantity)))
            }
            for (index, item) in updates.addSeatIds.enumerated() {
                events.append(Event(startingAt: item.startingAt, order: [update, 2, index], update: update,
                                    item: "add_seat_ids[\(index)]", change: .add(item.seatIds)))
            }
            for (index, item) in updates.addUnassignedSeats.enumerated() {
                events.append(Event(startingAt: item.startingAt, order: [update, 3, index], update: update,
                                    item: "add_unassigned_seats[\(index)]", change: .addUnassigned(item.quantity)))
            }
        }
        events.sort { $0.startingAt != $1.startingAt ? $0.startingAt < $1.startingAt : $0.order.lexicographicallyPrecedes($1.order) }

        var segments = [SubscriptionSeatSegment(
            assignedSeatIds: seatConfig.initialSeatIds,
            unassignedSeats: max(0, initialQuantity - Decimal(seatConfig.initialSeatIds.count)),
            startingAt: startingAt, endingBefore: endingBefore
        )]
        for event in events where endingBefore.map({ event.startingAt < $0 }) ?? true {
            var seats = segments[segments.count - 1]
            let when = event.startingAt.rfc3339
            switch event.change {
            case .add(let ids):
                for id in ids {
                    if seats.assignedSeatIds.contains(id) {
                        if strict {
                            throw SeatScheduleViolation(
                                update: event.update, item: event.item,
                                message: "assigns seat \(id) from \(when), when it is already assigned"
                            )
                        }
                        continue
                    }
                    seats.assignedSeatIds.append(id)
                    // A new seat ID fills an unassigned seat first; past those, it adds a seat.
                    if seats.unassignedSeats > 0 { seats.unassignedSeats -= 1 }
                }
            case .remove(let ids):
                seats.assignedSeatIds.removeAll { ids.contains($0) }
            case .addUnassigned(let quantity):
                seats.unassignedSeats += quantity
            case .removeUnassigned(let quantity):
                if quantity > seats.unassignedSeats, strict {
                    throw SeatScheduleViolation(
                        update: event.update, item: event.item,
                        message: "removes \(quantity) unassigned seats from \(when), when \(seats.unassignedSeats) are unassigned"
                    )
                }
                seats.unassignedSeats = max(0, seats.unassignedSeats - quantity)
            }
            if event.startingAt <= segments[segments.count - 1].startingAt {
                seats.startingAt = segments[segments.count - 1].startingAt
                segments[segments.count - 1] = seats
            } else {
                segments[segments.count - 1].endingBefore = event.startingAt
                seats.startingAt = event.startingAt
                seats.endingBefore = endingBefore
                segments.append(seats)
            }
        }
        var merged: [SubscriptionSeatSegment] = []
        for segment in segments {
            if let last = merged.last, Set(last.assignedSeatIds) == Set(segment.assignedSeatIds),
               last.unassignedSeats == segment.unassignedSeats {
                merged[merged.count - 1].endingBefore = segment.endingBefore
            } else {
                merged.append(segment)
            }
        }
        return merged
    }

    /// This QUANTITY_ONLY subscription made SEAT_BASED with `seatGroupKey`: its quantity over
    /// time becomes unassigned seats (its quantity changes become additions and removals of
    /// unassigned seats), so what it bills does not change. Throws for a SEAT_BASED one, or one
    /// whose quantity is not a whole number of seats at some time.
    package func convertedToSeats(seatGroupKey: String, field: String) throws(PricingRuleViolation) -> SubscriptionTerms {
        guard seatConfig == nil else {
            throw PricingRuleViolation(message: "'\(field)': the subscription is already SEAT_BASED")
        }
        let segments = quantitySegments
        if let fractional = segments.first(where: { $0.quantity != $0.quantity.rounded(toPlaces: 0) }) {
            throw PricingRuleViolation(
                message: "'\(field)': the subscription's quantity from \(fractional.startingAt.rfc3339) (\(fractional.quantity)) is not a whole number of seats"
            )
        }
        var updates = SubscriptionSeatUpdates()
        var previous = initialQuantity
        for segment in segments {
            let delta = segment.quantity - previous
            if delta > 0 { updates.addUnassignedSeats.append(.init(quantity: delta, startingAt: segment.startingAt)) }
            if delta < 0 { updates.removeUnassignedSeats.append(.init(quantity: -delta, startingAt: segment.startingAt)) }
            previous = segment.quantity
        }
        var converted = self
        converted.quantityManagementMode = "SEAT_BASED"
        converted.seatConfig = SeatConfig(initialSeatIds: [], seatGroupKey: seatGroupKey)
        converted.quantityChanges = []
        converted.seatUpdates = updates.isEmpty ? [] : [updates]
        return converted
    }
}

/// The first moment at which two quantity schedules differ (a moment one covers and the other
/// does not counts), or nil if they are the same.
package func firstDifference(_ old: [SubscriptionQuantitySegment], _ new: [SubscriptionQuantitySegment]) -> Timestamp? {
    func quantity(at moment: Timestamp, in segments: [SubscriptionQuantitySegment]) -> Decimal? {
        segments.first { $0.startingAt <= moment && ($0.endingBefore.map { moment < $0 } ?? true) }?.quantity
    }
    let moments = Set((old + new).flatMap { [$0.startingAt] + [$0.endingBefore].compactMap { $0 } }).sorted()
    return moments.first { quantity(at: $0, in: old) != quantity(at: $0, in: new) }
}
