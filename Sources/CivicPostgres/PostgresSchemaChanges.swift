import CivicStore
import CivicSyntax

// `prepare` for PostgreSQL: SchemaMigration plans what must change (and
// refuses what would lose data), and this applies the plan to the
// community's tables, inside the run's transaction.
extension PostgresStore {
    public func storedSchema() throws(StoreError) -> StoreSchema {
        try read { () throws(StoreError) in schema }
    }

    public func prepare(_ requested: StoreSchema) throws(StoreError) {
        // Outside a transaction (or in a snapshot that only reads), see first
        // whether anything changes: a store that already agrees is not written.
        let needed = try read { () throws(StoreError) in
            inTransaction && !onlyReading ? true : !(try plan(requested)).isEmpty
        }
        guard needed else { return }
        try write(atomic: true) { () throws(StoreError) in
            let changes = try plan(requested)
            if !changes.isEmpty { try apply(changes) }
        }
    }

    func plan(_ requested: StoreSchema) throws(StoreError) -> [SchemaChange] {
        try checkNames(requested)
        return try SchemaMigration.plan(
            stored: schema, requested: requested,
            rowCount: { name throws(StoreError) in
                guard let t = self.tables[name] else { return 0 }
                return try self.count("SELECT COUNT(*) FROM \(t.table)")
            },
            valueCount: { name, field throws(StoreError) in
                guard let t = self.tables[name], let i = t.entity.index(of: field) else { return 0 }
                return try self.count("SELECT COUNT(\(t.columns[i])) FROM \(t.table)")
            })
    }

    /// Names PostgreSQL cannot keep, or that are the store's own.
    func checkNames(_ requested: StoreSchema) throws(StoreError) {
        func plain(_ name: String, _ what: String) throws(StoreError) {
            if name.isEmpty { throw StoreError("\(what) needs a name") }
            if name.unicodeScalars.contains("\0") {
                throw StoreError("the name of \(what) '\(name)' holds a NUL character, which a PostgreSQL store cannot keep")
            }
            if name.utf8.count > PostgresName.maxLength {
                throw StoreError("the name of \(what) '\(name)' is longer than a PostgreSQL store keeps (\(PostgresName.maxLength) bytes)",
                                 hint: "give it a shorter name")
            }
        }
        for entity in requested.entities {
            try plain(entity.name, "an entity")
            if entity.name.lowercased().hasPrefix("civic_") {
                throw StoreError("the entity name '\(entity.name)' is kept for the store's own tables",
                                 hint: "names starting with 'civic_' belong to the store; rename the entity")
            }
            for field in entity.fields {
                try plain(field.name, "a field of \(entity.name)")
                if field.name.lowercased() == SQLName.rowColumn {
                    throw StoreError("the field name '\(field.name)' of \(entity.name) is kept for the store's own use",
                                     hint: "rename the field")
                }
            }
        }
    }

    /// The name of the index kept for an indexed field (short: PostgreSQL cuts long names).
    func indexName(_ entity: String, _ field: String) -> String {
        PostgresName.quote(PostgresName.hashed("civic_index_", [entity, field]))
    }

    func createIndexSQL(_ t: SQLTable, _ i: Int) -> String {
        "CREATE INDEX IF NOT EXISTS \(indexName(t.entity.name, t.entity.fields[i].name)) ON \(t.table) (\(t.columns[i]))"
    }

    /// `CREATE TABLE`: `civic_row` first, a column per field, the key unique.
    func createTableSQL(_ t: SQLTable) -> String {
        var parts = ["\(SQLName.quotedRowColumn) BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"]
        for (i, column) in t.columns.enumerated() { parts.append("\(column) \(t.codecs[i].postgresType)") }
        if let k = t.keyIndex { parts.append("UNIQUE (\(t.columns[k]))") }
        return "CREATE TABLE \(t.table) (\(parts.joined(separator: ", ")))"
    }

    func createTable(_ t: SQLTable) throws(StoreError) {
        try client.execute(createTableSQL(t))
        for (i, field) in t.entity.fields.enumerated() where field.isIndexed && !field.isKey {
            try client.execute(createIndexSQL(t, i))
        }
    }

    /// Makes the tables agree with the planned changes and records the new schema.
    func apply(_ changes: [SchemaChange]) throws(StoreError) {
        transaction.located = [:]
        let newSchema = SchemaMigration.apply(changes, to: schema)
        var newTables: [String: SQLTable] = [:]
        for entity in newSchema.entities { newTables[entity.name] = SQLTable(entity, in: newSchema, namespace: namespace, dialect: PostgresDialect.self) }
        for change in changes {
            switch change {
            case .createEntity(let e):
                guard let t = newTables[e.name] else { continue }
                try createTable(t)
            case .addField(let name, let field):
                guard let t = newTables[name], let i = t.entity.index(of: field.name) else { continue }
                try client.execute("ALTER TABLE \(t.table) ADD COLUMN \(t.columns[i]) \(t.codecs[i].postgresType)")
                if let d = field.defaultValue, !d.isNone {
                    let v = try RowCheck.stored(d, for: field, of: name)
                    guard let e = t.codecs[i].parameter(v) else {
                        throw StoreError("\(name).\(field.name): the store cannot keep the default \(d.literal())")
                    }
                    _ = try client.query("UPDATE \(t.table) SET \(t.columns[i]) = $1", [e])
                }
                if field.isIndexed && !field.isKey { try client.execute(createIndexSQL(t, i)) }
            case .dropField(let name, let field):
                guard let t = newTables[name] else { continue }
                try client.execute("DROP INDEX IF EXISTS \(namespace).\(indexName(name, field))")
                try client.execute("ALTER TABLE \(t.table) DROP COLUMN \(PostgresName.quote(field))")
            case .updateField(let name, let field):
                guard let t = newTables[name], let i = t.entity.index(of: field.name), !field.isKey else { continue }
                if field.isIndexed {
                    try client.execute(createIndexSQL(t, i))
                } else {
                    try client.execute("DROP INDEX IF EXISTS \(namespace).\(indexName(name, field.name))")
                }
            }
        }
        try client.execute("DELETE FROM \(namespace).civic_schema")
        for (i, entity) in newSchema.entities.enumerated() {
            _ = try client.query("INSERT INTO \(namespace).civic_schema (position, entity, fields) VALUES ($1, $2, $3)",
                                 [.integer(Int64(i)), .text(entity.name), .text(StoredForms.fieldsJSON(entity))])
        }
        let version = try storedSchemaVersion() + 1
        _ = try client.query("UPDATE \(namespace).civic_meta SET value = $1 WHERE name = 'schema_version'", [.text(String(version))])
        schema = newSchema
        tables = newTables
        schemaVersion = version
        // Inside a run's transaction, a rollback must read the schema again.
        if !transaction.marks.isEmpty { transaction.schemaChanged = true }
    }
}
