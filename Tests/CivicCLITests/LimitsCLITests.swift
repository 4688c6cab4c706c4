import Foundation
import Testing
import CivicPostgresTesting

/// The limits of `civic run`, `civic test` and `civic repl`: each stops the
/// run with its error, names the option that raises it, points at the
/// script, and the store keeps nothing.
@Suite struct LimitsCLITests {
    static let schema = """
        entity Resident { key id: Text, name: Text }
        account points of Resident

        """

    /// Every table and row of a store, as `sqlite3 .dump` writes them ("" where
    /// the sqlite3 tool is not installed). The file's bytes alone would not
    /// do: what a run committed may still be in the write-ahead log beside it.
    static func dump(_ path: String) throws -> String {
        let sqlite3 = "/usr/bin/sqlite3"
        guard FileManager.default.isExecutableFile(atPath: sqlite3) else { return "" }
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: sqlite3)
        process.arguments = [path, ".dump"]
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let said = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return said
    }

    /// Everything a store holds: for a SQLite file, as `sqlite3 .dump`
    /// and a new connection read it; for a PostgreSQL community, as a new
    /// connection reads it.
    static func snapshot(_ db: CLIStore, in folder: TempFolder) throws -> String {
        (db.kind == .sqlite ? try dump(folder.path(db.db)) : "") + (try db.dump())
    }

    /// A store with one resident who has 10 points.
    func store(_ kind: StoreKind, in folder: TempFolder) throws -> CLIStore {
        let db = try CLIStore(kind, in: folder, file: "s.sqlite")
        try folder.write("setup.civic", LimitsCLITests.schema + "let zhang = add Resident { id: \"R1\", name: \"张三\" }\naward 10 points to zhang\n")
        let ran = try civic(["run", "setup.civic", "--db", db.db], in: folder)
        #expect(ran.status == 0, "\(ran.stderr)")
        return db
    }

    /// Runs a script that awards 5 points and adds a resident, then `body`,
    /// on a store of `kind`; expects `error` on standard error, and the store
    /// as it was.
    func expectStopped(_ kind: StoreKind, _ body: String, _ options: [String], _ error: String, startOnly: Bool = false,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = try TempFolder()
        let db = try store(kind, in: folder)
        let before = try LimitsCLITests.snapshot(db, in: folder)
        let script = LimitsCLITests.schema + "award 5 points to first Resident\nadd Resident { id: \"R2\", name: \"李四\" }\n" + body
        try folder.write("runaway.civic", script)
        let started = Date()
        let ran = try civic(["run", "runaway.civic", "--db", db.db] + options, in: folder)
        #expect(Date().timeIntervalSince(started) < 60, sourceLocation: sourceLocation)
        #expect(ran.status == 1, sourceLocation: sourceLocation)
        #expect(startOnly ? ran.stderr.hasPrefix(error) : ran.stderr == error, "\(ran.stderr)", sourceLocation: sourceLocation)
        #expect(try LimitsCLITests.snapshot(db, in: folder) == before, "the store changed", sourceLocation: sourceLocation)
        try folder.write("check.civic", LimitsCLITests.schema + "print count Resident, (first Resident).points\n")
        #expect(try civic(["run", "check.civic", "--db", db.db], in: folder).stdout == "1 10\n", sourceLocation: sourceLocation)
    }

    @Test(arguments: TestStores.kinds)
    func stepsStopTheRunAndTheStoreKeepsNothing(_ kind: StoreKind) throws {
        try expectStopped(kind, "var n = 0\nwhile n >= 0 {\n  n = n + 1\n}\n", ["--max-steps", "5000"], """
            runaway.civic:6:7: error: the script ran more than 5000 steps and was stopped
                6 | while n >= 0 {
                  |       ^^^^^^
                  = hint: look for a loop that never ends, or raise the limit with --max-steps

            """)
    }

    @Test(arguments: TestStores.kinds)
    func depthStopsTheRunAndTheStoreKeepsNothing(_ kind: StoreKind) throws {
        try expectStopped(kind, "fn down(n) = down(n + 1)\nprint down(0)\n", ["--max-depth", "40"], """
            runaway.civic:5:14: error: functions called each other more than 40 deep
                5 | fn down(n) = down(n + 1)
                  |              ^^^^^^^^^^^
                  = hint: a function that calls itself needs a case that stops; or raise the limit with --max-depth
                  = in down, called from runaway.civic:5:14
            """, startOnly: true)
    }

    @Test(arguments: TestStores.kinds)
    func aDoublingListIsStoppedQuickly(_ kind: StoreKind) throws {
        try expectStopped(kind, "var xs = [1, 2, 3]\nwhile true {\n  xs = xs + xs\n}\n", ["--max-memory", "64MB"], """
            runaway.civic:7:8: error: the script needed more than 64 MB of memory and was stopped
                7 |   xs = xs + xs
                  |        ^^^^^^^
                  = hint: look for a list or text that grows without end, or raise the limit with --max-memory

            """)
    }

    /// A table of many rows is rendered outside the script's values: `show`
    /// counts a step per row and the table against the memory limit
    /// (the fuzzers found `show 1..297580000` taking minutes and gigabytes).
    @Test func showOfManyRowsCountsStepsAndMemory() throws {
        let f = try TempFolder()
        try f.write("show.civic", "show 1..500000\n")
        let memory = try civic(["run", "show.civic", "--max-memory", "20MB"], in: f)
        #expect(memory.status == 1)
        #expect(memory.stderr.contains("show.civic:1:6: error: the script needed more than 20 MB of memory and was stopped"), "\(memory.stderr)")
        #expect(memory.stdout.isEmpty, "nothing of the table is printed")
        let steps = try civic(["run", "show.civic", "--max-steps", "1000"], in: f)
        #expect(steps.status == 1)
        #expect(steps.stderr.contains("the script ran more than 1000 steps and was stopped"), "\(steps.stderr)")
        try f.write("few.civic", "show 1..3\n")
        let few = try civic(["run", "few.civic", "--max-steps", "1000"], in: f)
        #expect(few.status == 0 && few.stdout.contains("3"), "\(few.stderr)")
    }

    @Test(arguments: TestStores.kinds)
    func aDoublingTextIsStoppedQuickly(_ kind: StoreKind) throws {
        try expectStopped(kind, "var s = \"张三\"\nwhile true {\n  s = s + s\n}\n", ["--max-memory", "50MiB"], """
            runaway.civic:7:7: error: the script needed more than 50 MiB of memory and was stopped
                7 |   s = s + s
                  |       ^^^^^
                  = hint: look for a list or text that grows without end, or raise the limit with --max-memory

            """)
    }

    @Test func manyListsAreStoppedByTheHeap() throws {
        let folder = try TempFolder()
        try folder.write("many.civic", "var xs = []\nfor i in 1..100000000 {\n  xs = append(xs, [i, i, i, i])\n}\n")
        let ran = try civic(["run", "many.civic", "--max-memory", "64MB"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stderr.contains("error: the script needed more than 64 MB of memory and was stopped"), "\(ran.stderr)")
    }

    @Test(arguments: TestStores.kinds)
    func timeoutStopsTheRunAndTheStoreKeepsNothing(_ kind: StoreKind) throws {
        try expectStopped(kind, "var n = 0\nwhile n >= 0 {\n  n = n + 1\n}\n", ["--timeout", "500ms"], """
            runaway.civic:6:7: error: the script ran for more than 500 ms and was stopped
                6 | while n >= 0 {
                  |       ^^^^^^
                  = hint: look for a loop that never ends, or raise the limit with --timeout

            """)
    }

    @Test func sizesAndTimesNeedTheirUnits() throws {
        let folder = try TempFolder()
        try folder.write("ok.civic", "print 1\n")
        let cases: [([String], String)] = [
            (["--max-memory", "512"], "civic: --max-memory takes a size with its unit, such as 512MB or 2GiB (or none), not '512'\n"),
            (["--max-memory", "lots"], "civic: --max-memory takes a size with its unit, such as 512MB or 2GiB (or none), not 'lots'\n"),
            (["--max-memory", "100KB"], "civic: --max-memory must be at least 1MB\n"),
            (["--timeout", "30"], "civic: --timeout takes a time with its unit, such as 30s, 2m or 1h (or none), not '30'\n"),
            (["--timeout", "0s"], "civic: --timeout must be at least 1ms\n"),
        ]
        for (options, error) in cases {
            for command in [["run", "ok.civic"], ["test", "ok.civic"], ["repl"]] {
                let ran = try civic(command + options, in: folder)
                #expect(ran.status == 2, "\(command + options)")
                #expect(ran.stderr == error, "\(command + options)")
            }
        }
        for options in [["--max-memory", "none", "--timeout", "none"], ["--max-memory", "1.5GB", "--timeout", "1m30s"],
                        ["--max-memory", "512mib", "--timeout", "2min"]] {
            let ran = try civic(["run", "ok.civic"] + options, in: folder)
            #expect(ran.status == 0 && ran.stdout == "1\n", "\(options): \(ran.stderr)")
        }
    }

    @Test func aTestThatHitsALimitFailsAndTheNextRuns() throws {
        let folder = try TempFolder()
        try folder.write("t.civic", """
            test "loops" {
              expect error { while true { } }
            }
            test "doubles" {
              var s = "ab"
              while true { s = s + s }
            }
            test "fine" {
              expect 1 + 1 == 2
            }

            """)
        let ran = try civic(["test", "t.civic", "--timeout", "300ms", "--max-memory", "16MB"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stdout == """
            FAIL t.civic:1 loops
              t.civic:2:24: error: the script ran for more than 300 ms and was stopped
                  2 |   expect error { while true { } }
                    |                        ^^^^
                    = hint: look for a loop that never ends, or raise the limit with --timeout
            FAIL t.civic:4 doubles
              t.civic:6:20: error: the script needed more than 16 MB of memory and was stopped
                  6 |   while true { s = s + s }
                    |                    ^^^^^
                    = hint: look for a list or text that grows without end, or raise the limit with --max-memory
            1 passed, 2 failed

            """)
    }

    @Test func aReplInputThatHitsALimitKeepsNothing() throws {
        let scratch = try ReplScratch()
        let ran = try civicPiped(["repl", "--timeout", "300ms", "--max-memory", "16MB"], input: """
            var n = 0
            while true { n = n + 1 }
            n
            var s = "ab"
            while true { s = s + s }
            s
            print "still here"

            """, in: scratch)
        #expect(ran.status == 1)
        #expect(ran.stdout == "0\nab\nstill here\n")
        #expect(ran.stderr.contains("""
            input 2:1:7: error: the script ran for more than 300 ms and was stopped
                1 | while true { n = n + 1 }
                  |       ^^^^
                  = hint: look for a loop that never ends, or raise the limit with --timeout
            """), "\(ran.stderr)")
        #expect(ran.stderr.contains("input 5:1:18: error: the script needed more than 16 MB of memory and was stopped"), "\(ran.stderr)")
    }
}
