import Civic
import CivicPostgresTesting
import Foundation
import Testing

// `civic copy`, `civic export` and `civic import --community` as a real
// process, on the time-bank example: the copy runs as the original does,
// the original file is not changed by a byte, a refused move leaves the
// target as it was (a target the command made is removed again), and
// nothing private is printed.

/// A folder with the time-bank example and its store `tb.sqlite`, filled as its README says.
private func timeBankFolder() throws -> TempFolder {
    let folder = try TempFolder()
    let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/time-bank")
    let files = FileManager.default
    try files.createDirectory(at: folder.url.appendingPathComponent("data"), withIntermediateDirectories: true)
    for name in ["schema.civic", "main.civic", "report.civic", "data/residents.csv", "data/services.csv", "data/gifts.csv", "data/used.csv"] {
        try files.copyItem(at: example.appendingPathComponent(name), to: folder.url.appendingPathComponent(name))
    }
    let ran = try civic(["run", "main.civic", "--db", "tb.sqlite", "--now", "2026-11-28T09:00",
                         "--events", "Service=data/services.csv", "--events", "Gift=data/gifts.csv", "--events", "Use=data/used.csv"], in: folder)
    #expect(ran.status == 0, "\(ran.stderr)")
    return folder
}

/// What the example's report prints from a store.
private func report(_ store: String, in folder: TempFolder) throws -> String {
    let ran = try civic(["run", "report.civic", "--db", store, "--now", "2026-11-28T09:00"], in: folder)
    #expect(ran.status == 0, "\(ran.stderr)")
    #expect(ran.stdout.count > 200)
    return ran.stdout
}

/// Runs a command line with `sh` in the folder, `civic` standing for the binary under test.
private func shell(_ command: String, in folder: TempFolder) throws -> Ran {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command.replacingOccurrences(of: "civic ", with: "'\(civicBinary.path)' ")]
    process.currentDirectoryURL = folder.url
    process.environment = environment(["NO_COLOR": "1"])
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Ran(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self), stderr: String(decoding: errors, as: UTF8.self))
}

/// No phone number of the example in what a command printed.
private func expectNothingPrivate(_ ran: Ran, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!(ran.stdout + ran.stderr).contains("13740825235"), "a private value was printed", sourceLocation: sourceLocation)
}

