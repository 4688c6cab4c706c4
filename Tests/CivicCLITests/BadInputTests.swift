import Foundation
import Testing
import CivicPostgresTesting
@testable import CivicPostgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The bad-input corpus (Tests/badinput/): every file goes through the real
// `civic` against a store that already holds rows, and must give a non-zero
// exit status, a message naming the file and the place (or what is wrong),
// and leave the store file byte for byte as it was (a PostgreSQL community:
// every row as it was). Cases that cannot be
// committed as files (a 10 MB field, a store of a newer format, a read-only
// store) are made by the tests below.

/// The corpus folder: Tests/badinput beside this file's folder.
private let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("badinput")

private let schemaScript = """
    entity Resident { key id: Text, name: Text, age: Number }
    event Report { reporter: Resident, severity: Number }
    account points of Resident
    rule "points" on Report e { award e.severity points to e.reporter }

    """

/// A good run: two residents, and a report that gave R1 points.
private let seedScript = """
    use "schema.civic"
    if count Resident == 0 {
      add Resident { id: "R1", name: "张三", age: 70 }
      add Resident { id: "R2", name: "李四", age: 35 }
      emit Report { reporter: first Resident where id == "R1", severity: 2 }
    }

    """

/// How a corpus file reaches `civic`.
private enum Route {
    /// `civic run FILE --db store.sqlite`
    case script
    /// `civic run load.civic --db store.sqlite`, where load.civic has `load Resident from "FILE"`
    case load
    /// `civic run seed.civic --db store.sqlite --events Report=FILE`
    case events
    /// `civic run seed.civic --db FILE`
    case db
}

/// Every file of the corpus, how it is given, and what its message must say.
private let cases: [String: (Route, [String])] = [
    "unclosed-block.civic": (.script, ["unclosed-block.civic:3:40: error: '}' expected to close the '{' opened at line 2"]),
    "unknown-name.civic": (.script, ["unknown-name.civic:2:13: error: unknown name 'Residnt'", "did you mean 'Resident'?"]),
    "bad-operator.civic": (.script, ["bad-operator.civic:2:12: error: an expression expected, found '*'"]),
    "stray-quote.csv": (.load, ["stray-quote.csv:3: a quote inside a field that does not start with one"]),
    "unclosed-quote.csv": (.load, ["unclosed-quote.csv:3: the quote that opens a field on line 3 is never closed"]),
    "text-after-quote.csv": (.load, ["text-after-quote.csv:2: text after the closing quote of a field"]),
    "bom-crlf-bad-number.csv": (.load, ["bom-crlf-bad-number.csv:3: field 'age': expected a Number, found \"七十\""]),
    "too-many-columns.csv": (.load, ["too-many-columns.csv:3: line 3 has 4 fields, the header has 3"]),
    "too-few-columns.csv": (.load, ["too-few-columns.csv:3: line 3 has 2 fields, the header has 3"]),
    "not-utf8.csv": (.load, ["not-utf8.csv:2: this line is not valid UTF-8 text; save the file as UTF-8"]),
    "latin1.csv": (.load, ["latin1.csv:2: this line is not valid UTF-8 text"]),
    "empty.csv": (.load, ["empty.csv:1: the file is empty; its first line must name the columns"]),
    "unknown-column.csv": (.load, ["unknown-column.csv:1: unknown column 'nmae'", "did you mean 'name'?"]),
    "missing-comma.json": (.load, ["missing-comma.json:3: not valid JSON: expected ',' or '}' after a field"]),
    "truncated.json": (.load, ["truncated.json:3: not valid JSON: the file ends before the JSON is complete"]),
    "not-a-list.json": (.load, ["not-a-list.json:1: expected a JSON list of objects"]),
    "number-for-text.json": (.load, ["number-for-text.json:2: field 'name': expected a Text, found the number 12345 (put it in quotes)"]),
    "events-unknown-holder.csv": (.events, ["events-unknown-holder.csv:3: field 'reporter': there is no Resident with key \"R9\""]),
    "events-unknown-holder.json": (.events, ["events-unknown-holder.json:3: field 'reporter': there is no Resident with key \"R404\""]),
    "events-unclosed-quote.csv": (.events, ["events-unclosed-quote.csv:3: the quote that opens a field on line 3 is never closed"]),
    "not-sqlite.db": (.db, ["not-sqlite.db is not a Civic store (not a SQLite database)"]),
]

/// A folder with the schema, the seed script, and a store the seed made
/// (the file store.sqlite in the folder, or a PostgreSQL community).
private func seededFolder(_ kind: StoreKind = .sqlite) throws -> (TempFolder, CLIStore) {
    let folder = try TempFolder()
    let db = try CLIStore(kind, in: folder)
    try folder.write("schema.civic", schemaScript)
    try folder.write("seed.civic", seedScript)
    let seeded = try civic(["run", "seed.civic", "--db", db.db], in: folder)
    try #require(seeded.status == 0, "\(seeded.stderr)")
    return (folder, db)
}

