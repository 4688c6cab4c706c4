import Foundation
import Testing
import Civic
import CivicPostgresTesting

// A cap counts what its rule gave in the calendar period, whichever run gave
// it: the totals come from the ledger, so a later run (a new engine over the
// same store) and events older than those already seen still respect it.

private final class Printed: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}

private let rules = """
    entity Resident { key id: Text, name: Text }
    account points of Resident
    event Report { reporter: Resident, severity: Number }
    rule "report" on Report r {
      award 4 points to r.reporter
      cap 10 per week
      cap 12 per month
    }
    rule "severe" on Report r when r.severity >= 4 {
      award 5 points to r.reporter
      cap 5 per day
    }

    """

/// Runs `body` after the rules on a new engine over `store`; gives what it printed, or its first error.
private func run(_ body: String, on store: Store) -> [String] {
    let printed = Printed()
    let engine = Engine(options: RunOptions(now: CivicTime(year: 2026, month: 11, day: 28, hour: 9)), store: store,
                        lines: { printed.append($0) })
    let result = engine.run(source: rules + body)
    if let d = result.diagnostics.first { return ["error: \(d.message)"] }
    return printed.all
}

@Suite struct CapsAcrossRuns {
    /// The stores these tests run on: memory, and every engine's.
    static let kinds: [StoreKind] = [.memory] + TestStores.kinds

    @Test(arguments: kinds)
    func capsHoldAcrossRunsAndForOlderEvents(_ kind: StoreKind) throws {
        let place = try TestStore(kind)
        // Run 1: Monday 2 November: 4 + 4 + 2 (the week's cap of 10).
        #expect(run("""
            let li = add Resident { id: "R1", name: "李四" }
            emit Report { id: "E1", reporter: li, severity: 1, at: 2026-11-02T09:00 }
            emit Report { id: "E2", reporter: li, severity: 1, at: 2026-11-02T10:00 }
            emit Report { id: "E3", reporter: li, severity: 1, at: 2026-11-03T10:00 }
            print li.points
            """, on: try place.open()) == ["10"], "\(kind)")
        // Run 2, a new engine on a new connection: the same week gives nothing more; the next
        // week gives 2 (the month's cap of 12); a severe report adds its own 5.
        #expect(run("""
            let li = first Resident where id == "R1"
            emit Report { id: "E4", reporter: li, severity: 1, at: 2026-11-04T09:00 }
            emit Report { id: "E5", reporter: li, severity: 4, at: 2026-11-10T09:00 }
            print li.points
            """, on: try place.open()) == ["17"], "\(kind)")
        // Run 3: an event older than any seen in run 2 (the first week
        // again), then December starts afresh; a second severe report the
        // same day gets nothing from "severe".
        #expect(run("""
            let li = first Resident where id == "R1"
            emit Report { id: "E6", reporter: li, severity: 4, at: 2026-11-10T18:00 }
            emit Report { id: "E7", reporter: li, severity: 1, at: 2026-11-01T09:00 }
            emit Report { id: "E8", reporter: li, severity: 1, at: 2026-12-01T09:00 }
            print li.points
            explain li.points
            """, on: try place.open()).first == "21", "\(kind)")
    }

    /// Within one run, a later event older than the ones before it still
    /// counts what was given in its own periods.
    @Test(arguments: kinds)
    func anOlderEventInTheSameRunSeesItsPeriods(_ kind: StoreKind) throws {
        let store = try TestStores.fresh(kind)
        #expect(run("""
            let li = add Resident { id: "R1", name: "李四" }
            emit Report { id: "A", reporter: li, severity: 1, at: 2026-11-20T09:00 }
            emit Report { id: "B", reporter: li, severity: 1, at: 2026-11-02T09:00 }
            emit Report { id: "C", reporter: li, severity: 1, at: 2026-11-03T09:00 }
            emit Report { id: "D", reporter: li, severity: 1, at: 2026-11-21T09:00 }
            print li.points
            """, on: store) == ["12"], "\(kind)")
    }

    /// A budget's total is kept as a row; `civic verify` checks it against
    /// the rule's awards in the period.
    @Test(arguments: TestStores.kinds)
    func verifyChecksBudgetsAgainstTheLedger(_ kind: StoreKind) throws {
        let place = try TestStore(kind)
        let store = try place.open()
        let budget = """
            rule "drill" on Report r {
              award 3 points to r.reporter
              budget 5 per month
            }
            let li = add Resident { id: "R1", name: "李四" }
            emit Report { id: "E1", reporter: li, severity: 1, at: 2026-11-02T09:00 }
            emit Report { id: "E2", reporter: li, severity: 1, at: 2026-11-03T09:00 }
            print li.points
            """
        #expect(run(budget, on: store) == ["13"])   // "report" 4 + 4, "drill" 3 + 2 (the budget's 5)
        #expect(Engine(store: store).verify() == [])
        try store.begin()
        try store.update("$window", key: .text("budget|drill|points|month|2026-11-01T00:00"), [("total", .number(Number(4)))])
        try store.commit()
        #expect(Engine(store: store).verify() == ["the budget window budget|drill|points|month|2026-11-01T00:00 holds 4, but its rule's awards add up to 5"])
    }
}
