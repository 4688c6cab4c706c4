import Foundation
import Testing
import Civic
import CivicPostgresTesting

// The time bank over time: one resident earns, spends and loses credits across
// two years. Every step is its own run — a new Engine over a new connection
// to the same store (a SQLite file, a PostgreSQL community), with the clock
// moved forward — as a district would run its scripts day
// after day. After each step the balances are read back and `verify()` must
// find nothing wrong with the books.

// MARK: - Helpers

/// Lines printed by one run.
private final class TimeBankLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}

/// A store of one engine (for SQLite, a file in a folder of its own) and a
/// folder for the events files beside it; removed when dropped.
private final class StoreFile {
    let folder: URL
    let store: TestStore

    init(_ kind: StoreKind) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("civic-time-bank-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try TestStore(kind, sqlitePath: folder.appendingPathComponent("community.sqlite").path)
    }

    /// A new connection to the store.
    func open() throws -> Store { try store.open() }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Writes a file beside the store (an events file) and gives its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

/// What one run gave back.
private struct Step {
    var lines: [String]
    var errors: [String]
    var stats: RunStats
    var problems: [String]
    var succeeded: Bool { errors.isEmpty }
}

private func at(_ iso: String) -> CivicTime {
    guard let t = CivicTime(iso: iso) else { fatalError("not a time: \(iso)") }
    return t
}

/// The schema every run of the time bank declares.
private let timeBankSchema = """
    entity Resident { key id: Text, name: Text, age: Number }
    account points of Resident
    account credits of Resident {
      expire after 1 year
      at most 1500
    }
    event Service { volunteer: Resident, hours: Number, service: Text }
    rule "volunteer service" on Service s {
      award s.hours credits to s.volunteer
      award s.hours * 10 points to s.volunteer
    }
    catalogue points {
      "Rice 5kg" costs 200, stock 1
      "Haircut" costs 80, at most 1 per month
    }
    let zhang = first Resident where id == "R1"
    let li = first Resident where id == "R2"

    """

/// Runs `body` (after the schema) as one run at `now`, on a new engine over a
/// new connection to the store file, and verifies the books afterwards.
private func step(_ file: StoreFile, _ now: String, _ body: String, events: [(String, String)] = [],
                  operatorName: String = "王芳") throws -> Step {
    let store = try file.open()
    let lines = TimeBankLines()
    var options = RunOptions(now: at(now), operatorName: operatorName)
    options.events = events
    let engine = Engine(options: options, store: store, lines: { lines.append($0) })
    let result = engine.run(source: timeBankSchema + body, name: "day-\(now).civic")
    let errors = result.diagnostics.map(\.message)
    // A table is one piece of output: split it into its lines.
    let printed = lines.all.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    return Step(lines: printed, errors: errors, stats: result.stats, problems: engine.verify())
}

/// Runs a step that must succeed and leave the books sound.
@discardableResult
private func ok(_ file: StoreFile, _ now: String, _ body: String, events: [(String, String)] = [],
                sourceLocation: SourceLocation = #_sourceLocation) throws -> Step {
    let s = try step(file, now, body, events: events)
    #expect(s.errors == [], "the run at \(now) failed", sourceLocation: sourceLocation)
    #expect(s.problems == [], "verify after the run at \(now)", sourceLocation: sourceLocation)
    return s
}

/// Every resident's balances at `now`, as "ID credits points" lines (reading
/// them is a run of its own: it is when credits that have expired leave).
private func balances(_ file: StoreFile, _ now: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
    try ok(file, now, "for r in Resident order by id { print r.id, r.credits, r.points }\n",
           sourceLocation: sourceLocation).lines
}

/// The dump of the whole store, read on a connection of its own.
private func dump(_ file: StoreFile) throws -> String {
    try file.open().dump()
}

// MARK: - Two years of one resident

@Suite(.serialized) struct TimeBank {
    @Test(arguments: TestStores.kinds)
    func twoYearsOfEarningSpendingAndExpiry(_ kind: StoreKind) throws {
        let file = try StoreFile(kind)
        try ok(file, "2025-01-01T09:00", """
            add Resident { id: "R1", name: "张三", age: 68 }
            add Resident { id: "R2", name: "李四", age: 41 }
            """)
        #expect(try balances(file, "2025-01-01T10:00") == ["R1 0 0", "R2 0 0"])

        // Earning: three services, three lots (A 5 → 2026-01-10, B 4 → 2026-03-15, C 6 → 2026-06-01).
        try ok(file, "2025-01-10T18:00", "emit Service { id: \"S1\", volunteer: zhang, hours: 5, service: \"陪老人就医\", at: 2025-01-10T15:00 }\n")
        #expect(try balances(file, "2025-01-10T18:30") == ["R1 5 50", "R2 0 0"])
        try ok(file, "2025-03-15T18:00", "emit Service { id: \"S2\", volunteer: zhang, hours: 4, service: \"楼道清扫\", at: 2025-03-15T15:00 }\n")
        #expect(try balances(file, "2025-03-15T18:30") == ["R1 9 90", "R2 0 0"])
        try ok(file, "2025-06-01T18:00", "emit Service { id: \"S3\", volunteer: zhang, hours: 6, service: \"儿童托管\", at: 2025-06-01T15:00 }\n")
        #expect(try balances(file, "2025-06-01T18:30") == ["R1 15 150", "R2 0 0"])

        // Spending: a charge takes from the oldest lot (A: 5 → 2).
        try ok(file, "2025-07-01T09:00", "charge 3 credits from zhang for \"上门维修\"\n")
        #expect(try balances(file, "2025-07-01T09:30") == ["R1 12 150", "R2 0 0"])

        // A redemption of points (no expiry on points).
        try ok(file, "2025-07-02T09:00", "redeem \"Haircut\" for zhang\n")
        #expect(try balances(file, "2025-07-02T09:30") == ["R1 12 70", "R2 0 0"])

        // A gift inside the family: 4 credits, from A (2, now empty) then B (4 → 2).
        try ok(file, "2025-08-01T09:00", "transfer 4 credits from zhang to li for \"给女儿\"\n")
        #expect(try balances(file, "2025-08-01T09:30") == ["R1 8 70", "R2 4 0"])
        // 李四 spends what she was given at once, so her lots play no part below.
        try ok(file, "2025-08-02T09:00", "charge 4 credits from li for \"家政服务\"\n")
        #expect(try balances(file, "2025-08-02T09:30") == ["R1 8 70", "R2 0 0"])

        // A year after S1: lot A has expired, but it was spent first, so nothing is lost.
        #expect(try balances(file, "2026-01-10T15:00") == ["R1 8 70", "R2 0 0"])
        let afterA = try ok(file, "2026-01-11T09:00", "explain zhang.credits\n").lines
        #expect(afterA.first == "张三's credits: 8, from 5 entries")
        #expect(!afterA.contains { $0.contains("expiry") })

        // A year after S2: what is left of lot B (2) expires, as an entry of its own.
        // Had the newest lot been spent first, B would have lost 4, not 2.
        #expect(try balances(file, "2026-03-15T14:59") == ["R1 8 70", "R2 0 0"])
        #expect(try balances(file, "2026-03-15T15:00") == ["R1 6 70", "R2 0 0"])
        let afterB = try ok(file, "2026-03-16T09:00", "explain zhang.credits\n").lines
        #expect(afterB.first == "张三's credits: 6, from 6 entries")
        let expiryB = afterB.filter { $0.contains("expiry") }
        #expect(expiryB.count == 1)
        #expect(expiryB.first?.hasPrefix("2026-03-15T15:00") == true)
        #expect(expiryB.first?.contains("-2") == true)
        #expect(expiryB.first?.contains("credits earned 2025-03-15 expired") == true)

        // More earning (lot D 10 → 2027-04-01), then a charge that empties C (6) and takes 1 from D.
        try ok(file, "2026-04-01T18:00", "emit Service { id: \"S4\", volunteer: zhang, hours: 10, service: \"独居老人探访\", at: 2026-04-01T15:00 }\n")
        #expect(try balances(file, "2026-04-01T18:30") == ["R1 16 170", "R2 0 0"])
        try ok(file, "2026-05-01T09:00", "charge 7 credits from zhang for \"助浴服务\"\n")
        #expect(try balances(file, "2026-05-01T09:30") == ["R1 9 170", "R2 0 0"])

        // Lot C expires empty: no entry, no change.
        #expect(try balances(file, "2026-06-01T16:00") == ["R1 9 170", "R2 0 0"])

        // A haircut in a new month: points only.
        try ok(file, "2026-06-02T09:00", "redeem \"Haircut\" for zhang\n")
        #expect(try balances(file, "2026-06-02T09:30") == ["R1 9 90", "R2 0 0"])

        // Lot E (3 → 2027-12-01).
        try ok(file, "2026-12-01T18:00", "emit Service { id: \"S5\", volunteer: zhang, hours: 3, service: \"消防演练协助\", at: 2026-12-01T15:00 }\n")
        #expect(try balances(file, "2026-12-01T18:30") == ["R1 12 120", "R2 0 0"])

        // A year after S4: the 9 left of lot D expire; E stays.
        #expect(try balances(file, "2027-04-01T14:00") == ["R1 12 120", "R2 0 0"])
        #expect(try balances(file, "2027-04-02T09:00") == ["R1 3 120", "R2 0 0"])

        // A last charge takes from E, the only lot left; then E expires.
        try ok(file, "2027-06-01T09:00", "charge 1 credits from zhang for \"理发\"\n")
        #expect(try balances(file, "2027-06-01T09:30") == ["R1 2 120", "R2 0 0"])
        #expect(try balances(file, "2027-12-31T09:00") == ["R1 0 120", "R2 0 0"])

        // Every expiry is an entry, dated when its lot expired, for what the lot still held.
        let end = try ok(file, "2027-12-31T10:00", "explain zhang.credits\n").lines
        #expect(end.first == "张三's credits: 0, from 12 entries")
        let expiries = end.filter { $0.contains("expiry") }
        #expect(expiries.count == 3)
        #expect(expiries.map { String($0.prefix(16)) } == ["2026-03-15T15:00", "2027-04-01T15:00", "2027-12-01T15:00"])
        #expect(expiries.map { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "" } == ["-2", "-9", "-2"])
        #expect(expiries.dropFirst().first?.contains("credits earned 2026-04-01 expired") == true)

        // Points never expire; the ledger names who ran each step.
        #expect(try dump(file).contains("王芳"))
    }

