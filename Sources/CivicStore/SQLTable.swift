/// What an SQL engine knows about one entity's table, made once per schema:
/// its quoted names, its columns' codecs and the statements every engine
/// sends for it, written in the engine's dialect. A class, so that the many
/// writes of a run share it instead of copying its dozen fields each time.
public final class SQLTable: Sendable {
    public let entity: StoredEntity
    /// The quoted table name (for PostgreSQL qualified by the community's
    /// schema: `"sunny"."Resident"`).
    public let table: String
    /// The quoted column names, in field order.
    public let columns: [String]
    /// How each column's values are kept, in field order.
    public let codecs: [ColumnCodec]
    /// The shape every row read from this table shares.
    public let shape: RecordShape
    public let keyIndex: Int?
    /// The key column (`civic_row` for a table without a key).
    public let keyColumn: String
    /// The columns of a row as `t0."a", t0."b"`, for a SELECT list.
    public let selectList: String
    /// `INSERT INTO "E" ("a", "b") VALUES (?1, ?2)`.
    public let insertSQL: String
    /// `ON CONFLICT ("key") DO NOTHING`: a row whose key is stored is not added.
    public let conflictIgnoreClause: String
    /// `ON CONFLICT ("key") DO UPDATE SET` every other column: a row whose
    /// key is stored replaces the stored one.
    public let conflictUpdateClause: String
    /// An INSERT that does nothing when the key is stored.
    public let insertIfAbsentSQL: String
    /// An INSERT that sets every other column of the row when its key is stored.
    public let upsertSQL: String
    /// The row with the key given as the first parameter.
    public let lookupSQL: String
    /// The `civic_row` of the row with the key given as the first parameter.
    public let locateSQL: String
    /// The fields that hold references (checked on every insert).
    public let referenceIndexes: [Int]
    /// Whether the key is a Number the store makes (an insert may move the sequence).
    public let generatesKey: Bool

    /// The table of `entity` in `schema`; `namespace` (quoted) qualifies its name.
    public init<Dialect: SQLDialect>(_ entity: StoredEntity, in schema: StoreSchema, namespace: String? = nil, dialect: Dialect.Type) {
        self.entity = entity
        table = (namespace.map { $0 + "." } ?? "") + SQLName.quote(entity.name)
        columns = entity.fields.map { SQLName.quote($0.name) }
        codecs = entity.fields.map { ColumnCodec.make($0.type, in: schema) }
        shape = MemoryStore.shape(of: entity)
        keyIndex = entity.fields.firstIndex(where: \.isKey)
        // An entity may lose all its fields (an empty table may drop any).
        selectList = columns.isEmpty ? "1" : columns.map { "t0.\($0)" }.joined(separator: ", ")
        let names = columns
        keyColumn = keyIndex.map { names[$0] } ?? SQLName.quotedRowColumn
        let first = Dialect.placeholder(1)
        insertSQL = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ("
            + columns.indices.map { Dialect.placeholder($0 + 1) }.joined(separator: ", ") + ")"
        conflictIgnoreClause = "ON CONFLICT (\(keyColumn)) DO NOTHING"
        let key = keyIndex
        let others = names.indices.filter { $0 != key }
        conflictUpdateClause = key == nil || others.isEmpty ? conflictIgnoreClause
            : "ON CONFLICT (\(keyColumn)) DO UPDATE SET " + others.map { "\(names[$0]) = excluded.\(names[$0])" }.joined(separator: ", ")
        insertIfAbsentSQL = insertSQL + " " + conflictIgnoreClause
        upsertSQL = insertSQL + " " + conflictUpdateClause
        lookupSQL = "SELECT \(selectList) FROM \(table) AS t0 WHERE t0.\(keyColumn) = \(first)"
        locateSQL = "SELECT \(SQLName.quotedRowColumn) FROM \(table) WHERE \(keyColumn) = \(first)"
        referenceIndexes = entity.fields.indices.filter { i in
            if case .reference = entity.fields[i].type { return true }
            return false
        }
        generatesKey = keyIndex.map { entity.fields[$0].isGenerated && entity.fields[$0].type == .number } ?? false
    }

    /// The key field of a row given to insert, which must have a value per field.
    public func keyField(ofInserted values: [Value]) throws(StoreError) -> Int {
        guard values.count == entity.fields.count, let k = keyIndex else {
            throw StoreError("a row of \(entity.name) needs \(entity.fields.count) values")
        }
        return k
    }

    /// The UPDATE that sets the columns at `indexes` to parameters 1, 2, ...
    /// in the row whose `civic_row` is the parameter after them.
    public func updateSQL<Dialect: SQLDialect>(_ indexes: [Int], _ dialect: Dialect.Type) -> String {
        let sets = indexes.enumerated().map { "\(columns[$0.element]) = \(Dialect.placeholder($0.offset + 1))" }
        return "UPDATE \(table) SET \(sets.joined(separator: ", ")) WHERE \(SQLName.quotedRowColumn) = \(Dialect.placeholder(indexes.count + 1))"
    }
}
