import CivicSyntax

/// Writes a whole store's contents into another, inside the target's open
/// transaction: the schema first, then each entity's rows in their order,
/// then its next generated key (`StoreCopy`, and an export file's import).
///
/// A row is added with the references the target cannot check yet (to a
/// row of its own entity, or of an entity whose rows come later) left none,
/// and `finish` sets them afterwards, so that rows referring to each other
/// in any order are copied whole.
public final class StoreFill {
    let target: Store
    /// The schema being written.
    public let schema: StoreSchema
    /// The entities whose rows are written.
    private var done: Set<String> = []
    /// References set by `finish`: entity, field, and each row's key and value.
    private var later: [(entity: String, field: String, changes: [(key: Value, value: Value)])] = []
    /// What was written so far.
    public private(set) var summary = StoreMoveSummary()

    /// Checks that `target` holds nothing (or, with `replace`, empties it),
    /// and gives it `schema`, exactly as it is.
    public init(into target: Store, schema: StoreSchema, replace: Bool) throws(StoreError) {
        self.target = target
        self.schema = schema
        let stored = try target.storedSchema()
        if !stored.entities.isEmpty {
            guard replace else {
                throw StoreError("\(target.description) is not empty: it holds \(stored.entities.count) entit\(stored.entities.count == 1 ? "y" : "ies")",
                                 hint: "name a new file or community, or add --replace to empty it first (everything it holds is then lost)")
            }
            try target.removeEverything()
        }
        try target.prepare(schema)
        guard try target.storedSchema() == schema else {
            throw StoreError("\(target.description) cannot keep the schema exactly as it is stored")
        }
    }

    /// The entities in the order their rows are written: an entity after
    /// those its fields refer to, where references do not go round in a
    /// circle, and otherwise in the schema's order.
    public static func order(of schema: StoreSchema) -> [StoredEntity] {
        var placed: [StoredEntity] = []
        var state: [String: Bool] = [:] // false: being placed, true: placed
        func place(_ entity: StoredEntity) {
            if state[entity.name] != nil { return }
            state[entity.name] = false
            for field in entity.fields {
                if let target = referredEntity(field.type), let other = schema.entity(target) { place(other) }
            }
            state[entity.name] = true
            placed.append(entity)
        }
        for entity in schema.entities { place(entity) }
        return placed
    }

    /// The entity a field of this type refers to, through lists too.
    static func referredEntity(_ type: StoredType) -> String? {
        switch type {
        case .reference(let name): return name
        case .list(let element): return referredEntity(element)
        default: return nil
        }
    }

    /// Writes all the rows of `entity`, in their order, and the key its next
    /// row gets. Each entity is written once.
    public func add(_ entity: String, rows: [[Value]], nextKey: Int) throws(StoreError) {
        guard let stored = schema.entity(entity) else { throw StoreError("the store has no entity '\(entity)'") }
        guard !done.contains(entity) else { throw StoreError("the rows of \(entity) are given twice") }
        guard let k = stored.fields.firstIndex(where: \.isKey) else {
            throw StoreError("the store has no entity '\(entity)' with a key")
        }
        let waiting = stored.fields.indices.filter { i in
            guard !stored.fields[i].isKey, case .reference(let other) = stored.fields[i].type else { return false }
            return other == entity || !done.contains(other)
        }
        var written = rows
        for i in waiting {
            var changes: [(key: Value, value: Value)] = []
            for r in written.indices where i < written[r].count && k < written[r].count && !written[r][i].isNone {
                changes.append((written[r][k], written[r][i]))
                written[r][i] = .none
            }
            if !changes.isEmpty { later.append((entity, stored.fields[i].name, changes)) }
        }
        try target.insert(entity, rows: written)
        if try target.nextKey(entity) != nextKey { try target.setNextKey(entity, to: nextKey) }
        done.insert(entity)
        summary.entities.append(StoreMoveSummary.Entity(name: entity, rows: rows.count))
    }

    /// Runs `body`, which fills `target`, in a transaction of the target:
    /// committed when `body` and then `check` succeed, rolled back on any error.
    static func committing(_ target: Store, check: (Store) throws(StoreError) -> Void,
                           _ body: () throws(StoreError) -> StoreFill) throws(StoreError) -> StoreMoveSummary {
        try target.begin()
        do throws(StoreError) {
            let fill = try body()
            try check(target)
            try target.commit()
            return fill.summary
        } catch {
            target.rollback()
            throw error
        }
    }

    /// Checks that `target`, read back, has the fingerprint (`StoreFingerprint`) of `source`.
    static func confirm(_ target: Store, holds expected: String, from source: String) throws(StoreError) {
        guard try StoreFingerprint.of(target).text == expected else {
            throw StoreError("\(target.description) does not hold exactly what \(source) holds, so the copy was not kept")
        }
    }

    /// Sets the references left for later; every entity's rows must have been written.
    public func finish() throws(StoreError) {
        if let missing = schema.entities.first(where: { !done.contains($0.name) }) {
            throw StoreError("the rows of \(missing.name) are missing")
        }
        for (entity, field, changes) in later { try target.update(entity, field: field, changes) }
        later = []
    }
}
