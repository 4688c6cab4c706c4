/// A `QueryPlan` being written as one statement in an engine's dialect: its
/// FROM and WHERE are written (and their values bound) once, and the
/// statements that read rows or compute over them are built on them.
public struct SQLStatement<Dialect: SQLDialect> {
    /// The plan the statement is written from.
    public let plan: QueryPlan
    /// The writer, which holds the values bound so far.
    public var writer: SQLWriter<Dialect>
    /// `FROM "E" AS t0 WHERE ...`.
    public let from: String
    /// The SQL of each order key.
    public let order: [String]
    /// The ORDER BY terms; nil when the order is computed in Swift (a Duration key).
    public let terms: [String]?

    /// Writes the plan's FROM, WHERE and order.
    public init(_ plan: QueryPlan) {
        self.plan = plan
        var w = SQLWriter<Dialect>()
        var filter = ""
        if let c = plan.filter { filter = " WHERE " + w.condition(c) }
        from = "FROM \(plan.table.table) AS t0\(filter)"
        order = plan.order.map { w.value($0.value) }
        terms = w.orderTerms(plan.order)
        writer = w
    }

    /// The arguments bound so far.
    public var arguments: [Dialect.Argument] { writer.arguments }

    /// ` LIMIT ?` for the plan's limit, or "".
    public mutating func limitClause() -> String {
        guard let limit = plan.limit else { return "" }
        return " LIMIT \(writer.bind(Int64(limit)))"
    }

    /// `t0."column"` for every field of the table, with its codec.
    public var rowColumns: [(sql: String, codec: ColumnCodec?)] {
        let t = plan.table
        return t.columns.indices.map { (sql: "t0.\(t.columns[$0])", codec: Optional(t.codecs[$0])) }
    }

    /// The value the plan's aggregate is computed over, with its codec.
    public var aggregatedColumn: (sql: String, codec: ColumnCodec?) {
        let value = plan.aggregated ?? .none
        return (writer.value(value), value.codec)
    }

    /// The SELECT of `columns` for the rows the plan selects, and the codecs
    /// of what it reads. When the order is computed in Swift, the statement
    /// reads every row, in the order rows were added, with its order keys
    /// after the columns: give the rows to `ordered`.
    public mutating func select(_ columns: [(sql: String, codec: ColumnCodec?)]) -> (sql: String, codecs: [ColumnCodec?]) {
        var list = columns.map { $0.codec == nil ? "NULL" : $0.sql }
        if list.isEmpty { list = ["1"] }
        if let terms {
            let sql = "SELECT \(list.joined(separator: ", ")) \(from) ORDER BY \(terms.joined(separator: ", "))" + limitClause()
            return (sql, columns.map(\.codec))
        }
        let sql = "SELECT \((list + order).joined(separator: ", ")) \(from) ORDER BY t0.\(SQLName.quotedRowColumn)"
        return (sql, columns.map(\.codec) + plan.order.map(\.value.codec))
    }

    /// The rows a `select` of `count` columns read, in the plan's order and
    /// within its limit: sorted here as MemoryStore sorts when the order is
    /// not written in SQL, and as they are when it is.
    public func ordered(_ rows: [[Value]], columns count: Int) -> [[Value]] {
        guard terms == nil else { return rows }
        let keys = rows.map { Array($0[count...]) }
        var out = StoreOrder.positions(keys, descending: plan.order.map(\.descending)).map { Array(rows[$0][..<count]) }
        if let limit = plan.limit, limit < out.count { out.removeSubrange(limit...) }
        return out
    }

    /// `SELECT COUNT(*)` of the rows the plan selects.
    public mutating func countSQL() -> String {
        guard plan.limit != nil else { return "SELECT COUNT(*) \(from)" }
        return "SELECT COUNT(*) FROM (SELECT 1 \(from)\(limitClause())) AS counted"
    }

    /// `SELECT EXISTS (...)` of the rows the plan selects.
    public mutating func existsSQL() -> String {
        "SELECT EXISTS (SELECT 1 \(from)\(limitClause()))"
    }

    /// The source of an aggregate over one value: the table itself, or the
    /// rows the limit keeps (in the plan's order); `column` is the value and
    /// `row` the row's `civic_row`.
    public mutating func source(_ sql: String) -> (from: String, column: String, row: String) {
        let row = "t0.\(SQLName.quotedRowColumn)"
        guard plan.limit != nil, let terms else { return (from, sql, row) }
        let inner = "SELECT \(sql) AS v, \(row) AS r \(from) ORDER BY \(terms.joined(separator: ", "))\(limitClause())"
        return ("FROM (\(inner)) AS limited", "v", "r")
    }
}
