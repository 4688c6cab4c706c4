import Foundation
import Civic

/// The run fuzz target: a script run under tight limits on a `MemoryStore`.
///
/// Input that is a script free of syntax and check errors (such as the seed
/// corpus of conformance scripts and examples) runs as it is; any other
/// input drives `ProgramGenerator`, which makes a script from it. Each
/// script runs twice, with queries handed to the store and done by the
/// interpreter, and the two runs must agree (unless both fail); a script with `test` blocks is
/// also run as `civic test` does.
public enum RunTarget {
    /// The limits of every run: the target and its tests take them from this
    /// one place. Time and memory keep a generated loop of heavy built-ins
    /// (a thousand `repeat`s of a million characters) well inside libFuzzer's timeout.
    public static var limits: Limits {
        Limits(maxSteps: 20_000, maxDepth: 64, maxMemory: 256 << 20, timeout: .seconds(2))
    }

    /// The clock of every run, as in the conformance tests.
    public static let now = CivicTime(year: 2026, month: 11, day: 28, hour: 9)

    /// Runs one input; nil when everything held.
    public static func run(_ bytes: [UInt8]) -> FuzzFinding? {
        let raw = SourceFile(name: "<fuzz>", bytes: bytes)
        if engine(pushdown: true, output: OutputLines()).check(raw).succeeded {
            return run(raw, tests: String(decoding: bytes, as: UTF8.self).contains("test"))
        }
        let script = ProgramGenerator.script(from: bytes)
        return run(SourceFile(name: "<fuzz>", text: script.text), tests: script.hasTests)
    }

    /// Runs a script both ways, and its tests if it has them.
    public static func run(_ file: SourceFile, tests: Bool) -> FuzzFinding? {
        let pushed = outcome(of: file, pushdown: true)
        let interpreted = outcome(of: file, pushdown: false)
        // When both runs fail, they may stop at different errors: the store is
        // given a query's values before the interpreter would reach them (docs/fuzzing.md).
        let bothFailed = !pushed.errors.isEmpty && !interpreted.errors.isEmpty
        if pushed != interpreted && !bothFailed && !pushed.stoppedByLimits && !interpreted.stoppedByLimits {
            return FuzzFinding("a run with queries given to the store differs from one without:\n"
                               + "\(pushed.lines + pushed.errors)\n\(interpreted.lines + interpreted.errors)")
        }
        if tests {
            _ = engine(pushdown: true, output: OutputLines()).test(file)
        }
        return nil
    }

    /// What a run printed, and its errors.
    struct Outcome: Equatable {
        var lines: [String]
        var errors: [String]

        /// Whether a limit stopped the run (the two ways of running count steps differently).
        var stoppedByLimits: Bool {
            // Steps, memory and time say "... and was stopped"; depth says how deep.
            errors.contains { $0.contains("and was stopped") || $0.contains("called each other more than") }
        }
    }

    static func outcome(of file: SourceFile, pushdown: Bool) -> Outcome {
        let lines = OutputLines()
        let engine = engine(pushdown: pushdown, output: lines)
        let result = engine.run(file)
        return Outcome(lines: lines.all, errors: result.diagnostics.map(\.message))
    }

    static func engine(pushdown: Bool, output: OutputLines) -> Engine {
        let options = RunOptions(limits: limits, now: now, pushdown: pushdown, operatorName: "fuzz")
        return Engine(options: options, store: MemoryStore(), lines: { output.append($0) })
    }
}
