import ArgumentParser
import Civic
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV or JSON file into an entity of a store (every row is checked first, and a bad row imports nothing), or a whole community from a file civic export wrote.",
        discussion: """
        Example: civic import Resident data/residents.csv --schema schema.civic --db community.sqlite
        A whole community: civic import --community district.export --db community.sqlite
        """
    )

    @Argument(help: "The entity to import into, as declared in the schema.")
    var entity: String?

    @Argument(help: "The file: .csv (a header row of field names) or .json (an array of objects).")
    var file: String?

    @Option(name: .long, help: "The script that declares the entity.")
    var schema: String?

    @Option(name: .long, help: ArgumentHelp("Import a whole community from a file civic export wrote (- for standard input), instead of one entity's rows.",
                                            valueName: "export-file"))
    var community: String?

    @Flag(name: .long, help: "With --community: empty the store first (everything it holds is lost), in the same transaction as the import.")
    var replace = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if community != nil {
            if entity != nil || file != nil || schema != nil {
                throw ValidationError("--community imports a whole community: give no entity, file or --schema with it")
            }
            if store.location == nil { throw ValidationError("give the store to import into with --db PATH (or --db postgres://...)") }
        } else if entity == nil || file == nil || schema == nil {
            throw ValidationError("give the entity, the file and --schema SCRIPT (or --community EXPORT-FILE for a whole community)")
        }
        if replace && community == nil { throw ValidationError("--replace goes with --community") }
    }

    func run() throws {
        if let community {
            try importCommunity(community)
            return
        }
        guard let entity, let file, let schema else { return }
        guard FileManager.default.fileExists(atPath: file) else {
            printError("civic: no such file: \(file)")
            throw ExitCode(ExitStatus.usage)
        }
        let schemaSource = try readScript(schema)
        let opened = try store.open()
        defer { StoreOptions.close(opened) }
        let engine = Engine(store: opened)
        switch engine.importData(entity: entity, path: file, schema: schemaSource) {
        case .failure(let list):
            printError(engine.render(list.diagnostics, color: useColor()))
            throw ExitCode(ExitStatus.scriptError)
        case .success(let summary):
            print("imported \(summary.rows) \(summary.entity) row\(summary.rows == 1 ? "" : "s") into \(opened.description)")
        }
    }

    /// `--community FILE`: the whole store an export file holds.
    func importCommunity(_ path: String) throws {
        guard let location = store.location else { return }
        let bytes: [UInt8]
        if path == "-" {
            bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                printError("civic: no such file: \(path)")
                throw ExitCode(ExitStatus.usage)
            }
            bytes = [UInt8](data)
        }
        let target = try MovedStore.target(location)
        do throws(StoreError) {
            let summary = try Engine.importStore(bytes, name: path == "-" ? "standard input" : path, into: target.store, replace: replace)
            print("imported \(path == "-" ? "standard input" : path) into \(target.store.description): \(MovedStore.describe(summary)); every invariant holds")
            StoreOptions.close(target.store)
        } catch {
            throw target.failed(error)
        }
    }
}
