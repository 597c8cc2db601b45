import Foundation
import MetronomeBilling
import MetronomeCodecs
@testable import MetronomeStore
import Testing

/// The JSON that contract, commit and rate rows hold is the database file format: these pin it,
/// so that files written by earlier versions keep opening.
@Suite struct StoredShapesTests {
    private let start = Timestamp(rfc3339: "2026-01-01T00:00:00.000Z")!
    private let end = Timestamp(rfc3339: "2026-02-01T00:00:00.000Z")!

    /// Decodes `json` as `T`, checks it re-encodes (as GRDB does, keys sorted) to the same JSON,
    /// and returns it.
    private func roundTrip<T: Codable>(_ type: T.Type, _ json: String) throws -> T {
        let value = try JSONDecoder().decode(T.self, from: Data(json.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let written = try JSONSerialization.jsonObject(with: encoder.encode(value)) as? NSObject
        let expected = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSObject
        #expect(written == expected)
        return value
    }

    @Test func overrideKeepsItsKeys() throws {
        let stored = try roundTrip(StoredOverride.self, """
            {"id": "o1", "type": "OVERWRITE", "starting_at": "2026-01-01T00:00:00.000Z", "ending_before": "2026-02-01T00:00:00.000Z",
             "product_id": "p1", "applicable_product_tags": ["a"],
             "specifiers": [{"product_id": "p2", "product_tags": ["b"], "pricing_group_values": {"k": "v"},
                             "presentation_group_values": {"x": "y"}}],
             "entitled": true, "multiplier": 0.5,
             "overwrite_rate": {"rate_type": "TIERED", "credit_type_id": "c1", "price": 2, "quantity": 3, "is_prorated": false,
                                "tiers": [{"price": 1, "size": 10}, {"price": 0.5}], "custom_rate": {"k": [1, "two"]}},
             "tiers": [{"multiplier": 2, "size": 5}, {"multiplier": 1}], "priority": 1, "target": "COMMIT_RATE",
             "is_commit_specific": true, "created_at": "2026-01-01T00:00:00.000Z"}
            """)
        #expect(stored.domain == OverrideTerms(
            id: "o1", type: .overwrite, startingAt: start, endingBefore: end, productId: "p1", applicableProductTags: ["a"],
            specifiers: [CommitSpecifier(
                productId: "p2", productTags: ["b"], pricingGroupValues: ["k": "v"], presentationGroupValues: ["x": "y"]
            )],
            entitled: true, multiplier: Decimal(string: "0.5"),
            overwriteRate: OverwriteRate(
                rateType: .tiered, creditTypeId: "c1", price: 2, quantity: 3, isProrated: false,
                tiers: [Tier(price: 1, size: 10), Tier(price: Decimal(string: "0.5")!)],
                customRate: ["k": .array([.number(1), .string("two")])]
            ),
            tiers: [OverrideTier(multiplier: 2, size: 5), OverrideTier(multiplier: 1)], priority: 1, target: .commitRate,
            isCommitSpecific: true, createdAt: start
        ))
    }

