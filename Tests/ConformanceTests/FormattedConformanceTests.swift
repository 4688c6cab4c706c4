import Foundation
import Testing
import Civic

// `civic fmt` keeps what a script does: every conformance script that parses
// is formatted and run (on the in-memory store, with the clock and options
// of ConformanceTests.swift), and must give
//   - the output its `# expect:` lines give (read from the formatted text,
//     so the expectations survived formatting too);
//   - the errors its `# expect error:` lines give, compared by message only:
//     formatting moves columns, and removing blank lines can move lines,
//     so `LINE:COL` is left out, and so is the number in a message's own
//     "at line N";
//   - each error at the same place: the source text under the error's span
//     is that of the unformatted script's run, apart from spaces and line
//     ends;
//   - the same hints.
// Scripts with a syntax error are not formatted (FormatterCorpusTests
// checks that they are refused).

/// What a run gave: its output lines and, per error, message, hint and the
/// source text under its span without spaces and line ends.
private struct RunRecord: Equatable {
    var output: [String]
    var errors: [String]
    var hints: [String?]
    var places: [String]
}

private func run(_ path: String, _ bytes: [UInt8]) -> RunRecord {
    let lines = OutputLines()
    let options = RunOptions(now: CivicTime(year: 2026, month: 11, day: 28, hour: 9))
    let engine = Engine(options: options, store: MemoryStore(), lines: { lines.append($0) })
    let file = SourceFile(name: path, bytes: bytes)
    let result: RunResult
    if path.contains("/conformance/tests/") {
        // Scripts of tests run under `civic test`; a failure's LINE:COL may move, so it is left out.
        let report = engine.test(file)
        for line in Conformance.lines(of: report, engine) { lines.append(withoutPosition(line)) }
        result = RunResult(diagnostics: report.diagnostics)
    } else {
        result = engine.run(file)
    }
    let places = result.diagnostics.map { d -> String in
        let text = engine.sources.file(d.span.file)?.text(of: d.span) ?? ""
        return text.filter { !$0.isWhitespace }
    }
    return RunRecord(output: lines.all, errors: result.diagnostics.map { withoutLineNumbers($0.message) },
                     hints: result.diagnostics.map(\.hint), places: places)
}

/// A test report's failure line ("  9:3 message") without its LINE:COL.
private func withoutPosition(_ line: String) -> String {
    line.replacing(#/^  \d+:\d+\s/#, with: "  ")
}

/// A message with the number after each "line " replaced by N.
private func withoutLineNumbers(_ message: String) -> String {
    message.replacing(/line \d+/, with: "line N")
}

@Test("formatted conformance scripts run the same", arguments: Conformance.scripts)
func formattedScript(_ name: String) throws {
    let url = Conformance.folder.appendingPathComponent(name)
    let bytes = [UInt8](try Data(contentsOf: url))
    guard case .success(let formatted) = SourceFormatter.format(SourceFile(name: url.path, bytes: bytes)) else { return }

    let before = run(url.path, bytes)
    let after = run(url.path, formatted)
    var expected = Conformance.expectations(in: String(decoding: formatted, as: UTF8.self))
    expected.output = expected.output.map(withoutPosition)

    let output = after.output.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(output == (expected.output.isEmpty && after.output.isEmpty ? [""] : expected.output), "output of formatted \(name)")
    let expectedErrors = expected.errors.map { line -> String in
        let message = line.split(separator: " ", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        return withoutLineNumbers(message)
    }
    #expect(after.errors == expectedErrors, "errors of formatted \(name)")
    for (i, hint) in expected.hints where i >= 0 && i < after.hints.count {
        #expect(after.hints[i] == hint, "hint of error \(i + 1) in formatted \(name)")
    }
    #expect(after == before, "formatted \(name) runs differently")
}

@Test func mostConformanceScriptsAreFormatted() throws {
    let formatted = try Conformance.scripts.filter { name in
        let data = try Data(contentsOf: Conformance.folder.appendingPathComponent(name))
        return (try? SourceFormatter.format(SourceFile(name: name, bytes: [UInt8](data))).get()) != nil
    }
    #expect(formatted.count >= 500)
}
