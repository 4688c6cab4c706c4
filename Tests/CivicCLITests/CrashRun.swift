import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A `civic run --events` that a test watches through its progress bar and
// may kill with SIGKILL (CrashSafetyTests.swift).

/// A `civic` process with its standard error on a pseudo-terminal, so that it
/// draws its progress bar ("█░░ 12000/100123 events"), which says how far the
/// event loop is; standard output goes to a file.
final class CrashRun {
    let process = Process()
    let started = Date()
    private let master: Int32
    private let slave: FileHandle
    private let outURL: URL
    private let out: FileHandle
    /// Everything written on the terminal so far.
    private(set) var terminal: [UInt8] = []
    /// The most events the progress bar has shown as applied.
    private(set) var eventsApplied = 0
    /// When the progress bar first showed, and when it showed the last event (seconds after the start).
    private(set) var firstProgress: Double?
    private(set) var loopEnded: Double?
    private let total: Int

    /// Starts `civic ARGS` in `folder`; `total` is how many events its files hold.
    init(_ arguments: [String], in folder: TempFolder, events total: Int) throws {
        let calls = try #require(PseudoTerminalCalls(), "the C library's pseudo-terminal calls are missing")
        master = calls.openpt(O_RDWR | O_NOCTTY)
        try #require(master >= 0, "no pseudo-terminal")
        try #require(calls.grantpt(master) == 0 && calls.unlockpt(master) == 0)
        let name = try #require(calls.ptsname(master).map { String(cString: $0) })
        let slaveDescriptor = open(name, O_RDWR | O_NOCTTY)
        try #require(slaveDescriptor >= 0)
        slave = FileHandle(fileDescriptor: slaveDescriptor, closeOnDealloc: true)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
        outURL = folder.url.appendingPathComponent(".stdout-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        out = try FileHandle(forWritingTo: outURL)
        self.total = total
        process.executableURL = civicBinary
        process.arguments = arguments
        process.environment = environment(["NO_COLOR": "1"])
        process.currentDirectoryURL = folder.url
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = slave
        try process.run()
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        close(master)
        try? FileManager.default.removeItem(at: outURL)
    }

    var elapsed: Double { Date().timeIntervalSince(started) }

    /// Reads what the terminal has, and updates how far the events are.
    func poll() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var read = false
        while true {
            let n = Glibc.read(master, &buffer, buffer.count)
            if n <= 0 { break }
            terminal += buffer[0..<n]
            read = true
        }
        guard read else { return }
        // The bar is redrawn after a CR: the last "N/M events" is the latest.
        let text = String(decoding: terminal.suffix(200), as: UTF8.self)
        guard let range = text.range(of: " events", options: .backwards) else { return }
        let counts = text[..<range.lowerBound].split(separator: " ").last?.split(separator: "/") ?? []
        guard counts.count == 2, let done = Int(counts[0]) else { return }
        eventsApplied = max(eventsApplied, done)
        if firstProgress == nil { firstProgress = elapsed }
        if done >= total && loopEnded == nil { loopEnded = elapsed }
    }

    /// Polls every few milliseconds until `condition` holds or the process ends; true if it held.
    func wait(until condition: () -> Bool, timeout: Double = 600) throws -> Bool {
        while true {
            poll()
            if condition() { return true }
            if !process.isRunning { return false }
            if elapsed > timeout { throw Timeout(description: "civic did not finish within \(Int(timeout)) seconds") }
            usleep(3_000)
        }
    }

    /// Sleeps until `seconds` after the start (or the process ends).
    func wait(untilElapsed seconds: Double) throws {
        _ = try wait(until: { elapsed >= seconds })
    }

    /// Kills the process with SIGKILL if it is still running; true if it was.
    func kill() -> Bool {
        guard process.isRunning else { return false }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    /// Waits for the process to end by itself; its exit status and standard output.
    func finish() throws -> (status: Int32, stdout: String) {
        _ = try wait(until: { false })
        process.waitUntilExit()
        poll()
        try out.close()
        return (process.terminationStatus, String(decoding: try Data(contentsOf: outURL), as: UTF8.self))
    }
}
