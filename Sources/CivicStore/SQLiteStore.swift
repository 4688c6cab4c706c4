import CivicSyntax
import Foundation
import GRDB

/// A store in a SQLite file (or in memory): the embedded default engine.
///
/// It answers every call with exactly the results `MemoryStore` gives. One
/// table per entity, named after it, with a column per field (plus
/// `civic_row`, which keeps rows in the order they were added); the schema,
/// the store format and the next generated keys live in `civic_schema`,
/// `civic_meta` and `civic_sequence`. Values are encoded exactly (see
/// ColumnCodec.swift and SQLiteValues.swift); queries become one
/// parameterized SELECT (QueryLowering, written in SQLiteDialect; see
/// SQLiteQuery.swift).
///
/// Files use WAL journal mode. A run's `begin` takes the write lock
/// (BEGIN IMMEDIATE), waiting up to the busy timeout for another run to
/// finish; `beginReading`, for a run that only reads, takes none. Everything a run does, schema changes included, happens inside
/// its transaction, so `rollback` leaves the file exactly as it was.
public final class SQLiteStore: Store {
    /// The format of the files this version of Civic writes. A file with a
    /// higher format was written by a newer Civic and is refused.
    public static let format = 1
    /// How long `begin` (and any write) waits for another run holding the file.
    public static let defaultBusyTimeoutMilliseconds = 5_000

    let queue: DatabaseQueue
    /// The file as the user named it; nil in memory.
    public let path: String?
    let readOnly: Bool
    /// How the store is named in messages.
    let displayName: String

    var schema = StoreSchema(entities: [])
    var tables: [String: SQLTable] = [:]
    /// SQLite's `data_version` when the schema was read: it changes when
    /// another connection commits.
    var dataVersion: Int64 = -1
    /// The open transaction: its savepoints, generated keys and rows found by key.
    var transaction = SQLTransactionState<DatabaseValue>()
    typealias LocatedKey = SQLTransactionState<DatabaseValue>.LocatedKey
    /// Set while `prepare` changes tables: if it fails, the schema is read again.
    var schemaInFlux = false
    /// Whether the page cache is SQLite's small one (see `useCache`).
    var smallCache = false

    /// Opens the store in the file at `path`, or makes a new one there.
    public convenience init(path: String, busyTimeoutMilliseconds: Int = SQLiteStore.defaultBusyTimeoutMilliseconds) throws(StoreError) {
        try self.init(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, readOnly: false)
    }

