import Foundation
import Testing
@testable import Civic
import CivicPostgresTesting

// The REPL's session without a terminal: inputs one at a time, values shown,
// declarations kept, a failed input changing nothing, commit and rollback.

/// Collects a session's output lines.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    /// The lines written since the last call.
    func take() -> [String] { lock.withLock { defer { lines = [] }; return lines } }
}

/// A session on `store` at a fixed time, with its output.
func makeSession(_ store: Store = MemoryStore()) -> (Session, Lines) {
    let lines = Lines()
    let options = RunOptions(now: CivicTime(iso: "2026-11-28T09:30"), operatorName: "tester")
    let session = Session(options: options, store: store, lines: { lines.add($0) })
    _ = session.start()
    return (session, lines)
}

/// Runs an input that must succeed; gives back what it wrote.
@discardableResult
func ok(_ session: Session, _ lines: Lines, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    let result = session.run(text)
    #expect(result.succeeded, "\(session.render(result.diagnostics))", sourceLocation: sourceLocation)
    return lines.take()
}

/// Runs an input that must fail; gives back the rendered errors.
func fails(_ session: Session, _ lines: Lines, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    let result = session.run(text)
    #expect(!result.succeeded, "the input ran: \(text)", sourceLocation: sourceLocation)
    _ = lines.take()
    return session.render(result.diagnostics)
}

let residentSchema = """
entity Resident { key id: Text, name: Text, age: Number, building: Text }
account points of Resident
event Visit { visitor: Resident, hours: Number }
"""

@Suite struct SessionValueTests {
    @Test func bareExpressionsShowTheirValues() {
        let (s, out) = makeSession()
        #expect(ok(s, out, "1 + 2") == ["3"])
        #expect(ok(s, out, "0.1 + 0.2 == 0.3") == ["true"])
        #expect(ok(s, out, "\"你好\"") == ["你好"])
        #expect(ok(s, out, "let x = 5").isEmpty)
        #expect(ok(s, out, "x * 2") == ["10"])
    }

    @Test func aCallThatGivesNothingShowsNothing() {
        let (s, out) = makeSession()
        ok(s, out, "fn hello(name) {\n  print \"hello {name}\"\n}")
        #expect(ok(s, out, "hello(\"王芳\")") == ["hello 王芳"])
        ok(s, out, "fn twice(x) = x * 2")
        #expect(ok(s, out, "twice(21)") == ["42"])
        #expect(ok(s, out, "none") == ["none"])
    }

    @Test func aQueryShowsATable() {
        let (s, out) = makeSession()
        ok(s, out, residentSchema)
        ok(s, out, "add Resident { id: \"R1\", name: \"张三\", age: 72, building: \"B3\" }")
        let table = ok(s, out, "Resident where age > 70").joined(separator: "\n")
        #expect(table.contains("张三"))
        #expect(table.contains("building"))
    }

    @Test func declarationsHoldForTheRestOfTheSession() {
        let (s, out) = makeSession()
        ok(s, out, residentSchema)
        ok(s, out, "let zhang = add Resident { id: \"R1\", name: \"张三\", age: 72, building: \"B3\" }")
        ok(s, out, "rule \"visits\" on Visit v {\n  award v.hours * 2 points to v.visitor\n}")
        ok(s, out, "emit Visit { visitor: zhang, hours: 3 }")
        #expect(ok(s, out, "zhang.points") == ["6"])
        #expect(s.rules.map(\.name) == ["visits"])
    }

