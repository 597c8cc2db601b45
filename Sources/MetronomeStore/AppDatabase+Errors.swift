import GRDB
import MetronomeBilling
import MetronomeCodecs

/// What a store method throws when a request cannot be carried out. The transaction was
/// rolled back, so nothing changed. The HTTP app turns each case into its status.
package enum StoreError: Error, Sendable, Equatable {
    /// The request contradicts the stored state or a rule of the resource (400).
    case invalid(String)
    /// An object the request names does not exist: its kind and id (404).
    case notFound(String, String)
    /// The request clashes with what exists: a uniqueness key, an ingest alias (409).
    case conflict(String)
    /// The store's file cannot be written: disk full, read-only, I/O error (503).
    case storageUnavailable(String)
    /// The stored state is not what the emulator wrote: a fault of the emulator (500).
    case corrupt(String)

    /// The store error for `error` when it is a failure of the store's file itself (disk full,
    /// file or folder made read-only, I/O error), or nil for any other error. Such a failure is
    /// no fault of the request nor a bug of the emulator.
    package static func storageFailure(_ error: any Error) -> StoreError? {
        guard let error = error as? DatabaseError else { return nil }
        let problem: String
        switch error.resultCode {
        case .SQLITE_FULL:
            problem = "the disk holding its database is full"
        case .SQLITE_READONLY:
            problem = "its database file is read-only"
        case .SQLITE_IOERR, .SQLITE_CANTOPEN:
            problem = "its database file cannot be read or written"
        default:
            return nil
        }
        let detail = error.message ?? "\(error.resultCode)"
        return .storageUnavailable("The emulator cannot save changes: \(problem) (SQLite: \(detail)). Nothing was changed.")
    }
}

extension StoreError: CustomStringConvertible {
    /// The message alone, as a startup error or a log line shows it.
    package var description: String {
        switch self {
        case .invalid(let message), .conflict(let message), .storageUnavailable(let message), .corrupt(let message): message
        case .notFound(let kind, let id): "\(kind) not found: \(id)"
        }
    }
}
