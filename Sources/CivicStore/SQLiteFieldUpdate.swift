import CivicSyntax
import GRDB

/// `update(_:field:_:)` for SQLite, the write behind `assign`: the rows that
/// get the same value are set by a few UPDATEs of up to `keysPerUpdate` keys
/// each, every value is checked once and every row referred to is looked up
/// once. The rows and values it accepts and refuses are those of one `update`
/// per row; when several changes are wrong, it may name another of them first.
extension SQLiteStore {
    /// How many keys one UPDATE names at most (well under SQLite's limit of
    /// bound values).
    static let keysPerUpdate = 500

    public func update(_ entity: String, field: String, _ changes: [(key: Value, value: Value)]) throws(StoreError) {
        if changes.isEmpty { return }
        try write(atomic: true) { db in
            let t = try self.table(entity)
            guard let k = t.keyIndex else { throw StoreError("there is no \(entity) with a key") }
            guard let i = t.entity.index(of: field) else { throw StoreError("\(entity) has no field '\(field)'") }
            if t.entity.fields[i].isKey { throw StoreError("the key '\(field)' of \(entity) cannot be changed") }
            // The keys, grouped by the value they get (each value checked and encoded once), in the order first seen.
            var groups: [(value: DatabaseValue, keys: [(key: Value, lookup: DatabaseValue)])] = []
            var groupOf: [DatabaseValue: Int] = [:]
            var last: (value: Value, group: Int)?
            for (key, value) in changes {
                guard let lookup = t.codecs[k].encodeLookup(key) else {
                    throw StoreError("there is no \(entity) with key \(key.literal())")
                }
                let g: Int
                if let last, last.value == value {
                    g = last.group
                } else {
                    let stored = try RowCheck.stored(value, for: t.entity.fields[i], of: entity)
                    let encoded = try self.encode(stored, t, i)
                    if let known = groupOf[encoded] {
                        g = known
                    } else {
                        if case .reference = stored {
                            var row = [Value](repeating: .none, count: t.entity.fields.count)
                            row[i] = stored
                            try self.checkReferences(db, row, [i], t)
                        }
                        g = groups.count
                        groups.append((encoded, []))
                        groupOf[encoded] = g
                    }
                    last = (value, g)
                }
                groups[g].keys.append((key, lookup))
            }
            let set = "UPDATE \(t.table) SET \(t.columns[i]) = ?1 WHERE \(t.columns[k]) IN ("
            for group in groups {
                var start = 0
                while start < group.keys.count {
                    let chunk = group.keys[start..<min(start + SQLiteStore.keysPerUpdate, group.keys.count)]
                    start = chunk.endIndex
                    let sql = set + (2...(chunk.count + 1)).map { "?\($0)" }.joined(separator: ", ") + ")"
                    var arguments = [group.value]
                    arguments.reserveCapacity(chunk.count + 1)
                    for c in chunk { arguments.append(c.lookup) }
                    try self.exec(db, sql, arguments)
                    if db.changesCount < chunk.count {
                        // A key that names no row (or a key given twice, which is no error).
                        for c in chunk {
                            let found = try self.values(db, "SELECT 1 FROM \(t.table) WHERE \(t.columns[k]) = ?1", [c.lookup])
                            if found.isEmpty { throw StoreError("there is no \(entity) with key \(c.key.literal())") }
                        }
                    }
                }
            }
        }
    }
}
