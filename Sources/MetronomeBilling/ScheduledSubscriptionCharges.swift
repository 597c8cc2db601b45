import Foundation
import MetronomeCodecs

/// `billing_cycle_config.invoice_placement`: whether a subscription bills on its contract's
/// usage statements or on scheduled invoices of its own.
package enum InvoicePlacement: String, WireEnum {
    case onUsageInvoice = "ON_USAGE_INVOICE"
    case onScheduledInvoice = "ON_SCHEDULED_INVOICE"
}

/// One scheduled invoice of a subscription placed ON_SCHEDULED_INVOICE: what it bills of one of
/// the subscription's billing periods, and when.
package struct SubscriptionCharge: Sendable, Equatable {
    /// The invoice's date.
    package var moment: Timestamp
    /// The whole billing period (not cut to the subscription's dates) it bills part of.
    package var period: BillingPeriod
    /// The stretches it bills, each at a quantity.
    package var segments: [SubscriptionQuantitySegment]

    /// A value with each stored property given.
    package init(moment: Timestamp, period: BillingPeriod, segments: [SubscriptionQuantitySegment]) {
        self.moment = moment
        self.period = period
        self.segments = segments
    }
}

/// How a subscription placed ON_SCHEDULED_INVOICE is invoiced, as Metronome's seat-based billing
/// guide describes: in ADVANCE, each billing period is billed on its own invoice at its start,
/// for the quantity then; a quantity raised during the period is billed at once on another
/// invoice, for the units above the most billed so far in the period, prorated for the time left;
/// a lowered quantity gives nothing back, and the next period bills the lower quantity. In
/// ARREARS, each period is billed at its end, one line per quantity it had, as on a usage invoice.
package enum ScheduledSubscriptionCharges {
    /// The charges of `subscription` whose moment has come by `now`, in time order; `anchor` is
    /// the contract's usage statement anchor (the subscription's own anchor wins).
    package static func charges(of subscription: SubscriptionTerms, anchor: Timestamp, through now: Timestamp) -> [SubscriptionCharge] {
        all(of: subscription, anchor: anchor, periodsStartedBefore: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1))
            .filter { $0.moment <= now }
    }

    /// The first charge moment of `subscription` after `moment`, if another comes.
    package static func nextMoment(of subscription: SubscriptionTerms, anchor: Timestamp, after moment: Timestamp) -> Timestamp? {
        // Periods begun within a year and a half hold the next moment of every frequency.
        let horizon = Timestamp(millisecondsSinceEpoch: moment.millisecondsSinceEpoch + 550 * Timestamp.millisecondsPerDay)
        return all(of: subscription, anchor: anchor, periodsStartedBefore: horizon).map(\.moment).first { $0 > moment }
    }

    /// The invoice lines of `charge`: one per segment, each priced at `price` a unit and prorated
    /// by its share of the whole period when the subscription is prorated.
    package static func lines(
        of charge: SubscriptionCharge, subscription: SubscriptionTerms, price: Decimal, name: String, fiat: InvoiceCreditType
    ) -> [InvoiceLineItem] {
        charge.segments.map { segment in
            ContractRating.subscriptionLine(
                subscription, whole: charge.period, segment: segment, end: segment.endingBefore ?? charge.period.end, price: price,
                name: name, fiat: fiat
            )
        }
    }

    private static func all(
        of subscription: SubscriptionTerms, anchor: Timestamp, periodsStartedBefore limit: Timestamp
    ) -> [SubscriptionCharge] {
        var charges: [SubscriptionCharge] = []
        for whole in ContractRating.fullPeriods(of: subscription, anchor: anchor, startedBefore: limit) {
            let start = max(whole.start, subscription.startingAt)
            let end = min(whole.end, subscription.endingBefore ?? whole.end)
            guard start < end else { continue }
            let segments = subscription.quantitySegments(from: start, to: end)
            guard subscription.collectionSchedule.uppercased() != "ARREARS" else {
                charges.append(SubscriptionCharge(moment: end, period: whole, segments: segments))
                continue
            }
            var billed: Decimal = 0
            for segment in segments where segment.quantity > billed {
                charges.append(SubscriptionCharge(moment: segment.startingAt, period: whole, segments: [
                    SubscriptionQuantitySegment(quantity: segment.quantity - billed, startingAt: segment.startingAt, endingBefore: end)
                ]))
                billed = segment.quantity
            }
        }
        return charges
    }
}
