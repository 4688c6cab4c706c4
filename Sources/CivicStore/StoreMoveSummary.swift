/// What a copy, an export or an import of a whole store moved: each
/// entity's row count, in the order they were written. It holds no values,
/// so it can be shown without revealing anything private.
public struct StoreMoveSummary: Sendable, Equatable {
    /// An entity and how many rows of it were moved.
    public struct Entity: Sendable, Equatable {
        /// The entity's name (`$ledger` and the other books included).
        public var name: String
        /// How many of its rows were moved.
        public var rows: Int
    }

    /// Every entity moved, in the order its rows were written.
    public var entities: [Entity] = []

    public init() {}

    /// Every row moved.
    public var rows: Int { entities.reduce(0) { $0 + $1.rows } }

    /// The rows moved of one entity (0 if it has none).
    public func rows(of entity: String) -> Int {
        entities.first { $0.name == entity }?.rows ?? 0
    }
}