    @Test func contractSchedulesKeepTheirKeys() throws {
        let schedule = try roundTrip(StoredUsageStatementSchedule.self, """
            {"frequency": "QUARTERLY", "day": "CUSTOM_DATE", "billing_anchor_date": "2026-01-01T00:00:00.000Z"}
            """)
        #expect(schedule.domain == UsageStatementSchedule(frequency: .quarterly, day: .customDate, billingAnchorDate: start))
        let charge = try roundTrip(StoredScheduledCharge.self, """
            {"id": "s1", "product_id": "p1", "name": "Setup", "custom_fields": {"k": "v"},
             "schedule": {"credit_type_id": "c1", "do_not_invoice": true,
                          "items": [{"id": "i1", "amount": 6, "quantity": 2, "unit_price": 3, "timestamp": "2026-01-01T00:00:00.000Z"}]}}
            """)
        #expect(charge.domain == ScheduledChargeTerms(
            id: "s1", productId: "p1", name: "Setup",
            schedule: InvoiceScheduleTerms(
                creditTypeId: "c1", items: [InvoiceItem(id: "i1", amount: 6, quantity: 2, unitPrice: 3, timestamp: start)],
                doNotInvoice: true
            ),
            customFields: ["k": "v"]
        ))
        let subscription = try roundTrip(StoredSubscription.self, """
            {"id": "u1", "product_id": "p1", "billing_frequency": "MONTHLY", "collection_schedule": "ADVANCE",
             "is_prorated": true, "invoice_behavior": "BILL_IMMEDIATELY", "quantity_management_mode": "QUANTITY_ONLY",
             "initial_quantity": 4, "starting_at": "2026-01-01T00:00:00.000Z", "ending_before": "2026-02-01T00:00:00.000Z",
             "name": "Seats", "description": "d", "custom_fields": {}, "created_at": "2026-01-01T00:00:00.000Z"}
            """)
        #expect(subscription.domain == SubscriptionTerms(
            id: "u1", productId: "p1", billingFrequency: .monthly, collectionSchedule: "ADVANCE", isProrated: true,
            invoiceBehavior: "BILL_IMMEDIATELY", quantityManagementMode: "QUANTITY_ONLY", initialQuantity: 4,
            startingAt: start, endingBefore: end, name: "Seats", description: "d", customFields: [:], createdAt: start
        ))
        let transition = try roundTrip(StoredTransition.self, """
            {"from_contract_id": "a", "to_contract_id": "b", "type": "RENEWAL"}
            """)
        #expect(transition.domain == TransitionTerms(fromContractId: "a", toContractId: "b", type: "RENEWAL"))
        let segment = try roundTrip(StoredAccessSegment.self, """
            {"id": "g1", "amount": 100, "starting_at": "2026-01-01T00:00:00.000Z", "ending_before": "2026-02-01T00:00:00.000Z"}
            """)
        #expect(segment.domain == AccessSegment(id: "g1", amount: 100, startingAt: start, endingBefore: end))
    }

    @Test func rateKeepsItsKeys() throws {
        let stored = try roundTrip(StoredRate.self, """
            {"product_id": "p1", "entitled": true, "rate_type": "SUBSCRIPTION", "starting_at": "2026-01-01T00:00:00.000Z",
             "ending_before": "2026-02-01T00:00:00.000Z", "price": 5, "tiers": [{"price": 1, "size": 2}],
             "pricing_group_values": {"region": "eu"}, "quantity": 1, "is_prorated": true, "billing_frequency": "ANNUAL",
             "credit_type_id": "c1", "commit_rate": {"rate_type": "FLAT", "price": 4, "tiers": [{"price": 3}]},
             "custom_rate": {"k": "v"}}
            """)
        #expect(stored.domain == Rate(
            productId: "p1", entitled: true, rateType: .subscription, startingAt: start, endingBefore: end, price: 5,
            tiers: [Tier(price: 1, size: 2)], pricingGroupValues: ["region": "eu"], quantity: 1, isProrated: true,
            billingFrequency: .annual, creditTypeId: "c1",
            commitRate: CommitRate(rateType: .flat, price: 4, tiers: [Tier(price: 3)]), customRate: ["k": .string("v")]
        ))
        let minimal = try roundTrip(StoredRate.self, """
            {"product_id": "p1", "entitled": false, "rate_type": "FLAT", "starting_at": "2026-01-01T00:00:00.000Z"}
            """)
        #expect(minimal.domain == Rate(productId: "p1", entitled: false, rateType: .flat, startingAt: start))
    }

    @Test func contractEditChangesKeepTheirKeys() throws {
        let stored = try roundTrip(StoredContractEditChanges.self, """
            {"add_commits": [], "add_credits": [], "add_overrides": [], "add_scheduled_charges": [], "add_discounts": [],
             "add_subscriptions": [], "archive_commits": ["c1"], "archive_credits": ["c2"], "archive_scheduled_charges": ["s1"], "remove_overrides": ["o1"],
             "update_commits": [{"id": "k1", "kind": "COMMIT",
                 "access_schedule": {"add": [{"id": "a1", "amount": 5, "starting_at": "2026-01-01T00:00:00.000Z",
                                              "ending_before": "2026-02-01T00:00:00.000Z"}],
                                     "update": [{"id": "a0", "amount": 7}], "remove": ["a2"]},
                 "invoice_schedule": {"add": [{"id": "i1", "quantity": 2, "unit_price": 3, "timestamp": "2026-01-01T00:00:00.000Z"}],
                                      "update": [], "remove": []},
                 "applicable_product_ids": {"value": ["p1"]}, "applicable_product_tags": {}, "applicable_contract_ids": {"value": []},
                 "description": "d", "name": "n", "priority": {"value": 2}, "product_id": "p2", "rate_type": "LIST_RATE",
                 "rollover_fraction": {}, "invoice_contract_id": "k9"}],
             "update_scheduled_charges": [{"id": "s2", "invoice_schedule": {"add": [], "update": [], "remove": ["i2"]}}],
             "update_contract_end_date": {"value": "2026-02-01T00:00:00.000Z"}, "update_contract_name": {},
             "update_net_payment_terms_days": {"value": 30}}
            """)
        let edit = ContractEditRecord(ContractEdit(id: "e", kind: .edit, customerId: "c", contractId: "k", timestamp: start))
        #expect(edit.changes.updateCommits.isEmpty)
        #expect(stored.archiveCommits == ["c1"] && stored.removeOverrides == ["o1"])
        #expect(stored.updateCommits == [CommitEdit(
            id: "k1", kind: .commit,
            accessSchedule: ScheduleEdit(
                add: [ScheduleItemEdit(id: "a1", amount: 5, startingAt: start, endingBefore: end)],
                update: [ScheduleItemEdit(id: "a0", amount: 7)], remove: ["a2"]
            ),
            invoiceSchedule: ScheduleEdit(add: [ScheduleItemEdit(id: "i1", quantity: 2, unitPrice: 3, timestamp: start)], update: [], remove: []),
            applicableProductIds: NewValue(["p1"]), applicableProductTags: NewValue(nil), applicableContractIds: NewValue([]),
            description: "d", name: "n", priority: NewValue(2), productId: "p2", rateType: .listRate, rolloverFraction: NewValue(nil),
            invoiceContractId: "k9"
        )])
        #expect(stored.updateScheduledCharges == [ScheduledChargeEdit(id: "s2", invoiceSchedule: ScheduleEdit(add: [], update: [], remove: ["i2"]))])
        #expect(stored.updateContractEndDate == NewValue(end))
        #expect(stored.updateContractName == NewValue(nil))
        #expect(stored.updateNetPaymentTermsDays == NewValue(30))
    }
}
