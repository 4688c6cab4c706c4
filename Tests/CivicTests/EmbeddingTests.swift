import Foundation
import Testing
import Civic
import CivicPostgresTesting

// BEGIN docs/embedding.md
/// The rules under test, as a policy writer keeps them (a file works the
/// same: `engine.execute(path: "rules.civic")`).
let hazardRules = """
    entity Resident { key id: Text, name: Text }
    account points of Resident
    event HazardReport { reporter: Resident, severity: Number }

    rule "hazard report" on HazardReport r {
      award 5 + r.severity points to r.reporter
      cap 20 per month
    }

    test "one report earns 5 points and its severity" {
      let zhang = add Resident { id: "R1", name: "张三" }
      emit HazardReport { reporter: zhang, severity: 3 }
      expect zhang.points == 8
    }
    """

@Suite struct HazardRuleTests {
    /// An engine over a fresh in-memory store, its clock fixed, with the rules
    /// and one resident.
    func community() throws -> Engine {
        let engine = Engine(options: RunOptions(limits: Limits(maxSteps: 1_000_000),
                                                now: CivicTime(year: 2026, month: 11, day: 2, hour: 9)))
        try engine.execute(hazardRules)
        try engine.execute(#"add Resident { id: "R1", name: "张三" }"#)
        return engine
    }

    @Test func reportsAreCappedAt20AMonth() throws {
        let engine = try community()
        for i in 1...5 {
            try engine.emit("HazardReport", ["id": .text("report-\(i)"), "reporter": "R1", "severity": 2])
        }
        #expect(try engine.balance("points", of: "R1") == 20)
        let entries = try engine.ledger("points", of: "R1")
        #expect(entries.map(\.amount) == [7, 7, 6, 0, 0])
        #expect(entries.map { $0.cutBy != nil } == [false, false, true, true, true])
    }

    @Test func theSameEventTwiceCountsOnce() throws {
        let engine = try community()
        #expect(try engine.emit("HazardReport", ["id": "r1", "reporter": "R1", "severity": 1]))
        #expect(try engine.emit("HazardReport", ["id": "r1", "reporter": "R1", "severity": 1]) == false)
        #expect(try engine.evaluate("count HazardReport").int == 1)
        #expect(try engine.balance("points", of: "R1") == 6)
    }

    @Test func theCapStartsAgainNextMonth() throws {
        let engine = try community()
        for i in 1...3 { try engine.emit("HazardReport", ["id": .text("n\(i)"), "reporter": "R1", "severity": 5]) }
        engine.options.now = CivicTime(year: 2026, month: 12, day: 1, hour: 9)
        try engine.emit("HazardReport", ["id": "d1", "reporter": "R1", "severity": 5])
        #expect(try engine.evaluate(#"(first Resident where id == "R1").points"#) == 30)
    }

    @Test func aRunawayScriptIsStoppedAndKeepsNothing() throws {
        let engine = try community()
        engine.options.limits = Limits(maxSteps: 1_000_000, maxMemory: 64_000_000, timeout: .seconds(10))
        do {
            try engine.execute("""
                add Resident { id: "R2", name: "李四" }
                var names = ["李四"]
                while true { names = names + names }
                """)
            Issue.record("the run was not stopped")
        } catch {
            #expect(error.description.contains("the script needed more than 64 MB of memory and was stopped"))
        }
        #expect(try engine.evaluate("count Resident").int == 1)
    }

    @Test func theScriptsOwnTestsPass() {
        let report = Engine().test(source: hazardRules)
        #expect(report.failed == 0 && report.passed == 1, "\(report.results.flatMap(\.failures).map(\.message))")
    }
}
// END docs/embedding.md

/// The embedding calls' edges: errors that name what is wrong, a failed call
/// that keeps nothing, and a store that outlives the engine (a SQLite file, a
/// PostgreSQL community).
@Suite struct EmbeddingTests {
    func engine(_ store: Store = MemoryStore()) throws -> Engine {
        let engine = Engine(options: RunOptions(now: CivicTime(year: 2026, month: 11, day: 2, hour: 9)), store: store)
        try engine.execute("""
            entity Resident { key id: Text, name: Text }
            entity Household { key id: Text }
            account points of Resident
            account points of Household
            event Gift { giver: Resident, amount: Number }
            rule "gift" on Gift g { charge g.amount points from g.giver }
            let zhang = add Resident { id: "R1", name: "张三" }
            award 10 points to zhang
            """)
        return engine
    }

