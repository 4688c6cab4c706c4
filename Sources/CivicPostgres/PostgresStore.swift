import CivicStore
import CivicSyntax
import Foundation
import PostgresNIO

/// A store on a PostgreSQL server: the engine for a city (docs/scaling.md).
///
/// It answers every call with exactly the results `MemoryStore` and
/// `SQLiteStore` give. A community is a PostgreSQL schema of its own, holding
/// one table per entity (a column per field, plus `civic_row`, which keeps
/// rows in the order they were added) and the store's own tables
/// `civic_meta`, `civic_schema` and `civic_sequence`, as a SQLite file does.
/// Values are stored in SQLite's exact forms (ColumnCodec.swift); queries
/// become one parameterized SELECT (QueryLowering, PostgresDialect).
///
/// A run's `begin` opens a transaction and takes the community's advisory
/// lock, so runs on one community that write follow one another as they do
/// on SQLite, and runs on different communities never wait for each other.
/// A run that only reads (`beginReading`) takes no lock: it reads a snapshot.
public final class PostgresStore: Store {
    /// The format of the stores this version of Civic writes.
    public static let format = 1

    let client: PostgresClient
    /// Where the store is.
    public let location: PostgresLocation
    /// The quoted schema name, which every table name starts with.
    let namespace: String
    /// Set for a store made by `temporary(_:)`: its schema is dropped on `close`.
    let dropsSchemaOnClose: Bool

    var schema = StoreSchema(entities: [])
    var tables: [String: SQLTable] = [:]
    /// `civic_meta.schema_version` when the schema was read: another run that
    /// changes the schema moves it on.
    var schemaVersion: Int64 = -1
    /// Whether a transaction is open on the connection.
    var inTransaction = false {
        didSet { if !inTransaction { onlyReading = false } }
    }
    /// Whether the open transaction is a read-only snapshot (`beginReading`).
    var onlyReading = false
    /// The open transaction: its savepoints, generated keys and rows found by key.
    var transaction = SQLTransactionState<PostgresParameter>()
    /// The keys of the rows `willInsert` said are coming, as found; forgotten
    /// at any other write and whenever the transaction ends or goes back.
    var expected: ExpectedKeys?
    typealias LocatedKey = SQLTransactionState<PostgresParameter>.LocatedKey
    private var closed = false

    /// Opens the store a `postgres://` URL names, making the community's
    /// schema and tables if they are not there yet.
    public convenience init(url: String) throws(StoreError) {
        try self.init(location: PostgresLocation(url: url))
    }

    /// Opens the store at `location`, making the community's schema and tables if needed.
    public convenience init(location: PostgresLocation) throws(StoreError) {
        try self.init(location: location, dropsSchemaOnClose: false)
    }

    init(location: PostgresLocation, dropsSchemaOnClose: Bool) throws(StoreError) {
        self.location = location
        self.namespace = PostgresName.quote(location.community)
        self.dropsSchemaOnClose = dropsSchemaOnClose
        client = try PostgresClient.connect(location)
        do {
            try open()
        } catch {
            client.close()
            throw error
        }
    }

    /// A store of its own, for a test: a new community with a unique name
    /// on the server `url` names, dropped (with everything in it) when the
    /// store is closed or goes away.
    public static func temporary(url: String) throws(StoreError) -> PostgresStore {
        var location = try PostgresLocation(url: url)
        location.community = "civic_test_\(ProcessInfo.processInfo.processIdentifier)_\(TemporaryNames.next())"
        return try PostgresStore(location: location, dropsSchemaOnClose: true)
    }

    deinit { close() }

    /// Ends the connection (a temporary store's community is dropped first).
    /// A transaction still open is rolled back.
    public func close() {
        if closed { return }
        closed = true
        expected = nil
        if inTransaction { try? client.execute("ROLLBACK") }
        if dropsSchemaOnClose { try? client.execute("DROP SCHEMA IF EXISTS \(namespace) CASCADE") }
        client.close()
    }

    public var description: String { "PostgreSQL store \(location.description)" }

