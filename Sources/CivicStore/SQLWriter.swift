import CivicSyntax

/// Writes the parts of a `QueryPlan` as SQL in one engine's dialect,
/// collecting the values it binds: every value is a bound parameter, every
/// name a quoted identifier.
public struct SQLWriter<Dialect: SQLDialect> {
    /// The values bound so far, in the order of their placeholders.
    public private(set) var arguments: [Dialect.Argument] = []

    /// A writer that has bound nothing yet.
    public init() {}

    /// Binds a value and gives its placeholder (numbered, so the text may
    /// place it anywhere).
    public mutating func bind(_ value: Dialect.Argument) -> String {
        arguments.append(value)
        return Dialect.placeholder(arguments.count)
    }

    /// Binds a whole number and gives its placeholder.
    public mutating func bind(_ value: Int64) -> String { bind(Dialect.argument(value)) }

    // MARK: Conditions

    /// The SQL of a condition.
    public mutating func condition(_ c: PlanCondition) -> String {
        switch c {
        case .constant(let b):
            return b ? Dialect.trueSQL : Dialect.falseSQL
        case .and(let a, let b):
            let x = condition(a)
            return "(\(x) AND \(condition(b)))"
        case .or(let a, let b):
            let x = condition(a)
            return "(\(x) OR \(condition(b)))"
        case .not(let a):
            // A NULL (unknown) condition is false, so its negation is true.
            return "NOT COALESCE(\(condition(a)), \(Dialect.falseSQL))"
        case .test(let column, let atom):
            return test(column.sql, column.codec, column.table.entity.fields[column.field], atom)
        case .through(let column, let join, let inner, let orNoRow):
            let t = join.table
            var sql = "\(column.sql) IN (SELECT \(join.keySQL) FROM \(t.table) AS \(join.alias) WHERE \(condition(inner)))"
            if let other = orNoRow {
                sql = "(\(sql) OR NOT EXISTS (SELECT 1 FROM \(t.table) AS \(other) WHERE \(other).\(t.columns[join.key]) = \(column.sql)))"
            }
            return sql
        }
    }

    /// The condition on one column.
    mutating func test(_ column: String, _ codec: ColumnCodec, _ field: StoredField, _ atom: PlanAtom) -> String {
        switch atom {
        case .isTrue:
            if case .bool = codec { return "\(column) = \(Dialect.trueSQL)" }
            return Dialect.falseSQL
        case .compare(.equal, let x):
            if x.isNone { return "\(column) IS NULL" }
            guard let e = Dialect.operand(x, codec, field) else { return Dialect.falseSQL }
            return Dialect.equality(column, codec, e, &self)
        case .compare(.notEqual, let x):
            if x.isNone { return "\(column) IS NOT NULL" }
            guard let e = Dialect.operand(x, codec, field) else { return Dialect.trueSQL }
            return "(\(column) IS NULL OR NOT \(Dialect.equality(column, codec, e, &self)))"
        case .compare(let op, let x):
            return ordering(column, codec, field, op, x)
        case .values(let items):
            return Dialect.membership(column, codec, field, items, &self)
        case .range(let lo, let hi):
            guard case .number = codec, lo <= hi else { return Dialect.falseSQL }
            let scale = Int128(1_000_000)
            let low = Int64(clamping: Int128(lo) * scale)
            let high = Int64(clamping: Int128(hi) * scale)
            return "(\(column) % 1000000 = 0 AND \(column) BETWEEN \(bind(low)) AND \(bind(high)))"
        }
    }

    static func sqlOperator(_ op: StoreComparison) -> String {
        switch op {
        case .equal: return "="
        case .notEqual: return "<>"
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        }
    }

    /// `<`, `<=`, `>`, `>=`: false when either side is none, or the values
    /// cannot be ordered (other types, lists, references, 1 month and 30 days).
    mutating func ordering(_ column: String, _ codec: ColumnCodec, _ field: StoredField, _ op: StoreComparison, _ x: Value) -> String {
        let sqlOp = SQLWriter.sqlOperator(op)
        switch (codec, x) {
        case (.number, .number(let n)):
            // Stored numbers are whole millionths: compare with the bound
            // rounded the right way, so that 0.0000015 is handled exactly.
            let bound: Int64
            if n.magnitude >= RowCheck.maxMagnitude {
                bound = n.isNegative ? Int64.min : Int64.max
            } else {
                let rule: RoundingRule = (op == .less || op == .greaterEqual) ? .ceiling : .floor
                bound = ColumnCodec.microClamped((try? n.rounded(places: RowCheck.maxDecimals, rule: rule)) ?? n)
            }
            return "\(column) \(sqlOp) \(bind(bound))"
        case (.text, .text), (.date, .date), (.time, .time), (.bool, .bool):
            guard let e = Dialect.operand(x, codec, field) else { return Dialect.falseSQL }
            let collate: String
            if case .text = codec { collate = Dialect.textOrder } else { collate = "" }
            return "\(column)\(collate) \(sqlOp) \(bind(e))"
        case (.duration, .duration(let d)):
            return Dialect.durationOrdering(column, sqlOp, d, &self)
        default:
            return Dialect.falseSQL
        }
    }

    // MARK: Values

    /// The SQL of a value: a column, or a scalar subquery through references
    /// (NULL where a reference is none or names no row).
    public func value(_ v: PlanValue) -> String {
        switch v {
        case .none:
            return "NULL"
        case .column(let c):
            return c.sql
        case .through(let column, let join, let inner):
            return "(SELECT \(value(inner)) FROM \(join.table.table) AS \(join.alias) WHERE \(join.keySQL) = \(column.sql))"
        }
    }

    /// The ORDER BY terms of an order, none last in both directions and ties
    /// in the order rows were added; nil when the order cannot be written in
    /// SQL (Durations, which are only partly ordered) and must be computed
    /// as MemoryStore does.
    public func orderTerms(_ order: [PlanOrderKey]) -> [String]? {
        var terms: [String] = []
        for key in order {
            guard let codec = key.value.codec else { continue }
            let sql = value(key.value)
            switch codec {
            case .number, .bool, .date, .time, .text:
                terms.append(Dialect.orderTerm(sql, codec, descending: key.descending))
            case .duration:
                return nil
            case .reference, .unresolvedReference, .list:
                // Never ordered against each other: only none goes last.
                terms.append("\(sql) IS NULL")
            }
        }
        terms.append("t0.\(SQLName.quotedRowColumn)")
        return terms
    }
}
