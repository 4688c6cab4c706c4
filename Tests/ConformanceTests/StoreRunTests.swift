import Foundation
import Testing
import Civic
import CivicPostgresTesting

// Runs of whole scripts against a store that outlives them (a SQLite file, a
// PostgreSQL community), through the `Civic` library's Engine: a run is all
// or nothing, and the same queries give the same output with pushdown on and
// off, on every engine.

// MARK: - Helpers

/// Lines a run printed.
private final class RunLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}

/// A temporary folder with scripts and data beside them; removed when dropped.
private final class Workspace {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("civic-store-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("data"), withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}

/// What one run gave: its output lines and its errors as "LINE:COL MESSAGE".
private struct Outcome {
    var lines: [String]
    var errors: [String]
    var succeeded: Bool { errors.isEmpty }
}

/// Runs the script at `path` once, on a new engine over `store`.
private func run(_ path: String, on store: Store, pushdown: Bool = true, reveal: Bool = false) throws -> Outcome {
    let lines = RunLines()
    let options = RunOptions(now: CivicTime(year: 2026, month: 11, day: 28, hour: 9), reveal: reveal, pushdown: pushdown)
    let engine = Engine(options: options, store: store, lines: { lines.append($0) })
    let result = engine.run(try Engine.readSource(path: path))
    let errors = result.diagnostics.map { d -> String in
        let (line, column) = engine.sources.file(d.span.file)?.location(of: d.span.start) ?? (0, 0)
        return "\(line):\(column) \(d.message)"
    }
    return Outcome(lines: lines.all, errors: errors)
}

private let schemaText = """
    entity Worker { key id: Text, name: Text, role: Text }
    entity Resident {
      key id: Text
      name: Text
      age: Number
      building: Text
      living_alone: Bool = false
      phone: Text private
    }
    entity Note { text: Text }

    """

private let residentsCSV = """
    id,name,age,building,living_alone,phone
    R01,张三,72,B3,true,13800000000
    R02,李四,35,B1,false,13911112222
    R03,王五,81,B1,true,13722223333

    """

/// A workspace with the schema, good and bad data, and a store of `kind`
/// (for SQLite, the file store.sqlite in the workspace) in which a first run
/// has stored 2 workers, 3 residents and 2 notes; and a connection to it.
private func seededStore(_ kind: StoreKind) throws -> (Workspace, TestStore, Store) {
    let w = try Workspace()
    try w.write("schema.civic", schemaText)
    try w.write("data/residents.csv", residentsCSV)
    try w.write("data/more.csv", """
        id,name,age,building,living_alone,phone
        R10,甲,40,B1,false,13800000010
        R11,乙,七十,B2,false,13800000011

        """)
    let seed = try w.write("seed.civic", """
        use "schema.civic"
        add Worker { id: "W1", name: "王芳", role: "grid" }
        add Worker { id: "W2", name: "李强", role: "security" }
        load Resident from "data/residents.csv"
        add Note { text: "第一条" }
        add Note { text: "第二条" }
        """)
    let place = try TestStore(kind, sqlitePath: w.path("store.sqlite"))
    let store = try place.open()
    let outcome = try run(seed, on: store)
    try #require(outcome.succeeded, "the seed run failed: \(outcome.errors)")
    return (w, place, store)
}

/// Every test of this file, under one name (`swift test --filter StoreRunTests`).
@Suite struct StoreRunTests {}

// MARK: - All or nothing

extension StoreRunTests {
    @Suite struct AllOrNothing {
        /// Runs `script` on a seeded store, expects it to fail with `error`, and
        /// checks that the store (and the file or community, read again by
        /// another connection) is as it was.
        func expectUnchanged(_ kind: StoreKind, _ script: String, error: String, printed: [String] = [],
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
            let (w, place, store) = try seededStore(kind)
            let before = try store.dump()
            let schemaBefore = try store.storedSchema()
            #expect(before.contains("\"R03\""), "the seed rows are in the store", sourceLocation: sourceLocation)
            let path = try w.write("failing.civic", script)
            let outcome = try run(path, on: store)
            #expect(outcome.errors.count == 1, "one error: \(outcome.errors)", sourceLocation: sourceLocation)
            #expect(outcome.errors.first == error, sourceLocation: sourceLocation)
            #expect(outcome.lines == printed, sourceLocation: sourceLocation)
            #expect(try store.dump() == before, "the store changed", sourceLocation: sourceLocation)
            #expect(try store.storedSchema() == schemaBefore, "the schema changed", sourceLocation: sourceLocation)
            // The file or community itself, opened again by another connection.
            let reopened = try place.open()
            #expect(try reopened.dump() == before, "the file changed", sourceLocation: sourceLocation)
            #expect(try reopened.storedSchema() == schemaBefore, sourceLocation: sourceLocation)
            // And the store still works: a good run after the failed one is kept.
            let good = try w.write("good.civic", """
                use "schema.civic"
                add Worker { id: "W9", name: "新人", role: "grid" }
                let note = add Note { text: "后来" }
                print count Worker, note.id
                """)
            let after = try run(good, on: store)
            #expect(after.errors.isEmpty, sourceLocation: sourceLocation)
            // The generated ids the failed run used are given out again: the sequence was rolled back too.
            #expect(after.lines == ["3 3"], sourceLocation: sourceLocation)
        }

        @Test(arguments: TestStores.kinds)
        func aRuntimeErrorAfterAddsUpdatesAndRemovesKeepsNothing(_ kind: StoreKind) throws {
            try expectUnchanged(kind, """
                use "schema.civic"
                add Worker { id: "W3", name: "赵敏", role: "grid" }
                add Note { text: "第三条" }
                update first Resident where id == "R01" { age: 99, living_alone: false }
                remove first Resident where id == "R02"
                remove Note where id == 1
                print "changed: {count Worker} workers, {count Resident} residents"
                let zero = count Worker where role == "nobody"
                print 1 / zero
                """, error: "9:7 division by zero", printed: ["changed: 3 workers, 2 residents"])
        }

        @Test(arguments: TestStores.kinds)
        func aRuntimeErrorAfterASchemaChangeKeepsNeitherRowsNorSchema(_ kind: StoreKind) throws {
            try expectUnchanged(kind, """
                entity Worker { key id: Text, name: Text, role: Text, active: Bool = true }
                entity Resident {
                  key id: Text
                  name: Text
                  age: Number
                  building: Text
                  living_alone: Bool = false
                  phone: Text private
                }
                entity Visit { key id: Text, resident: Resident, day: Date }
                let zhang = first Resident where id == "R01"
                add Visit { id: "V1", resident: zhang, day: 2026-11-28 }
                print count Worker where active
                add Worker { id: "W1", name: "重复", role: "grid" }
                """, error: "14:1 Worker already has a row with id \"W1\"", printed: ["2"])
        }

        @Test(arguments: TestStores.kinds)
        func aCheckErrorRunsNothing(_ kind: StoreKind) throws {
            try expectUnchanged(kind, """
                use "schema.civic"
                entity Visit { key id: Text, day: Date }
                add Worker { id: "W3", name: "赵敏", role: "grid" }
                add Visit { id: "V1", day: 2026-11-28 }
                print "never"
                print agee + 1
                """, error: "6:7 unknown name 'agee'")
        }

        @Test(arguments: TestStores.kinds)
        func aBadCSVInLoadKeepsNothing(_ kind: StoreKind) throws {
            try expectUnchanged(kind, """
                use "schema.civic"
                add Worker { id: "W3", name: "赵敏", role: "grid" }
                add Note { text: "第三条" }
                print "before the load"
                load Resident from "data/more.csv"
                print "after the load"
                """, error: "5:20 data/more.csv:3: field 'age': expected a Number, found \"七十\"", printed: ["before the load"])
        }

        @Test(arguments: TestStores.kinds)
        func aDuplicateKeyInLoadKeepsNothing(_ kind: StoreKind) throws {
            try expectUnchanged(kind, """
                use "schema.civic"
                add Resident { id: "R10", name: "先来", age: 50, building: "B1", phone: "13800000099" }
                load Resident from "data/residents.csv"
                """, error: "3:20 data/residents.csv:2: Resident already has a row with id \"R01\"")
        }

        @Test(arguments: TestStores.kinds)
        func aFailedImportKeepsNothing(_ kind: StoreKind) throws {
            let (w, place, store) = try seededStore(kind)
            let before = try store.dump()
            let engine = Engine(store: store)
            let schema = SourceFile(name: w.path("schema.civic"), text: schemaText)
            switch engine.importData(entity: "Resident", path: w.path("data/more.csv"), schema: schema) {
            case .success(let summary):
                Issue.record("the import of a bad file succeeded with \(summary.rows) rows")
            case .failure(let list):
                #expect(list.diagnostics.first?.message == "\(w.path("data/more.csv")):3: field 'age': expected a Number, found \"七十\"")
            }
            #expect(try store.dump() == before)
            #expect(try place.open().dump() == before)
        }

        @Test(arguments: TestStores.kinds)
        func aGoodRunIsKept(_ kind: StoreKind) throws {
            // The counterpart of the tests above: the same kind of changes, kept.
            let (w, place, store) = try seededStore(kind)
            let before = try store.dump()
            let path = try w.write("ok.civic", """
                use "schema.civic"
                add Worker { id: "W3", name: "赵敏", role: "grid" }
                update first Resident where id == "R01" { age: 99 }
                remove Note where id == 1
                """)
            #expect(try run(path, on: store).succeeded)
            let after = try place.open().dump()
            #expect(after != before)
            #expect(after.contains("\"W3\" | \"赵敏\" | \"grid\""))
            #expect(after.contains("\"R01\" | \"张三\" | 99 |"))
            #expect(!after.contains("\"第一条\""))
        }
    }
}

// MARK: - Pushdown on and off

extension StoreRunTests {
    @Suite(.serialized) struct PushdownAgreement {
        /// The example community, loaded once into memory and into a store of
        /// each engine (a SQLite file, a PostgreSQL community kept until the
        /// tests end).
        fileprivate final class Community: @unchecked Sendable {
            let workspace: Workspace
            let stores: [StoreKind: Store]
            let memory: MemoryStore
            /// Runs on these stores go one at a time.
            let lock = NSLock()

            init() throws {
                let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .deletingLastPathComponent().appendingPathComponent("examples/community")
                workspace = try Workspace()
                let files = FileManager.default
                try files.copyItem(at: example.appendingPathComponent("schema.civic"), to: workspace.url.appendingPathComponent("schema.civic"))
                for name in ["buildings", "workers", "households", "residents"] {
                    try files.copyItem(at: example.appendingPathComponent("data/\(name).csv"),
                                       to: workspace.url.appendingPathComponent("data/\(name).csv"))
                }
                let load = try workspace.write("load.civic", """
                    use "schema.civic"
                    load Building from "data/buildings.csv"
                    load Worker from "data/workers.csv"
                    load Household from "data/households.csv"
                    load Resident from "data/residents.csv"
                    print count Resident
                    """)
                var stores: [StoreKind: Store] = [:]
                for kind in TestStores.kinds {
                    stores[kind] = try TestStores.keptUntilExit(TestStore(kind, sqlitePath: workspace.path("community.sqlite"))).open()
                }
                self.stores = stores
                memory = MemoryStore()
                for store in Array(stores.values) + [memory] {
                    let outcome = try run(load, on: store)
                    guard outcome.succeeded else { throw StoreError("loading the example failed: \(outcome.errors)") }
                }
            }

            func store(_ kind: StoreKind) throws -> Store {
                guard let store = stores[kind] else { throw StoreError("no \(kind) store") }
                return store
            }

            /// The residents' CSV rows, read here without Civic, for sums checked independently.
            func residentRows() throws -> [[String]] {
                let text = try String(contentsOf: workspace.url.appendingPathComponent("data/residents.csv"), encoding: .utf8)
                return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            }
        }

        fileprivate static let community = Result { try Community() }

        static let queries: [String] = [
            "print count Resident, count Household, count Building, count Worker",
            "show Resident where age >= 80 and living_alone order by age desc, id limit 10",
            "print average age of Resident, sum age of Resident",
            """
            for name in ["欣园", "和平里", "翠苑"] {
              print name, sum members of Household where compound == name, count Household where compound == name
            }
            """,
            "show Resident where building in [\"B1\", \"B7\"] and age < 18 order by name, id limit 15",
            "print min age of Resident, max age of Resident, min name of Resident, max name of Resident",
            "print (first Resident order by age desc, id).name, (first Resident order by age, id desc).name",
            "print count Resident where not living_alone or age < 30, count Resident where not (age >= 30)",
            "show Household where members >= 5 order by members desc, id limit 12",
            "print average members of Household where compound == \"欣园\", max members of Household where building == \"B2\"",
            "let cutoff = 65\nprint count Resident where age >= cutoff and building == \"B3\", count Resident where cutoff > age",
            "show Resident where len(name) == 3 and age > 85 order by age, id",
            "print exists Resident where age > 100, exists Resident where name == \"谢敏\", exists Worker where role == \"grid\"",
            "show Building where floors > 10 order by compound, id",
            "print sum age of (Resident order by age desc, id limit 50), average age of (Resident order by age, id limit 7)",
            "print count Resident where phone == none, count Resident where age == none, count Resident where age != none",
            "show Resident where not (age <= 60) and building == \"B2\" order by id limit 5",
            "print sum floors of Building where compound != \"欣园\", min floors of Building, max compound of Building",
            "for w in Worker where role == \"grid\" order by id { print w.id, w.name }",
            "show Resident where name >= \"王\" and name < \"谢\" order by name, id limit 10",
            "print count Resident where age mod 10 == 0, count Resident where age * 2 >= 150",
            "show first Resident where building == \"B1\" order by age, id",
            "let b = first Building where compound == \"翠苑\" order by id\nprint count Household where building == b.id, sum members of Household where building == b.id",
            "print average age of Resident where living_alone, average age of Resident where building in [\"B1\", \"B2\", \"B3\"]",
            "for r in Resident where age >= 90 order by age desc, name limit 5 { print r.id, r.name, r.age, r.phone }",
        ]

        @Test(arguments: TestStores.kinds, Array(queries.indices))
        func sameOutputWithPushdownOnAndOff(_ kind: StoreKind, _ index: Int) throws {
            let c = try PushdownAgreement.community.get()
            c.lock.lock()
            defer { c.lock.unlock() }
            let script = try c.workspace.write("query\(index).civic", "use \"schema.civic\"\n" + PushdownAgreement.queries[index] + "\n")
            let pushed = try run(script, on: try c.store(kind), pushdown: true)
            let interpreted = try run(script, on: try c.store(kind), pushdown: false)
            let inMemory = try run(script, on: c.memory, pushdown: true)
            #expect(pushed.errors.isEmpty, "\(pushed.errors)")
            #expect(interpreted.errors.isEmpty, "\(interpreted.errors)")
            #expect(!pushed.lines.isEmpty && !pushed.lines.joined().isEmpty, "query \(index) printed nothing")
            #expect(pushed.lines == interpreted.lines, "query \(index): pushdown on and off differ")
            #expect(pushed.lines == inMemory.lines, "query \(index): \(kind) and memory differ")
        }

        @Test func queriesAreVaried() {
            #expect(PushdownAgreement.queries.count >= 15)
        }

        /// Some answers worked out here from the CSV, without Civic: the stores
        /// agree with each other, and with the data.
        @Test(arguments: TestStores.kinds)
        func answersAgreeWithTheData(_ kind: StoreKind) throws {
            let c = try PushdownAgreement.community.get()
            c.lock.lock()
            defer { c.lock.unlock() }
            let rows = try c.residentRows()
            let ages = rows.compactMap { Int($0[2]) }
            let seniorsAlone = rows.filter { (Int($0[2]) ?? 0) >= 80 && $0[4] == "true" }.count
            let b3Over65 = rows.filter { (Int($0[2]) ?? 0) >= 65 && $0[3] == "B3" }.count
            let script = try c.workspace.write("answers.civic", """
                use "schema.civic"
                print count Resident
                print sum age of Resident
                print count Resident where age >= 80 and living_alone
                print count Resident where age >= 65 and building == "B3"
                print max age of Resident
                """)
            let expected = ["\(rows.count)", "\(ages.reduce(0, +))", "\(seniorsAlone)", "\(b3Over65)", "\(ages.max() ?? -1)"]
            for pushdown in [true, false] {
                let outcome = try run(script, on: try c.store(kind), pushdown: pushdown)
                #expect(outcome.errors.isEmpty)
                #expect(outcome.lines == expected, "pushdown \(pushdown)")
            }
            #expect(try run(script, on: c.memory).lines == expected)
            #expect(rows.count > 1000)
        }
    }
}

// MARK: - Runs that only read, and runs at once

extension StoreRunTests {
    @Suite struct ReadingRuns {
        /// The bytes of the store's file and of its write-ahead log.
        private func files(_ w: Workspace) throws -> [Data] {
            try ["store.sqlite", "store.sqlite-wal"].map { name in
                FileManager.default.fileExists(atPath: w.path(name)) ? try Data(contentsOf: URL(fileURLWithPath: w.path(name))) : Data()
            }
        }

        /// Stores two notes in `place` and gives the path of a script that only reads them.
        private func setUp(_ w: Workspace, _ place: TestStore) throws -> String {
            let setup = try w.write("setup.civic", """
                entity Note { tag: Text, n: Number }
                add Note { tag: "a", n: 1 }
                add Note { tag: "b", n: 2 }
                """)
            let outcome = try run(setup, on: try place.open())
            try #require(outcome.succeeded, "\(outcome.errors)")
            return try w.write("report.civic", """
                entity Note { tag: Text, n: Number }
                print count Note, sum n of Note
                for x in Note order by n desc limit 1 { print x.tag }
                """)
        }

        @Test func aRunThatOnlyReadsLeavesTheFileAsItWasAndDoesNotBlockAWriter() throws {
            let w = try Workspace()
            let report = try setUp(w, try TestStore(.sqlite, sqlitePath: w.path("store.sqlite")))
            let before = try files(w)
            let outcome = try run(report, on: try SQLiteStore(path: w.path("store.sqlite"), busyTimeoutMilliseconds: 100))
            #expect(outcome.errors.isEmpty)
            #expect(outcome.lines == ["2 3", "b"])
            #expect(try files(w) == before)
            // While another run holds the write lock, a run that only reads
            // goes through (and sees what was committed); one that writes is
            // told the store is busy.
            let holder = try SQLiteStore(path: w.path("store.sqlite"))
            try holder.begin()
            _ = try holder.insert("Note", [.none, .text("held"), .number(9)])
            let reading = try run(report, on: try SQLiteStore(path: w.path("store.sqlite"), busyTimeoutMilliseconds: 100))
            #expect(reading.errors.isEmpty)
            #expect(reading.lines == ["2 3", "b"])
            let adding = try w.write("add.civic", """
                entity Note { tag: Text, n: Number }
                print count Note
                add Note { tag: "c", n: 3 }
                """)
            let writing = try run(adding, on: try SQLiteStore(path: w.path("store.sqlite"), busyTimeoutMilliseconds: 100))
            #expect(writing.errors.count == 1)
            #expect(writing.errors.first?.contains("is busy: another run is using it") == true, "\(writing.errors)")
            try holder.commit()
            #expect(try run(report, on: try SQLiteStore(path: w.path("store.sqlite"))).lines == ["3 12", "held"])
        }

        /// PostgreSQL's counterpart of the test above: a run that only reads
        /// leaves every table of the community as it was, and sees what a
        /// run after it commits.
        @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
        func aRunThatOnlyReadsLeavesTheCommunityAsItWas() throws {
            let w = try Workspace()
            let place = try TestStore(.postgres)
            let report = try setUp(w, place)
            let before = try place.open().dump()
            let schemaBefore = try place.open().storedSchema()
            let outcome = try run(report, on: try place.open())
            #expect(outcome.errors.isEmpty)
            #expect(outcome.lines == ["2 3", "b"])
            #expect(try place.open().dump() == before)
            #expect(try place.open().storedSchema() == schemaBefore)
            let adding = try w.write("add.civic", """
                entity Note { tag: Text, n: Number }
                add Note { tag: "c", n: 9 }
                """)
            #expect(try run(adding, on: try place.open()).succeeded)
            #expect(try run(report, on: try place.open()).lines == ["3 12", "c"])
        }

        @Test(arguments: TestStores.kinds)
        func aRunThatOnlyReadsButChangesTheSchemaWritesIt(_ kind: StoreKind) throws {
            let w = try Workspace()
            let place = try TestStore(kind, sqlitePath: w.path("store.sqlite"))
            _ = try setUp(w, place)
            let script = try w.write("wider.civic", """
                entity Note { tag: Text, n: Number, seen: Bool = false }
                print count Note where not seen
                """)
            let outcome = try run(script, on: try place.open())
            #expect(outcome.errors.isEmpty)
            #expect(outcome.lines == ["2"])
            let schema = try place.open().storedSchema()
            #expect(schema.entity("Note")?.field("seen") != nil)
        }

        /// Runs that read a count and then add a row numbered after it, on
        /// two connections at once: each holds the write lock (SQLite's, or
        /// the community's advisory lock) from its start, so no two read the
        /// same count.
        @Test(arguments: TestStores.kinds)
        func runsThatReadThenWriteAtOnceLoseNothing(_ kind: StoreKind) throws {
            let w = try Workspace()
            let place = try TestStore(kind, sqlitePath: w.path("store.sqlite"))
            _ = try setUp(w, place)
            let script = try w.write("next.civic", """
                entity Note { tag: Text, n: Number }
                let n = count Note
                add Note { tag: "next", n: n + 1 }
                """)
            let runs = 8
            let failures = RunLines()
            let group = DispatchGroup()
            for _ in 0..<2 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    do {
                        let store = try place.open(busyTimeoutMilliseconds: 20_000)
                        for _ in 0..<runs {
                            let outcome = try run(script, on: store)
                            if !outcome.succeeded { failures.append("\(outcome.errors)") }
                        }
                    } catch {
                        failures.append("\(error)")
                    }
                }.start()
            }
            group.wait()
            #expect(failures.all.isEmpty)
            let check = try w.write("check.civic", """
                entity Note { tag: Text, n: Number }
                print count Note, count Note where tag == "next"
                for x in Note where tag == "next" order by n { print x.n }
                """)
            let outcome = try run(check, on: try place.open())
            #expect(outcome.lines.first == "\(2 + 2 * runs) \(2 * runs)")
            #expect(Array(outcome.lines.dropFirst()) == (3...(2 + 2 * runs)).map(String.init))
        }
    }
}