    /// The books stay sound at every step — checked by `ok` after each run —
    /// and `verify` finds a ledger entry edited behind the books' back.
    @Test(arguments: TestStores.kinds)
    func verifyFindsABalanceThatDisagreesWithItsEntries(_ kind: StoreKind) throws {
        let file = try StoreFile(kind)
        try ok(file, "2025-01-01T09:00", """
            add Resident { id: "R1", name: "张三", age: 68 }
            add Resident { id: "R2", name: "李四", age: 41 }
            """)
        try ok(file, "2025-01-02T09:00", "award 7 credits to zhang\n")
        let store = try file.open()
        try store.begin()
        try store.update(Books.balance, key: .text("credits|Resident|R1"), [("balance", .number(Number(8)))])
        try store.commit()
        let problems = Engine(store: store).verify()
        #expect(problems.contains { $0.contains("credits|Resident|R1") && $0.contains("8") })
    }

    /// The ledger's entries for an event keep the event: one missing (removed
    /// behind Civic's back) is reported.
    @Test(arguments: TestStores.kinds)
    func verifyFindsEntriesForAnEventThatIsGone(_ kind: StoreKind) throws {
        let file = try StoreFile(kind)
        try ok(file, "2025-01-01T09:00", "add Resident { id: \"R1\", name: \"张三\", age: 68 }\n")
        try ok(file, "2025-01-10T18:00", "emit Service { id: \"S1\", volunteer: zhang, hours: 5, service: \"陪老人就医\", at: 2025-01-10T15:00 }\n")
        let store = try file.open()
        #expect(Engine(store: store).verify() == [])
        try store.begin()
        try store.delete("Service", key: .text("S1"))
        try store.commit()
        #expect(Engine(store: store).verify().contains("the ledger has entries for Service S1, which is not stored"))
    }

