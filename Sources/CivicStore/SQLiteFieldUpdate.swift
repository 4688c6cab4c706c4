import CivicSyntax
import GRDB

/// `update(_:field:_:)` for SQLite: one prepared UPDATE by key, run for every
/// row, with each referenced row checked once. It gives the same results and
/// errors as one `update` per row, without looking each row up first.
extension SQLiteStore {
    public func update(_ entity: String, field: String, _ changes: [(key: Value, value: Value)]) throws(StoreError) {
        if changes.isEmpty { return }
        try write(atomic: true) { db in
            let t = try self.table(entity)
            guard let k = t.keyIndex else { throw StoreError("there is no \(entity) with a key") }
            guard let i = t.entity.index(of: field) else { throw StoreError("\(entity) has no field '\(field)'") }
            if t.entity.fields[i].isKey { throw StoreError("the key '\(field)' of \(entity) cannot be changed") }
            let statement = try db.cachedStatement(sql: "UPDATE \(t.table) SET \(t.columns[i]) = ?1 WHERE \(t.columns[k]) = ?2")
            // The rows referred to, checked once each (by the last one checked, and by encoded key).
            var referenced = Set<DatabaseValue>()
            var last: Value?
            for (key, value) in changes {
                guard let lookup = t.codecs[k].encodeLookup(key) else {
                    throw StoreError("there is no \(entity) with key \(key.literal())")
                }
                let stored = try RowCheck.stored(value, for: t.entity.fields[i], of: entity)
                let encoded = try self.encode(stored, t, i)
                if case .reference = stored, stored != last, referenced.insert(encoded).inserted {
                    var row = [Value](repeating: .none, count: t.entity.fields.count)
                    row[i] = stored
                    try self.checkReferences(db, row, [i], t)
                }
                last = stored
                try statement.execute(arguments: [encoded, lookup])
                if db.changesCount == 0 {
                    throw StoreError("there is no \(entity) with key \(key.literal())")
                }
            }
        }
    }
}
