import CivicSyntax
import GRDB

// How `SQLiteStore` turns a `StoreQuery` into one parameterized SELECT with
// exactly the meaning `MemoryStore` gives it (see `StorePredicate.holds`):
// every value is a bound parameter, every name a quoted identifier.

enum SQLiteName {
    /// The column that keeps a table's rows in the order they were added.
    static let rowColumn = "civic_row"

    /// A name as an SQL identifier: in double quotes, a `"` doubled.
    static func quote(_ name: String) -> String {
        var out = "\""
        for c in name.unicodeScalars {
            if c == "\"" { out += "\"\"" } else { out.unicodeScalars.append(c) }
        }
        return out + "\""
    }
}

/// What the store knows about one entity's table, made once per schema.
/// A class, so that the many writes of a run share it instead of copying
/// its dozen fields each time.
final class SQLiteTable {
    let entity: StoredEntity
    /// The quoted table name.
    let table: String
    /// The quoted column names, in field order.
    let columns: [String]
    let codecs: [SQLiteCodec]
    /// The shape every row read from this table shares.
    let shape: RecordShape
    let keyIndex: Int?
    /// The columns of a row as `t0."a", t0."b"`, for a SELECT list.
    let selectList: String
    /// `INSERT INTO "E" ("a", "b") VALUES (?1, ?2)`.
    let insertSQL: String
    /// The row with the key given as ?1, and whether there is one.
    let lookupSQL: String, existsSQL: String
    /// The hidden row number of the row with the key given as ?1.
    let locateSQL: String
    /// An INSERT that does nothing when the key is stored.
    let insertIfAbsentSQL: String
    /// The fields that hold references (checked on every insert).
    let referenceIndexes: [Int]
    /// Whether the key is a Number the store makes (an insert may move the sequence).
    let generatesKey: Bool

    init(_ entity: StoredEntity, in schema: StoreSchema) {
        self.entity = entity
        table = SQLiteName.quote(entity.name)
        columns = entity.fields.map { SQLiteName.quote($0.name) }
        codecs = entity.fields.map { SQLiteCodec.make($0.type, in: schema) }
        shape = SQLiteStore.shape(of: entity)
        keyIndex = entity.fields.firstIndex(where: \.isKey)
        // An entity may lose all its fields (an empty table may drop any).
        selectList = columns.isEmpty ? "1" : columns.map { "t0.\($0)" }.joined(separator: ", ")
        insertSQL = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ("
            + columns.indices.map { "?\($0 + 1)" }.joined(separator: ", ") + ")"
        let names = columns
        let keyColumn = keyIndex.map { names[$0] } ?? SQLiteName.quote(SQLiteName.rowColumn)
        lookupSQL = "SELECT \(selectList) FROM \(table) AS t0 WHERE t0.\(keyColumn) = ?1"
        existsSQL = "SELECT 1 FROM \(table) WHERE \(keyColumn) = ?1 LIMIT 1"
        insertIfAbsentSQL = insertSQL + " ON CONFLICT (\(keyColumn)) DO NOTHING"
        referenceIndexes = entity.fields.indices.filter { i in
            if case .reference = entity.fields[i].type { return true }
            return false
        }
        locateSQL = "SELECT \(SQLiteName.quote(SQLiteName.rowColumn)) FROM \(table) WHERE \(keyColumn) = ?1"
        generatesKey = keyIndex.map { entity.fields[$0].isGenerated && entity.fields[$0].type == .number } ?? false
    }
}

/// One `order by` key: the SQL of its value and how to read it.
struct SQLiteOrderKey {
    var sql: String
    /// nil when the value is none for every row.
    var codec: SQLiteCodec?
    var descending: Bool
}

/// Builds the SQL of one statement, collecting its arguments.
struct SQLiteQueryBuilder {
    let tables: [String: SQLiteTable]
    let parameters: [Value]
    private(set) var arguments: [DatabaseValue] = []
    private var aliasCount = 0

    init(tables: [String: SQLiteTable], parameters: [Value]) {
        self.tables = tables
        self.parameters = parameters
    }

