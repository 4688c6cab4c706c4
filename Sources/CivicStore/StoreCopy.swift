/// Copies everything one store holds into another (`civic copy`): the
/// schema, every row of every entity (the books and the events included)
/// in its order, and the generated-key sequences, between any two engines.
public enum StoreCopy {
    /// Copies `source` into `target` as one transaction of the target, and
    /// reads `source` in a read transaction, changing nothing in it. The
    /// target must hold nothing, unless `replace` (then it is emptied in the
    /// same transaction). Before the target commits, the copy must have the
    /// source's fingerprint and pass `check`; on any error the target is left
    /// exactly as it was.
    public static func copy(from source: Store, to target: Store, replace: Bool = false,
                            check: (Store) throws(StoreError) -> Void = { _ in }) throws(StoreError) -> StoreMoveSummary {
        guard source !== target else { throw StoreError("a store cannot be copied into itself") }
        try source.beginReading()
        defer { source.rollback() }
        let schema = try source.storedSchema()
        return try StoreFill.committing(target, check: check) { () throws(StoreError) in
            let fill = try StoreFill(into: target, schema: schema, replace: replace)
            var sent = StoreFingerprint(schema)
            for entity in StoreFill.order(of: schema) {
                let rows = try source.fetch(StoreQuery(entity: entity.name), []).map(\.values)
                let next = try source.nextKey(entity.name)
                sent.add(entity.name, rows: rows, nextKey: next)
                try fill.add(entity.name, rows: rows, nextKey: next)
            }
            try fill.finish()
            try StoreFill.confirm(target, holds: sent.text, from: source.description)
            return fill
        }
    }
}
