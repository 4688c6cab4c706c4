import CivicSyntax

/// A store that keeps its rows in memory: for tests, and for runs without
/// `--db`. It answers the same queries with the same meaning as SQLite.
public final class MemoryStore: Store {
    struct Table {
        var entity: StoredEntity
        var shape: RecordShape
        var rows: [[Value]] = []
        /// Row position by key (its literal text).
        var index: [String: Int] = [:]
        var nextID = 1
    }

    var schema = StoreSchema(entities: [])
    var tables: [String: Table] = [:]
    /// Copies of the whole store: one for the transaction, one per savepoint.
    var snapshots: [(name: String, schema: StoreSchema, tables: [String: Table])] = []

    public init() {}

    public var description: String { "memory" }

    public func storedSchema() throws(StoreError) -> StoreSchema { schema }

    public func prepare(_ requested: StoreSchema) throws(StoreError) {
        let changes = try SchemaMigration.plan(
            stored: schema, requested: requested,
            rowCount: { name throws(StoreError) in self.tables[name]?.rows.count ?? 0 },
            valueCount: { name, field throws(StoreError) in
                guard let t = self.tables[name], let i = t.entity.index(of: field) else { return 0 }
                return t.rows.filter { if case .none = $0[i] { return false } else { return true } }.count
            })
        schema = SchemaMigration.apply(changes, to: schema)
        for change in changes {
            switch change {
            case .createEntity(let e):
                tables[e.name] = Table(entity: e, shape: MemoryStore.shape(of: e))
            case .addField(let name, let field):
                guard var t = tables[name] else { continue }
                for i in t.rows.indices { t.rows[i].append(field.defaultValue ?? .none) }
                t.entity.fields.append(field)
                t.shape = MemoryStore.shape(of: t.entity)
                tables[name] = t
            case .dropField(let name, let field):
                guard var t = tables[name], let i = t.entity.index(of: field) else { continue }
                for r in t.rows.indices { t.rows[r].remove(at: i) }
                t.entity.fields.remove(at: i)
                t.shape = MemoryStore.shape(of: t.entity)
                t.index = [:]
                if let k = t.entity.fields.firstIndex(where: \.isKey) {
                    for (r, row) in t.rows.enumerated() { t.index[row[k].literal()] = r }
                }
                tables[name] = t
            case .updateField(let name, let field):
                guard var t = tables[name], let i = t.entity.index(of: field.name) else { continue }
                t.entity.fields[i] = field
                t.shape = MemoryStore.shape(of: t.entity)
                tables[name] = t
            }
        }
    }

    // MARK: Transactions

    public func begin() throws(StoreError) {
        snapshots = [("transaction", schema, tables)]
    }

    public func commit() throws(StoreError) {
        snapshots = []
    }

    public func rollback() {
        if let first = snapshots.first {
            schema = first.schema
            tables = first.tables
        }
        snapshots = []
    }

    public func savepoint(_ name: String) throws(StoreError) {
        snapshots.append((name, schema, tables))
    }

    public func releaseSavepoint(_ name: String) throws(StoreError) {
        guard let i = snapshots.lastIndex(where: { $0.name == name }) else {
            throw StoreError("no savepoint named '\(name)'")
        }
        snapshots.removeSubrange(i...)
    }

    public func rollback(toSavepoint name: String) throws(StoreError) {
        guard let i = snapshots.lastIndex(where: { $0.name == name }) else {
            throw StoreError("no savepoint named '\(name)'")
        }
        schema = snapshots[i].schema
        tables = snapshots[i].tables
        snapshots.removeSubrange((i + 1)...)
    }

    // MARK: Writes

    func table(_ name: String) throws(StoreError) -> Table {
        guard let t = tables[name] else { throw StoreError("the store has no entity '\(name)'") }
        return t
    }

    public func insert(_ entity: String, _ values: [Value]) throws(StoreError) -> Value {
        let (row, key, nextID) = try checkedRow(entity, values)
        // Changed in place (no copy of the table's rows).
        tables[entity]?.nextID = nextID
        let position = tables[entity]?.rows.count ?? 0
        tables[entity]?.index[key] = position
        tables[entity]?.rows.append(row)
        guard let k = tables[entity]?.entity.fields.firstIndex(where: \.isKey) else { return .none }
        return row[k]
    }

    /// A row ready to insert (generated key filled in, references and key checked),
    /// its key's text, and the next generated key.
    func checkedRow(_ entity: String, _ values: [Value]) throws(StoreError) -> ([Value], String, Int) {
        let t = try table(entity)
        var row = values
        guard row.count == t.entity.fields.count, let k = t.entity.fields.firstIndex(where: \.isKey) else {
            throw StoreError("a row of \(entity) needs \(t.entity.fields.count) values")
        }
        var nextID = t.nextID
        if t.entity.fields[k].isGenerated, case .none = row[k] {
            row[k] = .number(Number(nextID))
        }
        if case .number(let n) = row[k], let i = n.intValue, t.entity.fields[k].isGenerated {
            nextID = max(nextID, i + 1)
        }
        for (i, field) in t.entity.fields.enumerated() { row[i] = try RowCheck.stored(row[i], for: field, of: entity) }
        try checkReferences(row, t.entity)
        let key = row[k].literal()
        if t.index[key] != nil {
            throw StoreError("\(entity) already has a row with \(t.entity.fields[k].name) \(t.entity.shown(key: row[k]))",
                             hint: "each \(entity) needs its own \(t.entity.fields[k].name)")
        }
        return (row, key, nextID)
    }

