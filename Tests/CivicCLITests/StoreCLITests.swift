import Civic
import CivicPostgresTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Tests of `civic` with a data store, run as a real process: `civic import`,
// `civic run --db`, `--format json`, schema migrations between runs, and two
// runs at once on one store — each on a SQLite file and on a PostgreSQL
// community (CLIStore.swift). The binary is found as in CLITests.swift:
// the environment variable CIVIC_BINARY, or `.build/debug/civic`.

// MARK: - Helpers (the binary and `Ran` are in CLIHarness.swift)

/// A fresh temporary folder (see CLIHarness.swift) with a `data` folder in it.
private func newFolder() throws -> TempFolder {
    let folder = try TempFolder()
    try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("data"), withIntermediateDirectories: true)
    return folder
}

/// A started `civic` process with its output going to files.
private final class Started {
    let process = Process()
    let outURL: URL
    let errURL: URL
    let out: FileHandle
    let err: FileHandle

    init(_ arguments: [String], in folder: TempFolder, tag: String) throws {
        outURL = folder.url.appendingPathComponent(".stdout-\(tag)-\(UUID().uuidString)")
        errURL = folder.url.appendingPathComponent(".stderr-\(tag)-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        out = try FileHandle(forWritingTo: outURL)
        err = try FileHandle(forWritingTo: errURL)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CIVIC_BINARY")
        env["NO_COLOR"] = "1"
        process.executableURL = civicBinary
        process.arguments = arguments
        process.environment = env
        process.currentDirectoryURL = folder.url
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    /// Waits for the process (killing it after a generous time: a hang is a failure, not a timing check).
    func finish(seconds: Double = 300) throws -> Ran {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw Timeout(description: "civic did not finish within \(Int(seconds)) seconds")
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        return Ran(status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// Runs `civic ARGS` in `folder` and waits for it.
private func storeCivic(_ arguments: [String], in folder: TempFolder, sourceLocation: SourceLocation = #_sourceLocation) throws -> Ran {
    try #require(FileManager.default.isExecutableFile(atPath: civicBinary.path),
                 "no civic binary at \(civicBinary.path): run 'swift build' first, or set CIVIC_BINARY",
                 sourceLocation: sourceLocation)
    return try Started(arguments, in: folder, tag: "run").finish()
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

    """

private let residentsCSV = """
    id,name,age,building,living_alone,phone
    R01,张三,72,B3,true,13800000000
    R02,李四,35,B1,false,13911112222
    R03,王五,81,B1,true,13722223333
    R04,赵六,,B2,false,13633334444
    R05,孙七,15,B2,false,

    """

private let badResidentsCSV = """
    id,name,age,building,living_alone,phone
    R11,甲,40,B1,false,13800000011
    R12,乙,41,B1,false,13800000012
    R13,丙,七十,B2,false,13800000013
    R14,丁,43,B2,false,13800000014

    """

/// A folder with the schema and data files.
private func communityFolder() throws -> TempFolder {
    let f = try newFolder()
    try f.write("schema.civic", schemaText)
    try f.write("data/residents.csv", residentsCSV)
    try f.write("data/bad.csv", badResidentsCSV)
    try f.write("data/workers.csv", "id,name,role\nW1,王芳,grid\nW2,李强,security\n")
    try f.write("data/residents.json", """
        [
          { "id": "J1", "name": "冯一", "age": 77, "building": "B1", "phone": "13800001111" },
          { "id": "J2", "name": "陈二", "age": "42.5", "building": "B2", "living_alone": true, "phone": null }
        ]
        """)
    try f.write("data/unknown_column.csv", "id,nmae,age,building,living_alone,phone\nR21,甲,40,B1,false,1\n")
    return f
}

/// Every test of this file, under one name (`swift test --filter StoreCLITests`).
@Suite struct StoreCLITests {}

// MARK: - civic import

extension StoreCLITests {
    @Suite struct Import {
        @Test(arguments: TestStores.kinds)
        func importOfAGoodCSVStoresEveryRow(_ kind: StoreKind) throws {
            let f = try communityFolder()
            let db = try CLIStore(kind, in: f)
            let ran = try storeCivic(["import", "Resident", "data/residents.csv", "--schema", "schema.civic", "--db", db.db], in: f)
            #expect(ran.status == 0, "\(ran.stderr)")
            #expect(ran.stdout == "imported 5 Resident rows into \(try db.name)\n")
            #expect(ran.stderr == "")
            try f.write("count.civic", """
                use "schema.civic"
                print count Resident, sum age of Resident, count Resident where phone == none
                print (first Resident where id == "R04").age
                """)
            let counted = try storeCivic(["run", "count.civic", "--db", db.db], in: f)
            #expect(counted.status == 0, "\(counted.stderr)")
            #expect(counted.stdout == "5 203 1\nnone\n")
        }

        @Test(arguments: TestStores.kinds)
        func importOfAGoodJSONStoresEveryRow(_ kind: StoreKind) throws {
            let f = try communityFolder()
            let db = try CLIStore(kind, in: f)
            let ran = try storeCivic(["import", "Resident", "data/residents.json", "--schema", "schema.civic", "--db", db.db], in: f)
            #expect(ran.status == 0, "\(ran.stderr)")
            #expect(ran.stdout == "imported 2 Resident rows into \(try db.name)\n")
            #expect(try db.dump().contains("  \"J2\" | \"陈二\" | 42.5 | \"B2\" | true | none\n"))
        }

        @Test(arguments: TestStores.kinds)
        func importOfABadCSVNamesFileLineAndFieldAndImportsNothing(_ kind: StoreKind) throws {
            let f = try communityFolder()
            let db = try CLIStore(kind, in: f)
            let first = try storeCivic(["import", "Resident", "data/residents.csv", "--schema", "schema.civic", "--db", db.db], in: f)
            try #require(first.status == 0, "\(first.stderr)")
            let before = try db.dump()
            #expect(before.contains("\"R05\""))
            let ran = try storeCivic(["import", "Resident", "data/bad.csv", "--schema", "schema.civic", "--db", db.db], in: f)
            #expect(ran.status == 1)
            #expect(ran.stdout == "")
            #expect(ran.stderr.contains("data/bad.csv:4: field 'age': expected a Number, found \"七十\""), "\(ran.stderr)")
            let after = try db.dump()
            #expect(after == before)
            #expect(!after.contains("\"R11\""))
        }

        @Test(arguments: TestStores.kinds)
        func aFailedImportIntoANewStoreLeavesItEmpty(_ kind: StoreKind) throws {
            let f = try communityFolder()
            let db = try CLIStore(kind, in: f, file: "new.sqlite")
            let ran = try storeCivic(["import", "Resident", "data/bad.csv", "--schema", "schema.civic", "--db", db.db], in: f)
            #expect(ran.status == 1)
            #expect(ran.stderr.contains("data/bad.csv:4: field 'age'"), "\(ran.stderr)")
            let store = try db.place.open()
            #expect(try store.storedSchema().entities.isEmpty)
            #expect(try store.dump() == "")
        }

        @Test(arguments: TestStores.kinds)
        func importOfAnUnknownColumnSuggestsTheField(_ kind: StoreKind) throws {
            let f = try communityFolder()
            let db = try CLIStore(kind, in: f)
            let ran = try storeCivic(["import", "Resident", "data/unknown_column.csv", "--schema", "schema.civic", "--db", db.db], in: f)
            #expect(ran.status == 1)
            #expect(ran.stderr.contains("data/unknown_column.csv:1: unknown column 'nmae': Resident has no such field (did you mean 'name'?)"),
                    "\(ran.stderr)")
        }

        @Test(arguments: TestStores.kinds)
        func importIntoAnUndeclaredEntityIsRefused(_ kind: StoreKind) throws {
            let f = try communityFolder()
            let db = try CLIStore(kind, in: f)
            let ran = try storeCivic(["import", "Residnt", "data/residents.csv", "--schema", "schema.civic", "--db", db.db], in: f)
            #expect(ran.status == 1)
            #expect(ran.stderr.contains("declares no entity 'Residnt'"), "\(ran.stderr)")
            #expect(ran.stderr.contains("did you mean 'Resident'?"), "\(ran.stderr)")
        }
    }
}

// MARK: - civic run --db: all or nothing

extension StoreCLITests {
    @Suite struct Run {
        @Test(arguments: TestStores.kinds)
        func aFailingRunLeavesTheStoreAsItWas(_ kind: StoreKind) throws {
            let f = try communityFolder()
            let db = try CLIStore(kind, in: f)
            try f.write("seed.civic", """
                use "schema.civic"
                load Worker from "data/workers.csv"
                load Resident from "data/residents.csv"
                """)
            let seeded = try storeCivic(["run", "seed.civic", "--db", db.db], in: f)
            try #require(seeded.status == 0, "\(seeded.stderr)")
            let before = try db.dump()
            try f.write("fail.civic", """
                use "schema.civic"
                add Worker { id: "W3", name: "赵敏", role: "grid" }
                update first Resident where id == "R01" { age: 99 }
                remove first Resident where id == "R05"
                print "workers: {count Worker}"
                let zero = count Worker where role == "nobody"
                print 1 / zero
                """)
            let ran = try storeCivic(["run", "fail.civic", "--db", db.db], in: f)
            #expect(ran.status == 1)
            #expect(ran.stdout == "workers: 3\n")
            #expect(ran.stderr.contains("fail.civic:7:7: error: division by zero"), "\(ran.stderr)")
            #expect(try db.dump() == before)
            // A load that fails keeps nothing either, not even the rows before the bad line.
            try f.write("badload.civic", """
                use "schema.civic"
                add Worker { id: "W4", name: "陈静", role: "grid" }
                load Resident from "data/bad.csv"
                """)
            let badLoad = try storeCivic(["run", "badload.civic", "--db", db.db], in: f)
            #expect(badLoad.status == 1)
            #expect(badLoad.stderr.contains("badload.civic:3:20: error: data/bad.csv:4: field 'age': expected a Number, found \"七十\""),
                    "\(badLoad.stderr)")
            #expect(try db.dump() == before)
            // The same changes without the error are kept.
            try f.write("ok.civic", """
                use "schema.civic"
                add Worker { id: "W3", name: "赵敏", role: "grid" }
                print count Worker
                """)
            let ok = try storeCivic(["run", "ok.civic", "--db", db.db], in: f)
            #expect(ok.status == 0, "\(ok.stderr)")
            #expect(ok.stdout == "3\n")
            #expect(try db.dump() != before)
        }

        @Test(arguments: TestStores.kinds)
        func privateFieldsAreMaskedUnlessRevealed(_ kind: StoreKind) throws {
            let f = try communityFolder()
            let db = try CLIStore(kind, in: f)
            try f.write("show.civic", """
                use "schema.civic"
                if count Resident == 0 { load Resident from "data/residents.csv" }
                let r = first Resident where id == "R01"
                print r.phone
                show Resident where id == "R02"
                """)
            let masked = try storeCivic(["run", "show.civic", "--db", db.db], in: f)
            #expect(masked.status == 0, "\(masked.stderr)")
            #expect(masked.stdout.hasPrefix("138****0000\n"))
            #expect(masked.stdout.contains("139****2222"))
            #expect(!masked.stdout.contains("13800000000") && !masked.stdout.contains("13911112222"))
            let revealed = try storeCivic(["run", "show.civic", "--db", db.db, "--reveal"], in: f)
            #expect(revealed.status == 0, "\(revealed.stderr)")
            #expect(revealed.stdout.hasPrefix("13800000000\n"))
            #expect(revealed.stdout.contains("13911112222"))
        }
    }
}

// MARK: - civic run --format json

extension StoreCLITests {
    @Suite struct JSONOutput {
        static let script = """
            entity Resident { key id: Text, name: Text, phone: Text private, score: Number }
            let a = add Resident { id: "R1", name: "张三", phone: "13800000000", score: 0.1 + 0.2 }
            print 0.1 + 0.2
            print a.phone
            print 1 / 3
            show Resident
            print "引号\\"与\\t制表"
            let zero = count Resident where score > 1
            print 5 / zero
            """

        func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
            #expect(text.hasSuffix("\n"), sourceLocation: sourceLocation)
            #expect(text.dropLast().split(separator: "\n").count == 1, "one line, one document", sourceLocation: sourceLocation)
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            return try #require(object as? [String: Any], sourceLocation: sourceLocation)
        }

        @Test(arguments: TestStores.kinds)
        func outputAndErrorsAreOneJSONDocument(_ kind: StoreKind) throws {
            let f = try newFolder()
            let db = try CLIStore(kind, in: f)
            try f.write("t.civic", Self.script)
            let ran = try storeCivic(["run", "t.civic", "--format", "json", "--db", db.db], in: f)
            #expect(ran.status == 1)
            let doc = try parse(ran.stdout)
            #expect(doc["ok"] as? Bool == false)
            let output = try #require(doc["output"] as? [[String: Any]])
            #expect(output.count == 5)
            #expect(output.first?["print"] as? String == "0.3")
            #expect(output.dropFirst().first?["print"] as? String == "138****0000")
            #expect(output.dropFirst(2).first?["print"] as? String == "0.3333333333333333333333333333333333")
            let shown = try #require(output.dropFirst(3).first?["show"] as? [[String: Any]])
            #expect(shown.count == 1)
            #expect(shown.first?["name"] as? String == "张三")
            #expect(shown.first?["phone"] as? String == "138****0000")
            #expect(output.last?["print"] as? String == "引号\"与\t制表")
            // Exact numbers: the raw text has every digit, never a binary fraction.
            #expect(ran.stdout.contains("\"score\":0.3}"), "\(ran.stdout)")
            #expect(!ran.stdout.contains("0.30000000000000004"))
            #expect(!ran.stdout.contains("13800000000"))
            let errors = try #require(doc["errors"] as? [[String: Any]])
            #expect(errors.count == 1)
            #expect(errors.first?["message"] as? String == "division by zero")
            #expect(errors.first?["file"] as? String == "t.civic")
            #expect(errors.first?["line"] as? Int == 9)
            #expect(errors.first?["column"] as? Int == 7)
            #expect(errors.first?["hint"] as? String == "check that the divisor is not 0 before dividing")
            // The failed run kept nothing.
            #expect(!(try db.dump()).contains("\"R1\""))
        }

        @Test func revealShowsPrivateFields() throws {
            let f = try newFolder()
            try f.write("t.civic", Self.script)
            let ran = try storeCivic(["run", "t.civic", "--format", "json", "--reveal"], in: f)
            #expect(ran.status == 1)
            let doc = try parse(ran.stdout)
            let output = try #require(doc["output"] as? [[String: Any]])
            #expect(output.dropFirst().first?["print"] as? String == "13800000000")
            let shown = try #require(output.dropFirst(3).first?["show"] as? [[String: Any]])
            #expect(shown.first?["phone"] as? String == "13800000000")
            #expect(!ran.stdout.contains("138****0000"))
        }

        @Test func aGoodRunIsOkWithNoErrors() throws {
            let f = try newFolder()
            try f.write("ok.civic", """
                let total = 0.1 + 0.2
                print total == 0.3
                show [{ amount: total, note: none }]
                """)
            let ran = try storeCivic(["run", "ok.civic", "--format", "json"], in: f)
            #expect(ran.status == 0, "\(ran.stderr)")
            let doc = try parse(ran.stdout)
            #expect(doc["ok"] as? Bool == true)
            #expect((doc["errors"] as? [Any])?.isEmpty == true)
            #expect(ran.stdout.contains("{\"show\":[{\"amount\":0.3,\"note\":null}]}"), "\(ran.stdout)")
            #expect(ran.stdout.contains("{\"print\":\"true\"}"))
        }

        @Test func aCheckErrorHasItsLineAndColumn() throws {
            let f = try newFolder()
            try f.write("bad.civic", """
                let age = 3
                print agee + 1
                """)
            let ran = try storeCivic(["run", "bad.civic", "--format", "json"], in: f)
            #expect(ran.status == 1)
            let doc = try parse(ran.stdout)
            #expect((doc["output"] as? [Any])?.isEmpty == true)
            let error = try #require((doc["errors"] as? [[String: Any]])?.first)
            #expect(error["message"] as? String == "unknown name 'agee'")
            #expect(error["line"] as? Int == 2)
            #expect(error["column"] as? Int == 7)
            #expect(error["hint"] as? String == "did you mean 'age'?")
        }
    }
}

// MARK: - Migrations between runs

extension StoreCLITests {
    @Suite struct Migration {
        /// A folder and a store of `kind` holding three residents.
        fileprivate func seeded(_ kind: StoreKind) throws -> (TempFolder, CLIStore) {
            let f = try newFolder()
            let db = try CLIStore(kind, in: f)
            try f.write("v1.civic", """
                entity Resident { key id: Text, name: Text, age: Number }
                add Resident { id: "R1", name: "张三", age: 72 }
                add Resident { id: "R2", name: "李四", age: 35 }
                add Resident { id: "R3", name: "王五", age: none }
                """)
            let ran = try storeCivic(["run", "v1.civic", "--db", db.db], in: f)
            try #require(ran.status == 0, "\(ran.stderr)")
            return (f, db)
        }

        @Test(arguments: TestStores.kinds)
        func aNewFieldWithADefaultFillsTheStoredRows(_ kind: StoreKind) throws {
            let (f, db) = try seeded(kind)
            try f.write("v2.civic", """
                entity Resident { key id: Text, name: Text, age: Number, living_alone: Bool = false, note: Text = "无" }
                for r in Resident order by id { print r.id, r.age, r.living_alone, r.note }
                add Resident { id: "R4", name: "赵六", age: 50, living_alone: true }
                """)
            let ran = try storeCivic(["run", "v2.civic", "--db", db.db], in: f)
            #expect(ran.status == 0, "\(ran.stderr)")
            #expect(ran.stdout == "R1 72 false 无\nR2 35 false 无\nR3 none false 无\n")
            let schema = try db.storedSchema()
            #expect(schema.entity("Resident")?.fields.map(\.name) == ["id", "name", "age", "living_alone", "note"])
            #expect(try db.dump().contains("  \"R4\" | \"赵六\" | 50 | true | \"无\"\n"))
        }

        @Test(arguments: TestStores.kinds)
        func changingAFieldsTypeIsRefusedAndChangesNothing(_ kind: StoreKind) throws {
            let (f, db) = try seeded(kind)
            let before = try db.dump()
            let schemaBefore = try db.storedSchema()
            try f.write("v3.civic", """
                entity Resident { key id: Text, name: Text, age: Text }
                print "never"
                """)
            let ran = try storeCivic(["run", "v3.civic", "--db", db.db], in: f)
            #expect(ran.status == 1)
            #expect(ran.stdout == "")
            #expect(ran.stderr.contains("Resident.age is stored as Number, and the script declares it Text: changing its type would lose 2 stored values"),
                    "\(ran.stderr)")
            #expect(ran.stderr.contains("declare 'age: Number' as the store has it"), "\(ran.stderr)")
            #expect(try db.dump() == before)
            #expect(try db.storedSchema() == schemaBefore)
        }

        @Test(arguments: TestStores.kinds)
        func aNewFieldWithoutADefaultIsRefusedWhenRowsAreStored(_ kind: StoreKind) throws {
            let (f, db) = try seeded(kind)
            let before = try db.dump()
            try f.write("v4.civic", """
                entity Resident { key id: Text, name: Text, age: Number, phone: Text }
                print count Resident
                """)
            let ran = try storeCivic(["run", "v4.civic", "--db", db.db], in: f)
            #expect(ran.status == 1)
            #expect(ran.stderr.contains("Resident has 3 stored rows, and the new field 'phone' has no value for them"), "\(ran.stderr)")
            #expect(ran.stderr.contains("give it a default"), "\(ran.stderr)")
            #expect(try db.dump() == before)
        }

        @Test(arguments: TestStores.kinds)
        func droppingAFieldThatHoldsValuesIsRefused(_ kind: StoreKind) throws {
            let (f, db) = try seeded(kind)
            let before = try db.dump()
            try f.write("v5.civic", """
                entity Resident { key id: Text, name: Text }
                print count Resident
                """)
            let ran = try storeCivic(["run", "v5.civic", "--db", db.db], in: f)
            #expect(ran.status == 1)
            #expect(ran.stderr.contains("the script's Resident has no field 'age', but 2 stored rows have a value for it: dropping it would lose them"),
                    "\(ran.stderr)")
            #expect(try db.dump() == before)
        }
    }
}

// MARK: - Two runs at once

extension StoreCLITests {
    @Suite struct Concurrency {
        static let busy = "is busy: another run is using it"

        /// On SQLite a run may be told the file is busy; on PostgreSQL the
        /// second run waits for the community's lock, and both finish.
        @Test(arguments: TestStores.kinds)
        func twoRunsOnOneStoreBothFinishOrOneIsToldTheStoreIsBusy(_ kind: StoreKind) throws {
            try #require(FileManager.default.isExecutableFile(atPath: civicBinary.path), "no civic binary at \(civicBinary.path)")
            let f = try newFolder()
            let db = try CLIStore(kind, in: f)
            let declaration = "entity Note { tag: Text, n: Number }\n"
            try f.write("setup.civic", declaration + "print count Note\n")
            let setup = try storeCivic(["run", "setup.civic", "--db", db.db], in: f)
            try #require(setup.status == 0, "\(setup.stderr)")
            let rows = 400
            for tag in ["A", "B"] {
                try f.write("\(tag).civic", declaration + """
                    for i in 1..\(rows) { add Note { tag: "\(tag)", n: i } }
                    print "\(tag) done {count Note where tag == "\(tag)"}"

                    """)
            }
            let a = try Started(["run", "A.civic", "--db", db.db], in: f, tag: "A")
            let b = try Started(["run", "B.civic", "--db", db.db], in: f, tag: "B")
            let ranA = try a.finish()
            let ranB = try b.finish()
            var kept: [String: Int] = [:]
            for (tag, ran) in [("A", ranA), ("B", ranB)] {
                if ran.status == 0 {
                    #expect(ran.stdout == "\(tag) done \(rows)\n", "run \(tag): \(ran.stderr)")
                    kept[tag] = rows
                } else {
                    #expect(ran.status == 1, "run \(tag) exited with \(ran.status): \(ran.stderr)")
                    #expect(ran.stderr.contains(Self.busy), "run \(tag) failed without the busy message: \(ran.stderr)")
                    kept[tag] = 0
                }
            }
            #expect(ranA.status == 0 || ranB.status == 0, "at least one run finishes")
            if kind == .postgres { #expect(ranA.status == 0 && ranB.status == 0, "on PostgreSQL the second run waits") }
            // The store is whole: a new connection reads every row, and the
            // counts are those of the runs that succeeded, with ids 1...N.
            let text = try db.dump()
            let notes = entityRows(of: "Note(id, tag, n)", in: text)
            try f.write("count.civic", declaration + """
                print count Note where tag == "A", count Note where tag == "B", count Note, max id of Note, min id of Note

                """)
            let counted = try storeCivic(["run", "count.civic", "--db", db.db], in: f)
            #expect(counted.status == 0, "\(counted.stderr)")
            let total = (kept["A"] ?? -1) + (kept["B"] ?? -1)
            #expect(counted.stdout == "\(kept["A"] ?? -1) \(kept["B"] ?? -1) \(total) \(total) 1\n")
            #expect(notes.count == total)
            #expect(notes.filter { $0.contains("| \"A\" |") }.count == kept["A"])
            // Where the sqlite3 tool is installed, SQLite's own check of the file too.
            let sqlite3 = "/usr/bin/sqlite3"
            if kind == .sqlite && FileManager.default.isExecutableFile(atPath: sqlite3) {
                let check = Process()
                let pipe = Pipe()
                check.executableURL = URL(fileURLWithPath: sqlite3)
                check.arguments = [f.path("store.sqlite"), "PRAGMA integrity_check"]
                check.standardOutput = pipe
                check.standardInput = FileHandle.nullDevice
                try check.run()
                let said = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                check.waitUntilExit()
                #expect(said == "ok\n")
            }
        }

        @Test func aRunWhileAnotherHoldsTheStoreIsToldItIsBusyAndKeepsNothing() throws {
            try #require(FileManager.default.isExecutableFile(atPath: civicBinary.path), "no civic binary at \(civicBinary.path)")
            let f = try newFolder()
            try f.write("notes.civic", """
                entity Note { tag: Text }
                add Note { tag: "first" }
                print count Note

                """)
            let setup = try storeCivic(["run", "notes.civic", "--db", "store.sqlite"], in: f)
            try #require(setup.status == 0, "\(setup.stderr)")
            let before = try CLIStore(.sqlite, in: f).dump()
            // This process holds the write lock, as a long run would.
            let holder = try SQLiteStore(path: f.path("store.sqlite"))
            try holder.begin()
            _ = try holder.insert("Note", [.none, .text("held")])
            let ran = try storeCivic(["run", "notes.civic", "--db", "store.sqlite"], in: f)
            holder.rollback()
            #expect(ran.status == 1)
            #expect(ran.stdout == "")
            #expect(ran.stderr.contains("the store store.sqlite \(Self.busy); try again when it has finished"), "\(ran.stderr)")
            #expect(try CLIStore(.sqlite, in: f).dump() == before)
            // Once the other run has finished, the same run goes through.
            let again = try storeCivic(["run", "notes.civic", "--db", "store.sqlite"], in: f)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout == "2\n")
        }

        /// The rows of one entity in a store's dump (the lines under its header).
        func entityRows(of header: String, in dump: String) -> [String] {
            var out: [String] = []
            var inside = false
            for line in dump.split(separator: "\n", omittingEmptySubsequences: false) {
                if line == header { inside = true; continue }
                if inside {
                    guard line.hasPrefix("  ") else { break }
                    out.append(String(line))
                }
            }
            return out
        }
    }
}
