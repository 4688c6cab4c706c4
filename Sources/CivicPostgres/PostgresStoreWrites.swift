import CivicStore
import CivicSyntax

// The writes of `PostgresStore`. Every value is checked (RowCheck) and every
// reference looked up before a statement is sent, and a key already stored
// is found with ON CONFLICT DO NOTHING, so that no statement fails inside a
// run's transaction: PostgreSQL would give up the whole transaction.
extension PostgresStore {
    func nextID(_ entity: String) throws(StoreError) -> Int {
        if let n = transaction.nextIDs[entity] { return n }
        var n = 1
        if let cell = try firstColumn("SELECT next_id FROM \(namespace).civic_sequence WHERE entity = $1", [.text(entity)]).first,
           let v = try? cell.decode(Int64.self) {
            n = Int(v)
        }
        transaction.nextIDs[entity] = n
        return n
    }

    func setNextID(_ entity: String, _ n: Int) throws(StoreError) {
        _ = try client.query("INSERT INTO \(namespace).civic_sequence (entity, next_id) VALUES ($1, $2) ON CONFLICT (entity) DO UPDATE SET next_id = EXCLUDED.next_id",
                             [.text(entity), .integer(Int64(n))])
        transaction.nextIDs[entity] = n
    }

    /// The `civic_row` of the row with this key, or nil.
    func locate(_ t: SQLTable, _ key: Value) throws(StoreError) -> Int64? {
        guard let k = t.keyIndex, let e = t.codecs[k].lookupParameter(key) else { return nil }
        let known = LocatedKey(entity: t.entity.name, key: e)
        if let r = transaction.located[known] { return r }
        guard let cell = try firstColumn(t.locateSQL, [e]).first, let r = try? cell.decode(Int64.self) else { return nil }
        if inTransaction { transaction.located[known] = r }
        return r
    }

    /// Every reference in the given fields must name a row that exists.
    func checkReferences(_ row: [Value], _ indexes: [Int], _ t: SQLTable) throws(StoreError) {
        for i in indexes {
            guard case .reference(let target, let key) = row[i] else { continue }
            guard let other = tables[target], try locate(other, key) != nil else {
                throw StoreError("field '\(t.entity.fields[i].name)': there is no \(target) with key \(tables[target]?.entity.shown(key: key) ?? key.literal())")
            }
        }
    }

    func encode(_ value: Value, _ t: SQLTable, _ i: Int) throws(StoreError) -> PostgresParameter {
        guard let e = t.codecs[i].parameter(value) else {
            throw StoreError("field '\(t.entity.fields[i].name)': the store cannot keep \(t.entity.shown(value, field: i))")
        }
        return e
    }

    public func insert(_ entity: String, _ values: [Value]) throws(StoreError) -> Value {
        let t = try table(entity)
        return try write(atomic: t.generatesKey) { () throws(StoreError) in
            var next: Int?
            let (key, added) = try insertRow(t, values, next: &next)
            if !added { throw duplicate(t, key) }
            if let next { try setNextID(entity, next) }
            return key
        }
    }

    public func insertIfAbsent(_ entity: String, _ values: [Value]) throws(StoreError) -> Bool {
        let t = try table(entity)
        guard let k = t.keyIndex, k < values.count, !values[k].isNone else {
            throw StoreError("a row of \(entity) needs its key given")
        }
        if let known = expected, known.entity == entity, !t.generatesKey {
            if let added = try insertExpected(t, values, known) { return added }
        }
        return try write(atomic: t.generatesKey) { () throws(StoreError) in
            var next: Int?
            let (_, added) = try insertRow(t, values, next: &next)
            if added, let next { try setNextID(entity, next) }
            return added
        }
    }

    public func insert(_ entity: String, rows: [[Value]]) throws(StoreError) {
        if rows.isEmpty { return }
        let t = try table(entity)
        try write(atomic: true) { () throws(StoreError) in
            var next: Int?
            try insertBatched(t, rows, next: &next, replacing: false)
            if let next { try setNextID(entity, next) }
        }
    }

    public func put(_ entity: String, rows: [[Value]]) throws(StoreError) {
        if rows.isEmpty { return }
        let t = try table(entity)
        guard t.keyIndex != nil else { throw StoreError("the store has no entity '\(entity)' with a key") }
        try write(atomic: true) { () throws(StoreError) in
            var next: Int?
            try insertBatched(t, rows, next: &next, replacing: true)
            if let next { try setNextID(entity, next) }
        }
    }

