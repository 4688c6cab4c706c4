import CivicStore
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Crash safety: `civic run --events` applying 100,000 events to a SQLite
// store is killed with SIGKILL at 20 random moments: early (opening the
// store, the script), during the event loop, and after it (the books written
// in batches, the commit, the checkpoint). After each kill the store must
// open, `civic verify` must pass, and the store must hold exactly what it
// held before the run (or, when the kill came after the commit, exactly what
// an uninterrupted run leaves). Then running again must finish with exactly
// the books of a run that was never interrupted.
//
// The moments are random but reproducible: the test prints its seed, and
// CIVIC_CRASH_SEED=N runs it again with the same one. The kills are shared
// out between two stores killed side by side. In a debug build a run of the
// 100,000 events takes about 12 s of CPU time; the test as a whole about 12
// runs' worth (half a run per kill in the loop on average, a whole one per
// kill after it, the uninterrupted run and the run again): about a minute
// and a half on two free cores.

/// The rules: two awards with a monthly cap, a weekly cap and a budget
/// (PostgresCrashSafetyTests runs them too).
let crashRulesScript = """
    entity Resident { key id: Text, name: Text, building: Text }
    event HazardReport { reporter: Resident, kind: Text, severity: Number, verified: Bool }
    account points of Resident

    if count Resident == 0 { load Resident from "residents.csv" }

    rule "verified report" on HazardReport r when r.verified {
      award 5 + r.severity points to r.reporter for r.kind
      cap 40 per month
      budget 20000 per month
    }

    rule "urgent bonus" on HazardReport r when r.severity >= 4 {
      award 5 points to r.reporter
      cap 15 per week
    }

    """

private let residentCount = 500
private let eventCount = 100_000

/// The same numbers on every machine (SplitMix64).
struct SeededNumbers {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0 ..< n.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// A fraction in [0, 1).
    mutating func fraction() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// The residents, and `count` hazard reports from `first` on, in time order
/// over 2026-01-01 .. 2026-04-30; a busy few report a fifth of them.
func crashResidentsCSV() -> String {
    var text = "id,name,building\n"
    for i in 1...residentCount { text += "R\(i),居民\(i),B\(i % 40 + 1)\n" }
    return text
}

func crashEventsCSV(first: Int, count: Int, seed: UInt64) -> String {
    let kinds = ["fire", "water", "electric", "gas", "blocked exit", "structural"]
    var numbers = SeededNumbers(seed: seed)
    var text = "id,reporter,kind,severity,verified,at\n"
    text.reserveCapacity(count * 56)
    let seconds = 120 * 86_400
    for i in first..<(first + count) {
        let who = numbers.below(5) == 0 ? numbers.below(5) + 1 : numbers.below(residentCount) + 1
        let at = (i - first) * seconds / count
        let day = at / 86_400, second = at % 86_400
        let month = [31, 28, 31, 30].indices.first { m in day < [31, 59, 90, 120][m] } ?? 3
        let dayOfMonth = day - [0, 31, 59, 90][month] + 1
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let time = "2026-\(two(month + 1))-\(two(dayOfMonth))T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))"
        text += "E\(i),R\(who),\(kinds[numbers.below(kinds.count)]),\(numbers.below(5) + 1),\(numbers.below(5) < 3),\(time)\n"
    }
    return text
}

/// When a trial kills the run.
private enum KillMoment: CustomStringConvertible {
    /// A fraction of the time before the progress bar first shows.
    case early(Double)
    /// When the bar shows this many events applied.
    case events(Int)
    /// A fraction of the time from the last event to the end of the run.
    case afterEvents(Double)

    var description: String {
        switch self {
        case .early(let f): "early, at \(Int(f * 100))% of the time before the first events"
        case .events(let n): "in the event loop, at \(n) events"
        case .afterEvents(let f): "after the event loop (books, commit), at \(Int(f * 100))% of that time"
        }
    }

