import CivicSyntax

/// What a store holds, as one checksum: its schema (every entity's fields as
/// stored, in order), every entity's rows in the order they were added, and
/// the key each entity's next row gets. Two stores with the same fingerprint
/// hold the same community; a copy is checked against its original with it.
public struct StoreFingerprint: Sendable, Equatable {
    var sum = Checksum()

    /// The fingerprint begun with a schema; the entities' rows are added
    /// next, in `StoreFill.order(of:)`.
    public init(_ schema: StoreSchema) {
        for entity in schema.entities { sum.add("entity \(entity.name) \(StoredForms.fieldsJSON(entity))\n") }
    }

    /// Adds an entity's rows, in their order, and its next generated key.
    public mutating func add(_ entity: String, rows: [[Value]], nextKey: Int) {
        sum.add("rows \(entity) \(rows.count) \(nextKey)\n")
        let options = FormatOptions(reveal: true)
        for row in rows { sum.add(row.map { $0.literal(options) }.joined(separator: "\t") + "\n") }
    }

    /// The checksum as text.
    public var text: String { sum.text }

    /// The fingerprint of what `store` holds, read inside the caller's transaction.
    public static func of(_ store: Store) throws(StoreError) -> StoreFingerprint {
        let schema = try store.storedSchema()
        var fingerprint = StoreFingerprint(schema)
        for entity in StoreFill.order(of: schema) {
            let rows = try store.fetch(StoreQuery(entity: entity.name), []).map(\.values)
            fingerprint.add(entity.name, rows: rows, nextKey: try store.nextKey(entity.name))
        }
        return fingerprint
    }
}
