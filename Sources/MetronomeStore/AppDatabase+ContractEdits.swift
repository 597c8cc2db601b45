import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

// MARK: - Edits

/// Whether a change to a contract came from v2 `contracts/edit` (or another edit route) or from
/// v1 `contracts/amend`.
package enum ContractEditKind: String, WireEnum {
    case edit = "EDIT"
    case amendment = "AMENDMENT"
}

/// A change to a contract, checked field by field by its endpoint (new IDs generated): what to
/// add, archive, remove and update. The store applies it from `timestamp` on and keeps it as the
/// contract's history.
package struct ContractEdit: Sendable {
    package var id: String
    package var kind: ContractEditKind
    package var customerId: String
    package var contractId: String
    /// When the edit was made (the emulated clock's now).
    package var timestamp: Timestamp
    /// An amendment's `starting_at`.
    package var startingAt: Timestamp?
    package var uniquenessKey: String?
    package var addCommits: [CommitTerms]
    package var addCredits: [CommitTerms]
    package var addOverrides: [OverrideTerms]
    package var addScheduledCharges: [ScheduledChargeTerms]
    package var addDiscounts: [ScheduledChargeTerms]
    package var addSubscriptions: [SubscriptionTerms]
    package var archiveCommits: [String]
    package var archiveCredits: [String]
    package var archiveScheduledCharges: [String]
    package var removeOverrides: [String]
    /// Changes to commits and credits (each says which kind it edits).
    package var updateCommits: [CommitEdit]
    package var updateScheduledCharges: [ScheduledChargeEdit]
    package var updateContractEndDate: NewValue<Timestamp>?
    package var updateContractName: NewValue<String>?
    package var updateNetPaymentTermsDays: NewValue<Decimal>?
    package var addPrepaidBalanceThreshold: PrepaidBalanceThreshold?
    package var updatePrepaidBalanceThreshold: ThresholdUpdate?
    package var addSpendThreshold: SpendThreshold?
    package var updateSpendThreshold: ThresholdUpdate?
    package var addResellerRoyalties: [ResellerRoyaltyTerms]
    /// An amendment's references for other systems (and total contract value): kept and shown.
    package var salesReferences: ContractTerms.SalesReferences?
    /// An amendment's `custom_fields`: set on the contract, each replacing its value of the key.
    package var customFields: [String: String]?
    package var addSpendTrackers: [SpendTrackerTerms]
    /// Aliases of spend trackers to archive.
    package var archiveSpendTrackers: [String]
    /// Recurring commits and recurring credits, told apart by `kind`.
    package var addRecurringCommits: [RecurringCommitTerms]
    package var addProfessionalServices: [ProfessionalServiceTerms]
    package var updateRecurringCommits: [RecurringCommitUpdate]
    package var updateSubscriptions: [SubscriptionUpdate]
    /// A billing provider configuration to add to a contract that has none.
    package var addBillingProviderConfigurationUpdate: ConfigurationUpdate?
    /// A revenue system configuration to add to a contract that has none.
    package var addRevenueSystemConfigurationUpdate: ConfigurationUpdate?
    /// Whether the new end may fall before the end of a finalized usage invoice (which stays as
    /// it is); not kept in the history.
    package var allowEndingBeforeFinalizedInvoice: Bool

    /// A value with each stored property given.
    package init(
        id: String,
        kind: ContractEditKind,
        customerId: String,
        contractId: String,
        timestamp: Timestamp,
        startingAt: Timestamp? = nil,
        uniquenessKey: String? = nil,
        addCommits: [CommitTerms] = [],
        addCredits: [CommitTerms] = [],
        addOverrides: [OverrideTerms] = [],
        addScheduledCharges: [ScheduledChargeTerms] = [],
        addDiscounts: [ScheduledChargeTerms] = [],
        addSubscriptions: [SubscriptionTerms] = [],
        archiveCommits: [String] = [],
        archiveCredits: [String] = [],
        archiveScheduledCharges: [String] = [],
        removeOverrides: [String] = [],
        updateCommits: [CommitEdit] = [],
        updateScheduledCharges: [ScheduledChargeEdit] = [],
        updateContractEndDate: NewValue<Timestamp>? = nil,
        updateContractName: NewValue<String>? = nil,
        updateNetPaymentTermsDays: NewValue<Decimal>? = nil,
        addPrepaidBalanceThreshold: PrepaidBalanceThreshold? = nil,
        updatePrepaidBalanceThreshold: ThresholdUpdate? = nil,
        addSpendThreshold: SpendThreshold? = nil,
        updateSpendThreshold: ThresholdUpdate? = nil,
        addResellerRoyalties: [ResellerRoyaltyTerms] = [],
        addSpendTrackers: [SpendTrackerTerms] = [],
        archiveSpendTrackers: [String] = [],
        addRecurringCommits: [RecurringCommitTerms] = [],
        addProfessionalServices: [ProfessionalServiceTerms] = [],
        updateRecurringCommits: [RecurringCommitUpdate] = [],
        updateSubscriptions: [SubscriptionUpdate] = [],
        addBillingProviderConfigurationUpdate: ConfigurationUpdate? = nil,
        addRevenueSystemConfigurationUpdate: ConfigurationUpdate? = nil,
        allowEndingBeforeFinalizedInvoice: Bool = true,
        salesReferences: ContractTerms.SalesReferences? = nil,
        customFields: [String: String]? = nil
    ) {
        self.customFields = customFields
        self.salesReferences = salesReferences
        self.updateSubscriptions = updateSubscriptions
        self.addBillingProviderConfigurationUpdate = addBillingProviderConfigurationUpdate
        self.addRevenueSystemConfigurationUpdate = addRevenueSystemConfigurationUpdate
        self.updateRecurringCommits = updateRecurringCommits
        self.addRecurringCommits = addRecurringCommits
        self.addProfessionalServices = addProfessionalServices
        self.addPrepaidBalanceThreshold = addPrepaidBalanceThreshold
        self.updatePrepaidBalanceThreshold = updatePrepaidBalanceThreshold
        self.addSpendThreshold = addSpendThreshold
        self.updateSpendThreshold = updateSpendThreshold
        self.addResellerRoyalties = addResellerRoyalties
        self.addSpendTrackers = addSpendTrackers
        self.archiveSpendTrackers = archiveSpendTrackers
        self.id = id
        self.kind = kind
        self.customerId = customerId
        self.contractId = contractId
        self.timestamp = timestamp
        self.startingAt = startingAt
        self.uniquenessKey = uniquenessKey
        self.addCommits = addCommits
        self.addCredits = addCredits
        self.addOverrides = addOverrides
        self.addScheduledCharges = addScheduledCharges
        self.addDiscounts = addDiscounts
        self.addSubscriptions = addSubscriptions
        self.archiveCommits = archiveCommits
        self.archiveCredits = archiveCredits
        self.archiveScheduledCharges = archiveScheduledCharges
        self.removeOverrides = removeOverrides
        self.updateCommits = updateCommits
        self.updateScheduledCharges = updateScheduledCharges
        self.updateContractEndDate = updateContractEndDate
        self.updateContractName = updateContractName
        self.updateNetPaymentTermsDays = updateNetPaymentTermsDays
        self.allowEndingBeforeFinalizedInvoice = allowEndingBeforeFinalizedInvoice
    }

    /// The IDs of the commits, credits, overrides, scheduled charges, discounts, recurring
    /// commits and credits, and professional services it added.
    package var addedIds: Set<String> {
        Set(
            (addCommits + addCredits).map(\.id) + addOverrides.map(\.id) + (addScheduledCharges + addDiscounts).map(\.id)
                + addRecurringCommits.map(\.id) + addProfessionalServices.map(\.id)
        )
    }
}

