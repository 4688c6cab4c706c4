import Foundation
import Testing
import Civic
import CivicPostgresTesting

// Moving a whole store (issue 10): `Engine.copy` between every pair of
// engines, and an export file read back into every engine, on a store made
// by the time-bank example (awards, a cap, expiring lots, gifts, charges,
// and a private field). The copy holds what the original holds, in its
// order, passes `civic verify`, and goes on exactly as the original does.

/// An engine a store of the tests is on.
enum MoveEngine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, sqlite, postgres

    var testDescription: String { rawValue }
}

/// The stores of one test, each fresh, in a temporary folder.
final class MoveStores {
    let folder: URL
    private var made: [Store] = []
    private var count = 0

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("civic-move-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        for store in made {
            (store as? SQLiteStore)?.close()
            (store as? PostgresStore)?.close()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// A new, empty store on `engine` (PostgreSQL: a community of its own, dropped at the end).
    func make(_ engine: MoveEngine) throws -> Store {
        count += 1
        let store: Store
        switch engine {
        case .memory: store = MemoryStore()
        case .sqlite: store = try SQLiteStore(path: folder.appendingPathComponent("store\(count).sqlite").path)
        case .postgres: store = try TestPostgres.store()
        }
        made.append(store)
        return store
    }

    /// Writes a file into the folder and gives its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

enum TimeBank {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/time-bank")

    /// Runs the example's main script with its three event files, as its README does.
    static func fill(_ store: Store) throws {
        let events = [("Service", "services.csv"), ("Gift", "gifts.csv"), ("Use", "used.csv")].map {
            ($0.0, folder.appendingPathComponent("data/" + $0.1).path)
        }
        _ = try run(store, now: CivicTime(year: 2026, month: 11, day: 28, hour: 9), events: events)
    }

    /// Runs `main.civic` on `store` at `now` with event files; gives what it printed.
    static func run(_ store: Store, now: CivicTime?, events: [(String, String)] = [],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        var options = RunOptions(now: now, operatorName: "tests")
        options.events = events.map { (type: $0.0, path: $0.1) }
        let lines = Lines()
        let engine = Engine(options: options, store: store, lines: { lines.append($0) })
        let result = engine.run(try Engine.readSource(path: folder.appendingPathComponent("main.civic").path))
        #expect(result.diagnostics.isEmpty, "\(engine.render(result.diagnostics))", sourceLocation: sourceLocation)
        let stats = result.stats
        return lines.all + ["events: \(stats.eventsHandled) applied, \(stats.eventsSkipped) handled before, \(stats.rulesFired) rules fired, \(stats.cuts) cut"]
    }

    /// Lines a run printed.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ s: String) { lock.withLock { lines.append(s) } }
        var all: [String] { lock.withLock { lines } }
    }
}

/// Runs a script on a store, and gives what it printed.
func runScript(_ source: String, on store: Store, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    let lines = TimeBank.Lines()
    let engine = Engine(options: RunOptions(now: CivicTime(year: 2026, month: 11, day: 28, hour: 9), operatorName: "tests"),
                        store: store, lines: { lines.append($0) })
    let result = engine.run(source: source)
    #expect(result.diagnostics.isEmpty, "\(engine.render(result.diagnostics))", sourceLocation: sourceLocation)
    return lines.all
}

/// Everything two stores must agree on after a move: the schema, every
/// row in its order, the next generated keys, and the dump.
func expectSameContents(_ a: Store, _ b: Store, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let schema = try a.storedSchema()
    #expect(try b.storedSchema() == schema, sourceLocation: sourceLocation)
    #expect(try a.dump() == b.dump(), sourceLocation: sourceLocation)
    let options = FormatOptions(reveal: true)
    for entity in schema.entities {
        let rows = { (s: Store) throws -> [String] in
            try s.fetch(StoreQuery(entity: entity.name), []).map { $0.values.map { $0.literal(options) }.joined(separator: " | ") }
        }
        #expect(try rows(a) == rows(b), "the rows of \(entity.name), in order", sourceLocation: sourceLocation)
        #expect(try a.nextKey(entity.name) == b.nextKey(entity.name), "the next key of \(entity.name)", sourceLocation: sourceLocation)
    }
}

/// A script whose rows refer to each other in a circle and to later rows,
/// and whose generated keys have moved past the last row.
let referencesScript = """
    entity Person { key id: Text, name: Text, partner: Person = none }
    entity Note { text: Text, about: Person }
    let a = add Person { id: "P1", name: "An" }
    let b = add Person { id: "P2", name: "Bo", partner: a }
    update a { partner: b }
    add Note { text: "first", about: a }
    add Note { text: "second", about: b }
    let gone = add Note { text: "third", about: b }
    remove gone
    """

@Suite struct StoreMoveTests {
    static let pairs: [(MoveEngine, MoveEngine)] = [(.sqlite, .sqlite), (.memory, .sqlite), (.sqlite, .memory), (.memory, .memory)]
    static let postgresPairs: [(MoveEngine, MoveEngine)] = [(.sqlite, .postgres), (.postgres, .sqlite), (.postgres, .postgres), (.memory, .postgres)]

