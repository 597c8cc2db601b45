import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct ContractEditsTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    private func segment(_ id: String, _ amount: Decimal, _ start: String, _ end: String) -> AccessSegment {
        AccessSegment(id: id, amount: amount, startingAt: at(start), endingBefore: at(end))
    }

    @Test func anAccessEditAddsUpdatesAndRemovesSegmentsInTimeOrder() throws {
        let segments = [segment("a", 100, "2026-01-01", "2026-02-01"), segment("b", 200, "2026-02-01", "2026-03-01")]
        let edit = ScheduleEdit(
            add: [ScheduleItemEdit(id: "c", amount: 50, startingAt: at("2025-12-01"), endingBefore: at("2026-01-01"))],
            update: [ScheduleItemEdit(id: "b", amount: 250)], remove: ["a"]
        )
        let edited = try edit.applied(toAccess: segments, field: "access_schedule")
        #expect(edited == [segment("c", 50, "2025-12-01", "2026-01-01"), segment("b", 250, "2026-02-01", "2026-03-01")])
    }

    @Test func anEditNamingAnUnknownItemOrEmptyingTheScheduleIsRefused() {
        let segments = [segment("a", 100, "2026-01-01", "2026-02-01")]
        #expect(throws: PricingRuleViolation.self) {
            try ScheduleEdit(add: [], update: [ScheduleItemEdit(id: "zz", amount: 1)], remove: []).applied(toAccess: segments, field: "f")
        }
        #expect(throws: PricingRuleViolation.self) {
            try ScheduleEdit(add: [], update: [], remove: ["a"]).applied(toAccess: segments, field: "f")
        }
    }

    @Test func anInvoiceItemGivenAQuantityBillsQuantityTimesUnitPrice() throws {
        let items = [InvoiceItem(id: "i", amount: 2500, quantity: 1, unitPrice: 2500, timestamp: at("2026-03-01"))]
        let edited = try ScheduleEdit(add: [], update: [ScheduleItemEdit(id: "i", quantity: 3, unitPrice: 1000)], remove: [])
            .applied(toInvoice: items, field: "invoice_schedule")
        #expect(edited == [InvoiceItem(id: "i", amount: 3000, quantity: 3, unitPrice: 1000, timestamp: at("2026-03-01"))])
        let byAmount = try ScheduleEdit(add: [], update: [ScheduleItemEdit(id: "i", amount: 700)], remove: [])
            .applied(toInvoice: items, field: "invoice_schedule")
        #expect(byAmount.map(\.amount) == [700])
    }

    @Test func aCommitEditKeepsWhatItDoesNotName() throws {
        let commit = CommitTerms(
            id: "k", kind: .commit, type: .prepaid, customerId: "c", productId: "p", name: "Old", priority: 1,
            creditTypeId: "usd", accessSchedule: [segment("a", 100, "2026-01-01", "2026-02-01")], customFields: [:],
            createdAt: at("2026-01-01")
        )
        let edited = try CommitEdit(id: "k", kind: .commit, priority: NewValue(nil), rolloverFraction: NewValue(0.5))
            .applied(to: commit, field: "update_commits[0]")
        #expect(edited.priority == nil)
        #expect(edited.rolloverFraction == 0.5)
        #expect(edited.name == "Old")
        #expect(edited.accessSchedule == commit.accessSchedule)
        #expect(throws: PricingRuleViolation.self) {
            try CommitEdit(id: "k", kind: .commit, rolloverFraction: NewValue(2)).applied(to: commit, field: "f")
        }
    }

    @Test func specifiersReplaceProductIdsOnlyWhenTheEditClearsThem() throws {
        let commit = CommitTerms(
            id: "k", kind: .commit, type: .prepaid, customerId: "c", productId: "p", creditTypeId: "usd",
            accessSchedule: [segment("a", 100, "2026-01-01", "2026-02-01")], applicableProductIds: ["u"], customFields: [:],
            createdAt: at("2026-01-01")
        )
        let specifiers = NewValue<[CommitSpecifier]>([CommitSpecifier(productId: "v")])
        #expect(throws: PricingRuleViolation.self) {
            try CommitEdit(id: "k", kind: .commit, specifiers: specifiers).applied(to: commit, field: "f")
        }
        let edited = try CommitEdit(id: "k", kind: .commit, applicableProductIds: NewValue(nil), specifiers: specifiers,
                                    netsuiteSalesOrderId: NewValue("SO-1")).applied(to: commit, field: "f")
        #expect(edited.applicableProductIds == nil)
        #expect(edited.specifiers == [CommitSpecifier(productId: "v")])
        #expect(edited.netsuiteSalesOrderId == "SO-1")
        let cleared = try CommitEdit(id: "k", kind: .commit, specifiers: NewValue(nil), netsuiteSalesOrderId: NewValue(nil))
            .applied(to: edited, field: "f")
        #expect(cleared.specifiers == nil && cleared.netsuiteSalesOrderId == nil && cleared.appliesToAllProducts)
    }
}