@Suite struct StoreMoveCLITests {
    @Test func copiesAStoreAndLeavesTheOriginalAsItWas() throws {
        let f = try timeBankFolder()
        let bytes = try Data(contentsOf: f.url.appendingPathComponent("tb.sqlite"))
        let copied = try civic(["copy", "tb.sqlite", "copy.sqlite"], in: f)
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.hasPrefix("copied SQLite file tb.sqlite into SQLite file copy.sqlite: "), "\(copied.stdout)")
        #expect(copied.stdout.contains("ledger entries; every invariant holds"))
        expectNothingPrivate(copied)
        #expect(try Data(contentsOf: f.url.appendingPathComponent("tb.sqlite")) == bytes)
        #expect(try civic(["verify", "--db", "copy.sqlite"], in: f).status == 0)
        #expect(try report("copy.sqlite", in: f) == report("tb.sqlite", in: f))
    }

    @Test func refusesWhatItCannotCopyAndLeavesTheTargetAsItWas() throws {
        let f = try timeBankFolder()
        #expect(try civic(["copy", "tb.sqlite", "copy.sqlite"], in: f).status == 0)
        let before = try Data(contentsOf: f.url.appendingPathComponent("copy.sqlite"))

        let again = try civic(["copy", "tb.sqlite", "copy.sqlite"], in: f)
        #expect(again.status == 1)
        #expect(again.stderr.contains("copy.sqlite is not empty"), "\(again.stderr)")
        #expect(again.stderr.contains("--replace"))
        #expect(try Data(contentsOf: f.url.appendingPathComponent("copy.sqlite")) == before)

        let missing = try civic(["copy", "missing.sqlite", "new.sqlite"], in: f)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("there is no store missing.sqlite"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: f.path("missing.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: f.path("new.sqlite")))

        let itself = try civic(["copy", "tb.sqlite", "./tb.sqlite", "--replace"], in: f)
        #expect(itself.status == 2)
        #expect(itself.stderr.contains("the same store"), "\(itself.stderr)")

        let replaced = try civic(["copy", "tb.sqlite", "copy.sqlite", "--replace"], in: f)
        #expect(replaced.status == 0, "\(replaced.stderr)")
    }

    @Test func refusesAStoreFromANewerCivic() throws {
        let f = try timeBankFolder()
        let changed = try shell("sqlite3 tb.sqlite \"UPDATE civic_meta SET value = '2' WHERE name = 'format'\"", in: f)
        #expect(changed.status == 0, "\(changed.stderr)")
        let ran = try civic(["copy", "tb.sqlite", "new.sqlite"], in: f)
        #expect(ran.status == 2)
        #expect(ran.stderr.contains("newer Civic"), "\(ran.stderr)")
        #expect(!FileManager.default.fileExists(atPath: f.path("new.sqlite")))
    }

    @Test func exportsAndImportsAWholeCommunity() throws {
        let f = try timeBankFolder()
        let exported = try civic(["export", "--db", "tb.sqlite", "tb.export"], in: f)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.hasPrefix("exported SQLite file tb.sqlite into tb.export: "), "\(exported.stdout)")
        expectNothingPrivate(exported)
        #expect(try f.read("tb.export").contains("13740825235"), "the export holds the private fields as they are")
        #expect(!FileManager.default.fileExists(atPath: f.path("tb.export.partial")))

        let over = try civic(["export", "--db", "tb.sqlite", "tb.export"], in: f)
        #expect(over.status == 2)
        #expect(over.stderr.contains("exists already"), "\(over.stderr)")

        let imported = try civic(["import", "--community", "tb.export", "--db", "imported.sqlite"], in: f)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("every invariant holds"), "\(imported.stdout)")
        expectNothingPrivate(imported)
        #expect(try report("imported.sqlite", in: f) == report("tb.sqlite", in: f))

        let piped = try shell("civic export --db tb.sqlite - | civic import --community - --db piped.sqlite", in: f)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(try report("piped.sqlite", in: f) == report("tb.sqlite", in: f))

        let usage = try civic(["import", "--community", "tb.export", "--schema", "schema.civic", "--db", "x.sqlite"], in: f)
        #expect(usage.status != 0)
        #expect(usage.stderr.contains("give no entity, file or --schema"), "\(usage.stderr)")
    }

    @Test func aDamagedExportImportsNothing() throws {
        let f = try timeBankFolder()
        #expect(try civic(["export", "--db", "tb.sqlite", "tb.export"], in: f).status == 0)
        let lines = try f.read("tb.export").split(separator: "\n").map(String.init)
        try f.write("cut.export", lines.dropLast(2).map { $0 + "\n" }.joined())
        let ran = try civic(["import", "--community", "cut.export", "--db", "new.sqlite"], in: f)
        #expect(ran.status == 1)
        #expect(ran.stderr.contains("cut.export ends at line \(lines.count - 2)"), "\(ran.stderr)")
        #expect(ran.stderr.contains("cut short"))
        #expect(!FileManager.default.fileExists(atPath: f.path("new.sqlite")), "the store the import made is removed")
        expectNothingPrivate(ran)
    }

    /// SQLite to PostgreSQL and back: the community runs as the file does.
    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func copiesToPostgresAndBack() throws {
        let f = try timeBankFolder()
        let server = try #require(TestPostgres.url)
        let community = "civic_test_cli_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0...UInt32.max))"
        let url = server + (server.contains("?") ? "&" : "?") + "community=\(community)"
        defer { try? PostgresStore(url: url).removeCommunity() }

        let there = try civic(["copy", "tb.sqlite", url], in: f)
        #expect(there.status == 0, "\(there.stderr)")
        #expect(there.stdout.contains("into PostgreSQL store"), "\(there.stdout)")
        expectNothingPrivate(there)
        #expect(try civic(["verify", "--db", url], in: f).status == 0)
        #expect(try report(url, in: f) == report("tb.sqlite", in: f))

        let again = try civic(["copy", "tb.sqlite", url], in: f)
        #expect(again.status == 1)
        #expect(again.stderr.contains("is not empty"), "\(again.stderr)")
        let replaced = try civic(["copy", "tb.sqlite", url, "--replace"], in: f)
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try report(url, in: f) == report("tb.sqlite", in: f))

        let back = try civic(["copy", url, "back.sqlite"], in: f)
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try report("back.sqlite", in: f) == report("tb.sqlite", in: f))

        let exported = try civic(["export", "--db", url, "pg.export"], in: f)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try civic(["export", "--db", "tb.sqlite", "file.export"], in: f).status == 0)
        #expect(try f.read("pg.export") == f.read("file.export"), "both engines export the same bytes")

        let missing = try civic(["copy", server + (server.contains("?") ? "&" : "?") + "community=\(community)_none", "x.sqlite"], in: f)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("there is no community"), "\(missing.stderr)")
    }
}
