import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// One line of a professional services invoice to schedule, already checked by its endpoint.
package struct NewProfessionalServicesInvoice: Sendable {
    package var customerId: String
    package var contractId: String
    package var issuedAt: Timestamp
    package var charges: [ProfessionalServiceCharge]

    /// A value with each stored property given.
    package init(customerId: String, contractId: String, issuedAt: Timestamp, charges: [ProfessionalServiceCharge]) {
        self.customerId = customerId
        self.contractId = contractId
        self.issuedAt = issuedAt
        self.charges = charges
    }
}

extension AppDatabase {
    // MARK: - Terms

    /// Checks and keeps the professional services terms of a new contract (in its transaction).
    package static func insertProfessionalServices(
        _ services: [ProfessionalServiceTerms], contractId: String, customerId: String, list: String = "professional_services",
        _ db: Database
    ) throws {
        for (index, service) in services.enumerated() {
            let field = "\(list)[\(index)].product_id"
            guard try activeProduct(id: service.productId, field: field, db).type.canonical == .proService else {
                throw StoreError.invalid("'\(field)' must be a PROFESSIONAL_SERVICE product")
            }
            try db.execute(sql: """
                INSERT INTO professional_service
                    (id, contract_id, customer_id, product_id, max_amount, quantity, unit_price, description, custom_fields,
                     netsuite_sales_order_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    service.id, contractId, customerId, service.productId, "\(service.maxAmount)", "\(service.quantity)",
                    "\(service.unitPrice)", service.description, try encodedFields(service.customFields),
                    service.netsuiteSalesOrderId,
                ])
        }
    }

    /// The professional services terms of the contracts `ids`, by contract, in creation order.
    package static func professionalServices(contractIds ids: [String], _ db: Database) throws -> [String: [ProfessionalServiceTerms]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM professional_service WHERE contract_id IN (\(databaseQuestionMarks(count: ids.count))) ORDER BY seq
            """, arguments: StatementArguments(ids))
        var byContract: [String: [ProfessionalServiceTerms]] = [:]
        for row in rows {
            func decimal(_ column: String) throws -> Decimal {
                guard let value = Decimal(string: row[column] as String) else {
                    throw StoreError.corrupt("Professional service \(row["id"] as String) has a bad \(column)")
                }
                return value
            }
            let fields = (row["custom_fields"] as String).data(using: .utf8) ?? Data()
            byContract[row["contract_id"], default: []].append(ProfessionalServiceTerms(
                id: row["id"], productId: row["product_id"], maxAmount: try decimal("max_amount"), quantity: try decimal("quantity"),
                unitPrice: try decimal("unit_price"), description: row["description"],
                customFields: (try? JSONDecoder().decode([String: String].self, from: fields)) ?? [:],
                netsuiteSalesOrderId: row["netsuite_sales_order_id"]
            ))
        }
        return byContract
    }

    private static func encodedFields(_ fields: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(fields), as: UTF8.self)
    }

    // MARK: - Invoices

