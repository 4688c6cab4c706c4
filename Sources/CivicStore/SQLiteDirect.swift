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

    /// What binding one stored value did: bound it (SQLite's result code), or
    /// gathered a text's bytes into the buffer, to be bound once the buffer
    /// stops moving (its length).
    enum Bound {
        case code(Int32)
        case text(length: Int)
    }

    /// Binds a value as GRDB encodes it; a text is gathered instead.
    static func bind(_ storage: DatabaseValue.Storage, _ s: OpaquePointer, _ index: Int32, texts: inout [UInt8]) -> Bound {
        switch storage {
        case .null: return .code(sqlite3_bind_null(s, index))
        case .int64(let n): return .code(sqlite3_bind_int64(s, index, n))
        case .double(let d): return .code(sqlite3_bind_double(s, index, d))
        case .string(let text): return .text(length: gather(text, into: &texts))
        case .blob(let data):
            return .code(data.withUnsafeBytes { bytes in
                sqlite3_bind_blob(s, index, bytes.baseAddress, Int32(bytes.count), transient)
            })
        }
    }

    /// Appends a text's UTF-8 bytes to the buffer; gives how many.
    static func gather(_ text: String, into texts: inout [UInt8]) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            texts.append(contentsOf: bytes)
            return bytes.count
        }
    }

    /// Executes a statement that returns no rows; says how many rows it changed.
    @discardableResult
    static func execute(_ db: Database, _ sql: String, _ values: [DatabaseValue]) throws -> Int {
        try execute(db, try db.cachedStatement(sql: sql), values)
    }

    /// Executes a prepared statement that returns no rows (a batch prepares it once).
    @discardableResult
    static func execute(_ db: Database, _ statement: Statement, _ values: [DatabaseValue]) throws -> Int {
        let s = statement.sqliteStatement
        // (GRDB's `statement.sql` trims the text each time: asked only for an error.)
        return try withBindings(db, s, values, statement) { () throws -> Int in
            var code = sqlite3_step(s)
            while code == SQLITE_ROW { code = sqlite3_step(s) }
            guard code == SQLITE_DONE else { throw error(db, statement.sql) }
            return Int(sqlite3_changes(db.sqliteConnection))
        }
    }

    /// A value its column cannot keep, at this index of the row (nothing was executed).
    struct Unstorable: Error {
        var index: Int
    }

    /// Executes a prepared INSERT of one row given as values, each encoded as
    /// its column's codec does (`ColumnCodec.encode`) and bound as it is
    /// encoded; says how many rows it changed.
    ///
    /// What it buys: the rows of a run's books and events are bound with no
    /// `DatabaseValue` made for their numbers, texts, Bools and times, and no
    /// array of them (each row of a million-event run went through both).
    static func insert(_ db: Database, _ statement: Statement, _ row: [Value], _ codecs: [ColumnCodec]) throws -> Int {
        let s = statement.sqliteStatement
        var texts: [UInt8] = []
        texts.reserveCapacity(256)
        var hasTexts = false
        defer {
            sqlite3_reset(s)
            if hasTexts { sqlite3_clear_bindings(s) }
        }
        if Int(sqlite3_bind_parameter_count(s)) != row.count { sqlite3_clear_bindings(s) }
        return try withUnsafeTemporaryAllocation(of: Int.self, capacity: row.count) { lengths throws -> Int in
            // Everything but texts is bound here; each text's bytes are gathered, its length kept (-1: no text).
            for i in row.indices {
                lengths[i] = -1
                let index = Int32(i + 1)
                let code: Int32
                switch (codecs[i], row[i]) {
                case (_, .none):
                    code = sqlite3_bind_null(s, index)
                case (.number, .number(let n)):
                    guard let micro = ColumnCodec.micro(n) else { throw Unstorable(index: i) }
                    code = sqlite3_bind_int64(s, index, micro)
                case (.bool, .bool(let b)):
                    code = sqlite3_bind_int64(s, index, b ? 1 : 0)
                case (.text, .text(let text)):
                    lengths[i] = gather(text, into: &texts)
                    hasTexts = true
                    continue
                case (.time, .time(let t)):
                    lengths[i] = gather(StoredForms.text(t), into: &texts)
                    hasTexts = true
                    continue
                default:
                    guard let encoded = codecs[i].encode(row[i]) else { throw Unstorable(index: i) }
                    switch bind(encoded.storage, s, index, texts: &texts) {
                    case .code(let c):
                        code = c
                    case .text(let length):
                        lengths[i] = length
                        hasTexts = true
                        continue
                    }
                }
                guard code == SQLITE_OK else { throw error(db, statement.sql) }
            }
            return try texts.withUnsafeBufferPointer { buffer throws -> Int in
                try bindTexts(db, s, statement, buffer, lengths: UnsafeBufferPointer(lengths))
                var code = sqlite3_step(s)
                while code == SQLITE_ROW { code = sqlite3_step(s) }
                guard code == SQLITE_DONE else { throw error(db, statement.sql) }
                return Int(sqlite3_changes(db.sqliteConnection))
            }
        }
    }

    /// Binds the texts laid one after another in `buffer`, parameter `i + 1`
    /// taking the next `lengths[i]` bytes (none where it is -1), without
    /// SQLite copying them (SQLITE_STATIC): the buffer must outlive the
    /// statement's use of them (see `withBindings`).
    static func bindTexts(_ db: Database, _ s: OpaquePointer, _ statement: Statement, _ buffer: UnsafeBufferPointer<UInt8>,
                          lengths: UnsafeBufferPointer<Int>) throws {
        var offset = 0
        for (i, count) in lengths.enumerated() where count >= 0 {
            let index = Int32(i + 1)
            let code: Int32
            if count > 0, let base = buffer.baseAddress {
                let start = UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
                code = sqlite3_bind_text(s, index, start, Int32(count), nil)   // nil: SQLITE_STATIC
            } else {
                // An empty text has no bytes to point at: bind a literal "" (copied).
                code = sqlite3_bind_text(s, index, "", 0, transient)
            }
            offset += count
            guard code == SQLITE_OK else { throw error(db, statement.sql) }
        }
    }

    /// Executes a query, giving each row's first `columns` columns to `each`.
    static func rows(_ db: Database, _ sql: String, _ values: [DatabaseValue], columns: Int,
                     _ each: ([DatabaseValue]) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql)
        let s = statement.sqliteStatement
        try withBindings(db, s, values, statement) { () throws -> Void in
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
    }

    /// Binds `values` to the statement, runs `body` (which steps it), then
    /// resets the statement and lets go of the values.
    ///
    /// What it buys: texts are copied once, all into one buffer, and bound
    /// without SQLite copying each again (SQLITE_STATIC): binding a row's
    /// dozen texts cost more than a third of inserting it. The buffer lives
    /// until `body` has returned and the bindings are cleared, so SQLite never
    /// keeps a pointer into it.
    static func withBindings<T>(_ db: Database, _ s: OpaquePointer, _ values: [DatabaseValue], _ statement: Statement,
                                _ body: () throws -> T) throws -> T {
        var texts: [UInt8] = []
        texts.reserveCapacity(256)
        var hasTexts = false
        defer {
            sqlite3_reset(s)
            if hasTexts { sqlite3_clear_bindings(s) }
        }
        // Every parameter is bound below; others keep nothing from a former use.
        if Int(sqlite3_bind_parameter_count(s)) != values.count { sqlite3_clear_bindings(s) }
        return try withUnsafeTemporaryAllocation(of: Int.self, capacity: values.count) { lengths throws -> T in
            for (i, value) in values.enumerated() {
                lengths[i] = -1
                let index = Int32(i + 1)
                let code: Int32
                switch bind(value.storage, s, index, texts: &texts) {
                case .code(let c):
                    code = c
                case .text(let length):
                    // Bound below, once every text is in the buffer (which may move while it grows).
                    lengths[i] = length
                    hasTexts = true
                    continue
                }
                guard code == SQLITE_OK else { throw error(db, statement.sql) }
            }
            if !hasTexts { return try body() }
            return try texts.withUnsafeBufferPointer { buffer throws -> T in
                try bindTexts(db, s, statement, buffer, lengths: UnsafeBufferPointer(lengths))
                return try body()
            }
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
