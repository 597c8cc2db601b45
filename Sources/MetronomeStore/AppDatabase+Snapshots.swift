import Foundation
import GRDB

// A snapshot is the whole state of a store as one SQLite file, taken with SQLite's online backup:
// what a team shares as a fixture ("a customer mid-cycle with a half-used commit").

extension AppDatabase {
    /// The store's state as the bytes of one SQLite file.
    package func snapshot() async throws -> Data {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("metronome-snapshot-\(UUID().uuidString).sqlite").path
        defer { Self.removeDatabaseFiles(atPath: path) }
        do {
            let copy = try DatabaseQueue(path: path)
            try writer.backup(to: copy)
            try copy.close()
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as DatabaseError {
            throw StoreError.storageFailure(error) ?? error
        }
    }

    /// Replaces the store's state, in one step, with that of `snapshot` (see `openSnapshot`).
    package func restore(from snapshot: DatabaseQueue) async throws {
        do {
            try writer.restore(from: snapshot)
        } catch let error as DatabaseError {
            throw StoreError.storageFailure(error) ?? error
        }
        // The backup bypasses transactions: what is cached from the old state is rebuilt by hand.
        try await writer.read { db in try Self.indexUsageTransactions(into: usageTransactions, db) }
        rolledUpMetrics.last = nil
        unknownCustomerRefs.forgetAll()
        commits.advance()
    }

    /// Opens a snapshot file (a copy the caller may change) and brings its schema up to date.
    /// Throws `invalid` for a file that is not a sound SQLite database of this emulator, or was
    /// written by a newer one.
    package static func openSnapshot(atPath path: String) throws -> DatabaseQueue {
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path)
            let check = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            guard check == ["ok"] else { throw StoreError.invalid("The snapshot is damaged: \(check.prefix(3).joined(separator: "; "))") }
            let isOurs = try queue.read { db in try db.tableExists("grdb_migrations") && db.tableExists("customer") }
            guard isOurs else { throw StoreError.invalid("The file is an SQLite database, but not a snapshot of this emulator") }
            if try queue.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw StoreError.invalid("The snapshot was written by a newer version of the emulator")
            }
            try migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw StoreError.invalid("The snapshot is not a readable SQLite database (\(error.message ?? "SQLite error \(error.resultCode)"))")
        }
        return queue
    }

    /// Removes an SQLite file and its journal files.
    package static func removeDatabaseFiles(atPath path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}

extension AppDatabase {
    /// Whether the store holds no state at all (no credit type, no customer).
    package func isEmpty() async throws -> Bool {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM credit_type) + (SELECT COUNT(*) FROM customer)") == 0
        }
    }

    /// How many customers it holds, and the bytes its database takes.
    package func size() async throws -> (customers: Int, bytes: Int) {
        try await writer.read { db in
            let customers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customer") ?? 0
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return (customers, pages * pageSize)
        }
    }
}
