import GRDB
import MetronomeBilling
import MetronomeCodecs
import MetronomeStore
import Testing

@Suite struct StorageFailureTests {
    @Test func aFullDiskIsAStorageFailureThatSaysSo() throws {
        let error = try #require(StoreError.storageFailure(
            DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full")
        ))
        guard case .storageUnavailable(let message) = error else { Issue.record("\(error)"); return }
        #expect(message.contains("disk holding its database is full"))
        #expect(message.contains("Nothing was changed"))
    }

    @Test func aReadOnlyFileIsAStorageFailureThatSaysSo() throws {
        let error = try #require(StoreError.storageFailure(
            DatabaseError(resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database")
        ))
        guard case .storageUnavailable(let message) = error else { Issue.record("\(error)"); return }
        #expect(message.contains("read-only"))
    }

    @Test func otherErrorsAreNotStorageFailures() {
        #expect(StoreError.storageFailure(DatabaseError(resultCode: .SQLITE_CONSTRAINT)) == nil)
        #expect(StoreError.storageFailure(StoreError.invalid("x")) == nil)
    }

    @Test func aWriteToAReadOnlyStoreIsAStorageFailure() async throws {
        // The same failure as a file made read-only under a running emulator, without a file.
        let database = try AppDatabase.inMemory()
        try await database.writer.write { db in try db.execute(sql: "PRAGMA query_only = 1") }
        let created = await #expect(throws: DatabaseError.self) {
            _ = try await database.createCustomer(
                NewCustomer(name: "x", ingestAliases: [], externalId: nil, customFields: [:], legacyBillingConfig: nil,
                            billingProviderConfigurations: []),
                now: .init(millisecondsSinceEpoch: 0)
            )
        }
        let mapped = try #require(created.flatMap { StoreError.storageFailure($0) })
        guard case .storageUnavailable = mapped else { Issue.record("\(mapped)"); return }
    }
}
