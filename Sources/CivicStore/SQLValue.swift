/// A value in the form an SQL engine keeps it in a column: what
/// `ColumnCodec` writes a `Value` as, and reads one back from. Each engine
/// turns it into its own bound argument (SQLite: `DatabaseValue`, with Bools
/// as 0 and 1; PostgreSQL: a `BOOLEAN` parameter).
public enum SQLValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case text(String)
    case bool(Bool)
}
