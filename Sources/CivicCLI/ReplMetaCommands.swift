import Civic
import Foundation

/// Carrying out the meta-commands (`:help`, `:load`, ...).
extension Repl {
    /// Runs a meta-command line; false when the session should end.
    func meta(_ line: String) -> Bool {
        let word = String(line.prefix { !$0.isWhitespace })
        let argument = line.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
        guard let command = MetaCommand(word) else {
            let hint = Suggestions.hint(for: word, in: MetaCommand.names).map { " (\($0))" } ?? ""
            fail("unknown command '\(word)'\(hint); :help lists the commands")
            return true
        }
        switch command {
        case .help:
            help(argument)
        case .load:
            let path = argument.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard !path.isEmpty else { fail("write the file to load: :load FILE"); break }
            guard FileManager.default.fileExists(atPath: path) else { fail("no such file: \(path)"); break }
            runInput { session.load(path: path) }
        case .schema:
            say(session.schemaText())
        case .rules:
            say(session.rulesText())
        case .explain:
            guard !argument.isEmpty else { fail("write what to explain: :explain zhang.points"); break }
            runInput { session.run("explain " + argument) }
        case .time:
            switch argument {
            case "on": timing = true
            case "off": timing = false
            case "": timing.toggle()
            default: fail(":time takes on, off, or nothing"); return true
            }
            note(timing ? "Each input's time is shown." : "Times are not shown.")
        case .reset:
            switch session.reset() {
            case .success(let names):
                note("Started afresh: what was not committed is dropped, and every declaration forgotten"
                     + (names.isEmpty ? "." : "; from the store: \(names.joined(separator: ", "))."))
            case .failure(let list):
                anyFailed = true
                printError(session.render(list.diagnostics, color: color))
            }
            loadFiles()
        case .commit:
            switch session.commit() {
            case .success: note("Committed: the changes so far are kept in \(session.storeDescription).")
            case .failure(let list):
                anyFailed = true
                printError(session.render(list.diagnostics, color: color))
            }
        case .rollback:
            switch session.rollback() {
            case .success: note("Rolled back: the changes since the last commit are dropped.")
            case .failure(let list):
                anyFailed = true
                printError(session.render(list.diagnostics, color: color))
            }
        case .quit:
            return false
        }
        return true
    }

    /// `:help`, `:help TOPIC`, `:help :command`.
    func help(_ topic: String) {
        if topic.isEmpty {
            say(MetaCommand.overview)
            return
        }
        if let command = MetaCommand(topic) ?? MetaCommand(":" + topic), HelpTopic.named(topic) == nil {
            say("\(command.usage)   \(command.summary)")
            return
        }
        guard let found = HelpTopic.named(topic) else {
            let known = HelpTopic.all.flatMap { [$0.name] + $0.aliases } + Builtins.names
            let hint = Suggestions.hint(for: topic, in: known).map { " (\($0))" } ?? ""
            fail("no help on '\(topic)'\(hint); :help lists the topics")
            return
        }
        let example = found.example.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        say("\(found.name): \(found.summary)\n\nExample:\n\(example)")
    }
}
