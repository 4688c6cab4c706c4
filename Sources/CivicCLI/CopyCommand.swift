import ArgumentParser
import Civic
import Foundation

struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole store into another, between any engines: its schema, every row, the books and events, and the next keys; the copy is verified.",
        discussion: """
        FROM is only read. TO must be a new file or a community with nothing in it, unless --replace.
        The copy is one transaction of TO: if anything fails, TO is left as it was.
        Example: civic copy district.sqlite 'postgres://staff@db.city.example/civic?community=sunny-side'
        """
    )

    @Argument(help: ArgumentHelp("The store to copy: a SQLite file or a PostgreSQL URL.", valueName: "from"))
    var from: String

    @Argument(help: ArgumentHelp("The store to copy into: a new SQLite file, or a PostgreSQL URL naming an empty community.", valueName: "to"))
    var to: String

    @Flag(name: .long, help: "Empty TO first (everything it holds is lost), in the same transaction as the copy.")
    var replace = false

    func run() throws {
        if MovedStore.same(from, to) {
            printError("civic: \(from) and \(to) are the same store: a store cannot be copied into itself")
            throw ExitCode(ExitStatus.usage)
        }
        let source = try MovedStore.source(from)
        defer { StoreOptions.close(source) }
        let target = try MovedStore.target(to)
        do throws(StoreError) {
            let summary = try Engine.copy(from: source, to: target.store, replace: replace)
            print("copied \(source.description) into \(target.store.description): \(MovedStore.describe(summary)); every invariant holds")
            StoreOptions.close(target.store)
        } catch {
            throw target.failed(error)
        }
    }
}