    /// The copy of a time bank holds what the original holds, passes
    /// verify, and a further run on each (a new service, a service already
    /// applied, credits expiring) prints the same and leaves the same books.
    func roundTrip(_ from: MoveEngine, _ to: MoveEngine) throws {
        let stores = try MoveStores()
        let original = try stores.make(from)
        try TimeBank.fill(original)
        let copy = try stores.make(to)
        let summary = try Engine.copy(from: original, to: copy)
        try expectSameContents(original, copy)
        #expect(Engine.verify(copy).isEmpty)
        let entries = try original.fetch(StoreQuery(entity: "$ledger"), []).count
        #expect(entries > 100)
        #expect(Engine.ledgerEntries(summary) == entries)
        #expect(summary.rows == (try original.storedSchema().entities.map { try original.fetch(StoreQuery(entity: $0.name), []).count }.reduce(0, +)))

        let later = try stores.write("later.csv", """
            id,volunteer,hours,service,at
            FW-0001,TB010,1.5,助老陪诊,2024-09-26T13:00
            FW-9001,TB003,3,课后辅导,2027-01-05T16:00
            """)
        let now = CivicTime(year: 2027, month: 1, day: 10, hour: 9)
        let onOriginal = try TimeBank.run(original, now: now, events: [("Service", later)])
        let onCopy = try TimeBank.run(copy, now: now, events: [("Service", later)])
        #expect(onCopy == onOriginal)
        #expect(onOriginal.last == "events: 1 applied, 1 handled before, 1 rules fired, 0 cut", "\(onOriginal)")
        try expectSameContents(original, copy)
        #expect(try copy.nextKey("$ledger") > entries + 1)
    }

    /// Rows referring to later rows and to each other are copied whole, and
    /// the next generated key is the original's, not one past the last row.
    func references(_ from: MoveEngine, _ to: MoveEngine) throws {
        let stores = try MoveStores()
        let original = try stores.make(from)
        _ = runScript(referencesScript, on: original)
        let copy = try stores.make(to)
        _ = try Engine.copy(from: original, to: copy)
        try expectSameContents(original, copy)
        let next = "entity Person { key id: Text, name: Text, partner: Person = none }\nentity Note { text: Text, about: Person }\n"
            + "print (add Note { text: \"fourth\", about: first Person }).id\nprint (first Person where id == \"P1\").partner.name"
        #expect(runScript(next, on: original) == ["4", "Bo"])
        #expect(runScript(next, on: copy) == ["4", "Bo"])
    }

    /// A time bank copied, rows that refer to later rows copied, and an
    /// export read back, from one engine into another.
    func moves(_ from: MoveEngine, _ to: MoveEngine) throws {
        try roundTrip(from, to)
        try references(from, to)
        try StoreExportTests().roundTrip(from, to)
    }

