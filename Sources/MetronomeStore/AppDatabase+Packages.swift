import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

// MARK: - Values

/// How long a contract provisioned on a package lasts: `{"unit", "value"}`.
package struct PackageDuration: Sendable, Equatable {
    /// The calendar unit of a duration.
    package enum Unit: String, WireEnum {
        case days = "DAYS"
        case weeks = "WEEKS"
        case months = "MONTHS"
        case years = "YEARS"
    }

    package var unit: Unit
    package var value: Int

    /// A value with each stored property given.
    package init(unit: Unit, value: Int) {
        self.unit = unit
        self.value = value
    }

    /// `moment` moved ahead by this duration; months and years keep the day of the month, clamped
    /// to the month's last day.
    package func after(_ moment: Timestamp) -> Timestamp {
        let length: PeriodLength
        switch unit {
        case .days: length = .days(value)
        case .weeks: length = .days(value * 7)
        case .months: length = .months(value)
        case .years: length = .months(value * 12)
        }
        return BillingCadence.advance(moment, by: length, times: 1)
    }
}

/// An alias of a package, in force from `startingAt` (inclusive) to `endingBefore` (exclusive).
package struct PackageAlias: Sendable, Equatable {
    package var name: String
    package var startingAt: Timestamp?
    package var endingBefore: Timestamp?

    /// A value with each stored property given.
    package init(name: String, startingAt: Timestamp? = nil, endingBefore: Timestamp? = nil) {
        self.name = name
        self.startingAt = startingAt
        self.endingBefore = endingBefore
    }

    /// Whether the alias is in force at `moment`.
    package func covers(_ moment: Timestamp) -> Bool {
        (startingAt.map { $0 <= moment } ?? true) && (endingBefore.map { moment < $0 } ?? true)
    }
}

/// A package to create, already validated by its endpoint.
package struct NewPackage: Sendable {
    package var name: String
    package var contractName: String?
    package var rateCardId: String?
    package var rateCardAlias: String?
    package var usageStatementFrequency: UsageStatementSchedule.Frequency
    package var usageStatementDay: UsageStatementSchedule.Day
    package var netPaymentTermsDays: Decimal?
    package var duration: PackageDuration?
    package var aliases: [PackageAlias]
    package var uniquenessKey: String?

    /// A value with each stored property given.
    package init(
        name: String,
        contractName: String? = nil,
        rateCardId: String? = nil,
        rateCardAlias: String? = nil,
        usageStatementFrequency: UsageStatementSchedule.Frequency = .monthly,
        usageStatementDay: UsageStatementSchedule.Day = .firstOfMonth,
        netPaymentTermsDays: Decimal? = nil,
        duration: PackageDuration? = nil,
        aliases: [PackageAlias] = [],
        uniquenessKey: String? = nil
    ) {
        self.name = name
        self.contractName = contractName
        self.rateCardId = rateCardId
        self.rateCardAlias = rateCardAlias
        self.usageStatementFrequency = usageStatementFrequency
        self.usageStatementDay = usageStatementDay
        self.netPaymentTermsDays = netPaymentTermsDays
        self.duration = duration
        self.aliases = aliases
        self.uniquenessKey = uniquenessKey
    }
}

/// A package as stored, with its aliases.
package struct PackageSnapshot: Sendable {
    package var record: PackageRecord
    package var aliases: [PackageAlias]

    /// A value with each stored property given.
    package init(record: PackageRecord, aliases: [PackageAlias]) {
        self.record = record
        self.aliases = aliases
    }
}

/// How a contract names the package it is provisioned on.
package enum PackageReference: Sendable, Equatable {
    /// `package_id`.
    case id(String)
    /// `package_alias`, resolved at the contract's start.
    case alias(String)
}

/// Which packages a list shows.
package enum PackageArchiveFilter: String, WireEnum {
    case archived = "ARCHIVED"
    case notArchived = "NOT_ARCHIVED"
    case all = "ALL"
}