    /// Binds a value and gives its placeholder (numbered, so the text may
    /// place it anywhere).
    mutating func bind(_ value: DatabaseValue) -> String {
        arguments.append(value)
        return "?\(arguments.count)"
    }

    mutating func bind(_ value: Int64) -> String { bind(value.databaseValue) }

    mutating func newAlias() -> String {
        aliasCount += 1
        return "t\(aliasCount)"
    }

    // MARK: Predicates

    /// What a predicate asks of the value at its path.
    enum Atom {
        case compare(StoreComparison, Value)
        /// `in` a list: the items.
        case values([Value])
        /// `in` a range of whole numbers, both ends included.
        case range(Int, Int)
        case isTrue

        /// Whether the predicate holds when the value is none.
        var holdsForNone: Bool {
            switch self {
            case .compare(let op, let x): return StorePredicate.holds(.none, op, x)
            case .values(let items): return items.contains { $0.isNoneValue }
            case .range, .isTrue: return false
            }
        }
    }

    /// The SQL condition of a predicate on rows of `table` named `alias`. It
    /// is true exactly where MemoryStore's `matches` is, and NULL or false
    /// elsewhere.
    mutating func predicate(_ p: StorePredicate, _ table: SQLiteTable, _ alias: String) throws(StoreError) -> String {
        switch p {
        case .constant(let b):
            return b ? "1" : "0"
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
            return "NOT COALESCE(\(try predicate(a, table, alias)), 0)"
        case .isTrue(let path):
            return try pathAtom(path.steps[...], table, alias, .isTrue)
        case .compare(let path, let op, .parameter(let i)):
            guard i >= 0, i < parameters.count else {
                _ = try pathAtom(path.steps[...], table, alias, .isTrue)
                return "0"
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
                return "0"
            }
            return try pathAtom(path.steps[...], table, alias, atom)
        }
    }

