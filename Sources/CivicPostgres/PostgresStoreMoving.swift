import CivicStore

// What moving a store needs of `PostgresStore` beyond a run's reads and
// writes: its generated-key sequences (`civic_sequence`) and emptying it.
extension PostgresStore {
    public func nextKey(_ entity: String) throws(StoreError) -> Int {
        try read { () throws(StoreError) in
            _ = try table(entity)
            return try nextID(entity)
        }
    }

    public func setNextKey(_ entity: String, to next: Int) throws(StoreError) {
        try write(atomic: false) { () throws(StoreError) in
            _ = try table(entity)
            try setNextID(entity, next)
        }
    }

    public func removeEverything() throws(StoreError) {
        try write(atomic: true) { () throws(StoreError) in
            for t in tables.values { try client.execute("DROP TABLE \(t.table)") }
            try client.execute("DELETE FROM \(namespace).civic_schema")
            try client.execute("DELETE FROM \(namespace).civic_sequence")
            let version = try storedSchemaVersion() + 1
            _ = try client.query("UPDATE \(namespace).civic_meta SET value = $1 WHERE name = 'schema_version'", [.text(String(version))])
            install(StoreSchema(entities: []))
            transaction.nextIDs = [:]
            transaction.located = [:]
            schemaVersion = version
            // Inside a run's transaction, a rollback must read the schema again.
            if !transaction.marks.isEmpty { transaction.schemaChanged = true }
        }
    }

    /// Whether the community `location` names is a Civic store already
    /// (or, with `asStore` false, whether its PostgreSQL schema is there at
    /// all), found without making it: opening a store makes a missing one.
    public static func exists(_ location: PostgresLocation, asStore: Bool = true) throws(StoreError) -> Bool {
        let client = try PostgresClient.connect(location)
        defer { client.close() }
        let sql = asStore
            ? "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = 'civic_meta'"
            : "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1"
        return !(try client.query(sql, [.text(location.community)])).rows.isEmpty
    }
}

extension PostgresStore {
    /// Drops the community's schema with everything in it, and closes the
    /// store: for a copy that made the community and then failed, so that
    /// the server is left as it was. A transaction still open is rolled back.
    public func removeCommunity() throws(StoreError) {
        if inTransaction { rollback() }
        try client.execute("DROP SCHEMA IF EXISTS \(namespace) CASCADE")
        close()
    }
}
