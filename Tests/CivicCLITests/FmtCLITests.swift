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

/// Runs `civic ARGS` in `folder` without colour (the harness is in CLIHarness.swift).
private func fmtCivic(_ arguments: [String], in folder: TempFolder,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> Ran {
    try civic(arguments, in: folder, env: ["NO_COLOR": "1"], sourceLocation: sourceLocation)
}

private let messy = "let   x=1+2   # sum\nif x>2{\nprint x\n}\n\n\n"
private let tidy = "let x = 1 + 2 # sum\nif x > 2 {\n  print x\n}\n"

// MARK: - Tests

@Suite struct FmtCLITests {
    @Test func checkListsTheFilesThatWouldChangeAndExitsOne() throws {
        let folder = try TempFolder()
        try folder.write("messy.civic", messy)
        try folder.write("tidy.civic", tidy)
        let ran = try fmtCivic(["fmt", "--check", "messy.civic", "tidy.civic"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stdout == "messy.civic\n")
        #expect(ran.stderr == "")
        #expect(try folder.read("messy.civic") == messy, "--check must change nothing")
    }

    @Test func checkOfFormattedFilesExitsZero() throws {
        let folder = try TempFolder()
        try folder.write("tidy.civic", tidy)
        try folder.write("empty.civic", "")
        let ran = try fmtCivic(["fmt", "--check", "tidy.civic", "empty.civic"], in: folder)
        #expect(ran.status == 0)
        #expect(ran.stdout == "")
        #expect(ran.stderr == "")
    }

    @Test func rewritesChangedFilesInPlaceAndNamesThem() throws {
        let folder = try TempFolder()
        try folder.write("messy.civic", messy)
        try folder.write("tidy.civic", tidy)
        let ran = try fmtCivic(["fmt", "messy.civic", "tidy.civic"], in: folder)
        #expect(ran.status == 0)
        #expect(ran.stdout == "messy.civic\n")
        #expect(ran.stderr == "")
        #expect(try folder.read("messy.civic") == tidy)
        #expect(try folder.read("tidy.civic") == tidy)
        // Once formatted, there is nothing left to do.
        let again = try fmtCivic(["fmt", "messy.civic"], in: folder)
        #expect(again.status == 0)
        #expect(again.stdout == "")
        #expect(try fmtCivic(["fmt", "--check", "messy.civic"], in: folder).status == 0)
    }

    @Test func aSyntaxErrorIsShownAndTheOtherFilesAreStillFormatted() throws {
        let folder = try TempFolder()
        let broken = "print 1\nlet a = (1 +\nprint 2\n"
        try folder.write("broken.civic", broken)
        try folder.write("messy.civic", messy)
        let ran = try fmtCivic(["fmt", "broken.civic", "messy.civic"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stdout == "messy.civic\n")
        #expect(ran.stderr.hasPrefix("broken.civic:3:1: error: "), "stderr: \(ran.stderr)")
        #expect(ran.stderr.contains("    3 | print 2\n"), "the line is not shown: \(ran.stderr)")
        #expect(ran.stderr.contains("^"), "no caret: \(ran.stderr)")
        #expect(try folder.read("broken.civic") == broken)
        #expect(try folder.read("messy.civic") == tidy)

        let checked = try fmtCivic(["fmt", "--check", "broken.civic"], in: folder)
        #expect(checked.status == 1)
        #expect(checked.stdout == "")
        #expect(checked.stderr.hasPrefix("broken.civic:3:1: error: "))
    }

    @Test func badUsageExitsTwo() throws {
        let folder = try TempFolder()
        try folder.write("messy.civic", messy)
        let missing = try fmtCivic(["fmt", "nope.civic", "messy.civic"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr == "civic: no such file: nope.civic\n")
        #expect(try folder.read("messy.civic") == tidy, "the files after a missing one are still formatted")
        #expect(try fmtCivic(["fmt"], in: folder).status == 2)
        #expect(try fmtCivic(["fmt", "--frobnicate", "messy.civic"], in: folder).status == 2)
    }

    @Test func helpListsFmt() throws {
        let folder = try TempFolder()
        let ran = try fmtCivic(["--help"], in: folder)
        let lines = ran.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains { $0.hasPrefix("fmt ") }, "no 'fmt' in: \(ran.stdout)")
    }
}
