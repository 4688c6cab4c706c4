import ArgumentParser
import Civic
import Foundation

/// `civic fmt [--check] FILE...`: puts scripts in the canonical layout
/// (`SourceFormatter`), in place.
///
/// Each file is handled on its own, so one bad file does not stop the
/// others. Standard output lists the files that were changed (or, with
/// `--check`, would be); syntax errors go to standard error. Exit status:
/// 2 if a file could not be read or written, else 1 if a file has a syntax
/// error or (with `--check`) is not formatted, else 0.
struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Put scripts in Civic's one layout: indentation, spacing, blank lines. Comments are kept.",
        discussion: """
        Rewrites each file that is not already formatted and prints its name. \
        With --check, changes nothing: prints the files that would change and exits with 1 if there are any. \
        A file with a syntax error is not formatted: its errors are shown and the exit status is 1.
        """
    )

    @Flag(name: .long, help: "Change nothing; list the files that are not formatted and exit with 1 if there are any.")
    var check = false

    @Argument(help: "The scripts to format.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one script to format") }
    }

    func run() throws {
        var status: Int32 = 0
        for path in files {
            status = max(status, format(path))
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// Formats one file; returns the exit status it calls for.
    func format(_ path: String) -> Int32 {
        let source: SourceFile
        do {
            source = try readScript(path)
        } catch {
            return ExitStatus.usage
        }
        let sources = SourceMap()
        let id = sources.add(source)
        switch SourceFormatter.format(source, fileID: id) {
        case .failure(let list):
            printError(DiagnosticRenderer(sources: sources, color: useColor()).render(list.diagnostics))
            return ExitStatus.scriptError
        case .success(let formatted):
            if formatted == source.bytes { return 0 }
            if check {
                print(path)
                return ExitStatus.scriptError
            }
            do {
                try write(formatted, to: path)
            } catch {
                printError("civic: cannot write \(path): \(error.localizedDescription)")
                return ExitStatus.usage
            }
            print(path)
            return 0
        }
    }

    /// Replaces a file's contents at once (a reader sees the old or the new
    /// text, never half of it), keeping its permissions.
    func write(_ bytes: [UInt8], to path: String) throws {
        let permissions = try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        if let permissions {
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
        }
    }
}