    @Test(arguments: pairs)
    func movesAStore(_ from: MoveEngine, _ to: MoveEngine) throws {
        try moves(from, to)
    }

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped), arguments: postgresPairs)
    func movesAStoreWithPostgres(_ from: MoveEngine, _ to: MoveEngine) throws {
        try moves(from, to)
    }

    /// A target that holds something is refused without `replace`, and
    /// left as it was; with it, it becomes the copy.
    @Test func refusesATargetThatIsNotEmptyUnlessReplaced() throws {
        let stores = try MoveStores()
        let original = try stores.make(.sqlite)
        try TimeBank.fill(original)
        let target = try stores.make(.sqlite)
        _ = runScript(referencesScript, on: target)
        let before = try target.dump()
        let error = #expect(throws: StoreError.self) { try Engine.copy(from: original, to: target) }
        #expect(error?.message.contains("is not empty") == true, "\(String(describing: error))")
        #expect(error?.hint?.contains("--replace") == true)
        #expect(try target.dump() == before)
        _ = try Engine.copy(from: original, to: target, replace: true)
        try expectSameContents(original, target)
        #expect(try target.storedSchema().entity("Person") == nil)
    }

    /// A copy that fails half way (the target cannot keep a name the source
    /// has) leaves the target exactly as it was, even when asked to replace it.
    @Test func aFailedReplaceLeavesTheTargetAsItWas() throws {
        let stores = try MoveStores()
        let source = MemoryStore()
        try source.prepare(StoreSchema(entities: [
            StoredEntity(name: "Thing", fields: [StoredField(name: "id", type: .text, isKey: true)]),
            StoredEntity(name: "thing", fields: [StoredField(name: "id", type: .text, isKey: true)]),
        ]))
        let target = try stores.make(.sqlite)
        try TimeBank.fill(target)
        let before = try target.dump()
        let schema = try target.storedSchema()
        let error = #expect(throws: StoreError.self) { try Engine.copy(from: source, to: target, replace: true) }
        #expect(error?.message.contains("differ only in capital letters") == true, "\(String(describing: error))")
        #expect(try target.dump() == before)
        #expect(try target.storedSchema() == schema)
        #expect(Engine.verify(target).isEmpty)
    }

    /// PostgreSQL cannot keep a text holding NUL: the copy fails on the
    /// rows, after the schema was made, and the community keeps nothing.
    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func aFailedCopyLeavesAPostgresCommunityAsItWas() throws {
        let stores = try MoveStores()
        let source = MemoryStore()
        try source.prepare(StoreSchema(entities: [
            StoredEntity(name: "Thing", fields: [StoredField(name: "id", type: .text, isKey: true)]),
        ]))
        _ = try source.insert("Thing", [.text("a\u{0}b")])
        let target = try stores.make(.postgres)
        #expect(throws: StoreError.self) { try Engine.copy(from: source, to: target) }
        #expect(try target.storedSchema().entities.isEmpty)
        #expect(try target.dump() == "")
    }

    /// A store whose books do not hold is not copied: its copy would not pass verify.
    @Test func refusesAStoreWhoseBooksDoNotHold() throws {
        let stores = try MoveStores()
        let original = try stores.make(.sqlite)
        try TimeBank.fill(original)
        let balance = try #require(try original.fetch(StoreQuery(entity: "$balance"), []).first)
        try original.update("$balance", key: balance.values[0], [(field: "balance", value: .number(Number(999)))])
        let target = try stores.make(.sqlite)
        let error = #expect(throws: StoreError.self) { try Engine.copy(from: original, to: target) }
        #expect(error?.message.contains("books of the copy do not hold") == true, "\(String(describing: error))")
        #expect(try target.storedSchema().entities.isEmpty)
    }

    @Test func refusesToCopyAStoreIntoItself() throws {
        let store = MemoryStore()
        _ = runScript(referencesScript, on: store)
        let before = try store.dump()
        #expect(throws: StoreError.self) { try Engine.copy(from: store, to: store, replace: true) }
        #expect(try store.dump() == before)
    }

    /// Reading a SQLite file to copy it changes not one byte of it.
    @Test func theSourceFileStaysByteForByteTheSame() throws {
        let stores = try MoveStores()
        let path = stores.folder.appendingPathComponent("original.sqlite").path
        let original = try SQLiteStore(path: path)
        try TimeBank.fill(original)
        original.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let source = try SQLiteStore.reading(path: path)
        let target = try stores.make(.sqlite)
        _ = try Engine.copy(from: source, to: target)
        source.close()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        let missing = stores.folder.appendingPathComponent("missing.sqlite").path
        #expect(throws: StoreError.self) { try SQLiteStore.reading(path: missing) }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
