import CivicSyntax

/// The data store a script runs against.
///
/// No engine leaks through this protocol: the runtime sees only what is
/// declared here, in the language's own values. Engines: `MemoryStore` (tests,
/// and runs without `--db`) and `SQLiteStore` (the embedded default, a file).
///
/// One run is one transaction: `begin` before the first statement, `commit`
/// after the last, `rollback` on any error, so a failed run leaves the store
/// exactly as it was. The REPL keeps a savepoint per input.
public protocol Store: AnyObject {
    /// What the store is, for messages: "memory", "SQLite file community.sqlite".
    var description: String { get }

    /// The schema the store holds (no entities for a new store).
    func storedSchema() throws(StoreError) -> StoreSchema
    /// Makes the store agree with `schema`: creates the tables of new
    /// entities, adds new fields (filling existing rows with the default),
    /// and refuses any change that would lose data, saying what would be lost.
    /// Entities the schema does not mention are kept as they are.
    func prepare(_ schema: StoreSchema) throws(StoreError)

    func begin() throws(StoreError)
    /// Begins a run's transaction for a run that only reads (`StoreWrites`
    /// says so of its script): an engine may then let other connections
    /// write while it runs, the run reading the store as it was when it
    /// began. It ends with `commit` or `rollback`, as `begin`'s does. A
    /// write inside it is still made in the same transaction if the engine
    /// can make it without losing another connection's update, and fails
    /// (the store is busy) otherwise. Engines that have no such thing
    /// begin an ordinary transaction.
    func beginReading() throws(StoreError)
    func commit() throws(StoreError)
    func rollback()
    func savepoint(_ name: String) throws(StoreError)
    func releaseSavepoint(_ name: String) throws(StoreError)
    func rollback(toSavepoint name: String) throws(StoreError)

    /// Adds a row, values in the entity's field order (a generated key may be
    /// none), and gives back its key. The values are already checked against
    /// the field types (see `RowCheck`).
    func insert(_ entity: String, _ values: [Value]) throws(StoreError) -> Value
    /// Changes fields of the row with this key.
    func update(_ entity: String, key: Value, _ changes: [(field: String, value: Value)]) throws(StoreError)
    /// Sets one field of many rows, each found by its key, as `update` does
    /// for one row: all of them or, on an error (no row with the key, a value
    /// the field cannot keep, a reference to no row), none. Each key is given
    /// once (a key given twice gets one of its values).
    func update(_ entity: String, field: String, _ changes: [(key: Value, value: Value)]) throws(StoreError)
    func delete(_ entity: String, key: Value) throws(StoreError)
    /// The row with this key, or nil.
    func row(_ entity: String, key: Value) throws(StoreError) -> Record?
    /// Whether a row with this key is stored.
    func contains(_ entity: String, key: Value) throws(StoreError) -> Bool
    /// Adds a row (its key given) unless a row with its key is stored; false
    /// if one was, and then nothing changes.
    func insertIfAbsent(_ entity: String, _ values: [Value]) throws(StoreError) -> Bool
    /// Says that these rows (values in field order) are about to be given
    /// to `insertIfAbsent`, one by one and in this order (an events file's
    /// next events). Only a hint: an engine that talks to a server finds
    /// which keys are stored, and the rows their references name, a few
    /// statements for all of them, and may send the new rows many to a
    /// statement, before anything could see that they were held back.
    func willInsert(_ entity: String, rows: [[Value]]) throws(StoreError)

    /// Adds many rows at once (values in field order, as for `insert`): all
    /// of them or, on any error, none. A key given twice is an error.
    func insert(_ entity: String, rows: [[Value]]) throws(StoreError)
    /// Writes many rows at once, each with its key given: a row whose key is
    /// stored replaces the stored one, any other is added. All or none.
    func put(_ entity: String, rows: [[Value]]) throws(StoreError)

