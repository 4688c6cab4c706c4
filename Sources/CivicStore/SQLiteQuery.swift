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
struct SQLiteTable {
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
        case .collatedText: return "\(column) COLLATE civic_text = \(bind(value))"
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
            let direction = key.descending ? " DESC" : ""
            switch codec {
            case .number, .bool, .date, .time:
                terms.append("\(key.sql) IS NULL")
                terms.append(key.sql + direction)
            case .text:
                terms.append("\(key.sql) IS NULL")
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