/// A row of `contract_edit`: one edit or amendment of a contract, with what it changed.
package struct ContractEditRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "contract_edit"
    package var seq: Int64?
    package var id: String
    package var kind: ContractEditKind
    package var customerId: String
    package var contractId: String
    package var timestamp: Timestamp
    package var startingAt: Timestamp?
    package var uniquenessKey: String?
    package var changes: StoredContractEditChanges

    package enum Columns {
        package static let seq = Column(CodingKeys.seq)
        package static let customerId = Column(CodingKeys.customerId)
        package static let contractId = Column(CodingKeys.contractId)
        package static let uniquenessKey = Column(CodingKeys.uniquenessKey)
    }

    package enum CodingKeys: String, CodingKey {
        case seq, id, kind, customerId = "customer_id", contractId = "contract_id", timestamp, startingAt = "starting_at"
        case uniquenessKey = "uniqueness_key", changes
    }

    /// The row of `edit`.
    package init(_ edit: ContractEdit) {
        id = edit.id
        kind = edit.kind
        customerId = edit.customerId
        contractId = edit.contractId
        timestamp = edit.timestamp
        startingAt = edit.startingAt
        uniquenessKey = edit.uniquenessKey
        changes = StoredContractEditChanges(edit)
    }

    /// The edit this row holds.
    package var edit: ContractEdit {
        ContractEdit(
            id: id, kind: kind, customerId: customerId, contractId: contractId, timestamp: timestamp, startingAt: startingAt,
            uniquenessKey: uniquenessKey, addCommits: changes.addCommits.map(\.terms), addCredits: changes.addCredits.map(\.terms),
            addOverrides: changes.addOverrides.map(\.domain), addScheduledCharges: changes.addScheduledCharges.map(\.domain),
            addDiscounts: changes.addDiscounts.map(\.domain), addSubscriptions: changes.addSubscriptions.map(\.domain),
            archiveCommits: changes.archiveCommits,
            archiveCredits: changes.archiveCredits, archiveScheduledCharges: changes.archiveScheduledCharges,
            removeOverrides: changes.removeOverrides, updateCommits: changes.updateCommits,
            updateScheduledCharges: changes.updateScheduledCharges, updateContractEndDate: changes.updateContractEndDate,
            updateContractName: changes.updateContractName, updateNetPaymentTermsDays: changes.updateNetPaymentTermsDays,
            addPrepaidBalanceThreshold: changes.addPrepaidBalanceThreshold,
            updatePrepaidBalanceThreshold: changes.updatePrepaidBalanceThreshold, addSpendThreshold: changes.addSpendThreshold,
            updateSpendThreshold: changes.updateSpendThreshold, addResellerRoyalties: changes.addResellerRoyalties ?? [],
            addSpendTrackers: changes.addSpendTrackers ?? [], archiveSpendTrackers: changes.archiveSpendTrackers ?? [],
            addRecurringCommits: changes.addRecurringCommits ?? [], addProfessionalServices: changes.addProfessionalServices ?? [],
            updateRecurringCommits: changes.updateRecurringCommits ?? [],
            updateSubscriptions: changes.updateSubscriptions ?? [],
            addBillingProviderConfigurationUpdate: changes.addBillingProviderConfigurationUpdate,
            addRevenueSystemConfigurationUpdate: changes.addRevenueSystemConfigurationUpdate,
            salesReferences: changes.salesReferences, customFields: changes.customFields
        )
    }
}

