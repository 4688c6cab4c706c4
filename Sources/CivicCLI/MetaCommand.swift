import Civic

/// The REPL's own commands, typed with a colon at the start of an input.
enum MetaCommand: String, CaseIterable {
    case help, load, schema, rules, explain, time, reset, commit, rollback, quit

    /// The command a word names: `:help`, or a short form (`:h`, `:q`, `:exit`).
    init?(_ word: String) {
        guard word.hasPrefix(":") else { return nil }
        let name = String(word.dropFirst())
        switch name {
        case "h", "?": self = .help
        case "q", "exit": self = .quit
        default:
            guard let command = MetaCommand(rawValue: name) else { return nil }
            self = command
        }
    }

    /// Every command as typed: `:help`, `:load`, ...
    static let names = allCases.map { ":" + $0.rawValue }

    /// How the command is typed.
    var usage: String {
        switch self {
        case .help: return ":help [TOPIC]"
        case .load: return ":load FILE"
        case .explain: return ":explain EXPR"
        default: return ":" + rawValue
        }
    }

    /// What it does.
    var summary: String {
        switch self {
        case .help: return "this help, or help on a statement (:help rule) or a function (:help round)"
        case .load: return "run a file as 'civic run' would: its declarations hold from then on"
        case .schema: return "the entities, events and accounts, with their fields"
        case .rules: return "the rules in force, in the order they fire"
        case .explain: return "where a balance comes from, or why a decision goes as it does"
        case .time: return "show how long each input takes (again to stop)"
        case .reset: return "start afresh: drop what is not committed, forget every declaration"
        case .commit: return "keep in the store what the session has changed so far"
        case .rollback: return "drop the changes since the last commit"
        case .quit: return "leave; changes are kept (:rollback first to drop them). Ctrl-D too"
        }
    }

    /// What `:help` shows.
    static var overview: String {
        let width = allCases.map(\.usage.count).max() ?? 0
        let commands = allCases.map { "  " + $0.usage.padding(toLength: width + 3, withPad: " ", startingAt: 0) + $0.summary }
        return """
        Type Civic: each input runs as soon as it is complete, and a bare expression shows its value
        (a query as a table). An open {, ( or [, or a line that stops where more must come, goes on
        to the next line; an empty line there runs what is typed. A mistake changes nothing.
        Tab completes names, fields after '.' and in 'where'; Up and Down recall earlier inputs;
        Ctrl-C drops the input being typed, or stops the input that runs; Ctrl-D leaves.

        Commands:
        \(commands.joined(separator: "\n"))

        Topics (:help TOPIC), and every built-in function (:help round):
        \(wrapped(HelpTopic.all.map(\.name), width: 90))
        """
    }

    /// Words in lines of at most `width` characters, indented by two spaces.
    static func wrapped(_ words: [String], width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in words {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append("  " + line)
                line = ""
            }
            line += line.isEmpty ? word : " " + word
        }
        if !line.isEmpty { lines.append("  " + line) }
        return lines.joined(separator: "\n")
    }
}
