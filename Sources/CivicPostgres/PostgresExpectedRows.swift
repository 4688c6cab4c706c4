import CivicStore

// An events file's events, looked up many at a time. Before the engine
// applies the next events of a file, it names their keys (`willInsert`);
// one statement finds which are stored. Each event is then stored with no
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
    public func willInsert(_ entity: String, keys: [Value]) throws(StoreError) {
        expected = nil
        guard inTransaction, !onlyReading, keys.count > 1, let t = tables[entity], let k = t.keyIndex, !t.generatesKey else { return }
        var texts: [String] = [], numbers: [Int64] = []
        var wanted: [PostgresParameter] = []
        wanted.reserveCapacity(keys.count)
        for key in keys {
            switch t.codecs[k].lookupParameter(key) {
            case .text(let s)?: texts.append(s); wanted.append(.text(s))
            case .integer(let i)?: numbers.append(i); wanted.append(.integer(i))
            default: continue
            }
        }
        // Keys of one kind only, as a key column holds.
        guard !wanted.isEmpty, texts.isEmpty || numbers.isEmpty else { return }
        let list: PostgresParameter = texts.isEmpty ? .integers(numbers) : .texts(texts)
        var stored = Set<PostgresParameter>()
        for cell in try firstColumn("SELECT \(t.keyColumn) FROM \(t.table) WHERE \(t.keyColumn) = ANY($1)", [list]) {
            if texts.isEmpty, let i = try? cell.decode(Int64.self) {
                stored.insert(.integer(i))
            } else if !texts.isEmpty, let s = try? cell.decode(String.self) {
                stored.insert(.text(s))
            } else {
                return // a key read back in another form: no guesses, each row is sent as it comes
            }
        }
        expected = ExpectedKeys(entity: entity, new: Set(wanted).subtracting(stored), stored: stored)
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
