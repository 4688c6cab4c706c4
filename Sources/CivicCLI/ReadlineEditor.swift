@preconcurrency import CReadline
import Civic
import Foundation

// GNU readline for `civic repl` at a terminal: line editing, history kept in
// ~/.civic_history, Tab completion, Ctrl-C dropping the input being typed.
//
// Readline is driven through its callback interface with our own poll loop,
// so that Ctrl-C (a signal whose handler only sets a flag) can end a read
// cleanly. Readline calls back through C function pointers, so what they need
// lives in the globals below; there is one editor per process.

/// What Ctrl-C while an input runs asks of the run: to stop (the session's
/// `RunOptions.interruption`). Made before the handler is installed.
let replInterruption = Interruption()
/// Set by the SIGINT handler while a line is read.
nonisolated(unsafe) private var interruptFlag: sig_atomic_t = 0
/// Whether a line is being read. Otherwise an input runs (or is about to):
/// Ctrl-C then stops it; a second warns, and a third stops civic (for an
/// input busy where the run does not look, such as a long query of the store).
nonisolated(unsafe) private var reading: sig_atomic_t = 0
nonisolated(unsafe) private var interruptsWhileRunning: sig_atomic_t = 0
/// Written by the SIGINT handler, made before any signal can come.
nonisolated(unsafe) private var runningNote: [UInt8] = []
/// The line the callback interface handed over, and whether it did.
nonisolated(unsafe) private var receivedLine: UnsafeMutablePointer<CChar>?
nonisolated(unsafe) private var lineDone = false
/// What Tab completes from, and the matches being handed to readline.
nonisolated(unsafe) private var activeCompleter: Completer?
nonisolated(unsafe) private var pendingMatches: [String] = []
nonisolated(unsafe) private var matchIndex = 0

private func onInterrupt(_ signal: Int32) {
    if reading != 0 {
        interruptFlag = 1
    } else {
        interruptsWhileRunning += 1
        replInterruption.request()
        if interruptsWhileRunning >= 3 { _exit(130) }
        if interruptsWhileRunning == 2 {
            runningNote.withUnsafeBufferPointer { buffer in
                _ = write(STDERR_FILENO, buffer.baseAddress, buffer.count)
            }
        }
    }
}

private func onLine(_ line: UnsafeMutablePointer<CChar>?) {
    receivedLine = line
    lineDone = true
    // The line is taken: from here Ctrl-C is for the input it makes.
    reading = 0
    // No more input until the next read: what is typed meanwhile waits in the terminal.
    rl_callback_handler_remove()
}

private func nextMatch(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 { matchIndex = 0 }
    guard matchIndex < pendingMatches.count else { return nil }
    defer { matchIndex += 1 }
    return strdup(pendingMatches[matchIndex])
}

private func complete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1
    guard let text, let completer = activeCompleter else { return nil }
    let word = String(cString: text)
    var before = ""
    if let buffer = rl_line_buffer, start > 0 {
        before = String(decoding: UnsafeRawBufferPointer(start: buffer, count: Int(start)), as: UTF8.self)
    }
    let quoted = rl_completion_quote_character == Int32(UInt8(ascii: "\""))
    switch completer.candidates(word: word, lineBefore: before, quoted: quoted) {
    case .files:
        rl_attempted_completion_over = 0
        return nil
    case .names(let names):
        if names.isEmpty { return nil }
        pendingMatches = names
        return rl_completion_matches(text, nextMatch)
    }
}

/// A person at a terminal, through GNU readline.
final class ReadlineEditor: LineSource {
    var isInteractive: Bool { true }
    /// The history file: ~/.civic_history.
    let historyPath: String
    /// How many inputs the history keeps.
    static let historySize: Int32 = 1000

    var completer: Completer? {
        get { activeCompleter }
        set { activeCompleter = newValue }
    }

    init() {
        setlocale(LC_ALL, "")
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        historyPath = URL(fileURLWithPath: home).appendingPathComponent(".civic_history").path
        _ = replInterruption.isRequested
        runningNote = Array("\n(still running: press Ctrl-C again to stop civic; what is not committed is then dropped)\n".utf8)
        rl_readline_name = UnsafePointer(strdup("civic"))
        rl_catch_signals = 0
        rl_attempted_completion_function = complete
        rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n\"'`@$><=;|&{}()[],.+-*/"))
        rl_completer_quote_characters = UnsafePointer(strdup("\""))
        // The session gives the fields of the entity being queried first: keep its order.
        rl_sort_completion_matches = 0
        using_history()
        stifle_history(ReadlineEditor.historySize)
        // Each input is one entry, however many lines it has: timestamps mark where entries start.
        // (A timestamp line starts with the comment character, which readline leaves unset.)
        history_comment_char = CChar(UInt8(ascii: "#"))
        history_write_timestamps = 1
        history_multiline_entries = 1
        _ = read_history(historyPath)
        // A terminal program owns its signals: whoever started civic may have blocked them.
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGINT, SIGHUP, SIGTERM, SIGWINCH, SIGCONT] { sigaddset(&signals, signal) }
        sigprocmask(SIG_UNBLOCK, &signals, nil)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = onInterrupt
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    func readLine(prompt: String) -> LineRead {
        interruptFlag = 0
        interruptsWhileRunning = 0
        // A Ctrl-C that came after the last input ended is not for the next one.
        replInterruption.clear()
        reading = 1
        defer { reading = 0 }
        lineDone = false
        receivedLine = nil
        rl_callback_handler_install(prompt, onLine)
        while !lineDone {
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, -1)
            if interruptFlag != 0 {
                interruptFlag = 0
                rl_free_line_state()
                rl_callback_sigcleanup()
                rl_replace_line("", 0)
                // "^C" where the cursor is; leaving readline's terminal mode returns to the line's start.
                FileHandle.standardOutput.write(Data("^C".utf8))
                rl_callback_handler_remove()
                FileHandle.standardOutput.write(Data("\n".utf8))
                return .interrupted
            }
            if ready < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .end
            }
            if ready > 0 { rl_callback_read_char() }
        }
        guard let line = receivedLine else {
            // Ctrl-D on an empty line: end the prompt's line.
            FileHandle.standardOutput.write(Data("\n".utf8))
            return .end
        }
        defer { free(line) }
        return .line(String(cString: line))
    }

    func remember(_ input: String) {
        if history_length > 0, let last = history_get(history_base + history_length - 1), let text = last.pointee.line,
           String(cString: text) == input {
            return
        }
        add_history(input)
        _ = write_history(historyPath)
    }

}
