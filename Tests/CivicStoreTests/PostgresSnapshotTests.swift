import CivicPostgres
import CivicPostgresTesting
import CivicStore
import Foundation
import Testing

/// A run that only reads, on PostgreSQL: a snapshot without the community's
/// lock. It never waits for a run that writes, sees nothing that run has not
/// committed (nor what it commits later), and cannot write.
@Suite struct PostgresSnapshotTests {
    static let schema = StoreSchema(entities: [
        StoredEntity(name: "Resident", fields: [StoredField(name: "id", type: .text, isKey: true),
                                                StoredField(name: "hours", type: .number)]),
    ])

    /// A writer holding the community's lock, with a row not yet committed, and a second connection.
    static func writerAndReader() throws -> (writer: PostgresStore, reader: PostgresStore) {
        let writer = try TestPostgres.store()
        try writer.prepare(schema)
        _ = try writer.insert("Resident", [.text("R1"), .number(2)])
        try writer.begin()
        _ = try writer.insert("Resident", [.text("R2"), .number(5)])
        return (writer, try PostgresStore(location: writer.location))
    }

    /// Runs `body` on `store` on a thread of its own; says whether it
    /// finished within `seconds`, and gives what it saw once it has.
    static func elsewhere(_ store: PostgresStore, within seconds: Int,
                          _ body: @escaping @Sendable (PostgresStore) throws -> Int) -> (finished: Bool, outcome: () -> ThreadOutcome) {
        let done = DispatchSemaphore(value: 0)
        let seen = ThreadOutcome(store)
        Thread.detachNewThread {
            defer { done.signal() }
            do {
                seen.rows = try body(seen.store)
            } catch {
                seen.error = "\(error)"
            }
        }
        let finished = done.wait(timeout: .now() + .seconds(seconds)) == .success
        return (finished, {
            if !finished { done.wait() }
            return seen
        })
    }

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func aReaderDoesNotWaitForAWriterAndSeesItsSnapshot() throws {
        let (writer, reader) = try PostgresSnapshotTests.writerAndReader()
        defer { reader.close(); writer.close() }
        // The reader works on another thread: were it to wait for the
        // writer's lock, it would wait until the writer commits, which
        // this thread does only after giving it half a minute.
        let read = PostgresSnapshotTests.elsewhere(reader, within: 30) { store in
            try store.beginReading()
            return try store.fetch(StoreQuery(entity: "Resident"), []).count
        }
        #expect(read.finished, "the reader waited for the writer's lock")
        try writer.commit()
        let seen = read.outcome()
        #expect(seen.error == nil, "\(seen.error ?? "")")
        #expect(seen.rows == 1, "the reader saw a row not yet committed")
        // Still inside its snapshot: the writer's commit is not seen.
        #expect(try reader.fetch(StoreQuery(entity: "Resident"), []).count == 1)
        try reader.commit()
        #expect(try reader.fetch(StoreQuery(entity: "Resident"), []).count == 2)
    }

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func aReaderCannotWriteAndKeepsNothing() throws {
        let store = try TestPostgres.store()
        defer { store.close() }
        try store.prepare(PostgresSnapshotTests.schema)
        try store.beginReading()
        #expect {
            _ = try store.insert("Resident", [.text("R9"), .number(1)])
        } throws: { error in
            (error as? StoreError)?.message.contains("only reads") ?? false
        }
        // Preparing the schema it already has writes nothing, so it is allowed.
        try store.prepare(PostgresSnapshotTests.schema)
        try store.commit()
        #expect(try store.fetch(StoreQuery(entity: "Resident"), []).isEmpty)
        // A writing transaction after it writes as usual.
        try store.begin()
        _ = try store.insert("Resident", [.text("R9"), .number(1)])
        try store.commit()
        #expect(try store.contains("Resident", key: .text("R9")))
    }

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func aWriterStillWaitsForAWriter() throws {
        let (writer, second) = try PostgresSnapshotTests.writerAndReader()
        defer { second.close(); writer.close() }
        let write = PostgresSnapshotTests.elsewhere(second, within: 1) { store in
            try store.begin()
            defer { try? store.commit() }
            return try store.fetch(StoreQuery(entity: "Resident"), []).count
        }
        // The second writer must still be waiting: it has not finished after a second.
        #expect(!write.finished, "a second writer did not wait for the first")
        try writer.commit()
        let seen = write.outcome()
        #expect(seen.error == nil, "\(seen.error ?? "")")
        #expect(seen.rows == 2, "the second writer began before the first had committed")
    }
}

/// The store handed to the other thread (used there only until it
/// signals), and what that thread saw.
final class ThreadOutcome: @unchecked Sendable {
    let store: PostgresStore
    var rows = -1
    var error: String?
    init(_ store: PostgresStore) { self.store = store }
}
