import ArgumentParser
import Civic
import Foundation

struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Explore a store and try rules interactively: each input runs at once, and a mistake changes nothing.",
        discussion: """
        Loads the files given (their declarations and statements), then reads input: \
        on a terminal with line editing, history (~/.civic_history) and Tab completion; \
        piped, without prompts, one statement at a time. With --db, what the session \
        changes is kept on :commit or when it ends normally (:quit, Ctrl-D, end of input). \
        Type :help inside for the commands. Exit status: 1 if any input failed.
        """
    )

    @Argument(help: "Scripts to load first, in order.")
    var files: [String] = []

    @OptionGroup var store: StoreOptions
    @OptionGroup var limits: RunLimitsOptions

    /// The time limit of each input when `--timeout` is not given.
    static let defaultTimeout = Duration.seconds(60)

    func run() throws {
        var paths: [String] = []
        for path in files {
            _ = try readScript(path)  // exits with 2 when it is missing or a folder
            paths.append(path)
        }
        var options = try limits.runOptions(defaultTimeout: ReplCommand.defaultTimeout)
        options.interruption = replInterruption
        let opened = try store.open()
        let terminal = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
        let editor: LineSource = terminal ? ReadlineEditor() : PipedLines()
        let repl = Repl(options: options, store: opened, keepsChanges: store.location != nil, editor: editor, files: paths)
        let failed = repl.run()
        StoreOptions.close(opened)
        if failed { throw ExitCode(ExitStatus.scriptError) }
    }
}