    @Test func typingAVariableOrARuleAgainReplacesIt() {
        let (s, out) = makeSession()
        ok(s, out, "let x = 1")
        ok(s, out, "let x = \"one\"")
        #expect(ok(s, out, "x") == ["one"])
        ok(s, out, residentSchema)
        ok(s, out, "let zhang = add Resident { id: \"R1\", name: \"张三\", age: 72, building: \"B3\" }")
        ok(s, out, "rule \"visits\" on Visit v { award 1 points to v.visitor }")
        ok(s, out, "rule \"visits\" on Visit v { award 10 points to v.visitor }")
        ok(s, out, "emit Visit { visitor: zhang, hours: 3 }")
        #expect(ok(s, out, "zhang.points") == ["10"])
        #expect(s.rules.count == 1)
        // Inside one input, a name defined twice is still an error.
        #expect(fails(s, out, "let y = 1\nlet y = 2").contains("already defined"))
    }
}

@Suite struct SessionMistakeTests {
    /// A session's stores: memory, and every engine's.
    static let kinds: [StoreKind] = [.memory] + TestStores.kinds

    @Test(arguments: kinds)
    func anErrorIsShownWithItsCaretAndChangesNothing(_ kind: StoreKind) throws {
        let store = try TestStores.fresh(kind)
        let (s, out) = makeSession(store)
        ok(s, out, residentSchema)
        ok(s, out, "let zhang = add Resident { id: \"R1\", name: \"张三\", age: 72, building: \"B3\" }")
        let before = try store.dump()
        let message = fails(s, out, "print zhnag.age")
        #expect(message.contains("unknown name 'zhnag'"))
        #expect(message.contains("^^^^^"))
        #expect(message.contains("did you mean 'zhang'?"))
        #expect(try store.dump() == before)
        #expect(ok(s, out, "zhang.age") == ["72"])
    }

    @Test(arguments: kinds)
    func aRunTimeErrorUndoesTheWholeInput(_ kind: StoreKind) throws {
        let store = try TestStores.fresh(kind)
        let (s, out) = makeSession(store)
        ok(s, out, residentSchema)
        ok(s, out, "let zhang = add Resident { id: \"R1\", name: \"张三\", age: 72, building: \"B3\" }")
        ok(s, out, "award 5 points to zhang")
        let before = try store.dump()
        // Declares, adds a row, awards, and then fails: none of it stays.
        let message = fails(s, out, """
            entity Visitor { key id: Text }
            let li = add Resident { id: "R2", name: "李四", age: 40, building: "B1" }
            award 3 points to zhang
            charge 100 points from zhang
            """)
        #expect(message.contains("points"))
        #expect(try store.dump() == before)
        #expect(fails(s, out, "li").contains("unknown name 'li'"))
        #expect(fails(s, out, "count Visitor").contains("Visitor"))
        #expect(ok(s, out, "zhang.points") == ["5"])
        #expect(ok(s, out, "count Resident") == ["1"])
    }

    @Test func aFailedFirstInputLeavesNoMachineBehind() {
        let (s, out) = makeSession()
        _ = fails(s, out, "let a = 1\nlet b = [1][5]")
        #expect(fails(s, out, "a").contains("unknown name 'a'"))
        #expect(ok(s, out, "let a = 2\na") == ["2"])
    }
}

@Suite struct SessionTransactionTests {
    /// Counts residents as another program would see the store (on a connection of its own).
    func residents(_ place: TestStore) throws -> String {
        let lines = Lines()
        let engine = Engine(store: try place.open(), lines: { lines.add($0) })
        let result = engine.run(source: "entity Resident { key id: Text, name: Text, age: Number, building: Text }\nprint count Resident")
        #expect(result.succeeded, "\(engine.render(result.diagnostics))")
        return lines.take().joined()
    }

    /// A store of `kind`, and a session on it that has declared the
    /// residents and added 张三 (not committed yet).
    func sessionWithOneResident(_ kind: StoreKind) throws -> (TestStore, Session, Lines) {
        let place = try TestStore(kind)
        let (s, out) = makeSession(try place.open())
        ok(s, out, residentSchema)
        ok(s, out, "add Resident { id: \"R1\", name: \"张三\", age: 72, building: \"B3\" }")
        return (place, s, out)
    }

