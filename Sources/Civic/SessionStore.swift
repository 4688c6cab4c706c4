import CivicStore

/// A store as a session sees it: everything goes to the real store, inside
/// a transaction that the session opens, keeps and ends (`commit` or
/// `rollback` from the session's owner). What the engine calls a run's
/// transaction becomes a savepoint in it, so a failed input rolls back to
/// where it started and the inputs before it stay.
///
/// Until an input that may write runs, the session holds only a
/// transaction that reads (`Store.beginReading`): it takes no lock, so
/// others write meanwhile, and each input that only reads begins a new one
/// and sees what they committed. The first input that may write (the
/// engine begins it with `begin`, not `beginReading`) ends that
/// transaction, in which nothing was written, and begins a writing one,
/// which the session keeps, with the lock, until it commits or rolls back.
final class SessionStore: Store {
    let base: Store
    /// The savepoint of the input being run.
    static let inputMark = "repl_input"
    /// Whether the session's transaction is one that writes (it holds the
    /// store's write lock); false while the inputs since the last commit
    /// have only read.
    private(set) var writing = false
    /// Whether the input being run began as one that may write.
    private var inputWrites = false
    /// Whether an input that may write succeeded since the last commit or
    /// rollback: what the session has to keep.
    private(set) var changedSinceCommit = false

    init(_ base: Store) { self.base = base }

    var description: String { base.description }

    // MARK: The session's own transaction

    /// Opens the session's transaction (after a commit or rollback too).
    func beginSession() throws(StoreError) {
        try base.beginReading()
        writing = false
        changedSinceCommit = false
    }

    /// Keeps what the inputs so far did, and opens a new transaction.
    func commitSession() throws(StoreError) {
        try base.commit()
        try beginSession()
    }

    /// Drops what the inputs since the last commit did, and opens a new transaction.
    func rollbackSession() throws(StoreError) {
        base.rollback()
        try beginSession()
    }

    /// Ends the session: keeps or drops what is not committed yet.
    func endSession(keep: Bool) throws(StoreError) {
        if keep { try base.commit() } else { base.rollback() }
        writing = false
        changedSinceCommit = false
    }

    /// Drops what is not committed, whatever state the store is in.
    func endSessionQuietly() {
        base.rollback()
        writing = false
        changedSinceCommit = false
    }

    // MARK: A run's transaction: a savepoint of the session's

    /// An input that may write: the session's transaction becomes a writing
    /// one first, if the inputs before it only read.
    func begin() throws(StoreError) {
        if !writing {
            // Nothing was written in the reading transaction: ending it loses nothing.
            try base.commit()
            try base.begin()
            writing = true
        }
        inputWrites = true
        try base.savepoint(SessionStore.inputMark)
    }

    /// An input that only reads: while the session has not written, it reads
    /// what others have committed up to now.
    func beginReading() throws(StoreError) {
        if !writing {
            try base.commit()
            try base.beginReading()
        }
        inputWrites = false
        try base.savepoint(SessionStore.inputMark)
    }

    func commit() throws(StoreError) {
        try base.releaseSavepoint(SessionStore.inputMark)
        if inputWrites { changedSinceCommit = true }
    }

    func rollback() {
        try? base.rollback(toSavepoint: SessionStore.inputMark)
        try? base.releaseSavepoint(SessionStore.inputMark)
    }

    // MARK: Everything else goes to the store as it is (each requirement of
    // `Store`, so that the engines' own fast ways are used)

    func storedSchema() throws(StoreError) -> StoreSchema { try base.storedSchema() }
    func prepare(_ schema: StoreSchema) throws(StoreError) { try base.prepare(schema) }
    func savepoint(_ name: String) throws(StoreError) { try base.savepoint(name) }
    func releaseSavepoint(_ name: String) throws(StoreError) { try base.releaseSavepoint(name) }
    func rollback(toSavepoint name: String) throws(StoreError) { try base.rollback(toSavepoint: name) }
    func insert(_ entity: String, _ values: [Value]) throws(StoreError) -> Value { try base.insert(entity, values) }
    func update(_ entity: String, key: Value, _ changes: [(field: String, value: Value)]) throws(StoreError) {
        try base.update(entity, key: key, changes)
    }
    func update(_ entity: String, field: String, _ changes: [(key: Value, value: Value)]) throws(StoreError) {
        try base.update(entity, field: field, changes)
    }
    func delete(_ entity: String, key: Value) throws(StoreError) { try base.delete(entity, key: key) }
    func row(_ entity: String, key: Value) throws(StoreError) -> Record? { try base.row(entity, key: key) }
    func contains(_ entity: String, key: Value) throws(StoreError) -> Bool { try base.contains(entity, key: key) }
    func insertIfAbsent(_ entity: String, _ values: [Value]) throws(StoreError) -> Bool { try base.insertIfAbsent(entity, values) }
    func willInsert(_ entity: String, rows: [[Value]]) throws(StoreError) { try base.willInsert(entity, rows: rows) }
    func insert(_ entity: String, rows: [[Value]]) throws(StoreError) { try base.insert(entity, rows: rows) }
    func put(_ entity: String, rows: [[Value]]) throws(StoreError) { try base.put(entity, rows: rows) }
    func fetch(_ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> [Record] { try base.fetch(query, parameters) }
    func aggregate(_ aggregate: StoreAggregate, _ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> Value {
        try base.aggregate(aggregate, query, parameters)
    }
    func dump() throws(StoreError) -> String { try base.dump() }
    func nextKey(_ entity: String) throws(StoreError) -> Int { try base.nextKey(entity) }
    func setNextKey(_ entity: String, to next: Int) throws(StoreError) { try base.setNextKey(entity, to: next) }
    func removeEverything() throws(StoreError) { try base.removeEverything() }
}
