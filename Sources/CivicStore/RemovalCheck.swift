/// What every SQL engine asks before it removes a row: whether another row
/// refers to it. A reference keeps the row it names, so the row is removed
/// only when no row of any entity (the row itself aside) holds its key in a
/// field that refers to its entity.
public enum RemovalCheck {
    /// A statement that finds one row referring to the row to remove, and
    /// the error to give if it finds one.
    public struct Probe<Argument> {
        public let sql: String
        public let arguments: [Argument]
        public let refusal: StoreError
    }

    /// The probes for removing the row of `table` whose key is `key`
    /// (`stored` as a key lookup binds it) and whose `civic_row` is `row`.
    public static func probes<Dialect: SQLDialect>(_ dialect: Dialect.Type, removing key: Value, stored: Dialect.Argument, row: Int64,
                                                   of table: SQLTable, tables: [String: SQLTable], schema: StoreSchema) -> [Probe<Dialect.Argument>] {
        let entity = table.entity.name
        var out: [Probe<Dialect.Argument>] = []
        for other in schema.entities {
            guard let o = tables[other.name] else { continue }
            for (i, field) in other.fields.enumerated() where field.type == .reference(entity) {
                var w = SQLWriter<Dialect>()
                var sql = "SELECT 1 FROM \(o.table) AS t0 WHERE \(Dialect.equality("t0.\(o.columns[i])", o.codecs[i], stored, &w))"
                if other.name == entity { sql += " AND t0.\(SQLName.quotedRowColumn) <> \(w.bind(row))" }
                let refusal = StoreError("\(entity) \(table.entity.shown(key: key)) cannot be removed: a \(other.name) refers to it in '\(field.name)'")
                out.append(Probe(sql: sql + " LIMIT 1", arguments: w.arguments, refusal: refusal))
            }
        }
        return out
    }
}
