import CivicStore
import CivicSyntax

// How `PostgresStore` turns a `StoreQuery` into one parameterized SELECT with
// exactly the meaning `MemoryStore` gives it (see `StorePredicate.holds`):
// every value is a bound parameter, every name a quoted identifier.

/// One `order by` key: the SQL of its value and how to read it.
struct PostgresOrderKey {
    var sql: String
    /// nil when the value is none for every row.
    var codec: PostgresCodec?
    var descending: Bool
}

/// Builds the SQL of one statement, collecting its arguments.
struct PostgresQueryBuilder {
    let tables: [String: PostgresTable]
    let parameters: [Value]
    private(set) var arguments: [PostgresParameter] = []
    private var aliasCount = 0

    init(tables: [String: PostgresTable], parameters: [Value]) {
        self.tables = tables
        self.parameters = parameters
    }

    /// Binds a value and gives its placeholder.
    mutating func bind(_ value: PostgresParameter) -> String {
        arguments.append(value)
        return "$\(arguments.count)"
    }

    mutating func bind(_ value: Int64) -> String { bind(.integer(value)) }

    mutating func newAlias() -> String {
        aliasCount += 1
        return "t\(aliasCount)"
    }

    // MARK: Predicates

    /// What a predicate asks of the value at its path.
    enum Atom {
        case compare(StoreComparison, Value)
        case values([Value])
        /// `in` a range of whole numbers, both ends included.
        case range(Int, Int)
        case isTrue

        /// Whether the predicate holds when the value is none.
        var holdsForNone: Bool {
            switch self {
            case .compare(let op, let x): return StorePredicate.holds(.none, op, x)
            case .values(let items): return items.contains { $0.isNone }
            case .range, .isTrue: return false
            }
        }
    }

    /// The SQL condition of a predicate on rows of `table` named `alias`:
    /// true exactly where MemoryStore's `matches` is, NULL or false elsewhere.
    mutating func predicate(_ p: StorePredicate, _ table: PostgresTable, _ alias: String) throws(StoreError) -> String {
        switch p {
        case .constant(let b):
            return b ? "TRUE" : "FALSE"
        case .and(let a, let b):
            let x = try predicate(a, table, alias)
            let y = try predicate(b, table, alias)
            return "(\(x) AND \(y))"
        case .or(let a, let b):
            let x = try predicate(a, table, alias)
            let y = try predicate(b, table, alias)
            return "(\(x) OR \(y))"
        case .not(let a):
            // A NULL (unknown) condition is false, so its negation is true.
            return "NOT COALESCE(\(try predicate(a, table, alias)), FALSE)"
        case .isTrue(let path):
            return try pathAtom(path.steps[...], table, alias, .isTrue)
        case .compare(let path, let op, .parameter(let i)):
            guard i >= 0, i < parameters.count else {
                _ = try pathAtom(path.steps[...], table, alias, .isTrue)
                return "FALSE"
            }
            return try pathAtom(path.steps[...], table, alias, .compare(op, parameters[i]))
        case .isIn(let path, .parameter(let i)):
            let atom: Atom
            if i >= 0, i < parameters.count, case .range(let lo, let hi) = parameters[i] {
                atom = .range(lo, hi)
            } else if i >= 0, i < parameters.count, case .list(let items) = parameters[i] {
                atom = .values(items)
            } else {
                _ = try pathAtom(path.steps[...], table, alias, .isTrue)
                return "FALSE"
            }
            return try pathAtom(path.steps[...], table, alias, atom)
        }
    }

