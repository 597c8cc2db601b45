import Foundation
import MetronomeBilling
import MetronomeCodecs
import Testing

@Suite struct SeatBasedRecurringCommitsTests {
    private func at(_ text: String) -> Timestamp { Timestamp(rfc3339: text + "T00:00:00Z")! }

    /// 100 a seat each April-sized (30-day) month, invoiced at 80 a seat.
    private func pool(prorated: Bool) -> RecurringCommitTerms {
        RecurringCommitTerms(
            id: "r", kind: .commit, productId: "p", priority: 1,
            accessAmount: .init(creditTypeId: "usd", unitPrice: 50, quantity: 2), commitDurationPeriods: 1,
            startingAt: at("2026-04-01"), invoiceAmount: .init(creditTypeId: "usd", unitPrice: 80, quantity: 1),
            proration: .firstAndLast, rateType: .commitRate, anchorDate: at("2026-04-01"),
            subscriptionConfig: .init(subscriptionId: "s", allocation: .pooled, applySeatIncreaseConfig: .init(isProrated: prorated))
        )
    }

    private func april(_ recurring: RecurringCommitTerms) -> RecurringCommitTerms.Instance {
        recurring.instances(startedBefore: at("2026-04-02"), contractEnd: nil, statementLength: .months(1))[0]
    }

    private func seats(_ changes: [(String, Decimal)]) -> [SubscriptionQuantitySegment] {
        changes.enumerated().map { index, change in
            SubscriptionQuantitySegment(
                quantity: change.1, startingAt: at(change.0), endingBefore: index + 1 < changes.count ? at(changes[index + 1].0) : nil
            )
        }
    }

    @Test func theSeatsAtThePeriodsStartEachGetTheAmount() {
        let recurring = pool(prorated: true)
        let grants = recurring.seatGrants(of: april(recurring), quantities: seats([("2026-04-01", 3)]), through: at("2026-04-30"))
        #expect(grants == [SeatGrant(start: at("2026-04-01"), accessAmount: 300, invoiceQuantity: 3, invoiceUnitPrice: 80)])
    }

    @Test func aProratedIncreaseGetsTheShareOfThePeriodLeft() {
        let recurring = pool(prorated: true)
        let grants = recurring.seatGrants(
            of: april(recurring), quantities: seats([("2026-04-01", 3), ("2026-04-21", 5)]), through: at("2026-04-30")
        )
        // 2 seats from April 21: 10 of 30 days left, so 200 / 3 of access and 80 / 3 a seat invoiced.
        #expect(grants.count == 2)
        #expect(grants[1].start == at("2026-04-21"))
        #expect(grants[1].accessAmount == (Decimal(200) / 3).rounded(toPlaces: 10))
        #expect(grants[1].invoiceQuantity == 2)
        #expect(grants[1].invoiceUnitPrice == (Decimal(80) / 3).rounded(toPlaces: 10))
    }

    @Test func onlySeatsAboveTheMostGrantedCountAndOnlyOnceTheyArrive() {
        let recurring = pool(prorated: false)
        let quantities = seats([("2026-04-01", 3), ("2026-04-11", 5), ("2026-04-15", 4), ("2026-04-20", 6)])
        let all = recurring.seatGrants(of: april(recurring), quantities: quantities, through: at("2026-04-30"))
        #expect(all.map(\.accessAmount) == [300, 200, 100])
        #expect(all.map(\.start) == [at("2026-04-01"), at("2026-04-11"), at("2026-04-20")])
        let soFar = recurring.seatGrants(of: april(recurring), quantities: quantities, through: at("2026-04-12"))
        #expect(soFar.map(\.accessAmount) == [300, 200])
    }
}
