import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// One invoice `contracts/createHistoricalInvoices` is asked to make.
package struct NewHistoricalInvoice: Sendable {
    package var customerId: String
    package var contractId: String
    package var creditTypeId: String
    package var startingAt: Timestamp
    package var endingBefore: Timestamp
    package var issuedAt: Timestamp
    package var usageLines: [HistoricalUsageLine]
    package var customFields: [String: String]
    /// `billable` or `unbillable`, shown on the invoice when given.
    package var billableStatus: String?

    /// A value with each stored property given.
    package init(
        customerId: String, contractId: String, creditTypeId: String, startingAt: Timestamp, endingBefore: Timestamp,
        issuedAt: Timestamp, usageLines: [HistoricalUsageLine], customFields: [String: String], billableStatus: String? = nil
    ) {
        self.billableStatus = billableStatus
        self.customerId = customerId
        self.contractId = contractId
        self.creditTypeId = creditTypeId
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.issuedAt = issuedAt
        self.usageLines = usageLines
        self.customFields = customFields
    }
}

extension AppDatabase {
    /// Makes `invoices`, each a FINALIZED usage invoice of its contract whose lines are priced at
    /// the contract's rates, and keeps them unless `preview`. All or nothing: the first invoice
    /// that fails fails the request and nothing is kept. Returns them in the order given.
    package func createHistoricalInvoices(_ invoices: [NewHistoricalInvoice], preview: Bool, now: Timestamp) async throws
        -> [InvoiceDocument]
    {
        try await writer.write { db in
            let creditTypeNames = Dictionary(
                try CreditTypeRecord.fetchAll(db).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }
            )
            var documents: [InvoiceDocument] = []
            for (index, invoice) in invoices.enumerated() {
                let field = "invoices[\(index)]"
                _ = try Self.customerRecord(id: invoice.customerId, db)
                let contract = try Self.contractRecord(customerId: invoice.customerId, contractId: invoice.contractId, db)
                guard contract.archivedAt == nil else {
                    throw StoreError.invalid("'\(field).contract_id': contract \(invoice.contractId) is archived")
                }
                guard let creditTypeName = creditTypeNames[invoice.creditTypeId] else {
                    throw StoreError.notFound("Credit type", invoice.creditTypeId)
                }
                guard invoice.endingBefore <= now else {
                    throw StoreError.invalid(
                        "'\(field).exclusive_end_date' must not be after now (\(now.rfc3339)): historical invoices are for past periods"
                    )
                }
                guard invoice.startingAt >= contract.startingAt, contract.endingBefore.map({ invoice.endingBefore <= $0 }) ?? true else {
                    throw StoreError.invalid("'\(field)': the invoice's dates must lie within contract \(contract.id)'s")
                }
                let creditType = InvoiceCreditType(id: invoice.creditTypeId, name: creditTypeName)
                var lines: [InvoiceLineItem] = []
                for (lineIndex, line) in invoice.usageLines.enumerated() {
                    let lineField = "\(field).usage_line_items[\(lineIndex)]"
                    guard try ProductRecord.filter(ProductRecord.Columns.id == line.productId).fetchCount(db) > 0 else {
                        throw StoreError.notFound("Product", line.productId)
                    }
                    let rates = try Self.contractRates(of: contract, at: line.startingAt, db)
                    do throws(PricingRuleViolation) {
                        lines += try HistoricalRating.lines(for: line, rates: rates, creditType: creditType, field: lineField)
                    } catch {
                        throw StoreError.invalid(error.message)
                    }
                }
                let id = UUID().uuidString.lowercased()
                var document = InvoiceDocument(
                    id: id, customerId: invoice.customerId, creditType: creditType, lineItems: lines,
                    status: InvoiceStatus.finalized.rawValue,
                    total: lines.filter { $0.creditType.id == creditType.id }.reduce(Decimal(0)) { $0 + $1.total }, type: "USAGE",
                    startTimestamp: invoice.startingAt, endTimestamp: invoice.endingBefore, issuedAt: invoice.issuedAt,
                    contractId: contract.id, netPaymentTermsDays: contract.netPaymentTermsDays, customFields: invoice.customFields
                )
                document.billableStatus = invoice.billableStatus
                documents.append(document)
                guard !preview else { continue }
                try InvoiceRecord(
                    id: id, customerId: invoice.customerId, sourceKind: .historical, sourceId: contract.id, periodIndex: 0,
                    startTimestamp: invoice.startingAt, endTimestamp: invoice.endingBefore, status: .finalized,
                    issuedAt: invoice.issuedAt, addedCharges: [], document: document
                ).insert(db)
            }
            return documents
        }
    }

    /// A historical invoice as it was made (voided, as voided), or its lines that start before
    /// `cutoff` for breakdowns.
    package static func historicalInvoice(_ record: InvoiceRecord, until cutoff: Timestamp) throws -> InvoiceDocument {
        guard let document = record.document else { throw StoreError.corrupt("Historical invoice \(record.id) lost its content") }
        return cutoff >= record.endTimestamp ? document : HistoricalRating.share(of: document, until: cutoff)
    }
}