    // MARK: Opening

    /// Makes the community's schema and the store's own tables if they are
    /// missing, checks the format, and reads the schema.
    func open() throws(StoreError) {
        let meta = "\(namespace).civic_meta"
        let exists = try client.query("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = 'civic_meta'",
                                      [.text(location.community)])
        if exists.rows.isEmpty {
            let other = try client.query("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 LIMIT 1", [.text(location.community)])
            if !other.rows.isEmpty {
                throw StoreError("the schema '\(location.community)' of \(location.database) is not a Civic store (it has tables, but not Civic's)",
                                 hint: "name another community in the URL (community=NAME)")
            }
            try client.execute("BEGIN")
            do {
                // Two runs may make the store at once: the lock lets one, and the other finds it made.
                try client.execute("SELECT pg_advisory_xact_lock(\(PostgresStore.lockKey))")
                for statement in [
                    "CREATE SCHEMA IF NOT EXISTS \(namespace)",
                    "CREATE TABLE IF NOT EXISTS \(meta) (name TEXT COLLATE \"C\" PRIMARY KEY, value TEXT NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS \(namespace).civic_schema (position INTEGER PRIMARY KEY, entity TEXT COLLATE \"C\" NOT NULL UNIQUE, fields TEXT NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS \(namespace).civic_sequence (entity TEXT COLLATE \"C\" PRIMARY KEY, next_id BIGINT NOT NULL)",
                ] {
                    try client.execute(statement)
                }
                _ = try client.query("INSERT INTO \(meta) (name, value) VALUES ('format', $1), ('schema_version', '0') ON CONFLICT (name) DO NOTHING",
                                     [.text(String(PostgresStore.format))])
                try client.execute("COMMIT")
            } catch {
                try? client.execute("ROLLBACK")
                throw error
            }
        }
        let format = try client.query("SELECT value FROM \(meta) WHERE name = 'format'")
        guard let cell = format.rows.first?.first, let text = try? cell.decode(String.self), let n = Int(text) else {
            throw StoreError("the schema '\(location.community)' of \(location.database) is not a Civic store (its civic_meta table has no format)")
        }
        if n > PostgresStore.format {
            throw StoreError("\(location.description): this store was written by a newer Civic (format \(n)); this Civic reads up to format \(PostgresStore.format)",
                             hint: "open it with the newer Civic that wrote it; this one leaves it untouched")
        }
        try reload()
    }

    /// The advisory lock key of the store's own setup (the first run on a new community).
    static let lockKey = "hashtextextended('civic store setup', 0)"

    /// The version of the schema as stored.
    func storedSchemaVersion() throws(StoreError) -> Int64 {
        let found = try client.query("SELECT value FROM \(namespace).civic_meta WHERE name = 'schema_version'")
        guard let cell = found.rows.first?.first, let text = try? cell.decode(String.self), let v = Int64(text) else { return 0 }
        return v
    }

    /// Reads the schema from `civic_schema` and makes the tables' shapes.
    func reload() throws(StoreError) {
        transaction.nextIDs = [:]
        let version = try storedSchemaVersion()
        var entities: [StoredEntity] = []
        let found = try client.query("SELECT entity, fields FROM \(namespace).civic_schema ORDER BY position")
        for row in found.rows {
            let cells = Array(row)
            guard cells.count == 2, let name = try? cells[0].decode(String.self), let fields = try? cells[1].decode(String.self),
                  let entity = StoredForms.entity(name: name, fieldsJSON: fields) else {
                throw StoreError("the store \(location.description) is damaged: its schema (civic_schema) cannot be read")
            }
            entities.append(entity)
        }
        install(StoreSchema(entities: entities))
        schemaVersion = version
    }

    func install(_ newSchema: StoreSchema) {
        schema = newSchema
        var made: [String: SQLTable] = [:]
        for entity in newSchema.entities { made[entity.name] = SQLTable(entity, in: newSchema, namespace: namespace, dialect: PostgresDialect.self) }
        tables = made
    }