    /// What a call that must fail said ("" if it did not fail).
    func failure(_ call: () throws -> Void) -> String {
        do {
            try call()
            return ""
        } catch {
            return (error as? CivicError)?.description ?? "not a CivicError: \(error)"
        }
    }

    @Test func errorsNameWhatIsWrong() throws {
        let engine = try engine()
        let misspelt = failure { try engine.emit("Gfit", ["giver": "R1"]) }
        #expect(misspelt.contains("there is no event named 'Gfit'") && misspelt.contains("did you mean 'Gift'?"), "\(misspelt)")
        #expect(failure { try engine.emit("Gift", ["givr": "R1", "amount": 1]) }.contains("Gift has no field 'givr'"))
        #expect(failure { _ = try engine.balance("points", of: "R1") }
            .contains("'points' is an account of Household and Resident: say which"))
        #expect(try engine.balance("points", of: "R1", entity: "Resident") == 10)
        #expect(failure { _ = try engine.evaluate("let x = 1") }.contains("evaluate takes one expression"))
        #expect(failure { _ = try engine.evaluate("count Residnt") }.contains("<expression>:1:7: error:"))
        #expect(failure { try Engine().emit("Gift") }.contains("nothing has run on this engine yet"))
        #expect(failure { try engine.execute(path: "/nonexistent/rules.civic") }.contains("cannot read /nonexistent/rules.civic"))
    }

    @Test func aFailedEmitKeepsNothing() throws {
        let engine = try engine()
        do {
            try engine.emit("Gift", ["id": "g1", "giver": "R1", "amount": 50])
            Issue.record("a charge below zero must fail")
        } catch {
            #expect(error.description.contains("below 0"), "\(error)")
        }
        #expect(try engine.evaluate("count Gift").int == 0)
        #expect(try engine.balance("points", of: "R1", entity: "Resident") == 10)
        #expect(try engine.emit("Gift", ["id": "g1", "giver": "R1", "amount": 4]))
        #expect(try engine.balance("points", of: "R1", entity: "Resident") == 6)
        #expect(engine.verify().isEmpty)
    }

    @Test(arguments: TestStores.kinds)
    func onAStoreThatOutlivesTheEngine(_ kind: StoreKind) throws {
        let place = try TestStore(kind)
        let engine = try engine(try place.open())
        try engine.emit("Gift", ["id": "g1", "giver": "R1", "amount": 3])
        let again = Engine(store: try place.open())
        try again.execute("entity Resident { key id: Text, name: Text }\nentity Household { key id: Text }\naccount points of Resident\naccount points of Household\nevent Gift { giver: Resident, amount: Number }")
        #expect(try again.balance("points", of: "R1", entity: "Resident") == 7)
        #expect(try again.ledger("points", of: "R1", entity: "Resident").map(\.kind) == [.award, .charge])
        #expect(try again.evaluate(#"(first Resident).name"#) == "张三")
    }
}

/// docs/embedding.md shows the suite above as it is: the example a reader
/// copies is the one these tests compile and run.
@Test func theDocsShowThisExample() throws {
    let here = URL(fileURLWithPath: #filePath)
    let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let doc = try String(contentsOf: root.appendingPathComponent("docs/embedding.md"), encoding: .utf8)
    let source = try String(contentsOf: here, encoding: .utf8)
    let begin = try #require(source.range(of: "// BEGIN docs/embedding.md\n"))
    let end = try #require(source.range(of: "// END docs/embedding.md"))
    let region = String(source[begin.upperBound..<end.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(doc.contains("import Testing\nimport Civic\n\n" + region + "\n```"), "docs/embedding.md must show the suite between the BEGIN and END lines")
}
