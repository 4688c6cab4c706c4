import Foundation
import Testing
import CivicSyntax
import CivicCheck
import CivicStore
import CivicRuntime

// Unit tests of the runtime, driven through the modules directly:
// Parser → Checker → Compiler.compile → Machine.

// MARK: - Helpers

/// What a run left behind: the lines written, and the error that stopped it.
private struct Outcome: Sendable {
    var output: [String]
    var error: RuntimeError?
    /// The error's place and its trace as `LINE:COL`, computed against the script.
    var errorAt: String?
    var trace: [String]
}

/// Collects output lines (used on one thread at a time).
private final class Lines: @unchecked Sendable {
    var lines: [String] = []
}

/// Why a script did not get to run.
private struct NotRun: Error, CustomStringConvertible {
    var description: String
}

/// Carries a result from the worker thread; the semaphore orders the accesses.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// Runs `body` on a thread with a large stack, as the Engine does, so that a
/// run's own depth limit decides how deep it goes, not the test thread's stack.
private func onLargeStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = 512 << 20
    thread.start()
    done.wait()
    return box.value!
}

/// The clock every run sees: Saturday 2026-11-28, 09:30.
private let fixedNow = CivicTime(year: 2026, month: 11, day: 28, hour: 9, minute: 30) ?? .earliest

/// Parses, checks, compiles and runs `text`; the script must have no static errors.
private func run(_ text: String, limits: Limits = Limits(), reveal: Bool = false) throws -> Outcome {
    let result: Result<Outcome, NotRun> = onLargeStack {
        let sources = SourceMap()
        let file = SourceFile(name: "test.civic", text: text)
        let id = sources.add(file)
        let (program, parseErrors) = Parser.parse(file, fileID: id)
        if !parseErrors.isEmpty { return .failure(NotRun(description: "syntax errors: \(parseErrors.map(\.message))")) }
        let checked: CheckedProgram
        switch Checker(sources: sources).check([program]) {
        case .success(let c): checked = c
        case .failure(let list): return .failure(NotRun(description: "check errors: \(list.diagnostics.map(\.message))"))
        }
        let compiled: CompiledProgram
        switch Compiler.compile(checked) {
        case .success(let c): compiled = c
        case .failure(let list): return .failure(NotRun(description: "compile errors: \(list.diagnostics.map(\.message))"))
        }
        let lines = Lines()
        let format = FormatOptions(reveal: reveal)
        // `print` gives a line; `show` gives a value, shown as a person reads it.
        let machine = Machine(globalCount: compiled.globalCount, limits: limits, now: fixedNow, format: format) { item in
            switch item {
            case .text(let line): lines.lines.append(line)
            case .value(let value): lines.lines.append(Show.render(value, format))
            }
        }
        func place(_ span: Span) -> String {
            let (line, column) = file.location(of: span.start)
            return "\(line):\(column)"
        }
        do throws(RuntimeError) {
            try compiled.run(on: machine)
            return .success(Outcome(output: lines.lines, error: nil, errorAt: nil, trace: []))
        } catch {
            return .success(Outcome(output: lines.lines, error: error, errorAt: place(error.span),
                                    trace: error.trace.map { "\($0.function)@\(place($0.span))" }))
        }
    }
    return try result.get()
}

/// The output of a script that must run without errors.
private func output(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
    let outcome = try run(text)
    #expect(outcome.error == nil, "stopped by: \(outcome.error?.message ?? "")", sourceLocation: sourceLocation)
    return outcome.output
}

/// The output as one text, lines joined with line breaks.
private func printed(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    try output(text, sourceLocation: sourceLocation).joined(separator: "\n")
}

@Suite struct RuntimeTests {
    // MARK: - Value semantics

