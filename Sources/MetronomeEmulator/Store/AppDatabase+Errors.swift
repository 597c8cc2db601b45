import GRDB

extension AppDatabase {
    /// The API error for a failure of the store's file itself (disk full, file or folder made
    /// read-only, I/O error), or nil for any other error. Such a failure is no fault of the
    /// request nor a bug of the emulator, so it is a 503 that says what is wrong with the
    /// storage; the transaction was rolled back, so nothing changed.
    static func apiError(forStorageFailure error: any Error) -> APIError? {
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
