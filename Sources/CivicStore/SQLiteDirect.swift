import Foundation
import GRDB
import GRDBSQLite

/// Runs GRDB's prepared (and cached) statements with the values bound and
/// the rows read straight through SQLite's C interface.
///
/// What it buys: GRDB's `StatementArguments` and `Row` are general (named
/// arguments, any convertible type, observation of changes) and cost several
/// times more than the statement itself on the hot paths of a run, where the
/// store executes hundreds of thousands of small INSERTs and point SELECTs
/// (see docs/performance.md). The store uses no GRDB feature that binding
/// this way bypasses: it observes no transactions, and only data statements
/// (never schema changes) go through here.
enum SQLiteDirect {
    /// SQLite copies bound texts (`SQLITE_TRANSIENT`, a macro Swift cannot import).
    nonisolated(unsafe) static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Executes a statement that returns no rows; says how many rows it changed.
    @discardableResult
    static func execute(_ db: Database, _ sql: String, _ values: [DatabaseValue]) throws -> Int {
        try execute(db, try db.cachedStatement(sql: sql), values)
    }

    /// Executes a prepared statement that returns no rows (a batch prepares it once).
    @discardableResult
    static func execute(_ db: Database, _ statement: Statement, _ values: [DatabaseValue]) throws -> Int {
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        // (GRDB's `statement.sql` trims the text each time: asked only for an error.)
        try bind(db, s, values, statement)
        var code = sqlite3_step(s)
        while code == SQLITE_ROW { code = sqlite3_step(s) }
        guard code == SQLITE_DONE else { throw error(db, statement.sql) }
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    /// Executes a query, giving each row's first `columns` columns to `each`.
    static func rows(_ db: Database, _ sql: String, _ values: [DatabaseValue], columns: Int,
                     _ each: ([DatabaseValue]) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql)
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        try bind(db, s, values, statement)
        let count = min(columns, Int(sqlite3_column_count(s)))
        var row: [DatabaseValue] = []
        row.reserveCapacity(count)
        while true {
            let code = sqlite3_step(s)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(db, sql) }
            row.removeAll(keepingCapacity: true)
            for i in 0..<Int32(count) { row.append(column(s, i)) }
            try each(row)
        }
    }

    static func bind(_ db: Database, _ s: OpaquePointer, _ values: [DatabaseValue], _ statement: Statement) throws {
        // Every parameter is bound below; others keep nothing from a former use.
        if Int(sqlite3_bind_parameter_count(s)) != values.count { sqlite3_clear_bindings(s) }
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let code: Int32
            switch value.storage {
            case .null:
                code = sqlite3_bind_null(s, index)
            case .int64(let n):
                code = sqlite3_bind_int64(s, index, n)
            case .double(let d):
                code = sqlite3_bind_double(s, index, d)
            case .string(let text):
                var text = text
                code = text.withUTF8 { bytes in
                    // An empty text has no bytes to point at: bind a literal "".
                    guard let base = bytes.baseAddress, bytes.count > 0 else { return sqlite3_bind_text(s, index, "", 0, transient) }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(s, index, $0, Int32(bytes.count), transient)
                    }
                }
            case .blob(let data):
                code = data.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(s, index, bytes.baseAddress, Int32(bytes.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw error(db, statement.sql) }
        }
    }

    static func column(_ s: OpaquePointer, _ i: Int32) -> DatabaseValue {
        switch sqlite3_column_type(s, i) {
        case SQLITE_INTEGER:
            return sqlite3_column_int64(s, i).databaseValue
        case SQLITE_FLOAT:
            return sqlite3_column_double(s, i).databaseValue
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(s, i) else { return "".databaseValue }
            let n = Int(sqlite3_column_bytes(s, i))
            return String(decoding: UnsafeBufferPointer(start: text, count: n), as: UTF8.self).databaseValue
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(s, i))
            guard let bytes = sqlite3_column_blob(s, i), n > 0 else { return DatabaseValue.null }
            return Data(bytes: bytes, count: n).databaseValue
        default:
            return .null
        }
    }

    static func error(_ db: Database, _ sql: String) -> DatabaseError {
        let connection = db.sqliteConnection
        let code = sqlite3_extended_errcode(connection)
        let message = sqlite3_errmsg(connection).map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}
