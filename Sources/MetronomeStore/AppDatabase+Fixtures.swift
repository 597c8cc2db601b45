import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

extension AppDatabase {
    /// Wipes every piece of emulated state and loads `fixtures`, in one transaction.
    package func reset(to fixtures: Fixtures, now: Timestamp) async throws {
        let index = usageTransactions
        try await writer.write { db in
            for table in Self.stateTables {
                try db.execute(sql: "DELETE FROM \(table)")
            }
            db.afterNextTransaction(onCommit: { _ in index.replace(with: TransactionIdTable()) })
            try Self.load(fixtures, now: now, db)
        }
    }

    /// Loads `fixtures` into an empty store, at first start only: a store file that already
    /// holds state is left as it is.
    package func loadFixturesIfEmpty(_ fixtures: Fixtures, now: Timestamp) async throws {
        try await writer.write { db in
            let hasState = try CreditTypeRecord.fetchCount(db) > 0 || CustomerRecord.fetchCount(db) > 0
            if !hasState {
                try Self.load(fixtures, now: now, db)
            }
        }
    }

    private static func load(_ fixtures: Fixtures, now: Timestamp, _ db: Database) throws {
        for creditType in fixtures.creditTypes {
            try CreditTypeRecord(id: creditType.id, name: creditType.name, isCurrency: creditType.isCurrency).insert(db)
        }
        for method in fixtures.deliveryMethods {
            try DeliveryMethodRecord(
                id: method.id, deliveryMethod: method.deliveryMethod, configuration: method.configuration ?? .object([:])
            ).insert(db)
        }
        // Fixture folders may hold a hundred thousand customers: their rows are written with two
        // prepared statements rather than through record encoding, which costs ten times as much.
        let insertCustomer = try db.cachedStatement(sql: """
            INSERT INTO customer (id, name, external_id, custom_fields, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let insertAlias = try db.cachedStatement(sql: "INSERT INTO customer_ingest_alias (alias, customer_id, position) VALUES (?, ?, ?)")
        let fieldsEncoder = JSONEncoder()
        fieldsEncoder.outputFormatting = .sortedKeys
        for customer in fixtures.customers {
            var aliases: [String] = []
            for alias in [customer.externalId].compactMap({ $0 }) + (customer.ingestAliases ?? []) where !aliases.contains(alias) {
                aliases.append(alias)
            }
            let customFields = customer.customFields ?? [:]
            let fields = customFields.isEmpty ? "{}" : String(decoding: try fieldsEncoder.encode(customFields), as: UTF8.self)
            try insertCustomer.execute(arguments: [
                customer.id, customer.name, customer.externalId ?? aliases.first ?? customer.id, fields, now, now,
            ])
            for (position, alias) in aliases.enumerated() {
                try insertAlias.execute(arguments: [alias, customer.id, position])
            }
        }
        for metric in fixtures.billableMetrics {
            let definition = metric.definition
            let record = BillableMetricRecord(
                id: metric.id, name: metric.name, aggregationType: definition.aggregationType,
                aggregationKey: definition.aggregationKey, eventTypeFilter: definition.eventTypeFilter,
                propertyFilters: definition.propertyFilters, groupKeys: definition.groupKeys, sql: definition.sql,
                customFields: metric.customFields, createdAt: now
            )
            try record.insert(db)
        }
        for product in fixtures.products {
            _ = try insertProduct(product, now: now, db)
        }
        for fixture in fixtures.rateCards {
            let card = try insertRateCard(fixture.card, now: now, db)
            _ = try insertRates(rateCardId: card.id, rates: fixture.rates, listField: "rates", now: now, db)
        }
        for plan in fixtures.plans {
            try PlanRecord(id: plan.id, definition: plan).insert(db)
        }
    }
}
