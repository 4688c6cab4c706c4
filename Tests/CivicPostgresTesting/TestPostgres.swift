import CivicPostgres
import CivicStore
import Foundation

/// The PostgreSQL server the tests of this process run their PostgreSQL
/// cases on: `CIVIC_TEST_POSTGRES` (a URL), or, when that is not set and the
/// PostgreSQL 15 server binaries are installed, a throwaway server started
/// once for the process with `.ci/postgres-server` (stopped at exit). When
/// there is none, `url` is nil and `unavailable` says why: the PostgreSQL
/// cases are then skipped with that comment, never passed silently.
public enum TestPostgres {
    /// The server's URL, or nil when no server is available.
    public static var url: String? { server.url }

    /// Whether the PostgreSQL cases run.
    public static var isAvailable: Bool { server.url != nil }

    /// Why the PostgreSQL cases are skipped (empty when they run).
    public static var unavailable: String { server.reason }

    /// A fresh store of its own (a new community, dropped when the store goes away).
    public static func store() throws(StoreError) -> PostgresStore {
        guard let url else { throw StoreError("no PostgreSQL server for the tests: \(unavailable)") }
        return try PostgresStore.temporary(url: url)
    }

    /// Started (or found) on first use, once per process.
    private static let server: (url: String?, reason: String) = find()

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

    /// Runs a program and gives its exit status and output (standard output and errors).
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return (-1, "\(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
