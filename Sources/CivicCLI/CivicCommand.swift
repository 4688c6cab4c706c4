import ArgumentParser
import Civic
import Foundation

/// `civic`: the command line. It parses arguments and calls the `Civic`
/// library; everything it does, an embedding program can do too.
struct CivicCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "civic",
        abstract: "Run, check and explore Civic scripts: the rules a community is run by.",
        discussion: """
        Exit status: 0 on success, 1 when a script has an error, 2 for bad usage or a missing file.
        Set NO_COLOR to turn colour off.
        """,
        version: version,
        subcommands: [RunCommand.self, CheckCommand.self, TestCommand.self, FmtCommand.self, ReplCommand.self, ImportCommand.self, VerifyCommand.self,
                      CopyCommand.self, ExportCommand.self]
    )
}

/// Exit statuses, as documented in `civic --help`.
enum ExitStatus {
    static let scriptError: Int32 = 1
    static let usage: Int32 = 2
}

/// Whether to colour diagnostics: only on a terminal, never with NO_COLOR.
func useColor() -> Bool {
    if ProcessInfo.processInfo.environment["NO_COLOR"] != nil { return false }
    return isatty(STDERR_FILENO) != 0
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Reads a script, or explains why it cannot be read and exits with status 2.
func readScript(_ path: String) throws -> SourceFile {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        printError("civic: no such file: \(path)")
        throw ExitCode(ExitStatus.usage)
    }
    if isDirectory.boolValue {
        printError("civic: \(path) is a folder, not a script")
        throw ExitCode(ExitStatus.usage)
    }
    do {
        return try Engine.readSource(path: path)
    } catch {
        printError("civic: cannot read \(path): \(error.localizedDescription)")
        throw ExitCode(ExitStatus.usage)
    }
}
