import ArgumentParser
import Civic
import Foundation

/// A store named on the command line of `civic copy`, `civic export` or
/// `civic import --community`: a SQLite file or a `postgres://` URL.
struct MovedStore {
    let store: Store
    /// Whether the command made the store (a new file or community), so
    /// that a failed move removes it again.
    let isNew: Bool
    let name: String

    /// Opens the store to read from: it must exist, and a SQLite file is
    /// opened for reading only.
    static func source(_ name: String) throws -> Store {
        do throws(StoreError) {
            if PostgresLocation.isURL(name) {
                let location = try PostgresLocation(url: name)
                guard try PostgresStore.exists(location) else {
                    throw StoreError("there is no community at \(location.description)",
                                     hint: "give the URL of an existing community (community=NAME)")
                }
                return try PostgresStore(location: location)
            }
            return try SQLiteStore.reading(path: name)
        } catch {
            throw fail(error, status: ExitStatus.usage)
        }
    }

    /// Opens (or makes) the store to write into.
    static func target(_ name: String) throws -> MovedStore {
        do throws(StoreError) {
            if PostgresLocation.isURL(name) {
                let location = try PostgresLocation(url: name)
                let existed = try PostgresStore.exists(location, asStore: false)
                return MovedStore(store: try PostgresStore(location: location), isNew: !existed, name: name)
            }
            let existed = FileManager.default.fileExists(atPath: name)
            return MovedStore(store: try SQLiteStore(path: name), isNew: !existed, name: name)
        } catch {
            throw fail(error, status: ExitStatus.usage)
        }
    }

    /// Whether two names name the same store: one file, or one community
    /// of one database on one server.
    static func same(_ a: String, _ b: String) -> Bool {
        if PostgresLocation.isURL(a) != PostgresLocation.isURL(b) { return false }
        if PostgresLocation.isURL(a) {
            guard let x = try? PostgresLocation(url: a), let y = try? PostgresLocation(url: b) else { return false }
            return (x.host, x.port, x.database, x.community) == (y.host, y.port, y.database, y.community)
        }
        func resolved(_ path: String) -> String { URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path }
        return resolved(a) == resolved(b)
    }

    /// After a move failed: a store the command made is removed, so that
    /// the target is left as it was; the error is shown, and the command
    /// fails with status 1.
    func failed(_ error: StoreError) -> Error {
        if isNew {
            if let postgres = store as? PostgresStore {
                try? postgres.removeCommunity()
            } else {
                StoreOptions.close(store)
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: name + suffix) }
            }
        } else {
            StoreOptions.close(store)
        }
        return MovedStore.fail(error, status: ExitStatus.scriptError)
    }

    /// Shows a store's error and gives the exit status to end with.
    static func fail(_ error: StoreError, status: Int32) -> Error {
        printError("civic: \(error)" + (error.hint.map { "\n  hint: \($0)" } ?? ""))
        return ExitCode(status)
    }

    /// What a move carried, in words (counts only: nothing private).
    static func describe(_ summary: StoreMoveSummary) -> String {
        let n = summary.entities.count
        return "\(summary.rows) row\(summary.rows == 1 ? "" : "s") of \(n) entit\(n == 1 ? "y" : "ies"), \(Engine.ledgerEntries(summary)) of them ledger entries"
    }
}