    /// `readOnly` opens the file for reading only, as SQLite does by itself
    /// for a file that may not be written (tests use it where permissions
    /// cannot be taken away).
    convenience init(path: String, busyTimeoutMilliseconds: Int, readOnly forced: Bool) throws(StoreError) {
        let files = FileManager.default
        let readOnly = forced || (files.fileExists(atPath: path) && !files.isWritableFile(atPath: path))
        let configuration = SQLiteStore.configuration(busyTimeoutMilliseconds: busyTimeoutMilliseconds, readOnly: readOnly)
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw SQLiteStore.storeError(error, name: path)
        }
        try self.init(queue: queue, path: path, readOnly: readOnly)
    }

    /// A new store in memory, for tests.
    public static func inMemory() throws(StoreError) -> SQLiteStore {
        let configuration = SQLiteStore.configuration(busyTimeoutMilliseconds: defaultBusyTimeoutMilliseconds, readOnly: false)
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: configuration)
        } catch {
            throw SQLiteStore.storeError(error, name: "in memory")
        }
        return try SQLiteStore(queue: queue, path: nil, readOnly: false)
    }

    init(queue: DatabaseQueue, path: String?, readOnly: Bool) throws(StoreError) {
        self.queue = queue
        self.path = path
        self.readOnly = readOnly
        self.displayName = path ?? "in memory"
        try run(refresh: false) { db in try self.open(db) }
    }

    static func configuration(busyTimeoutMilliseconds: Int, readOnly: Bool) -> Configuration {
        var c = Configuration()
        c.foreignKeysEnabled = false
        c.readonly = readOnly
        // A run's transaction spans many calls.
        c.allowsUnsafeTransactions = true
        c.label = "Civic store"
        let milliseconds = max(0, busyTimeoutMilliseconds)
        c.prepareDatabase { db in
            try db.execute(sql: "PRAGMA busy_timeout = \(milliseconds)")
            try db.execute(sql: "PRAGMA cache_size = \(SQLiteStore.writingCacheSize)")
            db.add(collation: SQLiteFunctions.textCollation)
            db.add(function: SQLiteFunctions.listEqual)
            db.add(function: SQLiteFunctions.durationOrder)
        }
        return c
    }

    /// Closes the file: SQLite copies the write-ahead log into it and
    /// removes the `-wal` and `-shm` files, so that the store is whole in
    /// its one file (a copy of it alone holds everything). Commands call it
    /// before they exit, since the process may end before the store would
    /// be let go. The store cannot be used afterwards; closing twice does
    /// nothing.
    public func close() {
        try? queue.close()
    }

    public var description: String {
        path.map { "SQLite file \($0)" } ?? "SQLite in memory"
    }

    /// The page cache of a transaction that writes: a run is one long
    /// transaction over tables that grow large, and keeps up to 64 MiB of
    /// pages in memory rather than SQLite's 2 MiB.
    static let writingCacheSize = "-65536"
    /// SQLite's own page cache, for a run that only reads: it reads most
    /// pages once, and the operating system keeps the file in memory. Filling
    /// the 64 MiB cost a page fault for every 4 KiB page read, as much time
    /// as the query itself for a scan of a million rows (13,000 faults).
    static let readingCacheSize = "-2000"

    /// Sets the cache for the transaction about to begin, if it changes.
    func useCache(_ db: Database, forReading reading: Bool) throws {
        guard reading != smallCache else { return }
        try db.execute(sql: "PRAGMA cache_size = \(reading ? SQLiteStore.readingCacheSize : SQLiteStore.writingCacheSize)")
        smallCache = reading
    }

    // MARK: Opening

    /// Checks that the file is a Civic store this version can read (or an
    /// empty database, which becomes one), and reads its schema.
    func open(_ db: Database) throws {
        // STRICT tables (3.37), DROP COLUMN (3.35) and json_each built in (3.38).
        if case .string(let version)? = try values(db, "SELECT sqlite_version()").first?.storage {
            let parts = version.split(separator: ".").compactMap { Int($0) }
            if parts.count >= 2, (parts[0], parts[1]) < (3, 38) {
                throw StoreError("Civic needs SQLite 3.38 or newer, and this system has SQLite \(version)")
            }
        }
        var names: [String] = []
        for value in try values(db, "SELECT name FROM sqlite_master WHERE type = 'table'") {
            if case .string(let s) = value.storage { names.append(s) }
        }
        if names.contains("civic_meta") {
            let stored = try values(db, "SELECT value FROM civic_meta WHERE name = 'format'").first
            guard case .string(let text)? = stored?.storage, let format = Int(text) else {
                throw StoreError("\(displayName) is not a Civic store (its civic_meta table has no format)")
            }
            if format > SQLiteStore.format {
                throw StoreError("\(displayName): this store was written by a newer Civic (format \(format)); this Civic reads up to format \(SQLiteStore.format)",
                                 hint: "open it with the newer Civic that wrote it; this one leaves it untouched")
            }
        } else if names.contains(where: { !$0.lowercased().hasPrefix("sqlite_") }) {
            throw StoreError("\(displayName) is not a Civic store (a SQLite database without Civic's tables)",
                             hint: "give the name of a Civic store, or of a new file")
        }
        if path != nil && !readOnly {
            let mode = try values(db, "PRAGMA journal_mode").first
            if case .string(let m)? = mode?.storage, m.lowercased() != "wal" {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
        }
        if !names.contains("civic_meta") && !readOnly {
            try db.execute(sql: "BEGIN IMMEDIATE")
            do {
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS civic_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
                    CREATE TABLE IF NOT EXISTS civic_schema (position INTEGER PRIMARY KEY, entity TEXT NOT NULL UNIQUE, fields TEXT NOT NULL) STRICT;
                    CREATE TABLE IF NOT EXISTS civic_sequence (entity TEXT PRIMARY KEY, next_id INTEGER NOT NULL) STRICT;
                    """)
                try exec(db, "INSERT OR IGNORE INTO civic_meta (name, value) VALUES ('format', ?1)", [String(SQLiteStore.format).databaseValue])
                try db.execute(sql: "COMMIT")
            } catch {
                try? db.execute(sql: "ROLLBACK")
                throw error
            }
        }
        try reload(db)
    }

    /// Reads the schema from `civic_schema` and makes the tables' shapes.
    func reload(_ db: Database) throws {
        dataVersion = -1
        transaction.nextIDs = [:]
        var entities: [StoredEntity] = []
        let exists = try values(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'civic_schema'")
        if !exists.isEmpty {
            let statement = try db.cachedStatement(sql: "SELECT entity, fields FROM civic_schema ORDER BY position")
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                let name: DatabaseValue = row[0]
                let fields: DatabaseValue = row[1]
                guard case .string(let n) = name.storage, case .string(let f) = fields.storage,
                      let entity = StoredSchemaJSON.entity(name: n, fields: f) else {
                    throw StoreError("the store \(displayName) is damaged: its schema (civic_schema) cannot be read")
                }
                entities.append(entity)
            }
        }
        install(StoreSchema(entities: entities))
        dataVersion = try currentDataVersion(db)
    }

    func install(_ newSchema: StoreSchema) {
        schema = newSchema
        var made: [String: SQLTable] = [:]
        for entity in newSchema.entities { made[entity.name] = SQLTable(entity, in: newSchema, dialect: SQLiteDialect.self) }
        tables = made
    }

    func currentDataVersion(_ db: Database) throws -> Int64 {
        guard case .int64(let v)? = try values(db, "PRAGMA data_version").first?.storage else { return -1 }
        return v
    }

    /// Reads the schema again if another connection has committed since.
    func refresh(_ db: Database) throws {
        if try currentDataVersion(db) != dataVersion { try reload(db) }
    }

    // MARK: Running statements

    var beginSQL: String { readOnly ? "BEGIN" : "BEGIN IMMEDIATE" }

    /// Runs `body` on the connection, turning every error into a StoreError.
    /// Outside a transaction the schema is first read again if another
    /// connection changed the file.
    func run<T>(refresh: Bool = true, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.inDatabase { db in
                if !db.isInsideTransaction {
                    // Others may change the file between transactions.
                    self.transaction.located = [:]
                    if !self.transaction.marks.isEmpty {
                        // The transaction ended without us (SQLite rolls back on some I/O errors).
                        self.transaction.end()
                        try self.reload(db)
                    } else if refresh {
                        try self.refresh(db)
                    }
                }
                return try body(db)
            }
        } catch {
            throw storeError(error)
        }
    }

    /// Runs a change. Outside a transaction it is its own transaction; inside
    /// one, an `atomic` change of several statements is kept whole or not at all.
    func write<T>(atomic: Bool, _ body: (Database) throws -> T) throws(StoreError) -> T {
        try run(refresh: false) { db in
            if db.isInsideTransaction {
                guard atomic else { return try body(db) }
                try db.execute(sql: "SAVEPOINT civic_change")
                do {
                    let result = try body(db)
                    try db.execute(sql: "RELEASE civic_change")
                    return result
                } catch {
                    try? db.execute(sql: "ROLLBACK TO civic_change")
                    try? db.execute(sql: "RELEASE civic_change")
                    self.recover(db)
                    throw error
                }
            }
            try db.execute(sql: self.beginSQL)
            do {
                try self.refresh(db)
                let result = try body(db)
                try db.execute(sql: "COMMIT")
                return result
            } catch {
                if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                self.recover(db)
                throw error
            }
        }
    }

    /// After a change was undone: forget what may no longer hold.
    func recover(_ db: Database) {
        transaction.nextIDs = [:]
        if schemaInFlux {
            schemaInFlux = false
            if (try? reload(db)) == nil { dataVersion = -1 }
        }
    }

    @discardableResult
    func exec(_ db: Database, _ sql: String, _ arguments: [DatabaseValue] = []) throws -> Int {
        try SQLiteDirect.execute(db, sql, arguments)
    }

    /// The first column of every row.
    func values(_ db: Database, _ sql: String, _ arguments: [DatabaseValue] = []) throws -> [DatabaseValue] {
        var out: [DatabaseValue] = []
        try SQLiteDirect.rows(db, sql, arguments, columns: 1) { row in
            if let v = row.first { out.append(v) }
        }
        return out
    }

    /// Rows read with one codec per column (nil: the column is none).
    func rows(_ db: Database, _ sql: String, _ arguments: [DatabaseValue], _ codecs: [ColumnCodec?], of entity: String) throws -> [[Value]] {
        var out: [[Value]] = []
        try SQLiteDirect.rows(db, sql, arguments, columns: codecs.count) { row in
            var values: [Value] = []
            values.reserveCapacity(codecs.count)
            for (i, codec) in codecs.enumerated() {
                guard let codec, i < row.count else { values.append(.none); continue }
                do {
                    values.append(try codec.decode(row[i]))
                } catch {
                    throw StoreError("the store \(self.displayName) holds a value in \(entity) that Civic cannot read",
                                     hint: "the file may have been changed by another program")
                }
            }
            out.append(values)
        }
        return out
    }

    func table(_ name: String) throws(StoreError) -> SQLTable {
        guard let t = tables[name] else { throw StoreError("the store has no entity '\(name)'") }
        return t
    }

    // MARK: Errors

    func storeError(_ error: any Error) -> StoreError {
        SQLiteStore.storeError(error, name: displayName)
    }

    static func storeError(_ error: any Error, name: String) -> StoreError {
        if let e = error as? StoreError { return e }
        guard let e = error as? DatabaseError else { return StoreError("the store \(name) failed: \(error)") }
        switch e.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError("the store \(name) is busy: another run is using it; try again when it has finished")
        case .SQLITE_READONLY:
            return StoreError("the store \(name) is read-only: Civic cannot write to it",
                              hint: "check that the file and its folder may be written, or copy the store somewhere they may")
        case .SQLITE_NOTADB:
            return StoreError("\(name) is not a Civic store (not a SQLite database)")
        case .SQLITE_CORRUPT:
            return StoreError("the store \(name) is damaged (SQLite says: \(e.message ?? "corrupt"))")
        case .SQLITE_FULL:
            return StoreError("the store \(name) cannot grow: the disk is full")
        case .SQLITE_CANTOPEN:
            return StoreError("cannot open the store \(name)", hint: "check that its folder exists and may be written")
        default:
            return StoreError("the store \(name) failed: \(e.message ?? e.description)")
        }
    }

    static func isIntegerOverflow(_ error: any Error) -> Bool {
        guard let e = error as? DatabaseError else { return false }
        return e.resultCode == .SQLITE_ERROR && (e.message ?? "").contains("integer overflow")
    }

    // MARK: Schema

    public func storedSchema() throws(StoreError) -> StoreSchema {
        try run { _ in self.schema }
    }

    public func prepare(_ requested: StoreSchema) throws(StoreError) {
        // See first whether anything changes: a store that already agrees is
        // not written (it may be read-only, or a run's transaction may not
        // hold the write lock).
        let needed = try run { db in !(try self.plan(db, requested)).isEmpty }
        guard needed else { return }
        try write(atomic: true) { db in
            let changes = try self.plan(db, requested)
            if !changes.isEmpty { try self.apply(db, changes) }
        }
    }

    func plan(_ db: Database, _ requested: StoreSchema) throws -> [SchemaChange] {
        try checkNames(requested)
        return try SchemaMigration.plan(
            stored: schema, requested: requested,
            rowCount: { name throws(StoreError) in
                guard let t = self.tables[name] else { return 0 }
                return try self.count(db, "SELECT COUNT(*) FROM \(t.table)")
            },
            valueCount: { name, field throws(StoreError) in
                guard let t = self.tables[name], let i = t.entity.index(of: field) else { return 0 }
                return try self.count(db, "SELECT COUNT(\(t.columns[i])) FROM \(t.table)")
            })
    }

    func count(_ db: Database, _ sql: String) throws(StoreError) -> Int {
        do {
            guard case .int64(let n)? = try values(db, sql).first?.storage else { return 0 }
            return Int(n)
        } catch {
            throw storeError(error)
        }
    }

    /// Names SQLite cannot keep apart from others, or that are the store's own.
    ///
    /// Each name is folded once and looked up in a table of the folded names
    /// (it was folded a scalar at a time, again for every pair compared: 6M
    /// instructions, an eighth of a run of one query, for the books' tables).
    func checkNames(_ requested: StoreSchema) throws(StoreError) {
        func plain(_ name: String, _ what: String) throws(StoreError) {
            if name.isEmpty { throw StoreError("\(what) needs a name") }
            if name.utf8.contains(0) {
                throw StoreError("the name of \(what) '\(name)' holds a NUL character, which a SQLite store cannot keep")
            }
        }
        let entityNames = FoldedNames(schema.entities.map(\.name) + requested.entities.map(\.name))
        for entity in requested.entities {
            try plain(entity.name, "an entity")
            let f = FoldedNames.fold(entity.name)
            if f.hasPrefix("civic_") || f.hasPrefix("sqlite_") {
                throw StoreError("the entity name '\(entity.name)' is kept for the store's own tables",
                                 hint: "names starting with 'civic_' or 'sqlite_' belong to the store; rename the entity")
            }
            if let other = entityNames.other(than: entity.name, folded: f) {
                throw StoreError("the entity names '\(other)' and '\(entity.name)' differ only in capital letters, which a SQLite store cannot tell apart",
                                 hint: "rename one of them")
            }
            let fieldNames = FoldedNames((schema.entity(entity.name)?.fields.map(\.name) ?? []) + entity.fields.map(\.name))
            for field in entity.fields {
                try plain(field.name, "a field of \(entity.name)")
                let g = FoldedNames.fold(field.name)
                if g == SQLName.rowColumn {
                    throw StoreError("the field name '\(field.name)' of \(entity.name) is kept for the store's own use",
                                     hint: "rename the field")
                }
                if let other = fieldNames.other(than: field.name, folded: g) {
                    throw StoreError("the fields '\(other)' and '\(field.name)' of \(entity.name) differ only in capital letters, which a SQLite store cannot tell apart",
                                     hint: "rename one of them")
                }
            }
        }
    }

    func createTableSQL(_ t: SQLTable) -> String {
        var columns = ["\(SQLName.quotedRowColumn) INTEGER PRIMARY KEY"]
        for (i, column) in t.columns.enumerated() { columns.append("\(column) \(t.codecs[i].sqliteType)") }
        if let k = t.keyIndex { columns.append("UNIQUE (\(t.columns[k]))") }
        return "CREATE TABLE \(t.table) (\(columns.joined(separator: ", "))) STRICT"
    }

    /// The name of the index kept for an indexed field.
    func indexName(_ entity: String, _ field: String) -> String {
        SQLName.quote("civic_index|\(entity)|\(field)")
    }

    func createIndexSQL(_ t: SQLTable, _ i: Int) -> String {
        "CREATE INDEX IF NOT EXISTS \(indexName(t.entity.name, t.entity.fields[i].name)) ON \(t.table) (\(t.columns[i]))"
    }

    /// Creates a new table with the indexes of its indexed fields.
    func createTable(_ db: Database, _ t: SQLTable) throws {
        try db.execute(sql: createTableSQL(t))
        for (i, field) in t.entity.fields.enumerated() where field.isIndexed && !field.isKey {
            try db.execute(sql: createIndexSQL(t, i))
        }
    }

    /// Makes the tables agree with the planned changes and records the new schema.
    func apply(_ db: Database, _ changes: [SchemaChange]) throws {
        schemaInFlux = true
        transaction.located = [:]
        let newSchema = SchemaMigration.apply(changes, to: schema)
        var newTables: [String: SQLTable] = [:]
        for entity in newSchema.entities { newTables[entity.name] = SQLTable(entity, in: newSchema, dialect: SQLiteDialect.self) }
        var remade = Set<String>()
        for change in changes {
            switch change {
            case .createEntity(let e):
                guard let t = newTables[e.name] else { continue }
                try createTable(db, t)
            case .addField(let name, let field):
                guard let t = newTables[name], let i = t.entity.index(of: field.name), !remade.contains(name) else { continue }
                try db.execute(sql: "ALTER TABLE \(t.table) ADD COLUMN \(t.columns[i]) \(t.codecs[i].sqliteType)")
                if let d = field.defaultValue, !d.isNone {
                    let v = try RowCheck.stored(d, for: field, of: name)
                    guard let e = t.codecs[i].encode(v) else {
                        throw StoreError("\(name).\(field.name): the store cannot keep the default \(d.literal())")
                    }
                    try exec(db, "UPDATE \(t.table) SET \(t.columns[i]) = ?1", [e])
                }
                if field.isIndexed && !field.isKey { try db.execute(sql: createIndexSQL(t, i)) }
            case .dropField(let name, let field):
                guard let old = tables[name], let t = newTables[name], !remade.contains(name) else { continue }
                if old.entity.field(field)?.isKey == true {
                    // A key can only be dropped from an empty table (its
                    // values are never none), and SQLite cannot drop a
                    // UNIQUE column: make the table again.
                    try db.execute(sql: "DROP TABLE \(t.table)")
                    try createTable(db, t)
                    remade.insert(name)
                } else {
                    try db.execute(sql: "DROP INDEX IF EXISTS \(indexName(name, field))")
                    try db.execute(sql: "ALTER TABLE \(t.table) DROP COLUMN \(SQLName.quote(field))")
                }
            case .updateField(let name, let field):
                // Otherwise only remembered in civic_schema.
                guard let t = newTables[name], let i = t.entity.index(of: field.name), !remade.contains(name), !field.isKey else { continue }
                if field.isIndexed {
                    try db.execute(sql: createIndexSQL(t, i))
                } else {
                    try db.execute(sql: "DROP INDEX IF EXISTS \(indexName(name, field.name))")
                }
            }
        }
        try exec(db, "DELETE FROM civic_schema")
        for (i, entity) in newSchema.entities.enumerated() {
            try exec(db, "INSERT INTO civic_schema (position, entity, fields) VALUES (?1, ?2, ?3)",
                     [Int64(i).databaseValue, entity.name.databaseValue, StoredSchemaJSON.fields(entity).databaseValue])
        }
        schema = newSchema
        tables = newTables
        schemaInFlux = false
        // Inside a run's transaction, a rollback must read the schema again.
        if !transaction.marks.isEmpty { transaction.schemaChanged = true }
    }

    // MARK: Transactions

    /// The store's name for the transaction itself, as MemoryStore names it.
    static let transactionMark = "transaction"

    func savepointSQL(_ index: Int, _ name: String) -> String {
        SQLName.quote("civic_\(index)_" + String(String.UnicodeScalarView(name.unicodeScalars.filter { $0 != "\0" })))
    }

    public func begin() throws(StoreError) { try start(reading: false) }

    /// A run that only reads begins a deferred transaction: it takes no
    /// lock that keeps others from writing, and reads the file as it was
    /// when the transaction began (WAL keeps that snapshot for it; reading
    /// `data_version` in `refresh` is its first read and fixes it). A write
    /// inside it asks SQLite for the write lock then: SQLite gives it only
    /// if no one else holds it and no one has committed since the snapshot,
    /// and otherwise refuses at once (SQLITE_BUSY, without waiting, so that
    /// two such runs cannot wait on each other), and the run fails as on
    /// any error, changing nothing.
    public func beginReading() throws(StoreError) { try start(reading: true) }

    func start(reading: Bool) throws(StoreError) {
        try run(refresh: false) { db in
            if db.isInsideTransaction {
                // As in MemoryStore, a new transaction starts from here.
                try db.execute(sql: "COMMIT")
                self.transaction.end()
            }
            try self.useCache(db, forReading: reading)
            try db.execute(sql: reading ? "BEGIN DEFERRED" : self.beginSQL)
            do {
                try self.refresh(db)
                let sql = self.savepointSQL(0, SQLiteStore.transactionMark)
                try db.execute(sql: "SAVEPOINT \(sql)")
                self.transaction.marks = [(SQLiteStore.transactionMark, sql)]
            } catch {
                try? db.execute(sql: "ROLLBACK")
                self.transaction.marks = []
                throw error
            }
        }
    }

    public func commit() throws(StoreError) {
        try run(refresh: false) { db in
            if db.isInsideTransaction { try db.execute(sql: "COMMIT") }
            self.transaction.end()
        }
    }

    public func rollback() {
        _ = try? run(refresh: false) { db in
            if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
            self.transaction.marks = []
            self.transaction.nextIDs = [:]
            if self.transaction.schemaChanged {
                self.transaction.schemaChanged = false
                try self.reload(db)
            }
        }
    }

    public func savepoint(_ name: String) throws(StoreError) {
        try run(refresh: false) { db in
            var began = false
            if !db.isInsideTransaction {
                self.transaction.marks = []
                try db.execute(sql: self.beginSQL)
                began = true
            }
            do {
                if began { try self.refresh(db) }
                let sql = self.savepointSQL(self.transaction.marks.count, name)
                try db.execute(sql: "SAVEPOINT \(sql)")
                self.transaction.marks.append((name, sql))
            } catch {
                if began { try? db.execute(sql: "ROLLBACK") }
                throw error
            }
        }
    }

    public func releaseSavepoint(_ name: String) throws(StoreError) {
        try run(refresh: false) { db in
            let i = try self.transaction.mark(name)
            if i == 0 {
                // Nothing is left to roll back to: what was done is kept.
                if db.isInsideTransaction { try db.execute(sql: "COMMIT") }
                self.transaction.end()
            } else {
                try db.execute(sql: "RELEASE \(self.transaction.marks[i].sql)")
                self.transaction.marks.removeSubrange(i...)
            }
        }
    }

    public func rollback(toSavepoint name: String) throws(StoreError) {
        try run(refresh: false) { db in
            let i = try self.transaction.mark(name)
            try db.execute(sql: "ROLLBACK TO \(self.transaction.marks[i].sql)")
            self.transaction.marks.removeSubrange((i + 1)...)
            self.transaction.nextIDs = [:]
            if self.transaction.schemaChanged { try self.reload(db) }
        }
    }

    // MARK: Writes

    func nextID(_ db: Database, _ entity: String) throws -> Int {
        if let n = transaction.nextIDs[entity] { return n }
        var n = 1
        if case .int64(let v)? = try values(db, "SELECT next_id FROM civic_sequence WHERE entity = ?1", [entity.databaseValue]).first?.storage {
            n = Int(v)
        }
        transaction.nextIDs[entity] = n
        return n
    }

    func setNextID(_ db: Database, _ entity: String, _ n: Int) throws {
        try exec(db, "INSERT INTO civic_sequence (entity, next_id) VALUES (?1, ?2) ON CONFLICT (entity) DO UPDATE SET next_id = excluded.next_id",
                 [entity.databaseValue, Int64(n).databaseValue])
        transaction.nextIDs[entity] = n
    }

    /// The `civic_row` of the row with this key (matched as MemoryStore
    /// matches keys: written the same), or nil.
    func locate(_ db: Database, _ t: SQLTable, _ key: Value) throws -> Int64? {
        guard let k = t.keyIndex, let e = t.codecs[k].encodeLookup(key) else { return nil }
        let known = LocatedKey(entity: t.entity.name, key: e)
        if let r = transaction.located[known] { return r }
        let found = try values(db, t.locateSQL, [e])
        guard case .int64(let r)? = found.first?.storage else { return nil }
        if db.isInsideTransaction { transaction.located[known] = r }
        return r
    }

    /// Every reference in the given fields must name a row that exists.
    func checkReferences(_ db: Database, _ row: [Value], _ indexes: [Int], _ t: SQLTable) throws {
        for i in indexes {
            guard case .reference(let target, let key) = row[i] else { continue }
            guard let other = tables[target], try locate(db, other, key) != nil else {
                throw StoreError("field '\(t.entity.fields[i].name)': there is no \(target) with key \(tables[target]?.entity.shown(key: key) ?? key.literal())")
            }
        }
    }

    func encode(_ value: Value, _ t: SQLTable, _ i: Int) throws -> DatabaseValue {
        guard let e = t.codecs[i].encode(value) else {
            throw StoreError("field '\(t.entity.fields[i].name)': the store cannot keep \(t.entity.shown(value, field: i))")
        }
        return e
    }

    public func insert(_ entity: String, _ values: [Value]) throws(StoreError) -> Value {
        let t = try table(entity)
        // A generated key may move the sequence: two statements, kept whole.
        return try write(atomic: t.generatesKey) { db in
            var next: Int?
            let key = try self.insertRow(db, t, values, next: &next)
            if let next { try self.setNextID(db, entity, next) }
            return key
        }
    }

    public func insertIfAbsent(_ entity: String, _ values: [Value]) throws(StoreError) -> Bool {
        let t = try table(entity)
        guard let k = t.keyIndex, k < values.count, !values[k].isNone else {
            throw StoreError("a row of \(entity) needs its key given")
        }
        return try write(atomic: t.generatesKey) { db in
            var next: Int?
            var added = false
            _ = try self.insertRow(db, t, values, next: &next, sql: t.insertIfAbsentSQL, added: &added)
            if added, let next { try self.setNextID(db, entity, next) }
            return added
        }
    }

    public func insert(_ entity: String, rows: [[Value]]) throws(StoreError) {
        if rows.isEmpty { return }
        let t = try table(entity)
        try write(atomic: true) { db in
            var next: Int?
            var added = false
            let statement = try db.cachedStatement(sql: t.insertSQL)
            for row in rows { _ = try self.insertRow(db, t, row, next: &next, sql: nil, added: &added, statement: statement) }
            if let next { try self.setNextID(db, entity, next) }
        }
    }

    public func put(_ entity: String, rows: [[Value]]) throws(StoreError) {
        if rows.isEmpty { return }
        let t = try table(entity)
        guard t.keyIndex != nil else { throw StoreError("the store has no entity '\(entity)' with a key") }
        let sql = t.upsertSQL
        try write(atomic: true) { db in
            var next: Int?
            var added = false
            let statement = try db.cachedStatement(sql: sql)
            for row in rows { _ = try self.insertRow(db, t, row, next: &next, sql: nil, added: &added, statement: statement) }
            if let next { try self.setNextID(db, entity, next) }
        }
    }

    /// Checks, encodes and inserts one row (a generated key that is none gets
    /// the next number); says in `next` what the sequence must move to.
    func insertRow(_ db: Database, _ t: SQLTable, _ values: [Value], next: inout Int?, sql: String? = nil) throws -> Value {
        var added = false
        return try insertRow(db, t, values, next: &next, sql: sql, added: &added)
    }

    func insertRow(_ db: Database, _ t: SQLTable, _ values: [Value], next: inout Int?, sql: String?, added: inout Bool,
                   statement: Statement? = nil) throws -> Value {
        let entity = t.entity.name
        let fields = t.entity.fields
        let k = try t.keyField(ofInserted: values)
        var row = values
        if fields[k].isGenerated {
            let current = try next ?? self.nextID(db, entity)
            RowCheck.generateKey(&row, at: k, current: current, next: &next)
        }
        // A row copied only if a value changes (the loop written here, not
        // called: through an inout call each row was copied, +3% a run).
        for i in fields.indices {
            if let changed = try RowCheck.change(row[i], field: i, of: fields, entity: entity) { row[i] = changed }
        }
        try self.checkReferences(db, row, t.referenceIndexes, t)
        do {
            let statement = try statement ?? db.cachedStatement(sql: sql ?? t.insertSQL)
            added = try SQLiteDirect.insert(db, statement, row, t.codecs) > 0
        } catch let error as SQLiteDirect.Unstorable {
            throw StoreError("field '\(fields[error.index].name)': the store cannot keep \(t.entity.shown(row[error.index], field: error.index))")
        } catch let error as DatabaseError
                    where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw StoreError("\(entity) already has a row with \(fields[k].name) \(t.entity.shown(key: row[k]))",
                             hint: "each \(entity) needs its own \(fields[k].name)")
        }
        return row[k]
    }

    public func update(_ entity: String, key: Value, _ changes: [(field: String, value: Value)]) throws(StoreError) {
        try write(atomic: false) { db in
            let t = try self.table(entity)
            guard let r = try self.locate(db, t, key) else {
                throw StoreError("there is no \(entity) with key \(t.entity.shown(key: key))")
            }
            guard let (indexes, row) = try RowCheck.update(changes, of: t.entity) else { return }
            try self.checkReferences(db, row, indexes, t)
            var arguments: [DatabaseValue] = []
            for i in indexes { arguments.append(try self.encode(row[i], t, i)) }
            arguments.append(r.databaseValue)
            try self.exec(db, t.updateSQL(indexes, SQLiteDialect.self), arguments)
        }
    }

    public func delete(_ entity: String, key: Value) throws(StoreError) {
        try write(atomic: false) { db in
            let t = try self.table(entity)
            guard let k = t.keyIndex, let stored = t.codecs[k].encodeLookup(key), let r = try self.locate(db, t, key) else {
                throw StoreError("there is no \(entity) with key \(t.entity.shown(key: key))")
            }
            for probe in RemovalCheck.probes(SQLiteDialect.self, removing: key, stored: stored, row: r, of: t, tables: self.tables, schema: self.schema) {
                if !(try self.values(db, probe.sql, probe.arguments)).isEmpty { throw probe.refusal }
            }
            try self.exec(db, "DELETE FROM \(t.table) WHERE \(SQLName.quotedRowColumn) = ?1", [r.databaseValue])
            self.transaction.located = [:]
        }
    }

    public func row(_ entity: String, key: Value) throws(StoreError) -> Record? {
        try run { db in
            let t = try self.table(entity)
            guard let k = t.keyIndex, let e = t.codecs[k].encodeLookup(key) else { return nil }
            let found = try self.rows(db, t.lookupSQL, [e], t.codecs, of: entity)
            return found.first.map { Record(shape: t.shape, values: $0) }
        }
    }

    public func contains(_ entity: String, key: Value) throws(StoreError) -> Bool {
        try run { db in
            // Found through `located`: a rule asks this of the same few rows again and again.
            try self.locate(db, try self.table(entity), key) != nil
        }
    }

    public func dump() throws(StoreError) -> String {
        try run { db in
            var out = ""
            for name in self.schema.entities.map(\.name).sorted() {
                guard let t = self.tables[name] else { continue }
                let sql = "SELECT \(t.selectList) FROM \(t.table) AS t0 ORDER BY t0.\(SQLName.quotedRowColumn)"
                out += Dump.table(t.entity, try self.rows(db, sql, [], t.codecs, of: name))
            }
            return out
        }
    }
}
