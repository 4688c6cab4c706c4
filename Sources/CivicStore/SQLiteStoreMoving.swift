import Foundation
import GRDB

// What moving a store needs of `SQLiteStore` beyond a run's reads and
// writes: its generated-key sequences (`civic_sequence`) and emptying it.
extension SQLiteStore {
    public func nextKey(_ entity: String) throws(StoreError) -> Int {
        _ = try table(entity)
        return try run { db in try self.nextID(db, entity) }
    }

    public func setNextKey(_ entity: String, to next: Int) throws(StoreError) {
        _ = try table(entity)
        try write(atomic: false) { db in try self.setNextID(db, entity, next) }
    }

    public func removeEverything() throws(StoreError) {
        try write(atomic: true) { db in
            self.schemaInFlux = true
            for t in self.tables.values { try db.execute(sql: "DROP TABLE \(t.table)") }
            try self.exec(db, "DELETE FROM civic_schema")
            try self.exec(db, "DELETE FROM civic_sequence")
            self.install(StoreSchema(entities: []))
            self.transaction.nextIDs = [:]
            self.schemaInFlux = false
            // Inside a run's transaction, a rollback must read the schema again.
            if !self.transaction.marks.isEmpty { self.transaction.schemaChanged = true }
        }
    }
}

extension SQLiteStore {
    /// Opens the store in the file at `path` for reading only, as a copy's
    /// source: nothing can write to it, so the file stays byte for byte as
    /// it was. A missing file is refused (opening it to write would make one).
    public static func reading(path: String) throws(StoreError) -> SQLiteStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError("there is no store \(path)", hint: "give the path of an existing store file")
        }
        return try SQLiteStore(path: path, busyTimeoutMilliseconds: defaultBusyTimeoutMilliseconds, readOnly: true)
    }
}
