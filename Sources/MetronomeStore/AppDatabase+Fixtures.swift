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
        for customer in fixtures.customers {
            var aliases: [String] = []
            for alias in [customer.externalId].compactMap({ $0 }) + (customer.ingestAliases ?? []) where !aliases.contains(alias) {
                aliases.append(alias)
            }
            try CustomerRecord(
                id: customer.id, name: customer.name,
                externalId: customer.externalId ?? aliases.first ?? customer.id,
                customFields: customer.customFields ?? [:], createdAt: now, updatedAt: now
            ).insert(db)
            try replaceAliases(of: customer.id, with: aliases, db)
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