    /// The rows a query selects, in its order.
    func fetch(_ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> [Record]
    /// An aggregate over the rows a query selects: count and sum give a
    /// Number (0 for no rows), exists a Bool, average, min and max the value
    /// or none for no values. None values are left out.
    func aggregate(_ aggregate: StoreAggregate, _ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> Value

    /// Every entity's rows, in key order, as text: for tests that compare a
    /// whole store before and after.
    func dump() throws(StoreError) -> String

    /// The key the next row of `entity` gets when the store makes its key
    /// (1 for an entity that has had no row yet): what `insert` would give.
    func nextKey(_ entity: String) throws(StoreError) -> Int
    /// Sets the key the next row of `entity` gets when the store makes it,
    /// so that a store moved elsewhere numbers its next row as the original
    /// would (`StoreCopy`). Inside the open transaction, as any write.
    func setNextKey(_ entity: String, to next: Int) throws(StoreError)
    /// Removes every entity, with its rows, indexes and key sequence,
    /// leaving the store as a new one (`civic copy --replace`). Inside the
    /// open transaction, so that a rollback brings everything back.
    func removeEverything() throws(StoreError)
}

extension Store {
    public func beginReading() throws(StoreError) { try begin() }

    /// Whether the store holds `schema` as it is, so that `prepare` would
    /// change nothing (a change it would refuse counts as a change).
    public func agrees(with schema: StoreSchema) throws(StoreError) -> Bool {
        let stored = try storedSchema()
        let changes = try? SchemaMigration.plan(stored: stored, requested: schema, rowCount: { _ in 0 }, valueCount: { _, _ in 0 })
        return changes?.isEmpty == true
    }

    /// One `update` per row, inside a savepoint; engines that can do better do.
    public func update(_ entity: String, field: String, _ changes: [(key: Value, value: Value)]) throws(StoreError) {
        if changes.isEmpty { return }
        try allOrNothing { () throws(StoreError) in
            for c in changes { try update(entity, key: c.key, [(field: field, value: c.value)]) }
        }
    }

    public func contains(_ entity: String, key: Value) throws(StoreError) -> Bool {
        try row(entity, key: key) != nil
    }

    public func willInsert(_ entity: String, rows: [[Value]]) throws(StoreError) {}

    public func insertIfAbsent(_ entity: String, _ values: [Value]) throws(StoreError) -> Bool {
        guard let k = try storedSchema().entity(entity)?.fields.firstIndex(where: \.isKey), k < values.count else {
            throw StoreError("the store has no entity '\(entity)' with a key")
        }
        if try contains(entity, key: values[k]) { return false }
        _ = try insert(entity, values)
        return true
    }

    /// Row by row, inside a savepoint so that a failure keeps nothing.
    public func insert(_ entity: String, rows: [[Value]]) throws(StoreError) {
        try allOrNothing { () throws(StoreError) in
            for r in rows { _ = try insert(entity, r) }
        }
    }

    public func put(_ entity: String, rows: [[Value]]) throws(StoreError) {
        guard let stored = try storedSchema().entity(entity), let k = stored.key.flatMap({ stored.index(of: $0.name) }) else {
            throw StoreError("the store has no entity '\(entity)' with a key")
        }
        try allOrNothing { () throws(StoreError) in
            for r in rows where r.count == stored.fields.count {
                if try contains(entity, key: r[k]) {
                    let changes = stored.fields.indices.filter { $0 != k }.map { (field: stored.fields[$0].name, value: r[$0]) }
                    try update(entity, key: r[k], changes)
                } else {
                    _ = try insert(entity, r)
                }
            }
        }
    }

    /// Runs `body` inside a savepoint of its own: on an error nothing it did is kept.
    func allOrNothing(_ body: () throws(StoreError) -> Void) throws(StoreError) {
        let name = "civic_batch"
        try savepoint(name)
        do throws(StoreError) {
            try body()
        } catch {
            try? rollback(toSavepoint: name)
            try? releaseSavepoint(name)
            throw error
        }
        try releaseSavepoint(name)
    }

    /// The shape of an entity's rows, shared by every row read.
    public static func shape(of entity: StoredEntity) -> RecordShape {
        RecordShape(entity.fields.map(\.name), typeName: entity.name,
                    privateFields: Set(entity.fields.filter(\.isPrivate).map(\.name)),
                    keyIndex: entity.fields.firstIndex(where: \.isKey))
    }
}