    /// Credits given away keep the expiry they were earned with: a transfer is
    /// not an earning, so it cannot make credits last longer.
    @Test(arguments: TestStores.kinds)
    func transferredCreditsKeepTheirExpiry(_ kind: StoreKind) throws {
        let file = try StoreFile(kind)
        try ok(file, "2025-01-01T09:00", """
            add Resident { id: "R1", name: "张三", age: 68 }
            add Resident { id: "R2", name: "李四", age: 41 }
            """)
        try ok(file, "2025-01-10T18:00", "emit Service { id: \"S1\", volunteer: zhang, hours: 5, service: \"陪老人就医\", at: 2025-01-10T15:00 }\n")
        try ok(file, "2025-12-01T09:00", "transfer 5 credits from zhang to li for \"给女儿\"\n")
        #expect(try balances(file, "2025-12-01T09:30") == ["R1 0 50", "R2 5 0"])
        // The credits were earned 2025-01-10: they are gone a year later, whoever holds them.
        #expect(try balances(file, "2026-01-11T09:00") == ["R1 0 50", "R2 0 0"])
    }
}

// MARK: - Events applied twice

@Suite(.serialized) struct TimeBankEvents {
    static let servicesCSV = """
        id,volunteer,hours,service,at
        S-001,R1,2,陪老人就医,2026-11-02T09:00
        S-002,R2,3,楼道清扫,2026-11-03T10:00
        S-003,R1,1.5,儿童托管,2026-11-05T16:00
        S-004,R3,4,独居老人探访,2026-11-09T14:00
        S-005,R2,2,消防演练协助,2026-11-20T09:30

        """

