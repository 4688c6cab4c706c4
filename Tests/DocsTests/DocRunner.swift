import Foundation
import Civic

// Runs the blocks of one document, top to bottom, in a folder of its own, as
// a reader following it would. The convention is in DocsTests.swift.

/// The package's root folder (three levels above this file).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `civic` executable the blocks run: CIVIC_BINARY if set, otherwise the
/// one built beside the test bundle (the same build, whatever its scratch path).
let civicExecutable: URL = {
    if let path = ProcessInfo.processInfo.environment["CIVIC_BINARY"], !path.isEmpty {
        return URL(fileURLWithPath: path)
    }
    var candidates: [URL] = []
    for argument in CommandLine.arguments.prefix(1) + [Bundle.main.bundlePath] {
        var url = URL(fileURLWithPath: argument).standardizedFileURL
        // The bundle may be a folder (…/CivicPackageTests.xctest/…) or an executable of that name.
        while url.pathComponents.count > 1 {
            if url.lastPathComponent.hasSuffix(".xctest") { candidates.append(url.deletingLastPathComponent().appendingPathComponent("civic")) }
            url.deleteLastPathComponent()
        }
    }
    candidates.append(packageRoot.appendingPathComponent(".build/debug/civic"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[candidates.count - 1]
}()

/// The clock of a `civic` block that does not set one with `--now`.
let docsClock = "2026-11-28T09:00"

/// What happened to a document's blocks.
struct DocReport {
    var run = 0
    var marked = 0
    var problems: [String] = []
}

final class DocRunner {
    let document: String
    let folder: URL
    let home: URL
    let bin: URL
    private let scratch: URL
    var report = DocReport()
    /// The last `civic` script run, for the `output` blocks after it.
    private var lastScript: (block: DocBlock, output: [String])?
    /// Files written from named blocks, by name: the block and its text.
    private(set) var files: [(name: String, block: DocBlock)] = []
    private var examplesCopied = false

    init(document: String) throws {
        self.document = document
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("civic-docs-\(UUID().uuidString)")
        folder = scratch.appendingPathComponent("work")
        home = scratch.appendingPathComponent("home")
        bin = scratch.appendingPathComponent("bin")
        for url in [folder, home, bin] { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("civic"), withDestinationURL: civicExecutable)
    }

    deinit { try? FileManager.default.removeItem(at: scratch) }

    func problem(_ block: DocBlock, _ message: String) {
        report.problems.append("\(block): \(message)")
    }

    /// Runs every block in order; then checks that every file a block wrote is used later.
    func run(_ blocks: [DocBlock]) {
        for block in blocks { run(block) }
        for (i, file) in files.enumerated() {
            let later = blocks.filter { $0.line > file.block.line }
            // `civic test` without a path runs every script of the folder.
            let testsAll = file.name.hasSuffix(".civic") && later.contains { block in
                block.language == "console" && block.lines.contains { $0 == "$ civic test" || $0.hasPrefix("$ civic test --") }
            }
            let usedLater = testsAll || later.contains { $0.text.contains(file.name) }
            if !usedLater && !files[(i + 1)...].contains(where: { $0.name == file.name }) {
                problem(file.block, "the file \(file.name) is never used by a block after it: show the command that uses it")
            }
        }
    }

    func run(_ block: DocBlock) {
        switch block.mark {
        case .notRun?:
            report.marked += 1
            return
        case .compiled(let path)?:
            report.run += 1
            checkCompiled(block, in: path)
            return
        case nil:
            break
        }
        report.run += 1
        switch block.language {
        case "civic":
            if let name = block.options.first, name.hasSuffix(".civic") {
                writeFile(name, block)
                if block.options.count > 1 { problem(block, "a file block takes its name only") }
                let claims = block.lines.map(CivicLine.init).filter { $0.prints && $0.comment != nil }
                if !claims.isEmpty {
                    problem(block, "a comment on a 'print' line of a file is not checked: show the output of the command that runs it instead")
                }
            } else {
                runScript(block)
            }
        case "csv", "json":
            guard let name = block.options.first, block.options.count == 1 else {
                problem(block, "a \(block.language) block is a file: give its name after the language (```\(block.language) data/residents.\(block.language))")
                return
            }
            writeFile(name, block)
        case "output":
            compareOutput(block)
        case "console":
            runTranscript(block)
        default:
            report.run -= 1
            problem(block, "a block in '\(block.language.isEmpty ? "no language" : block.language)' is neither run nor marked: make it a civic, output, console, csv or json block, or put <!-- not run: REASON --> above it")
        }
    }

    // MARK: Files

    func writeFile(_ name: String, _ block: DocBlock) {
        guard !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else {
            problem(block, "a file's name is a path inside the document's folder, not \(name)")
            return
        }
        let url = folder.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(block.text.utf8).write(to: url)
            files.append((name, block))
        } catch {
            problem(block, "cannot write \(name): \(error)")
        }
    }

    // MARK: Scripts

    /// The arguments of `civic run` for a block: its options, and the documents' clock unless it sets one.
    func runArguments(_ name: String, _ block: DocBlock) -> [String] {
        var arguments = ["run", name] + block.options
        if !block.options.contains("--now") { arguments += ["--now", docsClock] }
        return arguments
    }

    func runScript(_ block: DocBlock) {
        let name = "docs-example-\(block.line).civic"
        let url = folder.appendingPathComponent(name)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            try Data(block.text.utf8).write(to: url)
            let ran = try runCivic(runArguments(name, block))
            guard ran.status == 0 else {
                problem(block, "the script failed (exit status \(ran.status)):\n\(ran.stderr)")
                lastScript = nil
                return
            }
            if !ran.stderr.isEmpty { problem(block, "the script wrote to standard error:\n\(ran.stderr)") }
            let output = lines(of: ran.stdout)
            lastScript = (block, output)
            try checkComments(block, name: name)
        } catch {
            problem(block, "\(error)")
        }
    }

    /// Checks the comment after every line that prints: it starts with what
    /// the statements that start on that line printed (several lines joined
    /// with ", "), then ends or goes on with ":" or " (". A leading "e.g. " is
    /// allowed, for values that depend on the clock.
    ///
    /// To know which statement printed what, the script is run again with a
    /// marker printed after every statement, at every depth.
    func checkComments(_ block: DocBlock, name: String) throws {
        let parsed = block.lines.map(CivicLine.init)
        let claims = parsed.indices.filter { parsed[$0].prints && parsed[$0].comment != nil }
        guard !claims.isEmpty else { return }
        let bytes = [UInt8](block.text.utf8)
        let file = SourceFile(name: name, bytes: bytes)
        let (program, diagnostics) = Parser.parse(file, fileID: 0)
        guard diagnostics.isEmpty else {
            problem(block, "the script ran but does not parse alone")
            return
        }
        // Every statement after which a marker can be printed, with its depth.
        var statements: [(statement: Stmt, depth: Int)] = []
        func collect(_ list: [Stmt], depth: Int) {
            for statement in list {
                switch statement.kind {
                case .return, .break, .continue: continue
                default: statements.append((statement, depth))
                }
                if case .explain = statement.kind { continue }
                for inner in statement.blocks { collect(inner, depth: depth + 1) }
            }
        }
        collect(program.statements, depth: 0)
        let marker = "@@docs-statement-end-"
        var marked = bytes
        // From the end backwards; where two statements end together, the outer one's marker comes last.
        let order = statements.indices.sorted {
            (statements[$0].statement.span.end, -statements[$0].depth) > (statements[$1].statement.span.end, -statements[$1].depth)
        }
        for k in order {
            marked.insert(contentsOf: Array(";print \"\(marker)\(k)\"".utf8), at: statements[k].statement.span.end)
        }
        let url = folder.appendingPathComponent("marked-" + name)
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(marked).write(to: url)
        let ran = try runCivic(runArguments("marked-" + name, block))
        guard ran.status == 0 else {
            problem(block, "the script with a marker after each statement failed:\n\(ran.stderr)")
            return
        }
        // What each line printed: the output before a statement's marker belongs to the line it starts on.
        var printedBy: [Int: [String]] = [:]
        var pending: [String] = []
        for line in lines(of: ran.stdout) {
            if line.hasPrefix(marker), let k = Int(line.dropFirst(marker.count)), statements.indices.contains(k) {
                printedBy[file.location(of: statements[k].statement.span.start).line, default: []] += pending
                pending = []
            } else {
                pending.append(line)
            }
        }
        for index in claims {
            let printed = printedBy[index + 1] ?? []
            var claim = parsed[index].comment ?? ""
            if claim.hasPrefix("e.g. ") { claim.removeFirst(5) }
            let actual = printed.joined(separator: ", ")
            let holds = !printed.isEmpty && (claim == actual || claim.hasPrefix(actual + ":") || claim.hasPrefix(actual + " ("))
            if !holds {
                let shown = printed.isEmpty ? "nothing" : "'\(actual)'"
                problem(block, "line \(index + 1) of the block prints \(shown), but its comment says '# \(parsed[index].comment ?? "")'")
            }
        }
    }

    func compareOutput(_ block: DocBlock) {
        guard let (script, output) = lastScript else {
            problem(block, "an output block needs a civic block above it that ran")
            return
        }
        let expected = trimmedLines(block.lines)
        let actual = trimmedLines(output)
        let part: [String]
        switch block.options {
        case []: part = actual
        case ["first"]: part = Array(actual.prefix(expected.count))
        case ["last"]: part = Array(actual.suffix(expected.count))
        default:
            problem(block, "an output block takes 'first' or 'last', or nothing")
            return
        }
        if part != expected {
            problem(block, "the output of the script at line \(script.line) differs:\n--- the document says\n\(expected.joined(separator: "\n"))\n--- the script printed\n\(actual.joined(separator: "\n"))")
        }
    }

    // MARK: Transcripts

    func runTranscript(_ block: DocBlock) {
        var i = 0
        let lines = block.lines
        while i < lines.count {
            guard lines[i].hasPrefix("$ ") else {
                problem(block, "a console block starts with a command ('$ civic ...'); found '\(lines[i])'")
                return
            }
            var command = String(lines[i].dropFirst(2))
            i += 1
            if let delimiter = heredoc(command) {
                while i < lines.count, lines[i] != delimiter { command += "\n" + lines[i]; i += 1 }
                command += "\n" + delimiter
                i += 1
            }
            var expected: [String] = []
            while i < lines.count, !lines[i].hasPrefix("$ ") { expected.append(lines[i]); i += 1 }
            var input: String?
            if command.hasPrefix("civic repl"), !command.contains("<") {
                (input, expected) = replInput(expected)
            }
            do {
                if command.contains("examples/") { try copyExamples() }
                let ran = try shell(command, input: input)
                let actual = trimmedLines(self.lines(of: ran.output))
                if !matches(trimmedLines(expected), actual) {
                    problem(block, "'\(command.split(separator: "\n")[0])' printed something else:\n--- the document says\n\(trimmedLines(expected).joined(separator: "\n"))\n--- civic printed\n\(actual.joined(separator: "\n"))")
                }
                let shouldFail = expected.contains { $0.contains("error") }
                if shouldFail != (ran.status != 0) {
                    problem(block, "'\(command.split(separator: "\n")[0])' exited with \(ran.status): a command whose output says no \"error\" must succeed, and one whose output says \"error\" must fail")
                }
            } catch {
                problem(block, "\(error)")
            }
        }
    }

    /// The inputs typed at the prompts of a `civic repl` transcript, and the
    /// lines it printed. Notes after `←` are the reader's, not typed; the
    /// lines before the first prompt are the greeting civic shows only at a
    /// terminal, so they are not compared when the input is piped.
    func replInput(_ lines: [String]) -> (String, [String]) {
        var input = ""
        var printed: [String] = []
        var seenPrompt = false
        for line in lines {
            var typed: Substring?
            if line.hasPrefix("civic> ") { typed = line.dropFirst("civic> ".count) }
            if line.hasPrefix("   ..> ") { typed = line.dropFirst("   ..> ".count) }
            if line == "civic>" || line == "   ..>" { typed = "" }
            if var typed {
                seenPrompt = true
                if let note = typed.range(of: "←") { typed = typed[..<note.lowerBound] }
                input += typed.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
            } else if seenPrompt {
                printed.append(line)
            }
        }
        return (input, printed)
    }

    /// `<<'EOF'` or `<<EOF` in a command: the word that ends the input written after it.
    func heredoc(_ command: String) -> String? {
        guard let range = command.range(of: #"<<-?\s*'?([A-Za-z_]+)'?"#, options: .regularExpression) else { return nil }
        return String(command[range]).replacingOccurrences(of: #"[<\-\s']"#, with: "", options: .regularExpression)
    }

    /// Lines match when equal; a line `...` in the expected lines stands for any lines.
    func matches(_ expected: [String], _ actual: [String]) -> Bool {
        guard let first = expected.first else { return actual.isEmpty }
        if first == "..." {
            let rest = Array(expected.dropFirst())
            return (0...actual.count).contains { matches(rest, Array(actual.dropFirst($0))) }
        }
        guard let head = actual.first, head == first else { return false }
        return matches(Array(expected.dropFirst()), Array(actual.dropFirst()))
    }

    func copyExamples() throws {
        guard !examplesCopied else { return }
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("examples"), to: folder.appendingPathComponent("examples"))
        examplesCopied = true
    }

    // MARK: Swift

    /// A Swift block is run by the test that holds it: every line of the
    /// block is in that file, in the same order.
    func checkCompiled(_ block: DocBlock, in path: String) {
        guard block.language == "swift" else {
            problem(block, "only Swift blocks are compiled by the tests")
            return
        }
        guard let source = try? String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8) else {
            problem(block, "there is no file \(path) in the package")
            return
        }
        var remaining = source.split(separator: "\n", omittingEmptySubsequences: false)[...]
        for line in block.lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let at = remaining.firstIndex(where: { $0 == line }) else {
                problem(block, "the line '\(line)' is not in \(path) (or not in this order): the block must show code the tests compile")
                return
            }
            remaining = remaining[(at + 1)...]
        }
    }

    // MARK: Processes

    struct Ran {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout }
    }

    func lines(of text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    func trimmedLines(_ lines: [String]) -> [String] {
        var out = lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
        while out.last == "" { out.removeLast() }
        return out
    }

    func runCivic(_ arguments: [String]) throws -> Ran {
        try launch(civicExecutable, arguments, input: nil, merged: false)
    }

    /// Runs a command line with sh in the document's folder, `civic` being the
    /// one under test; standard output and error go to one stream, in order.
    func shell(_ command: String, input: String?) throws -> Ran {
        try launch(URL(fileURLWithPath: "/bin/sh"), ["-c", command], input: input, merged: true)
    }

    private func launch(_ executable: URL, _ arguments: [String], input: String?, merged: Bool) throws -> Ran {
        let id = UUID().uuidString
        let outURL = scratch.appendingPathComponent("out-\(id)"), errURL = scratch.appendingPathComponent("err-\(id)")
        let inURL = scratch.appendingPathComponent("in-\(id)")
        defer { for url in [outURL, errURL, inURL] { try? FileManager.default.removeItem(at: url) } }
        try Data((input ?? "").utf8).write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let inHandle = try FileHandle(forReadingFrom: inURL)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = bin.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["HOME"] = home.path
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "CIVIC_BINARY")
        process.environment = env
        process.currentDirectoryURL = folder
        process.standardInput = inHandle
        process.standardOutput = out
        process.standardError = merged ? out : err
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw DocsTimeout(command: ([executable.lastPathComponent] + arguments).joined(separator: " "))
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Ran(status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

struct DocsTimeout: Error, CustomStringConvertible {
    var command: String
    var description: String { "\(command) did not finish within 120 seconds" }
}