    @Test(arguments: TestStores.kinds)
    func changesAreKeptOnlyOnCommit(_ kind: StoreKind) throws {
        let (place, s, out) = try sessionWithOneResident(kind)
        #expect(s.hasUncommittedWork)
        #expect(try s.commit().get() == ())
        #expect(!s.hasUncommittedWork)
        ok(s, out, "add Resident { id: \"R2\", name: \"李四\", age: 40, building: \"B1\" }")
        #expect(try s.rollback().get() == ())
        #expect(ok(s, out, "count Resident") == ["1"])
        ok(s, out, "add Resident { id: \"R3\", name: \"王五\", age: 30, building: \"B1\" }")
        #expect(try s.end(keep: false).get() == ())
        #expect(try residents(place) == "1")
    }

    @Test(arguments: TestStores.kinds)
    func leavingNormallyKeepsTheChanges(_ kind: StoreKind) throws {
        let (place, s, out) = try sessionWithOneResident(kind)
        _ = fails(s, out, "add Resident { id: \"R1\", name: \"again\", age: 1, building: \"B3\" }")
        #expect(try s.end(keep: true).get() == ())
        #expect(try residents(place) == "1")
    }

    @Test func rollbackForgetsWhatWasDeclaredSinceTheCommit() throws {
        let (s, out) = makeSession()
        ok(s, out, "let kept = 1")
        _ = s.commit()
        ok(s, out, "let dropped = 2")
        ok(s, out, residentSchema)
        _ = s.rollback()
        #expect(ok(s, out, "kept") == ["1"])
        #expect(fails(s, out, "dropped").contains("unknown name"))
        #expect(fails(s, out, "count Resident").contains("Resident"))
    }

    @Test(arguments: SessionMistakeTests.kinds)
    func resetForgetsEverythingAndDropsWhatIsNotCommitted(_ kind: StoreKind) throws {
        let store = try TestStores.fresh(kind)
        let (s, out) = makeSession(store)
        ok(s, out, residentSchema)
        ok(s, out, "add Resident { id: \"R1\", name: \"张三\", age: 72, building: \"B3\" }")
        _ = s.commit()
        ok(s, out, "add Resident { id: \"R2\", name: \"李四\", age: 40, building: \"B1\" }")
        ok(s, out, "let x = 1")
        ok(s, out, "rule \"visits\" on Visit v { award 1 points to v.visitor }")
        let names = try s.reset().get()
        #expect(names.contains("Resident") && names.contains("points of Resident"))
        #expect(s.rules.isEmpty)
        #expect(fails(s, out, "x").contains("unknown name 'x'"))
        // The store's declarations are known again; the uncommitted row is gone.
        #expect(ok(s, out, "count Resident") == ["1"])
    }

    @Test(arguments: TestStores.kinds)
    func aSessionOnAStoreKnowsItsEntitiesEventsAndAccounts(_ kind: StoreKind) throws {
        let place = try TestStore(kind)
        let setup = Engine(store: try place.open(), lines: { _ in })
        let made = setup.run(source: """
            entity Resident { key id: Text, name: Text, age: Number, phone: Text private, alone: Bool = false }
            entity Note { text: Text }
            account credits of Resident { expire after 2 years; at most 1500 }
            event Service { volunteer: Resident, hours: Number }
            add Resident { id: "R1", name: "张三", age: 72, phone: "138" }
            add Note { text: "a {{brace}}" }
            """)
        #expect(made.succeeded, "\(setup.render(made.diagnostics))")
        let lines = Lines()
        let s = Session(options: RunOptions(now: CivicTime(iso: "2026-11-28T09:30")), store: try place.open(),
                        lines: { lines.add($0) })
        let names = try s.start().get()
        #expect(names == ["Resident", "Note", "Service", "credits of Resident"])
        ok(s, lines, "rule \"service\" on Service v {\n  award v.hours credits to v.volunteer\n}")
        ok(s, lines, "emit Service { volunteer: first Resident, hours: 2000 }")
        #expect(ok(s, lines, "(first Resident).credits") == ["1500"])
        #expect(ok(s, lines, "(first Resident).phone").joined().contains("138") == false)
        // The script that made the store may declare them again.
        ok(s, lines, "entity Resident { key id: Text, name: Text, age: Number, phone: Text private, alone: Bool = false }")
        #expect(ok(s, lines, "count Resident") == ["1"])
    }
}

