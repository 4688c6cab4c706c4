import Foundation
import Testing

// What the CLI test files share: where the `civic` binary is, and what a run of it gave.

/// The `civic` executable to test: the environment variable CIVIC_BINARY, or
/// `.build/debug/civic` under the package root (the one `swift build` made).
let civicBinary: URL = {
    if let path = ProcessInfo.processInfo.environment["CIVIC_BINARY"], !path.isEmpty {
        return URL(fileURLWithPath: path)
    }
    // #filePath is …/Tests/CivicCLITests/CLIHarness.swift: the package root is three levels up.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/civic")
}()

/// What a run of `civic` gave.
struct Ran {
    var status: Int32
    var stdout: String
    var stderr: String
}

struct Timeout: Error, CustomStringConvertible {
    var description: String
}

/// A fresh temporary folder, removed when the value is dropped.
final class TempFolder: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("civic-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes a script and returns its name (relative to the folder).
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
        return name
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// A file's text.
    func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: url.appendingPathComponent(name)), as: UTF8.self)
    }
}

/// The environment for a child: ours, without NO_COLOR, plus `extra`.
func environment(_ extra: [String: String]) -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "NO_COLOR")
    env.removeValue(forKey: "CIVIC_BINARY")
    for (k, v) in extra { env[k] = v }
    return env
}

/// Waits for a process, killing it after `seconds`.
func wait(_ process: Process, seconds: Double = 120) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning {
        if Date() > deadline {
            process.terminate()
            throw Timeout(description: "civic did not finish within \(Int(seconds)) seconds")
        }
        usleep(10_000)
    }
    process.waitUntilExit()
}

/// Runs `civic ARGS` in `folder`, with output captured in files (never a terminal).
func civic(_ arguments: [String], in folder: TempFolder? = nil, env: [String: String] = [:],
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> Ran {
    try #require(FileManager.default.isExecutableFile(atPath: civicBinary.path),
                 "no civic binary at \(civicBinary.path): run 'swift build' first, or set CIVIC_BINARY",
                 sourceLocation: sourceLocation)
    let scratch = try TempFolder()
    let outURL = scratch.url.appendingPathComponent("stdout")
    let errURL = scratch.url.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    let process = Process()
    process.executableURL = civicBinary
    process.arguments = arguments
    process.environment = environment(env)
    process.currentDirectoryURL = folder?.url ?? scratch.url
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = err
    try process.run()
    try wait(process)
    try out.close()
    try err.close()
    return Ran(status: process.terminationStatus,
               stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
               stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

