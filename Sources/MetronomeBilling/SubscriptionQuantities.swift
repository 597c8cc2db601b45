import Foundation
import MetronomeCodecs

// MARK: - Quantity schedule

/// A change of a subscription's quantity from `startingAt` on: to `quantity`, or by
/// `quantityDelta` (exactly one of them).
package struct SubscriptionQuantityChange: Codable, Sendable, Equatable {
    package var startingAt: Timestamp
    package var quantity: Decimal?
    package var quantityDelta: Decimal?

    enum CodingKeys: String, CodingKey {
        case startingAt = "starting_at", quantity, quantityDelta = "quantity_delta"
    }

    /// A value with each stored property given.
    package init(startingAt: Timestamp, quantity: Decimal? = nil, quantityDelta: Decimal? = nil) {
        self.startingAt = startingAt
        self.quantity = quantity
        self.quantityDelta = quantityDelta
    }
}

/// A stretch of a subscription at one quantity; the last one runs to the subscription's end.
package struct SubscriptionQuantitySegment: Sendable, Equatable {
    package var quantity: Decimal
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?

    /// A value with each stored property given.
    package init(quantity: Decimal, startingAt: Timestamp, endingBefore: Timestamp?) {
        self.quantity = quantity
        self.startingAt = startingAt
        self.endingBefore = endingBefore
    }
}

extension SubscriptionTerms {
    /// The subscription's quantity over its range: its initial quantity from its start, then
    /// each change from its `startingAt`. Changes are applied in time order, those at the same
    /// moment in the order they were made; a delta adds to the quantity then in force. Adjacent
    /// stretches at the same quantity are one segment. A SEAT_BASED subscription's quantity is
    /// its number of seats, assigned and unassigned, over its seat schedule.
    package var quantitySegments: [SubscriptionQuantitySegment] {
        var segments = [SubscriptionQuantitySegment(quantity: initialQuantity, startingAt: startingAt, endingBefore: endingBefore)]
        if seatConfig != nil {
            segments = seatSegments.map {
                SubscriptionQuantitySegment(quantity: $0.totalQuantity, startingAt: $0.startingAt, endingBefore: $0.endingBefore)
            }
        }
        let ordered = quantityChanges.enumerated().sorted { ($0.element.startingAt, $0.offset) < ($1.element.startingAt, $1.offset) }
        for change in ordered.map(\.element) where endingBefore.map({ change.startingAt < $0 }) ?? true {
            let current = segments[segments.count - 1]
            let quantity = change.quantity ?? current.quantity + (change.quantityDelta ?? 0)
            if change.startingAt <= current.startingAt {
                segments[segments.count - 1].quantity = quantity
            } else {
                segments[segments.count - 1].endingBefore = change.startingAt
                segments.append(.init(quantity: quantity, startingAt: change.startingAt, endingBefore: endingBefore))
            }
        }
        var merged: [SubscriptionQuantitySegment] = []
        for segment in segments {
            if let last = merged.last, last.quantity == segment.quantity {
                merged[merged.count - 1].endingBefore = segment.endingBefore
            } else {
                merged.append(segment)
            }
        }
        return merged
    }

    /// The segments that overlap `[start, end)`, cut to it.
    package func quantitySegments(from start: Timestamp, to end: Timestamp) -> [SubscriptionQuantitySegment] {
        quantitySegments.compactMap { segment in
            let from = max(segment.startingAt, start)
            let to = min(segment.endingBefore ?? end, end)
            return from < to ? SubscriptionQuantitySegment(quantity: segment.quantity, startingAt: from, endingBefore: to) : nil
        }
    }
}

// MARK: - Updates