    /// Reads the schema again if another run changed it.
    func refresh() throws(StoreError) {
        if try storedSchemaVersion() != schemaVersion { try reload() }
    }

    func table(_ name: String) throws(StoreError) -> SQLTable {
        guard let t = tables[name] else { throw StoreError("the store has no entity '\(name)'") }
        return t
    }

    // MARK: Running statements

    /// Runs a read. Outside a transaction the schema is first read again if
    /// another run changed it.
    func read<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        if closed { throw StoreError("the store \(location.description) is closed") }
        if !inTransaction {
            transaction.located = [:]
            try refresh()
        }
        return try body()
    }

    /// Runs a change. Outside a transaction it is its own transaction; inside
    /// one, an `atomic` change of several statements is kept whole or not at all.
    func write<T>(atomic: Bool, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        expected = nil
        if closed { throw StoreError("the store \(location.description) is closed") }
        if onlyReading {
            throw StoreError("this run began as one that only reads (on a snapshot of \(location.description), without the lock that writing needs), and cannot write",
                             hint: "nothing was kept; please report it, with the script: Civic decided wrongly that the run only reads")
        }
        if inTransaction {
            guard atomic else { return try body() }
            try client.execute("SAVEPOINT civic_change")
            do {
                let result = try body()
                try client.execute("RELEASE SAVEPOINT civic_change")
                return result
            } catch {
                try? client.execute("ROLLBACK TO SAVEPOINT civic_change")
                try? client.execute("RELEASE SAVEPOINT civic_change")
                try? recover()
                throw error
            }
        }
        transaction.located = [:]
        try startTransaction()
        do {
            let result = try body()
            try client.execute("COMMIT")
            inTransaction = false
            return result
        } catch {
            try? client.execute("ROLLBACK")
            inTransaction = false
            try? recover()
            throw error
        }
    }

    /// Opens a transaction, takes the community's lock (unless `reading`:
    /// then a read-only snapshot) and reads the schema again if another run
    /// changed it.
    func startTransaction(reading: Bool = false) throws(StoreError) {
        try client.execute(reading ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")
        inTransaction = true
        onlyReading = reading
        // Another connection may have given out generated keys since: read them again.
        transaction.nextIDs = [:]
        do {
            if !reading {
                _ = try client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", [.text(location.community)])
            }
            try refresh()
        } catch {
            try? client.execute("ROLLBACK")
            inTransaction = false
            throw error
        }
    }

    /// After a change was undone: forget what may no longer hold.
    func recover() throws(StoreError) {
        transaction.nextIDs = [:]
        if transaction.schemaChanged || !inTransaction { try reload() }
    }

    /// The first column of every row.
    func firstColumn(_ sql: String, _ arguments: [PostgresParameter] = []) throws(StoreError) -> [PostgresCell] {
        try client.query(sql, arguments).rows.compactMap { $0.first }
    }

    /// Rows read with one codec per column (nil: the column is none).
    func rows(_ sql: String, _ arguments: [PostgresParameter], _ codecs: [ColumnCodec?], of entity: String) throws(StoreError) -> [[Value]] {
        var out: [[Value]] = []
        for row in try client.query(sql, arguments).rows {
            var values: [Value] = []
            values.reserveCapacity(codecs.count)
            var cells = row.makeIterator()
            for codec in codecs {
                guard let cell = cells.next() else { values.append(.none); continue }
                guard let codec else { values.append(.none); continue }
                do {
                    values.append(try codec.decode(cell))
                } catch {
                    throw StoreError("the store \(location.description) holds a value in \(entity) that Civic cannot read",
                                     hint: "its tables may have been changed by another program")
                }
            }
            out.append(values)
        }
        return out
    }

    /// The count in the first column of the first row.
    func count(_ sql: String, _ arguments: [PostgresParameter] = []) throws(StoreError) -> Int {
        guard let cell = try firstColumn(sql, arguments).first, let n = try? cell.decode(Int64.self) else { return 0 }
        return Int(n)
    }

    // MARK: Transactions

    static let transactionMark = "transaction"

    func savepointSQL(_ index: Int, _ name: String) -> String {
        PostgresName.quote(String("civic_\(index)_\(String(String.UnicodeScalarView(name.unicodeScalars.filter { $0 != "\0" })))".utf8.prefix(60)) ?? "civic_\(index)")
    }

    public func begin() throws(StoreError) { try begin(reading: false) }

    /// A run that only reads begins a snapshot (`REPEATABLE READ READ ONLY`)
    /// and takes no lock: it never waits for runs that write, and none
    /// waits for it. It reads the community as it was when it began, as a
    /// SQLite reader reads the file as it was. A write inside it is refused
    /// by the server, and the run fails, changing nothing.
    public func beginReading() throws(StoreError) { try begin(reading: true) }

    func begin(reading: Bool) throws(StoreError) {
        expected = nil
        if closed { throw StoreError("the store \(location.description) is closed") }
        if inTransaction {
            // As in MemoryStore, a new transaction starts from here.
            try client.execute("COMMIT")
            inTransaction = false
        }
        transaction.end()
        try startTransaction(reading: reading)
        do {
            let sql = savepointSQL(0, PostgresStore.transactionMark)
            try client.execute("SAVEPOINT \(sql)")
            transaction.marks = [(PostgresStore.transactionMark, sql)]
        } catch {
            try? client.execute("ROLLBACK")
            inTransaction = false
            transaction.marks = []
            throw error
        }
    }

    public func commit() throws(StoreError) {
        expected = nil
        defer { transaction.end() }
        if inTransaction {
            do {
                try client.execute("COMMIT")
                inTransaction = false
            } catch {
                try? client.execute("ROLLBACK")
                inTransaction = false
                transaction.nextIDs = [:]
                try? reload()
                throw error
            }
        }
    }

    public func rollback() {
        expected = nil
        if inTransaction { try? client.execute("ROLLBACK") }
        inTransaction = false
        transaction.marks = []
        transaction.nextIDs = [:]
        if transaction.schemaChanged {
            transaction.schemaChanged = false
            try? reload()
        }
    }

    public func savepoint(_ name: String) throws(StoreError) {
        if closed { throw StoreError("the store \(location.description) is closed") }
        var began = false
        if !inTransaction {
            transaction.end()
            try startTransaction()
            began = true
        }
        do {
            let sql = savepointSQL(transaction.marks.count, name)
            try client.execute("SAVEPOINT \(sql)")
            transaction.marks.append((name, sql))
        } catch {
            if began {
                try? client.execute("ROLLBACK")
                inTransaction = false
            }
            throw error
        }
    }

    public func releaseSavepoint(_ name: String) throws(StoreError) {
        expected = nil
        let i = try transaction.mark(name)
        if i == 0 {
            // Nothing is left to roll back to: what was done is kept.
            try commit()
        } else {
            try client.execute("RELEASE SAVEPOINT \(transaction.marks[i].sql)")
            transaction.marks.removeSubrange(i...)
        }
    }

    public func rollback(toSavepoint name: String) throws(StoreError) {
        expected = nil
        let i = try transaction.mark(name)
        try client.execute("ROLLBACK TO SAVEPOINT \(transaction.marks[i].sql)")
        transaction.marks.removeSubrange((i + 1)...)
        transaction.nextIDs = [:]
        if transaction.schemaChanged { try reload() }
    }

    public func dump() throws(StoreError) -> String {
        try read { () throws(StoreError) in
            var out = ""
            for name in schema.entities.map(\.name).sorted() {
                guard let t = tables[name] else { continue }
                let sql = "SELECT \(t.selectList) FROM \(t.table) AS t0 ORDER BY t0.\(SQLName.quotedRowColumn)"
                out += Dump.table(t.entity, try rows(sql, [], t.codecs, of: name))
            }
            return out
        }
    }
}

/// Unique numbers for the names of temporary stores in this process.
enum TemporaryNames {
    private static let counter = Counter()

    static func next() -> Int { counter.next() }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.withLock {
                value += 1
                return value
            }
        }
    }
}
