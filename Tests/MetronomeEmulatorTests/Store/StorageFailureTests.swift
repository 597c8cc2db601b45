import GRDB
import Testing

@testable import MetronomeEmulator

@Suite struct StorageFailureTests {
    @Test func aFullDiskIsA503ThatSaysSo() throws {
        let error = try #require(AppDatabase.apiError(
            forStorageFailure: DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full")
        ))
        #expect(error.status == .serviceUnavailable)
        #expect(error.message.contains("disk holding its database is full"))
        #expect(error.message.contains("Nothing was changed"))
    }

    @Test func aReadOnlyFileIsA503ThatSaysSo() throws {
        let error = try #require(AppDatabase.apiError(
            forStorageFailure: DatabaseError(resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database")
        ))
        #expect(error.status == .serviceUnavailable)
        #expect(error.message.contains("read-only"))
    }

    @Test func otherErrorsAreNotStorageFailures() {
        #expect(AppDatabase.apiError(forStorageFailure: DatabaseError(resultCode: .SQLITE_CONSTRAINT)) == nil)
        #expect(AppDatabase.apiError(forStorageFailure: APIError.badRequest("x")) == nil)
    }

    @Test func aWriteToAReadOnlyStoreMapsTo503() async throws {
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
        let mapped = try #require(created.flatMap { AppDatabase.apiError(forStorageFailure: $0) })
        #expect(mapped.status == .serviceUnavailable)
    }
}
