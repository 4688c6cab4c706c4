import Foundation
import Testing

/// A `civic` command running in a real terminal: a tmux pane of its own
/// (a tmux server on a socket of its own), driven key by key like a person
/// would, and read back as the screen shows it (escape codes applied).
///
/// Nothing is timed: each step waits until the screen shows what it should,
/// and fails only after a generous timeout.
final class TmuxTerminal {
    /// The tmux server's socket name, one per terminal.
    let socket = "civic-test-\(UUID().uuidString.prefix(8))"
    let tmux: String

    /// Whether tmux is installed (the tests need it; .ci/run installs it).
    static var tmuxPath: String? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `civic ARGUMENTS` in `folder`, with HOME at `home` (so ~/.civic_history goes there).
    init(_ arguments: [String], in folder: URL, home: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        tmux = try #require(TmuxTerminal.tmuxPath, "tmux is needed for the terminal tests", sourceLocation: sourceLocation)
        try #require(FileManager.default.isExecutableFile(atPath: civicBinary.path),
                     "no civic binary at \(civicBinary.path): run 'swift build' first, or set CIVIC_BINARY", sourceLocation: sourceLocation)
        let command = ([civicBinary.path] + arguments).map(TmuxTerminal.quoted).joined(separator: " ")
        // The pane stays after civic ends (remain-on-exit), showing its exit status.
        let script = "cd \(TmuxTerminal.quoted(folder.path)) && env HOME=\(TmuxTerminal.quoted(home.path)) LANG=C.UTF-8 LC_ALL=C.UTF-8 "
            + "NO_COLOR=1 TERM=xterm-256color \(command); echo \"[civic exited with $?]\""
        try startServer(["start-server", ";", "set-option", "-g", "remain-on-exit", "on", ";",
                         "new-session", "-d", "-x", "120", "-y", "50", script])
    }

    /// Starts the tmux server. It lives on after the test's process hands it
    /// over, so it must take nothing of the test's with it: not the signals the
    /// test's threads block (tmux, and civic in it, would never see Ctrl-C or
    /// be stopped), nor open files (among them the one by which Foundation sees
    /// a child end). So it is spawned by hand, with no signal blocked, through
    /// bash, which closes every descriptor above 2 (dash cannot close those above 9).
    func startServer(_ arguments: [String]) throws {
        let closeAndStart = "for f in /proc/$$/fd/*; do n=${f##*/}; if [ \"$n\" -gt 2 ]; then eval \"exec $n>&-\"; fi; done 2>/dev/null; exec \"$0\" \"$@\""
        let argv = ["/bin/bash", "-c", closeAndStart, tmux, "-L", socket, "-f", "/dev/null"] + arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TMUX")
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var files = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&files)
        defer { posix_spawn_file_actions_destroy(&files) }
        for fd in Int32(0)...2 {
            posix_spawn_file_actions_addopen(&files, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/bash", &files, &attributes, cArguments, cEnvironment)
        guard spawned == 0 else { throw Timeout(description: "tmux could not be started (error \(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    deinit {
        _ = try? run(["kill-server"], output: false)
    }

    static func quoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs tmux on this terminal's server; gives back what it printed.
    @discardableResult
    func run(_ arguments: [String], output: Bool = true) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tmux)
        process.arguments = ["-L", socket, "-f", "/dev/null"] + arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "TMUX")
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard output else {
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return ""
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Types text as it is (no key names).
    func type(_ text: String) throws {
        try run(["send-keys", "-t", "0", "-l", text])
    }

    /// Presses keys by name: Enter, Tab, Up, Left, BSpace, C-c, C-d, ...
    func press(_ keys: String...) throws {
        try run(["send-keys", "-t", "0"] + keys)
    }

    /// Types a line and presses Enter.
    func enter(_ line: String) throws {
        try type(line)
        try press("Enter")
    }

    /// Everything the pane has shown, scrolled-off lines included; wrapped lines joined.
    func screen() throws -> String {
        try run(["capture-pane", "-p", "-J", "-S", "-", "-t", "0"])
    }

    /// The line the cursor is on, as shown.
    func currentLine() throws -> String {
        let y = try run(["display-message", "-p", "-t", "0", "#{cursor_y}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let lines = try run(["capture-pane", "-p", "-t", "0"]).components(separatedBy: "\n")
        guard let row = Int(y), row < lines.count else { return "" }
        return lines[row]
    }

    /// Waits until the screen shows `text` at least `count` times; gives back the screen.
    @discardableResult
    func waitFor(_ text: String, count: Int = 1, seconds: Double = 60,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var shown = ""
        while Date() < deadline {
            shown = try screen()
            if shown.components(separatedBy: text).count - 1 >= count { return shown }
            usleep(20_000)
        }
        Issue.record("the terminal did not show \(text.debugDescription) \(count) time(s) within \(Int(seconds)) s; it shows:\n\(shown)",
                     sourceLocation: sourceLocation)
        throw Timeout(description: "waiting for \(text)")
    }

    /// Waits until the line the cursor is on reads `text` (after trailing blanks are dropped).
    func waitForLine(_ text: String, seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try waitForLine([text], seconds: seconds, sourceLocation: sourceLocation)
    }

    /// Waits until the line the cursor is on reads one of `texts` (after trailing blanks are dropped).
    func waitForLine(_ texts: [String], seconds: Double = 60, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var line = ""
        while Date() < deadline {
            line = try currentLine()
            if texts.contains(line.trimmingSuffixBlanks()) { return }
            usleep(20_000)
        }
        Issue.record("the cursor's line reads \(line.debugDescription), not \(texts.map(\.debugDescription).joined(separator: " or "))",
                     sourceLocation: sourceLocation)
        throw Timeout(description: "waiting for the line \(texts)")
    }

    /// How many times the screen shows `text` now.
    func count(_ text: String) throws -> Int {
        try screen().components(separatedBy: text).count - 1
    }

    /// Waits for civic to end; gives back its exit status.
    func waitForExit(sourceLocation: SourceLocation = #_sourceLocation) throws -> Int32 {
        let shown = try waitFor("[civic exited with ", sourceLocation: sourceLocation)
        let tail = shown.components(separatedBy: "[civic exited with ").last ?? ""
        return Int32(tail.prefix { $0.isNumber }) ?? -1
    }
}

extension String {
    func trimmingSuffixBlanks() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
