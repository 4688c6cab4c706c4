import ArgumentParser
import Civic
import Foundation

/// Options every command that runs a script shares.
struct RunLimitsOptions: ParsableArguments {
    @Option(name: .long, help: "Stop the run after this many steps (loop turns and calls).")
    var maxSteps: Int = 1_000_000_000

    @Option(name: .long, help: "How deeply functions may call each other.")
    var maxDepth: Int = 2_000

    @Option(name: .long, help: ArgumentHelp("Stop the run when it needs more memory than this: 512MB, 2GB (powers of 1000), 512MiB, 2GiB (powers of 1024), or none.",
                                            valueName: "size"))
    var maxMemory: String = "2GiB"

    @Option(name: .long, help: ArgumentHelp("Stop the run after this wall-clock time: 500ms, 30s, 2m, 1h, 1m30s, or none. Default: none for run; 60s for each input of repl and each test of test.",
                                            valueName: "time"))
    var timeout: String?

    @Option(name: .long, help: "The time the script sees, as 2026-11-28T09:30 (default: now).")
    var now: String?

    @Flag(name: .long, help: "Show private fields instead of masking them.")
    var reveal = false

    @Option(name: .long, help: "Who is running the script, for the ledger (default: the operating-system user).")
    var `operator`: String?

    @Option(name: .long, help: "The time zone the clock is read in; days, weeks and months follow it.")
    var timeZone: String = "Asia/Shanghai"

    /// The options of a run; `defaultTimeout` is the command's time limit when `--timeout` is not given.
    func runOptions(defaultTimeout: Duration? = nil) throws -> RunOptions {
        guard TimeZone(identifier: timeZone) != nil else {
            printError("civic: unknown time zone '\(timeZone)' (write it as Asia/Shanghai)")
            throw ExitCode(ExitStatus.usage)
        }
        let limits = Limits(maxSteps: maxSteps, maxDepth: maxDepth, maxMemory: try memoryLimit(),
                            timeout: try timeout.map(timeLimit) ?? defaultTimeout)
        var options = RunOptions(limits: limits, timeZone: timeZone, reveal: reveal, operatorName: `operator`)
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

    /// `--max-memory` in bytes (nil: none); bad usage without a unit, or below 1 MB.
    func memoryLimit() throws -> Int? {
        guard let size = LimitText.size(maxMemory) else {
            printError("civic: --max-memory takes a size with its unit, such as 512MB or 2GiB (or none), not '\(maxMemory)'")
            throw ExitCode(ExitStatus.usage)
        }
        if let bytes = size, bytes < 1_000_000 {
            printError("civic: --max-memory must be at least 1MB")
            throw ExitCode(ExitStatus.usage)
        }
        return size
    }

    /// `--timeout` (nil: none); bad usage without a unit, or below 1 ms.
    func timeLimit(_ text: String) throws -> Duration? {
        guard let time = LimitText.duration(text) else {
            printError("civic: --timeout takes a time with its unit, such as 30s, 2m or 1h (or none), not '\(text)'")
            throw ExitCode(ExitStatus.usage)
        }
        if let time, time < .milliseconds(1) {
            printError("civic: --timeout must be at least 1ms")
            throw ExitCode(ExitStatus.usage)
        }
        return time
    }
}

/// The store a command works on: `--db PATH` (a SQLite file) or `--db
/// postgres://...` (a community on a PostgreSQL server), else the `CIVIC_DB`
/// environment variable, else memory.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store to run against: a SQLite file (created if missing) or a PostgreSQL URL, postgres://USER@HOST:PORT/DATABASE?community=NAME. Without it, CIVIC_DB names the store; without either, the store is in memory and kept only for the run.",
        valueName: "FILE|URL"))
    var db: String?

    /// Lets go of a store `open` gave: a SQLite file whole (see
    /// `SQLiteStore.close`), a PostgreSQL connection ended.
    static func close(_ store: Store) {
        (store as? SQLiteStore)?.close()
        (store as? PostgresStore)?.close()
    }

    /// The store named by `--db` or by `CIVIC_DB`, if any.
    var location: String? {
        if let db { return db }
        guard let env = ProcessInfo.processInfo.environment["CIVIC_DB"], !env.isEmpty else { return nil }
        return env
    }

    /// Whether the store is on a PostgreSQL server.
    var isPostgres: Bool { location.map(PostgresLocation.isURL) ?? false }

    func open() throws -> Store {
        guard let location else { return MemoryStore() }
        do {
            if PostgresLocation.isURL(location) { return try PostgresStore(url: location) }
            return try SQLiteStore(path: location)
        } catch {
            printError("civic: \(error)" + (error.hint.map { "\n  hint: \($0)" } ?? ""))
            throw ExitCode(ExitStatus.usage)
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Check a script and, if it has no errors, run it as one transaction."
    )

    @Argument(help: "The script to run.")
    var file: String

    @OptionGroup var store: StoreOptions
    @OptionGroup var limits: RunLimitsOptions

    @Option(name: .long, help: "text (tables for people) or json (one JSON document, for programs).")
    var format: OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("Apply the events of a file after the script, in order: TYPE=FILE (CSV or JSON). Repeatable.",
                                            valueName: "TYPE=FILE"))
    var events: [String] = []

    func run() throws {
        let source = try readScript(file)
        var options = try limits.runOptions()
        for spec in events {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                printError("civic: --events takes TYPE=FILE, as in --events HazardReport=reports.csv")
                throw ExitCode(ExitStatus.usage)
            }
            guard FileManager.default.fileExists(atPath: parts[1]) else {
                printError("civic: no such file: \(parts[1])")
                throw ExitCode(ExitStatus.usage)
            }
            options.events.append((parts[0], parts[1]))
        }
        if !events.isEmpty && isatty(STDERR_FILENO) != 0 && format == .text {
            options.progress = { done, total in
                let width = 30
                let filled = total > 0 ? done * width / total : width
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                FileHandle.standardError.write(Data("\r\(bar) \(done)/\(total) events".utf8))
                if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
            }
        }
        if let path = store.db, !FileManager.default.fileExists(atPath: path) {
            // A new store file is made only for a script without errors: a
            // script that cannot run leaves no file behind.
            let checker = Engine(options: options)
            let checked = checker.check(source)
            if !checked.succeeded {
                switch format {
                case .text: printError(checker.render(checked.diagnostics, color: useColor()))
                case .json:
                    let document = JSONCollector(options: FormatOptions(reveal: options.reveal))
                        .document(checked.diagnostics, sources: checker.sources)
                    FileHandle.standardOutput.write(Data((document + "\n").utf8))
                }
                throw ExitCode(ExitStatus.scriptError)
            }
        }
        let opened = try store.open()
        defer { StoreOptions.close(opened) }
        switch format {
        case .text:
            let engine = Engine(options: options, store: opened, lines: { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            })
            let result = engine.run(source)
            if !result.succeeded {
                printError(engine.render(result.diagnostics, color: useColor()))
                throw ExitCode(ExitStatus.scriptError)
            }
            if !events.isEmpty { print(RunCommand.summary(result.stats)) }
        case .json:
            let collected = JSONCollector(options: FormatOptions(reveal: options.reveal))
            let engine = Engine(options: options, store: opened, output: { collected.add($0) })
            let result = engine.run(source)
            let document = collected.document(result.diagnostics, sources: engine.sources)
            FileHandle.standardOutput.write(Data((document + "\n").utf8))
            if !result.succeeded { throw ExitCode(ExitStatus.scriptError) }
        }
    }
}

