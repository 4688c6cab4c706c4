import Foundation
import Testing
import Civic
import CivicPostgresTesting

// The export file of a whole store (`civic export`, `civic import
// --community`): read back into any engine it is the store it was written
// from; damaged, cut short, changed by hand or from a newer Civic, it is
// refused at its line and imports nothing.

/// The export of a store, as text.
func exported(_ store: Store) throws -> String {
    var text = ""
    _ = try Engine.export(store) { (piece: String) throws(StoreError) in text += piece }
    return text
}

/// The export's lines (without the last newline).
func lines(of text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

@Suite struct StoreExportTests {
    /// An export of a time bank (with rows that refer to later rows), read
    /// back into another engine: the same store, which exports the same bytes
    /// (`StoreMoveTests` runs it for every pair of engines).
    func roundTrip(_ from: MoveEngine, _ to: MoveEngine) throws {
        let stores = try MoveStores()
        let original = try stores.make(from)
        try TimeBank.fill(original)
        _ = runScript(referencesScript, on: original)
        let text = try exported(original)
        #expect(try exported(original) == text, "the same store exports to the same bytes")
        #expect(text.hasPrefix("{\"civic\":\"store export\",\"format\":1}\n"))
        #expect(!text.contains("E+") && !text.contains("e-"), "no number is written in floating point")
        let copy = try stores.make(to)
        let summary = try Engine.importStore(Array(text.utf8), name: "tb.export", into: copy)
        try expectSameContents(original, copy)
        #expect(Engine.verify(copy).isEmpty)
        #expect(Engine.ledgerEntries(summary) == (try original.fetch(StoreQuery(entity: "$ledger"), []).count))
        #expect(try exported(copy) == text)
    }

    /// Each damaged file, and the line its error must name (0: none).
    static func damaged(_ good: [String]) -> [(what: String, text: String, says: String)] {
        let joined = { (lines: [String]) in lines.map { $0 + "\n" }.joined() }
        let last = good.count
        let firstRow = (good.firstIndex { $0.hasPrefix("[") } ?? 0) + 1
        let lastRow = good.lastIndex { $0.hasPrefix("[") } ?? 0
        let phone = (good.firstIndex { $0.contains("13740825235") } ?? 0)
        var changed = good
        changed[phone] = changed[phone].replacingOccurrences(of: "13740825235", with: "13740825236")
        var short = good
        let row = short[firstRow - 1]
        short[firstRow - 1] = row.lastIndex(of: ",").map { row[..<$0] + "]" } ?? "[]"
        var garbage = good
        garbage[4] = "this is not JSON"
        var newer = good
        newer[0] = "{\"civic\":\"store export\",\"format\":2}"
        var crlf = good
        crlf[2] += "\r"
        return [
            ("cut short", joined(Array(good.prefix(lastRow))), "ends at line \(lastRow) inside the rows"),
            ("cut inside a line", String(joined(good).dropLast(good[last - 1].count + 11)), "line \(last - 1): this line is not a JSON value"),
            ("changed by hand", joined(changed), "line \(last): the file's checksum does not match"),
            ("a row short of a value", joined(short), "line \(firstRow): row 1 of"),
            ("a line that is not JSON", joined(garbage), "line 5: this line is not a JSON value"),
            ("from a newer Civic", joined(newer), "written by a newer Civic (export format 2)"),
            ("lines ending in CRLF", joined(crlf), "line \(last): the file's checksum does not match"),
            ("more after the end", joined(good) + "{}\n", "line \(last + 1)"),
            ("empty", "", "is empty"),
            ("a CSV file", "id,name\nR1,An\n", "line 1: this is not a Civic store export"),
        ]
    }

    /// Every damaged file is refused, names its line, shows no private
    /// value, and leaves the target as it was: empty, or (asked to replace
    /// it) holding what it held.
    func refusals(_ engine: MoveEngine) throws {
        let stores = try MoveStores()
        let original = try stores.make(.sqlite)
        try TimeBank.fill(original)
        let good = lines(of: try exported(original))
        let empty = try stores.make(engine)
        let full = try stores.make(engine)
        _ = runScript(referencesScript, on: full)
        let before = try full.dump()
        for (what, text, says) in StoreExportTests.damaged(good) {
            let error = #expect(throws: StoreError.self, "\(what)") {
                try Engine.importStore(Array(text.utf8), name: "tb.export", into: empty)
            }
            #expect(error?.description.contains(says) == true, "\(what): \(String(describing: error))")
            #expect(error?.description.contains("1374082523") == false, "\(what): a private value is shown")
            #expect(try empty.storedSchema().entities.isEmpty, "\(what)")
            #expect(throws: StoreError.self, "\(what)") {
                try Engine.importStore(Array(text.utf8), name: "tb.export", into: full, replace: true)
            }
            #expect(try full.dump() == before, "\(what)")
        }
    }

    @Test(arguments: [MoveEngine.sqlite, .memory])
    func aDamagedFileImportsNothing(_ engine: MoveEngine) throws {
        try refusals(engine)
    }

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func aDamagedFileImportsNothingIntoPostgres() throws {
        try refusals(.postgres)
    }
}