    @Test(arguments: TestStores.kinds)
    func sameEventsFileTwiceChangesNothing(_ kind: StoreKind) throws {
        let file = try StoreFile(kind)
        try ok(file, "2026-11-01T09:00", """
            add Resident { id: "R1", name: "张三", age: 68 }
            add Resident { id: "R2", name: "李四", age: 41 }
            add Resident { id: "R3", name: "王五", age: 77 }
            """)
        let csv = try file.write("services.csv", TimeBankEvents.servicesCSV)
        let first = try ok(file, "2026-11-28T09:00", "", events: [("Service", csv)])
        #expect(first.stats.eventsHandled == 5)
        #expect(first.stats.eventsSkipped == 0)
        #expect(first.stats.rulesFired == 5)
        #expect(first.stats.awarded["credits"] == Number(literal: "12.5"))
        #expect(first.stats.awarded["points"] == Number(literal: "125"))
        #expect(first.stats.cuts == 0)
        let afterFirst = try balances(file, "2026-11-28T09:30")
        #expect(afterFirst == ["R1 3.5 35", "R2 5 50", "R3 4 40"])
        let before = try dump(file)

        let second = try ok(file, "2026-11-28T11:00", "", events: [("Service", csv)])
        #expect(second.stats.eventsHandled == 0)
        #expect(second.stats.eventsSkipped == 5)
        #expect(second.stats.rulesFired == 0)
        #expect(second.stats.awarded.values.allSatisfy { $0 == Number.zero })
        #expect(try dump(file) == before)
        #expect(try balances(file, "2026-11-28T11:30") == afterFirst)
    }

