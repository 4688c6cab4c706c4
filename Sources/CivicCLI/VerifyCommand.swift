import ArgumentParser
import Civic
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a store's books: every balance equals its ledger entries, no balance is below its floor, lots hold their balances, every holder exists.",
        discussion: "Exit status 0 when every invariant holds, 1 naming each that fails."
    )

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if store.location == nil { throw ValidationError("give the store to verify with --db PATH (or --db postgres://...)") }
    }

    func run() throws {
        if let db = store.location, !store.isPostgres, !FileManager.default.fileExists(atPath: db) {
            printError("civic: no such store: \(db)")
            throw ExitCode(ExitStatus.usage)
        }
        let opened = try store.open()
        let engine = Engine(store: opened)
        let problems = engine.verify()
        StoreOptions.close(opened)
        if problems.isEmpty {
            print("\(engine.store.description): every invariant holds")
            return
        }
        for p in problems { printError("civic verify: \(p)") }
        throw ExitCode(ExitStatus.scriptError)
    }
}
