import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs

/// A contract to create, decoded and checked by its endpoint (IDs generated); the store checks
/// what it refers to.
package struct NewContract: Sendable {
    package var terms: ContractTerms
    /// The rate card alias to resolve at the contract's start when no rate card ID is given.
    package var rateCardAlias: String?
    /// The package whose terms the contract takes, in place of those of `terms`.
    package var package: PackageReference?
    /// Its professional services terms.
    package var professionalServices: [ProfessionalServiceTerms]
    /// The customer's billing provider configuration to bill through, named by provider and
    /// delivery method rather than by ID (which goes in `terms`).
    package var billingProvider: (provider: String, deliveryMethod: String)?
    /// The customer's revenue system configuration, named by provider and delivery method rather
    /// than by ID (which goes in `terms`).
    package var revenueSystem: (provider: String, deliveryMethod: String)?
    /// Whether the true-ups of the renewed contract's postpaid commits dated from this contract's
    /// start are removed (`future_invoice_behavior.trueup` REMOVE) rather than billed as they are.
    package var removesFutureTrueUps: Bool

    /// A value with each stored property given.
    package init(
        terms: ContractTerms, rateCardAlias: String? = nil, package: PackageReference? = nil,
        professionalServices: [ProfessionalServiceTerms] = [], billingProvider: (provider: String, deliveryMethod: String)? = nil,
        revenueSystem: (provider: String, deliveryMethod: String)? = nil, removesFutureTrueUps: Bool = false
    ) {
        self.revenueSystem = revenueSystem
        self.removesFutureTrueUps = removesFutureTrueUps
        self.terms = terms
        self.rateCardAlias = rateCardAlias
        self.package = package
        self.professionalServices = professionalServices
        self.billingProvider = billingProvider
    }
}

/// The names the wire shows next to the IDs of products and credit types.
package struct CatalogNames: Sendable {
    /// Product names by ID, as of the moment of the read.
    package var products: [String: String]
    /// Credit type names by ID.
    package var creditTypes: [String: String]

    /// The name of product `id` (its ID if it has none).
    package func product(_ id: String) -> String { products[id] ?? id }
    /// The name of credit type `id` (its ID if unknown).
    package func creditType(_ id: String) -> String { creditTypes[id] ?? id }

    /// A value with each stored property given.
    package init(products: [String: String], creditTypes: [String: String]) {
        self.products = products
        self.creditTypes = creditTypes
    }
}

/// A contract as get and list answer it.
package struct ContractSnapshot: Sendable {
    /// Insertion order, the list's page key.
    package var seq: Int64
    package var terms: ContractTerms
    package var names: CatalogNames
    /// The package the contract was provisioned on, if any.
    package var packageId: String?
    /// The moment the snapshot shows the contract at: what is "current" is current then.
    package var asOf: Timestamp
    /// The contract's edits and amendments, oldest first.
    package var edits: [ContractEdit]
    /// Its professional services terms.
    package var professionalServices: [ProfessionalServiceTerms]
    /// The customer's billing provider configuration the contract bills through, if it names one.
    package var billingProviderConfiguration: BillingProviderConfigurationSnapshot?
    /// The customer's revenue system configuration the contract names, if any.
    package var revenueSystemConfiguration: RevenueSystemConfigurationSnapshot?
    /// Its child contracts in an account hierarchy, archived ones left out; oldest first.
    package var children: [ContractHierarchy.Node]

    /// A value with each stored property given.
    package init(
        seq: Int64, terms: ContractTerms, names: CatalogNames, packageId: String? = nil, asOf: Timestamp, edits: [ContractEdit] = [],
        professionalServices: [ProfessionalServiceTerms] = [], billingProviderConfiguration: BillingProviderConfigurationSnapshot? = nil,
        revenueSystemConfiguration: RevenueSystemConfigurationSnapshot? = nil, children: [ContractHierarchy.Node] = []
    ) {
        self.children = children
        self.revenueSystemConfiguration = revenueSystemConfiguration
        self.billingProviderConfiguration = billingProviderConfiguration
        self.asOf = asOf
        self.seq = seq
        self.terms = terms
        self.names = names
        self.packageId = packageId
        self.edits = edits
        self.professionalServices = professionalServices
    }
}

/// The filters of `contracts/list`.
package struct ContractListFilter: Sendable {
    /// Only contracts in force at this moment.
    package var coveringDate: Timestamp?
    /// Only contracts starting at or after this moment.
    package var startingAt: Timestamp?
    package var includeArchived: Bool

    /// A value with each stored property given.
    package init(coveringDate: Timestamp? = nil, startingAt: Timestamp? = nil, includeArchived: Bool) {
        self.coveringDate = coveringDate
        self.startingAt = startingAt
        self.includeArchived = includeArchived
    }
}

