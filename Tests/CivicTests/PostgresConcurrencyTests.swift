import Foundation
import Testing
import Civic
import CivicPostgresTesting

/// Eight staff at once on one PostgreSQL community: each emits the same
/// events (in a different order) and redeems from the same balances, while
/// two more verify the books again and again, each on a snapshot. After
/// them, `civic verify` passes, no balance is below zero, no event was
/// applied twice, and the books hold what the same work gives when one
/// client does it alone, on a community of its own.
///
/// `CIVIC_CONCURRENCY_SECONDS` makes the clients go on, round after round of
/// new events, for that long (`.ci/run` gives the minute: 60); by
/// default one round.
@Suite struct PostgresConcurrencyTests {
    static let rules = """
        entity Resident { key id: Text, name: Text }
        account points of Resident
        event Volunteered { resident: Resident, hours: Number }
        rule "volunteering" on Volunteered v {
          award v.hours * 10 points to v.resident
        }
        catalogue points {
          "Rice 5kg" costs 30
        }
        """
    static let residents = ["R1", "R2", "R3", "R4"]
    static let clients = 8
    static let readers = 2
    static let eventsPerRound = 40
    static let clock = RunOptions(now: CivicTime(year: 2026, month: 11, day: 2, hour: 9))

    /// One client: its own connection to the community, its own engine.
    static func client(_ location: PostgresLocation) throws -> Engine {
        let engine = Engine(options: clock, store: try PostgresStore(location: location))
        try engine.execute(rules)
        return engine
    }

