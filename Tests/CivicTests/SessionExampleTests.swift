import Foundation
import Testing
import Civic
import CivicPostgresTesting

// The example of docs/repl.md, "Embedding the session": the doc shows the
// function between the BEGIN and END lines (the docs tests check that it
// does), and the test below runs it on the example community's store.

// BEGIN docs/repl.md
/// A look at a store through a session, as `civic repl --db PATH` would give it.
func lookAround(storePath: String) throws {
    let session = Session(store: try SQLiteStore(path: storePath), lines: { print($0) })
    _ = session.start()                                 // opens the transaction, declares what the store holds
    let result = session.run("count Resident")          // prints 1097 for the example community
    if !result.succeeded { print(session.render(result.diagnostics)) }
    print(InputStatus(of: "entity Pet {"))              // incomplete(bracketOpen: true)
    print(session.completions(of: "Res", after: "show "))   // ["Resident"]
    _ = session.commit()
    _ = session.end(keep: true)
}
// END docs/repl.md

/// The example runs on a SQLite file, as the docs show it; what its comments
/// say it prints holds on every engine.
@Test(arguments: TestStores.kinds)
func theSessionExampleOfTheDocsRuns(_ kind: StoreKind) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let place = try TestStore(kind)
    let engine = Engine(store: try place.open(), lines: { _ in })
    try engine.execute(path: root.appendingPathComponent("examples/community/main.civic").path)
    if kind == .sqlite { try lookAround(storePath: place.db) }
    // What the comments of the example say it prints.
    let shown = OutputLines()
    let session = Session(store: try place.open(), lines: { shown.add($0) })
    _ = session.start()
    #expect(session.run("count Resident").succeeded)
    #expect(shown.all == ["1097"])
    #expect("\(InputStatus(of: "entity Pet {"))" == "incomplete(bracketOpen: true)")
    #expect(session.completions(of: "Res", after: "show ") == ["Resident"])
    _ = session.end(keep: false)
}

/// Lines a session wrote.
private final class OutputLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
