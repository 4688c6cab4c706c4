import CivicPostgresTesting
import Foundation
import Testing

// Crash safety on PostgreSQL, the counterpart of CrashSafetyTests: a client
// (`civic run --events` on a community) killed with SIGKILL in the middle of
// its event loop leaves the community exactly as it was — the server rolls
// the open transaction back when the connection drops — and `civic verify`
// passes; the same run then finishes with exactly the books of a run that
// was never interrupted. (A kill after the commit is the SQLite test's
// concern: what a server has committed is the server's to keep.)

@Suite struct PostgresCrashSafetyTests {
    static let events = 6_000

    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func aClientKilledInTheMiddleOfARunLeavesTheCommunityAsItWas() throws {
        let folder = try TempFolder()
        try folder.write("rules.civic", crashRulesScript)
        try folder.write("residents.csv", crashResidentsCSV())
        try folder.write("before.csv", crashEventsCSV(first: 1, count: 300, seed: 1))
        try folder.write("events.csv", crashEventsCSV(first: 1_000, count: Self.events, seed: 2))
        let common = ["--now", "2026-05-01T09:00", "--operator", "crash-test"]
        let killed = try CLIStore(.postgres, in: folder), reference = try CLIStore(.postgres, in: folder)
        func run(_ db: CLIStore) -> [String] { ["run", "rules.civic", "--db", db.db, "--events", "HazardReport=events.csv"] + common }

        // Both communities before: the residents, and some events already applied.
        for db in [killed, reference] {
            let setup = try civic(["run", "rules.civic", "--db", db.db, "--events", "HazardReport=before.csv"] + common, in: folder)
            try #require(setup.status == 0, "\(setup.stderr)")
        }
        let before = try killed.dump()
        try #require(before.contains("E1") && before.contains("R500"))
        #expect(try reference.dump() == before)

        // The uninterrupted run: what the interrupted one must come to.
        let whole = try civic(run(reference), in: folder)
        try #require(whole.status == 0, "\(whole.stderr)")
        #expect(whole.stdout.contains("events read: \(Self.events) (\(Self.events) applied, 0 handled before)"), "\(whole.stdout)")
        let after = try reference.dump()
        try #require(after.count > before.count * 2)

        for count in [1_000, 3_000, 5_000] {
            let started = try CrashRun(run(killed), in: folder, events: Self.events)
            let reached = try started.wait(until: { started.eventsApplied >= count })
            try #require(reached, "the run ended before \(count) events: \(String(decoding: started.terminal, as: UTF8.self))")
            #expect(started.kill(), "the run was killed at \(count) events")
            // The server rolls back as the connection drops; verify waits for the community's lock until it has.
            let verify = try civic(["verify", "--db", killed.db], in: folder)
            #expect(verify.status == 0 && verify.stdout.contains("every invariant holds"), "\(verify.stdout)\(verify.stderr)")
            #expect(try killed.dump() == before, "killed at \(count) events, the community is not as it was")
        }

        let again = try civic(run(killed), in: folder)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try killed.dump() == after, "the run after the kills left other books than the uninterrupted run")
    }
}