    /// The events of a round, as client `c` emits them: all of them, starting at its own place.
    static func events(round: Int, client c: Int) -> [(id: String, resident: String, hours: Int)] {
        (0..<eventsPerRound).map { i in
            let n = (i + c * 5) % eventsPerRound
            return ("round\(round)-event\(n)", residents[n % residents.count], 1 + n % 3)
        }
    }

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func eightClientsNeverOverdrawAndApplyEachEventOnce() throws {
        let community = try TestPostgres.store()
        let location = community.location
        let setup = Engine(options: PostgresConcurrencyTests.clock, store: community)
        try setup.execute(PostgresConcurrencyTests.rules + "\n" + PostgresConcurrencyTests.residents.map {
            "add Resident { id: \"\($0)\", name: \"\($0)\" }"
        }.joined(separator: "\n"))
        let seconds = Double(ProcessInfo.processInfo.environment["CIVIC_CONCURRENCY_SECONDS"] ?? "") ?? 0
        let deadline = Date().addingTimeInterval(seconds)
        let tally = Tally()
        let group = DispatchGroup()
        let writersDone = Flag()
        for r in 0..<PostgresConcurrencyTests.readers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    let engine = try PostgresConcurrencyTests.client(location)
                    repeat {
                        let problems = engine.verify()
                        tally.verified(problems.map { "reader \(r): \($0)" })
                    } while !writersDone.isSet
                } catch {
                    tally.failed("reader \(r): \(error)")
                }
            }
        }
        let writers = DispatchGroup()
        for c in 0..<PostgresConcurrencyTests.clients {
            writers.enter()
            Thread.detachNewThread {
                defer { writers.leave() }
                do {
                    let engine = try PostgresConcurrencyTests.client(location)
                    var round = 0
                    repeat {
                        for e in PostgresConcurrencyTests.events(round: round, client: c) {
                            if try engine.emit("Volunteered", ["id": .text(e.id), "resident": .text(e.resident),
                                                               "hours": .number(Number(e.hours))]) {
                                tally.emitted(e.id)
                            }
                            // Redeeming may find too few points: that run fails and changes nothing.
                            do {
                                try engine.execute("redeem \"Rice 5kg\" for (first Resident where id == \"\(e.resident)\")")
                                tally.redeemed(e.resident)
                            } catch let error as CivicError where error.description.contains("is below the cost") {
                                tally.refused()
                            }
                        }
                        round += 1
                    } while Date() < deadline
                    tally.rounds(round)
                } catch {
                    tally.failed("client \(c): \(error)")
                }
            }
        }
        writers.wait()
        writersDone.set()
        group.wait()
        #expect(tally.failures.isEmpty, "\(tally.failures)")
        #expect(tally.readerProblems.isEmpty, "a reader found the books not adding up: \(tally.readerProblems.prefix(5))")
        #expect(tally.verifications > 0, "no reader verified the books while the clients ran")
        #expect(Engine.verify(community).isEmpty, "civic verify: \(Engine.verify(community))")
        // Each event applied once: every id emitted by exactly one client.
        #expect(tally.duplicates.isEmpty, "events applied twice: \(tally.duplicates)")
        // The same work by one client awards the same (each resident: its events' hours × 10).
        var awarded: [String: Int] = [:]
        for round in 0..<tally.maxRounds {
            for e in PostgresConcurrencyTests.events(round: round, client: 0) { awarded[e.resident, default: 0] += e.hours * 10 }
        }
        for r in PostgresConcurrencyTests.residents {
            let balance = try setup.balance("points", of: .text(r), entity: "Resident")
            #expect(balance >= .zero, "\(r) is overdrawn: \(balance)")
            #expect(balance == Number(awarded[r, default: 0] - 30 * tally.redemptions[r, default: 0]),
                    "\(r): awarded \(awarded[r, default: 0]), redeemed \(tally.redemptions[r, default: 0]) times, balance \(balance)")
        }
        #expect(tally.emittedIDs.count == tally.maxRounds * PostgresConcurrencyTests.eventsPerRound)
        #expect(tally.redemptions.values.reduce(0, +) > 0, "no client redeemed anything: the test tested nothing")

        // The same work by one client alone, on a community of its own: the
        // same events, then the redemptions that went through.
        let alone = try TestPostgres.store()
        let one = Engine(options: PostgresConcurrencyTests.clock, store: alone)
        try one.execute(PostgresConcurrencyTests.rules + "\n" + PostgresConcurrencyTests.residents.map {
            "add Resident { id: \"\($0)\", name: \"\($0)\" }"
        }.joined(separator: "\n"))
        for round in 0..<tally.maxRounds {
            for e in PostgresConcurrencyTests.events(round: round, client: 0) {
                #expect(try one.emit("Volunteered", ["id": .text(e.id), "resident": .text(e.resident), "hours": .number(Number(e.hours))]))
            }
        }
        for (resident, times) in tally.redemptions.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<times { try one.execute("redeem \"Rice 5kg\" for (first Resident where id == \"\(resident)\")") }
        }
        #expect(Engine.verify(alone).isEmpty)
        let totals = "for r in Resident order by id { print \"{r.id} {r.points}\" }\nprint count Volunteered\n"
        #expect(try PostgresConcurrencyTests.output(of: totals, on: community) == PostgresConcurrencyTests.output(of: totals, on: alone))
        #expect(try PostgresConcurrencyTests.ledgerTotals(community) == PostgresConcurrencyTests.ledgerTotals(alone))
        print("8 clients and 2 readers, \(tally.maxRounds) round(s): \(tally.emittedIDs.count) events, \(tally.redemptions.values.reduce(0, +)) redemptions, \(tally.refusals) refused for too few points, \(tally.verifications) verifications")
        alone.close()
    }

    /// What a script prints on a store.
    static func output(of script: String, on store: Store) throws -> [String] {
        let printed = Printed()
        let engine = Engine(options: clock, store: store, lines: { printed.append($0) })
        try engine.execute(rules + "\n" + script)
        return printed.lines
    }

    /// The ledger summed per holder, account and kind of entry.
    static func ledgerTotals(_ store: Store) throws -> [String: Number] {
        var totals: [String: Number] = [:]
        for row in try store.fetch(StoreQuery(entity: Books.ledger), []) {
            guard case .text(let holder)? = row["holder_key"], case .text(let account)? = row["account"],
                  case .text(let kind)? = row["kind"], case .number(let amount)? = row["amount"] else { continue }
            let k = "\(holder) \(account) \(kind)"
            totals[k] = try (totals[k] ?? .zero).adding(amount)
        }
        return totals
    }
}

/// Lines printed, kept under a lock.
final class Printed: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String] = []
    var lines: [String] { lock.withLock { kept } }
    func append(_ line: String) { lock.withLock { kept.append(line) } }
}

/// Set once, by the main thread, when the writing clients are done.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// What the clients did, counted under a lock.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var emittedIDs = Set<String>()
    private(set) var duplicates: [String] = []
    private(set) var redemptions: [String: Int] = [:]
    private(set) var failures: [String] = []
    private(set) var maxRounds = 0
    private(set) var readerProblems: [String] = []
    private(set) var verifications = 0
    func verified(_ problems: [String]) { lock.withLock { verifications += 1; readerProblems += problems } }

    func emitted(_ id: String) { lock.withLock { if !emittedIDs.insert(id).inserted { duplicates.append(id) } } }
    func redeemed(_ resident: String) { lock.withLock { redemptions[resident, default: 0] += 1 } }
    private(set) var refusals = 0
    func refused() { lock.withLock { refusals += 1 } }
    func failed(_ message: String) { lock.withLock { failures.append(message) } }
    func rounds(_ n: Int) { lock.withLock { maxRounds = max(maxRounds, n) } }
}
