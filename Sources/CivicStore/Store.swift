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

    /// The rows a query selects, in its order.
    func fetch(_ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> [Record]
    /// An aggregate over the rows a query selects: count and sum give a
    /// Number (0 for no rows), exists a Bool, average, min and max the value
    /// or none for no values. None values are left out.
    func aggregate(_ aggregate: StoreAggregate, _ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> Value

    /// Every entity's rows, in key order, as text: for tests that compare a
    /// whole store before and after.
    func dump() throws(StoreError) -> String
}

extension Store {
    /// One `update` per row, inside a savepoint; engines that can do better do.
    public func update(_ entity: String, field: String, _ changes: [(key: Value, value: Value)]) throws(StoreError) {
        if changes.isEmpty { return }
        let name = "civic_update_field"
        try savepoint(name)
        do throws(StoreError) {
            for c in changes { try update(entity, key: c.key, [(field: field, value: c.value)]) }
            try releaseSavepoint(name)
        } catch {
            try? rollback(toSavepoint: name)
            try? releaseSavepoint(name)
            throw error
        }
    }

    /// The shape of an entity's rows, shared by every row read.
    public static func shape(of entity: StoredEntity) -> RecordShape {
        RecordShape(entity.fields.map(\.name), typeName: entity.name,
                    privateFields: Set(entity.fields.filter(\.isPrivate).map(\.name)),
                    keyIndex: entity.fields.firstIndex(where: \.isKey))
    }
}
