import CivicSyntax
import GRDB

// How `SQLiteStore` keeps the column forms of `ColumnCodec` in SQLite: in
// STRICT tables, Bools as the INTEGER 0 or 1, the rest as `SQLValue` says.

extension ColumnCodec {
    /// The column type in a STRICT table.
    var sqliteType: String {
        switch self {
        case .number, .bool: return "INTEGER"
        case .text, .date, .time, .duration, .list: return "TEXT"
        case .reference(_, let key): return key.sqliteType
        case .unresolvedReference: return "ANY"
        }
    }

    /// How values of this column are compared in SQL.
    var comparison: SQLiteComparison {
        switch self {
        case .number, .bool: return .integer
        case .text: return .collatedText
        case .date, .time, .duration: return .plainText
        case .list: return .list
        case .reference(_, let key): return key.comparison
        case .unresolvedReference: return .integer
        }
    }

    /// The value as SQLite stores it in this column (see `cell`).
    func encode(_ value: Value) -> DatabaseValue? {
        cell(value)?.databaseValue
    }

    /// The value a key lookup finds (see `lookupCell`).
    func encodeLookup(_ value: Value) -> DatabaseValue? {
        lookupCell(value)?.databaseValue
    }

    /// The value a stored column holds.
    func decode(_ stored: DatabaseValue) throws(Unreadable) -> Value {
        switch stored.storage {
        case .null: return .none
        case .int64(let i): return try value(.integer(i))
        case .string(let s): return try value(.text(s))
        case .double, .blob: throw Unreadable()
        }
    }
}

extension SQLValue {
    /// The value as SQLite binds it: a Bool as the INTEGER 0 or 1.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let i): return i.databaseValue
        case .text(let s): return s.databaseValue
        case .bool(let b): return Int64(b ? 1 : 0).databaseValue
        }
    }
}

/// How SQL compares the values of a column.
enum SQLiteComparison {
    /// INTEGER: Numbers in millionths, Bools.
    case integer
    /// TEXT compared with the `civic_text` collation (Swift's String order and equality).
    case collatedText
    /// TEXT whose bytes compare exactly: dates, times, durations.
    case plainText
    /// TEXT holding a JSON list, compared with `civic_list_eq`.
    case list
}

// MARK: - Registered SQL functions

enum SQLiteFunctions {
    /// Text comparison with the language's meaning (Swift's `<` and `==` on
    /// Strings: canonically equivalent texts are equal).
    static let textCollation = DatabaseCollation("civic_text") { a, b in
        a < b ? .orderedAscending : (a == b ? .orderedSame : .orderedDescending)
    }

    /// `civic_list_eq(a, b)`: 1 when two JSON lists of one column hold equal
    /// items (texts equal as the language says), else 0; 0 for NULL.
    static let listEqual = DatabaseFunction("civic_list_eq", argumentCount: 2, pure: true) { args in
        guard args.count == 2,
              case .string(let a) = args[0].storage, case .string(let b) = args[1].storage,
              let x = StoredJSON.parse(a), let y = StoredJSON.parse(b) else { return Int64(0) }
        return Int64(StoredJSON.sameItems(x, y) ? 1 : 0)
    }

    /// `civic_duration_order(a, b)`: -1, 0 or 1 as duration `a` is below,
    /// equal to or above `b`; NULL when they cannot be ordered (1 month
    /// against 30 days) or one is NULL.
    static let durationOrder = DatabaseFunction("civic_duration_order", argumentCount: 2, pure: true) { args in
        guard args.count == 2,
              case .string(let a) = args[0].storage, case .string(let b) = args[1].storage,
              let x = StoredForms.duration(a), let y = StoredForms.duration(b),
              let o = try? CivicDuration.compare(x, y) else { return nil }
        return Int64(o)
    }
}
