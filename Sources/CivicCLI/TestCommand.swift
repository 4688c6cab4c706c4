import ArgumentParser
import Civic
import Foundation

/// `civic test [PATH...]`: runs the `test` blocks of scripts, each on a
/// fresh store with a fixed clock, and reports each failure with its line.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the tests written in scripts: each on a fresh, empty store with a fixed clock.",
        discussion: """
        PATH is a script or a folder (searched, with its subfolders, for .civic files); the default is the current folder. \
        Files without tests are skipped. Each failure is printed with its line, what was found and what was expected; \
        the last line is "N passed, N failed". Exit status 1 if any test failed or a file has an error.
        """
    )

    @Argument(help: "Scripts or folders holding them (default: the current folder).")
    var paths: [String] = []

    @Option(name: .long, help: "Run only the tests whose names contain this text.")
    var filter: String?

    @Flag(name: .long, help: "Run each test on a fresh SQLite store (in memory) instead of the interpreter's own.")
    var sqlite = false

    @Option(name: .long, help: ArgumentHelp(
        "Run each test on a fresh community of this PostgreSQL database (made for the test, dropped after it). CIVIC_DB, when it is a postgres:// URL, does the same.",
        valueName: "URL"))
    var db: String?

    @Flag(name: .long, help: "List every test that passed, and print what each test printed.")
    var verbose = false

    @OptionGroup var limits: RunLimitsOptions

    /// The time limit of each test when `--timeout` is not given.
    static let defaultTimeout = Duration.seconds(60)

    func run() throws {
        if limits.now != nil {
            printError("civic: tests keep their own clock: write 'clock 2026-11-02T09:00' inside the test instead of --now")
            throw ExitCode(ExitStatus.usage)
        }
        let options = try limits.runOptions(defaultTimeout: TestCommand.defaultTimeout)
        let files = try TestCommand.scripts(in: paths.isEmpty ? ["."] : paths)
        let color = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        var passed = 0, failed = 0, broken = 0
        let sqlite = self.sqlite
        let postgres = try postgresURL()
        for path in files {
            let source = try readScript(path)
            let engine = Engine(options: options)
            let report = engine.test(source, filter: filter, makeStore: { () throws(StoreError) -> Store in
                if let postgres { return try PostgresStore.temporary(url: postgres) }
                return sqlite ? try SQLiteStore.inMemory() : MemoryStore()
            })
            if !report.diagnostics.isEmpty {
                broken += 1
                print("\(path): cannot run its tests")
                print(TestCommand.indent(engine.render(report.diagnostics, color: color), by: 2))
                continue
            }
            for result in report.results {
                if result.passed {
                    passed += 1
                    if verbose { print("\(TestCommand.mark("PASS", color: color, green: true)) \(path):\(result.line) \(result.name)") }
                } else {
                    failed += 1
                    print("\(TestCommand.mark("FAIL", color: color, green: false)) \(path):\(result.line) \(result.name)")
                    for failure in result.failures {
                        print(TestCommand.indent(engine.render([failure], color: color), by: 2))
                    }
                }
                if (verbose || !result.passed) && !result.output.isEmpty {
                    print("  it printed:")
                    print(TestCommand.indent(result.output.joined(separator: "\n"), by: 4))
                }
            }
        }
        if files.isEmpty || (passed + failed + broken == 0) {
            print("no tests found in \(paths.isEmpty ? "." : paths.joined(separator: ", "))")
        }
        var summary = "\(passed) passed, \(failed) failed"
        if broken > 0 { summary += ", \(broken) \(broken == 1 ? "file" : "files") with errors" }
        print(summary)
        if failed > 0 || broken > 0 { throw ExitCode(ExitStatus.scriptError) }
    }

    /// The `.civic` files named, and those in the folders named (with their
    /// subfolders, hidden ones and build folders left out), each once, sorted.
    static func scripts(in paths: [String]) throws -> [String] {
        var found: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                printError("civic: no such file or folder: \(path)")
                throw ExitCode(ExitStatus.usage)
            }
            guard isDirectory.boolValue else { found.append(path); continue }
            guard let walk = FileManager.default.enumerator(atPath: path) else { continue }
            var inFolder: [String] = []
            while let relative = walk.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") {
                    walk.skipDescendants()
                    continue
                }
                if name.hasSuffix(".civic") {
                    inFolder.append(path == "." ? relative : (path as NSString).appendingPathComponent(relative))
                }
            }
            found += inFolder.sorted()
        }
        var seen: Set<String> = []
        return found.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted }
    }

    static func indent(_ text: String, by n: Int) -> String {
        let pad = String(repeating: " ", count: n)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }

    static func mark(_ word: String, color: Bool, green: Bool) -> String {
        color ? "\u{1B}[\(green ? "32" : "31");1m\(word)\u{1B}[0m" : word
    }

    /// The PostgreSQL database the tests run in (`--db`, or `CIVIC_DB` when
    /// it is a postgres:// URL), checked before any test runs; nil for none.
    func postgresURL() throws -> String? {
        var url = db
        if url == nil, let env = ProcessInfo.processInfo.environment["CIVIC_DB"], PostgresLocation.isURL(env) { url = env }
        guard let url else { return nil }
        guard PostgresLocation.isURL(url) else {
            printError("civic: civic test runs each test on a fresh store: --db takes a postgres:// URL (--sqlite runs them on SQLite)")
            throw ExitCode(ExitStatus.usage)
        }
        if sqlite {
            printError("civic: give --sqlite or --db, not both")
            throw ExitCode(ExitStatus.usage)
        }
        do {
            // A bad URL, a server that is down: said once, before any test.
            try PostgresStore.temporary(url: url).close()
        } catch {
            printError("civic: \(error)" + (error.hint.map { "\n  hint: \($0)" } ?? ""))
            throw ExitCode(ExitStatus.usage)
        }
        return url
    }
}