/// One rate of a contract's rate schedule: the list rate and what the contract's overrides
/// make of it.
package struct ContractRateListing: Sendable {
    package var listing: RateListing
    package var rateCardId: String
    package var entitled: Bool
    /// The rate after overrides; nil when no override changes the price.
    package var overrideRate: Rate?
    package var overrideCreditType: CreditTypeRecord?

    /// A value with each stored property given.
    package init(
        listing: RateListing,
        rateCardId: String,
        entitled: Bool,
        overrideRate: Rate? = nil,
        overrideCreditType: CreditTypeRecord? = nil
    ) {
        self.listing = listing
        self.rateCardId = rateCardId
        self.entitled = entitled
        self.overrideRate = overrideRate
        self.overrideCreditType = overrideCreditType
    }
}

extension AppDatabase {
    /// The 409 message of a reused uniqueness key, as Metronome writes it.
    package static let uniquenessKeyUsedMessage = "This uniqueness key has already been used."

    /// Creates a contract with its commits and credits; returns its ID. 404 for an unknown
    /// customer, rate card or product; 400 for an unknown alias; 409 for a reused uniqueness key.
    package func createContract(_ new: NewContract) async throws -> String {
        try await writer.write { db in
            var terms = new.terms
            var rateCardAlias = new.rateCardAlias
            _ = try Self.customerRecord(id: terms.customerId, db)
            let package = try new.package.map { try Self.packageForContract($0, at: terms.startingAt, db) }
            if let package {
                try Self.apply(package, to: &terms, rateCardAlias: &rateCardAlias)
            }
            try Self.settle(customerId: terms.customerId, now: terms.createdAt, db)
            if let key = terms.uniquenessKey, try ContractRecord
                .filter(ContractRecord.Columns.customerId == terms.customerId && ContractRecord.Columns.uniquenessKey == key)
                .fetchCount(db) > 0 {
                throw StoreError.conflict(Self.uniquenessKeyUsedMessage)
            }
            if let rateCardId = terms.rateCardId {
                guard try Self.rateCardRecord(id: rateCardId, db).archivedAt == nil else {
                    throw StoreError.invalid("Rate card \(rateCardId) is archived")
                }
            } else if let alias = rateCardAlias {
                terms.rateCardId = try Self.rateCardId(alias: alias, at: terms.startingAt, db)
            }
            for (index, commit) in terms.commits.enumerated() {
                try Self.checkCommitReferences(commit, field: "commits[\(index)]", db)
            }
            for (index, credit) in terms.credits.enumerated() {
                try Self.checkCommitReferences(credit, field: "credits[\(index)]", db)
            }
            for (field, charges) in [("scheduled_charges", terms.scheduledCharges), ("discounts", terms.discounts)] {
                for (index, charge) in charges.enumerated() {
                    _ = try Self.activeProduct(id: charge.productId, field: "\(field)[\(index)].product_id", db)
                    _ = try Self.activeCreditTypeRecord(id: charge.schedule.creditTypeId, db)
                }
            }
            for (index, subscription) in terms.subscriptions.enumerated() {
                let field = "subscriptions[\(index)].subscription_rate.product_id"
                guard try Self.activeProduct(id: subscription.productId, field: field, db).type == .subscription else {
                    throw StoreError.invalid("'\(field)' must be a SUBSCRIPTION product")
                }
            }
            for override in terms.overrides {
                if let productId = override.productId {
                    _ = try Self.productRecord(id: productId, db)
                }
                try Self.checkNamedCommits(
                    override, customerId: terms.customerId,
                    made: ((terms.commits + terms.credits).map(\.id), terms.recurringCommits.map(\.id)), db
                )
                if let creditTypeId = override.overwriteRate?.creditTypeId {
                    _ = try Self.activeCreditTypeRecord(id: creditTypeId, db)
                }
            }
            for transition in terms.transitions {
                var from = try Self.contractRecord(customerId: terms.customerId, contractId: transition.fromContractId, db)
                let rolling = try CommitRecord.filter(CommitRecord.Columns.contractId == from.id)
                    .filter(CommitRecord.Columns.archivedAt == nil).fetchAll(db).map(\.terms)
                    .filter { ($0.rolloverFraction ?? 0) > 0 }
                if let commit = rolling.first(where: { $0.type == .postpaid }) {
                    throw StoreError.invalid(
                        "'transition': postpaid commit \(commit.id) of contract \(from.id) has a rollover_fraction, and rolling "
                            + "a postpaid commit over is not supported by the emulator yet"
                    )
                }
                if let commit = rolling.first(where: { Rollover.segmentOpenPast(terms.startingAt, of: $0) != nil }) {
                    throw StoreError.invalid(
                        "'transition': \(commit.kind == .credit ? "credit" : "commit") \(commit.id) of contract \(from.id) has a "
                            + "rollover_fraction and a segment that is still open at the renewal's start; its balance rolls over "
                            + "only from a segment that ends when the renewal starts"
                    )
                }
                try Self.keepVersion(of: from.id, supersededAt: terms.createdAt, db)
                from.transitions.append(StoredTransition(transition))
                try from.update(db)
                if new.removesFutureTrueUps {
                    try Self.removeTrueUps(of: from.id, from: terms.startingAt, customerId: terms.customerId, db)
                }
            }
            try Self.checkNewCustomFields(terms.customFields, entity: .contract, db)
            try Self.checkHierarchy(of: terms, db)
            try Self.checkChildAccess(
                terms.commits.enumerated().map { ("commits[\($0)].", $1.childAccess) }
                    + terms.credits.enumerated().map { ("credits[\($0)].", $1.childAccess) },
                contractId: terms.id, db
            )
            for filter in terms.usageFilters { try Self.checkUsageFilter(filter, rateCardId: terms.rateCardId, db) }
            if let threshold = terms.prepaidBalanceThreshold {
                let field = "prepaid_balance_threshold_configuration"
                _ = try Self.activeProduct(id: threshold.commit.productId, field: "\(field).commit.product_id", db)
                if let creditTypeId = threshold.customCreditTypeId { _ = try Self.activeCreditTypeRecord(id: creditTypeId, db) }
                for productId in threshold.commit.applicableProductIds ?? [] { _ = try Self.productRecord(id: productId, db) }
            }
            terms.billingProviderConfigurationId = try Self.contractBillingProviderConfiguration(
                customerId: terms.customerId, id: terms.billingProviderConfigurationId, named: new.billingProvider, db
            )
            terms.revenueSystemConfigurationId = try Self.contractRevenueSystemConfiguration(
                customerId: terms.customerId, id: terms.revenueSystemConfigurationId, named: new.revenueSystem, db
            )
            for tracker in terms.spendTrackers { _ = try Self.activeCreditTypeRecord(id: tracker.creditTypeId, db) }
            for (index, royalty) in terms.resellerRoyalties.enumerated() {
                for productId in royalty.applicableProductIds ?? [] {
                    _ = try Self.activeProduct(id: productId, field: "reseller_royalties[\(index)].applicable_product_ids", db)
                }
            }
            if let threshold = terms.spendThreshold {
                _ = try Self.activeProduct(id: threshold.commit.productId, field: "spend_threshold_configuration.commit.product_id", db)
            }
            try Self.checkRecurringReferences(terms.recurringCommits, prefix: "", contractId: terms.id, db)
            try Self.checkSubscriptionConfigs(terms.recurringCommits, subscriptionIds: terms.subscriptions.map(\.id), prefix: "")
            let record = ContractRecord(terms)
            try Self.checkDiscountCaps(of: record)
            try record.insert(db)
            try Self.recordContractAction("create", contract: record, now: terms.createdAt, db)
            try Self.insertProfessionalServices(new.professionalServices, contractId: terms.id, customerId: terms.customerId, db)
            for commit in terms.commits + terms.credits {
                try CommitRecord(commit).insert(db)
                try Self.recordCommitAction("create", commit: commit, now: terms.createdAt, db)
            }
            try Self.createRecurringInstances(of: record, now: terms.createdAt, db)
            if let package {
                try PackageContractRecord(packageId: package.id, contractId: terms.id, customerId: terms.customerId).insert(db)
            }
            try Self.settle(customerId: terms.customerId, now: terms.createdAt, db)
            return terms.id
        }
    }

