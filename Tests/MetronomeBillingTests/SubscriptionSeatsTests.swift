import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct SubscriptionSeatsTests {
    private let usd = InvoiceCreditType(id: "usd", name: "USD (cents)")

    /// Midnight UTC on the given day of April 2026 (a 30-day month).
    private func april(_ day: Int) -> Timestamp { Timestamp(rfc3339: String(format: "2026-04-%02dT00:00:00Z", day))! }
    private var may: Timestamp { Timestamp(rfc3339: "2026-05-01T00:00:00Z")! }
    private var yearEnd: Timestamp { Timestamp(rfc3339: "2027-01-01T00:00:00Z")! }

    private func seatBased(_ ids: [String] = ["a", "b"], prorated: Bool = true) -> SubscriptionTerms {
        SubscriptionTerms(
            id: "s", productId: "p", billingFrequency: .monthly, collectionSchedule: "ADVANCE", isProrated: prorated,
            invoiceBehavior: "BILL_IMMEDIATELY", quantityManagementMode: "SEAT_BASED", initialQuantity: Decimal(ids.count),
            startingAt: april(1), endingBefore: yearEnd, customFields: [:], createdAt: april(1),
            seatConfig: .init(initialSeatIds: ids, seatGroupKey: "seat_id")
        )
    }

    private func quantityOnly(_ quantity: Decimal) -> SubscriptionTerms {
        SubscriptionTerms(
            id: "s", productId: "p", billingFrequency: .monthly, collectionSchedule: "ADVANCE", isProrated: true,
            invoiceBehavior: "BILL_IMMEDIATELY", quantityManagementMode: "QUANTITY_ONLY", initialQuantity: quantity,
            startingAt: april(1), endingBefore: yearEnd, customFields: [:], createdAt: april(1)
        )
    }

    private func update(_ seats: SubscriptionSeatUpdates) -> SubscriptionUpdate {
        SubscriptionUpdate(id: "s", seatUpdates: seats)
    }

    private func lines(_ subscription: SubscriptionTerms) -> [InvoiceLineItem] {
        ContractRating.subscriptionPeriodLines(
            subscription, whole: BillingPeriod(index: 0, start: april(1), end: may), start: april(1), end: may, price: 2000,
            name: "Seats", fiat: usd
        )
    }

    private func seats(_ subscription: SubscriptionTerms) -> [(ids: [String], unassigned: Decimal, from: Timestamp)] {
        subscription.seatSegments.map { ($0.assignedSeatIds, $0.unassignedSeats, $0.startingAt) }
    }

    @Test func withoutUpdatesTheInitialSeatsRunTheWholeRange() {
        let subscription = seatBased()
        #expect(subscription.seatSegments == [
            SubscriptionSeatSegment(assignedSeatIds: ["a", "b"], unassignedSeats: 0, startingAt: april(1), endingBefore: yearEnd)
        ])
        #expect(subscription.quantitySegments.map(\.quantity) == [2])
        #expect(lines(subscription).map(\.total) == [4000])
    }

    @Test func aSeatAddedMidPeriodBillsItsShareOfThePeriod() throws {
        let added = try update(.init(addSeatIds: [.init(seatIds: ["c"], startingAt: april(11))]))
            .applied(to: seatBased(), contractEnd: yearEnd, field: "u")
        #expect(seats(added).map(\.ids) == [["a", "b"], ["a", "b", "c"]])
        #expect(added.quantitySegments.map(\.quantity) == [2, 3])
        // 2 seats × 2000 × 10/30 = 1333.33…, then 3 × 2000 × 20/30 = 4000.
        let split = lines(added)
        #expect(split.map(\.quantity) == [2, 3])
        #expect(abs(split[0].total - Decimal(2 * 2000 * 10) / 30) < Decimal(string: "0.000001")!)
        #expect(split[1].total == 4000)
        // Together: the 2 seats all month (4000) plus the third seat for 20 days (2000 × 20/30).
        #expect(abs(split.map(\.total).reduce(0, +) - (4000 + Decimal(2000 * 20) / 30)) < Decimal(string: "0.000001")!)
    }

    @Test func newSeatIdsFillUnassignedSeatsBeforeAddingSeats() throws {
        let subscription = try update(.init(
            addSeatIds: [.init(seatIds: ["c", "d", "e"], startingAt: april(21))],
            addUnassignedSeats: [.init(quantity: 2, startingAt: april(11))]
        )).applied(to: seatBased(), contractEnd: yearEnd, field: "u")
        // From the 11th: a, b and 2 unassigned (4). From the 21st: c and d fill those, e adds one (5).
        #expect(seats(subscription).map(\.ids) == [["a", "b"], ["a", "b"], ["a", "b", "c", "d", "e"]])
        #expect(seats(subscription).map(\.unassigned) == [0, 2, 0])
        #expect(subscription.quantitySegments.map(\.quantity) == [2, 4, 5])
        #expect(subscription.quantitySegments.map(\.startingAt) == [april(1), april(11), april(21)])
    }

    @Test func removalsLowerTheQuantityAndAnUnknownSeatIsANoOp() throws {
        let subscription = try update(.init(
            removeSeatIds: [.init(seatIds: ["b", "zz"], startingAt: april(16))],
            addUnassignedSeats: [.init(quantity: 3, startingAt: april(6))],
            removeUnassignedSeats: [.init(quantity: 2, startingAt: april(26))]
        )).applied(to: seatBased(), contractEnd: yearEnd, field: "u")
        // 2 → 5 (6th) → 4 (16th, b removed; zz was never there) → 2 (26th).
        #expect(subscription.quantitySegments.map(\.quantity) == [2, 5, 4, 2])
        #expect(seats(subscription).map(\.ids) == [["a", "b"], ["a", "b"], ["a"], ["a"]])
        #expect(seats(subscription).map(\.unassigned) == [0, 3, 3, 1])
        // Seat-days: 2×5 + 5×10 + 4×10 + 2×5 = 110; × 2000 / 30.
        let total = lines(subscription).map(\.total).reduce(0, +)
        #expect(abs(total - Decimal(110 * 2000) / 30) < Decimal(string: "0.000001")!)
    }

    @Test func atOneMomentRemovalsComeBeforeAdditionsAndEarlierEditsFirst() throws {
        // One unassigned seat from the 6th; on the 11th the same edit removes it and assigns c:
        // removed first, c then finds no unassigned seat and adds one.
        let first = try update(.init(addUnassignedSeats: [.init(quantity: 1, startingAt: april(6))]))
            .applied(to: seatBased(), contractEnd: yearEnd, field: "u")
        let second = try update(.init(
            addSeatIds: [.init(seatIds: ["c"], startingAt: april(11))],
            removeUnassignedSeats: [.init(quantity: 1, startingAt: april(11))]
        )).applied(to: first, contractEnd: yearEnd, field: "u")
        #expect(second.quantitySegments.map(\.quantity) == [2, 3])
        #expect(seats(second).map(\.ids) == [["a", "b"], ["a", "b"], ["a", "b", "c"]])
        #expect(seats(second).map(\.unassigned) == [0, 1, 0])
        // Swapping a seat on one day: b out, d in; the total stays 2 and one segment starts there.
        let swapped = try update(.init(
            addSeatIds: [.init(seatIds: ["d"], startingAt: april(11))], removeSeatIds: [.init(seatIds: ["b"], startingAt: april(11))]
        )).applied(to: seatBased(), contractEnd: yearEnd, field: "u")
        #expect(seats(swapped).map(\.ids) == [["a", "b"], ["a", "d"]])
        #expect(swapped.quantitySegments.map(\.quantity) == [2])
        #expect(swapped.seatIdsEverAssigned == ["a", "b", "d"])
    }

    @Test func updatesThatBreakTheScheduleAreRefused() throws {
        let twice = update(.init(addSeatIds: [.init(seatIds: ["a"], startingAt: april(11))]))
        #expect(throws: PricingRuleViolation.self) { try twice.applied(to: seatBased(), contractEnd: yearEnd, field: "u") }
        let tooMany = update(.init(removeUnassignedSeats: [.init(quantity: 1, startingAt: april(11))]))
        #expect(throws: PricingRuleViolation.self) { try tooMany.applied(to: seatBased(), contractEnd: yearEnd, field: "u") }
        let early = update(.init(addUnassignedSeats: [.init(quantity: 1, startingAt: Timestamp(rfc3339: "2026-03-01T00:00:00Z")!)]))
        #expect(throws: PricingRuleViolation.self) { try early.applied(to: seatBased(), contractEnd: yearEnd, field: "u") }
        let late = update(.init(addUnassignedSeats: [.init(quantity: 1, startingAt: yearEnd)]))
        #expect(throws: PricingRuleViolation.self) { try late.applied(to: seatBased(), contractEnd: yearEnd, field: "u") }
        let quantityOnly = update(.init(addUnassignedSeats: [.init(quantity: 1, startingAt: april(11))]))
        #expect(throws: PricingRuleViolation.self) { try quantityOnly.applied(to: self.quantityOnly(3), contractEnd: yearEnd, field: "u") }
        let unprorated = update(.init(addUnassignedSeats: [.init(quantity: 1, startingAt: april(11))]))
        #expect(throws: PricingRuleViolation.self) {
            try unprorated.applied(to: seatBased(prorated: false), contractEnd: yearEnd, field: "u")
        }
        // Assigning a seat of an unprorated subscription into an unassigned seat bills the same: taken.
        var withUnassigned = seatBased(prorated: false)
        withUnassigned.initialQuantity = 3
        let filled = try update(.init(addSeatIds: [.init(seatIds: ["c"], startingAt: april(11))]))
            .applied(to: withUnassigned, contractEnd: yearEnd, field: "u")
        #expect(filled.quantitySegments.map(\.quantity) == [3])
    }

    @Test func anEarlierEditsUpdateALaterOneBreaksIsRefused() throws {
        // c is assigned from the 21st; a later edit assigning c from the 11th would assign it twice.
        let first = try update(.init(addSeatIds: [.init(seatIds: ["c"], startingAt: april(21))]))
            .applied(to: seatBased(), contractEnd: yearEnd, field: "u")
        let earlier = update(.init(addSeatIds: [.init(seatIds: ["c"], startingAt: april(11))]))
        #expect(throws: PricingRuleViolation.self) { try earlier.applied(to: first, contractEnd: yearEnd, field: "u") }
    }

    @Test func quantityOnlyBecomesSeatBasedWithItsQuantityAsUnassignedSeats() throws {
        let raised = try SubscriptionUpdate(id: "s", quantityUpdates: [.init(startingAt: april(11), quantity: 5)])
            .applied(to: quantityOnly(3), contractEnd: yearEnd, field: "u")
        let converted = try SubscriptionUpdate(
            id: "s", quantityManagementModeUpdate: .init(seatGroupKey: "user"),
            seatUpdates: .init(addSeatIds: [.init(seatIds: ["x", "y"], startingAt: april(21))])
        ).applied(to: raised, contractEnd: yearEnd, field: "u")
        #expect(converted.quantityManagementMode == "SEAT_BASED")
        #expect(converted.seatConfig == .init(initialSeatIds: [], seatGroupKey: "user"))
        // 3 unassigned, 5 from the 11th; x and y fill two of them from the 21st: still 5.
        #expect(converted.quantitySegments.map(\.quantity) == [3, 5])
        #expect(seats(converted).map(\.ids) == [[], [], ["x", "y"]])
        #expect(seats(converted).map(\.unassigned) == [3, 5, 3])
        #expect(lines(converted).map(\.total) == lines(raised).map(\.total))
        let again = SubscriptionUpdate(id: "s", quantityManagementModeUpdate: .init(seatGroupKey: "user"))
        #expect(throws: PricingRuleViolation.self) { try again.applied(to: converted, contractEnd: yearEnd, field: "u") }
        let fractional = SubscriptionUpdate(id: "s", quantityManagementModeUpdate: .init(seatGroupKey: "user"))
        #expect(throws: PricingRuleViolation.self) { try fractional.applied(to: quantityOnly(2.5), contractEnd: yearEnd, field: "u") }
    }

    @Test func billingChangesFromTheFirstMomentTheNumberOfSeatsDoes() throws {
        var withUnassigned = seatBased()
        withUnassigned.initialQuantity = 3
        let change = update(.init(
            addSeatIds: [.init(seatIds: ["c"], startingAt: april(6))], addUnassignedSeats: [.init(quantity: 1, startingAt: april(16))]
        ))
        let edited = try change.applied(to: withUnassigned, contractEnd: yearEnd, field: "u")
        // c fills the unassigned seat on the 6th (3 seats still); the 16th adds one.
        #expect(change.changesBilling(of: withUnassigned, edited: edited) == april(16))
    }
}
