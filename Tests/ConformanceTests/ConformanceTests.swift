import Foundation
import Testing
import Civic
import CivicPostgresTesting

/// The conformance corpus: every `.civic` script under Tests/conformance,
/// run by one harness.
///
/// In a script, `# expect: TEXT` lines give its output, in order;
/// `# expect error: LINE:COL MESSAGE` lines give each diagnostic it must
/// produce (all of them, in order), and `# expect hint: TEXT` after one gives
/// that diagnostic's hint. A script with no expectations must run silently.
/// Scripts run with the clock at 2026-11-28T09:00.
struct Conformance {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("conformance")

    static let scripts: [String] = {
        guard let e = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".civic") }.sorted()
    }()

    struct Expectations {
        var output: [String] = []
        var errors: [String] = []
        var hints: [Int: String] = [:]
    }

    static func expectations(in text: String) -> Expectations {
        var e = Expectations()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let hash = line.range(of: "# expect") else { continue }
            let rest = line[hash.lowerBound...]
            if rest.hasPrefix("# expect: ") {
                e.output.append(String(rest.dropFirst("# expect: ".count)))
            } else if rest == "# expect:" {
                e.output.append("")
            } else if rest.hasPrefix("# expect error: ") {
                e.errors.append(String(rest.dropFirst("# expect error: ".count)))
            } else if rest.hasPrefix("# expect hint: ") {
                e.hints[e.errors.count - 1] = String(rest.dropFirst("# expect hint: ".count))
            }
        }
        return e
    }

    /// The engines a script runs on: every script on the in-memory store;
    /// scripts under `store/` also on SQLite, and on SQLite with every query
    /// done by the interpreter instead of the store — all with the same expectations.
    static func engines(for name: String) -> [String] {
        if name.hasPrefix("tests/") { return ["memory", "sqlite"] }
        return name.hasPrefix("store/") ? ["memory", "sqlite", "sqlite-interpreted"] : ["memory"]
    }

    @Test("conformance", arguments: scripts)
    func script(_ name: String) throws {
        for engineName in Conformance.engines(for: name) {
            try run(name, on: engineName)
        }
    }

    /// The scripts SQLite runs, also on PostgreSQL (each on a community of its
    /// own), and those under `store/` on PostgreSQL with every query done by
    /// the interpreter too.
    static let postgresScripts = scripts.filter { $0.hasPrefix("store/") || $0.hasPrefix("tests/") }

    static func postgresEngines(for name: String) -> [String] {
        name.hasPrefix("store/") ? ["postgres", "postgres-interpreted"] : ["postgres"]
    }

    @Test("conformance on PostgreSQL",
          .enabled(if: TestPostgres.isAvailable, TestPostgres.skipped),
          arguments: postgresScripts)
    func scriptOnPostgres(_ name: String) throws {
        for engineName in Conformance.postgresEngines(for: name) {
            try run(name, on: engineName)
        }
    }

    /// The store tests of every target run on the engines of
    /// `TestStores.kinds`; this one case says when PostgreSQL is not among them.
    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func storeTestsRunOnPostgreSQL() {
        #expect(TestStores.kinds == [.sqlite, .postgres])
    }

    func run(_ name: String, on engineName: String) throws {
        let url = Conformance.folder.appendingPathComponent(name)
        let data = try Data(contentsOf: url)
        let text = String(decoding: data, as: UTF8.self)
        let expected = Conformance.expectations(in: text)
        let lines = OutputLines()
        let kind: StoreKind = engineName.hasPrefix("postgres") ? .postgres : engineName.hasPrefix("sqlite") ? .sqlite : .memory
        let store = try TestStores.fresh(kind)
        let options = RunOptions(now: CivicTime(year: 2026, month: 11, day: 28, hour: 9),
                                 pushdown: !engineName.hasSuffix("-interpreted"))
        let engine = Engine(options: options, store: store, lines: { lines.append($0) })
        let file = SourceFile(name: url.path, bytes: [UInt8](data))
        let result: RunResult
        if name.hasPrefix("tests/") {
            // Scripts of tests run under `civic test`: each test on a fresh store of the engine's kind.
            let report = engine.test(file, makeStore: { () throws(StoreError) -> Store in try TestStores.fresh(kind) })
            for line in Conformance.lines(of: report, engine) { lines.append(line) }
            result = RunResult(diagnostics: report.diagnostics)
        } else {
            result = engine.run(file)
        }
        let errors = result.diagnostics.map { d -> String in
            let (line, column) = engine.sources.file(d.span.file)?.location(of: d.span.start) ?? (0, 0)
            return "\(line):\(column) \(d.message)"
        }
        #expect(errors == expected.errors, "diagnostics of \(name) on \(engineName):\n\(engine.render(result.diagnostics))")
        for (i, hint) in expected.hints where i >= 0 && i < result.diagnostics.count {
            #expect(result.diagnostics[i].hint == hint, "hint of error \(i + 1) in \(name) on \(engineName)")
        }
        #expect(lines.all.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    == (expected.output.isEmpty && lines.all.isEmpty ? [""] : expected.output),
                "output of \(name) on \(engineName)")
    }

    /// A test report as `# expect:` lines give it: each test passed or failed,
    /// each failure as "  LINE:COL MESSAGE", and the counts.
    static func lines(of report: TestReport, _ engine: Engine) -> [String] {
        if !report.diagnostics.isEmpty { return [] }
        var out: [String] = []
        for r in report.results {
            out.append("\(r.passed ? "PASS" : "FAIL") \(r.name)")
            for f in r.failures {
                let (line, column) = engine.sources.file(f.span.file)?.location(of: f.span.start) ?? (0, 0)
                out.append("  \(line):\(column) \(f.message)")
            }
        }
        out.append("\(report.passed) passed, \(report.failed) failed")
        return out
    }

    @Test func corpusIsLarge() {
        #expect(Conformance.scripts.count >= 150)
    }
}

/// Output lines collected from a run.
final class OutputLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}
