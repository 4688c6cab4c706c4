import Foundation

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
