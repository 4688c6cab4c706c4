import Foundation
import Testing
@testable import CivicPostgres
import CivicPostgresTesting
import CivicStore
import CivicSyntax

// What only the PostgreSQL engine has: its URL, its errors when the server
// cannot be used, communities kept apart. (Everything else it shares with the
// other engines is compared with MemoryStore in StoreEngineTests.)

@Suite struct PostgresURLTests {
    @Test func aURLGivesServerDatabaseAndCommunity() throws {
        let l = try PostgresLocation(url: "postgres://staff:secret@db.example:6543/city?community=sunny-side&sslmode=require")
        #expect(l == PostgresLocation(host: "db.example", port: 6543, user: "staff", password: "secret", database: "city",
                                      community: "sunny-side", tls: .require))
        let plain = try PostgresLocation(url: "postgresql://civic@127.0.0.1/civic")
        #expect(plain.port == 5432 && plain.community == "civic" && plain.tls == .prefer && plain.password == nil)
        #expect(plain.description == "postgres://civic@127.0.0.1:5432/civic")
    }

    @Test(arguments: [
        ("postgres://", "names no server"),
        ("postgres://db.example/city", "names no user"),
        ("postgres://staff@db.example", "names no database"),
        ("postgres://staff@db.example/city?colour=red", "the parameter 'colour'"),
        ("postgres://staff@db.example/city?sslmode=maybe", "sslmode 'maybe'"),
        ("postgres://staff@db.example/city?community=", "needs a name"),
        ("postgres://staff@db.example/city?community=pg_catalog", "belongs to PostgreSQL"),
    ])
    func aBadURLSaysWhatIsWrong(_ url: String, _ message: String) {
        #expect {
            _ = try PostgresLocation(url: url)
        } throws: { error in
            (error as? StoreError)?.message.contains(message) ?? false
        }
    }

    @Test func aPasswordIsNeverShown() {
        #expect(PostgresLocation(host: "h", user: "u", password: "secret", database: "d").description == "postgres://u@h:5432/d")
        do {
            _ = try PostgresLocation(url: "postgres://u:secret@/d")
            Issue.record("a URL without a host was taken")
        } catch {
            #expect(!error.message.contains("secret"))
        }
    }
}

