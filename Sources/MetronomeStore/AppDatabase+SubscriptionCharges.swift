import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// Subscriptions placed ON_SCHEDULED_INVOICE: each charge is a SCHEDULED invoice of its own,
/// made when its moment comes and kept as made (it finalizes on its date).
extension AppDatabase {
    /// Invoices, once each, the charges of the contract's subscriptions placed
    /// ON_SCHEDULED_INVOICE whose moment has come by `now`. A charge whose subscription has no
    /// entitled SUBSCRIPTION rate then is not billed, as on a usage statement.
    static func invoiceSubscriptionCharges(of contract: ContractRecord, now: Timestamp, _ db: Database) throws {
        let scheduled = contract.subscriptions.map(\.domain).filter { $0.invoicePlacement == .onScheduledInvoice }
        guard !scheduled.isEmpty else { return }
        let anchor = contract.usageStatementSchedule.domain.billingAnchorDate
        let fiat = InvoiceCreditType(
            id: CreditTypes.usdCentsId,
            name: try CreditTypeRecord.filter(CreditTypeRecord.Columns.id == CreditTypes.usdCentsId).fetchOne(db)?.name
                ?? CreditTypes.usdCentsName
        )
        for subscription in scheduled {
            let invoiced = try Int64.fetchAll(db, sql: """
                SELECT start_timestamp FROM invoice WHERE source_kind = ? AND source_id = ?
                """, arguments: [InvoiceSourceKind.subscriptionCharge.rawValue, subscription.id])
            var index = invoiced.count
            let moments = Set(invoiced)
            for charge in ScheduledSubscriptionCharges.charges(of: subscription, anchor: anchor, through: now)
            where !moments.contains(charge.moment.millisecondsSinceEpoch) {
                let pricedAt = charge.segments.first?.startingAt ?? charge.moment
                guard let rate = ContractRating.subscriptionRate(of: subscription, in: try contractRates(of: contract, at: pricedAt, db))
                else { continue }
                let lines = ScheduledSubscriptionCharges.lines(
                    of: charge, subscription: subscription, price: rate.rate.price ?? 0, name: subscription.name ?? rate.productName,
                    fiat: fiat
                )
                let id = UUID().uuidString.lowercased()
                let document = InvoiceDocument(
                    id: id, customerId: contract.customerId, creditType: fiat, lineItems: lines, status: InvoiceStatus.draft.rawValue,
                    total: lines.reduce(Decimal(0)) { $0 + $1.total }, type: "SCHEDULED", startTimestamp: charge.moment,
                    endTimestamp: charge.moment, contractId: contract.id, netPaymentTermsDays: contract.netPaymentTermsDays,
                    customFields: [:]
                )
                try InvoiceRecord(
                    id: id, customerId: contract.customerId, sourceKind: .subscriptionCharge, sourceId: subscription.id,
                    periodIndex: index, startTimestamp: charge.moment, endTimestamp: charge.moment, status: .draft,
                    addedCharges: [], document: document
                ).insert(db)
                index += 1
            }
        }
    }

    /// The latest charge invoiced of `subscription` (void ones left out), if any: a change to
    /// the subscription before it would change what that invoice billed.
    static func latestSubscriptionCharge(of subscriptionId: String, _ db: Database) throws -> InvoiceRecord? {
        try InvoiceRecord.filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.subscriptionCharge.rawValue)
            .filter(InvoiceRecord.Columns.sourceId == subscriptionId)
            .filter(InvoiceRecord.Columns.status != InvoiceStatus.void.rawValue)
            .order(InvoiceRecord.Columns.startTimestamp.desc).fetchOne(db)
    }
}
