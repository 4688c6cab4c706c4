import CivicSyntax

/// A `StoreQuery` in relational form, the same for every SQL engine: the
/// table it reads (as `t0`), the condition on its rows, its order and limit,
/// and the value an aggregate is computed over, with every walk along a
/// reference turned into a join on the referenced table (each read under an
/// alias of its own) and the meaning of none worked out. `QueryLowering`
/// makes it; `SQLStatement` writes it in one engine's dialect.
public struct QueryPlan: Sendable {
    /// The table the query reads, as `t0`.
    public let table: SQLTable
    /// The condition on its rows (none: every row).
    public let filter: PlanCondition?
    /// The order keys, the first the most significant.
    public let order: [PlanOrderKey]
    /// How many rows at most (never negative).
    public let limit: Int?
    /// The value a `sum`, `average`, `min` or `max` is computed over.
    public let aggregated: PlanValue?
}

/// A column of a table that a query reads under `alias`.
public struct PlanColumn: Sendable {
    public let alias: String
    public let table: SQLTable
    /// The field's index in the table's entity.
    public let field: Int

    /// How the column's values are kept.
    public var codec: ColumnCodec { table.codecs[field] }
    /// `alias."column"`.
    public var sql: String { "\(alias).\(table.columns[field])" }
}

/// A table joined along a reference, read under `alias` and matched by its key.
public struct PlanJoin: Sendable {
    public let table: SQLTable
    public let alias: String
    /// The index of the table's key field.
    public let key: Int

    /// `alias."key"`.
    public var keySQL: String { "\(alias).\(table.columns[key])" }
}

/// What a condition asks of the value in one column.
public enum PlanAtom: Sendable {
    case compare(StoreComparison, Value)
    /// `in` a list: the items.
    case values([Value])
    /// `in` a range of whole numbers, both ends included.
    case range(Int, Int)
    /// A Bool standing alone.
    case isTrue

    /// Whether the condition holds when the value is none.
    public var holdsForNone: Bool {
        switch self {
        case .compare(let op, let x): return StorePredicate.holds(.none, op, x)
        case .values(let items): return items.contains { $0.isNone }
        case .range, .isTrue: return false
        }
    }
}

/// A condition on the rows of a query: true exactly where MemoryStore's
/// `matches` is, and false or unknown (NULL) elsewhere.
public indirect enum PlanCondition: Sendable {
    case constant(Bool)
    case and(PlanCondition, PlanCondition)
    case or(PlanCondition, PlanCondition)
    /// True where the condition is false or unknown.
    case not(PlanCondition)
    /// A condition on one column.
    case test(PlanColumn, PlanAtom)
    /// The column (a reference) names a row of the joined table for which the
    /// condition holds; with `orNoRow`, also where it names no row (the table
    /// then read again under that alias to see so).
    case through(PlanColumn, PlanJoin, PlanCondition, orNoRow: String?)
}

/// The value at a path: a column, or a column of a row referred to (none
/// where the reference is none or names no row).
public indirect enum PlanValue: Sendable {
    /// None in every row.
    case none
    case column(PlanColumn)
    case through(PlanColumn, PlanJoin, PlanValue)

    /// How the value is read; nil when it is none in every row.
    public var codec: ColumnCodec? {
        switch self {
        case .none: return nil
        case .column(let c): return c.codec
        case .through(_, _, let inner): return inner.codec
        }
    }
}

/// One `order by` key.
public struct PlanOrderKey: Sendable {
    public let value: PlanValue
    public let descending: Bool
}