    /// Gives `terms` the package's: contract name, rate card, usage statement schedule, payment
    /// terms, and an end `duration` after the contract's start.
    private static func apply(_ package: PackageRecord, to terms: inout ContractTerms, rateCardAlias: inout String?) throws {
        terms.name = package.contractName
        terms.rateCardId = package.rateCardId
        rateCardAlias = package.rateCardAlias
        terms.netPaymentTermsDays = package.netPaymentTermsDays
        terms.endingBefore = package.duration?.after(terms.startingAt)
        do throws(PricingRuleViolation) {
            terms.usageStatementSchedule = try UsageStatementSchedule.resolve(
                frequency: package.frequency, day: package.day, anchor: nil, contractStart: terms.startingAt
            )
        } catch {
            throw StoreError.invalid(error.message)
        }
    }

    /// A contract of a customer, archived or not; 404 if either is unknown.
    package func contract(customerId: String, contractId: String, now: Timestamp) async throws -> ContractSnapshot {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            let record = try Self.contractRecord(customerId: customerId, contractId: contractId, db)
            return try Self.snapshots(of: [record], now: now, db)[0]
        }
    }

    /// Up to `limit` contracts of a customer matching `filter`, in creation order, after
    /// sequence `afterSeq`.
    package func contracts(
        customerId: String, filter: ContractListFilter, afterSeq: Int64?, limit: Int, now: Timestamp
    ) async throws -> [ContractSnapshot] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            var request = ContractRecord.filter(ContractRecord.Columns.customerId == customerId).order(ContractRecord.Columns.seq)
            if !filter.includeArchived {
                request = request.filter(ContractRecord.Columns.archivedAt == nil)
            }
            if let date = filter.coveringDate {
                request = request.filter(ContractRecord.Columns.startingAt <= date)
                    .filter(ContractRecord.Columns.endingBefore == nil || ContractRecord.Columns.endingBefore > date)
            }
            if let start = filter.startingAt {
                request = request.filter(ContractRecord.Columns.startingAt >= start)
            }
            if let afterSeq {
                request = request.filter(ContractRecord.Columns.seq > afterSeq)
            }
            return try Self.snapshots(of: request.limit(limit).fetchAll(db), now: now, db)
        }
    }

    /// Archives a contract and its commits and credits; 400 if it is archived already.
    /// Invoices are not voided: the emulator keeps none for contracts yet.
    package func archiveContract(customerId: String, contractId: String, now: Timestamp) async throws {
        try await writer.write { db in
            _ = try Self.customerRecord(id: customerId, db)
            try Self.settle(customerId: customerId, now: now, db)
            var record = try Self.activeContract(customerId: customerId, contractId: contractId, db)
            try Self.keepVersion(of: contractId, supersededAt: now, db)
            record.archivedAt = now
            try record.update(db)
            let commits = try CommitRecord
                .filter(CommitRecord.Columns.contractId == contractId && CommitRecord.Columns.archivedAt == nil)
                .order(CommitRecord.Columns.seq).fetchAll(db)
            try CommitRecord
                .filter(CommitRecord.Columns.contractId == contractId && CommitRecord.Columns.archivedAt == nil)
                .updateAll(db, CommitRecord.Columns.archivedAt.set(to: now))
            try Self.recordContractAction("archive", contract: record, now: now, db)
            for commit in commits {
                try Self.recordCommitAction("archive", commit: commit.terms, now: now, db)
            }
            try Self.settle(customerId: customerId, now: now, db)
        }
    }

    /// Sets (or, with nil, removes) a contract's end; 400 if it is archived or the end is not
    /// after its start.
    package func updateContractEndDate(
        customerId: String, contractId: String, endingBefore: Timestamp?, allowEndingBeforeFinalizedInvoice: Bool = true,
        now: Timestamp
    ) async throws {
        try await writer.write { db in
            _ = try Self.customerRecord(id: customerId, db)
            var record = try Self.activeContract(customerId: customerId, contractId: contractId, db)
            if let endingBefore, endingBefore <= record.startingAt {
                throw StoreError.invalid("'ending_before' must be after the contract's starting_at")
            }
            try Self.settle(customerId: customerId, now: now, db)
            if let endingBefore, !allowEndingBeforeFinalizedInvoice {
                try Self.checkNoFinalizedInvoice(after: endingBefore, contractId: contractId, field: "ending_before", db)
            }
            try Self.keepVersion(of: contractId, supersededAt: now, db)
            record.endingBefore = endingBefore
            try record.update(db)
            try Self.recordContractAction("edit", contract: record, now: now, db)
            try ContractEditRecord(ContractEdit(
                id: UUID().uuidString.lowercased(), kind: .edit, customerId: customerId, contractId: contractId, timestamp: now,
                updateContractEndDate: NewValue(endingBefore)
            )).insert(db)
            try Self.settle(customerId: customerId, now: now, db)
        }
    }

    /// Rates only the usage `filter` lets through from its start; filters that started at or
    /// after it are replaced. Drafts follow; finalized invoices keep what they billed.
    package func setUsageFilter(customerId: String, contractId: String, _ filter: UsageFilterTerms, now: Timestamp) async throws {
        try await writer.write { db in
            _ = try Self.customerRecord(id: customerId, db)
            var record = try Self.activeContract(customerId: customerId, contractId: contractId, db)
            guard record.startingAt <= filter.startingAt else {
                throw StoreError.invalid("'starting_at' must not be before the contract's starting_at")
            }
            try Self.checkUsageFilter(filter, rateCardId: record.rateCardId, db)
            try Self.settle(customerId: customerId, now: now, db)
            try Self.keepVersion(of: contractId, supersededAt: now, db)
            record.usageFilters = record.usageFilters.filter { $0.startingAt < filter.startingAt } + [filter]
            try record.update(db)
            try Self.recordContractAction("edit", contract: record, now: now, db)
            try Self.settle(customerId: customerId, now: now, db)
        }
    }

    /// Creates, once each, the commits and credits of the contract's recurring ones: for every
    /// period that starts before the recurrence ends, or, when neither it nor the contract has an
    /// end, for every period begun by `now` (later ones as time reaches them).
    /// The products and credit types `recurring` names exist (404) and are active (400); lists are
    /// named `recurring_commits` and `recurring_credits` after `prefix` (`add_` for an edit).
    static func checkRecurringReferences(_ recurring: [RecurringCommitTerms], prefix: String, contractId: String, _ db: Database) throws {
        for template in recurring {
            let list = prefix + (template.kind == .credit ? "recurring_credits" : "recurring_commits")
            try checkChildAccess([("\(list).", template.childAccess)], contractId: contractId, db)
            _ = try activeProduct(id: template.productId, field: "\(list).product_id", db)
            for creditTypeId in [template.accessAmount.creditTypeId, template.invoiceAmount?.creditTypeId].compactMap({ $0 }) {
                _ = try activeCreditTypeRecord(id: creditTypeId, db)
            }
            for productId in (template.applicableProductIds ?? []) + (template.specifiers ?? []).compactMap(\.productId) {
                _ = try productRecord(id: productId, db)
            }
        }
    }

    /// 400 if a recurring commit or credit attaches a subscription the contract does not have.
    static func checkSubscriptionConfigs(_ recurring: [RecurringCommitTerms], subscriptionIds: [String], prefix: String) throws {
        var positions: [CommitKind: Int] = [:]
        for template in recurring {
            let position = positions[template.kind, default: 0]
            positions[template.kind] = position + 1
            guard let id = template.subscriptionConfig?.subscriptionId, !subscriptionIds.contains(id) else { continue }
            let list = prefix + (template.kind == .credit ? "recurring_credits" : "recurring_commits")
            throw StoreError.invalid(
                "'\(list)[\(position)].subscription_config.subscription_id' \(id) is neither a subscription of the contract nor the "
                    + "temporary_id of one in the request"
            )
        }
    }

    /// Makes the commits and credits of the contract's recurring ones whose periods have begun
    /// (all of them at once when the recurrence has an end), and gives those of a recurring one
    /// attached to a subscription what its seats added since.
    static func createRecurringInstances(of contract: ContractRecord, now: Timestamp, _ db: Database) throws {
        guard !contract.recurringCommits.isEmpty, contract.archivedAt == nil else { return }
        var made: [String: CommitRecord] = [:]
        for record in try CommitRecord.filter(contract.recurringCommits.map(\.id).contains(CommitRecord.Columns.recurringCommitId))
            .fetchAll(db) {
            made["\(record.recurringCommitId ?? "") \(record.accessStartingAt.millisecondsSinceEpoch)"] = record
        }
        let statementLength = ContractRating.length(of: contract.usageStatementSchedule.domain.frequency)
        let justAfterNow = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1)
        func newId() -> String { UUID().uuidString.lowercased() }
        for recurring in contract.recurringCommits {
            let end = recurring.endingBefore ?? contract.endingBefore
            // Seats are known only as time passes: a seat-linked recurrence makes each period's commit as it begins.
            let seats = recurring.subscriptionConfig.flatMap { config in
                contract.subscriptions.first { $0.id == config.subscriptionId }?.domain
            }
            let limit = seats != nil ? min(end ?? justAfterNow, justAfterNow) : (end ?? justAfterNow)
            for instance in recurring.instances(startedBefore: limit, contractEnd: contract.endingBefore, statementLength: statementLength)
            where instance.start < instance.accessEnd {
                let key = "\(recurring.id) \(instance.start.millisecondsSinceEpoch)"
                let grants = seats.map {
                    recurring.seatGrants(of: instance, quantities: $0.quantitySegments(from: instance.start, to: instance.end), through: now)
                } ?? [SeatGrant(
                    start: instance.start, accessAmount: instance.accessAmount, invoiceQuantity: instance.invoice?.quantity,
                    invoiceUnitPrice: instance.invoice?.unitPrice
                )]
                func segment(_ grant: SeatGrant) -> AccessSegment {
                    AccessSegment(id: newId(), amount: grant.accessAmount, startingAt: grant.start, endingBefore: instance.accessEnd)
                }
                func item(_ grant: SeatGrant) -> InvoiceItem? {
                    guard let quantity = grant.invoiceQuantity, let unitPrice = grant.invoiceUnitPrice else { return nil }
                    return InvoiceItem(
                        id: newId(), amount: quantity * unitPrice, quantity: quantity, unitPrice: unitPrice, timestamp: grant.start
                    )
                }
                if var record = made[key] {
                    guard seats != nil else { continue }
                    // A seat-linked period already made: add what seats added since.
                    var commit = record.terms
                    let granted = Set(commit.accessSchedule.map(\.startingAt))
                    let added = grants.filter { !granted.contains($0.start) }
                    guard !added.isEmpty else { continue }
                    commit.accessSchedule += added.map(segment)
                    if var schedule = commit.invoiceSchedule {
                        schedule.items += added.compactMap(item)
                        commit.invoiceSchedule = schedule
                    }
                    let seq = record.seq
                    record = CommitRecord(commit)
                    record.seq = seq
                    try record.update(db)
                    continue
                }
                var invoiceSchedule: InvoiceScheduleTerms?
                if let amount = recurring.invoiceAmount, instance.invoice != nil {
                    invoiceSchedule = InvoiceScheduleTerms(
                        creditTypeId: amount.creditTypeId, items: grants.compactMap(item), doNotInvoice: false
                    )
                }
                let commit = CommitTerms(
                    id: newId(), kind: recurring.kind, type: recurring.kind == .commit ? .prepaid : nil,
                    customerId: contract.customerId, contractId: contract.id, productId: recurring.productId, name: recurring.name,
                    description: recurring.description, priority: recurring.priority, creditTypeId: recurring.accessAmount.creditTypeId,
                    accessSchedule: grants.map(segment),
                    invoiceSchedule: invoiceSchedule,
                    applicableProductIds: recurring.applicableProductIds, applicableProductTags: recurring.applicableProductTags,
                    specifiers: recurring.specifiers,
                    rateType: recurring.rateType, rolloverFraction: recurring.rolloverFraction, customFields: [:], createdAt: now,
                    recurringCommitId: recurring.id, netsuiteSalesOrderId: recurring.netsuiteSalesOrderId,
                    childAccess: recurring.childAccess, subscriptionConfig: recurring.subscriptionConfig
                )
                try CommitRecord(commit).insert(db)
                try Self.recordCommitAction("create", commit: commit, now: now, db)
            }
        }
    }

    /// A usage filter's key must be a group key of every billable metric priced on the
    /// contract's rate card, as Metronome requires: only then can usage be split by it.
    static func checkUsageFilter(_ filter: UsageFilterTerms, rateCardId: String?, _ db: Database) throws {
        guard let rateCardId else { return }
        let productIds = Set(try RateRecord.filter(RateRecord.Columns.rateCardId == rateCardId).fetchAll(db).map(\.productId))
        let metricIds = Set(try ProductRecord.filter(productIds.contains(ProductRecord.Columns.id)).fetchAll(db)
            .compactMap { $0.state(at: filter.startingAt).billableMetricId })
        let metrics = try BillableMetricRecord.filter(metricIds.contains(BillableMetricRecord.Columns.id)).fetchAll(db)
        for metric in metrics.sorted(by: { $0.id < $1.id })
        where !metric.definition.groupKeys.contains(where: { $0.contains(filter.groupKey) }) {
            throw StoreError.invalid(
                "'group_key' \(filter.groupKey) is not a group key of billable metric \(metric.id), "
                    + "which the contract's rate card prices: a usage filter needs it on every one"
            )
        }
    }

    /// The customer's contracts that are not archived, earliest start first, each with its
    /// commits and credits (archived ones left out): what the billing engine rates and invoices.
    package func contractTerms(customerId: String) async throws -> [ContractTerms] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            let records = try ContractRecord
                .filter(ContractRecord.Columns.customerId == customerId && ContractRecord.Columns.archivedAt == nil)
                .order(ContractRecord.Columns.startingAt, ContractRecord.Columns.seq)
                .fetchAll(db)
            let commits = try Self.commitsByContract(ids: records.map(\.id), includeArchived: false, db)
            return records.map { $0.terms(commitsAndCredits: commits[$0.id] ?? []) }
        }
    }

    /// The entitled rates of a contract's rate card in force at `at`, with the contract's
    /// overrides applied, in the card's listing order, up to `limit` after `after`. Empty when
    /// the contract has no rate card.
    package func contractRateSchedule(
        customerId: String, contractId: String, at: Timestamp, selectors: [RateSelector], after: RateOrderKey?, limit: Int,
        now: Timestamp
    ) async throws -> [ContractRateListing] {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            let contract = try Self.contractRecord(customerId: customerId, contractId: contractId, db)
            guard let rateCardId = contract.rateCardId else { return [] }
            let listings = try Self.rateListings(
                rateCardId: rateCardId, window: .at(at), selectors: selectors, after: after, limit: .max, now: now, db
            )
            let overrides = contract.overrides.map(\.domain)
            let overrideCreditTypes = try Self.creditTypes(ids: Set(overrides.compactMap { $0.overwriteRate?.creditTypeId }), db)
            var result: [ContractRateListing] = []
            for listing in listings {
                let applied = ContractRules.applyOverrides(
                    overrides, to: listing.rate, productTags: listing.productState.tags ?? [], at: at
                )
                guard applied.entitled else { continue }
                let creditType = applied.overrideRate?.creditTypeId.flatMap { overrideCreditTypes[$0] ?? listing.creditType }
                result.append(ContractRateListing(
                    listing: listing, rateCardId: rateCardId, entitled: applied.entitled,
                    overrideRate: applied.overrideRate, overrideCreditType: creditType
                ))
                if result.count == limit { break }
            }
            return result
        }
    }

    // MARK: - Helpers inside a transaction

    /// The contract `contractId` of customer `customerId`, archived or not; 404 if there is none.
    package static func contractRecord(customerId: String, contractId: String, _ db: Database) throws -> ContractRecord {
        guard let record = try ContractRecord
            .filter(ContractRecord.Columns.id == contractId && ContractRecord.Columns.customerId == customerId)
            .fetchOne(db)
        else {
            throw StoreError.notFound("Contract", contractId)
        }
        return record
    }

    /// 404 for a commit, credit or recurring commit a commit-specific override names that the
    /// customer does not have; `made` holds those the same request makes (`made.recurring`
    /// including the contract's own).
    static func checkNamedCommits(
        _ override: OverrideTerms, customerId: String, made: (commits: [String], recurring: [String]), _ db: Database
    ) throws {
        let specifiers = override.specifiers ?? []
        let named = specifiers.flatMap { ($0.commitIds ?? []) + ($0.recurringCommitIds ?? []) + ($0.anyCommitOrCreditIds ?? []) }
        guard !named.isEmpty else { return }
        let commits = Set(try String.fetchAll(db, CommitRecord.select(CommitRecord.Columns.id)
            .filter(CommitRecord.Columns.customerId == customerId)) + made.commits)
        let contracts = try ContractRecord.filter(ContractRecord.Columns.customerId == customerId).fetchAll(db)
        let recurringIds = Set(made.recurring + contracts.flatMap { $0.recurringCommits.map(\.id) })
        for specifier in specifiers {
            for id in specifier.commitIds ?? [] where !commits.contains(id) { throw StoreError.notFound("Commit", id) }
            for id in specifier.recurringCommitIds ?? [] where !recurringIds.contains(id) {
                throw StoreError.notFound("Recurring commit", id)
            }
            for id in specifier.anyCommitOrCreditIds ?? [] where !commits.contains(id) && !recurringIds.contains(id) {
                throw StoreError.notFound("Commit or credit", id)
            }
        }
    }

    /// The product `id`, which must exist (404) and not be archived (400).
    package static func activeProduct(id: String, field: String, _ db: Database) throws -> ProductRecord {
        let product = try productRecord(id: id, db)
        guard product.archivedAt == nil else {
            throw StoreError.invalid("'\(field)': product \(id) is archived")
        }
        return product
    }

    /// The commits and credits of the contracts `ids`, by contract, in creation order.
    package static func commitsByContract(ids: [String], includeArchived: Bool, _ db: Database) throws -> [String: [CommitTerms]] {
        guard !ids.isEmpty else { return [:] }
        var request = CommitRecord.filter(ids.contains(CommitRecord.Columns.contractId)).order(CommitRecord.Columns.seq)
        if !includeArchived {
            request = request.filter(CommitRecord.Columns.archivedAt == nil)
        }
        return Dictionary(grouping: try request.fetchAll(db).map(\.terms), by: { $0.contractId ?? "" })
    }

    /// The names of every product and credit type `contracts` and `commits` refer to.
    package static func catalogNames(
        contracts: [ContractTerms], commits: [CommitTerms], edits: [ContractEdit] = [], now: Timestamp, _ db: Database
    ) throws -> CatalogNames {
        let allCommits = commits + contracts.flatMap { $0.commits + $0.credits } + edits.flatMap { $0.addCommits + $0.addCredits }
        var productIds = Set(allCommits.map(\.productId))
        var creditTypeIds = Set(allCommits.map(\.creditTypeId))
        let charges = contracts.flatMap { $0.scheduledCharges + $0.discounts } + edits.flatMap { $0.addScheduledCharges + $0.addDiscounts }
        let overrides = contracts.flatMap(\.overrides) + edits.flatMap(\.addOverrides)
        productIds.formUnion(charges.map(\.productId))
        productIds.formUnion((contracts.flatMap(\.subscriptions) + edits.flatMap(\.addSubscriptions)).map(\.productId))
        productIds.formUnion(overrides.compactMap(\.productId))
        productIds.formUnion(contracts.flatMap(\.recurringCommits).map(\.productId))
        creditTypeIds.formUnion(charges.map(\.schedule.creditTypeId))
        creditTypeIds.formUnion(overrides.compactMap { $0.overwriteRate?.creditTypeId })
        let products = try ProductRecord.filter(productIds.contains(ProductRecord.Columns.id)).fetchAll(db)
        return CatalogNames(
            products: Dictionary(
                products.map { ($0.id, $0.state(at: now).name ?? $0.id) }, uniquingKeysWith: { first, _ in first }
            ),
            creditTypes: try creditTypes(ids: creditTypeIds, db).mapValues(\.name)
        )
    }

    /// `commits` replaces the contracts' stored commits and credits when given; with
    /// `editsUntil`, edits made after it, and the professional services they added, are left out.
    static func snapshots(
        of records: [ContractRecord], commits given: [String: [CommitTerms]]? = nil, editsUntil: Timestamp? = nil, now: Timestamp,
        _ db: Database
    ) throws -> [ContractSnapshot] {
        let commits = try given ?? commitsByContract(ids: records.map(\.id), includeArchived: true, db)
        let contracts = records.map { $0.terms(commitsAndCredits: commits[$0.id] ?? []) }
        var edits = try editsByContract(ids: records.map(\.id), db)
        var professionalServices = try professionalServices(contractIds: records.map(\.id), db)
        if let editsUntil {
            for (id, list) in edits {
                let later = list.filter { $0.timestamp > editsUntil }.reduce(into: Set<String>()) { $0.formUnion($1.addedIds) }
                edits[id] = list.filter { $0.timestamp <= editsUntil }
                professionalServices[id]?.removeAll { later.contains($0.id) }
            }
        }
        let names = try catalogNames(contracts: contracts, commits: [], edits: edits.values.flatMap { $0 }, now: now, db)
        let packages = try PackageContractRecord.filter(records.map(\.id).contains(PackageContractRecord.Columns.contractId)).fetchAll(db)
        let packageIds = Dictionary(packages.map { ($0.contractId, $0.packageId) }, uniquingKeysWith: { first, _ in first })
        let billingProviders = try billingProviderConfigurationSnapshots(ids: Set(records.compactMap(\.billingProviderConfigurationId)), db)
        let revenueSystems = try revenueSystemConfigurationSnapshots(ids: Set(records.compactMap(\.revenueSystemConfigurationId)), db)
        let children = try hierarchyChildren(of: records.map(\.id), db)
        return zip(records, contracts).map {
            ContractSnapshot(
                seq: $0.seq ?? 0, terms: $1, names: names, packageId: packageIds[$1.id], asOf: now, edits: edits[$1.id] ?? [],
                professionalServices: professionalServices[$1.id] ?? [],
                billingProviderConfiguration: $1.billingProviderConfigurationId.flatMap { billingProviders[$0] },
                revenueSystemConfiguration: $1.revenueSystemConfigurationId.flatMap { revenueSystems[$0] },
                children: children[$1.id] ?? []
            )
        }
    }

    private static func activeContract(customerId: String, contractId: String, _ db: Database) throws -> ContractRecord {
        let record = try contractRecord(customerId: customerId, contractId: contractId, db)
        guard record.archivedAt == nil else {
            throw StoreError.invalid("Contract \(contractId) is archived")
        }
        return record
    }

    /// The active rate card holding `alias` at `moment`; 400 if none does.
    private static func rateCardId(alias: String, at moment: Timestamp, _ db: Database) throws -> String {
        let active = RateCardRecord.select(RateCardRecord.Columns.id).filter(RateCardRecord.Columns.archivedAt == nil)
        let holders = try RateCardAliasRecord
            .filter(RateCardAliasRecord.Columns.name == alias)
            .filter(active.contains(RateCardAliasRecord.Columns.rateCardId))
            .fetchAll(db)
        guard let holder = holders.first(where: { alias in
            (alias.startingAt.map { $0 <= moment } ?? true) && (alias.endingBefore.map { moment < $0 } ?? true)
        }) else {
            throw StoreError.invalid("No rate card has the alias '\(alias)' at \(moment.rfc3339)")
        }
        return holder.rateCardId
    }
}

