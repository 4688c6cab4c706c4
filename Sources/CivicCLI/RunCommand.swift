import ArgumentParser
import Civic
import Foundation

/// Options every command that runs a script shares.
struct RunLimitsOptions: ParsableArguments {
    @Option(name: .long, help: "Stop the run after this many steps (loop turns and calls).")
    var maxSteps: Int = 1_000_000_000

    @Option(name: .long, help: "How deeply functions may call each other.")
    var maxDepth: Int = 2_000

    @Option(name: .long, help: "The time the script sees, as 2026-11-28T09:30 (default: now).")
    var now: String?

    @Flag(name: .long, help: "Show private fields instead of masking them.")
    var reveal = false

    func runOptions() throws -> RunOptions {
        var options = RunOptions(limits: Limits(maxSteps: maxSteps, maxDepth: maxDepth), reveal: reveal)
        if let now {
            guard let time = CivicTime(iso: now) ?? CivicDate(iso: now).map({ $0.startOfDay }) else {
                printError("civic: --now takes a time such as 2026-11-28T09:30, not '\(now)'")
                throw ExitCode(ExitStatus.usage)
            }
            options.now = time
        }
        if maxSteps < 1 || maxDepth < 1 {
            printError("civic: --max-steps and --max-depth must be at least 1")
            throw ExitCode(ExitStatus.usage)
        }
        return options
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Check a script and, if it has no errors, run it."
    )

    @Argument(help: "The script to run.")
    var file: String

    @OptionGroup var limits: RunLimitsOptions

    func run() throws {
        let source = try readScript(file)
        let engine = Engine(options: try limits.runOptions(), output: { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        })
        let result = engine.run(source)
        if !result.succeeded {
            printError(engine.render(result.diagnostics, color: useColor()))
            throw ExitCode(ExitStatus.scriptError)
        }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check scripts for errors without running them."
    )

    @Argument(help: "The scripts to check.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one script to check") }
    }

    func run() throws {
        var failed = false
        for path in files {
            let source = try readScript(path)
            let engine = Engine()
            let result = engine.check(source)
            if !result.succeeded {
                printError(engine.render(result.diagnostics, color: useColor()))
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.scriptError) }
    }
}
