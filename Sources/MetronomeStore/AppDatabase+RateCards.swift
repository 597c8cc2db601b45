import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A name a contract may give instead of the rate card's ID, over an optional time range.
package struct RateCardAlias: Sendable, Equatable {
    package var name: String
    package var startingAt: Timestamp?
    package var endingBefore: Timestamp?

    /// A value with each stored property given.
    package init(name: String, startingAt: Timestamp? = nil, endingBefore: Timestamp? = nil) {
        self.name = name
        self.startingAt = startingAt
        self.endingBefore = endingBefore
    }
}

/// A rate card to create, already decoded by its endpoint (or a fixture).
package struct NewRateCard: Sendable {
    /// A fixed ID (fixtures); nil for a new random one.
    package var id: String?
    package var name: String
    package var description: String?
    package var aliases: [RateCardAlias]
    package var fiatCreditTypeId: String
    package var creditTypeConversions: [CreditTypeConversion]
    package var customFields: [String: String]

    /// A value with each stored property given.
    package init(
        id: String? = nil,
        name: String,
        description: String? = nil,
        aliases: [RateCardAlias],
        fiatCreditTypeId: String,
        creditTypeConversions: [CreditTypeConversion],
        customFields: [String: String]
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.aliases = aliases
        self.fiatCreditTypeId = fiatCreditTypeId
        self.creditTypeConversions = creditTypeConversions
        self.customFields = customFields
    }
}

/// The changes of a rate card update: nil fields stay as they are.
package struct RateCardChanges: Sendable {
    package var name: String?
    package var description: String?
    /// Replaces every alias when set.
    package var aliases: [RateCardAlias]?
    package var addCreditTypeConversions: [CreditTypeConversion]

    /// A value with each stored property given.
    package init(
        name: String? = nil,
        description: String? = nil,
        aliases: [RateCardAlias]? = nil,
        addCreditTypeConversions: [CreditTypeConversion]
    ) {
        self.name = name
        self.description = description
        self.aliases = aliases
        self.addCreditTypeConversions = addCreditTypeConversions
    }
}

/// Which rates of a card a listing shows: those in force at a moment, or those in force at
/// some moment of a range.
package enum RateWindow: Sendable {
    case at(Timestamp)
    case range(startingAt: Timestamp, endingBefore: Timestamp?)

    /// Whether `rate` is in this window.
    package func contains(_ rate: Rate) -> Bool {
        switch self {
        case .at(let moment): rate.covers(moment)
        case .range(let start, let end): rate.overlaps(startingAt: start, endingBefore: end)
        }
    }
}

/// A rate as addRate answers it: with its credit type.
package struct AddedRate: Sendable {
    package var rate: Rate
    package var creditType: CreditTypeRecord?

    /// A value with each stored property given.
    package init(rate: Rate, creditType: CreditTypeRecord? = nil) {
        self.rate = rate
        self.creditType = creditType
    }
}

extension AppDatabase {
    /// Creates a rate card; returns its ID.
    package func createRateCard(_ new: NewRateCard, now: Timestamp) async throws -> String {
        try await writer.write { db in try Self.insertRateCard(new, now: now, db).id }
    }

    /// The rate card with `id`, archived or not; 404 if there is none.
    package func rateCard(id: String) async throws -> RateCardSnapshot {
        try await writer.read { db in try Self.snapshot(of: Self.rateCardRecord(id: id, db), db) }
    }

    /// Up to `limit` rate cards that are not archived, oldest first, after sequence `afterSeq`.
    package func rateCards(afterSeq: Int64?, limit: Int) async throws -> [RateCardSnapshot] {
        try await writer.read { db in
            var request = RateCardRecord.filter(RateCardRecord.Columns.archivedAt == nil).order(RateCardRecord.Columns.seq)
            if let afterSeq {
                request = request.filter(RateCardRecord.Columns.seq > afterSeq)
            }
            return try request.limit(limit).fetchAll(db).map { try Self.snapshot(of: $0, db) }
        }
    }

