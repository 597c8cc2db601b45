import Foundation
import MetronomeCodecs

/// A recurring commit's or credit's `subscription_config`: the contract's subscription whose seats
/// each receive the recurring amount, pooled into the period's one commit or credit (Metronome's
/// seat-based credit pool).
package struct RecurringSubscriptionConfig: Sendable, Equatable, Codable {
    package var subscriptionId: String
    package var allocation: Allocation
    package var applySeatIncreaseConfig: ApplySeatIncreaseConfig

    /// POOLED: every seat's allocation goes to one balance; INDIVIDUAL: each seat has its own.
    package enum Allocation: String, WireEnum {
        case individual = "INDIVIDUAL", pooled = "POOLED"
    }

    /// `apply_seat_increase_config`.
    package struct ApplySeatIncreaseConfig: Sendable, Equatable, Codable {
        /// Whether seats added mid-period get the share of the allocation that the rest of the period is.
        package var isProrated: Bool

        package enum CodingKeys: String, CodingKey {
            case isProrated = "is_prorated"
        }

        /// A value with each stored property given.
        package init(isProrated: Bool) {
            self.isProrated = isProrated
        }
    }

    package enum CodingKeys: String, CodingKey {
        case subscriptionId = "subscription_id", allocation, applySeatIncreaseConfig = "apply_seat_increase_config"
    }

    /// A value with each stored property given.
    package init(subscriptionId: String, allocation: Allocation, applySeatIncreaseConfig: ApplySeatIncreaseConfig) {
        self.subscriptionId = subscriptionId
        self.allocation = allocation
        self.applySeatIncreaseConfig = applySeatIncreaseConfig
    }
}

/// What one period of a seat-linked recurring commit grants from `start`: an access segment and,
/// for a commit with an invoice amount, an invoice item.
package struct SeatGrant: Sendable, Equatable {
    package var start: Timestamp
    package var accessAmount: Decimal
    package var invoiceQuantity: Decimal?
    package var invoiceUnitPrice: Decimal?

    /// A value with each stored property given.
    package init(start: Timestamp, accessAmount: Decimal, invoiceQuantity: Decimal? = nil, invoiceUnitPrice: Decimal? = nil) {
        self.start = start
        self.accessAmount = accessAmount
        self.invoiceQuantity = invoiceQuantity
        self.invoiceUnitPrice = invoiceUnitPrice
    }
}

extension RecurringCommitTerms {
    /// The grants of `instance` when its subscription's seats over the period are `quantities`,
    /// as far as `now`: the period's amounts once per seat at its start, then, each time the seats
    /// rise above the most granted so far, the amounts for the new seats from that moment (each
    /// the share of a whole period that is left, when the config prorates increases). Seats
    /// removed give nothing back, and seats added again after a removal are not granted twice.
    package func seatGrants(of instance: Instance, quantities: [SubscriptionQuantitySegment], through now: Timestamp) -> [SeatGrant] {
        let prorated = subscriptionConfig?.applySeatIncreaseConfig.isProrated ?? false
        let seatsAtStart = quantities.first { $0.startingAt <= instance.start }?.quantity ?? 0
        var grants = [SeatGrant(
            start: instance.start, accessAmount: instance.accessAmount * seatsAtStart,
            invoiceQuantity: instance.invoice.map { $0.quantity * seatsAtStart }, invoiceUnitPrice: instance.invoice?.unitPrice
        )]
        var granted = seatsAtStart
        for segment in quantities where segment.startingAt > instance.start && segment.startingAt < instance.end
            && segment.startingAt <= now && segment.quantity > granted {
            let added = segment.quantity - granted
            granted = segment.quantity
            let share: Decimal = prorated && instance.wholeMilliseconds > 0
                ? Decimal(instance.end.millisecondsSinceEpoch - segment.startingAt.millisecondsSinceEpoch) / Decimal(instance.wholeMilliseconds)
                : 1
            grants.append(SeatGrant(
                start: segment.startingAt,
                accessAmount: (accessAmount.unitPrice * accessAmount.quantity * added * share).rounded(toPlaces: 10),
                invoiceQuantity: invoiceAmount.map { $0.quantity * added },
                invoiceUnitPrice: invoiceAmount.map { ($0.unitPrice * share).rounded(toPlaces: 10) }
            ))
        }
        return grants
    }
}