    /// The condition on the value at a path. A path through a reference
    /// becomes a subquery on the referenced table; where the reference is
    /// none (or names no row) the value is none.
    mutating func pathAtom(_ steps: ArraySlice<String>, _ table: PostgresTable, _ alias: String, _ atom: Atom) throws(StoreError) -> String {
        guard let step = steps.first else { return atom.holdsForNone ? "TRUE" : "FALSE" }
        guard let i = table.entity.index(of: step) else {
            throw StoreError("\(table.entity.name) has no field '\(step)'")
        }
        let column = "\(alias).\(table.columns[i])"
        if steps.count == 1 { return columnAtom(column, table.codecs[i], table.entity.fields[i], atom) }
        guard case .reference(let name, _) = table.codecs[i], let target = tables[name], let k = target.keyIndex else {
            return atom.holdsForNone ? "TRUE" : "FALSE"
        }
        let inner = newAlias()
        let condition = try pathAtom(steps.dropFirst(), target, inner, atom)
        var sql = "\(column) IN (SELECT \(inner).\(target.columns[k]) FROM \(target.table) AS \(inner) WHERE \(condition))"
        if atom.holdsForNone {
            let other = newAlias()
            sql = "(\(sql) OR NOT EXISTS (SELECT 1 FROM \(target.table) AS \(other) WHERE \(other).\(target.columns[k]) = \(column)))"
        }
        return sql
    }

    /// A value given to compare with a column, in the form the column stores
    /// (texts composed, a row standing for its key), or nil if no stored value can equal it.
    func operand(_ x: Value, _ codec: PostgresCodec, _ field: StoredField) -> PostgresParameter? {
        if case .list = codec, let stored = try? RowCheck.stored(x, for: field, of: "") { return codec.encode(stored) }
        return codec.encode(x)
    }

