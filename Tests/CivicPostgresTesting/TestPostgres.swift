import CivicPostgres
import CivicStore
import Foundation
import Testing

/// The PostgreSQL server the tests of this process run their PostgreSQL
/// cases on: `CIVIC_TEST_POSTGRES` (a URL), or, when that is not set and the
/// PostgreSQL 15 server binaries are installed, a throwaway server started
/// once for the process with `.ci/postgres-server` (stopped at exit). When
/// there is none, `url` is nil and `unavailable` says why: the PostgreSQL
/// cases are then skipped (`.enabled(if: TestPostgres.isAvailable,
/// TestPostgres.skipped)`, never passed silently), and the first of them
/// prints why. Nothing is started before a PostgreSQL case asks.
public enum TestPostgres {
    /// The server's URL, or nil when no server is available.
    public static var url: String? { server.url }

    /// Whether the PostgreSQL cases run.
    public static var isAvailable: Bool { server.url != nil }

    /// The comment of a skipped PostgreSQL case (a constant: a trait's
    /// comment is made when the tests are listed, before any of them runs).
    public static let skipped: Comment = "no PostgreSQL server (set CIVIC_TEST_POSTGRES, or install PostgreSQL 15 to start one): the PostgreSQL cases are skipped"

    /// Why the PostgreSQL cases are skipped (empty when they run).
    public static var unavailable: String { server.reason }

    /// A fresh store of its own (a new community, dropped when the store goes away).
    public static func store() throws(StoreError) -> PostgresStore {
        guard let url else { throw StoreError("no PostgreSQL server for the tests: \(unavailable)") }
        return try PostgresStore.temporary(url: url)
    }

    /// Started (or found) on first use, once per process.
    private static let server: (url: String?, reason: String) = {
        let found = find()
        if found.url == nil { print("PostgreSQL cases skipped: \(found.reason)") }
        return found
    }()

    static let binaries = "/usr/lib/postgresql/15/bin"

    /// The folder of the server this process starts: named after the
    /// process, so that the exit handler finds it without being told.
    static var folder: String { NSTemporaryDirectory() + "civic-test-postgres-\(ProcessInfo.processInfo.processIdentifier)" }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".ci/postgres-server").path
    }

    private static func find() -> (url: String?, reason: String) {
        if let given = ProcessInfo.processInfo.environment["CIVIC_TEST_POSTGRES"], !given.isEmpty {
            do {
                try PostgresStore.temporary(url: given).close()
                return (given, "")
            } catch {
                return (nil, "CIVIC_TEST_POSTGRES=\(given) cannot be used: \(error)")
            }
        }
        guard FileManager.default.fileExists(atPath: binaries + "/initdb") else {
            return (nil, "no PostgreSQL server: CIVIC_TEST_POSTGRES is not set and \(binaries) has no server binaries")
        }
        var last = ""
        for attempt in 0..<3 {
            let port = 56_000 + Int(ProcessInfo.processInfo.processIdentifier % 3_000) + attempt * 3_001
            let (status, output) = run(script, ["start", folder, String(port)])
            if status == 0, let url = output.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://") {
                atexit {
                    _ = TestPostgres.run(TestPostgres.script, ["stop", TestPostgres.folder])
                }
                return (url, "")
            }
            last = output
            _ = run(script, ["stop", folder])
        }
        return (nil, "no PostgreSQL server could start (.ci/postgres-server: \(last.trimmingCharacters(in: .whitespacesAndNewlines)))")
    }

    /// Runs a program and gives its exit status and output (standard output
    /// and errors). The output goes through a file, not a pipe: the server
    /// the script starts keeps the script's errors open, and a pipe would
    /// never reach its end. Started with posix_spawn and waited for with
    /// waitpid (Foundation's `Process.waitUntilExit` can miss the end of a
    /// process whose child lives on).
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) -> (Int32, String) {
        let outputPath = NSTemporaryDirectory() + "civic-test-postgres-output-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = ([program] + arguments).map(quoted).joined(separator: " ") + " >\(quoted(outputPath)) 2>&1 </dev/null"
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { (word: String) -> UnsafeMutablePointer<CChar>? in strdup(word) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ)
        guard spawned == 0 else { return (-1, "cannot start /bin/sh (error \(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // Exited normally: the low 7 bits are 0, and the status is in the next 8.
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (exitStatus, text)
    }
}