/// The corpus files with each engine they run on: a bad --db file on
/// SQLite only, every other file on each engine.
private let runs: [(StoreKind, String)] = TestStores.kinds.flatMap { kind in
    cases.keys.sorted().filter { kind == .sqlite || cases[$0]?.0 != .db }.map { (kind, $0) }
}

/// What a run must leave as it was: a SQLite file's bytes, or every row of
/// a PostgreSQL community.
private func state(of db: CLIStore, in folder: TempFolder, file: String) throws -> Data? {
    db.kind == .sqlite ? bytes(folder, file) : Data(try db.dump().utf8)
}

/// A file's bytes (nil if it does not exist).
private func bytes(_ folder: TempFolder, _ name: String) -> Data? {
    FileManager.default.contents(atPath: folder.path(name))
}

/// Runs `sqlite3 FILE SQL` (the command-line shell, which CI installs).
private func sqlite3(_ file: String, _ sql: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sqlite3", file, sql]
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "sqlite3 failed on \(file)")
}

@Suite struct BadInputTests {
    @Test func everyFileOfTheCorpusHasACase() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0 != "README.md" }
        #expect(Set(files) == Set(cases.keys))
    }

    @Test(arguments: runs)
    func aBadFileFailsNamingThePlaceAndWritesNothing(_ kind: StoreKind, _ name: String) throws {
        let (route, expected) = try #require(cases[name])
        let (folder, db) = try seededFolder(kind)
        try FileManager.default.copyItem(at: corpus.appendingPathComponent(name), to: folder.url.appendingPathComponent(name))
        let store = route == .db ? name : db.db
        let before = try #require(try state(of: db, in: folder, file: store))
        let arguments: [String]
        switch route {
        case .script: arguments = ["run", name, "--db", store]
        case .load:
            try folder.write("load.civic", "use \"schema.civic\"\nload Resident from \"\(name)\"\n")
            arguments = ["run", "load.civic", "--db", store]
        case .events: arguments = ["run", "seed.civic", "--db", store, "--events", "Report=\(name)"]
        case .db: arguments = ["run", "seed.civic", "--db", store]
        }
        for format in ["text", "json"] {
            let ran = try civic(arguments + ["--format", format], in: folder)
            #expect(ran.status != 0)
            if format == "text" {
                #expect(ran.stdout.isEmpty)
                for text in expected { #expect(ran.stderr.contains(text), "\(ran.stderr)") }
            } else if route != .db {
                // The errors are in the JSON document (a bad --db is bad usage, told on standard error).
                #expect(ran.stdout.hasPrefix("{\"ok\":false,"), "\(ran.stdout)")
            }
            #expect(try state(of: db, in: folder, file: store) == before, "\(name) changed the store")
            // The store was closed: no journal is left beside it.
            #expect(bytes(folder, store + "-wal") == nil)
        }
        // The store still holds its books, whole.
        let verify = try civic(["verify", "--db", db.db], in: folder)
        #expect(verify.status == 0, "\(verify.stderr)")
    }

    @Test func aMalformedScriptMakesNoNewStoreFile() throws {
        let folder = try TempFolder()
        try folder.write("schema.civic", schemaScript)
        try FileManager.default.copyItem(at: corpus.appendingPathComponent("unclosed-block.civic"),
                                         to: folder.url.appendingPathComponent("bad.civic"))
        for format in ["text", "json"] {
            let ran = try civic(["run", "bad.civic", "--db", "new.sqlite", "--format", format], in: folder)
            #expect(ran.status == 1)
            #expect((ran.stderr + ran.stdout).contains("'}' expected to close the '{' opened at line 2"))
            let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasPrefix("new.sqlite") }
            #expect(left.isEmpty, "left \(left)")
        }
    }

    /// PostgreSQL's counterpart of the test above: a malformed script
    /// makes no new community.
    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func aMalformedScriptMakesNoNewCommunity() throws {
        let folder = try TempFolder()
        try FileManager.default.copyItem(at: corpus.appendingPathComponent("unclosed-block.civic"),
                                         to: folder.url.appendingPathComponent("bad.civic"))
        let server = try TestStore(.postgres)
        let connection = try #require(try server.open() as? PostgresStore)
        let community = "civic_test_never_\(ProcessInfo.processInfo.processIdentifier)_\(UUID().uuidString.prefix(8).lowercased())"
        defer { try? connection.client.execute("DROP SCHEMA IF EXISTS \(PostgresName.quote(community)) CASCADE") }
        let url = try #require(server.db.components(separatedBy: "community=").first) + "community=" + community
        for format in ["text", "json"] {
            let ran = try civic(["run", "bad.civic", "--db", url, "--format", format], in: folder)
            #expect(ran.status == 1)
            #expect((ran.stderr + ran.stdout).contains("'}' expected to close the '{' opened at line 2"))
            let made = try connection.client.query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", [.text(community)])
            #expect(made.rows.isEmpty, "the run made the community \(community)")
        }
    }

    /// A field of 10 MB is kept whole (section 18.5 of docs/reference.md).
    @Test(arguments: TestStores.kinds)
    func aTenMegabyteFieldIsStoredWhole(_ kind: StoreKind) throws {
        let (folder, db) = try seededFolder(kind)
        let big = String(repeating: "长", count: 10_000_000 / 3) + "x"   // 10,000,000 bytes of UTF-8
        try folder.write("big.csv", "id,name,age\nR10,\"\(big)\",40\nR11,乙,41\n")
        try folder.write("big.civic", """
            use "schema.civic"
            load Resident from "big.csv"
            let r = first Resident where id == "R10"
            print len(r.name), count Resident

            """)
        let ran = try civic(["run", "big.civic", "--db", db.db], in: folder)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout == "\(10_000_000 / 3 + 1) 4\n")
    }

    @Test(arguments: TestStores.kinds)
    func aStoreOfANewerFormatIsRefusedAndLeftUntouched(_ kind: StoreKind) throws {
        let (folder, db) = try seededFolder(kind)
        let newer = "UPDATE civic_meta SET value = '99' WHERE name = 'format'"
        let before: Data?
        // A connection opened before the format changes (none opens after).
        let connection = kind == .postgres ? try db.place.open() as? PostgresStore : nil
        if let connection {
            before = Data(try db.dump().utf8)
            try connection.client.execute(newer.replacingOccurrences(of: "civic_meta", with: connection.namespace + ".civic_meta"))
        } else {
            try sqlite3(folder.path("store.sqlite"), newer)
            before = bytes(folder, "store.sqlite")
        }
        // How civic names the store: the file as given, or the community's URL.
        let name = kind == .sqlite ? db.db : try PostgresLocation(url: db.db).description
        let commands = [
            ["run", "seed.civic", "--db", db.db],
            ["verify", "--db", db.db],
            ["import", "Resident", "rows.csv", "--schema", "schema.civic", "--db", db.db],
        ]
        try folder.write("rows.csv", "id,name,age\nR10,甲,40\n")
        for command in commands {
            let ran = try civic(command, in: folder)
            #expect(ran.status == 2, "\(command)")
            #expect(ran.stderr.contains("\(name): this store was written by a newer Civic (format 99); this Civic reads up to format 1"),
                    "\(command): \(ran.stderr)")
            if kind == .sqlite {
                #expect(bytes(folder, "store.sqlite") == before, "\(command) changed the store")
            }
        }
        if let connection {
            // Put the format back, and read the rows: none changed.
            try connection.client.execute("UPDATE \(connection.namespace).civic_meta SET value = '1' WHERE name = 'format'")
            #expect(Data(try db.dump().utf8) == before)
        }
    }

    /// A store file its user may not write: runs that only read work, a run that writes fails and changes nothing.
    @Test func aReadOnlyStoreCanBeReadButNotWritten() throws {
        let (folder, _) = try seededFolder()
        try folder.write("read.civic", "use \"schema.civic\"\nfor r in Resident order by id { print \"{r.id} {r.points}\" }\n")
        try folder.write("more.csv", "id,reporter,severity\nE7,R2,3\n")
        // As root, permissions do not stop writes: run civic as the user nobody.
        var prefix: [String] = []
        if geteuid() == 0 {
            try #require(FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"), "runs as root without runuser")
            prefix = ["/usr/sbin/runuser", "-u", "nobody", "--", civicBinary.path]
            // Let nobody into the folder (it makes the store's -shm file there), not into the store.
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.url.path)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: folder.path("store.sqlite"))
        let before = try #require(bytes(folder, "store.sqlite"))
        func run(_ arguments: [String]) throws -> Ran {
            guard !prefix.isEmpty else { return try civic(arguments, in: folder) }
            return try command(prefix + arguments, in: folder)
        }
        let read = try run(["run", "read.civic", "--db", "store.sqlite"])
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout == "R1 2\nR2 0\n")
        let verify = try run(["verify", "--db", "store.sqlite"])
        #expect(verify.status == 0, "\(verify.stderr)")
        let write = try run(["run", "read.civic", "--db", "store.sqlite", "--events", "Report=more.csv"])
        #expect(write.status != 0)
        #expect(write.stderr.contains("the store store.sqlite is read-only: Civic cannot write to it"), "\(write.stderr)")
        #expect(bytes(folder, "store.sqlite") == before)
    }
}

/// Runs any command in `folder` (here: civic through runuser), output captured.
private func command(_ arguments: [String], in folder: TempFolder) throws -> Ran {
    let out = folder.url.appendingPathComponent(".out-\(UUID().uuidString)")
    let err = folder.url.appendingPathComponent(".err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    process.environment = environment([:])
    process.currentDirectoryURL = folder.url
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    try wait(process)
    return Ran(status: process.terminationStatus,
               stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
               stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
}