extension RunCommand {
    /// The summary after events: read, applied, rules fired, awarded, cut.
    static func summary(_ s: RunStats) -> String {
        let read = s.eventsHandled + s.eventsSkipped
        let awarded = s.awarded.keys.sorted().map { "\(s.awarded[$0] ?? .zero) \($0)" }.joined(separator: ", ")
        return [
            "events read: \(read) (\(s.eventsHandled) applied, \(s.eventsSkipped) handled before)",
            "rules fired: \(s.rulesFired)",
            "awarded: \(awarded.isEmpty ? "nothing" : awarded)",
            "awards cut by caps, budgets or limits: \(s.cuts)",
        ].joined(separator: "\n")
    }
}

/// Collects a run's output for `--format json`.
final class JSONCollector: @unchecked Sendable {
    let options: FormatOptions
    private let lock = NSLock()
    private var items: [String] = []

    init(options: FormatOptions) { self.options = options }

    func add(_ item: OutputItem) {
        let json: String
        switch item {
        case .text(let s): json = "{\"print\":\(Value.jsonString(s))}"
        case .value(let v): json = "{\"show\":\(v.json(options))}"
        }
        lock.withLock { items.append(json) }
    }

    /// `{"ok": ..., "output": [...], "errors": [...]}`
    func document(_ diagnostics: [Diagnostic], sources: SourceMap) -> String {
        let errors = diagnostics.map { d -> String in
            let file = sources.file(d.span.file)
            let (line, column) = file?.location(of: d.span.start) ?? (0, 0)
            var fields = ["\"message\":\(Value.jsonString(d.message))"]
            if let file { fields += ["\"file\":\(Value.jsonString(file.name))", "\"line\":\(line)", "\"column\":\(column)"] }
            if let hint = d.hint { fields.append("\"hint\":\(Value.jsonString(hint))") }
            return "{" + fields.joined(separator: ",") + "}"
        }
        let output = lock.withLock { items }
        return "{\"ok\":\(diagnostics.isEmpty),\"output\":[\(output.joined(separator: ","))],\"errors\":[\(errors.joined(separator: ","))]}"
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
