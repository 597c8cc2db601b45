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
    /// stretches at the same quantity are one segment.
    package var quantitySegments: [SubscriptionQuantitySegment] {
        var segments = [SubscriptionQuantitySegment(quantity: initialQuantity, startingAt: startingAt, endingBefore: endingBefore)]
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

    enum CodingKeys: String, CodingKey {
        case id, endingBefore = "ending_before", name, quantityUpdates = "quantity_updates"
    }

    /// A value with each stored property given.
    package init(
        id: String, endingBefore: NewValue<Timestamp>? = nil, name: String? = nil, quantityUpdates: [SubscriptionQuantityChange] = []
    ) {
        self.id = id
        self.endingBefore = endingBefore
        self.name = name
        self.quantityUpdates = quantityUpdates
    }

    /// `subscription` with this update applied, in a contract ending at `contractEnd` (nil:
    /// open-ended); `field` names the update in errors (e.g. `update_subscriptions[0]`).
    package func applied(
        to subscription: SubscriptionTerms, contractEnd: Timestamp?, field: String
    ) throws(PricingRuleViolation) -> SubscriptionTerms {
        var edited = subscription
        if let name { edited.name = name }
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
        guard !quantityUpdates.isEmpty else { return edited }
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
            let item = "\(field).quantity_updates[\(index)]"
            if update.startingAt < edited.startingAt {
                throw PricingRuleViolation(message: "'\(item).starting_at' is before the subscription's starting_at")
            }
            if let end = edited.endingBefore, update.startingAt >= end {
                throw PricingRuleViolation(message: "'\(item).starting_at' is not before the subscription's ending_before")
            }
        }
        edited.quantityChanges += quantityUpdates
        if let negative = edited.quantitySegments.first(where: { $0.quantity < 0 }) {
            throw PricingRuleViolation(
                message: "'\(field).quantity_updates' would make the quantity negative (\(negative.quantity)) from \(negative.startingAt.rfc3339)"
            )
        }
        return edited
    }

    /// The earliest moment from which this update changes what `subscription` bills: its first
    /// quantity change, or the earlier of the old and new ends; nil if it changes no billing.
    package func changesBilling(of subscription: SubscriptionTerms, edited: SubscriptionTerms) -> Timestamp? {
        var moments = quantityUpdates.map(\.startingAt)
        if subscription.endingBefore != edited.endingBefore {
            moments.append(
                [subscription.endingBefore, edited.endingBefore].compactMap { $0 }.min() ?? subscription.startingAt
            )
        }
        return moments.min()
    }
}
