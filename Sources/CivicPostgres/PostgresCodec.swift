import CivicStore
import CivicSyntax
import PostgresNIO

// How `PostgresStore` keeps the column forms of `ColumnCodec` (the same as
// SQLite's, docs/scaling.md) in PostgreSQL: texts in `TEXT COLLATE "C"`,
// composed (NFC), so that byte order is the language's order; Bools as
// `BOOLEAN`; a text holding a NUL character cannot be kept.
extension ColumnCodec {
    /// The column's type.
    var postgresType: String {
        switch self {
        case .number: return "BIGINT"
        case .bool: return "BOOLEAN"
        case .text, .date, .time, .duration, .list, .unresolvedReference: return "TEXT COLLATE \"C\""
        case .reference(_, let key): return key.postgresType
        }
    }

    /// The value as stored in this column, or nil when no stored value of
    /// this column can equal it (see `cell`; also a text with a NUL character).
    func parameter(_ value: Value) -> PostgresParameter? {
        cell(value).flatMap(postgres)
    }

    /// The value a key lookup finds (see `lookupCell`).
    func lookupParameter(_ value: Value) -> PostgresParameter? {
        lookupCell(value).flatMap(postgres)
    }

    /// A stored form as PostgreSQL keeps it: texts composed, none with a NUL.
    func postgres(_ cell: SQLValue) -> PostgresParameter? {
        switch cell {
        case .null: return .null
        case .integer(let i): return .integer(i)
        case .bool(let b): return .bool(b)
        case .text(let s):
            if s.unicodeScalars.contains("\0") { return nil }
            if case .text = resolved { return .text(RowCheck.normalized(s)) }
            return .text(s)
        }
    }

    /// The value a cell holds.
    func decode(_ cell: PostgresCell) throws(Unreadable) -> Value {
        if cell.bytes == nil { return .none }
        let stored: SQLValue
        switch resolved {
        case .number:
            guard let i = try? cell.decode(Int64.self) else { throw Unreadable() }
            stored = .integer(i)
        case .bool:
            guard let b = try? cell.decode(Bool.self) else { throw Unreadable() }
            stored = .bool(b)
        case .unresolvedReference:
            throw Unreadable()
        case .text, .date, .time, .duration, .list, .reference:
            guard let s = try? cell.decode(String.self) else { throw Unreadable() }
            stored = .text(s)
        }
        return try value(stored)
    }
}
