import Foundation

/// What reading a line gave.
enum LineRead: Equatable {
    case line(String)
    /// Ctrl-C: the input being typed is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case end
}

/// Where the REPL's lines come from: a person at a terminal (`ReadlineEditor`)
/// or a pipe (`PipedLines`).
protocol LineSource: AnyObject {
    /// Whether a person is typing: prompts, colours and history then.
    var isInteractive: Bool { get }
    /// Reads a line, showing `prompt` when a person is typing.
    func readLine(prompt: String) -> LineRead
    /// Keeps an input (all its lines) in the history.
    func remember(_ input: String)
    /// Where Tab finds its candidates.
    var completer: Completer? { get set }
}

/// Lines read from standard input when it is not a terminal: no prompts, no
/// escape codes, no history.
final class PipedLines: LineSource {
    var isInteractive: Bool { false }
    var completer: Completer?

    func readLine(prompt: String) -> LineRead {
        guard let line = Swift.readLine(strippingNewline: true) else { return .end }
        return .line(line)
    }

    func remember(_ input: String) {}
}
