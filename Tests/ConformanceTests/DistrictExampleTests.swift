import Foundation
import Testing
import Civic
import CivicPostgresTesting

// The example district (examples/district): its scripts run on a SQLite file
// as its README says (and on a PostgreSQL community), print what the README shows, and leave an assignment
// that keeps the promises of `assign` (buildings whole, at most 450, the
// balance guarantee), moving nothing when run again.

/// Lines a run printed.
private final class DistrictLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}

/// A copy of the example in a temporary folder, with a store of one engine
/// (for SQLite, a file beside it).
private final class DistrictCopy {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/district")
    let url: URL
    let place: TestStore
    let store: Store

    init(_ kind: StoreKind) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("civic-district-\(UUID().uuidString)")
        let files = FileManager.default
        try files.createDirectory(at: url.appendingPathComponent("data"), withIntermediateDirectories: true)
        for name in ["schema.civic", "main.civic", "move_in.civic", "data/buildings.csv", "data/households.csv",
                     "data/workers.csv", "data/moving_in.csv"] {
            try files.copyItem(at: DistrictCopy.example.appendingPathComponent(name), to: url.appendingPathComponent(name))
        }
        place = try TestStore(kind, sqlitePath: url.appendingPathComponent("district.sqlite").path)
        store = try place.open()
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Runs a script of the folder; gives its lines, or records its errors.
    func run(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let lines = DistrictLines()
        let engine = Engine(options: RunOptions(now: CivicTime(year: 2026, month: 11, day: 29, hour: 9)), store: store,
                            lines: { lines.append($0) })
        let result = engine.run(try Engine.readSource(path: url.appendingPathComponent(name).path))
        #expect(result.diagnostics.isEmpty, "\(name): \(engine.render(result.diagnostics))", sourceLocation: sourceLocation)
        return lines.all.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }
}

/// The lines of the README's code block that follows `marker`.
private func readmeBlock(after marker: String) throws -> [String] {
    let text = try String(contentsOf: DistrictCopy.example.appendingPathComponent("README.md"), encoding: .utf8)
    guard let at = text.range(of: marker), let open = text.range(of: "```\n", range: at.upperBound..<text.endIndex),
          let close = text.range(of: "\n```", range: open.upperBound..<text.endIndex) else {
        Issue.record("README.md has no code block after '\(marker)'")
        return []
    }
    return text[open.upperBound..<close.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}

/// Checks the stored assignment without `assign`: every household with a grid
/// worker, buildings whole, at most 450, and the balance guarantee.
private let checkScript = """
    entity Building  { key id: Text, compound: Text, floors: Number }
    entity Household { key id: Text, building: Text, compound: Text, members: Number, worker: Worker = none }
    entity Worker    { key id: Text, name: Text, role: Text }
    expect not (exists Household where worker == none)
    expect not (exists Household where worker.role != "grid")
    var heaviest = 0
    for b in Building {
      if exists Household where building == b.id {
        let w = (first Household where building == b.id).worker
        expect not (exists Household where building == b.id and worker != w)
        heaviest = max(heaviest, sum members of Household where building == b.id)
      }
    }
    let grid = Worker where role == "grid"
    let average = sum members of Household / count grid
    for w in grid {
      let load = sum members of Household where worker == w
      expect load <= average + heaviest
      expect load >= average - heaviest
      expect 450 >= count Household where worker == w
    }
    print "checked {count Household} households, {count grid} workers"
    """

@Suite(.serialized) struct DistrictExampleTests {
    @Test(arguments: TestStores.kinds)
    func theExampleRunsAsItsReadmeSays(_ kind: StoreKind) throws {
        let district = try DistrictCopy(kind)
        try district.write("check.civic", checkScript)

        let first = try district.run("main.civic")
        #expect(first == (try readmeBlock(after: "The first run loads")))
        #expect(first.count > 2 && first[1] == "assigned 4000 Household to 12 Worker: 0 moved, 0 not placed")
        #expect(try district.run("check.civic") == ["checked 4000 households, 12 workers"])

        let again = try district.run("main.civic")
        #expect(again.count > 2 && again[1] == "assigned 4000 Household to 12 Worker: 0 moved, 0 not placed")
        #expect(again.dropFirst(2) == first.dropFirst(2))

        let moved = try district.run("move_in.civic")
        #expect(moved == (try readmeBlock(after: "and assigns again")))
        #expect(moved.first?.hasPrefix("assigned 4060 Household to 12 Worker: ") == true)
        #expect(moved.first?.hasSuffix(" moved, 0 not placed") == true)
        #expect(try district.run("check.civic") == ["checked 4060 households, 12 workers"])

        let movedAgain = try district.run("move_in.civic")
        #expect(movedAgain.first == "assigned 4060 Household to 12 Worker: 0 moved, 0 not placed")
        #expect(movedAgain.dropFirst() == moved.dropFirst())
    }
}