@Suite struct InputStatusTests {
    @Test func whatGoesOnAndWhatIsComplete() {
        #expect(InputStatus(of: "") == .empty)
        #expect(InputStatus(of: "  # only a comment\n") == .empty)
        #expect(InputStatus(of: "print 1") == .complete)
        #expect(InputStatus(of: "entity Resident {") == .incomplete(bracketOpen: true))
        #expect(InputStatus(of: "entity Resident {\n  name: Text\n") == .incomplete(bracketOpen: true))
        #expect(InputStatus(of: "entity Resident {\n  name: Text\n}") == .complete)
        #expect(InputStatus(of: "print max([1,\n2") == .incomplete(bracketOpen: true))
        #expect(InputStatus(of: "let x =") == .incomplete(bracketOpen: false))
        #expect(InputStatus(of: "let x = 1 +") == .incomplete(bracketOpen: false))
        #expect(InputStatus(of: "rule \"r\" on Visit v") == .incomplete(bracketOpen: false))
        // Mistakes are shown at once, not waited on.
        #expect(InputStatus(of: "print \"unclosed") == .complete)
        #expect(InputStatus(of: "let = 5") == .complete)
        #expect(InputStatus(of: "}") == .complete)
    }
}

@Suite struct CompletionTests {
    @Test func namesFromWhatTheSessionKnows() {
        let (s, out) = makeSession()
        ok(s, out, residentSchema)
        ok(s, out, "let zhang = add Resident { id: \"R1\", name: \"张三\", age: 72, building: \"B3\" }")
        ok(s, out, "programme \"Fire drill\" { capacity 5 }")
        #expect(s.completions(of: "Res", after: "show ") == ["Resident"])
        #expect(s.completions(of: "Vi", after: "emit ") == ["Visit"])
        #expect(s.completions(of: "zh", after: "print ") == ["zhang"])
        #expect(s.completions(of: "", after: "zhang.") == ["id", "name", "age", "building", "points"].sorted())
        #expect(s.completions(of: "bu", after: "Resident where age > 3 and ") == ["building", "budget"])
        #expect(s.completions(of: "po", after: "account ").contains("points"))
        #expect(s.completions(of: "Fi", after: "enrol zhang in \"", inText: true) == ["Fire drill"])
        #expect(s.completions(of: "vis", after: "rule \"r\" on Visit v {\n  award v.") == ["visitor"])
        #expect(s.completions(of: "ro", after: "print ").contains("round"))
        #expect(s.completions(of: "wh", after: "").contains("where"))
    }
}

@Suite struct HelpTopicTests {
    @Test func everyExampleRunsInOrder() {
        let (s, out) = makeSession()
        for topic in HelpTopic.all where !topic.needsFiles {
            let result = s.run(topic.example)
            #expect(result.succeeded, "the example of '\(topic.name)' fails:\n\(s.render(result.diagnostics))")
            _ = out.take()
        }
    }

    @Test func topicsAreFoundByNameAliasAndBuiltin() {
        #expect(HelpTopic.named("rule")?.name == "rule")
        #expect(HelpTopic.named("where")?.name == "query")
        #expect(HelpTopic.named("round")?.example.contains("round") == true)
        #expect(HelpTopic.named("nonsense") == nil)
        #expect(Set(HelpTopic.all.map(\.name)).count == HelpTopic.all.count)
    }
}