/// What an edit changed, as stored: what it added as it was then, and what it removed or changed.
package struct StoredContractEditChanges: Codable, Sendable {
    var addCommits: [CommitRecord]
    var addCredits: [CommitRecord]
    var addOverrides: [StoredOverride]
    var addScheduledCharges: [StoredScheduledCharge]
    var addDiscounts: [StoredScheduledCharge]
    var addSubscriptions: [StoredSubscription]
    var archiveCommits: [String]
    var archiveCredits: [String]
    var archiveScheduledCharges: [String]
    var removeOverrides: [String]
    var updateCommits: [CommitEdit]
    var updateScheduledCharges: [ScheduledChargeEdit]
    var updateContractEndDate: NewValue<Timestamp>?
    var updateContractName: NewValue<String>?
    var updateNetPaymentTermsDays: NewValue<Decimal>?
    var addPrepaidBalanceThreshold: PrepaidBalanceThreshold?
    var updatePrepaidBalanceThreshold: ThresholdUpdate?
    var addSpendThreshold: SpendThreshold?
    var updateSpendThreshold: ThresholdUpdate?
    var addResellerRoyalties: [ResellerRoyaltyTerms]?
    var addSpendTrackers: [SpendTrackerTerms]?
    var archiveSpendTrackers: [String]?
    var addRecurringCommits: [RecurringCommitTerms]?
    var addProfessionalServices: [ProfessionalServiceTerms]?
    var updateRecurringCommits: [RecurringCommitUpdate]?
    var updateSubscriptions: [SubscriptionUpdate]?
    var addBillingProviderConfigurationUpdate: ConfigurationUpdate?
    var addRevenueSystemConfigurationUpdate: ConfigurationUpdate?
    var salesReferences: ContractTerms.SalesReferences?
    var customFields: [String: String]?

    enum CodingKeys: String, CodingKey {
        case addCommits = "add_commits", addCredits = "add_credits", addOverrides = "add_overrides"
        case addScheduledCharges = "add_scheduled_charges", addDiscounts = "add_discounts"
        case addSubscriptions = "add_subscriptions", archiveCommits = "archive_commits", archiveCredits = "archive_credits"
        case archiveScheduledCharges = "archive_scheduled_charges", removeOverrides = "remove_overrides"
        case updateCommits = "update_commits", updateScheduledCharges = "update_scheduled_charges"
        case updateContractEndDate = "update_contract_end_date", updateContractName = "update_contract_name"
        case updateNetPaymentTermsDays = "update_net_payment_terms_days"
        case addPrepaidBalanceThreshold = "add_prepaid_balance_threshold_configuration"
        case updatePrepaidBalanceThreshold = "update_prepaid_balance_threshold_configuration"
        case addSpendThreshold = "add_spend_threshold_configuration", updateSpendThreshold = "update_spend_threshold_configuration"
        case addResellerRoyalties = "add_reseller_royalties", addSpendTrackers = "add_spend_trackers"
        case archiveSpendTrackers = "archive_spend_trackers", addRecurringCommits = "add_recurring_commits"
        case addProfessionalServices = "add_professional_services", updateRecurringCommits = "update_recurring_commits"
        case updateSubscriptions = "update_subscriptions"
        case addBillingProviderConfigurationUpdate = "add_billing_provider_configuration_update"
        case addRevenueSystemConfigurationUpdate = "add_revenue_system_configuration_update"
        case salesReferences = "sales_references", customFields = "custom_fields"
    }

    /// The stored shape of what `edit` changes.
    init(_ edit: ContractEdit) {
        addCommits = edit.addCommits.map(CommitRecord.init)
        addCredits = edit.addCredits.map(CommitRecord.init)
        addOverrides = edit.addOverrides.map(StoredOverride.init)
        addScheduledCharges = edit.addScheduledCharges.map(StoredScheduledCharge.init)
        addDiscounts = edit.addDiscounts.map(StoredScheduledCharge.init)
        addSubscriptions = edit.addSubscriptions.map(StoredSubscription.init)
        archiveCommits = edit.archiveCommits
        archiveCredits = edit.archiveCredits
        archiveScheduledCharges = edit.archiveScheduledCharges
        removeOverrides = edit.removeOverrides
        updateCommits = edit.updateCommits
        updateScheduledCharges = edit.updateScheduledCharges
        updateContractEndDate = edit.updateContractEndDate
        updateContractName = edit.updateContractName
        updateNetPaymentTermsDays = edit.updateNetPaymentTermsDays
        addPrepaidBalanceThreshold = edit.addPrepaidBalanceThreshold
        updatePrepaidBalanceThreshold = edit.updatePrepaidBalanceThreshold
        addSpendThreshold = edit.addSpendThreshold
        updateSpendThreshold = edit.updateSpendThreshold
        addResellerRoyalties = edit.addResellerRoyalties.isEmpty ? nil : edit.addResellerRoyalties
        addSpendTrackers = edit.addSpendTrackers.isEmpty ? nil : edit.addSpendTrackers
        archiveSpendTrackers = edit.archiveSpendTrackers.isEmpty ? nil : edit.archiveSpendTrackers
        addRecurringCommits = edit.addRecurringCommits.isEmpty ? nil : edit.addRecurringCommits
        addProfessionalServices = edit.addProfessionalServices.isEmpty ? nil : edit.addProfessionalServices
        updateRecurringCommits = edit.updateRecurringCommits.isEmpty ? nil : edit.updateRecurringCommits
        updateSubscriptions = edit.updateSubscriptions.isEmpty ? nil : edit.updateSubscriptions
        addBillingProviderConfigurationUpdate = edit.addBillingProviderConfigurationUpdate
        addRevenueSystemConfigurationUpdate = edit.addRevenueSystemConfigurationUpdate
        salesReferences = edit.salesReferences
        customFields = edit.customFields
    }
}