    func duplicate(_ t: SQLTable, _ key: Value) -> StoreError {
        let name = t.keyIndex.map { t.entity.fields[$0].name } ?? "id"
        return StoreError("\(t.entity.name) already has a row with \(name) \(t.entity.shown(key: key))",
                          hint: "each \(t.entity.name) needs its own \(name)")
    }

    /// Checks, encodes and inserts one row (a generated key that is none gets
    /// the next number); says in `next` what the sequence must move to, and
    /// gives the key and whether the row was added (not, when its key is stored).
    func insertRow(_ t: SQLTable, _ values: [Value], next: inout Int?) throws(StoreError) -> (Value, Bool) {
        let prepared = try prepareRow(t, values, next: &next)
        // A row whose key is stored is not added, and no error gives up the transaction.
        let added = try client.query(t.insertIfAbsentSQL, prepared.arguments).changed > 0
        return (prepared.key, added)
    }

    /// Checks and encodes one row for inserting: a generated key that is none
    /// gets the next number, and `next` says what the sequence must move to.
    func prepareRow(_ t: SQLTable, _ values: [Value], next: inout Int?) throws(StoreError) -> PreparedRow {
        let entity = t.entity.name
        let k = try t.keyField(ofInserted: values)
        var row = values
        if t.entity.fields[k].isGenerated {
            let current: Int
            if let next { current = next } else { current = try nextID(entity) }
            RowCheck.generateKey(&row, at: k, current: current, next: &next)
        }
        try RowCheck.check(&row, t.entity.fields, entity: entity)
        try checkReferences(row, t.referenceIndexes, t)
        var arguments: [PostgresParameter] = []
        arguments.reserveCapacity(row.count)
        for i in row.indices { arguments.append(try encode(row[i], t, i)) }
        return PreparedRow(key: row[k], arguments: arguments, keyIndex: k)
    }

    public func update(_ entity: String, key: Value, _ changes: [(field: String, value: Value)]) throws(StoreError) {
        try write(atomic: false) { () throws(StoreError) in
            let t = try table(entity)
            guard let r = try locate(t, key) else {
                throw StoreError("there is no \(entity) with key \(t.entity.shown(key: key))")
            }
            guard let (indexes, row) = try RowCheck.update(changes, of: t.entity) else { return }
            try checkReferences(row, indexes, t)
            var arguments: [PostgresParameter] = []
            for i in indexes { arguments.append(try encode(row[i], t, i)) }
            arguments.append(.integer(r))
            _ = try client.query(t.updateSQL(indexes, PostgresDialect.self), arguments)
        }
    }

    public func delete(_ entity: String, key: Value) throws(StoreError) {
        try write(atomic: false) { () throws(StoreError) in
            let t = try table(entity)
            guard let k = t.keyIndex, let stored = t.codecs[k].lookupParameter(key), let r = try locate(t, key) else {
                throw StoreError("there is no \(entity) with key \(t.entity.shown(key: key))")
            }
            for probe in RemovalCheck.probes(PostgresDialect.self, removing: key, stored: stored, row: r, of: t, tables: tables, schema: schema) {
                if !(try firstColumn(probe.sql, probe.arguments)).isEmpty { throw probe.refusal }
            }
            _ = try client.query("DELETE FROM \(t.table) WHERE \(SQLName.quotedRowColumn) = $1", [.integer(r)])
            transaction.located = [:]
        }
    }

    public func row(_ entity: String, key: Value) throws(StoreError) -> Record? {
        try read { () throws(StoreError) in
            let t = try table(entity)
            guard let k = t.keyIndex, let e = t.codecs[k].lookupParameter(key) else { return nil }
            let found = try rows(t.lookupSQL, [e], t.codecs, of: entity)
            return found.first.map { Record(shape: t.shape, values: $0) }
        }
    }

    public func contains(_ entity: String, key: Value) throws(StoreError) -> Bool {
        try read { () throws(StoreError) in
            // Found through `located`: a rule asks this of the same few rows again and again.
            try locate(try table(entity), key) != nil
        }
    }
}
