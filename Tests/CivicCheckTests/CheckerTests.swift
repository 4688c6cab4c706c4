import Testing
import CivicSyntax
import CivicCheck

// Unit tests of the checker: names resolved to slots, fields and types;
// every static error with its message and hint; state kept between checks.

// MARK: - Helpers

/// A checker with its sources; parses each text as a new file, with
/// expression ids that never repeat across files (as the Engine does).
private final class Session {
    let sources = SourceMap()
    let checker: Checker
    var nextID = 0

    init() { checker = Checker(sources: sources) }

    /// Parses a text that must have no syntax errors.
    func parse(_ text: String, name: String = "test.civic", sourceLocation: SourceLocation = #_sourceLocation) -> SourceProgram {
        let id = sources.add(SourceFile(name: name, text: text))
        let (program, diagnostics) = Parser.parse(sources.files[id], fileID: id, firstExprID: nextID)
        #expect(diagnostics.isEmpty, "syntax errors: \(diagnostics.map(\.message))", sourceLocation: sourceLocation)
        nextID = program.exprIDs.upperBound
        return program
    }

    func check(_ texts: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Result<CheckedProgram, DiagnosticList> {
        checker.check(texts.enumerated().map { parse($1, name: "f\($0).civic", sourceLocation: sourceLocation) })
    }

    /// The checked program of texts that must check without errors.
    func checked(_ texts: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> CheckedProgram {
        let programs = texts.map { parse($0, sourceLocation: sourceLocation) }
        switch checker.check(programs) {
        case .success(let p): return p
        case .failure(let list):
            Issue.record("unexpected errors: \(list.diagnostics.map(\.message))", sourceLocation: sourceLocation)
            throw list
        }
    }

    /// Each error as `LINE:COL: MESSAGE` and, if there is one, ` [hint: HINT]`.
    func errors(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        switch check(text, sourceLocation: sourceLocation) {
        case .success:
            return []
        case .failure(let list):
            return list.diagnostics.map(describe)
        }
    }

    func describe(_ d: Diagnostic) -> String {
        let (line, column) = sources.file(d.span.file)?.location(of: d.span.start) ?? (0, 0)
        return "\(line):\(column): \(d.message)" + (d.hint.map { " [hint: \($0)]" } ?? "")
    }

    /// The errors as the CLI shows them.
    func rendered(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        switch check(text, sourceLocation: sourceLocation) {
        case .success: return ""
        case .failure(let list): return DiagnosticRenderer(sources: sources, color: false).render(list.diagnostics)
        }
    }
}

/// The errors of one text, checked by a fresh checker.
private func errors(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    Session().errors(text, sourceLocation: sourceLocation)
}

/// Every `name` expression of a program, in source order, with its id.
private func names(_ statements: [Stmt]) -> [(name: String, id: Int)] {
    var out: [(String, Int)] = []
    func e(_ x: Expr) {
        switch x.kind {
        case .name(let n): out.append((n, x.id))
        case .number, .percent, .bool, .none, .date, .time, .duration, .overdue, .workload: break
        case .text(let segments): for case .expr(let inner) in segments { e(inner) }
        case .list(let items): items.forEach(e)
        case .record(let fields), .construct(_, let fields), .add(_, let fields): fields.forEach { e($0.value) }
        case .unary(_, let a): e(a)
        case .binary(_, let a, let b), .range(let a, let b), .index(let a, let b): e(a); e(b)
        case .call(_, let args): args.forEach(e)
        case .member(let base, _): e(base)
        case .query(let source, let clauses):
            e(source); clauses.filter.map(e); clauses.order.forEach { e($0.expr) }; clauses.limit.map(e)
        case .aggregate(_, let field, let source): field.map(e); e(source)
        }
    }
    func s(_ st: Stmt) {
        switch st.kind {
        case .let(_, let x), .var(_, let x), .expr(let x), .show(let x), .assign(_, let x), .expect(let x): e(x)
        case .if(let branches, let otherwise):
            for b in branches { e(b.condition); b.body.forEach(s) }
            otherwise?.forEach(s)
        case .for(_, let x, let body), .while(let x, let body): e(x); body.forEach(s)
        case .function(_, _, let body), .test(_, let body): body.forEach(s)
        case .rule(_, _, _, let c, let body): c.map(e); body.forEach(s)
        case .return(let x): x.map(e)
        case .print(let xs): xs.forEach(e)
        case .award(let a, _, let h, _): e(a); e(h)
        default: break
        }
    }
    statements.forEach(s)
    return out
}

/// The call expressions of a program, in source order.
private func calls(_ statements: [Stmt]) -> [(name: String, id: Int)] {
    var out: [(String, Int)] = []
    func e(_ x: Expr) {
        switch x.kind {
        case .call(let f, let args): out.append((f.name, x.id)); args.forEach(e)
        case .binary(_, let a, let b): e(a); e(b)
        default: break
        }
    }
    for st in statements {
        switch st.kind {
        case .let(_, let x), .expr(let x): e(x)
        case .print(let xs): xs.forEach(e)
        default: break
        }
    }
    return out
}

// MARK: - Resolutions

@Suite struct CheckerTests {
    @Test func globalsLocalsAndRowFieldsResolve() throws {
        let session = Session()
        let source = """
            let age = 10
            let cut = 5
            let people = [{ age: 1, name: "a" }, { age: 20, name: "b" }]
            fn f(x) {
              let y = x + age
              return y
            }
            fn g(age) = age + cut
            let old = people where age > cut
            print count people where age > (count people where age > cut)
            """
        let program = session.parse(source)
        let checked: CheckedProgram
        switch session.checker.check([program]) {
        case .success(let p): checked = p
        case .failure(let list):
            Issue.record("unexpected errors: \(list.diagnostics.map(\.message))")
            return
        }
        let found = names(program.statements).map { "\($0.name)=\(describe(checked.resolutions[$0.id]))" }
        #expect(found == [
            // fn f: parameter and local in its frame, the global 'age'
            "x=local0", "age=global0", "y=local1",
            // fn g: the parameter 'age' hides the global
            "age=local0", "cut=global1",
            // where: 'age' is the row's field, 'cut' the global
            "people=global2", "age=row(age,0)", "cut=global1",
            // nested queries: the inner 'age' is the inner row's
            "people=global2", "age=row(age,0)", "people=global2", "age=row(age,1)", "cut=global1",
        ])
        #expect(checked.globalNames == ["age", "cut", "people", "old"])
        #expect(checked.globalCount == 4)
        #expect(checked.functions.map(\.name) == ["f", "g"])
        #expect(checked.functions.map(\.slotCount) == [2, 1])
    }