extension AppDatabase {
    /// Applies an edit (or amendment) to a contract from its timestamp on and records it; returns
    /// its ID. Draft invoices follow (they are rated from the contract as it stands); finalized
    /// ones keep what they were finalized with. 404 for an unknown customer, contract or item
    /// named; 400 if the contract is archived, an item is archived already, or a change would
    /// touch an invoice already finalized; 409 for a reused uniqueness key.
    package func editContract(_ edit: ContractEdit) async throws -> String {
        try await writer.write { db in
            _ = try Self.customerRecord(id: edit.customerId, db)
            var record = try Self.contractRecord(customerId: edit.customerId, contractId: edit.contractId, db)
            guard record.archivedAt == nil else { throw StoreError.invalid("Contract \(edit.contractId) is archived") }
            if let key = edit.uniquenessKey, try ContractEditRecord
                .filter(ContractEditRecord.Columns.customerId == edit.customerId && ContractEditRecord.Columns.uniquenessKey == key)
                .fetchCount(db) > 0 {
                throw StoreError.conflict(Self.uniquenessKeyUsedMessage)
            }
            let now = edit.timestamp
            try Self.settle(customerId: edit.customerId, now: now, db)
            let drafts = try Self.scheduledDrafts(customerId: edit.customerId, db)
            try Self.keepVersion(of: record.id, supersededAt: now, db)
            try Self.apply(edit, to: &record, db)
            try Self.checkDiscountCaps(of: record)
            try record.update(db)
            try Self.recordContractAction("edit", contract: record, now: now, db)
            try ContractEditRecord(edit).insert(db)
            try Self.voidOrphaned(drafts, customerId: edit.customerId, db)
            try Self.settle(customerId: edit.customerId, now: now, db)
            return edit.id
        }
    }

    /// Edits one commit or credit of a customer (contract-level or not) at `now`; a
    /// contract-level one's edit goes into its contract's edit history under `editId`. 404 for
    /// an unknown customer or commit, 400 as `editContract`.
    package func editCommitOrCredit(customerId: String, change: CommitEdit, editId: String, now: Timestamp) async throws {
        try await writer.write { db in
            _ = try Self.customerRecord(id: customerId, db)
            try Self.settle(customerId: customerId, now: now, db)
            let drafts = try Self.scheduledDrafts(customerId: customerId, db)
            if let contractId = try CommitRecord.filter(CommitRecord.Columns.id == change.id).fetchOne(db)?.contractId {
                try Self.keepVersion(of: contractId, supersededAt: now, db)
            }
            let terms = try Self.applyCommitEdit(change, customerId: customerId, contractId: nil, field: nil, now: now, db)
            if let contractId = terms.contractId {
                try ContractEditRecord(ContractEdit(
                    id: editId, kind: .edit, customerId: customerId, contractId: contractId, timestamp: now, updateCommits: [change]
                )).insert(db)
            }
            try Self.voidOrphaned(drafts, customerId: customerId, db)
            try Self.settle(customerId: customerId, now: now, db)
        }
    }

    // MARK: - Helpers inside a transaction

    /// The edits and amendments of the contracts `ids`, by contract, oldest first.
    package static func editsByContract(ids: [String], _ db: Database) throws -> [String: [ContractEdit]] {
        guard !ids.isEmpty else { return [:] }
        let records = try ContractEditRecord.filter(ids.contains(ContractEditRecord.Columns.contractId))
            .order(ContractEditRecord.Columns.seq).fetchAll(db)
        return Dictionary(grouping: records.map(\.edit), by: \.contractId)
    }

