import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct NotificationOutboxTests {
    private let now = Timestamp(rfc3339: "2026-02-02T00:00:00Z")!

    @Test func notificationsFanOutToMatchingDestinationsInOrder() async throws {
        let database = try AppDatabase.inMemory()
        try await database.writer.write { db in
            for index in 0..<2 {
                try AppDatabase.recordNotification(
                    type: "invoice.finalized", properties: ["invoice_id": .string("i\(index)")], customerId: "c1", now: now, db
                )
            }
            try AppDatabase.recordNotification(
                type: "alerts.spend_threshold_reached", properties: [:], customerId: "c2", now: now, db
            )
        }
        let all = WebhookDestination(id: "w1", url: "http://a/x", secret: "s", eventTypes: nil)
        let alerts = WebhookDestination(id: "w2", url: "http://b/x", secret: "s", eventTypes: ["alerts.spend_threshold_reached"])
        #expect(try await database.hasNotificationsToFanOut())
        try await database.fanOutNotifications(to: [all, alerts], wallNow: 1000)
        #expect(try await database.hasNotificationsToFanOut() == false)

        var heads = try await database.headDeliveries(webhookIds: ["w1", "w2"])
        #expect(heads.map(\.webhookId) == ["w1", "w2"])
        #expect(heads[0].body.contains(#""invoice_id":"i0""#))
        #expect(heads[1].body.contains("alerts.spend_threshold_reached"))

        // A failure keeps the head in place: deliveries to one destination go in order.
        try await database.recordDeliveryAttempt(
            notificationId: heads[0].notificationId, webhookId: "w1", status: 500, error: nil, delivered: false,
            nextAttemptAt: 2000, wallNow: 1000
        )
        heads = try await database.headDeliveries(webhookIds: ["w1"])
        #expect(heads.map(\.attempts) == [1] && heads.map(\.nextAttemptAt) == [2000])
        try await database.recordDeliveryAttempt(
            notificationId: heads[0].notificationId, webhookId: "w1", status: 204, error: nil, delivered: true,
            nextAttemptAt: nil, wallNow: 2000
        )
        heads = try await database.headDeliveries(webhookIds: ["w1"])
        #expect(heads.first?.body.contains(#""invoice_id":"i1""#) == true)

        let page = try PageRequest(limit: 10, token: nil, parameter: "next_page", list: AppDatabase.notificationsList, defaultLimit: 100, maxLimit: 100)
        let (listed, next) = try await database.notifications(filter: NotificationFilter(customerId: "c1"), page: page)
        #expect(next == nil)
        #expect(listed.count == 2)
        let delivery = try #require(listed[0].deliveries.first)
        #expect(listed[0].deliveries.count == 1)
        #expect((delivery.webhookId, delivery.state, delivery.attempts, delivery.lastStatus) == ("w1", .delivered, 2, 204))
        #expect(delivery.deliveredAt == Timestamp(millisecondsSinceEpoch: 2000) && delivery.nextAttemptAt == nil)

        // Redelivery queues it again, at once.
        try await database.redeliverNotification(id: listed[0].id, destinations: [all, alerts], wallNow: 3000)
        heads = try await database.headDeliveries(webhookIds: ["w1"])
        #expect(heads.first?.notificationSeq == listed[0].seq)
        await #expect(throws: StoreError.notFound("notification", "nope")) {
            try await database.redeliverNotification(id: "nope", destinations: [], wallNow: 0)
        }
    }

    @Test func anAttemptFinishingAfterAResetDoesNotCountForANewNotification() async throws {
        let database = try AppDatabase.inMemory()
        let destination = WebhookDestination(id: "w1", url: "http://a/x", secret: "s", eventTypes: nil)
        func notifyAndFanOut() async throws -> DueDelivery {
            try await database.writer.write { db in
                try AppDatabase.recordNotification(type: "invoice.finalized", properties: [:], customerId: nil, now: now, db)
            }
            try await database.fanOutNotifications(to: [destination], wallNow: 0)
            return try #require(try await database.headDeliveries(webhookIds: ["w1"]).first)
        }
        let old = try await notifyAndFanOut()
        try await database.reset(to: .none, now: now)
        let new = try await notifyAndFanOut()
        #expect(new.notificationSeq == old.notificationSeq)  // seqs start again after a reset
        try await database.recordDeliveryAttempt(
            notificationId: old.notificationId, webhookId: "w1", status: 200, error: nil, delivered: true,
            nextAttemptAt: nil, wallNow: 5
        )
        let head = try #require(try await database.headDeliveries(webhookIds: ["w1"]).first)
        #expect(head.notificationId == new.notificationId && head.attempts == 0)
    }

    @Test func aNotificationIsWrittenOnlyWithTheChangeThatCausesIt() async throws {
        let database = try AppDatabase.inMemory()
        struct Failure: Error {}
        await #expect(throws: Failure.self) {
            try await database.writer.write { db in
                try AppDatabase.recordNotification(type: "invoice.finalized", properties: [:], customerId: nil, now: now, db)
                throw Failure()
            }
        }
        #expect(try await database.hasNotificationsToFanOut() == false)
    }

    /// A committed notification wakes delivery at once: the wait here would otherwise last an
    /// hour, past the test's time limit.
    @Test(.timeLimit(.minutes(1))) func aCommittedNotificationRingsTheOutboxBell() async throws {
        let database = try AppDatabase.inMemory()
        let waiting = Task { await database.outbox.wait(upTo: .seconds(3600)) }
        try await Task.sleep(for: .milliseconds(50))
        try await database.writer.write { db in
            try AppDatabase.recordNotification(type: "invoice.finalized", properties: [:], customerId: "c1", now: now, db)
        }
        await waiting.value
        // A transaction that changes no outbox table rings nothing: a ring left over would end this wait at once.
        try await database.writer.write { db in try db.execute(sql: "CREATE TABLE unrelated (x)") }
        let started = ContinuousClock.now
        await database.outbox.wait(upTo: .milliseconds(300))
        #expect(ContinuousClock.now - started >= .milliseconds(250))
    }
}
