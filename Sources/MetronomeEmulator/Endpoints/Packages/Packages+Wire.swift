import Foundation
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

// MARK: - Requests

/// The body of `create`. Terms a contract provisioned on the package would need, and that
/// contracts here do not take yet, are refused (`unsupportedFields`).
struct CreatePackageRequest: Decodable {
    var name: String
    var contractName: String?
    var rateCardId: String?
    var rateCardAlias: String?
    var aliases: [PackageAliasWire]?
    var duration: PackageDurationWire?
    var netPaymentTermsDays: Decimal?
    var usageStatementSchedule: UsageStatementSchedule?
    var uniquenessKey: String?

    /// The fields of Metronome's package the emulator does not support yet.
    static let unsupportedFields = [
        "commits", "credits", "overrides", "scheduled_charges", "recurring_commits", "recurring_credits",
        "subscriptions", "spend_trackers", "spend_threshold_configuration", "prepaid_balance_threshold_configuration",
        "billing_provider", "delivery_method", "multiplier_override_prioritization", "scheduled_charges_on_usage_invoices",
    ]

    /// `usage_statement_schedule` of a package: relative to each contract's start.
    struct UsageStatementSchedule: Decodable {
        var frequency: MetronomeBilling.UsageStatementSchedule.Frequency
        var day: MetronomeBilling.UsageStatementSchedule.Day?
        var invoiceGenerationStartingAtOffset: JSONValue?

        enum CodingKeys: String, CodingKey {
            case frequency, day, invoiceGenerationStartingAtOffset = "invoice_generation_starting_at_offset"
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, contractName = "contract_name", rateCardId = "rate_card_id", rateCardAlias = "rate_card_alias"
        case aliases, duration, netPaymentTermsDays = "net_payment_terms_days"
        case usageStatementSchedule = "usage_statement_schedule", uniquenessKey = "uniqueness_key"
    }

    /// The package to create, each field checked.
    func validated() throws -> NewPackage {
        if rateCardId != nil, rateCardAlias != nil {
            throw APIError.badRequest("Give 'rate_card_id' or 'rate_card_alias', not both")
        }
        if let rateCardAlias {
            try Validate.length(rateCardAlias, field: "rate_card_alias", 1...256)
        }
        if let uniquenessKey {
            try Validate.length(uniquenessKey, field: "uniqueness_key", Limits.identifierLength)
        }
        if let days = netPaymentTermsDays, days < 0 {
            throw APIError.badRequest("'net_payment_terms_days' must be >= 0")
        }
        if let schedule = usageStatementSchedule {
            if let offset = schedule.invoiceGenerationStartingAtOffset, offset != .null {
                throw APIError.unsupportedField("usage_statement_schedule.invoice_generation_starting_at_offset")
            }
            if schedule.day == .customDate {
                throw APIError.badRequest(
                    "'usage_statement_schedule.day' CUSTOM_DATE needs a billing anchor date, which a package cannot give; "
                        + "use FIRST_OF_MONTH or CONTRACT_START"
                )
            }
        }
        if let duration, duration.value < 1 {
            throw APIError.badRequest("'duration.value' must be >= 1")
        }
        return NewPackage(
            name: try Validate.name(name), contractName: try contractName.map { try Validate.name($0, field: "contract_name") },
            rateCardId: try rateCardId.map { try Validate.id($0, field: "rate_card_id") }, rateCardAlias: rateCardAlias,
            usageStatementFrequency: usageStatementSchedule?.frequency ?? .monthly,
            usageStatementDay: usageStatementSchedule?.day ?? .firstOfMonth, netPaymentTermsDays: netPaymentTermsDays,
            duration: duration.map { PackageDuration(unit: $0.unit, value: $0.value) },
            aliases: try (aliases ?? []).enumerated().map { index, alias in
                try Validate.length(alias.name, field: "aliases[\(index)].name", 1...256)
                if let start = alias.startingAt {
                    try Validate.range(startingAt: start, endingBefore: alias.endingBefore)
                }
                return PackageAlias(name: alias.name, startingAt: alias.startingAt, endingBefore: alias.endingBefore)
            },
            uniquenessKey: uniquenessKey
        )
    }
}

/// The body of `get` and `archive`: `{"package_id"}`.
struct PackageIDRequest: Decodable {
    var packageId: String

