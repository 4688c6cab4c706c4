import Civic

/// What Tab offers at the REPL's prompt: meta-commands, help topics, file
/// names after `:load`, and otherwise what the session knows.
final class Completer {
    /// What completion should offer.
    enum Candidates: Equatable {
        case names([String])
        /// File names, as readline finds them.
        case files
    }

    let repl: Repl

    init(repl: Repl) { self.repl = repl }

    /// Candidates for `word`; `lineBefore` is the line up to the word,
    /// `quoted` whether the word is inside quotes.
    func candidates(word: String, lineBefore: String, quoted: Bool) -> Candidates {
        let session = repl.session
        if repl.pending.isEmpty {
            if lineBefore.isEmpty, word.hasPrefix(":") {
                return .names(MetaCommand.names.filter { $0.hasPrefix(word) })
            }
            if lineBefore.hasPrefix(":") {
                let command = lineBefore.split(separator: " ").first.map(String.init) ?? ""
                switch MetaCommand(command) {
                case .load?:
                    return .files
                case .help?:
                    let topics = HelpTopic.all.map(\.name) + MetaCommand.names + Builtins.names
                    return .names(Array(Set(topics.filter { $0.hasPrefix(word) })).sorted())
                case .explain?:
                    let rest = lineBefore.dropFirst(command.count)
                    return .names(session.completions(of: word, after: "explain" + rest, inText: quoted))
                default:
                    return .names([])
                }
            }
        }
        let before = repl.pending.isEmpty ? lineBefore : repl.pending + "\n" + lineBefore
        return .names(session.completions(of: word, after: before, inText: quoted))
    }
}
