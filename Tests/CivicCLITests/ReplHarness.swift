import Foundation
import Testing

// What the REPL tests share: a scratch folder with a home of its own, the
// package's examples, and `civic` run with input piped in.

/// A temporary folder with a `home` inside (for ~/.civic_history), removed afterwards.
final class ReplScratch {
    let url: URL
    var home: URL { url.appendingPathComponent("home") }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("civic-repl-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("home"), withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }
}

/// The package's root folder (three levels above this file).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs `civic ARGUMENTS` in `folder` with `input` piped to it (HOME in the folder); waits for it to end.
func civicPiped(_ arguments: [String], input: String, in scratch: ReplScratch,
                sourceLocation: SourceLocation = #_sourceLocation) throws -> Ran {
    try #require(FileManager.default.isExecutableFile(atPath: civicBinary.path),
                 "no civic binary at \(civicBinary.path): run 'swift build' first, or set CIVIC_BINARY", sourceLocation: sourceLocation)
    let outURL = scratch.url.appendingPathComponent("stdout-\(UUID().uuidString)")
    let errURL = scratch.url.appendingPathComponent("stderr-\(UUID().uuidString)")
    let inURL = scratch.url.appendingPathComponent("stdin-\(UUID().uuidString)")
    try Data(input.utf8).write(to: inURL)
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    let inHandle = try FileHandle(forReadingFrom: inURL)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        try? FileManager.default.removeItem(at: inURL)
    }
    let process = Process()
    process.executableURL = civicBinary
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "NO_COLOR")
    env["HOME"] = scratch.home.path
    process.environment = env
    process.currentDirectoryURL = scratch.url
    process.standardInput = inHandle
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let deadline = Date().addingTimeInterval(120)
    while process.isRunning {
        if Date() > deadline {
            process.terminate()
            throw Timeout(description: "civic did not finish within 120 seconds")
        }
        usleep(10_000)
    }
    process.waitUntilExit()
    try out.close()
    try err.close()
    return Ran(status: process.terminationStatus,
               stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
               stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

/// Makes the community example's store in the scratch folder, as the README does.
func makeCommunityStore(in scratch: ReplScratch, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let main = packageRoot.appendingPathComponent("examples/community/main.civic").path
    let made = try civicPiped(["run", main, "--db", scratch.path("community.sqlite")], input: "", in: scratch)
    try #require(made.status == 0, "the example store was not made: \(made.stderr)", sourceLocation: sourceLocation)
}
