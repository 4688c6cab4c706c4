import Civic
import CivicPostgresTesting
import Foundation

/// A store for `civic --db` in a test's folder: a SQLite file in the folder
/// (named as a user would, relative to it), a PostgreSQL community of its
/// own (`--db postgres://...?community=NAME`, dropped when this value goes
/// away), or none at all for `.memory` (a run without `--db`).
final class CLIStore {
    let kind: StoreKind
    let place: TestStore
    /// What `--db` is given (empty for memory).
    let db: String

    /// A new store of `kind`; for SQLite, the file `file` in `folder`.
    init(_ kind: StoreKind, file: String = "store.sqlite", folder: URL) throws {
        self.kind = kind
        place = try TestStore(kind, sqlitePath: folder.appendingPathComponent(file).path)
        db = kind == .sqlite ? file : place.db
    }

    convenience init(_ kind: StoreKind, in folder: TempFolder, file: String = "store.sqlite") throws {
        try self.init(kind, file: file, folder: folder.url)
    }

    /// The options naming the store: `--db DB`, or none for memory.
    var options: [String] { kind == .memory ? [] : ["--db", db] }

    /// How `civic` names the store in what it prints: "SQLite file
    /// store.sqlite", or "PostgreSQL store postgres://..." (its URL without
    /// a password).
    var name: String {
        get throws { kind == .sqlite ? "SQLite file \(db)" : try place.open().description }
    }

    /// The whole store, read by a new connection.
    func dump() throws -> String { try place.open().dump() }

    /// The schema the store keeps, read by a new connection.
    func storedSchema() throws -> StoreSchema { try place.open().storedSchema() }
}
