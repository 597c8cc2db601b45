import Foundation
import Hummingbird
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore

/// Contracts: `/v1/contracts/create|get|list|amend|archive|updateEndDate|getContractRateSchedule|
/// getSubscriptionQuantityHistory|setUsageFilter`.
struct ContractsEndpoints {
    typealias Context = EmulatorRequestContext

    let database: AppDatabase
    let clock: EmulatorClock

    /// Page size of `list`: default and maximum.
    static let maxPageSize = 20

    /// The routes of this resource.
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("/v1/contracts/create", use: create)
        routes.post("/v1/contracts/get", use: get)
        routes.post("/v1/contracts/list", use: list)
        routes.post("/v1/contracts/amend", use: amend)
        routes.post("/v1/contracts/archive", use: archive)
        routes.post("/v1/contracts/updateEndDate", use: updateEndDate)
        routes.post("/v1/contracts/getContractRateSchedule", use: rateSchedule)
        routes.post("/v1/contracts/getSubscriptionQuantityHistory", use: subscriptionQuantityHistory)
        routes.post("/v1/contracts/setUsageFilter", use: setUsageFilter)
        routes.post("/v1/contracts/createHistoricalInvoices", use: createHistoricalInvoices)
        routes.post("/v1/contracts/scheduleProServicesInvoice", use: scheduleProServicesInvoice)
        routes.post("/v1/contracts/getSubscriptionSeatsHistory", use: subscriptionSeatsHistory)
        routes.post("/v1/contracts/seatBalances/list", use: seatBalances)
        return routes
    }

    /// Rates only the usage whose `group_key` has one of `group_values` from `starting_at` on;
    /// the filters that started later are replaced.
    @Sendable func setUsageFilter(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: SetUsageFilterRequest.self, context: context)
        let filter = try UsageFilterBody(groupKey: body.groupKey, groupValues: body.groupValues, startingAt: body.startingAt)
            .terms(defaultStart: body.startingAt, field: "")
        try await database.setUsageFilter(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            contractId: try Validate.id(body.contractId, field: "contract_id"), filter, now: clock.now()
        )
        return try JSONResponse.ok([String: String]())
    }

    /// The quantities a subscription has had, each with its unit price and total.
    @Sendable func subscriptionQuantityHistory(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: SubscriptionHistoryRequest.self, context: context)
        let history = try await database.subscriptionQuantityHistory(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            contractId: try Validate.id(body.contractId, field: "contract_id"),
            subscriptionId: try Validate.id(body.subscriptionId, field: "subscription_id")
        )
        return try JSONResponse.ok(DataEnvelope(data: SubscriptionQuantityHistoryWire(history)))
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let decoded = try await request.decodeJSON(as: BodyWithFields<CreateContractRequest>.self, context: context)
        let body = decoded.value
        let package = try Self.packageReference(decoded)
        let now = clock.now()
        let id = UUID().uuidString.lowercased()
        let customerId = try Validate.id(body.customerId, field: "customer_id")
        try Validate.range(startingAt: body.startingAt, endingBefore: body.endingBefore)
        if let key = body.uniquenessKey {
            try Validate.length(key, field: "uniqueness_key", Limits.identifierLength)
        }
        if body.rateCardId != nil, body.rateCardAlias != nil {
            throw APIError.badRequest("Give 'rate_card_id' or 'rate_card_alias', not both")
        }
        if let days = body.netPaymentTermsDays, days < 0 {
            throw APIError.badRequest("'net_payment_terms_days' must be >= 0")
        }
        var schedule: UsageStatementSchedule
        do throws(PricingRuleViolation) {
            schedule = try UsageStatementSchedule.resolve(
                frequency: body.usageStatementSchedule?.frequency, day: body.usageStatementSchedule?.day,
                anchor: body.usageStatementSchedule?.billingAnchorDate, contractStart: body.startingAt
            )
            schedule.invoiceGenerationStartingAt = body.usageStatementSchedule?.invoiceGenerationStartingAt
        } catch {
            throw APIError.badRequest(error.message)
        }
        let billingProvider = try body.billingProviderConfiguration?.choice()
        let revenueSystem = try body.revenueSystemConfiguration?.choice()
        var terms = ContractTerms(
            id: id, customerId: customerId, name: try body.name.map { try Validate.name($0) }, startingAt: body.startingAt,
            endingBefore: body.endingBefore, rateCardId: try body.rateCardId.map { try Validate.id($0, field: "rate_card_id") },
            usageStatementSchedule: schedule, netPaymentTermsDays: body.netPaymentTermsDays,
            commits: try (body.commits ?? []).enumerated().map { index, commit in
                try commit.terms(kind: .commit, customerId: customerId, contractId: id, now: now, field: "commits[\(index)].")
            },
            credits: try (body.credits ?? []).enumerated().map { index, credit in
                try credit.terms(kind: .credit, customerId: customerId, contractId: id, now: now, field: "credits[\(index)].")
            },
            scheduledCharges: try (body.scheduledCharges ?? []).enumerated().map { index, charge in
                try charge.terms(field: "scheduled_charges[\(index)]")
            },
            discounts: try (body.discounts ?? []).enumerated().map { index, discount in
                try discount.terms(field: "discounts[\(index)]")
            },
            subscriptions: try (body.subscriptions ?? []).enumerated().map { index, subscription in
                try subscription.terms(
                    field: "subscriptions[\(index)]", contractStart: body.startingAt, contractEnd: body.endingBefore, now: now
                )
            },
            overrides: try (body.overrides ?? []).enumerated().map { index, override in
                try override.terms(field: "overrides[\(index)]", now: now)
            },
            transitions: try body.transition.map { transition in
                guard transition.type.uppercased() == "RENEWAL" else {
                    throw APIError.badRequest("'transition.type' must be one of: RENEWAL")
                }
                return [TransitionTerms(
                    fromContractId: try Validate.id(transition.fromContractId, field: "transition.from_contract_id"),
                    toContractId: id, type: "RENEWAL"
                )]
            } ?? [],
            customFields: body.customFields ?? [:], uniquenessKey: body.uniquenessKey, createdAt: now, archivedAt: nil,
            multiplierOverridePrioritization: body.multiplierOverridePrioritization ?? .lowestMultiplier,
            usageFilters: try body.usageFilter.map { [try $0.terms(defaultStart: body.startingAt, field: "usage_filter.")] } ?? [],
            recurringCommits: try (body.recurringCommits ?? []).enumerated().map { index, recurring in
                try recurring.terms(kind: .commit, field: "recurring_commits[\(index)].", statementAnchor: schedule.billingAnchorDate)
            } + (body.recurringCredits ?? []).enumerated().map { index, recurring in
                try recurring.terms(kind: .credit, field: "recurring_credits[\(index)].", statementAnchor: schedule.billingAnchorDate)
            },
            prepaidBalanceThreshold: try body.prepaidBalanceThresholdConfiguration?.terms(),
            spendThreshold: try body.spendThresholdConfiguration?.terms(),
            resellerRoyalties: try (body.resellerRoyalties ?? []).enumerated().map { index, royalty in
                try royalty.terms(field: "reseller_royalties[\(index)]")
            },
            spendTrackers: try SpendTrackerBody.terms(body.spendTrackers ?? []),
            billingProviderConfigurationId: billingProvider?.id,
            revenueSystemConfigurationId: revenueSystem?.id,
            scheduledChargesOnUsageInvoices: body.scheduledChargesOnUsageInvoices == .all,
            salesReferences: .init(
                totalContractValue: body.totalContractValue, salesforceOpportunityId: body.salesforceOpportunityId,
                netsuiteSalesOrderId: body.netsuiteSalesOrderId
            ),
            hierarchy: try body.hierarchyConfiguration?.terms()
        )
        terms.recurringCommits = try RecurringCommitBody.resolvingSubscriptions(
            terms.recurringCommits, subscriptions: body.subscriptions, made: terms.subscriptions.map(\.id), list: "subscriptions"
        )
        let recurringCommits = terms.recurringCommits.filter { $0.kind == .commit }.map(\.id)
        let recurringCredits = terms.recurringCommits.filter { $0.kind == .credit }.map(\.id)
        terms.overrides = try TemporaryIds(
            TemporaryIds.items(body.commits, terms.commits.map(\.id), temporaryId: \.temporaryId, list: "commits")
                + TemporaryIds.items(body.credits, terms.credits.map(\.id), temporaryId: \.temporaryId, list: "credits")
                + TemporaryIds.items(body.recurringCommits, recurringCommits, temporaryId: \.value.temporaryId, list: "recurring_commits")
                + TemporaryIds.items(body.recurringCredits, recurringCredits, temporaryId: \.value.temporaryId, list: "recurring_credits")
        ).resolving(terms.overrides)
        if let violation = ContractRules.prioritizationViolation(
            terms.overrides, terms.multiplierOverridePrioritization, field: "overrides"
        ) {
            throw APIError.badRequest(violation)
        }
        for (index, recurring) in terms.recurringCommits.enumerated() where recurring.startingAt < terms.startingAt {
            let list = recurring.kind == .credit ? "recurring_credits" : "recurring_commits"
            let position = index - (recurring.kind == .credit ? terms.recurringCommits.filter { $0.kind == .commit }.count : 0)
            throw APIError.badRequest("'\(list)[\(position)].starting_at' must not be before the contract's starting_at")
        }
        if let filter = terms.usageFilters.first, filter.startingAt < terms.startingAt {
            throw APIError.badRequest("'usage_filter.starting_at' must not be before the contract's starting_at")
        }
        let professionalServices = try (body.professionalServices ?? []).enumerated().map { index, service in
            try service.terms(field: "professional_services[\(index)]")
        }
        let created = try await database.createContract(NewContract(
            terms: terms, rateCardAlias: body.rateCardAlias, package: package, professionalServices: professionalServices,
            billingProvider: billingProvider?.named, revenueSystem: revenueSystem?.named,
            removesFutureTrueUps: body.transition?.futureInvoiceBehavior?.trueup == .remove
        ))
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: created)))
    }

    /// The package a contract is provisioned on, if the body names one; then the package gives
    /// the terms, so the body may carry only the fields Metronome allows alongside it.
    static func packageReference(_ decoded: BodyWithFields<CreateContractRequest>) throws -> PackageReference? {
        let body = decoded.value
        let reference: PackageReference
        switch (body.packageId, body.packageAlias) {
        case (nil, nil):
            return nil
        case (_?, _?):
            throw APIError.badRequest("Give 'package_id' or 'package_alias', not both")
        case (let id?, nil):
            reference = .id(try Validate.id(id, field: "package_id"))
        case (nil, let alias?):
            try Validate.length(alias, field: "package_alias", 1...256)
            reference = .alias(alias)
        }
        if let field = decoded.fields.keys.sorted().first(where: {
            !CreateContractRequest.fieldsAllowedWithPackage.contains($0) && decoded.fields[$0] != .null
        }) {
            throw APIError.badRequest(
                "'\(field)' cannot be given with a package: only customer_id, starting_at, package_id or package_alias, "
                    + "uniqueness_key, transition and custom_fields are"
            )
        }
        return reference
    }

    /// The contract, with its commits' and credits' balances and ledgers when asked.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: GetContractRequest.self, context: context)
        return try JSONResponse.ok(DataEnvelope(data: try await contract(body)))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ListContractsRequest.self, context: context)
        return try JSONResponse.ok(try await contracts(body, list: "contracts") { $0 })
    }

    /// The contract `body` names, as v1 shows it, with balances and ledgers when asked; v2 reads
    /// the same view. With `as_of_date`, the contract as it stood then, and balances then.
    func contract(_ body: GetContractRequest) async throws -> ContractWire {
        let customerId = try Validate.id(body.customerId, field: "customer_id")
        let contractId = try Validate.id(body.contractId, field: "contract_id")
        let (balance, ledgers) = (body.includeBalance ?? false, body.includeLedgers ?? false)
        let now: Timestamp
        let snapshot: ContractSnapshot
        if let asOf = body.asOfDate {
            if ledgers { throw APIError.badRequest("'as_of_date' cannot be used with 'include_ledgers'") }
            now = asOf
            snapshot = try await database.contract(customerId: customerId, contractId: contractId, asOf: asOf)
        } else {
            now = clock.now()
            snapshot = try await database.contract(customerId: customerId, contractId: contractId, now: now)
        }
        let accounts = balance || ledgers ? try await database.commitAccounts(
            customerId: customerId, now: now, asTheyWere: body.asOfDate == nil ? [] : snapshot.terms.commits + snapshot.terms.credits
        ) : [:]
        return ContractWire(snapshot).showing(accounts, balance: balance, ledgers: ledgers)
    }

    /// A page of the contracts `body` asks for, each the v1 view shaped by `shape`; `list` names
    /// the list its cursors belong to.
    func contracts<Item: Encodable>(
        _ body: ListContractsRequest, list: String, _ shape: (ContractWire) -> Item
    ) async throws -> Page<Item> {
        let page = try PageRequest(
            bodyLimit: body.limit, bodyToken: body.cursor, tokenField: "cursor", list: list,
            defaultLimit: Self.maxPageSize, maxLimit: Self.maxPageSize
        )
        let filter = ContractListFilter(
            coveringDate: body.coveringDate, startingAt: body.startingAt, includeArchived: body.includeArchived ?? false
        )
        let customerId = try Validate.id(body.customerId, field: "customer_id")
        let now = clock.now()
        let rows = try await database.contracts(
            customerId: customerId, filter: filter, afterSeq: try page.after?.integer(at: 0), limit: page.fetchLimit, now: now
        )
        let (balance, ledgers) = (body.includeBalance ?? false, body.includeLedgers ?? false)
        let accounts = balance || ledgers ? try await database.commitAccounts(customerId: customerId, now: now) : [:]
        return Page(rows: rows, request: page, list: list, tokenField: .cursor, key: { [String($0.seq)] }) {
            shape(ContractWire($0).showing(accounts, balance: balance, ledgers: ledgers))
        }
    }

    /// Amends the contract: adds commits, credits, overrides, scheduled charges and discounts,
    /// kept as an amendment that v1 get and list show.
    @Sendable func amend(_ request: Request, context: Context) async throws -> Response {
        let decoded = try await request.decodeJSON(as: BodyWithFields<AmendContractRequest>.self, context: context)
        let id = try await database.editContract(try decoded.value.amendment(now: clock.now()))
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// Archives the contract and its commits and credits; its draft invoices are voided.
    @Sendable func archive(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: ArchiveContractRequest.self, context: context)
        let id = try Validate.id(body.contractId, field: "contract_id")
        try await database.archiveContract(
            customerId: try Validate.id(body.customerId, field: "customer_id"), contractId: id, now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    @Sendable func updateEndDate(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeJSON(as: UpdateContractEndDateRequest.self, context: context)
        let id = try Validate.id(body.contractId, field: "contract_id")
        try await database.updateContractEndDate(
            customerId: try Validate.id(body.customerId, field: "customer_id"), contractId: id, endingBefore: body.endingBefore,
            allowEndingBeforeFinalizedInvoice: body.allowEndingBeforeFinalizedInvoice ?? true, now: clock.now()
        )
        return try JSONResponse.ok(DataEnvelope(data: IDPayload(id: id)))
    }

    /// The entitled rates of the contract's rate card at `at` (default now), overrides applied.
    @Sendable func rateSchedule(_ request: Request, context: Context) async throws -> Response {
        let page = try PageRequest(query: QueryParameters(request), list: "contract-rate-schedule")
        let body = try await request.decodeJSON(as: GetContractRateScheduleRequest.self, context: context)
        let after = try page.after.map { cursor in
            guard let key = RateOrderKey(cursorKey: cursor.key) else {
                throw APIError.badRequest("'next_page' is not a valid cursor")
            }
            return key
        }
        let now = clock.now()
        let rows = try await database.contractRateSchedule(
            customerId: try Validate.id(body.customerId, field: "customer_id"),
            contractId: try Validate.id(body.contractId, field: "contract_id"), at: body.at ?? now,
            selectors: try RateSelectorBody.validated(body.selectors), after: after, limit: page.fetchLimit, now: now
        )
        return try JSONResponse.ok(
            Page(
                rows: rows, request: page, list: "contract-rate-schedule", key: \.listing.orderKey.cursorKey,
                transform: ContractRateWire.init
            )
        )
    }
}