    /// 4 early, 11 in the loop, 5 after it, in an order and at places the seed decides.
    static func plan(seed: UInt64) -> [KillMoment] {
        var numbers = SeededNumbers(seed: seed)
        var moments: [KillMoment] = []
        for _ in 0..<4 { moments.append(.early(numbers.fraction())) }
        for _ in 0..<11 { moments.append(.events(1_000 * (1 + numbers.below(eventCount / 1_000 - 1)))) }
        for _ in 0..<5 { moments.append(.afterEvents(numbers.fraction())) }
        for i in stride(from: moments.count - 1, to: 0, by: -1) { moments.swapAt(i, numbers.below(i + 1)) }
        return moments
    }
}

/// The timings of the uninterrupted run: when the bar first showed, when the loop ended, when the run ended.
private struct Timings {
    var firstProgress: Double
    var loopEnded: Double
    var ended: Double
}

/// The whole content of a store (every entity, the books included), read by a new connection.
private func contents(_ folder: TempFolder, _ db: String) throws -> String {
    try SQLiteStore(path: folder.path(db)).dump()
}

/// Copies a store's file over another's, the other's journal files removed.
private func copyStore(_ folder: TempFolder, from source: String, to target: String) throws {
    let files = FileManager.default
    for suffix in ["", "-wal", "-shm", "-journal"] { try? files.removeItem(atPath: folder.path(target + suffix)) }
    try files.copyItem(atPath: folder.path(source), toPath: folder.path(target))
}

@Suite struct CrashSafetyTests {
    @Test func aRunKilledAtAnyMomentKeepsTheStoreWholeAndARunAgainFinishesIt() throws {
        let seed = ProcessInfo.processInfo.environment["CIVIC_CRASH_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...999_999)
        print("CrashSafetyTests: seed \(seed) (run again with CIVIC_CRASH_SEED=\(seed))")
        let testStart = Date()
        let folder = try TempFolder()
        try folder.write("rules.civic", crashRulesScript)
        try folder.write("residents.csv", crashResidentsCSV())
        try folder.write("before.csv", crashEventsCSV(first: 1, count: 300, seed: 1))
        try folder.write("events.csv", crashEventsCSV(first: 1_000, count: eventCount, seed: 2))
        let common = ["--now", "2026-05-01T09:00", "--operator", "crash-test"]
        let runArguments = ["run", "rules.civic", "--db", "STORE", "--events", "HazardReport=events.csv"] + common
        @Sendable func arguments(_ store: String) -> [String] { runArguments.map { $0 == "STORE" ? store : $0 } }

        // The store before: the residents, and some events already applied.
        let setup = try civic(["run", "rules.civic", "--db", "base.sqlite", "--events", "HazardReport=before.csv"] + common, in: folder)
        try #require(setup.status == 0, "\(setup.stderr)")
        let before = try contents(folder, "base.sqlite")
        try #require(before.contains("E1") && before.contains("R500"))

        // The uninterrupted run: what every interrupted one must come to.
        try copyStore(folder, from: "base.sqlite", to: "reference.sqlite")
        let reference = try CrashRun(arguments("reference.sqlite"), in: folder, events: eventCount)
        let referenceRun = try reference.finish()
        try #require(referenceRun.status == 0, "\(String(decoding: reference.terminal, as: UTF8.self))")
        #expect(referenceRun.stdout.contains("events read: \(eventCount) (\(eventCount) applied, 0 handled before)"))
        let timings = Timings(firstProgress: try #require(reference.firstProgress, "no progress bar"),
                              loopEnded: try #require(reference.loopEnded, "the progress bar never showed every event"),
                              ended: reference.elapsed)
        let after = try contents(folder, "reference.sqlite")
        try #require(after.count > before.count * 10)
        print("CrashSafetyTests: an uninterrupted run of \(eventCount) events takes \(Int(timings.ended * 1000)) ms "
              + "(events from \(Int(timings.firstProgress * 1000)) ms, the loop ends at \(Int(timings.loopEnded * 1000)) ms)")

        // Two stores, each killed at every other moment, side by side.
        let moments = KillMoment.plan(seed: seed)
        let lanes = 2
        let results = LaneResults(count: lanes)
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            let store = "lane\(lane).sqlite"
            let trials = stride(from: lane, to: moments.count, by: lanes).map { ($0, moments[$0]) }
            do {
                try copyStore(folder, from: "base.sqlite", to: store)
                for (index, moment) in trials {
                    let note = try killOnce(arguments(store), at: moment, timings: timings, store: store, in: folder,
                                            before: before, after: after)
                    results.add(lane, "trial \(index + 1), \(moment): \(note)")
                }
                // Running again finishes with exactly the books of the uninterrupted run.
                // (Each kill left the store as before, checked byte for byte
                // of its contents, so one store's run again stands for both.)
                guard lane == 0 else { return }
                let again = try civic(arguments(store), in: folder)
                if again.status != 0 { throw TrialFailure("the run after the kills failed: \(again.stderr)") }
                if try contents(folder, store) != after {
                    throw TrialFailure("the run after the kills left other contents than the uninterrupted run")
                }
            } catch {
                results.fail(lane, "\(error)")
            }
        }
        for line in results.lines { print("CrashSafetyTests: \(line)") }
        for failure in results.failures { Issue.record("seed \(seed): \(failure)") }
        print("CrashSafetyTests: seed \(seed), \(moments.count) kills, done in \(Int(Date().timeIntervalSince(testStart))) s")
    }
}

/// A failed trial, with what went wrong.
private struct TrialFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What the lanes found, gathered from their threads.
private final class LaneResults: @unchecked Sendable {
    private let lock = NSLock()
    private var notes: [[String]]
    private var failed: [String] = []

