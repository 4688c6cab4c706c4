import Foundation
import CivicSyntax
import CivicCheck
import CivicStore
import CivicRuntime

/// What one `test` block did.
public struct TestResult: Sendable {
    public var name: String
    /// The file the test is written in, and its line there.
    public var file: String
    public var line: Int
    /// Each failed `expect`, then the error that stopped the test, if one:
    /// render them with `Engine.render`.
    public var failures: [Diagnostic]
    /// What the test printed and showed, as text lines.
    public var output: [String]
    public var passed: Bool { failures.isEmpty }
}

/// What running a file's tests gave.
public struct TestReport: Sendable {
    /// Errors that kept the file's tests from running at all (a syntax or
    /// type error): then `results` is empty.
    public var diagnostics: [Diagnostic] = []
    /// One result per test run, in the order written.
    public var results: [TestResult] = []

    public var passed: Int { results.filter(\.passed).count }
    public var failed: Int { results.count - passed }
    /// Whether every test passed (and the file could be checked).
    public var succeeded: Bool { diagnostics.isEmpty && failed == 0 }
}

extension Engine {
    /// The time a test's clock shows until `clock` sets it.
    public static let testClockStart = CivicTime(year: 2026, month: 1, day: 1) ?? CivicTime.earliest

    /// Runs the `test` blocks of a file (not those of the files it `use`s).
    ///
    /// Each test runs on a fresh store made by `makeStore` (in memory by
    /// default), with its clock at `testClockStart`: first the top-level
    /// definitions of the file and of the files it uses (`let`, `var`, the
    /// catalogue) run, then the test's body. A failed `expect` is recorded
    /// and the test goes on; an error stops the test. After the body the
    /// store's books are verified as `civic verify` would. Nothing is kept:
    /// every test's store is rolled back. The engine's own store is not used.
    /// `filter`, when given, runs only the tests whose names contain it
    /// (capitals or not). A file with no tests gives an empty report.
    public func test(_ file: SourceFile, filter: String? = nil,
                     makeStore: @escaping @Sendable () throws(StoreError) -> Store = { MemoryStore() }) -> TestReport {
        withLargeStack { [self] in
            var report = TestReport()
            let programs: [SourceProgram]
            switch load(file) {
            case .failure(let list): report.diagnostics = list.diagnostics; return report
            case .success(let p): programs = p
            }
            // A file without tests (rules, a schema) has nothing to run: it is
            // not checked alone, since it may be meant to be used by another.
            guard programs.last?.statements.contains(where: { if case .test = $0.kind { true } else { false } }) == true else {
                return report
            }
            let prepared: (tests: CompiledTests, schema: StoreSchema, accounts: [StoredAccount])
            switch prepareTests(programs) {
            case .failure(let list): report.diagnostics = list.diagnostics; return report
            case .success(let p): prepared = p
            }
            for test in prepared.tests.tests where filter.map({ test.name.range(of: $0, options: .caseInsensitive) != nil }) ?? true {
                report.results.append(run(test, of: prepared, in: file, makeStore: makeStore))
            }
            return report
        }
    }

    /// Convenience: runs the tests of source text given by name.
    public func test(source text: String, name: String = "<input>", filter: String? = nil) -> TestReport {
        test(SourceFile(name: name, text: text), filter: filter)
    }

    /// Checks the programs with a checker of their own (the engine's keeps
    /// what runs declared) and compiles the last file's tests.
    func prepareTests(_ programs: [SourceProgram])
        -> Result<(tests: CompiledTests, schema: StoreSchema, accounts: [StoredAccount]), DiagnosticList> {
        let checked: CheckedProgram
        switch Checker(sources: sources).check(programs) {
        case .failure(let list): return .failure(list)
        case .success(let c): checked = c
        }
        return Compiler.compileTests(checked, tests: programs.last?.statements ?? [], pushdown: options.pushdown, sources: sources)
            .flatMap { tests in
                StoreSchemaBuilder.schema(of: checked).flatMap { schema in
                    StoreSchemaBuilder.accounts(of: checked).map { (tests, schema, $0) }
                }
            }
    }

    /// Runs one test on a fresh store, and rolls the store back.
    func run(_ test: CompiledTest, of prepared: (tests: CompiledTests, schema: StoreSchema, accounts: [StoredAccount]),
             in file: SourceFile, makeStore: () throws(StoreError) -> Store) -> TestResult {
        let line = sources.file(test.span.file)?.location(of: test.span.start).line ?? 0
        var result = TestResult(name: test.name, file: file.name, line: line, failures: [], output: [])
        let lines = TestOutput()
        let format = FormatOptions(reveal: options.reveal)
        let store: Store
        do throws(StoreError) {
            store = try makeStore()
        } catch {
            result.failures = [Diagnostic(.error, error.message, at: test.span, hint: error.hint, reveal: options.reveal)]
            return result
        }
        let machine = Machine(globalCount: 0, limits: options.limits, now: Engine.testClockStart, format: format, store: store,
                              output: { item in
                                  switch item {
                                  case .text(let s): lines.append(s)
                                  case .value(let v): lines.append(Show.render(v, format))
                                  }
                              })
        machine.folder = folder(of: file)
        machine.operatorName = options.operatorName
        // Each test counts its limits (its steps, time and memory) afresh.
        machine.startRun(options.limits, interruption: options.interruption)
        defer {
            machine.discardBooks()
            store.rollback()
        }
        result.failures = runBody(test, prepared, machine, store)
        result.output = lines.all
        return result
    }

    /// The failures of a test's run on a machine over its store.
    private func runBody(_ test: CompiledTest, _ prepared: (tests: CompiledTests, schema: StoreSchema, accounts: [StoredAccount]),
                         _ machine: Machine, _ store: Store) -> [Diagnostic] {
        do throws(StoreError) {
            try Engine.open(store, prepared.schema, prepared.accounts, for: machine)
        } catch {
            return [Diagnostic(.error, error.message, at: test.span, hint: error.hint, reveal: options.reveal)]
        }
        machine.expectationFailures = []
        var failures: [Diagnostic] { (machine.expectationFailures ?? []).map { Diagnostic(.error, $0.message, at: $0.span) } }
        do throws(RuntimeError) {
            try prepared.tests.setup.run(on: machine)
            try test.run(on: machine)
        } catch {
            return failures + [error.diagnostic(reveal: options.reveal)]
        }
        var found = failures
        do throws(StoreError) {
            try machine.finishBooks()
            for problem in Engine.verify(store) {
                found.append(Diagnostic(.error, "the books do not add up after the test: \(problem)", at: test.span))
            }
        } catch {
            found.append(Diagnostic(.error, error.message, at: test.span, hint: error.hint, reveal: options.reveal))
        }
        return found
    }
}

/// Lines a test writes, gathered from its output callback.
final class TestOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
