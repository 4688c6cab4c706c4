import Civic
import Foundation

/// The loop of `civic repl`: reads inputs (several lines when a bracket is
/// open), runs each in the session, shows values and errors, and carries out
/// the meta-commands. The session (`Civic.Session`) does the work; this is the
/// terminal's side of it.
final class Repl {
    let session: Session
    let editor: LineSource
    /// The files given on the command line, loaded at the start and after `:reset`.
    let files: [String]
    /// Whether the store is a file (`--db`), whose changes outlive the session.
    let storeIsFile: Bool
    /// The lines typed so far of an input that goes on.
    private(set) var pending = ""
    /// Whether `:time` is on.
    var timing = false
    /// Whether any input failed (the exit status says so).
    var anyFailed = false
    let color: Bool

    static let prompt = "civic> "
    static let continuation = "   ..> "

    init(options: RunOptions, store: Store, keepsChanges: Bool, editor: LineSource, files: [String]) {
        self.session = Session(options: options, store: store, lines: { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        })
        self.editor = editor
        self.files = files
        self.storeIsFile = keepsChanges
        self.color = editor.isInteractive && useColor()
    }

    /// Runs the session to its end; gives back whether it should end with an
    /// error status: when piped, if any input failed (at a terminal, a person
    /// saw each mistake and carried on).
    func run() -> Bool {
        editor.completer = Completer(repl: self)
        start()
        while true {
            switch editor.readLine(prompt: pending.isEmpty ? Repl.prompt : Repl.continuation) {
            case .end:
                finish()
                return anyFailed && !editor.isInteractive
            case .interrupted:
                pending = ""
            case .line(let line):
                if pending.isEmpty, line.trimmingCharacters(in: .whitespaces).hasPrefix(":") {
                    let command = line.trimmingCharacters(in: .whitespaces)
                    editor.remember(command)
                    if !meta(command) {
                        finish()
                        return anyFailed && !editor.isInteractive
                    }
                    continue
                }
                take(line)
            }
        }
    }

    /// Adds a line to the input being typed, and runs the input once it is whole.
    func take(_ line: String) {
        let text = pending.isEmpty ? line : pending + "\n" + line
        switch InputStatus(of: text) {
        case .empty:
            pending = ""
        case .incomplete(let bracketOpen):
            // An empty line after a line that wants more runs the input, to show what is wrong.
            if !bracketOpen, !pending.isEmpty, line.trimmingCharacters(in: .whitespaces).isEmpty {
                submit(text)
            } else {
                pending = text
            }
        case .complete:
            submit(text)
        }
    }

    func submit(_ text: String) {
        pending = ""
        editor.remember(text.trimmingCharacters(in: .whitespacesAndNewlines))
        runInput { session.run(text) }
    }

    /// Runs an input (Ctrl-C meanwhile stops it; a third stops civic), then shows its errors and time.
    func runInput(_ body: () -> InputResult) {
        let result = body()
        if !result.succeeded {
            anyFailed = true
            printError(session.render(result.diagnostics, color: color))
        }
        if timing { note("time: \(Repl.milliseconds(result.duration))") }
    }

    static func milliseconds(_ d: Duration) -> String {
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        return String(format: "%.1f ms", ms)
    }

    // MARK: Start and finish

    func start() {
        if editor.isInteractive {
            note("Civic \(CivicCommand.version) on \(session.storeDescription). :help for help, :quit to leave.")
        }
        switch session.start() {
        case .success(let names):
            if !names.isEmpty && editor.isInteractive { note("From the store: \(names.joined(separator: ", ")).") }
        case .failure(let list):
            anyFailed = true
            printError(session.render(list.diagnostics, color: color))
        }
        loadFiles()
    }

    func loadFiles() {
        for path in files {
            runInput { session.load(path: path) }
        }
    }

    /// Ends the session normally: runs what is still typed, keeps the changes, says so.
    func finish() {
        if !pending.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            submit(pending)
        }
        let changed = session.hasUncommittedWork
        switch session.end(keep: true) {
        case .success:
            if storeIsFile {
                note(changed ? "Kept the changes in \(session.storeDescription)." : "No changes since the last commit; \(session.storeDescription) is as it was left.")
            } else if editor.isInteractive {
                note("The store was in memory: nothing is kept (civic repl --db FILE keeps changes).")
            }
        case .failure(let list):
            anyFailed = true
            printError(session.render(list.diagnostics, color: color))
        }
    }

    /// Session talk (not script output): on the terminal, or on standard error when piped.
    func note(_ text: String) {
        if editor.isInteractive {
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        } else {
            printError(text)
        }
    }

    /// What a meta-command asks for: on standard output.
    func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    func fail(_ message: String) {
        anyFailed = true
        printError("error: " + message)
    }
}
