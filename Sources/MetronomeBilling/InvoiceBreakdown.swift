import Foundation
import MetronomeCodecs

/// Breakdowns of an invoice by time window. A window's share is the invoice rated with the
/// usage up to the window's end, less the invoice rated up to its start: so tiers carry on
/// across windows, fixed charges fall in the first window, and the windows add up to the invoice.
package enum InvoiceBreakdown {
    /// What `later` bills beyond `earlier` (both the same invoice, rated up to two moments).
    package static func difference(_ later: InvoiceDocument, minus earlier: InvoiceDocument?) -> InvoiceDocument {
        guard let earlier else { return later }
        var result = later
        let before = Dictionary(earlier.lineItems.map { (key(of: $0), $0) }, uniquingKeysWith: { first, _ in first })
        result.lineItems = later.lineItems.map { line in
            guard let previous = before[key(of: line)] else { return line }
            return difference(line, minus: previous)
        }
        result.total = later.total - earlier.total
        if let subtotal = later.subtotal { result.subtotal = subtotal - (earlier.subtotal ?? 0) }
        if let adjustments = later.invoiceAdjustments {
            let previous = Dictionary((earlier.invoiceAdjustments ?? []).map { ($0.name, $0.total) }, uniquingKeysWith: +)
            result.invoiceAdjustments = adjustments.map { adjustment in
                var adjustment = adjustment
                adjustment.total -= previous[adjustment.name] ?? 0
                return adjustment
            }
        }
        return result
    }

    private static func difference(_ line: InvoiceLineItem, minus previous: InvoiceLineItem) -> InvoiceLineItem {
        var line = line
        line.total -= previous.total
        if let quantity = line.quantity { line.quantity = quantity - (previous.quantity ?? 0) }
        if let subLines = line.subLineItems {
            let before = Dictionary((previous.subLineItems ?? []).map { ($0.chargeId ?? "" + $0.name, $0) }, uniquingKeysWith: { first, _ in first })
            line.subLineItems = subLines.map { sub in
                guard let old = before[sub.chargeId ?? "" + sub.name] else { return sub }
                var sub = sub
                sub.quantity -= old.quantity
                sub.subtotal -= old.subtotal
                if let tiers = sub.tiers {
                    let oldTiers = Dictionary((old.tiers ?? []).map { ($0.startingAt, $0) }, uniquingKeysWith: { first, _ in first })
                    sub.tiers = tiers.map { tier in
                        var tier = tier
                        tier.quantity -= oldTiers[tier.startingAt]?.quantity ?? 0
                        tier.subtotal -= oldTiers[tier.startingAt]?.subtotal ?? 0
                        return tier
                    }
                }
                return sub
            }
        }
        return line
    }

    /// What identifies a line across ratings of the same invoice.
    private static func key(of line: InvoiceLineItem) -> String {
        [
            line.type, line.productId ?? "", line.name, line.groupValue ?? "", line.tier.map { String($0.level) } ?? "",
            line.commitId ?? "", line.subscriptionId ?? "", line.scheduledChargeId ?? "",
            // A subscription bills one line per quantity it has in a period, told apart by start.
            line.subscriptionId == nil ? "" : line.startingAt.map { String($0.millisecondsSinceEpoch) } ?? "",
            (line.pricingGroupValues ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
            (line.presentationGroupValues ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
        ].joined(separator: "\u{1F}")
    }
}