/// What an edit changes of one subscription (`update_subscriptions`); nil fields are kept.
package struct SubscriptionUpdate: Codable, Sendable, Equatable {
    package var id: String
    /// The new end; a nil value makes it run with the contract.
    package var endingBefore: NewValue<Timestamp>?
    package var name: String?
    package var quantityUpdates: [SubscriptionQuantityChange]
    /// Makes a QUANTITY_ONLY subscription SEAT_BASED.
    package var quantityManagementModeUpdate: QuantityManagementModeUpdate?
    package var seatUpdates: SubscriptionSeatUpdates?
    /// `proration_rounding`: a rounding to set, or null for none.
    package var prorationRounding: NewValue<ProrationRounding>?

    /// `quantity_management_mode_update`: to SEAT_BASED, the one mode it can change to.
    package struct QuantityManagementModeUpdate: Codable, Sendable, Equatable {
        package var seatGroupKey: String

        enum CodingKeys: String, CodingKey {
            case seatGroupKey = "seat_group_key"
        }

        /// A value with each stored property given.
        package init(seatGroupKey: String) {
            self.seatGroupKey = seatGroupKey
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, endingBefore = "ending_before", name, quantityUpdates = "quantity_updates"
        case quantityManagementModeUpdate = "quantity_management_mode_update", seatUpdates = "seat_updates"
        case prorationRounding = "proration_rounding"
    }

    /// A value with each stored property given.
    package init(
        id: String, endingBefore: NewValue<Timestamp>? = nil, name: String? = nil, quantityUpdates: [SubscriptionQuantityChange] = [],
        quantityManagementModeUpdate: QuantityManagementModeUpdate? = nil, seatUpdates: SubscriptionSeatUpdates? = nil,
        prorationRounding: NewValue<ProrationRounding>? = nil
    ) {
        self.prorationRounding = prorationRounding
        self.id = id
        self.endingBefore = endingBefore
        self.name = name
        self.quantityUpdates = quantityUpdates
        self.quantityManagementModeUpdate = quantityManagementModeUpdate
        self.seatUpdates = seatUpdates
    }

    /// `subscription` with this update applied, in a contract ending at `contractEnd` (nil:
    /// open-ended); `field` names the update in errors (e.g. `update_subscriptions[0]`). Its
    /// parts apply in this order: name and end, quantity updates, the change of mode, seat updates.
    package func applied(
        to subscription: SubscriptionTerms, contractEnd: Timestamp?, field: String
    ) throws(PricingRuleViolation) -> SubscriptionTerms {
        var edited = subscription
        if let name { edited.name = name }
        if let prorationRounding { edited.prorationRounding = prorationRounding.value }
        if let endingBefore {
            let end = endingBefore.value ?? contractEnd
            if let end, end <= subscription.startingAt {
                throw PricingRuleViolation(message: "'\(field).ending_before' must be after the subscription's starting_at")
            }
            if let contractEnd, end.map({ $0 > contractEnd }) ?? true {
                throw PricingRuleViolation(message: "'\(field).ending_before' must not be after the contract's ending_before")
            }
            edited.endingBefore = end
        }
        if !quantityUpdates.isEmpty {
            edited = try appliedQuantityUpdates(to: edited, field: field)
        }
        if let quantityManagementModeUpdate {
            edited = try edited.convertedToSeats(
                seatGroupKey: quantityManagementModeUpdate.seatGroupKey, field: "\(field).quantity_management_mode_update"
            )
        }
        if let seatUpdates, !seatUpdates.isEmpty {
            edited = try applied(seatUpdates, to: edited, field: "\(field).seat_updates")
        }
        return edited
    }

    private func appliedQuantityUpdates(
        to subscription: SubscriptionTerms, field: String
    ) throws(PricingRuleViolation) -> SubscriptionTerms {
        var edited = subscription
        if subscription.seatConfig != nil {
            throw PricingRuleViolation(
                message: "'\(field).quantity_updates': a SEAT_BASED subscription's quantity is its number of seats"
            )
        }
        if !subscription.isProrated {
            throw PricingRuleViolation(
                message: "'\(field).quantity_updates': quantity changes of a subscription that is not prorated are not supported by the emulator yet"
            )
        }
        for (index, update) in quantityUpdates.enumerated() {
            try Self.checkWithinRange(update.startingAt, of: edited, item: "\(field).quantity_updates[\(index)]")
        }
        edited.quantityChanges += quantityUpdates
        if let negative = edited.quantitySegments.first(where: { $0.quantity < 0 }) {
            throw PricingRuleViolation(
                message: "'\(field).quantity_updates' would make the quantity negative (\(negative.quantity)) from \(negative.startingAt.rfc3339)"
            )
        }
        return edited
    }

    /// `subscription` with `updates` added to its seat schedule; `field` names `seat_updates`.
    private func applied(
        _ updates: SubscriptionSeatUpdates, to subscription: SubscriptionTerms, field: String
    ) throws(PricingRuleViolation) -> SubscriptionTerms {
        guard subscription.seatConfig != nil else {
            throw PricingRuleViolation(
                message: "'\(field)': the subscription is QUANTITY_ONLY; only a SEAT_BASED subscription has seats "
                    + "(quantity_management_mode_update makes it SEAT_BASED)"
            )
        }
        for (item, startingAt) in updates.moments {
            try Self.checkWithinRange(startingAt, of: subscription, item: "\(field).\(item)")
        }
        var edited = subscription
        edited.seatUpdates.append(updates)
        do throws(SeatScheduleViolation) {
            try edited.checkSeatSchedule()
        } catch {
            let made = subscription.seatUpdates.count
            throw PricingRuleViolation(
                message: error.update == made
                    ? "'\(field).\(error.item)' \(error.message)"
                    : "'\(field)' conflicts with the seats an earlier edit scheduled: its '\(error.item)' then \(error.message)"
            )
        }
        if !subscription.isProrated, firstDifference(subscription.quantitySegments, edited.quantitySegments) != nil {
            throw PricingRuleViolation(
                message: "'\(field)': changing the number of seats of a subscription that is not prorated is not supported by the emulator yet"
            )
        }
        return edited
    }

    private static func checkWithinRange(
        _ startingAt: Timestamp, of subscription: SubscriptionTerms, item: String
    ) throws(PricingRuleViolation) {
        if startingAt < subscription.startingAt {
            throw PricingRuleViolation(message: "'\(item).starting_at' is before the subscription's starting_at")
        }
        if let end = subscription.endingBefore, startingAt >= end {
            throw PricingRuleViolation(message: "'\(item).starting_at' is not before the subscription's ending_before")
        }
    }

    /// The earliest moment from which this update changes what `subscription` bills: its first
    /// quantity change, the earlier of the old and new ends, or the first moment its seat updates
    /// change the number of seats; nil if it changes no billing.
    package func changesBilling(of subscription: SubscriptionTerms, edited: SubscriptionTerms) -> Timestamp? {
        var moments = quantityUpdates.map(\.startingAt)
        if subscription.endingBefore != edited.endingBefore {
            moments.append(
                [subscription.endingBefore, edited.endingBefore].compactMap { $0 }.min() ?? subscription.startingAt
            )
        }
        if seatUpdates != nil, let moment = firstDifference(subscription.quantitySegments, edited.quantitySegments) {
            moments.append(moment)
        }
        return moments.min()
    }
}
