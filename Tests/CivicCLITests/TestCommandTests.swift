import Foundation
import Testing
import CivicPostgresTesting

// `civic test`, run as a real process: finding scripts, reporting failures
// with their lines and values, the summary line, `--filter`, exit statuses.

private let rules = """
    entity Resident { key id: Text, name: Text }
    account points of Resident
    event HazardReport { reporter: Resident, severity: Number }
    rule "hazard report" on HazardReport r {
      award 5 + r.severity points to r.reporter
      cap 20 per month
    }
    load Resident from "residents.csv"
    print "the rules ran"

    """

private let tests = """
    use "rules.civic"

    test "reports are capped" {
      clock 2026-11-02T09:00
      let zhang = add Resident { id: "R1", name: "张三" }
      for i in 1..5 { emit HazardReport { reporter: zhang, severity: 2 } }
      expect zhang.points == 20
    }

    test "a wrong expectation" {
      let li = add Resident { id: "R2", name: "李四" }
      emit HazardReport { reporter: li, severity: 1 }
      print "li has {li.points}"
      expect li.points == 7
    }

    """

/// A folder holding the rules (which load a file that is not there: tests
/// do not run a script's actions) and their tests.
private func community() throws -> TempFolder {
    let folder = try TempFolder()
    try folder.write("rules.civic", rules)
    try folder.write("rules_test.civic", tests)
    return folder
}

@Suite struct TestCommandTests {
    @Test func failuresNameTheLineAndTheValues() throws {
        let folder = try community()
        let ran = try civic(["test"], in: folder, env: ["NO_COLOR": "1"])
        #expect(ran.status == 1)
        #expect(ran.stdout.contains("FAIL rules_test.civic:10 a wrong expectation"), "\(ran.stdout)")
        #expect(ran.stdout.contains("rules_test.civic:14:10: error: li.points is 6, expected 7"), "\(ran.stdout)")
        #expect(ran.stdout.contains("14 |   expect li.points == 7"), "\(ran.stdout)")
        #expect(ran.stdout.contains("li has 6"), "what a failing test printed is shown: \(ran.stdout)")
        #expect(!ran.stdout.contains("reports are capped"), "a passing test is not listed: \(ran.stdout)")
        #expect(!ran.stdout.contains("the rules ran"), "top-level actions do not run: \(ran.stdout)")
        #expect(ran.stdout.hasSuffix("1 passed, 1 failed\n"), "\(ran.stdout)")
        #expect(ran.stderr == "")
    }

    @Test func filterRunsASubset() throws {
        let folder = try community()
        let ran = try civic(["test", "--filter", "CAPPED", "rules_test.civic"], in: folder)
        #expect(ran.status == 0, "\(ran.stdout)\(ran.stderr)")
        #expect(ran.stdout == "1 passed, 0 failed\n")
    }

    @Test func verboseListsEveryTest() throws {
        let folder = try community()
        let ran = try civic(["test", "--verbose", "--filter", "capped"], in: folder, env: ["NO_COLOR": "1"])
        #expect(ran.status == 0)
        #expect(ran.stdout == "PASS rules_test.civic:3 reports are capped\n1 passed, 0 failed\n")
    }

    @Test func onSQLiteTheSame() throws {
        let folder = try community()
        let memory = try civic(["test"], in: folder, env: ["NO_COLOR": "1"])
        let sqlite = try civic(["test", "--sqlite"], in: folder, env: ["NO_COLOR": "1"])
        #expect(sqlite.status == 1)
        #expect(sqlite.stdout == memory.stdout)
    }

    /// `civic test --db postgres://...` runs each test on a fresh community
    /// of that database, with the same report; so does `CIVIC_DB`.
    @Test(.enabled(if: TestPostgres.isAvailable, TestPostgres.skipped))
    func onPostgreSQLTheSame() throws {
        let url = try #require(TestPostgres.url)
        let folder = try community()
        let memory = try civic(["test"], in: folder, env: ["NO_COLOR": "1"])
        let postgres = try civic(["test", "--db", url], in: folder, env: ["NO_COLOR": "1"])
        #expect(postgres.status == 1)
        #expect(postgres.stdout == memory.stdout)
        #expect(postgres.stderr == "")
        let fromEnvironment = try civic(["test", "--verbose"], in: folder, env: ["NO_COLOR": "1", "CIVIC_DB": url])
        #expect(fromEnvironment.status == 1)
        #expect(fromEnvironment.stdout.contains("PASS rules_test.civic:3 reports are capped"), "\(fromEnvironment.stdout)")
        #expect(fromEnvironment.stdout.hasSuffix("1 passed, 1 failed\n"), "\(fromEnvironment.stdout)")
    }

    @Test func foldersAreSearchedHiddenOnesSkipped() throws {
        let folder = try TempFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("policy/tests"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent(".hidden"), withIntermediateDirectories: true)
        try folder.write("policy/tests/a.civic", "test \"one\" { expect 1 + 1 == 2 }\n")
        try folder.write("policy/b.civic", "test \"two\" { expect true }\ntest \"three\" { expect 2 > 1 }\n")
        try folder.write(".hidden/c.civic", "test \"hidden\" { expect false }\n")
        let ran = try civic(["test"], in: folder)
        #expect(ran.status == 0, "\(ran.stdout)")
        #expect(ran.stdout == "3 passed, 0 failed\n")
        let named = try civic(["test", "policy/tests", "policy/b.civic", "policy/b.civic"], in: folder)
        #expect(named.stdout == "3 passed, 0 failed\n", "each file once: \(named.stdout)")
    }

    @Test func noTests() throws {
        let folder = try TempFolder()
        try folder.write("rules.civic", "let x = 1\n")
        let ran = try civic(["test"], in: folder)
        #expect(ran.status == 0)
        #expect(ran.stdout == "no tests found in .\n0 passed, 0 failed\n")
    }

    @Test func aFileWithAnErrorFails() throws {
        let folder = try TempFolder()
        try folder.write("broken.civic", "test \"t\" {\n  expect count Residnt == 0\n}\n")
        try folder.write("fine.civic", "test \"fine\" { expect true }\n")
        let ran = try civic(["test"], in: folder, env: ["NO_COLOR": "1"])
        #expect(ran.status == 1)
        #expect(ran.stdout.contains("broken.civic: cannot run its tests"), "\(ran.stdout)")
        #expect(ran.stdout.contains("broken.civic:2:16: error:"), "\(ran.stdout)")
        #expect(ran.stdout.hasSuffix("1 passed, 0 failed, 1 file with errors\n"), "\(ran.stdout)")
    }

    @Test func badUsage() throws {
        let folder = try community()
        let now = try civic(["test", "--now", "2026-11-02T09:00"], in: folder)
        #expect(now.status == 2)
        #expect(now.stderr.contains("write 'clock 2026-11-02T09:00' inside the test"))
        let missing = try civic(["test", "nowhere"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr == "civic: no such file or folder: nowhere\n")
    }
}