    @Test func copyingAListThenChangingTheCopyLeavesTheOriginal() throws {
        #expect(try output("""
            let a = [1, 2, 3]
            var b = a
            b[0] = 9
            print a, b
            """) == ["[1, 2, 3] [9, 2, 3]"])
    }

    @Test func recordsAndNestedListsAreValues() throws {
        #expect(try output("""
            var r = { xs: [1, 2], name: "a" }
            var s = r
            s.xs[1] = 5
            s.name = "b"
            print r
            print s
            var outer = [[1, 2], [3]]
            var inner = outer[0]
            inner[0] = 7
            print outer, inner
            var more = outer
            more[1][0] = 8
            print outer, more
            """) == [
                "{ xs: [1, 2], name: \"a\" }",
                "{ xs: [1, 5], name: \"b\" }",
                "[[1, 2], [3]] [7, 2]",
                "[[1, 2], [3]] [[1, 2], [8]]",
            ])
    }

    @Test func functionsGetCopiesOfTheirArguments() throws {
        #expect(try output("""
            fn changed(list) {
              var copy = list
              copy[0] = 100
              return copy
            }
            var a = [1, 2, 3]
            let c = changed(a)
            print a, c
            var holder = { list: a }
            a[1] = 50
            print holder.list, a
            """) == ["[1, 2, 3] [100, 2, 3]", "[1, 2, 3] [1, 50, 3]"])
    }

    @Test func loopVariableIsACopy() throws {
        #expect(try output("""
            var rows = [{ n: 1 }, { n: 2 }]
            for r in rows {
              var x = r
              x.n = 0
            }
            print rows
            """) == ["[{ n: 1 }, { n: 2 }]"])
    }

    // MARK: - Assignment

    @Test func nestedFieldAndIndexAssignment() throws {
        #expect(try output("""
            var city = { name: "欣园", buildings: [{ id: "B3", floors: [1, 2] }, { id: "B4", floors: [] }] }
            city.buildings[0].floors[1] = 20
            city.buildings[1].id = "B5"
            city.name = "新园"
            print city
            var grid = [[0, 0], [0, 0]]
            grid[1][0] = 3
            grid[0] = [5]
            print grid
            var xs = [1, 2, 3]
            xs[len(xs) - 1] = xs[0] + 10
            print xs
            var ys = 1..3
            ys[0] = 9
            print ys
            """) == [
                "{ name: \"新园\", buildings: [{ id: \"B3\", floors: [1, 20] }, { id: \"B5\", floors: [] }] }",
                "[[5], [3, 0]]",
                "[1, 2, 11]",
                "[9, 2, 3]",
            ])
    }

    @Test func assignmentInsideFunctionsUsesLocals() throws {
        #expect(try output("""
            var total = 0
            fn add_up(xs) {
              var sum = 0
              for x in xs { sum = sum + x }
              total = total + sum
              return sum
            }
            print add_up([1, 2, 3]), add_up(1..4), total
            """) == ["6 10 16"])
    }

    @Test func indexOutOfRangeIsARuntimeError() throws {
        let outcome = try run("var xs = [1, 2]\nprint \"before\"\nxs[2] = 5\nprint \"after\"")
        #expect(outcome.output == ["before"])
        #expect(outcome.error?.message == "index 2 is out of range for a list of 2 items")
        #expect(outcome.error?.hint == "indexes run from 0 to 1")
        #expect(outcome.errorAt == "3:4")
        let empty = try run("let xs = []\nprint xs[0]")
        #expect(empty.error?.message == "index 0 is out of range for a list of 0 items")
        #expect(empty.error?.hint == "the list is empty")
    }

    // MARK: - Functions

    @Test func recursionComputesFibonacci() throws {
        #expect(try output("""
            fn fib(n) {
              if n < 2 { return n }
              return fib(n - 1) + fib(n - 2)
            }
            print fib(20)
            fn fact(n) = if_zero(n)
            fn if_zero(n) {
              if n == 0 { return 1 }
              return n * fact(n - 1)
            }
            print fact(25)
            """) == ["6765", "15511210043330985984000000"])
    }

    @Test func functionWithoutReturnGivesNone() throws {
        #expect(try output("fn nothing() { let x = 1 }\nprint nothing()\nfn early(x) {\n  if x { return }\n  return 1\n}\nprint early(true), early(false)")
            == ["none", "none 1"])
    }

    // MARK: - Limits

    @Test func stepLimitStopsAnInfiniteLoop() throws {
        let outcome = try run("print \"before\"\nwhile true {}\nprint \"after\"", limits: Limits(maxSteps: 1000))
        #expect(outcome.output == ["before"])
        #expect(outcome.error?.message == "the script ran more than 1000 steps and was stopped")
        #expect(outcome.error?.hint == "look for a loop that never ends, or raise the limit with --max-steps")
        #expect(outcome.errorAt == "2:7")
    }

    @Test func stepLimitStopsLongForLoopsAndQueries() throws {
        let loop = try run("for i in 1..1000000000 { }", limits: Limits(maxSteps: 500))
        #expect(loop.error?.message == "the script ran more than 500 steps and was stopped")
        let query = try run("let xs = 1..100000\nprint count xs where true", limits: Limits(maxSteps: 500))
        #expect(query.error?.message == "the script ran more than 500 steps and was stopped")
        // Recursion counts its calls.
        let calls = try run("fn f(n) {\n  if n == 0 { return 0 }\n  return f(n - 1)\n}\nprint f(100)", limits: Limits(maxSteps: 50))
        #expect(calls.error?.message == "the script ran more than 50 steps and was stopped")
        // Under the limit, the same loop runs to its end.
        let fine = try run("var n = 0\nfor i in 1..400 { n = n + 1 }\nprint n", limits: Limits(maxSteps: 500))
        #expect(fine.error == nil)
        #expect(fine.output == ["400"])
    }

    @Test func depthLimitStopsInfiniteRecursion() throws {
        let outcome = try run("print \"start\"\nfn f(n) = f(n + 1)\nprint f(0)", limits: Limits(maxDepth: 50))
        #expect(outcome.output == ["start"])
        #expect(outcome.error?.message == "functions called each other more than 50 deep")
        #expect(outcome.error?.hint == "a function that calls itself needs a case that stops; or raise the limit with --max-depth")
        #expect(outcome.errorAt == "2:11")
        #expect(outcome.trace.count == 50)
        #expect(outcome.trace.first == "f@2:11")
        #expect(outcome.trace.last == "f@3:7")
    }

    @Test func defaultDepthLimitStopsRecursionWithoutCrashing() throws {
        let outcome = try run("fn f(n) = f(n + 1)\nprint f(0)")
        #expect(outcome.error?.message == "functions called each other more than 2000 deep")
        // Mutual recursion too.
        let mutual = try run("fn a(n) = b(n)\nfn b(n) = a(n)\nprint a(1)", limits: Limits(maxDepth: 300))
        #expect(mutual.error?.message == "functions called each other more than 300 deep")
    }

    @Test func recursionBelowTheDepthLimitRuns() throws {
        let outcome = try run("fn down(n) {\n  if n == 0 { return 0 }\n  return down(n - 1) + 1\n}\nprint down(49)", limits: Limits(maxDepth: 50))
        #expect(outcome.error == nil)
        #expect(outcome.output == ["49"])
    }

    @Test func traceListsCallsInnermostFirst() throws {
        let outcome = try run("""
            fn inner(x) = x / 0
            fn middle(x) = inner(x) + 1
            fn outer(x) {
              return middle(x) * 2
            }
            print outer(1)
            """)
        #expect(outcome.error?.message == "division by zero")
        #expect(outcome.error?.hint == "check that the divisor is not 0 before dividing")
        #expect(outcome.errorAt == "1:15")
        #expect(outcome.trace == ["inner@2:16", "middle@4:10", "outer@6:7"])
    }

    @Test func errorAtTopLevelHasNoTrace() throws {
        let outcome = try run("let d = 0\nprint 1 / d")
        #expect(outcome.error?.message == "division by zero")
        #expect(outcome.trace == [])
        #expect(outcome.errorAt == "2:7")
    }

    // MARK: - Printing

    @Test func printFormatsEveryValueType() throws {
        #expect(try output("""
            print 0.1 + 0.2
            print 140
            print 2.50
            print 10 / 4
            print -7
            print 70%
            print 1_000_000.000
            print true, false
            print none
            print "text with \\"quotes\\""
            print "张三"
            print 2026-11-28
            print 2026-11-28T09:30
            print 2026-11-28T09:30:15
            print 2 hours, 90 minutes, 1 month, 3 days, 2 weeks, 1 year
            print [1, "a", none, [true], 2026-01-01, 2 hours]
            print { a: 1, b: "x", c: none, d: [1] }
            print {}
            print []
            print 1..3, 5..1 == []
            print
            """) == [
                "0.3",
                "140",
                "2.5",
                "2.5",
                "-7",
                "0.7",
                "1000000",
                "true false",
                "none",
                "text with \"quotes\"",
                "张三",
                "2026-11-28",
                "2026-11-28T09:30",
                "2026-11-28T09:30:15",
                "2 hours 1 hour 30 minutes 1 month 3 days 2 weeks 1 year",
                "[1, \"a\", none, [true], 2026-01-01, 2 hours]",
                "{ a: 1, b: \"x\", c: none, d: [1] }",
                "{}",
                "[]",
                "1..3 true",
                "",
            ])
    }

    @Test func textInterpolationFormatsLikePrint() throws {
        #expect(try output("""
            let name = "张三"
            print "你好, {name}! {1 + 1} {[1, "b"]} {none} {0.1 + 0.2} {{literal}}"
            """) == ["你好, 张三! 2 [1, \"b\"] none 0.3 {literal}"])
    }

    @Test func textsInsideListsAreQuotedAndEscaped() throws {
        #expect(try output("print [\"a\\\"b\", \"c\\\\d\", \"e\\nf\"]") == ["[\"a\\\"b\", \"c\\\\d\", \"e\\nf\"]"])
    }

    @Test func numbersAreExact() throws {
        #expect(try output("""
            print 0.1 + 0.2 == 0.3
            print 1.10 == 1.1
            print 7 mod 3, -7 mod 3, 7 mod -3, 5.5 mod 2
            print 1234.57 * 70%
            """) == ["true", "true", "1 2 -2 1.5", "864.199"])
    }

    // MARK: - show

    @Test func showListOfRecordsIsATable() throws {
        #expect(try printed("""
            show [{ name: "王芳", age: 30, b: "B3" }, { name: "欧阳娜娜", age: 8, b: "B12" }]
            """) == """
            name      age  b
            ────────  ───  ───
            王芳       30  B3
            欧阳娜娜    8  B12
            """)
    }

    @Test func showRecordListsItsFields() throws {
        #expect(try printed("show { name: \"张三\", age: 72 }") == """
            field  value
            ─────  ─────
            name   张三
            age    72
            """)
    }

    @Test func showOtherValues() throws {
        #expect(try printed("show []") == "(no rows)")
        #expect(try printed("show [3, 20, 100]") == "value\n─────\n    3\n   20\n  100")
        #expect(try printed("show [\"a\", \"bb\"]") == "value\n─────\na\nbb")
        #expect(try printed("show 1..3") == "value\n─────\n    1\n    2\n    3")
        #expect(try printed("show 5") == "5")
        #expect(try printed("show \"x\"") == "x")
        #expect(try printed("show none") == "none")
    }

    @Test func showOfAQueryShowsItsRows() throws {
        #expect(try printed("""
            let people = [{ name: "王芳", age: 30 }, { name: "李强", age: 72 }, { name: "张三", age: 72 }]
            show people where age > 20 order by age desc, name limit 2
            show people where age > 100
            """) == """
            name  age
            ────  ───
            张三   72
            李强   72
            (no rows)
            """)
    }

    // MARK: - Queries and aggregates over lists

    private let people = """
        let people = [
          { name: "王芳", age: 30, b: "B3" },
          { name: "李强", age: 72, b: "B4" },
          { name: "张三", age: 72, b: "B3" },
          { name: "赵六", age: 8, b: "B3" },
        ]

        """

    @Test func aggregatesOverLists() throws {
        #expect(try output(people + """
            print count people
            print count people where age >= 30
            print sum age of people where b == "B3"
            print average age of people
            print min age of people, max age of people
            print exists people where age > 100, exists people where age > 70
            print first people order by age desc
            print first (people where age > 100)
            print sum age * 2 of people where b == "B4"
            let nums = [1, 2, 3]
            print count nums, len(nums)
            """) == [
                "4",
                "3",
                "110",
                "45.5",
                "8 72",
                "false true",
                "{ name: \"李强\", age: 72, b: \"B4\" }",
                "none",
                "144",
                "3 3",
            ])
    }

    @Test func queryClausesOverLists() throws {
        #expect(try output(people + """
            for p in people where b == "B3" order by age { print p.name }
            let old = people where age > 20 order by age desc, name limit 2
            print len(old), old[0].name, old[1].name
            print count (people limit 0)
            print count people where b == "B3" and age < 50
            print len(people where age > 20 limit 10)
            """) == ["赵六", "王芳", "张三", "2 张三 李强", "0", "2", "3"])
    }

    @Test func queriesKeepTheOrderOfEqualRowsAndPutNoneLast() throws {
        #expect(try output("""
            let xs = [{ k: 2, n: "a" }, { k: 1, n: "b" }, { k: 2, n: "c" }, { k: none, n: "d" }, { k: 1, n: "e" }]
            for x in xs order by k { print x.n }
            for x in xs order by k desc { print x.n }
            """) == ["b", "e", "a", "c", "d", "a", "c", "b", "e", "d"])
    }

    @Test func nestedQueriesSeeTheirOwnRows() throws {
        #expect(try output("""
            let groups = [{ g: "x", limit_age: 10 }, { g: "y", limit_age: 50 }]
            let people = [{ age: 5 }, { age: 20 }, { age: 60 }]
            for grp in groups {
              print grp.g, count people where age > grp.limit_age
            }
            print count groups where (count people where age > limit_age) > 1
            """) == ["x 2", "y 1", "1"])
    }

    @Test func emptyAggregates() throws {
        #expect(try output("""
            let none_here = [{ a: 1 }] where a > 5
            print count none_here, sum a of none_here, average a of none_here, min a of none_here, max a of none_here
            print exists none_here, first none_here
            """) == ["0 0 none none none", "false none"])
    }

    @Test func negativeLimitIsAnError() throws {
        let outcome = try run("let n = -1\nprint [1, 2] limit n")
        #expect(outcome.error?.message == "'limit' must not be negative, found -1")
        #expect(outcome.errorAt == "2:20")
    }

    // MARK: - none

    @Test func noneIsLeftOutOfAggregatesAndComparisons() throws {
        #expect(try output("""
            let xs = [{ a: 1 }, { a: none }, { a: 3 }]
            print sum a of xs, average a of xs, min a of xs, max a of xs, count xs
            print count xs where a > 1, count xs where a < 5, count xs where a == none
            print none == none, none != 1, none == 0, none == ""
            let r = { v: none }
            if r.v == none { print "missing" } else { print "present" }
            var later = none
            later = 5
            print later
            """) == ["4 2 1 3 3", "1 2 1", "true true false false", "missing", "5"])
    }

    @Test func readingAFieldOfNoneIsAClearError() throws {
        let outcome = try run("fn get(x) = x.name\nprint get({ name: \"a\" })\nprint get(none)")
        #expect(outcome.output == ["a"])
        #expect(outcome.error?.message == "none has no field 'name'")
        #expect(outcome.error?.hint == "check for none first: 'if x != none { ... }'")
        #expect(outcome.errorAt == "1:15")
        #expect(outcome.trace == ["get@3:7"])
    }

    @Test func arithmeticWithNoneIsAClearError() throws {
        let outcome = try run("fn inc(x) = x + 1\nprint inc(none)")
        #expect(outcome.error?.message == "cannot add none and a Number")
        #expect(outcome.errorAt == "1:13")
    }

    @Test func conditionThatIsNoneIsAClearError() throws {
        let outcome = try run("fn test_it(x) {\n  if x { return 1 }\n  return 2\n}\nprint test_it(none)")
        #expect(outcome.error?.message == "the condition of 'if' must be true or false (a Bool), found none")
        #expect(outcome.errorAt == "2:6")
    }

    // MARK: - Control flow

    @Test func breakAndContinue() throws {
        #expect(try output("""
            var seen = []
            for i in 1..10 {
              if i mod 2 == 0 { continue }
              if i > 7 { break }
              seen = seen + [i]
            }
            print seen
            var n = 0
            while true {
              n = n + 1
              if n == 3 { break }
            }
            print n
            """) == ["[1, 3, 5, 7]", "3"])
    }

    @Test func returnLeavesLoopsInsideFunctions() throws {
        #expect(try output("""
            fn find(xs, wanted) {
              for x in xs {
                while true {
                  if x == wanted { return "found {x}" }
                  break
                }
              }
              return "none found"
            }
            print find([1, 2, 3], 2), find([1], 5)
            """) == ["found 2 none found"])
    }
}