    /// The condition on one column.
    mutating func columnAtom(_ column: String, _ codec: PostgresCodec, _ field: StoredField, _ atom: Atom) -> String {
        switch atom {
        case .isTrue:
            if case .bool = codec { return "\(column) = TRUE" }
            return "FALSE"
        case .compare(.equal, let x):
            if x.isNone { return "\(column) IS NULL" }
            guard let e = operand(x, codec, field) else { return "FALSE" }
            return "\(column) = \(bind(e))"
        case .compare(.notEqual, let x):
            if x.isNone { return "\(column) IS NOT NULL" }
            guard let e = operand(x, codec, field) else { return "TRUE" }
            return "(\(column) IS NULL OR \(column) <> \(bind(e)))"
        case .compare(let op, let x):
            return ordering(column, codec, op, x)
        case .values(let items):
            return membership(column, codec, field, items)
        case .range(let lo, let hi):
            guard case .number = codec, lo <= hi else { return "FALSE" }
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
    mutating func ordering(_ column: String, _ codec: PostgresCodec, _ op: StoreComparison, _ x: Value) -> String {
        let sqlOp = PostgresQueryBuilder.sqlOperator(op)
        switch (codec, x) {
        case (.number, .number(let n)):
            // Stored numbers are whole millionths: compare with the bound
            // rounded the right way, so that 0.0000015 is handled exactly.
            let bound: Int64
            if n.magnitude >= RowCheck.maxMagnitude {
                bound = n.isNegative ? Int64.min : Int64.max
            } else {
                let rule: RoundingRule = (op == .less || op == .greaterEqual) ? .ceiling : .floor
                bound = PostgresCodec.microClamped((try? n.rounded(places: RowCheck.maxDecimals, rule: rule)) ?? n)
            }
            return "\(column) \(sqlOp) \(bind(bound))"
        case (.text, .text), (.date, .date), (.time, .time), (.bool, .bool):
            guard let e = codec.encode(x) else { return "FALSE" }
            return "\(column) \(sqlOp) \(bind(e))"
        case (.duration, .duration(let d)):
            // Ordered as the language orders them: by seconds when the months
            // are equal, by months when the seconds are; otherwise not at all.
            let months = "split_part(\(column), ':', 1)::bigint", seconds = "split_part(\(column), ':', 2)::bigint"
            let m = bind(Int64(d.months)), s = bind(Int64(d.seconds))
            return "((\(months) = \(m) AND \(seconds) \(sqlOp) \(s)) OR (\(seconds) = \(s) AND \(months) \(sqlOp) \(m)))"
        default:
            return "FALSE"
        }
    }

    /// `field in LIST`: equal to one of the items (a none item matches none).
    mutating func membership(_ column: String, _ codec: PostgresCodec, _ field: StoredField, _ items: [Value]) -> String {
        var matchesNone = false
        var integers: [Int64] = [], texts: [String] = [], bools: [Bool] = []
        for item in items {
            if item.isNone { matchesNone = true; continue }
            switch operand(item, codec, field) {
            case .integer(let i)?: integers.append(i)
            case .text(let s)?: texts.append(s)
            case .bool(let b)?: bools.append(b)
            default: break
            }
        }
        var parts: [String] = []
        if matchesNone { parts.append("\(column) IS NULL") }
        if !integers.isEmpty { parts.append("\(column) = ANY(\(bind(.integers(integers))))") }
        if !texts.isEmpty { parts.append("\(column) = ANY(\(bind(.texts(texts))))") }
        for b in Set(bools).sorted(by: { !$0 && $1 }) { parts.append("\(column) = \(b ? "TRUE" : "FALSE")") }
        if parts.isEmpty { return "FALSE" }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " OR ") + ")"
    }

    // MARK: Values at paths

    /// The SQL of the value at a path (a column, or a scalar subquery through
    /// references: NULL where a reference is none), and how to read it.
    mutating func value(_ path: FieldPath, _ table: PostgresTable, _ alias: String) throws(StoreError) -> (sql: String, codec: PostgresCodec?) {
        try value(path.steps[...], table, alias)
    }

    mutating func value(_ steps: ArraySlice<String>, _ table: PostgresTable, _ alias: String) throws(StoreError) -> (sql: String, codec: PostgresCodec?) {
        guard let step = steps.first else { return ("NULL", nil) }
        guard let i = table.entity.index(of: step) else {
            throw StoreError("\(table.entity.name) has no field '\(step)'")
        }
        let column = "\(alias).\(table.columns[i])"
        if steps.count == 1 { return (column, table.codecs[i]) }
        guard case .reference(let name, _) = table.codecs[i], let target = tables[name], let k = target.keyIndex else {
            return ("NULL", nil)
        }
        let inner = newAlias()
        let (sql, codec) = try value(steps.dropFirst(), target, inner)
        guard codec != nil else { return ("NULL", nil) }
        return ("(SELECT \(sql) FROM \(target.table) AS \(inner) WHERE \(inner).\(target.columns[k]) = \(column))", codec)
    }

    // MARK: Order

    mutating func orderValues(_ order: [StoreOrderKey], _ table: PostgresTable, _ alias: String) throws(StoreError) -> [PostgresOrderKey] {
        var out: [PostgresOrderKey] = []
        for key in order {
            let (sql, codec) = try value(key.path, table, alias)
            out.append(PostgresOrderKey(sql: sql, codec: codec, descending: key.descending))
        }
        return out
    }

    /// The ORDER BY terms for the keys, none last in both directions and
    /// ties in the order rows were added; nil when the order cannot be
    /// written in SQL (Durations, which are only partly ordered).
    static func orderTerms(_ keys: [PostgresOrderKey], _ alias: String) -> [String]? {
        var terms: [String] = []
        for key in keys {
            guard let codec = key.codec else { continue }
            let direction = key.descending ? " DESC" : ""
            switch codec.resolved {
            case .number, .bool, .date, .time, .text:
                if case .reference = codec {
                    // References are never ordered against each other: only none goes last.
                    terms.append("(\(key.sql)) IS NULL")
                } else {
                    terms.append("(\(key.sql)) IS NULL")
                    terms.append(key.sql + direction)
                }
            case .duration:
                if case .reference = codec { terms.append("(\(key.sql)) IS NULL") } else { return nil }
            case .reference, .unresolvedReference, .list:
                terms.append("(\(key.sql)) IS NULL")
            }
        }
        terms.append("\(alias).\(PostgresName.quote(PostgresName.rowColumn))")
        return terms
    }
}
