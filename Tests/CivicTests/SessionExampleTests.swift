import Foundation
import Testing
import Civic

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

@Test func theSessionExampleOfTheDocsRuns() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("civic-session-example-\(UUID().uuidString).sqlite").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let engine = Engine(store: try SQLiteStore(path: path), lines: { _ in })
    try engine.execute(path: root.appendingPathComponent("examples/community/main.civic").path)
    try lookAround(storePath: path)
    // What the comments of the example say it prints.
    let shown = OutputLines()
    let session = Session(store: try SQLiteStore(path: path), lines: { shown.add($0) })
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