    /// Applies `edit`'s threshold billing, royalty, spend tracker, recurring commit and
    /// professional services additions to `record`. Settling
    /// after the edit evaluates the new thresholds at once, as Metronome does on each change.
    private static func applyTermChanges(_ edit: ContractEdit, to record: inout ContractRecord, _ db: Database) throws {
        if let added = edit.addPrepaidBalanceThreshold {
            guard record.prepaidBalanceThreshold == nil else {
                throw StoreError.invalid("'add_prepaid_balance_threshold_configuration': the contract has one; update it instead")
            }
            _ = try activeProduct(id: added.commit.productId, field: "add_prepaid_balance_threshold_configuration.commit.product_id", db)
            if let creditTypeId = added.customCreditTypeId { _ = try activeCreditTypeRecord(id: creditTypeId, db) }
            record.prepaidBalanceThreshold = added
        }
        if let update = edit.updatePrepaidBalanceThreshold {
            guard let current = record.prepaidBalanceThreshold else {
                throw StoreError.invalid("'update_prepaid_balance_threshold_configuration': the contract has none to update")
            }
            if let productId = update.commit?.productId {
                _ = try activeProduct(id: productId, field: "update_prepaid_balance_threshold_configuration.commit.product_id", db)
            }
            for productId in update.commit?.applicableProductIds?.value ?? [] { _ = try productRecord(id: productId, db) }
            if let creditTypeId = update.customCreditTypeId?.value { _ = try activeCreditTypeRecord(id: creditTypeId, db) }
            let updated = update.applied(to: current)
            if updated.commit.specifiers != nil, updated.commit.applicableProductIds != nil || updated.commit.applicableProductTags != nil {
                throw StoreError.invalid(
                    "'update_prepaid_balance_threshold_configuration.commit.specifiers' cannot be used together with "
                        + "applicable_product_ids or applicable_product_tags"
                )
            }
            if let violation = updated.amountsViolation(field: "update_prepaid_balance_threshold_configuration.") {
                throw StoreError.invalid(violation)
            }
            record.prepaidBalanceThreshold = updated
        }
        if let added = edit.addSpendThreshold {
            guard record.spendThreshold == nil else {
                throw StoreError.invalid("'add_spend_threshold_configuration': the contract has one; update it instead")
            }
            _ = try activeProduct(id: added.commit.productId, field: "add_spend_threshold_configuration.commit.product_id", db)
            record.spendThreshold = added
        }
        if let update = edit.updateSpendThreshold {
            guard let current = record.spendThreshold else {
                throw StoreError.invalid("'update_spend_threshold_configuration': the contract has none to update")
            }
            if let productId = update.commit?.productId {
                _ = try activeProduct(id: productId, field: "update_spend_threshold_configuration.commit.product_id", db)
            }
            let updated = update.applied(to: current)
            guard updated.thresholdAmount > 0 else {
                throw StoreError.invalid("'update_spend_threshold_configuration.threshold_amount' must be > 0")
            }
            record.spendThreshold = updated
        }
        let added = edit.kind == .amendment ? "" : "add_"  // amend's lists have no prefix
        for (index, royalty) in edit.addResellerRoyalties.enumerated() {
            for productId in royalty.applicableProductIds ?? [] {
                _ = try activeProduct(id: productId, field: "\(added)reseller_royalties[\(index)].applicable_product_ids", db)
            }
        }
        record.resellerRoyalties += edit.addResellerRoyalties
        try checkRecurringReferences(edit.addRecurringCommits, prefix: "add_", contractId: record.id, db)
        for recurring in edit.addRecurringCommits where recurring.startingAt < record.startingAt {
            let list = recurring.kind == .credit ? "add_recurring_credits" : "add_recurring_commits"
            throw StoreError.invalid("'\(list).starting_at' must not be before the contract's starting_at")
        }
        record.recurringCommits += edit.addRecurringCommits  // their commits are made as settlement reaches each period
        for (index, update) in edit.updateRecurringCommits.enumerated() {
            let list = update.kind == .credit ? "update_recurring_credits" : "update_recurring_commits"
            guard let position = record.recurringCommits.firstIndex(where: { $0.id == update.id && $0.kind == update.kind }) else {
                throw StoreError.notFound(update.kind == .credit ? "Recurring credit" : "Recurring commit", update.id)
            }
            do throws(PricingRuleViolation) {
                record.recurringCommits[position] = try update.applied(to: record.recurringCommits[position], field: "\(list)[\(index)].")
            } catch {
                throw StoreError.invalid(error.message)
            }
            // Its commits not yet begun are made again from the changed template when settlement
            // reaches them; those begun or over stay as they are.
            try CommitRecord.filter(CommitRecord.Columns.recurringCommitId == update.id).fetchAll(db)
                .filter { $0.terms.accessStartingAt.map { $0 > edit.timestamp } ?? false }
                .forEach { _ = try $0.delete(db) }
        }
        try insertProfessionalServices(
            edit.addProfessionalServices, contractId: record.id, customerId: record.customerId,
            list: "\(added)professional_services", db
        )
        try applyConfigurationUpdates(edit, to: &record, db)
        for alias in edit.archiveSpendTrackers {
            guard record.spendTrackers.contains(where: { $0.alias == alias }) else {
                throw StoreError.notFound("Spend tracker", alias)
            }
            record.spendTrackers.removeAll { $0.alias == alias }
        }
        for (index, tracker) in edit.addSpendTrackers.enumerated() {
            guard !record.spendTrackers.contains(where: { $0.alias == tracker.alias }) else {
                throw StoreError.invalid("'add_spend_trackers[\(index)].alias' \(tracker.alias) is taken by a tracker of the contract")
            }
            _ = try activeCreditTypeRecord(id: tracker.creditTypeId, db)
            record.spendTrackers.append(tracker)
        }
    }

