import Foundation
import Testing
@testable import Civic
import CivicStore
@testable import CivicRuntime
import CivicCheck

/// The conformance scripts, by path under Tests/conformance.
private let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("conformance")
private let scripts: [String] = {
    guard let e = FileManager.default.enumerator(atPath: corpus.path) else { return [] }
    return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".civic") }.sorted()
}()

/// An engine, its machine and its checker are freed when the code that
/// made them lets go, whatever the script did: compiled functions, rules,
/// programmes and tests hold no cycles (a process that embeds Civic and
/// runs many scripts must not grow; the fuzzers found such a leak).
@Suite struct EngineLifetimeTests {
    @Test func theCorpusIsThere() {
        #expect(scripts.count > 500)
    }

    @Test(arguments: scripts)
    func anEngineIsFreedAfterARun(_ path: String) throws {
        weak var engine: Engine?
        weak var machine: Machine?
        weak var checker: Checker?
        weak var function: CompiledFunction?
        do {
            let e = Engine(store: MemoryStore(), lines: { _ in })
            _ = e.run(try Engine.readSource(path: corpus.appendingPathComponent(path).path))
            engine = e
            machine = e.machine
            checker = e.checker
            function = e.machine?.functionTables.last?.functions.first
        }
        #expect(engine == nil, "the engine is still held after \(path)")
        #expect(machine == nil, "the machine is still held after \(path)")
        #expect(checker == nil, "the checker is still held after \(path)")
        #expect(function == nil, "a compiled function is still held after \(path)")
    }
}