/// A contract provisioned on a package, as `listContractsOnPackage` shows it.
package struct PackageContractRow: Sendable {
    package var seq: Int64
    package var contractId: String
    package var customerId: String
    package var startingAt: Timestamp
    package var endingBefore: Timestamp?
    package var archivedAt: Timestamp?

    /// A value with each stored property given.
    package init(
        seq: Int64, contractId: String, customerId: String, startingAt: Timestamp, endingBefore: Timestamp?,
        archivedAt: Timestamp?
    ) {
        self.seq = seq
        self.contractId = contractId
        self.customerId = customerId
        self.startingAt = startingAt
        self.endingBefore = endingBefore
        self.archivedAt = archivedAt
    }
}

// MARK: - Records

/// A row of `package`: reusable contract terms, relative to the start of each contract.
package struct PackageRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "package"
    package var seq: Int64?
    package var id: String
    package var name: String
    package var contractName: String?
    package var rateCardId: String?
    package var rateCardAlias: String?
    /// `UsageStatementSchedule.Frequency` raw value.
    package var usageStatementFrequency: String
    /// `UsageStatementSchedule.Day` raw value.
    package var usageStatementDay: String
    package var netPaymentTermsDays: Decimal?
    /// `PackageDuration.Unit` raw value.
    package var durationUnit: String?
    package var durationValue: Int?
    package var uniquenessKey: String?
    package var createdAt: Timestamp
    package var archivedAt: Timestamp?

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let id = Column(CodingKeys.id)
        package static let uniquenessKey = Column(CodingKeys.uniquenessKey)
        package static let archivedAt = Column(CodingKeys.archivedAt)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, name, contractName = "contract_name", rateCardId = "rate_card_id", rateCardAlias = "rate_card_alias"
        case usageStatementFrequency = "usage_statement_frequency", usageStatementDay = "usage_statement_day"
        case netPaymentTermsDays = "net_payment_terms_days", durationUnit = "duration_unit", durationValue = "duration_value"
        case uniquenessKey = "uniqueness_key", createdAt = "created_at", archivedAt = "archived_at"
    }

    /// The duration of contracts provisioned on the package, if it gives one.
    package var duration: PackageDuration? {
        guard let durationUnit, let unit = PackageDuration.Unit(rawValue: durationUnit), let durationValue else { return nil }
        return PackageDuration(unit: unit, value: durationValue)
    }

    /// The usage statement frequency of contracts provisioned on the package.
    package var frequency: UsageStatementSchedule.Frequency {
        UsageStatementSchedule.Frequency(rawValue: usageStatementFrequency) ?? .monthly
    }

    /// Where the usage statement periods of contracts provisioned on the package are anchored.
    package var day: UsageStatementSchedule.Day {
        UsageStatementSchedule.Day(rawValue: usageStatementDay) ?? .firstOfMonth
    }

    /// A value with each stored property given.
    package init(
        seq: Int64? = nil,
        id: String,
        name: String,
        contractName: String?,
        rateCardId: String?,
        rateCardAlias: String?,
        usageStatementFrequency: String,
        usageStatementDay: String,
        netPaymentTermsDays: Decimal?,
        durationUnit: String?,
        durationValue: Int?,
        uniquenessKey: String?,
        createdAt: Timestamp,
        archivedAt: Timestamp? = nil
    ) {
        self.seq = seq
        self.id = id
        self.name = name
        self.contractName = contractName
        self.rateCardId = rateCardId
        self.rateCardAlias = rateCardAlias
        self.usageStatementFrequency = usageStatementFrequency
        self.usageStatementDay = usageStatementDay
        self.netPaymentTermsDays = netPaymentTermsDays
        self.durationUnit = durationUnit
        self.durationValue = durationValue
        self.uniquenessKey = uniquenessKey
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }
}

