import Foundation
import GRDB
import MetronomeCodecs

/// How many of each kind of object a namespace holds, for the console's home page.
package struct CatalogCounts: Sendable, Encodable {
    /// Customers, not archived.
    package var customers: Int
    /// Contracts, not archived.
    package var contracts: Int
    /// Billable metrics, not archived.
    package var billableMetrics: Int
    /// Products, not archived.
    package var products: Int
    /// Rate cards, not archived.
    package var rateCards: Int
    /// Plans (fixtures only; they are never archived).
    package var plans: Int
    /// Credit types, not archived.
    package var creditTypes: Int

    package enum CodingKeys: String, CodingKey {
        case customers, contracts, plans
        case billableMetrics = "billable_metrics"
        case products
        case rateCards = "rate_cards"
        case creditTypes = "credit_types"
    }
}

extension AppDatabase {
    /// Up to `limit` customers, archived ones too, newest first, before sequence `beforeSeq`; with
    /// `search`, only those whose name or an ingest alias contains it, or whose id starts with it.
    package func consoleCustomers(search: String?, beforeSeq: Int64?, limit: Int) async throws -> [CustomerSnapshot] {
        try await writer.read { db in
            var conditions: [String] = []
            var values: [any DatabaseValueConvertible] = []
            if let beforeSeq {
                conditions.append("seq < ?")
                values.append(beforeSeq)
            }
            if let search, !search.isEmpty {
                let escaped = search.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                conditions.append("""
                    (name LIKE ? ESCAPE '\\' OR id LIKE ? ESCAPE '\\' OR id IN (
                        SELECT customer_id FROM customer_ingest_alias WHERE alias LIKE ? ESCAPE '\\'))
                    """)
                values += ["%\(escaped)%", "\(escaped)%", "%\(escaped)%"]
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            values.append(limit)
            let records = try CustomerRecord.fetchAll(
                db, sql: "SELECT * FROM customer \(whereClause) ORDER BY seq DESC LIMIT ?", arguments: StatementArguments(values)
            )
            return try records.map { record in
                CustomerSnapshot(record: record, ingestAliases: try Self.aliases(of: record.id, db))
            }
        }
    }

    /// The counts of live (unarchived) customers, contracts and catalog objects.
    package func catalogCounts() async throws -> CatalogCounts {
        try await writer.read { db in
            func count(_ table: String, archivable: Bool = true) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)" + (archivable ? " WHERE archived_at IS NULL" : "")) ?? 0
            }
            return CatalogCounts(
                customers: try count("customer"), contracts: try count("contract"),
                billableMetrics: try count("billable_metric"), products: try count("product"),
                rateCards: try count("rate_card"), plans: try count("plan", archivable: false),
                creditTypes: try count("credit_type")
            )
        }
    }
}
