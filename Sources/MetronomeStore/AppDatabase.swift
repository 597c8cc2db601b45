import Foundation
import GRDB
import MetronomeBilling
import MetronomeCodecs
import Synchronization

/// The emulator's one store: a single GRDB writer for the life of the process, in memory by
/// default or in a SQLite file. Every method of its extensions is one transaction, so a
/// request that fails changes nothing.
package struct AppDatabase: Sendable {
    /// The connection (memory) or pool (file) every store method goes through.
    package let writer: StoreWriter
    /// The billable metrics ingest last rolled events up for.
    package let rolledUpMetrics = RolledUpMetricsCache()
    /// Every counted `transaction_id`, for de-duplication at ingest.
    package let usageTransactions = UsageTransactionIndex()
    /// How many write transactions have committed: what was read while it held one value may be
    /// reused for as long as it holds that value.
    package let commits = CommitCounter()
    /// References late usage named that name no customer, so that ingest stops looking them up.
    package let unknownCustomerRefs = UnknownCustomerRefs()
    /// Rings when the notifications outbox changes.
    package let outbox = OutboxBell()

    /// Wraps `writer`, brings its schema up to date and indexes the events it holds.
    package init(_ writer: any DatabaseWriter) throws {
        self.writer = StoreWriter(writer)
        try Self.migrator.migrate(writer)
        try writer.read { db in try Self.indexUsageTransactions(into: usageTransactions, db) }
        writer.add(transactionObserver: commits, extent: .databaseLifetime)
        writer.add(transactionObserver: unknownCustomerRefs, extent: .databaseLifetime)
        writer.add(transactionObserver: outbox, extent: .databaseLifetime)
    }

    /// A store that lives and dies with the process. It starts as a copy of a migrated empty
    /// store: copying pages is much cheaper than running every migration again, as SQLite parses
    /// the whole schema anew after each change to it.
    package static func inMemory() throws -> AppDatabase {
        let queue = try DatabaseQueue(configuration: configuration)
        try migratedTemplate.get().backup(to: queue)
        return try AppDatabase(queue)
    }

    /// An empty in-memory store with every migration applied, made once per process.
    private static let migratedTemplate = Result<DatabaseQueue, any Error> {
        let template = try DatabaseQueue(configuration: configuration)
        try migrator.migrate(template)
        return template
    }

    /// A store in the SQLite file at `path`, created if missing. WAL mode: a committed
    /// transaction survives the process being killed, and reads run beside the writer.
    package static func file(atPath path: String) throws -> AppDatabase {
        var configuration = configuration
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return try AppDatabase(DatabasePool(path: path, configuration: configuration))
    }

    private static var configuration: GRDB.Configuration {
        var configuration = GRDB.Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        return configuration
    }
}

/// Counts committed write transactions. It is told of a commit once the commit is visible to
/// readers, so a value read before reading the store never outlives the state that was read.
package final class CommitCounter: TransactionObserver, Sendable {
    private let count = Atomic<UInt64>(0)

    package var value: UInt64 { count.load(ordering: .acquiring) }

    /// Counts a change made outside any transaction (a restore from a snapshot).
    package func advance() { count.add(1, ordering: .releasing) }

    package func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
    package func databaseDidChange(with event: DatabaseEvent) {}
    package func databaseDidCommit(_ db: Database) { count.add(1, ordering: .releasing) }
    package func databaseDidRollback(_ db: Database) {}
}

/// Customer references that were found to name no customer (by ID or ingest alias), forgotten
/// as soon as a committed transaction changes any customer or alias. Late usage sent for
/// customers that do not exist yet would otherwise cost the writer a lookup in every batch.
package final class UnknownCustomerRefs: TransactionObserver, Sendable {
    private struct State {
        var refs: Set<String> = []
        var customersChanging = false
    }

    private let state = Mutex(State())
    /// Past this many, the set starts again: it must not grow with every reference ever sent.
    package static let limit = 10_000

    package func contains(_ ref: String) -> Bool { state.withLock { $0.refs.contains(ref) } }

    /// Forgets every reference (the customers changed outside any transaction).
    package func forgetAll() { state.withLock { $0 = State() } }

    package func insert(_ refs: some Sequence<String>) {
        state.withLock { state in
            if state.refs.count >= Self.limit { state.refs = [] }
            state.refs.formUnion(refs)
        }
    }

    package func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        eventKind.tableName == CustomerRecord.databaseTableName || eventKind.tableName == IngestAliasRecord.databaseTableName
    }

    package func databaseDidChange(with event: DatabaseEvent) { state.withLock { $0.customersChanging = true } }
    package func databaseDidCommit(_ db: Database) { forgetIfCustomersChanged() }
    package func databaseDidRollback(_ db: Database) { forgetIfCustomersChanged() }

    private func forgetIfCustomersChanged() {
        state.withLock { state in
            if state.customersChanging { state = State() }
        }
    }
}

/// The metrics events were last rolled up for (a definition never changes once created), so
/// ingest need not decode them for every batch, and can fold a batch before it reaches the
/// writer; the writer checks the list in its transaction.
package final class RolledUpMetricsCache: Sendable {
    private let metrics = Mutex<[RatedMetric]?>(nil)

    package var last: [RatedMetric]? {
        get { metrics.withLock { $0 } }
        set { metrics.withLock { $0 = newValue } }
    }
}

// MARK: - Values as SQLite columns

extension Timestamp: DatabaseValueConvertible {
    /// Timestamps are stored as integer milliseconds since the epoch, so ranges compare fast.
    package var databaseValue: DatabaseValue { millisecondsSinceEpoch.databaseValue }

    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Timestamp? {
        Int64.fromDatabaseValue(dbValue).map(Timestamp.init(millisecondsSinceEpoch:))
    }
}

extension JSONValue: DatabaseValueConvertible {
    /// Free-form JSON is stored as its compact text.
    package var databaseValue: DatabaseValue { jsonText.databaseValue }

    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> JSONValue? {
        String.fromDatabaseValue(dbValue).flatMap { try? JSONValue(jsonText: $0) }
    }
}

/// An optional field of an update request: left as it is when the client omits it, or set
/// (to a value or to null) when the client sends it.
package enum FieldUpdate<Value: Sendable>: Sendable {
    case unchanged
    case set(Value?)

    /// The value after the update, given the current one.
    package func applied(to current: Value?) -> Value? {
        switch self {
        case .unchanged: current
        case .set(let value): value
        }
    }
}
