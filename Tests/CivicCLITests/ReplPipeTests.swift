import Foundation
import Testing
import CivicPostgresTesting

// `civic repl` with its input piped in, as a shell script uses it: no
// prompts, no escape codes, each statement run as read, the exit status
// saying whether any input failed.

@Suite struct ReplPipeTests {
    @Test func pipedInputRunsStatementByStatementWithoutPromptsOrEscapes() throws {
        let scratch = try ReplScratch()
        let ran = try civicPiped(["repl"], input: """
            entity Resident {
              key id: Text
              name: Text
              age: Number
            }
            add Resident { id: "R1", name: "张三", age: 72 }
            let total = count Resident +
              1
            total
            print zhnag
            print "after the mistake"
            Resident where age > 70
            fn quiet() { print "quiet" }
            quiet()

            """, in: scratch)
        #expect(ran.status == 1, "an input failed")
        #expect(!ran.stdout.contains("civic>") && !ran.stdout.contains("..>"))
        #expect(!ran.stdout.contains("\u{1B}") && !ran.stderr.contains("\u{1B}"))
        #expect(ran.stdout.hasPrefix("field  value"))
        #expect(ran.stdout.contains("2\nafter the mistake\n"))
        #expect(ran.stdout.contains("R1  张三   72"))
        #expect(ran.stdout.hasSuffix("quiet\n"))
        #expect(ran.stderr.contains("input 5:1:7: error: unknown name 'zhnag'"))
        #expect(!ran.stderr.contains("memory"), "no talk when piped without --db")
    }

    @Test func theExitStatusIsZeroWhenEveryInputRan() throws {
        let scratch = try ReplScratch()
        let ran = try civicPiped(["repl"], input: "let x = 20\nx + 1\n:help let\n", in: scratch)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout.hasPrefix("21\nlet: "))
        #expect(ran.stderr.isEmpty)
    }

    @Test func anUnfinishedInputAtTheEndIsAnError() throws {
        let scratch = try ReplScratch()
        let ran = try civicPiped(["repl"], input: "entity Resident {\n  name: Text\n", in: scratch)
        #expect(ran.status == 1)
        #expect(ran.stderr.contains("'}' is still needed to close the '{' opened at line 1"))
    }

    @Test(arguments: TestStores.kinds)
    func aStoreKeepsWhatWasCommittedOrLeftNormally(_ kind: StoreKind) throws {
        let scratch = try ReplScratch()
        let db = try CLIStore(kind, folder: scratch.url)
        let first = try civicPiped(["repl", "--db", db.db], input: """
            entity Resident { key id: Text, age: Number }
            add Resident { id: "R1", age: 70 }
            :commit
            add Resident { id: "R2", age: 30 }
            :rollback
            add Resident { id: "R3", age: 40 }
            add Resident { id: "R3", age: 41 }

            """, in: scratch)
        #expect(first.status == 1, "the second R3 fails")
        #expect(first.stderr.contains("Committed"))
        #expect(first.stderr.contains("Rolled back"))
        #expect(first.stderr.contains("Kept the changes in \(try db.name)."), "\(first.stderr)")
        // The store knows Resident without the script that made it.
        let second = try civicPiped(["repl", "--db", db.db], input: "Resident order by id\n:commit\n:quit\n", in: scratch)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("R1   70"))
        #expect(!second.stdout.contains("R2"))
        #expect(second.stdout.contains("R3   40"))
        #expect(second.stderr.contains("No changes since the last commit"))
    }

    @Test(arguments: TestStores.kinds)
    func rollbackThenQuitKeepsNothing(_ kind: StoreKind) throws {
        let scratch = try ReplScratch()
        let db = try CLIStore(kind, folder: scratch.url)
        _ = try civicPiped(["repl", "--db", db.db], input: "entity Resident { key id: Text }\n", in: scratch)
        let ran = try civicPiped(["repl", "--db", db.db], input: "add Resident { id: \"R1\" }\n:rollback\n", in: scratch)
        #expect(ran.status == 0)
        let after = try civicPiped(["repl", "--db", db.db], input: "count Resident\n", in: scratch)
        #expect(after.stdout == "0\n")
    }

    @Test func filesGivenAreLoadedFirst() throws {
        let scratch = try ReplScratch()
        try scratch.write("schema.civic", "entity Resident { key id: Text, age: Number }\nfn senior(r) = r.age >= 60\n")
        try scratch.write("main.civic", "use \"schema.civic\"\nadd Resident { id: \"R1\", age: 72 }\nprint \"loaded\"\n")
        let ran = try civicPiped(["repl", "main.civic"], input: "senior(first Resident)\n:load schema.civic\ncount Resident\n:rules\n", in: scratch)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout.hasPrefix("loaded\ntrue\n1\nno rules yet"))
    }

    @Test func metaCommandMistakesCount() throws {
        let scratch = try ReplScratch()
        let ran = try civicPiped(["repl"], input: ":lod x.civic\n:load missing.civic\n:help nothing\n:explain\n", in: scratch)
        #expect(ran.status == 1)
        #expect(ran.stderr.contains("unknown command ':lod' (did you mean ':load'?)"))
        #expect(ran.stderr.contains("no such file: missing.civic"))
        #expect(ran.stderr.contains("no help on 'nothing'"))
        #expect(ran.stderr.contains(":explain zhang.points"))
    }

    @Test(arguments: TestStores.kinds)
    func resetAndTimeWhenPiped(_ kind: StoreKind) throws {
        let scratch = try ReplScratch()
        let db = try CLIStore(kind, folder: scratch.url)
        try scratch.write("schema.civic", "entity Resident { key id: Text }\nlet loaded = true\n")
        let ran = try civicPiped(["repl", "--db", db.db, "schema.civic"], input: """
            let x = 1
            add Resident { id: "R1" }
            :reset
            loaded
            count Resident
            :time
            x

            """, in: scratch)
        #expect(ran.status == 1, "x is forgotten")
        #expect(ran.stdout.hasSuffix("id     R1\ntrue\n0\n"), "the added row is shown, then the reset session")
        #expect(ran.stderr.contains("Started afresh"))
        #expect(ran.stderr.contains("unknown name 'x'"))
        #expect(ran.stderr.contains("time: "))
    }

    @Test func aMissingFileIsBadUsage() throws {
        let scratch = try ReplScratch()
        let ran = try civicPiped(["repl", "missing.civic"], input: "", in: scratch)
        #expect(ran.status == 2)
    }
}
