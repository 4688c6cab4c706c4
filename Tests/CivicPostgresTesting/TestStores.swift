import CivicPostgres
import CivicStore
import Foundation

/// An engine that keeps a store: the tests of runs, ledgers, sessions and
/// the command line run on each of `TestStores.kinds` (and some also on
/// `.memory`, the store of a run without `--db`).
public enum StoreKind: String, Sendable, CustomStringConvertible {
    case memory, sqlite, postgres

    public var description: String {
        switch self {
        case .memory: "memory"
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }
}

/// The engines the store tests run on, and fresh stores of each.
public enum TestStores {
    /// SQLite, and PostgreSQL when a server is available (when it is not,
    /// `TestPostgres` prints why, once, and `storeTestsRunOnPostgreSQL` in
    /// ConformanceTests is reported skipped with `TestPostgres.skipped`).
    /// As a test's arguments it is read when a run's plan is made, never
    /// when the tests are only listed.
    public static var kinds: [StoreKind] { TestPostgres.isAvailable ? [.sqlite, .postgres] : [.sqlite] }

    /// Keeps `store` until the test process ends, and then removes it (a
    /// store shared by the tests of a suite, held in a static, is never
    /// dropped otherwise, and its community would stay on the server).
    public static func keptUntilExit(_ store: TestStore) -> TestStore {
        Kept.shared.add(store)
        return store
    }

    /// The stores kept until exit.
    final class Kept: @unchecked Sendable {
        static let shared = Kept()
        private let lock = NSLock()
        private var stores: [TestStore] = []

        private init() {
            atexit { Kept.shared.removeAll() }
        }

        func add(_ store: TestStore) { lock.withLock { stores.append(store) } }

        func removeAll() {
            let gone = lock.withLock { () -> [TestStore] in
                defer { stores = [] }
                return stores
            }
            for store in gone { store.remove() }
        }
    }

    /// A fresh, empty store of `kind` for one test: SQLite in memory, or a
    /// new PostgreSQL community, dropped when the store goes away.
    public static func fresh(_ kind: StoreKind) throws(StoreError) -> any Store {
        switch kind {
        case .memory: return MemoryStore()
        case .sqlite: return try SQLiteStore.inMemory()
        case .postgres: return try TestPostgres.store()
        }
    }
}

/// A store that outlives its connections, as a community does between runs:
/// a SQLite file, or a PostgreSQL community of its own (or, for `.memory`,
/// one MemoryStore). Each `open()` is a new connection to it; `db` is how
/// `--db` names it. The file's folder (when it
/// made one) or the community is removed when the value is dropped.
public final class TestStore: @unchecked Sendable {
    public let kind: StoreKind
    /// What `civic --db` takes: the file's path, or a `postgres://` URL with `community=`.
    public let db: String
    /// The folder made for the file, removed at the end (nil when the caller gave the path).
    private let folder: URL?
    /// The connection that made the community: it drops it when it goes away.
    private let owner: PostgresStore?
    /// The store of `.memory`, which every `open()` gives.
    private let memory: MemoryStore?

    /// A new store of `kind`: a SQLite file at `sqlitePath` (or in a
    /// temporary folder of its own), or a new PostgreSQL community.
    public init(_ kind: StoreKind, sqlitePath: String? = nil) throws {
        self.kind = kind
        memory = kind == .memory ? MemoryStore() : nil
        switch kind {
        case .memory:
            folder = nil
            owner = nil
            db = ""
        case .sqlite:
            if let sqlitePath {
                folder = nil
                db = sqlitePath
            } else {
                let made = FileManager.default.temporaryDirectory.appendingPathComponent("civic-test-store-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
                folder = made
                db = made.appendingPathComponent("store.sqlite").path
            }
            owner = nil
        case .postgres:
            let store = try TestPostgres.store()
            owner = store
            folder = nil
            db = try TestStore.url(of: store.location.community)
        }
    }

    deinit { remove() }

    /// Removes the store: drops the community, or the folder made for the file.
    func remove() {
        owner?.close()
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// A new connection to the store (SQLite waits up to
    /// `busyTimeoutMilliseconds` for another connection's write lock;
    /// PostgreSQL waits for the community's lock as long as it is held).
    public func open(busyTimeoutMilliseconds: Int = SQLiteStore.defaultBusyTimeoutMilliseconds) throws -> any Store {
        if let owner { return try PostgresStore(location: owner.location) }
        if let memory { return memory }
        return try SQLiteStore(path: db, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
    }

    /// The community's name on the server (nil for SQLite).
    public var community: String? { owner?.location.community }

    /// The test server's URL, naming `community`.
    static func url(of community: String) throws -> String {
        guard let url = TestPostgres.url else { throw StoreError("no PostgreSQL server for the tests: \(TestPostgres.unavailable)") }
        return url + (url.contains("?") ? "&" : "?") + "community=" + community
    }
}
