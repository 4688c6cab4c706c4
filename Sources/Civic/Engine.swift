import Foundation
import CivicSyntax
import CivicCheck
import CivicStore
import CivicRuntime

/// How a run is made: its limits, its clock, and what it may show.
public struct RunOptions: Sendable {
    public var limits: Limits
    /// The time the script sees; nil for the current time in `timeZone`.
    public var now: CivicTime?
    /// The zone the current time is read in (default Asia/Shanghai).
    public var timeZone: String
    /// Show `private` fields instead of masking them.
    public var reveal: Bool

    public init(limits: Limits = Limits(), now: CivicTime? = nil, timeZone: String = "Asia/Shanghai", reveal: Bool = false) {
        self.limits = limits
        self.now = now
        self.timeZone = timeZone
        self.reveal = reveal
    }

    /// The current local time in the configured zone.
    public var currentTime: CivicTime {
        if let now { return now }
        let date = Date()
        let offset = TimeZone(identifier: timeZone)?.secondsFromGMT(for: date) ?? 8 * 3600
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        return CivicTime(secondsSince1970: seconds) ?? CivicTime.earliest
    }
}

/// What a run or a check gives back.
public struct RunResult: Sendable {
    /// Errors found, in order (empty when the run succeeded).
    public var diagnostics: [Diagnostic]
    public var succeeded: Bool { diagnostics.isEmpty }
}

/// The interpreter, for the CLI and for Swift code that embeds Civic.
///
/// An engine keeps what it has been given: declarations, functions and
/// variables of earlier `run` calls stay known to later ones (that is how
/// the REPL works). Use one engine from one thread at a time.
public final class Engine: @unchecked Sendable {
    public let sources = SourceMap()
    public var options: RunOptions
    /// Where `print` and `show` write, a line at a time.
    public var output: @Sendable (String) -> Void
    let checker: Checker
    var machine: Machine?
    var nextExprID = 0

    public init(options: RunOptions = RunOptions(), output: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.options = options
        self.output = output
        self.checker = Checker(sources: sources)
    }

    /// Reads a file as a source; a missing or unreadable file is an error for the caller.
    public static func readSource(path: String) throws -> SourceFile {
        let url = URL(fileURLWithPath: path)
        let data = try Data(contentsOf: url)
        return SourceFile(name: path, bytes: [UInt8](data))
    }

    /// Parses and checks a source without running it.
    public func check(_ file: SourceFile) -> RunResult {
        withLargeStack { [self] in
            switch parseAndCheck(file, keep: false) {
            case .failure(let list): return RunResult(diagnostics: list.diagnostics)
            case .success: return RunResult(diagnostics: [])
            }
        }
    }

    /// Parses, checks, compiles and runs a source. Nothing runs unless the
    /// whole source is free of errors.
    public func run(_ file: SourceFile) -> RunResult {
        withLargeStack { [self] in
            let checked: (CheckedProgram, SourceProgram)
            switch parseAndCheck(file, keep: true) {
            case .failure(let list): return RunResult(diagnostics: list.diagnostics)
            case .success(let c): checked = c
            }
            let compiled: CompiledProgram
            switch Compiler.compile(checked.0, statements: checked.1.statements) {
            case .failure(let list): return RunResult(diagnostics: list.diagnostics)
            case .success(let c): compiled = c
            }
            let machine = self.machine ?? Machine(globalCount: 0, limits: options.limits, now: options.currentTime,
                                                  format: FormatOptions(reveal: options.reveal), output: output)
            self.machine = machine
            do throws(RuntimeError) {
                try compiled.run(on: machine)
                return RunResult(diagnostics: [])
            } catch {
                return RunResult(diagnostics: [error.diagnostic])
            }
        }
    }

    /// Convenience: runs source text given by name.
    public func run(source text: String, name: String = "<input>") -> RunResult {
        run(SourceFile(name: name, text: text))
    }

    /// Convenience: checks source text given by name.
    public func check(source text: String, name: String = "<input>") -> RunResult {
        check(SourceFile(name: name, text: text))
    }

    /// Diagnostics as text with carets, coloured or not.
    public func render(_ diagnostics: [Diagnostic], color: Bool = false) -> String {
        DiagnosticRenderer(sources: sources, color: color).render(diagnostics)
    }

    func parseAndCheck(_ file: SourceFile, keep: Bool) -> Result<(CheckedProgram, SourceProgram), DiagnosticList> {
        let id = sources.add(file)
        let (program, parseErrors) = Parser.parse(file, fileID: id, firstExprID: nextExprID)
        if !parseErrors.isEmpty { return .failure(DiagnosticList(parseErrors)) }
        nextExprID = program.exprIDs.upperBound
        // A check alone uses a checker of its own, so it changes nothing the engine knows.
        let checker = keep ? self.checker : Checker(sources: sources)
        return checker.check([program]).map { ($0, program) }
    }
}
