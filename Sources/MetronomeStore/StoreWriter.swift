import GRDB
import Synchronization

/// The store's one writer, with ingest's batches lined up in front of it.
///
/// In memory, every read and write runs on the writer's one connection, in the order it was
/// asked for. Batches sent at full rate would each take a place in that order, and a read would
/// wait behind every batch sent before it. So batches wait in `IngestLine` instead, which the
/// writer drains in one turn for as long as nothing else asks for it. Every other read and write
/// announces itself first, and the turn ends after the batch being stored, with the rest of the
/// line taken up again behind what asked.
///
/// Background work (settlement, alerts, deliveries) waits as it would behind the writer's queue:
/// its turn comes after at most `IngestLine.turnBeforeBackground` batches.
///
/// With a file, reads run beside the writer, so only writes announce themselves.
package struct StoreWriter: Sendable {
    /// Set for the background services' tasks.
    @TaskLocal package static var isBackground = false

    /// The connection (memory) or pool (file).
    let database: any DatabaseWriter
    let line: IngestLine
    private let readsShareTheWriter: Bool

    init(_ database: any DatabaseWriter) {
        self.database = database
        line = IngestLine(database)
        readsShareTheWriter = database is DatabaseQueue
    }

    package func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        guard readsShareTheWriter else { return try await database.read(value) }
        return try await announced { waiting in
            try await database.read { db in
                waiting.arrived()
                return try value(db)
            }
        }
    }

    package func read<T>(_ value: (Database) throws -> T) throws -> T {
        guard readsShareTheWriter else { return try database.read(value) }
        return try announced { waiting in
            try database.read { db in
                waiting.arrived()
                return try value(db)
            }
        }
    }

    package func unsafeRead<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        guard readsShareTheWriter else { return try await database.unsafeRead(value) }
        return try await announced { waiting in
            try await database.unsafeRead { db in
                waiting.arrived()
                return try value(db)
            }
        }
    }

    package func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await announced { waiting in
            try await database.write { db in
                waiting.arrived()
                return try updates(db)
            }
        }
    }

    package func write<T>(_ updates: (Database) throws -> T) throws -> T {
        try announced { waiting in
            try database.write { db in
                waiting.arrived()
                return try updates(db)
            }
        }
    }

    /// Copies the whole store into `copy`.
    package func backup(to copy: some DatabaseWriter) throws {
        try announced { _ in try database.backup(to: copy) }
    }

    /// Replaces the whole store with a copy of `source`, outside any transaction.
    package func restore(from source: some DatabaseReader) throws {
        try announced { _ in try source.backup(to: database) }
    }

    /// Runs `body` announced in the ingest line; `body` calls `arrived` once it has the writer,
    /// or the announcement ends with `body`.
    private func announced<T>(_ body: (IngestLine.Waiting) throws -> T) rethrows -> T {
        let waiting = line.announce(background: Self.isBackground)
        defer { waiting.arrived() }
        return try body(waiting)
    }

    private func announced<T>(_ body: (IngestLine.Waiting) async throws -> T) async rethrows -> T {
        let waiting = line.announce(background: Self.isBackground)
        defer { waiting.arrived() }
        return try await body(waiting)
    }

    package func add(transactionObserver: some TransactionObserver, extent: Database.TransactionObservationExtent) {
        database.add(transactionObserver: transactionObserver, extent: extent)
    }

    /// Runs `store` for a batch in the ingest line; `store` answers its caller itself.
    func enqueueIngest(_ store: @escaping @Sendable (Database) -> Void) {
        line.enqueue(store)
    }
}

/// Ingest's batches waiting for the writer, and how many other requests are waiting for it.
final class IngestLine: Sendable {
    private struct State {
        var batches: [@Sendable (Database) -> Void] = []
        var next = 0
        var draining = false
    }

    private let database: any DatabaseWriter
    private let state = Mutex(State())
    private let requestsWaiting = Atomic<Int>(0)
    private let backgroundWaiting = Atomic<Int>(0)
    /// How many batches a turn stores before background work that waits has its turn: about as
    /// many as a full-rate client keeps in flight, so it waits no longer than it would have.
    static let turnBeforeBackground = 32

    init(_ database: any DatabaseWriter) { self.database = database }

    func enqueue(_ store: @escaping @Sendable (Database) -> Void) {
        let startsTurn = state.withLock { state in
            state.batches.append(store)
            defer { state.draining = true }
            return !state.draining
        }
        if startsTurn { database.asyncWriteWithoutTransaction { db in self.drain(db) } }
    }

    /// Counts one more request waiting for the writer until `arrived` is called on what it returns.
    func announce(background: Bool) -> Waiting {
        if background { backgroundWaiting.add(1, ordering: .relaxed) } else { requestsWaiting.add(1, ordering: .relaxed) }
        return Waiting(line: self, background: background)
    }

    /// How many requests (or background tasks) have announced themselves and not yet arrived.
    func waiting(background: Bool) -> Int {
        background ? backgroundWaiting.load(ordering: .relaxed) : requestsWaiting.load(ordering: .relaxed)
    }

    private func drain(_ db: Database) {
        var stored = 0
        while let store = takeNext() {
            store(db)
            stored += 1
            if waiting(background: false) > 0 || (stored >= Self.turnBeforeBackground && waiting(background: true) > 0) {
                database.asyncWriteWithoutTransaction { db in self.drain(db) }
                return
            }
        }
    }

    /// The next batch, or nil once the line is empty (and the turn over).
    private func takeNext() -> (@Sendable (Database) -> Void)? {
        state.withLock { state in
            guard state.next < state.batches.count else {
                state.batches.removeAll(keepingCapacity: true)
                state.next = 0
                state.draining = false
                return nil
            }
            let store = state.batches[state.next]
            state.next += 1
            // A line that never empties under steady ingest must still let go of stored batches.
            if state.next >= 256 {
                state.batches.removeFirst(state.next)
                state.next = 0
            }
            return store
        }
    }

    /// A request that announced itself; `arrived` may be called more than once and counts once.
    final class Waiting: Sendable {
        private let line: IngestLine
        private let background: Bool
        private let done = Atomic<Bool>(false)

        fileprivate init(line: IngestLine, background: Bool) {
            self.line = line
            self.background = background
        }

        func arrived() {
            guard !done.exchange(true, ordering: .relaxed) else { return }
            if background {
                line.backgroundWaiting.subtract(1, ordering: .relaxed)
            } else {
                line.requestsWaiting.subtract(1, ordering: .relaxed)
            }
        }
    }
}
