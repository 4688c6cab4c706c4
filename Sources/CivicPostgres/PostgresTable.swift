import CivicStore

/// What the store knows about one entity's table, made once per schema.
final class PostgresTable {
    let entity: StoredEntity
    /// The quoted, schema-qualified table name: `"sunny"."Resident"`.
    let table: String
    /// The quoted column names, in field order.
    let columns: [String]
    let codecs: [PostgresCodec]
    let shape: RecordShape
    let keyIndex: Int?
    /// The columns of a row as `t0."a", t0."b"`, for a SELECT list.
    let selectList: String
    /// `INSERT INTO ... VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`: a row
    /// whose key is stored is not added (and no error aborts the transaction).
    let insertSQL: String
    /// The row with the key given as $1, and whether there is one.
    let lookupSQL: String, existsSQL: String
    /// The `civic_row` of the row with the key given as $1.
    let locateSQL: String
    /// The key column (or `civic_row` for a table without a key).
    let keyColumn: String
    /// The fields that hold references (checked on every insert).
    let referenceIndexes: [Int]
    /// Whether the key is a Number the store makes.
    let generatesKey: Bool

    init(_ entity: StoredEntity, in schema: StoreSchema, namespace: String) {
        self.entity = entity
        table = namespace + "." + PostgresName.quote(entity.name)
        columns = entity.fields.map { PostgresName.quote($0.name) }
        codecs = entity.fields.map { PostgresCodec.make($0.type, in: schema) }
        shape = PostgresStore.shape(of: entity)
        keyIndex = entity.fields.firstIndex(where: \.isKey)
        selectList = columns.isEmpty ? "1" : columns.map { "t0.\($0)" }.joined(separator: ", ")
        let names = columns
        keyColumn = keyIndex.map { names[$0] } ?? PostgresName.quote(PostgresName.rowColumn)
        let values = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        insertSQL = columns.isEmpty
            ? "INSERT INTO \(table) DEFAULT VALUES"
            : "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(values))"
                + (keyIndex == nil ? "" : " ON CONFLICT (\(keyColumn)) DO NOTHING")
        lookupSQL = "SELECT \(selectList) FROM \(table) AS t0 WHERE t0.\(keyColumn) = $1"
        existsSQL = "SELECT 1 FROM \(table) WHERE \(keyColumn) = $1 LIMIT 1"
        locateSQL = "SELECT \(PostgresName.quote(PostgresName.rowColumn)) FROM \(table) WHERE \(keyColumn) = $1"
        referenceIndexes = entity.fields.indices.filter { i in
            if case .reference = entity.fields[i].type { return true }
            return false
        }
        generatesKey = keyIndex.map { entity.fields[$0].isGenerated && entity.fields[$0].type == .number } ?? false
    }

    /// `CREATE TABLE`: `civic_row` first, a column per field, the key unique.
    var createSQL: String {
        var parts = ["\(PostgresName.quote(PostgresName.rowColumn)) BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"]
        for (i, column) in columns.enumerated() { parts.append("\(column) \(codecs[i].sqlType)") }
        if let k = keyIndex { parts.append("UNIQUE (\(columns[k]))") }
        return "CREATE TABLE \(table) (\(parts.joined(separator: ", ")))"
    }
}
