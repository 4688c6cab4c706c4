import ArgumentParser
import Civic
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV or JSON file into an entity of a store: every row is checked first, and a bad row imports nothing.",
        discussion: "Example: civic import Resident data/residents.csv --schema schema.civic --db community.sqlite"
    )

    @Argument(help: "The entity to import into, as declared in the schema.")
    var entity: String

    @Argument(help: "The file: .csv (a header row of field names) or .json (an array of objects).")
    var file: String

    @Option(name: .long, help: "The script that declares the entity.")
    var schema: String

    @OptionGroup var store: StoreOptions

    func run() throws {
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
}
