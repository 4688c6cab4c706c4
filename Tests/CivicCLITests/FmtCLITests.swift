import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Tests of `civic fmt`, run as a real process: rewriting in place, --check,
// syntax errors, bad usage. The binary is found as in CLITests.swift: the
// environment variable CIVIC_BINARY, or `.build/debug/civic`.

// MARK: - Helpers (the binary and `Ran` are in CLIHarness.swift)

/// A fresh temporary folder, removed when the value is dropped.
private final class Scripts {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("civic-fmt-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }

    func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: url.appendingPathComponent(name)), as: UTF8.self)
    }
}

/// Runs `civic ARGS` in `folder` with NO_COLOR set, output captured in files.
private func civic(_ arguments: [String], in folder: Scripts,
                   sourceLocation: SourceLocation = #_sourceLocation) throws -> Ran {
    try #require(FileManager.default.isExecutableFile(atPath: civicBinary.path),
                 "no civic binary at \(civicBinary.path): run 'swift build' first, or set CIVIC_BINARY",
                 sourceLocation: sourceLocation)
    let outURL = folder.url.appendingPathComponent(".stdout-\(UUID().uuidString)")
    let errURL = folder.url.appendingPathComponent(".stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "CIVIC_BINARY")
    env["NO_COLOR"] = "1"
    let process = Process()
    process.executableURL = civicBinary
    process.arguments = arguments
    process.environment = env
    process.currentDirectoryURL = folder.url
    process.standardInput = FileHandle.nullDevice
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

private let messy = "let   x=1+2   # sum\nif x>2{\nprint x\n}\n\n\n"
private let tidy = "let x = 1 + 2 # sum\nif x > 2 {\n  print x\n}\n"

// MARK: - Tests

@Suite struct FmtCLITests {
    @Test func checkListsTheFilesThatWouldChangeAndExitsOne() throws {
        let folder = try Scripts()
        try folder.write("messy.civic", messy)
        try folder.write("tidy.civic", tidy)
        let ran = try civic(["fmt", "--check", "messy.civic", "tidy.civic"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stdout == "messy.civic\n")
        #expect(ran.stderr == "")
        #expect(try folder.read("messy.civic") == messy, "--check must change nothing")
    }

    @Test func checkOfFormattedFilesExitsZero() throws {
        let folder = try Scripts()
        try folder.write("tidy.civic", tidy)
        try folder.write("empty.civic", "")
        let ran = try civic(["fmt", "--check", "tidy.civic", "empty.civic"], in: folder)
        #expect(ran.status == 0)
        #expect(ran.stdout == "")
        #expect(ran.stderr == "")
    }

    @Test func rewritesChangedFilesInPlaceAndNamesThem() throws {
        let folder = try Scripts()
        try folder.write("messy.civic", messy)
        try folder.write("tidy.civic", tidy)
        let ran = try civic(["fmt", "messy.civic", "tidy.civic"], in: folder)
        #expect(ran.status == 0)
        #expect(ran.stdout == "messy.civic\n")
        #expect(ran.stderr == "")
        #expect(try folder.read("messy.civic") == tidy)
        #expect(try folder.read("tidy.civic") == tidy)
        // Once formatted, there is nothing left to do.
        let again = try civic(["fmt", "messy.civic"], in: folder)
        #expect(again.status == 0)
        #expect(again.stdout == "")
        #expect(try civic(["fmt", "--check", "messy.civic"], in: folder).status == 0)
    }

    @Test func aSyntaxErrorIsShownAndTheOtherFilesAreStillFormatted() throws {
        let folder = try Scripts()
        let broken = "print 1\nlet a = (1 +\nprint 2\n"
        try folder.write("broken.civic", broken)
        try folder.write("messy.civic", messy)
        let ran = try civic(["fmt", "broken.civic", "messy.civic"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stdout == "messy.civic\n")
        #expect(ran.stderr.hasPrefix("broken.civic:3:1: error: "), "stderr: \(ran.stderr)")
        #expect(ran.stderr.contains("    3 | print 2\n"), "the line is not shown: \(ran.stderr)")
        #expect(ran.stderr.contains("^"), "no caret: \(ran.stderr)")
        #expect(try folder.read("broken.civic") == broken)
        #expect(try folder.read("messy.civic") == tidy)

        let checked = try civic(["fmt", "--check", "broken.civic"], in: folder)
        #expect(checked.status == 1)
        #expect(checked.stdout == "")
        #expect(checked.stderr.hasPrefix("broken.civic:3:1: error: "))
    }

    @Test func badUsageExitsTwo() throws {
        let folder = try Scripts()
        try folder.write("messy.civic", messy)
        let missing = try civic(["fmt", "nope.civic", "messy.civic"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr == "civic: no such file: nope.civic\n")
        #expect(try folder.read("messy.civic") == tidy, "the files after a missing one are still formatted")
        #expect(try civic(["fmt"], in: folder).status == 2)
        #expect(try civic(["fmt", "--frobnicate", "messy.civic"], in: folder).status == 2)
    }

    @Test func helpListsFmt() throws {
        let folder = try Scripts()
        let ran = try civic(["--help"], in: folder)
        let lines = ran.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains { $0.hasPrefix("fmt ") }, "no 'fmt' in: \(ran.stdout)")
    }
}
