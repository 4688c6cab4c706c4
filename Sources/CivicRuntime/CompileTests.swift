import CivicStore
import CivicSyntax
import CivicCheck

/// An `expect` that did not hold in a test: what was found and what was
/// expected ("zhang.points is 20, expected 21"), at the condition.
public struct ExpectationFailure: Sendable, Equatable {
    public var message: String
    public var span: Span

    public init(message: String, span: Span) {
        self.message = message
        self.span = span
    }
}

/// A `test "name" { ... }` block, compiled: run by `civic test` on a fresh
/// store, after the program's definitions.
public struct CompiledTest {
    public let name: String
    /// The whole `test` statement (its line is the test's line).
    public let span: Span
    let frameSize: Int
    let body: Exec

    /// Runs the test's body in a frame of its own. Failed `expect`s are
    /// recorded on the machine and the body goes on; an error stops it.
    public func run(on m: Machine) throws(RuntimeError) {
        let newBase = m.stack.count
        defer { m.popFrame(to: newBase) }
        for _ in 0..<max(1, frameSize) { m.stack.append(.none) }
        let savedBase = m.base
        m.base = newBase
        defer { m.base = savedBase }
        _ = try body(m)
    }
}

/// A program's tests with what runs before each: its declarations (rules,
/// programmes, splits, escalations) and its top-level definitions.
public struct CompiledTests {
    /// The top-level definitions: `let`, `var` and the catalogue.
    public let setup: CompiledProgram
    public let tests: [CompiledTest]
}

extension Compiler {
    /// Compiles the tests written in `statements` (one file's top level),
    /// with the definitions of every file of the program to run before each.
    public static func compileTests(_ program: CheckedProgram, tests statements: [Stmt], pushdown: Bool = true,
                                    sources: SourceMap? = nil) -> Result<CompiledTests, DiagnosticList> {
        let all = program.files.flatMap(\.statements)
        var compiler = Compiler(program: program, pushdown: pushdown, sources: sources)
        let setup = compiler.program(all, running: all.filter(Compiler.runsBeforeTests))
        var tests: [CompiledTest] = []
        for s in statements {
            guard case .test(let nameExpr, let body) = s.kind else { continue }
            var name = "test"
            switch Compiler.constant(nameExpr, in: program) {
            case .success(.text(let t)): name = t
            case .success: compiler.diagnostics.append(.error("a test's name must be a Text", at: nameExpr.span))
            case .failure(let d): compiler.diagnostics.append(d)
            }
            tests.append(CompiledTest(name: name, span: s.span, frameSize: program.frameSizes[s.span] ?? 1, body: compiler.block(body)))
        }
        if !compiler.diagnostics.isEmpty { return .failure(DiagnosticList(compiler.diagnostics)) }
        return .success(CompiledTests(setup: setup, tests: tests))
    }

    /// Whether a top-level statement runs before each test: the definitions
    /// (`let`, `var`, the catalogue), not the actions (`print`, `emit`, ...),
    /// which belong to `civic run`.
    static func runsBeforeTests(_ s: Stmt) -> Bool {
        switch s.kind {
        case .let, .var, .catalogue: return true
        default: return false
        }
    }

    /// `expect error [TEXT] { ... }`: the statements must stop with an error
    /// (whose message contains TEXT, if given). Whatever they changed in the
    /// store — rows, balances, the ledger, stock — is undone either way, so a
    /// test can show that a refused redemption changes nothing.
    mutating func expectError(_ messageExpr: Expr?, _ body: [Stmt], _ span: Span) -> Exec {
        let run = block(body)
        let wanted = messageExpr.map { expr($0) }
        return { m throws(RuntimeError) in
            var text: String?
            if let wanted {
                guard case .text(let t) = try wanted(m) else { throw RuntimeError("'expect error' needs a Text to look for", at: span) }
                text = t
            }
            let mark = "civic_expect_error_\(m.stack.count)_\(m.depth)"
            let rows = m.rows.count, stats = m.stats
            do throws(StoreError) {
                try m.finishBooks()
                try m.store.savepoint(mark)
            } catch {
                throw Compiler.storeError(error, span)
            }
            var failure: RuntimeError?
            do throws(RuntimeError) {
                _ = try run(m)
            } catch {
                failure = error
            }
            // Undo what the statements did, whatever happened.
            m.discardBooks()
            if m.rows.count > rows { m.rows.removeSubrange(rows...) }
            m.stats = stats
            do throws(StoreError) {
                try m.store.rollback(toSavepoint: mark)
                try m.store.releaseSavepoint(mark)
            } catch {
                throw Compiler.storeError(error, span)
            }
            // A limit or Ctrl-C stops the test, as it stops a run: `expect error` does not catch it.
            if let failure, failure.isLimit { throw failure }
            guard let failure else {
                try Compiler.failExpectation("the statements ran without an error, expected \(text.map { "one saying \"\($0)\"" } ?? "an error")", span, m)
                return .normal
            }
            let message = PrivateText.resolve(failure.message, reveal: m.format.reveal)
            if let text, !message.contains(text) {
                try Compiler.failExpectation("the error was \"\(message)\", expected one saying \"\(text)\"", span, m)
            }
            return .normal
        }
    }

    /// `clock TIME`: sets a test's clock (a Date is its first moment).
    mutating func setClock(_ time: Expr, _ span: Span) -> Exec {
        let value = expr(time)
        let timeSpan = time.span
        return { m throws(RuntimeError) in
            switch try value(m) {
            case .time(let t): m.now = t
            case .date(let d):
                guard let t = CivicTime(date: d) else { throw RuntimeError("'clock' cannot start at \(d)", at: timeSpan) }
                m.now = t
            case let other:
                throw RuntimeError("'clock' needs a Time, found \(other.literal(m.format))", at: timeSpan)
            }
            try Compiler.clockMoved(m, span)
            return .normal
        }
    }

    /// `advance DURATION`: moves a test's clock on.
    mutating func advanceClock(_ duration: Expr, _ span: Span) -> Exec {
        let value = expr(duration)
        let durationSpan = duration.span
        return { m throws(RuntimeError) in
            m.now = try Compiler.timeAfter(m.now, try value(m), durationSpan, m)
            try Compiler.clockMoved(m, span)
            return .normal
        }
    }

    static func timeAfter(_ time: CivicTime, _ duration: Value, _ span: Span, _ m: Machine) throws(RuntimeError) -> CivicTime {
        guard case .time(let t) = try Operators.add(.time(time), duration, span) else {
            throw RuntimeError("'advance' needs a Duration, found \(duration.literal(m.format))", at: span, hint: "write 'advance 1 month'")
        }
        return t
    }

    /// After the clock moves, credits that expired by then leave their
    /// balances, as a run at that time would see.
    static func clockMoved(_ m: Machine, _ span: Span) throws(RuntimeError) {
        do throws(StoreError) {
            try expireLots(m, asOf: m.now)
        } catch {
            throw storeError(error, span)
        }
    }
}