    /// Adds `edit`'s billing provider and revenue system configurations to a contract that has
    /// none, from the start of the statement period they name.
    private static func applyConfigurationUpdates(_ edit: ContractEdit, to record: inout ContractRecord, _ db: Database) throws {
        func effectiveAt(_ update: ConfigurationUpdate, field: String) throws -> Timestamp {
            guard let moment = record.statementCadence.start(of: update.effectiveAt, at: edit.timestamp) else {
                throw StoreError.invalid(
                    "'\(field).schedule.effective_at' \(update.effectiveAt.rawValue): contract \(record.id) has no "
                        + (update.effectiveAt == .startOfCurrentPeriod ? "current" : "next") + " usage statement period"
                )
            }
            return moment
        }
        if let update = edit.addBillingProviderConfigurationUpdate {
            let field = "add_billing_provider_configuration_update"
            guard record.billingProviderConfigurationId == nil else {
                throw StoreError.invalid(
                    "'\(field)': contract \(record.id) already has a billing provider configuration; only a contract without one "
                        + "can be given one"
                )
            }
            let moment = try effectiveAt(update, field: field)
            record.billingProviderConfigurationId = try contractBillingProviderConfiguration(
                customerId: record.customerId, id: update.configurationId, named: update.named,
                field: "\(field).billing_provider_configuration", db
            )
            record.billingProviderConfigurationEffectiveAt = moment
        }
        if let update = edit.addRevenueSystemConfigurationUpdate {
            let field = "add_revenue_system_configuration_update"
            guard record.revenueSystemConfigurationId == nil else {
                throw StoreError.invalid(
                    "'\(field)': contract \(record.id) already has a revenue system configuration; only a contract without one "
                        + "can be given one"
                )
            }
            let moment = try effectiveAt(update, field: field)
            record.revenueSystemConfigurationId = try contractRevenueSystemConfiguration(
                customerId: record.customerId, id: update.configurationId, named: update.named,
                field: "\(field).revenue_system_configuration", db
            )
            record.revenueSystemConfigurationEffectiveAt = moment
        }
    }

    /// Applies `edit` to `record` (the contract's own row, updated by the caller) and to the
    /// commit and credit rows it names.
    private static func apply(_ edit: ContractEdit, to record: inout ContractRecord, _ db: Database) throws {
        let now = edit.timestamp
        if let end = edit.updateContractEndDate {
            if let date = end.value, date <= record.startingAt {
                throw StoreError.invalid("'update_contract_end_date' must be after the contract's starting_at")
            }
            if let date = end.value, !edit.allowEndingBeforeFinalizedInvoice {
                try checkNoFinalizedInvoice(after: date, contractId: record.id, field: "update_contract_end_date", db)
            }
            record.endingBefore = end.value
        }
        if let name = edit.updateContractName { record.name = name.value }
        if let fields = edit.customFields {
            try checkNewCustomFields(fields, entity: .contract, db)
            record.customFields.merge(fields) { _, new in new }
        }
        if let days = edit.updateNetPaymentTermsDays { record.netPaymentTermsDays = days.value }
        try applyTermChanges(edit, to: &record, db)
        for id in edit.removeOverrides {
            guard record.overrides.contains(where: { $0.id == id }) else { throw StoreError.notFound("Override", id) }
            record.overrides.removeAll { $0.id == id }
        }
        for override in edit.addOverrides {
            if let productId = override.productId { _ = try productRecord(id: productId, db) }
            if let creditTypeId = override.overwriteRate?.creditTypeId { _ = try activeCreditTypeRecord(id: creditTypeId, db) }
            try checkNamedCommits(
                override, customerId: edit.customerId,
                made: ((edit.addCommits + edit.addCredits).map(\.id), record.recurringCommits.map(\.id)), db
            )
            record.overrides.append(StoredOverride(override))
        }
        if let violation = ContractRules.prioritizationViolation(
            edit.addOverrides, record.multiplierOverridePrioritization, field: edit.kind == .amendment ? "overrides" : "add_overrides"
        ) {
            throw StoreError.invalid(violation)
        }
        for id in edit.archiveScheduledCharges {
            // Its invoices already finalized stay as they are; its drafts are voided below.
            guard record.scheduledCharges.contains(where: { $0.id == id }) else {
                throw StoreError.notFound("Scheduled charge", id)
            }
            record.scheduledCharges.removeAll { $0.id == id }
        }
        for (field, charges) in [("add_scheduled_charges", edit.addScheduledCharges), ("add_discounts", edit.addDiscounts)] {
            for (index, charge) in charges.enumerated() {
                _ = try activeProduct(id: charge.productId, field: "\(field)[\(index)].product_id", db)
                _ = try activeCreditTypeRecord(id: charge.schedule.creditTypeId, db)
            }
        }
        record.scheduledCharges += edit.addScheduledCharges.map(StoredScheduledCharge.init)
        record.discounts += edit.addDiscounts.map(StoredScheduledCharge.init)
        for (index, subscription) in edit.addSubscriptions.enumerated() {
            let field = "add_subscriptions[\(index)].subscription_rate.product_id"
            guard try activeProduct(id: subscription.productId, field: field, db).type == .subscription else {
                throw StoreError.invalid("'\(field)' must be a SUBSCRIPTION product")
            }
        }
        record.subscriptions += edit.addSubscriptions.map(StoredSubscription.init)
        try applySubscriptionUpdates(edit.updateSubscriptions, to: &record, db)
        try checkSubscriptionConfigs(edit.addRecurringCommits, subscriptionIds: record.subscriptions.map(\.id), prefix: "add_")
        for (index, change) in edit.updateScheduledCharges.enumerated() {
            let field = "update_scheduled_charges[\(index)]"
            guard let position = record.scheduledCharges.firstIndex(where: { $0.id == change.id }) else {
                throw StoreError.notFound("Scheduled charge", change.id)
            }
            try checkNotInvoiced(change.invoiceSchedule?.touchedIds ?? [], field: field, db)
            do throws(PricingRuleViolation) {
                record.scheduledCharges[position] = StoredScheduledCharge(
                    try change.applied(to: record.scheduledCharges[position].domain, field: field)
                )
            } catch {
                throw StoreError.invalid(error.message)
            }
        }
        for (kind, ids) in [(CommitKind.commit, edit.archiveCommits), (.credit, edit.archiveCredits)] {
            for id in ids {
                var commit = try commitRecord(id: id, kind: kind, customerId: edit.customerId, contractId: edit.contractId, db)
                commit.archivedAt = now
                try commit.update(db)
                try recordCommitAction("archive", commit: commit.terms, now: now, db)
            }
        }
        for (field, added) in [("add_commits", edit.addCommits), ("add_credits", edit.addCredits)] {
            for (index, terms) in added.enumerated() {
                try checkCommitReferences(terms, field: "\(field)[\(index)]", db)
                try checkChildAccess([("\(field)[\(index)].", terms.childAccess)], contractId: record.id, db)
                try CommitRecord(terms).insert(db)
                try recordCommitAction("create", commit: terms, now: now, db)
            }
        }
        var offsets: [CommitKind: Int] = [:]
        for change in edit.updateCommits {
            let offset = offsets[change.kind, default: 0]
            offsets[change.kind] = offset + 1
            let field = "\(change.kind == .commit ? "update_commits" : "update_credits")[\(offset)]"
            _ = try applyCommitEdit(change, customerId: edit.customerId, contractId: edit.contractId, field: field, now: now, db)
        }
    }