@Suite struct PostgresServerTests {
    @Test func aServerThatIsDownIsNamed() throws {
        // A port nothing listens on (the tests' own servers use 55432 and 56000 up).
        #expect {
            _ = try PostgresStore(url: "postgres://civic@127.0.0.1:9/civic?sslmode=disable")
        } throws: { error in
            (error as? StoreError)?.message.contains("cannot reach the PostgreSQL server at 127.0.0.1:9") ?? false
        }
    }

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func anUnknownDatabaseIsNamed() throws {
        let url = try #require(TestPostgres.url)
        var l = try PostgresLocation(url: url)
        l.database = "no_such_database"
        #expect {
            _ = try PostgresStore(location: l)
        } throws: { error in
            (error as? StoreError)?.message.contains("has no database 'no_such_database'") ?? false
        }
    }

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func communitiesAreKeptApart() throws {
        let a = try TestPostgres.store(), b = try TestPostgres.store()
        let schema = StoreSchema(entities: [StoredEntity(name: "Resident", fields: [StoredField(name: "id", type: .text, isKey: true)])])
        try a.prepare(schema)
        _ = try a.insert("Resident", [.text("R1")])
        #expect(try b.storedSchema().entities.isEmpty)
        try b.prepare(schema)
        #expect(try b.row("Resident", key: .text("R1")) == nil)
        #expect(try a.row("Resident", key: .text("R1")) != nil)
    }

    /// Two connections adding rows with generated keys in turn: each
    /// transaction reads the next key afresh, so no key is given twice.
    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func generatedKeysFollowOnAcrossConnections() throws {
        let a = try TestPostgres.store()
        let b = try PostgresStore(location: a.location)
        let schema = StoreSchema(entities: [StoredEntity(name: "Note", fields: [
            StoredField(name: "id", type: .number, isKey: true, isGenerated: true),
            StoredField(name: "text", type: .text),
        ])])
        try a.prepare(schema)
        var keys: [Value] = []
        for (store, text) in [(a, "a1"), (b, "b1"), (a, "a2"), (b, "b2")] {
            try store.begin()
            keys.append(try store.insert("Note", [.none, .text(text)]))
            try store.commit()
        }
        #expect(keys == [1, 2, 3, 4].map { .number(Number($0)) })
        #expect(try a.dump() == b.dump())
        b.close()
    }

    /// Events whose keys were named beforehand (`willInsert`) wait in the
    /// client, and go in one INSERT just before the first statement that
    /// could see them; a statement on another table leaves them waiting.
    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func namedEventsWaitForTheStatementThatWouldSeeThem() throws {
        let s = try TestPostgres.store()
        try s.prepare(StoreSchema(entities: [
            StoredEntity(name: "Resident", fields: [StoredField(name: "id", type: .text, isKey: true)]),
            StoredEntity(name: "Report", fields: [StoredField(name: "id", type: .text, isKey: true),
                                                  StoredField(name: "by", type: .reference("Resident"))]),
        ]))
        let by = Value.reference(entity: "Resident", key: .text("R1"))
        _ = try s.insert("Resident", [.text("R1")])
        _ = try s.insert("Resident", [.text("R2")])
        _ = try s.insert("Report", [.text("old"), by])
        try s.begin()
        let other = Value.reference(entity: "Resident", key: .text("R2")), nobody = Value.reference(entity: "Resident", key: .text("R9"))
        try s.willInsert("Report", rows: [[.text("old"), by], [.text("a"), by], [.text("b"), other], [.text("c"), by], [.text("a"), by], [.text("d"), nobody]])
        // The residents the rows name are found at once: R1 and R2, not R9.
        #expect(s.transaction.located.count == 2)
        #expect(try s.insertIfAbsent("Report", [.text("old"), by]) == false)
        #expect(try s.insertIfAbsent("Report", [.text("a"), by]))
        #expect(try s.insertIfAbsent("Report", [.text("b"), by]))
        #expect(s.client.waiting?.count == 2)
        #expect(try s.row("Resident", key: .text("R1")) != nil)
        #expect(s.client.waiting?.count == 2)
        let all = StoreQuery(entity: "Report", filter: nil, order: [], limit: nil)
        #expect(try s.fetch(all, []).map { $0["id"] } == ["old", "a", "b"].map { Value.text($0) })
        #expect(s.client.waiting == nil)
        #expect(try s.insertIfAbsent("Report", [.text("c"), by]))
        #expect(try s.insertIfAbsent("Report", [.text("a"), by]) == false)
        // A row that is not good enough is refused before it could wait.
        #expect(throws: StoreError.self) { try s.insertIfAbsent("Report", [.text("d"), .reference(entity: "Resident", key: .text("R9"))]) }
        #expect(s.client.waiting?.count == 1)
        try s.commit()
        #expect(s.client.waiting == nil)
        let second = try PostgresStore(location: s.location)
        #expect(try second.fetch(all, []).map { $0["id"] } == ["old", "a", "b", "c"].map { Value.text($0) })
        // Rolled back, waiting rows are dropped, never sent.
        try s.begin()
        try s.willInsert("Report", rows: [[.text("e"), by], [.text("f"), by]])
        #expect(try s.insertIfAbsent("Report", [.text("e"), by]))
        s.rollback()
        #expect(s.client.waiting == nil)
        #expect(try second.contains("Report", key: .text("e")) == false)
        second.close()
    }

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func aSecondConnectionSeesCommittedRowsAndSchema() throws {
        let a = try TestPostgres.store()
        let b = try PostgresStore(location: a.location)
        let schema = StoreSchema(entities: [StoredEntity(name: "Resident", fields: [StoredField(name: "id", type: .text, isKey: true)])])
        try a.begin()
        try a.prepare(schema)
        _ = try a.insert("Resident", [.text("R1")])
        #expect(try b.storedSchema().entities.isEmpty)
        try a.commit()
        #expect(try b.storedSchema() == schema)
        #expect(try b.contains("Resident", key: .text("R1")))
        b.close()
    }
}