// MARK: - Subscriptions

/// A subscription's quantity over time, with the unit price each quantity is billed at.
package struct SubscriptionQuantityHistory: Sendable {
    /// One change: from `startingAt`, `quantity` at `unitPrice`.
    package struct Entry: Sendable {
        package var startingAt: Timestamp
        package var quantity: Decimal
        package var unitPrice: Decimal

        /// A value with each stored property given.
        package init(startingAt: Timestamp, quantity: Decimal, unitPrice: Decimal) {
            self.startingAt = startingAt
            self.quantity = quantity
            self.unitPrice = unitPrice
        }
    }

    package var subscriptionId: String
    package var fiatCreditTypeId: String
    /// The custom pricing unit of the prices, when the subscription's rate is in one.
    package var customCreditTypeId: String?
    package var entries: [Entry]

    /// A value with each stored property given.
    package init(subscriptionId: String, fiatCreditTypeId: String, customCreditTypeId: String?, entries: [Entry]) {
        self.subscriptionId = subscriptionId
        self.fiatCreditTypeId = fiatCreditTypeId
        self.customCreditTypeId = customCreditTypeId
        self.entries = entries
    }
}

extension AppDatabase {
    /// The quantity history of a contract's subscription: each quantity it has (its initial
    /// quantity from its start, then each one edits scheduled) from when it applies, priced by the
    /// contract's subscription rate for its product then (0 without one, as the subscription is
    /// then billed nothing). 404 for an unknown customer, contract or subscription.
    package func subscriptionQuantityHistory(
        customerId: String, contractId: String, subscriptionId: String
    ) async throws -> SubscriptionQuantityHistory {
        try await writer.read { db in
            _ = try Self.customerRecord(id: customerId, db)
            let contract = try Self.contractRecord(customerId: customerId, contractId: contractId, db)
            guard let subscription = contract.subscriptions.map(\.domain).first(where: { $0.id == subscriptionId }) else {
                throw StoreError.notFound("Subscription of contract \(contractId)", subscriptionId)
            }
            func rate(at moment: Timestamp) throws -> ContractRate? {
                try Self.contractRates(of: contract, at: moment, db).first {
                    $0.rate.productId == subscription.productId && $0.rate.rateType == .subscription && $0.rate.entitled
                        && ($0.rate.billingFrequency.map { $0.rawValue == subscription.billingFrequency.rawValue } ?? true)
                }
            }
            let fiat = try contract.rateCardId.map { try Self.rateCardRecord(id: $0, db).fiatCreditTypeId } ?? CreditTypes.usdCentsId
            let custom = try rate(at: subscription.startingAt)?.rate.creditTypeId.flatMap { $0 == fiat ? nil : $0 }
            return SubscriptionQuantityHistory(
                subscriptionId: subscription.id, fiatCreditTypeId: fiat, customCreditTypeId: custom,
                entries: try subscription.quantitySegments.map { segment in
                    .init(startingAt: segment.startingAt, quantity: segment.quantity, unitPrice: try rate(at: segment.startingAt)?.rate.price ?? 0)
                }
            )
        }
    }
}