    /// Applies `updates` to the contract's subscriptions. A change that reaches into a billing
    /// period already billed on a finalized invoice is a 400: that invoice never changes.
    private static func applySubscriptionUpdates(
        _ updates: [SubscriptionUpdate], to record: inout ContractRecord, _ db: Database
    ) throws {
        for (index, update) in updates.enumerated() {
            let field = "update_subscriptions[\(index)]"
            guard let position = record.subscriptions.firstIndex(where: { $0.id == update.id }) else {
                throw StoreError.notFound("Subscription of contract \(record.id)", update.id)
            }
            let subscription = record.subscriptions[position].domain
            let edited: SubscriptionTerms
            do throws(PricingRuleViolation) {
                edited = try update.applied(to: subscription, contractEnd: record.endingBefore, field: field)
            } catch {
                throw StoreError.invalid(error.message)
            }
            if let from = update.changesBilling(of: subscription, edited: edited) {
                try checkNotBilled(from: from, subscription: subscription, edited: edited, contract: record, field: field, db)
            }
            record.subscriptions[position] = StoredSubscription(edited)
        }
    }

    /// 400 if changing `subscription` (to `edited`) from `from` would change what a finalized
    /// invoice billed: the statement holding the billing moment of the period `from` falls in,
    /// or, for a subscription on scheduled invoices of its own, a charge invoiced at or after `from`.
    private static func checkNotBilled(
        from: Timestamp, subscription: SubscriptionTerms, edited: SubscriptionTerms, contract: ContractRecord, field: String,
        _ db: Database
    ) throws {
        guard subscription.invoicePlacement == .onUsageInvoice else {
            if let latest = try latestSubscriptionCharge(of: subscription.id, db), latest.startTimestamp >= from {
                throw StoreError.invalid(
                    "'\(field)' changes the subscription from \(from.rfc3339), before its charge already invoiced at "
                        + "\(latest.startTimestamp.rfc3339) (invoice \(latest.id))"
                )
            }
            return
        }
        let anchor = contract.usageStatementSchedule.domain.billingAnchorDate
        for terms in [subscription, edited] {
            guard let moment = ContractRating.billingMoment(of: terms, periodHolding: from, anchor: anchor) else { continue }
            if let invoice = try InvoiceRecord.filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.contract.rawValue)
                .filter(InvoiceRecord.Columns.sourceId == contract.id)
                .filter(InvoiceRecord.Columns.status == InvoiceStatus.finalized.rawValue)
                .filter(InvoiceRecord.Columns.startTimestamp <= moment && InvoiceRecord.Columns.endTimestamp > moment)
                .fetchOne(db) {
                throw StoreError.invalid(
                    "'\(field)' changes the subscription from \(from.rfc3339), in a billing period already billed "
                        + "on finalized invoice \(invoice.id)"
                )
            }
        }
    }

    /// Applies `change` to its commit or credit (of contract `contractId` when given) and saves
    /// it; returns the edited terms. `field` prefixes field names in errors.
    private static func applyCommitEdit(
        _ change: CommitEdit, customerId: String, contractId: String?, field: String?, now: Timestamp, _ db: Database
    ) throws -> CommitTerms {
        var record = try commitRecord(id: change.id, kind: change.kind, customerId: customerId, contractId: contractId, db)
        let prefix = field.map { "\($0)." } ?? ""
        try checkNotInvoiced(change.invoiceSchedule?.touchedIds ?? [], field: "\(prefix)invoice_schedule", db)
        let edited: CommitTerms
        do throws(PricingRuleViolation) {
            edited = try change.applied(to: record.terms, field: field ?? change.kind.rawValue.lowercased())
        } catch {
            throw StoreError.invalid(error.message)
        }
        if change.productId != nil {
            let product = try activeProduct(id: edited.productId, field: "\(prefix)product_id", db)
            guard product.type == .fixed else {
                throw StoreError.invalid("'\(prefix)product_id' must be a FIXED product; \(edited.productId) is \(product.type.rawValue)")
            }
        }
        for productId in change.applicableProductIds?.value ?? [] {
            _ = try productRecord(id: productId, db)
        }
        for id in (change.applicableContractIds?.value ?? []) + [change.invoiceContractId].compactMap({ $0 }) {
            _ = try contractRecord(customerId: customerId, contractId: id, db)
        }
        if let owner = edited.contractId { try checkChildAccess([(prefix, edited.childAccess)], contractId: owner, db) }
        let seq = record.seq
        record = CommitRecord(edited)
        record.seq = seq
        try record.update(db)
        try recordCommitAction("edit", commit: edited, now: now, db)
        return edited
    }

    /// The commit (or credit) `id` of the customer, of contract `contractId` when given, that is
    /// not archived; 404 if there is none, 400 if it is archived.
    private static func commitRecord(
        id: String, kind: CommitKind, customerId: String, contractId: String?, _ db: Database
    ) throws -> CommitRecord {
        var request = CommitRecord.filter(CommitRecord.Columns.id == id && CommitRecord.Columns.customerId == customerId)
            .filter(CommitRecord.Columns.kind == kind.rawValue)
        if let contractId { request = request.filter(CommitRecord.Columns.contractId == contractId) }
        let noun = kind == .commit ? "Commit" : "Credit"
        guard let record = try request.fetchOne(db) else { throw StoreError.notFound(noun, id) }
        guard record.archivedAt == nil else { throw StoreError.invalid("\(noun) \(id) is archived") }
        return record
    }

    /// 400 if a finalized usage statement of the contract ends after `end`: what a contract end
    /// moved before it needs `allow_..._finalized_invoice` for.
    package static func checkNoFinalizedInvoice(after end: Timestamp, contractId: String, field: String, _ db: Database) throws {
        if let invoice = try InvoiceRecord.filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.contract.rawValue)
            .filter(InvoiceRecord.Columns.sourceId == contractId)
            .filter(InvoiceRecord.Columns.status == InvoiceStatus.finalized.rawValue)
            .filter(InvoiceRecord.Columns.endTimestamp > end)
            .fetchOne(db) {
            throw StoreError.invalid(
                "'\(field)' is before the end of finalized invoice \(invoice.id); allow it to end before finalized invoices"
            )
        }
    }

    /// 400 if any of the invoice schedule items `ids` has been invoiced on a finalized invoice,
    /// which never changes.
    private static func checkNotInvoiced(_ ids: [String], field: String, _ db: Database) throws {
        guard !ids.isEmpty else { return }
        if let invoiced = try InvoiceRecord.filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.scheduledItem.rawValue)
            .filter(ids.contains(InvoiceRecord.Columns.sourceId))
            .filter(InvoiceRecord.Columns.status == InvoiceStatus.finalized.rawValue)
            .fetchOne(db) {
            throw StoreError.invalid("'\(field)': schedule item \(invoiced.sourceId) is on finalized invoice \(invoiced.id)")
        }
    }

    /// Removes the invoice schedule items of contract `contractId`'s postpaid commits dated from
    /// `start` on, which a renewal asks for with `future_invoice_behavior.trueup` REMOVE, and
    /// voids their drafts. An item already on a finalized invoice stays: those never change.
    static func removeTrueUps(of contractId: String, from start: Timestamp, customerId: String, _ db: Database) throws {
        let drafts = try scheduledDrafts(customerId: customerId, db)
        let finalized = Set(try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
            .filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.scheduledItem.rawValue)
            .filter(InvoiceRecord.Columns.status == InvoiceStatus.finalized.rawValue)
            .fetchAll(db).map(\.sourceId))
        let commits = try CommitRecord.filter(CommitRecord.Columns.contractId == contractId)
            .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db)
        for stored in commits {
            var terms = stored.terms
            guard terms.kind == .commit, terms.type == .postpaid, var schedule = terms.invoiceSchedule else { continue }
            let kept = schedule.items.filter { $0.timestamp < start || finalized.contains($0.id) }
            guard kept.count < schedule.items.count else { continue }
            schedule.items = kept
            terms.invoiceSchedule = schedule
            var record = CommitRecord(terms)
            record.seq = stored.seq
            try record.update(db)
        }
        try voidOrphaned(drafts, customerId: customerId, db)
    }

    /// The customer's draft scheduled invoices, each with what it shows before an edit.
    private static func scheduledDrafts(customerId: String, _ db: Database) throws -> [(InvoiceRecord, InvoiceDocument)] {
        try InvoiceRecord.filter(InvoiceRecord.Columns.customerId == customerId)
            .filter(InvoiceRecord.Columns.sourceKind == InvoiceSourceKind.scheduledItem.rawValue)
            .filter(InvoiceRecord.Columns.status == InvoiceStatus.draft.rawValue)
            .fetchAll(db)
            .map { ($0, try invoiceDocument($0, db)) }
    }

    /// Voids those of `drafts` whose schedule item an edit removed (with its commit, charge or
    /// item), as they would otherwise bill what is no longer scheduled; each keeps what it showed
    /// before the edit.
    private static func voidOrphaned(_ drafts: [(InvoiceRecord, InvoiceDocument)], customerId: String, _ db: Database) throws {
        let live = Set(try scheduledItems(customerId: customerId, db).map(\.item.id))
        for (draft, document) in drafts where !live.contains(draft.sourceId) {
            var record = draft
            var voided = document
            voided.status = InvoiceStatus.void.rawValue
            record.status = .void
            record.document = voided
            try record.update(db)
        }
    }
}