/// A row of `package_alias`.
package struct PackageAliasRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "package_alias"
    package var packageId: String
    package var position: Int
    package var name: String
    package var startingAt: Timestamp?
    package var endingBefore: Timestamp?

    package enum Columns {
        package static let packageId = Column(CodingKeys.packageId)
        package static let position = Column(CodingKeys.position)
        package static let name = Column(CodingKeys.name)
    }

    package enum CodingKeys: String, CodingKey {
        case packageId = "package_id", position, name, startingAt = "starting_at", endingBefore = "ending_before"
    }

    /// The alias this row holds.
    package var alias: PackageAlias { PackageAlias(name: name, startingAt: startingAt, endingBefore: endingBefore) }

    /// A value with each stored property given.
    package init(packageId: String, position: Int, name: String, startingAt: Timestamp?, endingBefore: Timestamp?) {
        self.packageId = packageId
        self.position = position
        self.name = name
        self.startingAt = startingAt
        self.endingBefore = endingBefore
    }
}

/// A row of `package_contract`: a contract provisioned on a package.
package struct PackageContractRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "package_contract"
    package var seq: Int64?
    package var packageId: String
    package var contractId: String
    package var customerId: String

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let packageId = Column(CodingKeys.packageId)
        package static let contractId = Column(CodingKeys.contractId)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, packageId = "package_id", contractId = "contract_id", customerId = "customer_id"
    }

    /// A value with each stored property given.
    package init(seq: Int64? = nil, packageId: String, contractId: String, customerId: String) {
        self.seq = seq
        self.packageId = packageId
        self.contractId = contractId
        self.customerId = customerId
    }
}

// MARK: - Store methods

extension AppDatabase {
    /// Creates a package; returns its ID. 404 for an unknown rate card, 400 for an archived one,
    /// 409 for a reused uniqueness key.
    package func createPackage(_ new: NewPackage, now: Timestamp) async throws -> String {
        try await writer.write { db in
            if let key = new.uniquenessKey,
                try PackageRecord.filter(PackageRecord.Columns.uniquenessKey == key).fetchCount(db) > 0 {
                throw StoreError.conflict(Self.uniquenessKeyUsedMessage)
            }
            if let rateCardId = new.rateCardId {
                guard try Self.rateCardRecord(id: rateCardId, db).archivedAt == nil else {
                    throw StoreError.invalid("Rate card \(rateCardId) is archived")
                }
            }
            let record = PackageRecord(
                id: UUID().uuidString.lowercased(), name: new.name, contractName: new.contractName,
                rateCardId: new.rateCardId, rateCardAlias: new.rateCardAlias,
                usageStatementFrequency: new.usageStatementFrequency.rawValue, usageStatementDay: new.usageStatementDay.rawValue,
                netPaymentTermsDays: new.netPaymentTermsDays, durationUnit: new.duration?.unit.rawValue,
                durationValue: new.duration?.value, uniquenessKey: new.uniquenessKey, createdAt: now
            )
            try record.insert(db)
            for (position, alias) in new.aliases.enumerated() {
                try PackageAliasRecord(
                    packageId: record.id, position: position, name: alias.name, startingAt: alias.startingAt,
                    endingBefore: alias.endingBefore
                ).insert(db)
            }
            return record.id
        }
    }

    /// The package with `id`, archived or not; 404 if there is none.
    package func package(id: String) async throws -> PackageSnapshot {
        try await writer.read { db in try Self.snapshots(of: [Self.packageRecord(id: id, db)], db)[0] }
    }

    /// Up to `limit` packages in `filter`, oldest first, after sequence `afterSeq`.
    package func packages(filter: PackageArchiveFilter, afterSeq: Int64?, limit: Int) async throws -> [PackageSnapshot] {
        try await writer.read { db in
            var request = PackageRecord.order(PackageRecord.Columns.seq)
            switch filter {
            case .archived: request = request.filter(PackageRecord.Columns.archivedAt != nil)
            case .notArchived: request = request.filter(PackageRecord.Columns.archivedAt == nil)
            case .all: break
            }
            if let afterSeq {
                request = request.filter(PackageRecord.Columns.seq > afterSeq)
            }
            return try Self.snapshots(of: request.limit(limit).fetchAll(db), db)
        }
    }

