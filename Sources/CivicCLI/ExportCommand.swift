import ArgumentParser
import Civic
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a whole store into one file, to move it to a machine that cannot reach it; civic import --community reads it back.",
        discussion: """
        The file holds everything, private fields too: keep it as carefully as the store.
        Example: civic export --db district.sqlite district.export
        """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: "The file to write (it must not exist yet), or - for standard output.")
    var file: String

    func validate() throws {
        if store.location == nil { throw ValidationError("give the store to export with --db PATH (or --db postgres://...)") }
    }

    func run() throws {
        guard let location = store.location else { return }
        if file != "-" && FileManager.default.fileExists(atPath: file) {
            printError("civic: \(file) exists already: civic export does not write over a file\n  hint: give a new file name, or remove it first")
            throw ExitCode(ExitStatus.usage)
        }
        let source = try MovedStore.source(location)
        defer { StoreOptions.close(source) }
        if file == "-" {
            let summary = try write(source, to: FileHandle.standardOutput, name: "standard output")
            printError("exported \(source.description): \(MovedStore.describe(summary))")
            return
        }
        // Written beside the file and renamed when whole, so that a failed
        // export leaves no file that looks like one.
        let partial = file + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            printError("civic: cannot write \(file)\n  hint: check that its folder exists and may be written")
            throw ExitCode(ExitStatus.usage)
        }
        do {
            let summary = try write(source, to: handle, name: file)
            try handle.close()
            try FileManager.default.moveItem(atPath: partial, toPath: file)
            print("exported \(source.description) into \(file): \(MovedStore.describe(summary))")
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Writes the export into `handle`.
    func write(_ source: Store, to handle: FileHandle, name: String) throws -> StoreMoveSummary {
        do throws(StoreError) {
            return try Engine.export(source) { (text: String) throws(StoreError) in
                do {
                    try handle.write(contentsOf: Data(text.utf8))
                } catch {
                    throw StoreError("cannot write \(name): \(error.localizedDescription)")
                }
            }
        } catch {
            throw MovedStore.fail(error, status: ExitStatus.scriptError)
        }
    }
}
