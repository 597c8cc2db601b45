import GRDB
import GRDBSQLite

/// Binding values straight to SQLite, for the statements ingest runs per event: GRDB's
/// `StatementArguments` boxes each value in an existential, which cost more than running the
/// statement.
extension Statement {
    /// Runs the statement with the values `bindValues` binds with the methods below.
    func execute(binding bindValues: () throws -> Void) throws {
        // No arguments for GRDB to check or bind: the statement's own bindings stay in place.
        setUncheckedArguments([])
        try bindValues()
        try execute()
    }

    /// Binds `value` to parameter `index` (1-based), every byte of it: text may hold NULs.
    func bind(_ value: String, at index: Int32) throws {
        try check(sqlite3_bind_text64(sqliteStatement, index, value, UInt64(value.utf8.count), Self.transient, UInt8(SQLITE_UTF8)))
    }

    func bind(_ value: Int64, at index: Int32) throws {
        try check(sqlite3_bind_int64(sqliteStatement, index, value))
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), sql: sql) }
    }

    /// SQLite copies the bound text, which only lives for the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