    /// Archives a package, so no new contract can be provisioned on it; contracts already on it
    /// are untouched. 400 if it is archived already.
    package func archivePackage(id: String, now: Timestamp) async throws {
        try await writer.write { db in
            var record = try Self.packageRecord(id: id, db)
            guard record.archivedAt == nil else {
                throw StoreError.invalid("Package \(id) is already archived")
            }
            record.archivedAt = now
            try record.update(db)
        }
    }

    /// Up to `limit` contracts provisioned on a package, oldest first, after sequence `afterSeq`,
    /// matching `filter`; 404 for an unknown package.
    package func contractsOnPackage(
        id: String, filter: ContractListFilter, afterSeq: Int64?, limit: Int
    ) async throws -> [PackageContractRow] {
        try await writer.read { db in
            _ = try Self.packageRecord(id: id, db)
            var request = PackageContractRecord
                .filter(PackageContractRecord.Columns.packageId == id)
                .order(PackageContractRecord.Columns.seq)
            if let afterSeq {
                request = request.filter(PackageContractRecord.Columns.seq > afterSeq)
            }
            var rows: [PackageContractRow] = []
            for link in try request.fetchAll(db) where rows.count < limit {
                guard let contract = try ContractRecord.filter(ContractRecord.Columns.id == link.contractId).fetchOne(db) else {
                    continue
                }
                if !filter.includeArchived, contract.archivedAt != nil { continue }
                if let date = filter.coveringDate,
                    !(contract.startingAt <= date && (contract.endingBefore.map { date < $0 } ?? true)) {
                    continue
                }
                if let start = filter.startingAt, contract.startingAt < start { continue }
                rows.append(PackageContractRow(
                    seq: link.seq ?? 0, contractId: contract.id, customerId: contract.customerId,
                    startingAt: contract.startingAt, endingBefore: contract.endingBefore, archivedAt: contract.archivedAt
                ))
            }
            return rows
        }
    }

    // MARK: - Helpers inside a transaction

    /// The package with `id`, archived or not; 404 if there is none.
    package static func packageRecord(id: String, _ db: Database) throws -> PackageRecord {
        guard let record = try PackageRecord.filter(PackageRecord.Columns.id == id).fetchOne(db) else {
            throw StoreError.notFound("Package", id)
        }
        return record
    }

    /// The package a new contract starting at `moment` is provisioned on: 404 for an unknown ID,
    /// 400 for an archived package or an alias no active package holds at `moment`. An alias held
    /// by several packages names the one it was most recently given to.
    package static func packageForContract(_ reference: PackageReference, at moment: Timestamp, _ db: Database) throws -> PackageRecord {
        switch reference {
        case .id(let id):
            let record = try packageRecord(id: id, db)
            guard record.archivedAt == nil else {
                throw StoreError.invalid("Package \(id) is archived")
            }
            return record
        case .alias(let name):
            let holders = try PackageAliasRecord.filter(PackageAliasRecord.Columns.name == name).fetchAll(db)
                .filter { $0.alias.covers(moment) }
            let candidates = try PackageRecord
                .filter(Set(holders.map(\.packageId)).contains(PackageRecord.Columns.id))
                .filter(PackageRecord.Columns.archivedAt == nil)
                .order(PackageRecord.Columns.seq.desc)
                .fetchAll(db)
            guard let newest = candidates.first else {
                throw StoreError.invalid("No package has the alias '\(name)' at \(moment.rfc3339)")
            }
            return newest
        }
    }

    private static func snapshots(of records: [PackageRecord], _ db: Database) throws -> [PackageSnapshot] {
        let aliases = try PackageAliasRecord
            .filter(records.map(\.id).contains(PackageAliasRecord.Columns.packageId))
            .order(PackageAliasRecord.Columns.position)
            .fetchAll(db)
        let byPackage = Dictionary(grouping: aliases, by: \.packageId)
        return records.map { record in
            PackageSnapshot(record: record, aliases: (byPackage[record.id] ?? []).map(\.alias))
        }
    }
}
