import Foundation
import Testing
import Civic
import CivicPostgresTesting

/// The limits of a run through the embedding API: each stops the call with
/// its error, where the script was, and the store keeps nothing.
@Suite struct LimitsTests {
    /// An engine with one resident and 10 points, under `limits`.
    func engine(_ limits: Limits, store: Store = MemoryStore()) throws -> Engine {
        let engine = Engine(options: RunOptions(now: CivicTime(year: 2026, month: 11, day: 2, hour: 9)), store: store)
        try engine.execute("""
            entity Resident { key id: Text, name: Text }
            account points of Resident
            event Tick { who: Resident, turns: Number }
            rule "tick" on Tick t {
              award 1 points to t.who
              var n = 0
              while n < t.turns { n = n + 1 }
            }
            let zhang = add Resident { id: "R1", name: "张三" }
            award 10 points to zhang
            """)
        engine.options.limits = limits
        return engine
    }

    /// The error a call gave, rendered ("" if it did not fail).
    func failure(_ call: () throws -> Void) -> String {
        do {
            try call()
            return ""
        } catch {
            return (error as? CivicError)?.description ?? "not a CivicError: \(error)"
        }
    }

    /// Runs `script` expecting an error that contains `message`, then checks the store is as it was.
    func expectStopped(_ engine: Engine, _ script: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let said = failure { try engine.execute(script) }
        #expect(said.contains(message), "\(said)", sourceLocation: sourceLocation)
        #expect(try engine.balance("points", of: "R1") == 10, sourceLocation: sourceLocation)
        #expect(try engine.evaluate("count Resident").int == 1, sourceLocation: sourceLocation)
    }

    static let award = "award 5 points to first(Resident)\nadd Resident { id: \"R9\", name: \"王芳\" }\n"

    /// A script that loops for ever on line 4, column 7 (the engine remembers
    /// the variables of earlier runs, so each gets its own name).
    static func forever(_ name: String) -> String { award + "var \(name) = 0\nwhile true { \(name) = \(name) + 1 }" }

    @Test(arguments: TestStores.kinds)
    func eachLimitStopsTheRunAndKeepsNothing(_ kind: StoreKind) throws {
        let store = try TestStores.fresh(kind)
        let engine = try engine(Limits(maxSteps: 10_000, maxDepth: 50, maxMemory: 32_000_000, timeout: .seconds(30)), store: store)
        try expectStopped(engine, LimitsTests.forever("a"), "<input>:4:7: error: the script ran more than 10000 steps and was stopped")
        try expectStopped(engine, LimitsTests.award + "fn down(n) = down(n + 1)\nprint down(1)",
                          "functions called each other more than 50 deep")
        try expectStopped(engine, LimitsTests.award + "var s = \"ab\"\nwhile true { s = s + s }",
                          "<input>:4:18: error: the script needed more than 32 MB of memory and was stopped")
        // Many small lists: the heap is measured as they are made.
        engine.options.limits.maxSteps = 100_000_000
        try expectStopped(engine, LimitsTests.award + "var xs = []\nfor i in 1..100000000 { xs = append(xs, [i, i, i]) }",
                          "the script needed more than 32 MB of memory")
        try expectStopped(engine, LimitsTests.award + "let ys = sort(1..100000000, true)",
                          "the script needed more than 32 MB of memory")
        try expectStopped(engine, LimitsTests.award + "let t = repeat(\"ab\", 50000000)",
                          "the script needed more than 32 MB of memory")
        engine.options.limits = Limits(timeout: .milliseconds(200))
        let clock = ContinuousClock()
        let started = clock.now
        try expectStopped(engine, LimitsTests.forever("b"), "<input>:4:7: error: the script ran for more than 200 ms and was stopped")
        #expect(clock.now - started < .seconds(5))
    }

    @Test func limitsAreCountedAfreshForEachCall() throws {
        let engine = try engine(Limits(maxSteps: 1_000))
        // Each call may take up to 1,000 steps; together they take more.
        try engine.execute("var n = 0")
        for _ in 1...5 { try engine.execute("n = 0\nwhile n < 900 { n = n + 1 }") }
        #expect(try engine.emit("Tick", ["who": "R1", "turns": 900]))
        #expect(failure { try engine.emit("Tick", ["who": "R1", "turns": 2_000]) }.contains("more than 1000 steps"))
        #expect(try engine.balance("points", of: "R1") == 11)
    }

    @Test func anInterruptionStopsTheCall() throws {
        let engine = try engine(Limits())
        let interruption = Interruption()
        engine.options.interruption = interruption
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.2)
            interruption.request()
        }
        try expectStopped(engine, LimitsTests.forever("c"), "<input>:4:7: error: interrupted (Ctrl-C): the input was stopped")
        interruption.clear()
        try engine.execute("print 1")
    }

    @Test func aTestThatHitsALimitFailsAndTheNextRuns() {
        let engine = Engine(options: RunOptions(limits: Limits(maxSteps: 10_000, maxMemory: 16_000_000)))
        let report = engine.test(source: """
            test "runs forever" {
              expect error { while true { } }
            }
            test "doubles a list" {
              var xs = [1]
              while true { xs = xs + xs }
            }
            test "is fine" {
              expect 1 + 1 == 2
            }
            """)
        #expect(report.results.map(\.passed) == [false, false, true])
        #expect(report.results.first?.failures.map(\.message) == ["the script ran more than 10000 steps and was stopped"])
        #expect(report.results.dropFirst().first?.failures.map(\.message) == ["the script needed more than 16 MB of memory and was stopped"])
    }

    @Test func sizesAndTimesAreReadWithTheirUnits() {
        #expect(LimitText.size("512MB") == .some(512_000_000))
        #expect(LimitText.size("2GiB") == .some(2_147_483_648))
        #expect(LimitText.size("1.5 gb") == .some(1_500_000_000))
        #expect(LimitText.size("none") == .some(nil))
        #expect(LimitText.size("512") == nil)
        #expect(LimitText.size("512M") == nil)
        #expect(LimitText.size("MB") == nil)
        #expect(LimitText.duration("30s") == .some(.seconds(30)))
        #expect(LimitText.duration("1m30s") == .some(.seconds(90)))
        #expect(LimitText.duration("2min") == .some(.seconds(120)))
        #expect(LimitText.duration("1h") == .some(.seconds(3_600)))
        #expect(LimitText.duration("500ms") == .some(.milliseconds(500)))
        #expect(LimitText.duration("none") == .some(nil))
        #expect(LimitText.duration("30") == nil)
        #expect(LimitText.duration("30x") == nil)
        #expect(LimitText.duration("") == nil)
        #expect(LimitText.size(2 * 1_073_741_824) == "2 GiB")
        #expect(LimitText.size(64_000_000) == "64 MB")
        #expect(LimitText.time(.seconds(90)) == "90 s")
        #expect(LimitText.time(.seconds(120)) == "2 min")
        #expect(LimitText.time(.milliseconds(1_500)) == "1500 ms")
    }

    /// The reference says a List counts 32 bytes an item.
    @Test func anItemIs32Bytes() {
        #expect(Machine.bytesPerItem == 32)
    }
}