    /// Schedules a professional services invoice on a contract: DRAFT until `issuedAt`, then
    /// FINALIZED (at once if `issuedAt` has passed). 404 for an unknown customer, contract or
    /// professional service of the contract; 400 for an archived contract, or a line that would
    /// take a service past its `max_amount` (what its earlier, unvoided invoices billed counts).
    package func scheduleProfessionalServicesInvoice(_ new: NewProfessionalServicesInvoice, now: Timestamp) async throws -> InvoiceDocument {
        try await writer.write { db in
            _ = try Self.customerRecord(id: new.customerId, db)
            let contract = try Self.contractRecord(customerId: new.customerId, contractId: new.contractId, db)
            guard contract.archivedAt == nil else { throw StoreError.invalid("Contract \(contract.id) is archived") }
            try Self.settle(customerId: new.customerId, now: now, db)
            let services = Dictionary(
                uniqueKeysWithValues: (try Self.professionalServices(contractIds: [contract.id], db)[contract.id] ?? []).map { ($0.id, $0) }
            )
            var billed: [String: Decimal] = [:]
            for record in try InvoiceRecord.filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.professionalServices.rawValue)
                .filter(InvoiceRecord.Columns.sourceId == contract.id)
                .filter(InvoiceRecord.Columns.status != InvoiceStatus.void.rawValue).fetchAll(db) {
                for line in record.document?.lineItems ?? [] {
                    if let id = line.professionalServiceId { billed[id, default: 0] += line.total }
                }
            }
            let creditType = InvoiceCreditType(
                id: CreditTypes.usdCentsId,
                name: try CreditTypeRecord.filter(CreditTypeRecord.Columns.id == CreditTypes.usdCentsId).fetchOne(db)?.name
                    ?? CreditTypes.usdCentsName
            )
            let addedOn = (try Self.editsByContract(ids: [contract.id], db)[contract.id] ?? [])
                .filter { $0.kind == .amendment }
                .reduce(into: [String: String]()) { added, amendment in
                    for id in amendment.addedIds { added[id] = amendment.id }
                }
            var lines: [InvoiceLineItem] = []
            for (index, charge) in new.charges.enumerated() {
                guard let service = services[charge.professionalServiceId] else {
                    throw StoreError.notFound("Professional service of contract \(contract.id)", charge.professionalServiceId)
                }
                switch (addedOn[service.id], charge.amendmentId) {
                case (let amendment?, nil):
                    throw StoreError.invalid(
                        "'line_items[\(index)].amendment_id' is required: professional service \(service.id) was added on amendment \(amendment)"
                    )
                case (let added, let named?) where named != added:
                    throw StoreError.invalid(
                        "'line_items[\(index)].amendment_id': professional service \(service.id) was not added on amendment \(named)"
                    )
                default: break
                }
                let priced = charge.priced(by: service)
                billed[service.id, default: 0] += priced.total
                guard billed[service.id, default: 0] <= service.maxAmount else {
                    throw StoreError.invalid(
                        "'line_items[\(index)]': professional service \(service.id) would be invoiced \(billed[service.id] ?? 0), "
                            + "more than its max_amount of \(service.maxAmount)"
                    )
                }
                let product = try Self.productRecord(id: service.productId, db)
                var line = InvoiceLineItem(
                    name: product.state(at: new.issuedAt).name ?? service.description ?? "Professional services", total: priced.total,
                    creditType: creditType, type: "professional_service", productId: service.productId,
                    productType: "ProServiceProductListItem", quantity: priced.quantity, unitPrice: priced.unitPrice,
                    startingAt: new.issuedAt, endingBefore: new.issuedAt
                )
                line.professionalServiceId = service.id
                line.professionalServiceCustomFields = service.customFields
                line.metadata = charge.metadata
                line.netsuiteInvoiceBillingStart = charge.netsuiteInvoiceBillingStart
                line.netsuiteInvoiceBillingEnd = charge.netsuiteInvoiceBillingEnd
                lines.append(line)
            }
            let amendments = Set(new.charges.map(\.amendmentId))
            let finalized = new.issuedAt <= now
            let id = UUID().uuidString.lowercased()
            let status: InvoiceStatus = finalized ? .finalized : .draft
            var document = InvoiceDocument(
                id: id, customerId: new.customerId, creditType: creditType, lineItems: lines, status: status.rawValue,
                total: lines.reduce(Decimal(0)) { $0 + $1.total }, type: "SCHEDULED", startTimestamp: new.issuedAt,
                endTimestamp: new.issuedAt, issuedAt: finalized ? new.issuedAt : nil, contractId: contract.id,
                netPaymentTermsDays: contract.netPaymentTermsDays, customFields: [:]
            )
            // The invoice names an amendment when every line bills a service it added.
            if amendments.count == 1, let amendment = amendments.first ?? nil { document.amendmentId = amendment }
            try InvoiceRecord(
                id: id, customerId: new.customerId, sourceKind: .professionalServices, sourceId: contract.id, periodIndex: 0,
                startTimestamp: new.issuedAt, endTimestamp: new.issuedAt, status: status, issuedAt: finalized ? new.issuedAt : nil,
                addedCharges: [], document: document
            ).insert(db)
            return document
        }
    }
}