    /// Every reference in a row must name a row that exists.
    func checkReferences(_ row: [Value], _ entity: StoredEntity) throws(StoreError) {
        for (i, field) in entity.fields.enumerated() {
            guard case .reference(let target, let key) = row[i] else { continue }
            guard let t = tables[target], t.index[key.literal()] != nil else {
                throw StoreError("field '\(field.name)': there is no \(target) with key \(tables[target]?.entity.shown(key: key) ?? key.literal())")
            }
        }
    }

    public func update(_ entity: String, key: Value, _ changes: [(field: String, value: Value)]) throws(StoreError) {
        var t = try table(entity)
        guard let r = t.index[key.literal()] else {
            throw StoreError("there is no \(entity) with key \(t.entity.shown(key: key))")
        }
        for (name, value) in changes {
            guard let i = t.entity.index(of: name) else { throw StoreError("\(entity) has no field '\(name)'") }
            if t.entity.fields[i].isKey { throw StoreError("the key '\(name)' of \(entity) cannot be changed") }
            // As every engine does: a value must fit its field (and is stored normalized).
            t.rows[r][i] = try RowCheck.stored(value, for: t.entity.fields[i], of: entity)
        }
        try checkReferences(t.rows[r], t.entity)
        tables[entity] = t
    }

    public func delete(_ entity: String, key: Value) throws(StoreError) {
        var t = try table(entity)
        guard let r = t.index[key.literal()] else {
            throw StoreError("there is no \(entity) with key \(t.entity.shown(key: key))")
        }
        let k = t.entity.fields.firstIndex(where: \.isKey) ?? 0
        for (name, other) in tables {
            for (i, f) in other.entity.fields.enumerated() where f.type == .reference(entity) {
                if other.rows.contains(where: { $0[i] == .reference(entity: entity, key: key) && !(name == entity && $0[k] == key) }) {
                    throw StoreError("\(entity) \(t.entity.shown(key: key)) cannot be removed: a \(name) refers to it in '\(f.name)'")
                }
            }
        }
        t.rows.remove(at: r)
        t.index = [:]
        if let k = t.entity.fields.firstIndex(where: \.isKey) {
            for (i, row) in t.rows.enumerated() { t.index[row[k].literal()] = i }
        }
        tables[entity] = t
    }

    public func row(_ entity: String, key: Value) throws(StoreError) -> Record? {
        let t = try table(entity)
        guard let r = t.index[key.literal()] else { return nil }
        return Record(shape: t.shape, values: t.rows[r])
    }

    // MARK: Reads