    enum CodingKeys: String, CodingKey {
        case packageId = "package_id"
    }
}

/// The body of `list` (the page `limit` and `next_page` are in the query).
struct ListPackagesRequest: Decodable {
    var archiveFilter: PackageArchiveFilter?

    enum CodingKeys: String, CodingKey {
        case archiveFilter = "archive_filter"
    }
}

/// The body of `listContractsOnPackage` (the page `limit` and `next_page` are in the query).
struct ListContractsOnPackageRequest: Decodable {
    var packageId: String
    var coveringDate: Timestamp?
    var startingAt: Timestamp?
    var includeArchived: Bool?

    enum CodingKeys: String, CodingKey {
        case packageId = "package_id", coveringDate = "covering_date", startingAt = "starting_at"
        case includeArchived = "include_archived"
    }
}

// MARK: - Responses

/// An alias of a package, in requests and responses.
struct PackageAliasWire: Codable {
    var name: String
    var startingAt: Timestamp?
    var endingBefore: Timestamp?

    enum CodingKeys: String, CodingKey {
        case name, startingAt = "starting_at", endingBefore = "ending_before"
    }
}

/// `duration` of a package, in requests and responses: `{"unit", "value"}`.
struct PackageDurationWire: Codable {
    var unit: PackageDuration.Unit
    var value: Int
}

/// A package on the wire, as `get` and `list` answer it.
struct PackageWire: Encodable {
    var id: String
    var name: String
    var contractName: String?
    var createdAt: Timestamp
    var createdBy: String
    var archivedAt: Timestamp?
    var rateCardId: String?
    var aliases: [PackageAliasWire]
    var duration: PackageDurationWire?
    var netPaymentTermsDays: Decimal?
    var usageStatementSchedule: UsageStatementScheduleWire
    var uniquenessKey: String?
    var commits: [JSONValue] = []
    var credits: [JSONValue] = []
    var overrides: [JSONValue] = []
    var scheduledCharges: [JSONValue] = []

    /// `usage_statement_schedule`: `{"frequency", "day"}`.
    struct UsageStatementScheduleWire: Encodable {
        var frequency: UsageStatementSchedule.Frequency
        var day: UsageStatementSchedule.Day
    }

    enum CodingKeys: String, CodingKey {
        case id, name, contractName = "contract_name", createdAt = "created_at", createdBy = "created_by"
        case archivedAt = "archived_at", rateCardId = "rate_card_id", aliases, duration
        case netPaymentTermsDays = "net_payment_terms_days", usageStatementSchedule = "usage_statement_schedule"
        case uniquenessKey = "uniqueness_key", commits, credits, overrides, scheduledCharges = "scheduled_charges"
    }

    /// The package on the wire.
    init(_ package: PackageSnapshot) {
        let record = package.record
        id = record.id
        name = record.name
        contractName = record.contractName
        createdAt = record.createdAt
        createdBy = AppDatabase.apiAuthor
        archivedAt = record.archivedAt
        rateCardId = record.rateCardId
        aliases = package.aliases.map { PackageAliasWire(name: $0.name, startingAt: $0.startingAt, endingBefore: $0.endingBefore) }
        duration = record.duration.map { PackageDurationWire(unit: $0.unit, value: $0.value) }
        netPaymentTermsDays = record.netPaymentTermsDays
        usageStatementSchedule = UsageStatementScheduleWire(frequency: record.frequency, day: record.day)
        uniquenessKey = record.uniquenessKey
    }
}

/// A contract provisioned on a package, as `listContractsOnPackage` answers it.
struct PackageContractWire: Encodable {
    var contractId: String
    var customerId: String
    var startingAt: Timestamp
    var endingBefore: Timestamp?
    var archivedAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case contractId = "contract_id", customerId = "customer_id", startingAt = "starting_at"
        case endingBefore = "ending_before", archivedAt = "archived_at"
    }

    /// The row on the wire.
    init(_ row: PackageContractRow) {
        contractId = row.contractId
        customerId = row.customerId
        startingAt = row.startingAt
        endingBefore = row.endingBefore
        archivedAt = row.archivedAt
    }
}