    @Test(arguments: TestStores.kinds)
    func eventsFileWithSomeEventsSeenBefore(_ kind: StoreKind) throws {
        let file = try StoreFile(kind)
        try ok(file, "2026-11-01T09:00", """
            add Resident { id: "R1", name: "张三", age: 68 }
            add Resident { id: "R2", name: "李四", age: 41 }
            add Resident { id: "R3", name: "王五", age: 77 }
            """)
        let firstTwo = TimeBankEvents.servicesCSV.split(separator: "\n").prefix(3).joined(separator: "\n") + "\n"
        try ok(file, "2026-11-04T09:00", "", events: [("Service", try file.write("early.csv", firstTwo))])
        #expect(try balances(file, "2026-11-04T09:30") == ["R1 2 20", "R2 3 30", "R3 0 0"])
        let all = try ok(file, "2026-11-28T09:00", "", events: [("Service", try file.write("all.csv", TimeBankEvents.servicesCSV))])
        #expect(all.stats.eventsHandled == 3)
        #expect(all.stats.eventsSkipped == 2)
        #expect(try balances(file, "2026-11-28T09:30") == ["R1 3.5 35", "R2 5 50", "R3 4 40"])
    }
}

// MARK: - Failed redemptions

@Suite(.serialized) struct TimeBankRedemptions {
    /// 张三 has 300 points and had a haircut this month; 李四 has 100 points;
    /// the one bag of rice is gone.
    fileprivate func seeded(_ kind: StoreKind) throws -> StoreFile {
        let file = try StoreFile(kind)
        try ok(file, "2026-11-01T09:00", """
            add Resident { id: "R1", name: "张三", age: 68 }
            add Resident { id: "R2", name: "李四", age: 41 }
            add Resident { id: "R3", name: "王五", age: 77 }
            """)
        try ok(file, "2026-11-02T09:00", """
            award 580 points to zhang for "年度志愿者"
            award 100 points to li for "隐患上报"
            award 300 points to (first Resident where id == "R3")
            """)
        try ok(file, "2026-11-03T09:00", "redeem \"Rice 5kg\" for (first Resident where id == \"R3\")\n")
        try ok(file, "2026-11-04T09:00", "redeem \"Haircut\" for zhang\n")
        #expect(try balances(file, "2026-11-04T09:30") == ["R1 0 500", "R2 0 100", "R3 0 100"])
        return file
    }

    /// Runs a failing redemption and checks that the store is exactly as before.
    fileprivate func refused(_ file: StoreFile, _ body: String, _ message: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try dump(file)
        let s = try step(file, "2026-11-20T09:00", body)
        #expect(s.errors == [message], sourceLocation: sourceLocation)
        #expect(s.problems == [], sourceLocation: sourceLocation)
        #expect(try dump(file) == before, "the failed run changed the store", sourceLocation: sourceLocation)
    }

    @Test(arguments: TestStores.kinds)
    func tooFewPointsChangesNothing(_ kind: StoreKind) throws {
        let file = try seeded(kind)
        try refused(file, "redeem \"Haircut\" for li\nredeem \"Haircut\" for li\n",
                    "李四's balance 20 is below the cost 80 of Haircut")
        try refused(file, "redeem \"Rice 5kg\" for li\n", "李四's balance 100 is below the cost 200 of Rice 5kg")
        #expect(try balances(file, "2026-11-21T09:00") == ["R1 0 500", "R2 0 100", "R3 0 100"])
    }

    @Test(arguments: TestStores.kinds)
    func outOfStockChangesNothing(_ kind: StoreKind) throws {
        let file = try seeded(kind)
        try refused(file, "redeem \"Rice 5kg\" for zhang\n", "Rice 5kg is out of stock")
        // Nor is anything done earlier in the same run kept.
        try refused(file, "award 50 points to li for \"fire drill\"\nredeem \"Rice 5kg\" for zhang\n", "Rice 5kg is out of stock")
        #expect(try balances(file, "2026-11-21T09:00") == ["R1 0 500", "R2 0 100", "R3 0 100"])
    }

    @Test(arguments: TestStores.kinds)
    func overTheMonthlyLimitChangesNothing(_ kind: StoreKind) throws {
        let file = try seeded(kind)
        try refused(file, "redeem \"Haircut\" for zhang\n",
                    "张三 has already redeemed Haircut 1 time this month (at most 1 per month)")
        // In December the limit starts again.
        try ok(file, "2026-12-01T09:00", "redeem \"Haircut\" for zhang\n")
        #expect(try balances(file, "2026-12-01T09:30") == ["R1 0 420", "R2 0 100", "R3 0 100"])
    }
}