    public func fetch(_ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> [Record] {
        let t = try table(query.entity)
        var rows: [[Value]] = []
        for row in t.rows {
            if let filter = query.filter, !(try matches(filter, row, t, parameters)) { continue }
            rows.append(row)
        }
        if !query.order.isEmpty {
            var keys: [[Value]] = []
            for row in rows {
                var values: [Value] = []
                for key in query.order { values.append(try value(key.path, row, t)) }
                keys.append(values)
            }
            rows = StoreOrder.positions(keys, descending: query.order.map(\.descending)).map { rows[$0] }
        }
        if let limit = query.limit {
            let n = try MemoryStore.whole(parameters, limit)
            if n < rows.count { rows.removeSubrange(max(0, n)...) }
        }
        return rows.map { Record(shape: t.shape, values: $0) }
    }

    static func whole(_ parameters: [Value], _ operand: StoreOperand) throws(StoreError) -> Int {
        guard case .parameter(let i) = operand, i >= 0, i < parameters.count,
              case .number(let n) = parameters[i], let v = n.intValue else {
            throw StoreError("'limit' needs a whole Number")
        }
        return v
    }

    /// The value at a path: a field, or a field of a referenced row (none if the reference is none).
    func value(_ path: FieldPath, _ row: [Value], _ t: Table) throws(StoreError) -> Value {
        var row = row
        var table = t
        for (n, step) in path.steps.enumerated() {
            guard let i = table.entity.index(of: step) else {
                throw StoreError("\(table.entity.name) has no field '\(step)'")
            }
            let v = row[i]
            if n == path.steps.count - 1 { return v }
            guard case .reference(let target, let key) = v else { return .none }
            let next = try self.table(target)
            guard let r = next.index[key.literal()] else { return .none }
            row = next.rows[r]
            table = next
        }
        return .none
    }

    func matches(_ p: StorePredicate, _ row: [Value], _ t: Table, _ parameters: [Value]) throws(StoreError) -> Bool {
        switch p {
        case .constant(let b):
            return b
        case .and(let a, let b):
            if !(try matches(a, row, t, parameters)) { return false }
            return try matches(b, row, t, parameters)
        case .or(let a, let b):
            if try matches(a, row, t, parameters) { return true }
            return try matches(b, row, t, parameters)
        case .not(let a):
            return try !matches(a, row, t, parameters)
        case .isTrue(let path):
            return try value(path, row, t) == .bool(true)
        case .isIn(let path, .parameter(let i)):
            let v = try value(path, row, t)
            guard i < parameters.count, let items = parameters[i].items else { return false }
            return items.contains(v)
        case .compare(let path, let op, .parameter(let i)):
            let v = try value(path, row, t)
            guard i < parameters.count else { return false }
            return StorePredicate.holds(v, op, parameters[i])
        }
    }

    // MARK: Aggregates

    public func aggregate(_ aggregate: StoreAggregate, _ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> Value {
        let rows = try fetch(query, parameters)
        let t = try table(query.entity)
        func values(_ path: FieldPath) throws(StoreError) -> [Value] {
            var out: [Value] = []
            for r in rows {
                let v = try value(path, r.values, t)
                if case .none = v { continue }
                out.append(v)
            }
            return out
        }
        switch aggregate {
        case .count: return .number(Number(rows.count))
        case .exists: return .bool(!rows.isEmpty)
        case .sum(let path): return try Aggregates.sum(try values(path))
        case .average(let path): return try Aggregates.average(try values(path))
        case .min(let path): return Aggregates.extreme(try values(path), smallest: true)
        case .max(let path): return Aggregates.extreme(try values(path), smallest: false)
        }
    }

    public func nextKey(_ entity: String) throws(StoreError) -> Int { try table(entity).nextID }

    public func setNextKey(_ entity: String, to next: Int) throws(StoreError) {
        _ = try table(entity)
        tables[entity]?.nextID = next
    }

    public func removeEverything() throws(StoreError) {
        schema = StoreSchema(entities: [])
        tables = [:]
    }

    public func dump() throws(StoreError) -> String {
        var out = ""
        for name in tables.keys.sorted() {
            guard let t = tables[name] else { continue }
            out += Dump.table(t.entity, t.rows)
        }
        return out
    }
}

extension StorePredicate {
    /// Whether `value op operand` holds, with the language's meaning: none
    /// equals only none and is never less or greater than anything; values of
    /// different types are never equal and never ordered.
    public static func holds(_ v: Value, _ op: StoreComparison, _ x: Value) -> Bool {
        switch op {
        case .equal: return v == x
        case .notEqual: return !(v == x)
        default:
            if case .none = v { return false }
            if case .none = x { return false }
            guard let o = Value.order(v, x) else { return false }
            switch op {
            case .less: return o < 0
            case .lessEqual: return o <= 0
            case .greater: return o > 0
            default: return o >= 0
            }
        }
    }
}

/// Sums, averages and extremes over values (none already left out), shared by engines.
public enum Aggregates {
    public static func sum(_ values: [Value]) throws(StoreError) -> Value {
        var total = Number.zero
        for v in values {
            guard case .number(let n) = v else { throw StoreError("'sum' adds Numbers, found \(v.typeNameWithArticle)") }
            do { total = try total.adding(n) } catch { throw StoreError("the sum is too large") }
        }
        return .number(total)
    }

    public static func average(_ values: [Value]) throws(StoreError) -> Value {
        if values.isEmpty { return .none }
        guard case .number(let total) = try sum(values) else { return .none }
        do { return .number(try total.dividing(by: Number(values.count))) } catch { throw StoreError("the average is too large") }
    }

    /// The sum of `count` Numbers that an SQL engine added as millionths
    /// (`micro`), or their average (none when there are none).
    public static func sum(micro: Int128, count: Int64, average: Bool) throws(StoreError) -> Value {
        let total = ColumnCodec.number(micro: micro)
        guard average else { return .number(total) }
        if count == 0 { return .none }
        do { return .number(try total.dividing(by: Number(Int(count)))) } catch { throw StoreError("the average is too large") }
    }

    public static func extreme(_ values: [Value], smallest: Bool) -> Value {
        guard var best = values.first else { return .none }
        for v in values.dropFirst() {
            guard let o = Value.order(v, best) else { continue }
            if (smallest && o < 0) || (!smallest && o > 0) { best = v }
        }
        return best
    }
}

/// The text form of a table for `Store.dump`, the same for every engine.
public enum Dump {
    public static func table(_ entity: StoredEntity, _ rows: [[Value]]) -> String {
        var out = "\(entity.name)(\(entity.fields.map(\.name).joined(separator: ", ")))\n"
        let k = entity.fields.firstIndex(where: \.isKey) ?? 0
        let sorted = rows.sorted { a, b in
            guard k < a.count, k < b.count else { return false }
            return (Value.order(a[k], b[k]) ?? 0) < 0
        }
        for row in sorted {
            out += "  " + row.map { $0.literal(FormatOptions(reveal: true)) }.joined(separator: " | ") + "\n"
        }
        return out
    }
}
