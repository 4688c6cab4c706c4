/// What an SQL store keeps of its open transaction, alike on every engine:
/// its savepoints, whether it changed the schema, the generated keys it has
/// handed out and the rows it has found by key. `StoredKey` is how the
/// engine binds a key (GRDB's `DatabaseValue`, a PostgreSQL parameter).
public struct SQLTransactionState<StoredKey: Hashable> {
    /// The open transaction and savepoints, as MemoryStore keeps its
    /// snapshots: the store's name for each and its SQL savepoint.
    public var marks: [(name: String, sql: String)] = []
    /// Whether `prepare` changed the schema in the open transaction (a
    /// rollback then reads the schema again).
    public var schemaChanged = false
    /// The next generated key per entity, as read from `civic_sequence`.
    public var nextIDs: [String: Int] = [:] {
        // Whenever these are forgotten (a rollback, a new schema), so are the rows located.
        didSet { if nextIDs.isEmpty { located = [:] } }
    }
    /// Rows found by key in the open transaction (entity and stored key →
    /// row number), so that a reference checked once is not looked up
    /// again. Forgotten when a row is removed and when the transaction ends.
    public var located: [LocatedKey: Int64] = [:]

    /// A row's key in `located`: its entity and its stored key.
    public struct LocatedKey: Hashable {
        public var entity: String
        public var key: StoredKey

        public init(entity: String, key: StoredKey) {
            self.entity = entity
            self.key = key
        }
    }

    public init() {}

    /// The position in `marks` of the last savepoint named `name`.
    public func mark(_ name: String) throws(StoreError) -> Int {
        guard let i = marks.lastIndex(where: { $0.name == name }) else {
            throw StoreError("no savepoint named '\(name)'")
        }
        return i
    }

    /// The transaction has ended (committed, or a new one begun): its
    /// savepoints and rows found are forgotten, its generated keys kept.
    public mutating func end() {
        marks = []
        schemaChanged = false
        located = [:]
    }
}