    /// The condition on the value at a path. A path through a reference
    /// becomes a subquery on the referenced table; where the reference is
    /// none (or names no row) the value is none.
    mutating func pathAtom(_ steps: ArraySlice<String>, _ table: SQLiteTable, _ alias: String, _ atom: Atom) throws(StoreError) -> String {
        guard let step = steps.first else { return atom.holdsForNone ? "1" : "0" }
        guard let i = table.entity.index(of: step) else {
            throw StoreError("\(table.entity.name) has no field '\(step)'")
        }
        let column = "\(alias).\(table.columns[i])"
        if steps.count == 1 { return columnAtom(column, table.codecs[i], atom) }
        guard case .reference(let name, _) = table.codecs[i], let target = tables[name], let k = target.keyIndex else {
            // Not a reference (or one that can name no row): none, as in MemoryStore.
            return atom.holdsForNone ? "1" : "0"
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

    /// The condition on one column.
    mutating func columnAtom(_ column: String, _ codec: SQLiteCodec, _ atom: Atom) -> String {
        switch atom {
        case .isTrue:
            if case .bool = codec { return "\(column) = 1" }
            return "0"
        case .compare(.equal, let x):
            if x.isNoneValue { return "\(column) IS NULL" }
            guard let e = codec.encode(x) else { return "0" }
            return equality(column, codec, e)
        case .compare(.notEqual, let x):
            if x.isNoneValue { return "\(column) IS NOT NULL" }
            guard let e = codec.encode(x) else { return "1" }
            return "(\(column) IS NULL OR NOT \(equality(column, codec, e)))"
        case .compare(let op, let x):
            return ordering(column, codec, op, x)
        case .values(let items):
            return membership(column, codec, items)
        case .range(let lo, let hi):
            guard case .number = codec, lo <= hi else { return "0" }
            let scale = Int128(1_000_000)
            let low = Int64(clamping: Int128(lo) * scale)
            let high = Int64(clamping: Int128(hi) * scale)
            return "(\(column) % 1000000 = 0 AND \(column) BETWEEN \(bind(low)) AND \(bind(high)))"
        }
    }

    mutating func equality(_ column: String, _ codec: SQLiteCodec, _ value: DatabaseValue) -> String {
        switch codec.comparison {
        case .integer, .plainText: return "\(column) = \(bind(value))"
        case .collatedText:
            // Texts are stored composed (NFC), and texts the language calls
            // equal compose alike: comparing the composed bytes means the same
            // as the collation, and lets SQLite use an index on the column.
            guard case .string(let text) = value.storage else { return "\(column) COLLATE civic_text = \(bind(value))" }
            return "\(column) = \(bind(RowCheck.normalized(text).databaseValue))"
        case .list: return "civic_list_eq(\(column), \(bind(value)))"
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
    mutating func ordering(_ column: String, _ codec: SQLiteCodec, _ op: StoreComparison, _ x: Value) -> String {
        let sqlOp = SQLiteQueryBuilder.sqlOperator(op)
        switch (codec, x) {
        case (.number, .number(let n)):
            // Stored numbers are whole millionths: compare with the bound
            // rounded the right way, so that 0.0000015 is handled exactly.
            let bound: Int64
            if n.magnitude >= RowCheck.maxMagnitude {
                bound = n.isNegative ? Int64.min : Int64.max
            } else {
                let rule: RoundingRule = (op == .less || op == .greaterEqual) ? .ceiling : .floor
                bound = SQLiteCodec.microClamped((try? n.rounded(places: RowCheck.maxDecimals, rule: rule)) ?? n)
            }
            return "\(column) \(sqlOp) \(bind(bound))"
        case (.text, .text), (.date, .date), (.time, .time), (.bool, .bool):
            guard let e = codec.encode(x) else { return "0" }
            let collate = codec.comparison == .collatedText ? " COLLATE civic_text" : ""
            return "\(column)\(collate) \(sqlOp) \(bind(e))"
        case (.duration, .duration):
            guard let e = codec.encode(x) else { return "0" }
            return "civic_duration_order(\(column), \(bind(e))) \(sqlOp) 0"
        default:
            return "0"
        }
    }

    /// How many items of an `in` list are bound one by one; beyond this the
    /// list is bound as one JSON array.
    static let inlineItems = 100

    /// `field in LIST`: equal to one of the items (a none item matches none).
    mutating func membership(_ column: String, _ codec: SQLiteCodec, _ items: [Value]) -> String {
        var matchesNone = false
        var encoded: [DatabaseValue] = []
        for item in items {
            if item.isNoneValue { matchesNone = true; continue }
            if let e = codec.encode(item) { encoded.append(e) }
        }
        var parts: [String] = []
        if matchesNone { parts.append("\(column) IS NULL") }
        if !encoded.isEmpty {
            switch codec.comparison {
            case .list:
                var json = "["
                for (i, e) in encoded.enumerated() {
                    if i > 0 { json += "," }
                    if case .string(let s) = e.storage { json += s } else { json += "null" }
                }
                json += "]"
                parts.append("EXISTS (SELECT 1 FROM json_each(\(bind(json.databaseValue))) AS j WHERE civic_list_eq(\(column), j.value))")
            case .integer, .plainText, .collatedText:
                let collate = codec.comparison == .collatedText ? " COLLATE civic_text" : ""
                if encoded.count <= SQLiteQueryBuilder.inlineItems {
                    var list: [String] = []
                    for e in encoded { list.append(bind(e)) }
                    parts.append("\(column)\(collate) IN (\(list.joined(separator: ", ")))")
                } else {
                    var json = "["
                    for (i, e) in encoded.enumerated() {
                        if i > 0 { json += "," }
                        switch e.storage {
                        case .int64(let n): json += String(n)
                        case .string(let s): SQLiteJSON.writeString(s, into: &json)
                        default: json += "null"
                        }
                    }
                    json += "]"
                    parts.append("\(column)\(collate) IN (SELECT value FROM json_each(\(bind(json.databaseValue))))")
                }
            }
        }
        if parts.isEmpty { return "0" }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " OR ") + ")"
    }

    // MARK: Values at paths

    /// The SQL of the value at a path (a column, or a scalar subquery through
    /// references: NULL where a reference is none), and how to read it; no
    /// codec when the value is none for every row.
    mutating func value(_ path: FieldPath, _ table: SQLiteTable, _ alias: String) throws(StoreError) -> (sql: String, codec: SQLiteCodec?) {
        try value(path.steps[...], table, alias)
    }

    mutating func value(_ steps: ArraySlice<String>, _ table: SQLiteTable, _ alias: String) throws(StoreError) -> (sql: String, codec: SQLiteCodec?) {
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

    mutating func orderValues(_ order: [StoreOrderKey], _ table: SQLiteTable, _ alias: String) throws(StoreError) -> [SQLiteOrderKey] {
        var out: [SQLiteOrderKey] = []
        for key in order {
            let (sql, codec) = try value(key.path, table, alias)
            out.append(SQLiteOrderKey(sql: sql, codec: codec, descending: key.descending))
        }
        return out
    }

    /// The ORDER BY terms for the keys, none last in both directions and
    /// ties in the order rows were added; nil when the order cannot be
    /// written in SQL (Durations, which are only partly ordered) and must be
    /// computed as MemoryStore does.
    static func orderTerms(_ keys: [SQLiteOrderKey], _ alias: String) -> [String]? {
        var terms: [String] = []
        for key in keys {
            guard let codec = key.codec else { continue }
            // SQLite puts NULL first going up and last going down: NULLS LAST
            // going up says the same as a separate `x IS NULL` term before
            // `x`, without computing that term for every row and keeping it
            // in the sorter (order by ... limit 10 over a million rows: 1,297M
            // instructions in SQLite with the extra terms, 920M without).
            let direction = key.descending ? " DESC" : " NULLS LAST"
            switch codec {
            case .number, .bool, .date, .time:
                terms.append(key.sql + direction)
            case .text:
                terms.append("\(key.sql) COLLATE civic_text\(direction)")
            case .duration:
                return nil
            case .reference, .unresolvedReference, .list:
                // Never ordered against each other: only none goes last.
                terms.append("\(key.sql) IS NULL")
            }
        }
        terms.append("\(alias).\(SQLiteName.quote(SQLiteName.rowColumn))")
        return terms
    }
}

// MARK: - Running queries

extension SQLiteStore {
    /// A query made ready: its condition, order and limit.
    struct Plan {
        var builder: SQLiteQueryBuilder
        let table: SQLiteTable
        /// " WHERE ..." or "".
        let filter: String
        let order: [SQLiteOrderKey]
        /// nil: the order is computed in Swift (a Duration key).
        let terms: [String]?
        let limit: Int?

        var from: String { "FROM \(table.table) AS t0\(filter)" }
    }

    func plan(_ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> Plan {
        let t = try table(query.entity)
        var b = SQLiteQueryBuilder(tables: tables, parameters: parameters)
        var filter = ""
        if let p = query.filter { filter = " WHERE " + (try b.predicate(p, t, "t0")) }
        let order = try b.orderValues(query.order, t, "t0")
        var limit: Int?
        if let l = query.limit { limit = max(0, try MemoryStore.whole(parameters, l)) }
        return Plan(builder: b, table: t, filter: filter, order: order,
                    terms: SQLiteQueryBuilder.orderTerms(order, "t0"), limit: limit)
    }

    /// The values of `columns` for the rows a query selects, in its order.
    func select(_ db: Database, _ plan: inout Plan, _ columns: [(sql: String, codec: SQLiteCodec?)]) throws -> [[Value]] {
        var list = columns.map { $0.codec == nil ? "NULL" : $0.sql }
        if list.isEmpty { list = ["1"] }
        if let terms = plan.terms {
            var sql = "SELECT \(list.joined(separator: ", ")) \(plan.from) ORDER BY \(terms.joined(separator: ", "))"
            if let limit = plan.limit { sql += " LIMIT \(plan.builder.bind(Int64(limit)))" }
            return try rows(db, sql, plan.builder.arguments, columns.map(\.codec), of: plan.table.entity.name)
        }
        // An order by a Duration: sort as MemoryStore does, rows taken in
        // the order they were added.
        let keys = plan.order.map { $0.codec == nil ? "NULL" : $0.sql }
        let sql = "SELECT \((list + keys).joined(separator: ", ")) \(plan.from) ORDER BY t0.\(SQLiteName.quote(SQLiteName.rowColumn))"
        let all = try rows(db, sql, plan.builder.arguments, columns.map(\.codec) + plan.order.map(\.codec), of: plan.table.entity.name)
        let n = columns.count
        var keyed = all.enumerated().map { (i, r) in (i, Array(r[n...])) }
        let order = plan.order
        keyed.sort { a, b in
            for (k, key) in order.enumerated() {
                let x = a.1[k], y = b.1[k]
                if case .none = x { if case .none = y { continue }; return false }
                if case .none = y { return true }
                let o = Value.order(x, y) ?? 0
                if o != 0 { return key.descending ? o > 0 : o < 0 }
            }
            return a.0 < b.0
        }
        var out = keyed.map { Array(all[$0.0][..<n]) }
        if let limit = plan.limit, limit < out.count { out.removeSubrange(limit...) }
        return out
    }

    public func fetch(_ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> [Record] {
        try run { db in
            var p = try self.plan(query, parameters)
            let t = p.table
            let columns = t.columns.indices.map { (sql: "t0.\(t.columns[$0])", codec: Optional(t.codecs[$0])) }
            return try self.select(db, &p, columns).map { Record(shape: t.shape, values: $0) }
        }
    }

    public func aggregate(_ aggregate: StoreAggregate, _ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> Value {
        try run { db in
            var p = try self.plan(query, parameters)
            switch aggregate {
            case .count:
                var sql = "SELECT COUNT(*) \(p.from)"
                if let limit = p.limit {
                    sql = "SELECT COUNT(*) FROM (SELECT 1 \(p.from) LIMIT \(p.builder.bind(Int64(limit))))"
                }
                guard case .int64(let n)? = try self.values(db, sql, p.builder.arguments).first?.storage else { return .number(.zero) }
                return .number(Number(Int(n)))
            case .exists:
                var inner = "SELECT 1 \(p.from)"
                if let limit = p.limit { inner += " LIMIT \(p.builder.bind(Int64(limit)))" }
                guard case .int64(let n)? = try self.values(db, "SELECT EXISTS (\(inner))", p.builder.arguments).first?.storage else {
                    return .bool(false)
                }
                return .bool(n != 0)
            case .sum(let path), .average(let path):
                let average: Bool
                if case .average = aggregate { average = true } else { average = false }
                let (sql, codec) = try p.builder.value(path, p.table, "t0")
                if path.steps.count == 1, case .number? = codec, p.limit == nil || p.terms != nil {
                    // The plainest sum SQLite can make exactly first; on an
                    // integer overflow (SQLite stops the sum), one that
                    // overflows later (see `sum`).
                    // (`sql` is a column, which binds nothing.)
                    for way in [SumWay.whole, .split, .splitInBlocks] {
                        do {
                            return try self.sum(db, &p, sql, average: average, way)
                        } catch let error where way != .splitInBlocks && SQLiteStore.isIntegerOverflow(error) {
                            p = try self.plan(query, parameters)
                        }
                    }
                }
                let values = try self.pathValues(db, &p, path)
                return average ? try Aggregates.average(values) : try Aggregates.sum(values)
            case .min(let path), .max(let path):
                var smallest = false
                if case .min = aggregate { smallest = true }
                let (sql, codec) = try p.builder.value(path, p.table, "t0")
                if path.steps.count == 1, let codec {
                    switch codec {
                    case .number, .bool, .date, .time:
                        guard p.limit == nil || p.terms != nil else { break }
                        return try self.extreme(db, &p, sql, codec, smallest: smallest)
                    case .text:
                        guard let terms = p.terms else { break }
                        return try self.extremeText(db, &p, sql, terms, smallest: smallest)
                    default:
                        break
                    }
                }
                return Aggregates.extreme(try self.pathValues(db, &p, path), smallest: smallest)
            }
        }
    }

    /// The source of an aggregate over one column: the table itself, or the
    /// rows the limit keeps (in the query's order); `v` is the value and `r`
    /// the row's `civic_row`.
    func source(_ p: inout Plan, _ sql: String) -> (from: String, column: String, row: String) {
        let row = "t0.\(SQLiteName.quote(SQLiteName.rowColumn))"
        guard let limit = p.limit, let terms = p.terms else { return (p.from, sql, row) }
        let inner = "SELECT \(sql) AS v, \(row) AS r \(p.from) ORDER BY \(terms.joined(separator: ", ")) LIMIT \(p.builder.bind(Int64(limit)))"
        return ("FROM (\(inner))", "v", "r")
    }

    /// How `sum` asks SQLite to add millionths.
    enum SumWay {
        /// `SUM(v)`: exact while the total stays within an Int64 of
        /// millionths (9.2e12 units); one addition per row.
        case whole
        /// Whole units and remainders summed apart: exact while the units
        /// stay within an Int64 (9.2e18).
        case split
        /// As `split`, a million rows at a time (each row is below 9e12
        /// units, so a block's sum is below 9e18).
        case splitInBlocks
    }

    /// Sum (or average) of a Number column, exactly: SQLite adds the
    /// millionths, and the store adds what it gives (Int128) and divides.
    func sum(_ db: Database, _ p: inout Plan, _ sql: String, average: Bool, _ way: SumWay) throws -> Value {
        let (from, v, r) = source(&p, sql)
        var query: String
        switch way {
        case .whole: query = "SELECT SUM(\(v)), 0, COUNT(\(v)) \(from)"
        case .split, .splitInBlocks: query = "SELECT SUM(\(v) / 1000000), SUM(\(v) % 1000000), COUNT(\(v)) \(from)"
        }
        if way == .splitInBlocks { query += " GROUP BY \(r) / 1000000" }
        let unit: Int128 = way == .whole ? 1 : 1_000_000
        var micro: Int128 = 0, count: Int64 = 0
        try SQLiteDirect.rows(db, query, p.builder.arguments, columns: 3) { row in
            guard row.count == 3 else { return }
            if case .int64(let x) = row[0].storage { micro += Int128(x) * unit }
            if case .int64(let x) = row[1].storage { micro += Int128(x) }
            if case .int64(let x) = row[2].storage { count += x }
        }
        let total = Number(coefficient: micro, scale: RowCheck.maxDecimals)
        guard average else { return .number(total) }
        if count == 0 { return .none }
        do {
            return .number(try total.dividing(by: Number(Int(count))))
        } catch {
            throw StoreError("the average is too large")
        }
    }

    func extreme(_ db: Database, _ p: inout Plan, _ sql: String, _ codec: SQLiteCodec, smallest: Bool) throws -> Value {
        let (from, v, _) = source(&p, sql)
        let found = try rows(db, "SELECT \(smallest ? "MIN" : "MAX")(\(v)) \(from)", p.builder.arguments, [codec], of: p.table.entity.name)
        return found.first?.first ?? .none
    }

    /// The least (or greatest) text; of texts that are equal but written
    /// differently (composed and decomposed accents), the first in the
    /// query's order, as `Aggregates.extreme` gives.
    func extremeText(_ db: Database, _ p: inout Plan, _ sql: String, _ terms: [String], smallest: Bool) throws -> Value {
        let order = terms.joined(separator: ", ")
        var inner = "SELECT \(sql) AS v, ROW_NUMBER() OVER (ORDER BY \(order)) AS n \(p.from)"
        if let limit = p.limit { inner += " ORDER BY \(order) LIMIT \(p.builder.bind(Int64(limit)))" }
        let outer = "SELECT v FROM (\(inner)) WHERE v IS NOT NULL ORDER BY v COLLATE civic_text\(smallest ? "" : " DESC"), n LIMIT 1"
        return try rows(db, outer, p.builder.arguments, [.text], of: p.table.entity.name).first?.first ?? .none
    }

    /// The values at a path of the rows a query selects, in its order, none left out.
    func pathValues(_ db: Database, _ p: inout Plan, _ path: FieldPath) throws -> [Value] {
        let column = try p.builder.value(path, p.table, "t0")
        return try select(db, &p, [column]).compactMap { $0.first }.filter { !$0.isNoneValue }
    }
}
