import CivicStore
import PostgresNIO

// An events file's events, looked up many at a time. Before the engine
// applies the next events of a file, it gives them to the store
// (`willInsert`); one statement finds which are stored, and one per entity
// their references name finds those rows. Each event is then stored with no
// trip to the server: one whose key was found is not added, and a new one
// waits in the client (`PostgresClient.insertLater`) to go with the others
// in one INSERT, before any statement that could see it. A run over a
// hundred thousand residents made one trip per event for its INSERT alone.

/// What `willInsert` found of the keys about to be inserted into `entity`.
struct ExpectedKeys {
    let entity: String
    /// Keys not stored: a row with one is new, and can wait.
    var new: Set<PostgresParameter>
    /// Keys stored (or waiting): a row with one is not added.
    var stored: Set<PostgresParameter>
}

extension PostgresStore {
    public func willInsert(_ entity: String, rows: [[Value]]) throws(StoreError) {
        expected = nil
        guard inTransaction, !onlyReading, rows.count > 1, let t = tables[entity], let k = t.keyIndex, !t.generatesKey else { return }
        try locateReferences(of: rows, t)
        guard let (list, wanted) = keyList(rows.compactMap { k < $0.count ? t.codecs[k].lookupParameter($0[k]) : nil }) else { return }
        var stored = Set<PostgresParameter>()
        for row in try client.query("SELECT \(t.keyColumn) FROM \(t.table) WHERE \(t.keyColumn) = ANY($1)", [list]).rows {
            guard let key = row.first.flatMap({ PostgresStore.keyParameter($0, like: list) }) else {
                return // a key read back in another form: no guesses, each row is sent as it comes
            }
            stored.insert(key)
        }
        expected = ExpectedKeys(entity: entity, new: Set(wanted).subtracting(stored), stored: stored)
    }

    /// The rows the references of `rows` name, found with one statement per
    /// entity referred to and kept in `located`, so that checking each
    /// row's references sends nothing (a resident met for the first time was
    /// a trip).
    func locateReferences(of rows: [[Value]], _ t: SQLTable) throws(StoreError) {
        for i in t.referenceIndexes {
            guard case .reference(let target) = t.entity.fields[i].type, let other = tables[target], let k = other.keyIndex else { continue }
            var unknown = Set<PostgresParameter>()
            for row in rows where i < row.count {
                guard case .reference(_, let key) = row[i], let e = other.codecs[k].lookupParameter(key),
                      transaction.located[LocatedKey(entity: target, key: e)] == nil else { continue }
                unknown.insert(e)
            }
            guard unknown.count > 1, let (list, _) = keyList(Array(unknown)) else { continue }
            let sql = "SELECT \(other.keyColumn), \(SQLName.quotedRowColumn) FROM \(other.table) WHERE \(other.keyColumn) = ANY($1)"
            for row in try client.query(sql, [list]).rows {
                var cells = row.makeIterator()
                guard let keyCell = cells.next(), let rowCell = cells.next(),
                      let key = PostgresStore.keyParameter(keyCell, like: list), let r = try? rowCell.decode(Int64.self) else { continue }
                transaction.located[LocatedKey(entity: target, key: key)] = r
            }
        }
    }

    /// Keys (as the server compares them) as one array parameter, with the
    /// keys themselves; nil unless they are all texts or all whole numbers.
    func keyList(_ encoded: [PostgresParameter]) -> (PostgresParameter, [PostgresParameter])? {
        var texts: [String] = [], numbers: [Int64] = []
        for p in encoded {
            switch p {
            case .text(let s): texts.append(s)
            case .integer(let i): numbers.append(i)
            default: return nil
            }
        }
        guard !encoded.isEmpty, texts.isEmpty || numbers.isEmpty else { return nil }
        return (texts.isEmpty ? .integers(numbers) : .texts(texts), encoded)
    }

    /// A key read back, in the form of the array it was asked with.
    static func keyParameter(_ cell: PostgresCell, like list: PostgresParameter) -> PostgresParameter? {
        switch list {
        case .integers: return (try? cell.decode(Int64.self)).map { .integer($0) }
        case .texts: return (try? cell.decode(String.self)).map { .text($0) }
        default: return nil
        }
    }

    /// `insertIfAbsent` of a row whose key `willInsert` looked up: false if
    /// the key is stored, true (the row waiting in the client) if it is new,
    /// nil if it was not among the keys looked up.
    func insertExpected(_ t: SQLTable, _ values: [Value], _ known: ExpectedKeys) throws(StoreError) -> Bool? {
        guard inTransaction, !onlyReading else { return nil }
        var known = known
        expected = nil
        var next: Int?
        let row = try prepareRow(t, values, next: &next)
        guard next == nil else { return nil }
        if known.stored.contains(row.keyArgument) {
            expected = known
            return false
        }
        guard known.new.remove(row.keyArgument) != nil else { return nil }
        try client.insertLater(row.arguments, into: t)
        known.stored.insert(row.keyArgument)
        expected = known
        return true
    }
}
