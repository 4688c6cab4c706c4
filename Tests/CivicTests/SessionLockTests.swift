import Civic
import CivicPostgresTesting
import Foundation
import Testing

/// A REPL session on a shared store takes the write lock only when an input
/// may write: a member of staff exploring the data never keeps the rules
/// runs of others waiting, and sees what they commit; once the session has
/// written, others wait until it commits. On SQLite and on PostgreSQL.
@Suite struct SessionLockTests {
    /// Two connections to one store: the session's and another staff member's.
    struct Stores {
        var session: Store
        var other: Store
        var engine: String
        var close: () -> Void
    }

    static let schema = "entity Resident { key id: Text, name: Text }\naccount points of Resident\n"

    static func sqlite() throws -> Stores {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("civic-session-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("community.sqlite").path
        let session = try SQLiteStore(path: path)
        // The other side gives up quickly when the file is locked.
        let other = try SQLiteStore(path: path, busyTimeoutMilliseconds: 200)
        return Stores(session: session, other: other, engine: "sqlite", close: {
            session.close(); other.close()
            try? FileManager.default.removeItem(at: folder)
        })
    }

    static func postgres() throws -> Stores {
        let session = try TestPostgres.store()
        let other = try PostgresStore(location: session.location)
        return Stores(session: session, other: other, engine: "postgres", close: { other.close(); session.close() })
    }

    /// Runs `script` on the other connection on a thread of its own, and says
    /// whether it finished within `seconds` (and how).
    static func otherRun(_ stores: Stores, _ script: String, within seconds: Int) -> (finished: Bool, wait: () -> String?) {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome(stores.other)
        Thread.detachNewThread {
            defer { done.signal() }
            do {
                _ = try Engine(store: outcome.store, lines: { _ in }).execute(SessionLockTests.schema + script)
            } catch {
                outcome.error = "\(error)"
            }
        }
        let finished = done.wait(timeout: .now() + .seconds(seconds)) == .success
        return (finished, {
            if !finished { done.wait() }
            return outcome.error
        })
    }

    static func check(_ stores: Stores) throws {
        defer { stores.close() }
        _ = try Engine(store: stores.other, lines: { _ in }).execute(schema + #"add Resident { id: "R1", name: "Ana" }"#)
        let printed = Printed()
        let session = Session(store: stores.session, lines: { printed.append($0) })
        guard case .success = session.start() else { Issue.record("the session did not start on \(stores.engine)"); return }
        #expect(session.run("print count Resident").succeeded)

        // The session has only read: another run writes at once, and the session sees it.
        let first = otherRun(stores, #"add Resident { id: "R2", name: "Bo" }"#, within: 30)
        #expect(first.finished, "on \(stores.engine), a writer waited for a session that had only read")
        #expect(first.wait() == nil, "on \(stores.engine): \(first.wait() ?? "")")
        #expect(session.run("print count Resident").succeeded)
        #expect(!session.hasUncommittedWork, "on \(stores.engine), a session that only read has changes to keep")

        // The session writes: now another writer waits (PostgreSQL) or gives up as busy (SQLite) until it commits.
        #expect(session.run(#"award 5 points to (first Resident where id == "R1")"#).succeeded)
        #expect(session.hasUncommittedWork)
        let second = otherRun(stores, #"award 1 points to (first Resident where id == "R2")"#, within: 2)
        if stores.engine == "postgres" {
            #expect(!second.finished, "a writer did not wait for a session that had written")
            _ = session.commit()
            #expect(second.wait() == nil)
        } else {
            let error = second.wait()
            #expect(error?.contains("busy") == true || error?.contains("locked") == true, "SQLite: \(error ?? "the write went through")")
            _ = session.commit()
            #expect(otherRun(stores, #"award 1 points to (first Resident where id == "R2")"#, within: 30).wait() == nil)
        }
        #expect(!session.hasUncommittedWork)
        #expect(session.run("print sum points of Resident").succeeded)
        _ = session.end(keep: true)
        #expect(printed.lines == ["1", "2", "6"], "on \(stores.engine): \(printed.lines)")
    }

    @Test func onSQLite() throws {
        try SessionLockTests.check(try SessionLockTests.sqlite())
    }

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func onPostgres() throws {
        try SessionLockTests.check(try SessionLockTests.postgres())
    }
}

/// The store handed to the other run's thread (used by one thread at a
/// time: the test waits for the run), and how the run ended.
private final class Outcome: @unchecked Sendable {
    let store: Store
    var error: String?
    init(_ store: Store) { self.store = store }
}