    @Test func callsResolveToFunctionsAndBuiltins() throws {
        let session = Session()
        let program = session.parse("""
            fn later(x) = twice(x) + 1
            fn twice(x) = x * 2
            print len("张三") + later(1)
            """)
        guard case .success(let checked) = session.checker.check([program]) else {
            Issue.record("check failed")
            return
        }
        let found = calls(program.statements).map { "\($0.name)=\(describe(checked.resolutions[$0.id]))" }
        #expect(found == ["len=builtin(len)", "later=function0"])
        // A function may call one declared below it.
        guard case .function(_, _, let body) = program.statements[0].kind,
              case .return(let value?) = body.first?.kind,
              case .binary(_, let call, _) = value.kind else {
            Issue.record("unexpected tree")
            return
        }
        #expect(describe(checked.resolutions[call.id]) == "function1")
    }

    @Test func entitiesEventsAndRuleFramesResolve() throws {
        let session = Session()
        let source = """
            entity Resident { key id: Text, age: Number }
            event Report { who: Resident, n: Number }
            account points of Resident
            let seniors = Resident where age > 70 and points > 1
            rule "r" on Report e when e.n > 1 {
              let z = e.n
              award z points to e.who
            }
            """
        let program = session.parse(source)
        guard case .success(let checked) = session.checker.check([program]) else {
            Issue.record("check failed")
            return
        }
        let found = names(program.statements).map { "\($0.name)=\(describe(checked.resolutions[$0.id]))" }
        #expect(found == [
            "Resident=entity(Resident)", "age=row(age,0)", "points=row(points,0)",
            "e=local0", "e=local0", "z=local1", "e=local0",
        ])
        #expect(checked.frameSizes[program.statements[4].span] == 2)
        #expect(checked.schema.order == ["Resident", "Report"])
        #expect(checked.schema.events["Report"]?.fields.map(\.name) == ["who", "n", "id", "at"])
        #expect(checked.schema.accounts.map { "\($0.name) of \($0.holder)" } == ["points of Resident"])
        // Types of the row fields are known.
        let seniorsType = checked.types.values.contains(.list(.entity("Resident")))
        #expect(seniorsType)
    }

    @Test func declaredNamesGetSlots() throws {
        let session = Session()
        let program = session.parse("let a = 1\nvar b = 2\nfor i in 1..3 { b = b + i }")
        let checked = try #require(try? session.checker.check([program]).get())
        guard case .let(let a, _) = program.statements[0].kind,
              case .var(let b, _) = program.statements[1].kind,
              case .for(let i, _, _) = program.statements[2].kind else {
            Issue.record("unexpected tree")
            return
        }
        #expect(checked.slots[a.span] == .global(0))
        #expect(checked.slots[b.span] == .global(1))
        #expect(checked.slots[i.span] == .global(2))
    }

    @Test func typesAreRecorded() throws {
        let session = Session()
        let program = session.parse("""
            let n = 1 + 2
            let t = "a" + "b"
            let d = 2026-01-01 + 2 days
            let l = [1, 2]
            let r = { a: 1 }
            let q = l where true
            """)
        let checked = try #require(try? session.checker.check([program]).get())
        let types = program.statements.map { s -> String in
            guard case .let(_, let e) = s.kind else { return "?" }
            return checked.type(of: e).description
        }
        #expect(types == ["Number", "Text", "Date", "List of Number", "Record", "List of Number"])
    }

    // MARK: - Static errors, one kind at a time

    @Test func unknownNameSuggestsTheNearest() {
        #expect(errors("let age = 1\nprint agee") == ["2:7: unknown name 'agee' [hint: did you mean 'age'?]"])
        #expect(errors("print nothing_like_it") == ["1:7: unknown name 'nothing_like_it'"])
        #expect(errors("let total = 1\ntotl = 2") == ["2:1: unknown name 'totl' [hint: did you mean 'total'? Or declare it with 'var totl = ...']"])
        #expect(errors("print lenn(\"a\")") == ["1:7: unknown function 'lenn' [hint: did you mean 'len'?]"])
        #expect(errors("let 年龄 = 1\nprint 年令") == ["2:7: unknown name '年令' [hint: did you mean '年龄'?]"])
    }

    @Test func unknownNameIsRenderedWithCaretAndHint() {
        #expect(Session().rendered("let age = 1\nprint agee") == """
            f0.civic:2:7: error: unknown name 'agee'
                2 | print agee
                  |       ^^^^
                  = hint: did you mean 'age'?
            """)
    }

    @Test func wrongNumberOfArguments() {
        #expect(errors("fn f(a, b) = a + b\nprint f(1)")
            == ["2:7: 'f' takes 2 arguments, but 1 was given [hint: it is defined at line 1 as 'f(a, b)']"])
        #expect(errors("fn f(a) = a\nprint f(1, 2)")
            == ["2:7: 'f' takes 1 argument, but 2 were given [hint: it is defined at line 1 as 'f(a)']"])
        #expect(errors("print len(1, 2)") == ["1:7: 'len' takes 1 argument, but 2 were given [hint: write it as 'len(value)']"])
        #expect(errors("print len()") == ["1:7: 'len' takes 1 argument, but 0 were given [hint: write it as 'len(value)']"])
    }

    @Test func textAndNumberDoNotMix() {
        let hint = "to put a number into text, write \"...{value}...\"; to read a number from text, use number(text)"
        #expect(errors("print \"3\" + 1") == ["1:7: cannot add a Text and a Number [hint: \(hint)]"])
        #expect(errors("print 1 - \"3\"") == ["1:7: cannot subtract a Number and a Text [hint: \(hint)]"])
        #expect(errors("let x = \"3\" * 2") == ["1:9: cannot multiply a Text and a Number [hint: \(hint)]"])
    }

    @Test func textIsNotComparedWithNumbers() {
        let hint = "to put a number into text, write \"...{value}...\"; to read a number from text, use number(text)"
        #expect(errors("print \"3\" < 1") == ["1:7: a Text cannot be compared with a Number [hint: \(hint)]"])
        #expect(errors("print 1 >= \"3\"") == ["1:7: a Number cannot be compared with a Text [hint: \(hint)]"])
        #expect(errors("print \"3\" == 3") == ["1:7: a Text is compared with a Number; they are never equal [hint: \(hint)]"])
        #expect(errors("print true < false") == ["1:7: a Bool cannot be ordered with '<'"])
        // none may be compared with anything for equality.
        #expect(errors("print \"3\" == none\nprint none != 1").isEmpty)
    }

    @Test func letAndParametersCannotBeChanged() {
        #expect(errors("let a = 1\na = 2")
            == ["2:1: 'a' is defined with 'let' and cannot be changed [hint: declare it with 'var' at line 1 to change it]"])
        #expect(errors("fn f(p) { p = 1 }")
            == ["1:11: 'p' is a parameter and cannot be changed [hint: copy it first: 'var my_p = p']"])
        #expect(errors("let r = { a: 1 }\nr.a = 2")
            == ["2:1: 'r' is defined with 'let' and cannot be changed [hint: declare it with 'var' to change its parts]"])
    }

    @Test func loopVariablesCannotBeChanged() {
        #expect(errors("for i in 1..3 { i = 2 }")
            == ["1:17: 'i' is the loop's variable and cannot be changed [hint: copy it first: 'var my_i = i']"])
    }

    @Test func functionsSeeOnlyTheGlobalsAboveThem() {
        #expect(errors("fn f() = later\nlet later = 1\nprint f()") == ["1:10: unknown name 'later'"])
        #expect(errors("let earlier = 1\nfn f() = earlier\nprint f()").isEmpty)
    }

    @Test func aVariableKeepsItsType() {
        #expect(errors("var x = 1\nx = \"a\"")
            == ["2:1: 'x' holds a Number and cannot be given a Text [hint: use a new name for the Text value]"])
        #expect(errors("var d = 2026-01-01\nd = 3")
            == ["2:1: 'd' holds a Date and cannot be given a Number [hint: use a new name for the Number value]"])
        // none can be given to any variable, and a variable that starts as none takes any type.
        #expect(errors("var x = 1\nx = none\nvar y = none\ny = 1\ny = \"a\"").isEmpty)
    }

    @Test func returnOnlyInsideAFunction() {
        let hint = "to stop a script early there is no 'return'; put the rest in an 'if'"
        #expect(errors("return 1") == ["1:1: 'return' is only allowed inside a function [hint: \(hint)]"])
        #expect(errors("if true {\n  return\n}") == ["2:3: 'return' is only allowed inside a function [hint: \(hint)]"])
        #expect(errors("event E { n: Number }\nrule \"r\" on E e { return }")
            == ["2:19: 'return' is only allowed inside a function [hint: \(hint)]"])
        #expect(errors("fn f() { if true { return 1 } }").isEmpty)
    }

    @Test func breakAndContinueOnlyInsideLoops() {
        #expect(errors("break") == ["1:1: 'break' is only allowed inside a 'for' or 'while' loop"])
        #expect(errors("if true { continue }") == ["1:11: 'continue' is only allowed inside a 'for' or 'while' loop"])
        // A function's body is not inside the loop that calls it.
        #expect(errors("fn f() { break }\nfor i in 1..2 { f() }") == ["1:10: 'break' is only allowed inside a 'for' or 'while' loop"])
        #expect(errors("for i in 1..2 { if i == 1 { continue } else { break } }\nwhile true { break }").isEmpty)
    }

    @Test func unknownFields() {
        #expect(errors("let r = { name: 1 }\nprint r.nmae") == ["2:9: this record has no field 'nmae' [hint: did you mean 'name'?]"])
        #expect(errors("entity Resident { key id: Text, age: Number }\nlet z = Resident { id: \"1\", age: 3 }\nprint z.agee")
            == ["3:9: Resident has no field 'agee' [hint: did you mean 'age'?]"])
        #expect(errors("entity Resident { key id: Text, age: Number }\nprint Resident where agee > 1")
            == ["2:22: unknown name 'agee' [hint: did you mean 'age'?]"])
        #expect(errors("let xs = [1]\nprint xs.length")
            == ["2:10: a list has no field 'length' [hint: write 'len(list)' or 'count list']"])
        // A misspelt field is one mistake, reported once (not also as a missing 'age').
        #expect(errors("entity Resident { key id: Text, age: Number }\nlet z = Resident { id: \"1\", agee: 3 }")
            == ["2:29: Resident has no field 'agee' [hint: did you mean 'age'?]"])
        #expect(errors("entity Resident { key id: Text, age: Number }\nlet z = Resident { id: \"1\" }")
            == ["2:9: Resident needs the field 'age' [hint: add 'age: ...', or give the field a default in the declaration]"])
    }

    @Test func functionsOnlyAtTheTopLevel() {
        #expect(errors("if true { fn g() = 1 }")
            == ["1:14: functions are declared at the top level of a file, not inside a block [hint: move 'fn g' out of the block]"])
        #expect(errors("fn f() {\n  fn g() = 1\n}")
            == ["2:6: functions are declared at the top level of a file, not inside a block [hint: move 'fn g' out of the block]"])
    }

    @Test func otherStaticErrors() {
        #expect(errors("if 1 { print 1 }")
            == ["1:4: the condition of 'if' must be true or false (a Bool), found a Number [hint: compare it, as in 'x > 0']"])
        #expect(errors("for c in 3 { print c }")
            == ["1:10: 'for' needs a list to go through, found a Number [hint: to count, write 'for i in 1..n']"])
        #expect(errors("let a = 1\nlet a = 2") == ["2:5: 'a' is already defined at line 1 [hint: use another name]"])
        #expect(errors("let x = 1\nprint x(2)") == ["2:7: 'x' is a value, not a function"])
        #expect(errors("fn f() = 1\nprint f") == ["2:7: 'f' is a function; call it with 'f(...)'"])
        #expect(errors("fn f() = 1\nfn f() = 2") == ["2:4: the function 'f' is already defined at line 1 [hint: give one of them another name]"])
        #expect(errors("cap 3 per month") == ["1:1: 'cap' and 'budget' belong inside a rule"])
        #expect(errors("print not 3") == ["1:11: the value after 'not' must be true or false (a Bool), found a Number [hint: compare it, as in 'x > 0']"])
    }

    // MARK: - Whole files

    @Test func everyErrorOfAFileIsReported() {
        let session = Session()
        let found = session.errors("""
            print zz
            let y = 1 + "a"
            return
            fn f(a) = a
            print f()
            break
            """)
        #expect(found == [
            "1:7: unknown name 'zz'",
            "2:9: cannot add a Number and a Text [hint: to put a number into text, write \"...{value}...\"; to read a number from text, use number(text)]",
            "3:1: 'return' is only allowed inside a function [hint: to stop a script early there is no 'return'; put the rest in an 'if']",
            "5:7: 'f' takes 1 argument, but 0 were given [hint: it is defined at line 4 as 'f(a)']",
            "6:1: 'break' is only allowed inside a 'for' or 'while' loop",
        ])
    }

    @Test func errorsOfSeveralFilesComeInFileOrder() {
        let session = Session()
        guard case .failure(let list) = session.check("print b1\nprint a1", "print c1") else {
            Issue.record("expected errors")
            return
        }
        #expect(list.diagnostics.map { "\($0.span.file):\($0.message)" } == [
            "0:unknown name 'b1'", "0:unknown name 'a1'", "1:unknown name 'c1'",
        ])
    }

    @Test func aFailedCheckChangesNothing() throws {
        let session = Session()
        let first = try session.checked("""
            let a = 1
            fn f(x) = x + a
            entity E { key id: Text }
            account points of E
            """)
        #expect(first.globalNames == ["a"])

        // Declares more names, then fails.
        guard case .failure(let list) = session.check("""
            let b = 2
            fn g() = 1
            entity F { key id: Text }
            account credits of E
            print zz
            """) else {
            Issue.record("the second program should fail")
            return
        }
        #expect(list.diagnostics.map(\.message) == ["unknown name 'zz'"])
        #expect(session.checker.schema.order == ["E"])
        #expect(session.checker.schema.accounts.map(\.name) == ["points"])

        // The names of the first program still work; those of the failed one were never kept.
        let third = session.parse("""
            let b = f(a)
            fn g() = 2
            entity F { key id: Text }
            account credits of E
            let e = E { id: "1" }
            print b + g() + e.points + e.credits
            """)
        let checked: CheckedProgram
        switch session.checker.check([third]) {
        case .success(let p): checked = p
        case .failure(let list):
            Issue.record("the third program should check: \(list.diagnostics.map(\.message))")
            return
        }
        #expect(checked.globalNames == ["a", "b", "e"])
        #expect(checked.globalCount == 3)
        #expect(checked.functions.map(\.name) == ["f", "g"])
        #expect(checked.schema.order == ["E", "F"])
        #expect(checked.schema.accounts.map(\.name) == ["points", "credits"])
        guard case .let(let b, _) = third.statements[0].kind else {
            Issue.record("unexpected tree")
            return
        }
        #expect(checked.slots[b.span] == .global(1))
    }

    @Test func aFailedCheckInsideAFunctionChangesNothing() throws {
        let session = Session()
        _ = try session.checked("var total = 0")
        guard case .failure = session.check("fn bump() {\n  total = total + 1\n  let q = nope\n}") else {
            Issue.record("expected an error")
            return
        }
        // After a failure inside a function, the next input is checked at the top level again.
        let next = try session.checked("total = total + 1\nfn bump() = total\nprint bump()")
        #expect(next.globalNames == ["total"])
        #expect(next.functions.map(\.name) == ["bump"])
    }

    // MARK: - Suggestions

    @Test func nearestFindsLikelyTypos() {
        #expect(Suggestions.nearest(to: "agee", in: ["age", "name", "building"]) == "age")
        #expect(Suggestions.nearest(to: "naem", in: ["age", "name"]) == "name")           // a swap is one edit
        #expect(Suggestions.nearest(to: "Age", in: ["age"]) == "age")                     // case does not count
        #expect(Suggestions.nearest(to: "buildng", in: ["building", "build"]) == "building")
        #expect(Suggestions.nearest(to: "张四", in: ["张三", "李强"]) == "张三")
        #expect(Suggestions.hint(for: "agee", in: ["age"]) == "did you mean 'age'?")
    }

    @Test func nearestRefusesDistantNames() {
        #expect(Suggestions.nearest(to: "age", in: []) == nil)
        #expect(Suggestions.nearest(to: "total", in: ["age", "building"]) == nil)
        #expect(Suggestions.nearest(to: "ab", in: ["xy"]) == nil)
        // The name itself is not a suggestion.
        #expect(Suggestions.nearest(to: "age", in: ["age"]) == nil)
        // A third of the length: 'residents' (9) allows 3 edits, not 4.
        #expect(Suggestions.nearest(to: "residents", in: ["rxsxdxnts"]) == "rxsxdxnts")
        #expect(Suggestions.nearest(to: "residents", in: ["rxsxdxnxs"]) == nil)
        #expect(Suggestions.nearest(to: "residents", in: ["resid"]) == nil)
        #expect(Suggestions.nearest(to: "residents", in: ["resident"]) == "resident")
        #expect(Suggestions.hint(for: "zzz", in: ["age"]) == nil)
    }

    @Test func nearestPrefersTheClosest() {
        #expect(Suggestions.nearest(to: "abcdef", in: ["abxyef", "abcdeg"]) == "abcdeg")
        // On a tie, the first candidate wins.
        #expect(Suggestions.nearest(to: "cat", in: ["bat", "hat"]) == "bat")
        #expect(Suggestions.nearest(to: "cat", in: ["hat", "bat"]) == "hat")
    }
}

/// A resolution in short: `global0`, `local1`, `row(age,0)`, ...
private func describe(_ r: Resolution?) -> String {
    switch r {
    case nil: return "nil"
    case .variable(.global(let i))?: return "global\(i)"
    case .variable(.local(let i))?: return "local\(i)"
    case .function(let i)?: return "function\(i)"
    case .builtin(let n)?: return "builtin(\(n))"
    case .rowField(let n, let level)?: return "row(\(n),\(level))"
    case .entity(let n)?: return "entity(\(n))"
    case .event(let n)?: return "event(\(n))"
    }
}