    init(count: Int) { notes = Array(repeating: [], count: count) }

    func add(_ lane: Int, _ note: String) { lock.withLock { notes[lane].append(note) } }
    func fail(_ lane: Int, _ failure: String) { lock.withLock { failed.append("store \(lane): \(failure)") } }

    var lines: [String] { lock.withLock { notes.flatMap { $0 } } }
    var failures: [String] { lock.withLock { failed } }
}

/// Runs once on `store`, killing the run at `moment`; then checks that the
/// store opens, passes `civic verify`, and holds what it held before the run
/// (or, if the run committed first, what the uninterrupted run left, and is
/// then put back as it was before). Says what happened.
private func killOnce(_ arguments: [String], at moment: KillMoment, timings: Timings, store: String, in folder: TempFolder,
                      before: String, after: String) throws -> String {
    let run = try CrashRun(arguments, in: folder, events: eventCount)
    switch moment {
    case .early(let fraction):
        try run.wait(untilElapsed: fraction * timings.firstProgress)
    case .events(let count):
        _ = try run.wait(until: { run.eventsApplied >= count })
    case .afterEvents(let fraction):
        if try run.wait(until: { run.loopEnded != nil }), let ended = run.loopEnded {
            // The time after the loop, as long as the uninterrupted run's, scaled by how
            // much slower or faster this run's loop was (the machine's load changes).
            let scale = ended / timings.loopEnded
            try run.wait(untilElapsed: ended + fraction * (timings.ended - timings.loopEnded) * scale)
        }
    }
    let killedAt = run.elapsed
    let killed = run.kill()
    if !killed {
        let status = try run.finish().status
        if status != 0 { throw TrialFailure("\(moment): the run failed by itself (exit status \(status))") }
    }
    let files = FileManager.default
    let journals = ["-wal", "-shm", "-journal"].filter { files.fileExists(atPath: folder.path(store + $0)) }
    let left = journals.isEmpty ? "no journal files" : "left " + journals.joined(separator: ", ")

    let verify = try civic(["verify", "--db", store], in: folder)
    if verify.status != 0 || !verify.stdout.contains("every invariant holds") {
        throw TrialFailure("\(moment): civic verify after the kill failed: \(verify.stdout)\(verify.stderr)")
    }
    let now = try contents(folder, store)
    if now == before {
        return killed ? "killed at \(Int(killedAt * 1000)) ms, \(left); the store is as before" : "the run ended first"
    }
    if now == after {
        // The run committed before it was killed: start the next trial from the store as before.
        try copyStore(folder, from: "base.sqlite", to: store)
        return killed ? "killed at \(Int(killedAt * 1000)) ms after the commit, \(left); the store holds the whole run"
                      : "the run ended before the kill; the store holds the whole run"
    }
    throw TrialFailure("\(moment): killed at \(Int(killedAt * 1000)) ms (\(left)), the store holds neither what it held before nor the whole run")
}