    /// Changes a rate card's name, description or aliases, and adds credit type conversions.
    /// 400 if it is archived or a conversion exists already.
    package func updateRateCard(id: String, changes: RateCardChanges) async throws {
        try await writer.write { db in
            var record = try Self.activeRateCard(id: id, db)
            record.name = changes.name ?? record.name
            record.description = changes.description ?? record.description
            for conversion in changes.addCreditTypeConversions
            where record.creditTypeConversions.contains(where: { $0.customCreditTypeId == conversion.customCreditTypeId }) {
                throw StoreError.invalid(
                    "Rate card \(id) already converts credit type \(conversion.customCreditTypeId); conversions cannot be modified"
                )
            }
            for conversion in changes.addCreditTypeConversions {
                _ = try Self.activeCreditTypeRecord(id: conversion.customCreditTypeId, db)
            }
            record.creditTypeConversions += changes.addCreditTypeConversions
            try Self.checkCreditTypes(fiat: record.fiatCreditTypeId, conversions: record.creditTypeConversions, db)
            try record.update(db)
            if let aliases = changes.aliases {
                try Self.replaceAliases(ofRateCard: id, with: aliases, db)
            }
        }
    }

    /// Archives a rate card, which releases its aliases; 400 if it is archived already.
    package func archiveRateCard(id: String, now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.activeRateCard(id: id, db, verb: "already archived")
            record.archivedAt = now
            try record.update(db)
        }
    }

    /// Adds rates to a card, in order, all or none: each later rate wins over the time it
    /// covers (see `RateSchedule.overlay`). Returns the rates as stored.
    /// `listField` names the request's list of rates in error messages (nil for a single rate).
    package func addRates(rateCardId: String, rates: [Rate], listField: String?, now: Timestamp) async throws -> [AddedRate] {
        try await writer.write { db in
            try Self.insertRates(rateCardId: rateCardId, rates: rates, listField: listField, now: now, db)
        }
    }

    /// Up to `limit` rates of a card in `window` that match `selectors`, in listing order,
    /// after `after`.
    package func rateListings(
        rateCardId: String, window: RateWindow, selectors: [RateSelector], after: RateOrderKey?, limit: Int, now: Timestamp
    ) async throws -> [RateListing] {
        try await writer.read { db in
            try Self.rateListings(
                rateCardId: rateCardId, window: window, selectors: selectors, after: after, limit: limit, now: now, db
            )
        }
    }

    /// Puts `productIds` first in the card's product order, in that order; the card's other
    /// products follow in their current order.
    package func setRateCardProductOrder(rateCardId: String, productIds: [String]) async throws {
        try await writer.write { db in
            var card = try Self.activeRateCard(id: rateCardId, db)
            guard Set(productIds).count == productIds.count else {
                throw StoreError.invalid("'product_order' names a product more than once")
            }
            try Self.checkOnCard(productIds, card, field: "product_order", db)
            card.productOrder = productIds + card.productOrder.filter { !productIds.contains($0) }
            try card.update(db)
        }
    }

    /// Moves products of the card's order to new 0-based positions, one move after another.
    package func moveRateCardProducts(rateCardId: String, moves: [(productId: String, position: Int)]) async throws {
        try await writer.write { db in
            var card = try Self.activeRateCard(id: rateCardId, db)
            try Self.checkOnCard(moves.map(\.productId), card, field: "product_moves", db)
            for move in moves {
                card.productOrder.removeAll { $0 == move.productId }
                card.productOrder.insert(move.productId, at: min(move.position, card.productOrder.count))
            }
            try card.update(db)
        }
    }

    // MARK: - Helpers inside a transaction

    /// The rate card with `id`, archived or not; 404 if there is none.
    package static func rateCardRecord(id: String, _ db: Database) throws -> RateCardRecord {
        guard let record = try RateCardRecord.filter(RateCardRecord.Columns.id == id).fetchOne(db) else {
            throw StoreError.notFound("Rate card", id)
        }
        return record
    }

    /// Up to `limit` rates of a card in `window` matching `selectors`, in listing order, after
    /// `after`; 404 if the card does not exist.
    package static func rateListings(
        rateCardId: String, window: RateWindow, selectors: [RateSelector], after: RateOrderKey?, limit: Int, now: Timestamp,
        _ db: Database
    ) throws -> [RateListing] {
        let card = try Self.rateCardRecord(id: rateCardId, db)
        let rows = try RateRecord.filter(RateRecord.Columns.rateCardId == rateCardId).order(RateRecord.Columns.seq).fetchAll(db)
        let products = try Dictionary(
            ProductRecord.filter(Set(rows.map(\.productId)).contains(ProductRecord.Columns.id)).fetchAll(db).map { ($0.id, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        let creditTypes = try Self.creditTypes(ids: Set(rows.compactMap(\.details.creditTypeId)), db)
        var listings: [RateListing] = []
        for row in rows {
            let rate = row.rate
            guard window.contains(rate), let product = products[row.productId] else { continue }
            let state = product.state(at: now)
            guard RateSelector.matchAny(selectors, rate, productTags: state.tags ?? []) else { continue }
            let key = RateOrderKey(
                rate: rate, productPosition: card.productOrder.firstIndex(of: row.productId) ?? card.productOrder.count,
                seq: row.seq ?? 0
            )
            if let after, key <= after { continue }
            listings.append(RateListing(
                rate: rate, product: product, productState: state,
                creditType: rate.creditTypeId.flatMap { creditTypes[$0] }, orderKey: key
            ))
        }
        return Array(listings.sorted { $0.orderKey < $1.orderKey }.prefix(limit))
    }

    /// Checks and inserts a rate card with its aliases.
    package static func insertRateCard(_ new: NewRateCard, now: Timestamp, _ db: Database) throws -> RateCardRecord {
        for id in [new.fiatCreditTypeId] + new.creditTypeConversions.map(\.customCreditTypeId) {
            _ = try activeCreditTypeRecord(id: id, db)
        }
        try checkCreditTypes(fiat: new.fiatCreditTypeId, conversions: new.creditTypeConversions, db)
        let record = RateCardRecord(
            id: new.id ?? UUID().uuidString.lowercased(), name: new.name, description: new.description,
            fiatCreditTypeId: new.fiatCreditTypeId, creditTypeConversions: new.creditTypeConversions,
            customFields: new.customFields, productOrder: [], createdAt: now
        )
        try record.insert(db)
        try replaceAliases(ofRateCard: record.id, with: new.aliases, db)
        return record
    }

    /// Checks `rates` against their card and products and writes them over the card's rates.
    package static func insertRates(
        rateCardId: String, rates: [Rate], listField: String?, now: Timestamp, _ db: Database
    ) throws -> [AddedRate] {
        var card = try activeRateCard(id: rateCardId, db)
        var added: [AddedRate] = []
        for (index, rate) in rates.enumerated() {
            let field = listField.map { "\($0)[\(index)]." } ?? ""
            var rate = rate
            let product = try productRecord(id: rate.productId, db)
            guard product.archivedAt == nil else {
                throw StoreError.invalid("Product \(rate.productId) is archived")
            }
            if rate.creditTypeId == nil, !rate.rateType.isPercentage {
                rate.creditTypeId = card.fiatCreditTypeId
            }
            var creditType: CreditTypeRecord?
            if let creditTypeId = rate.creditTypeId {
                creditType = try activeCreditTypeRecord(id: creditTypeId, db)
                guard creditTypeId == card.fiatCreditTypeId
                    || card.creditTypeConversions.contains(where: { $0.customCreditTypeId == creditTypeId })
                else {
                    throw StoreError.invalid(
                        "'\(field)credit_type_id' \(creditTypeId) is neither the rate card's fiat credit type nor one of its credit_type_conversions"
                    )
                }
            }
            let state = product.state(at: now)
            do throws(PricingRuleViolation) {
                try RateRules.check(rate, product: RatedProduct(type: product.type, pricingGroupKey: state.pricingGroupKey), field: field)
            } catch {
                throw StoreError.invalid(error.message)
            }
            let existing = try RateRecord
                .filter(RateRecord.Columns.rateCardId == rateCardId && RateRecord.Columns.productId == rate.productId)
                .order(RateRecord.Columns.seq).fetchAll(db)
            let updated = RateSchedule.overlay(existing.map(\.rate), with: rate)
            try RateRecord.filter(RateRecord.Columns.rateCardId == rateCardId && RateRecord.Columns.productId == rate.productId)
                .deleteAll(db)
            for item in updated {
                let row = RateRecord(rateCardId: rateCardId, rate: item)
                try row.insert(db)
            }
            if !card.productOrder.contains(rate.productId) {
                card.productOrder.append(rate.productId)
            }
            added.append(AddedRate(rate: rate, creditType: creditType))
        }
        try card.update(db)
        return added
    }

    /// The card with `id`, which must not be archived (400, saying it is `verb`).
    private static func activeRateCard(id: String, _ db: Database, verb: String = "archived") throws -> RateCardRecord {
        let record = try rateCardRecord(id: id, db)
        guard record.archivedAt == nil else {
            throw StoreError.invalid("Rate card \(id) is \(verb)")
        }
        return record
    }

    private static func snapshot(of record: RateCardRecord, _ db: Database) throws -> RateCardSnapshot {
        let aliases = try RateCardAliasRecord
            .filter(RateCardAliasRecord.Columns.rateCardId == record.id)
            .order(RateCardAliasRecord.Columns.position).fetchAll(db)
        let ids = Set([record.fiatCreditTypeId] + record.creditTypeConversions.map(\.customCreditTypeId))
        return RateCardSnapshot(record: record, aliases: aliases, creditTypes: try creditTypes(ids: ids, db))
    }

    /// The credit type with `id`; 404 if there is none.
    package static func creditTypeRecord(id: String, _ db: Database) throws -> CreditTypeRecord {
        guard let record = try CreditTypeRecord.filter(CreditTypeRecord.Columns.id == id).fetchOne(db) else {
            throw StoreError.notFound("Credit type", id)
        }
        return record
    }

    /// The credit types among `ids` that exist, by ID.
    package static func creditTypes(ids: Set<String>, _ db: Database) throws -> [String: CreditTypeRecord] {
        let records = try CreditTypeRecord.filter(ids.contains(CreditTypeRecord.Columns.id)).fetchAll(db)
        return Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The fiat credit type must be a currency; each conversion a custom (non-currency) credit
    /// type, once, at a positive rate.
    private static func checkCreditTypes(fiat: String, conversions: [CreditTypeConversion], _ db: Database) throws {
        guard try creditTypeRecord(id: fiat, db).isCurrency else {
            throw StoreError.invalid("'fiat_credit_type_id' \(fiat) is not a fiat currency credit type")
        }
        var seen = Set<String>()
        for conversion in conversions {
            let id = conversion.customCreditTypeId
            guard seen.insert(id).inserted else {
                throw StoreError.invalid("Credit type \(id) is converted more than once")
            }
            guard try !creditTypeRecord(id: id, db).isCurrency else {
                throw StoreError.invalid("'custom_credit_type_id' \(id) must be a custom pricing unit, not a currency")
            }
            guard conversion.fiatPerCustomCredit > 0 else {
                throw StoreError.invalid("'fiat_per_custom_credit' must be positive")
            }
        }
    }

    /// Replaces a card's aliases; 400 if the list itself repeats a name at overlapping times. As
    /// Metronome's docs say, an alias names the card it was most recently assigned to: another
    /// active card holding the same name loses it over the new alias's window, keeping it before
    /// and after.
    private static func replaceAliases(ofRateCard id: String, with aliases: [RateCardAlias], _ db: Database) throws {
        let records = aliases.enumerated().map { index, alias in
            RateCardAliasRecord(
                rateCardId: id, position: index, name: alias.name, startingAt: alias.startingAt, endingBefore: alias.endingBefore
            )
        }
        for (index, alias) in records.enumerated() {
            if records[..<index].contains(where: { $0.name == alias.name && $0.overlaps(alias) }) {
                throw StoreError.invalid("'aliases' gives '\(alias.name)' twice at overlapping times")
            }
        }
        let active = RateCardRecord.select(RateCardRecord.Columns.id).filter(RateCardRecord.Columns.archivedAt == nil)
        for alias in records {
            let held = try RateCardAliasRecord
                .filter(RateCardAliasRecord.Columns.name == alias.name)
                .filter(RateCardAliasRecord.Columns.rateCardId != id)
                .filter(active.contains(RateCardAliasRecord.Columns.rateCardId))
                .fetchAll(db)
            for earlier in held where earlier.overlaps(alias) {
                try earlier.delete(db)
                if let start = alias.startingAt, earlier.startingAt.map({ $0 < start }) ?? true {
                    var before = earlier
                    before.endingBefore = start
                    try before.insert(db)
                }
                if let end = alias.endingBefore, earlier.endingBefore.map({ end < $0 }) ?? true {
                    var after = earlier
                    after.startingAt = end
                    after.position = try Int.fetchOne(
                        db, sql: "SELECT MAX(position) + 1 FROM rate_card_alias WHERE rate_card_id = ?", arguments: [earlier.rateCardId]
                    ) ?? 0
                    try after.insert(db)
                }
            }
        }
        try RateCardAliasRecord.filter(RateCardAliasRecord.Columns.rateCardId == id).deleteAll(db)
        for record in records {
            try record.insert(db)
        }
    }

    /// Each product must exist (404) and have rates on the card (400).
    private static func checkOnCard(_ productIds: [String], _ card: RateCardRecord, field: String, _ db: Database) throws {
        for productId in productIds {
            _ = try productRecord(id: productId, db)
            guard card.productOrder.contains(productId) else {
                throw StoreError.invalid("'\(field)': product \(productId) has no rates on rate card \(card.id)")
            }
        }
    }
}
