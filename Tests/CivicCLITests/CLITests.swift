import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Tests of the `civic` command, run as a real process. The binary is the one
// `swift build` made: `.build/debug/civic` under the package root, or the
// path in the environment variable CIVIC_BINARY.

// MARK: - Helpers (the binary and `Ran` are in CLIHarness.swift)

/// Runs `civic ARGS` with its standard error on a pseudo-terminal, and
/// returns what it wrote there, so that colour can be seen.
private func civicWithTerminal(_ arguments: [String], in folder: TempFolder, env: [String: String] = [:],
                               sourceLocation: SourceLocation = #_sourceLocation) throws -> (status: Int32, stderr: String) {
    try #require(FileManager.default.isExecutableFile(atPath: civicBinary.path), sourceLocation: sourceLocation)
    let pty = try #require(PseudoTerminalCalls(), "the C library's pseudo-terminal calls are missing", sourceLocation: sourceLocation)
    let master = pty.openpt(O_RDWR | O_NOCTTY)
    try #require(master >= 0, "no pseudo-terminal", sourceLocation: sourceLocation)
    defer { close(master) }
    try #require(pty.grantpt(master) == 0 && pty.unlockpt(master) == 0, sourceLocation: sourceLocation)
    let name = try #require(pty.ptsname(master).map { String(cString: $0) }, sourceLocation: sourceLocation)
    let slave = open(name, O_RDWR | O_NOCTTY)
    try #require(slave >= 0, sourceLocation: sourceLocation)
    let slaveHandle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
    _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)

    let process = Process()
    process.executableURL = civicBinary
    process.arguments = arguments
    process.environment = environment(env)
    process.currentDirectoryURL = folder.url
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = slaveHandle
    try process.run()

    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    func drain() {
        while true {
            let n = read(master, &buffer, buffer.count)
            if n <= 0 { return }
            bytes += buffer[0..<n]
        }
    }
    let deadline = Date().addingTimeInterval(120)
    while process.isRunning {
        drain()   // keep the terminal's buffer from filling up
        if Date() > deadline {
            process.terminate()
            throw Timeout(description: "civic did not finish within 120 seconds")
        }
        usleep(10_000)
    }
    process.waitUntilExit()
    drain()
    try slaveHandle.close()
    return (process.terminationStatus, String(decoding: bytes, as: UTF8.self))
}

/// A script with one error the checker finds, on line 3, after a `print`.
private let badScript = """
    let x = 1
    print "before"
    print y + 1
    """

private let badScriptError = """
    bad.civic:3:7: error: unknown name 'y'
        3 | print y + 1
          |       ^
          = hint: did you mean 'x'?

    """

// MARK: - Tests

@Suite struct CLITests {
    @Test func versionExitsZero() throws {
        let ran = try civic(["--version"])
        #expect(ran.status == 0)
        #expect(ran.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "stdout: \(ran.stdout)")
        #expect(ran.stderr == "")
    }

    @Test func helpListsTheSubcommands() throws {
        let ran = try civic(["--help"])
        #expect(ran.status == 0)
        let lines = ran.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains { $0.hasPrefix("run ") }, "no 'run' in: \(ran.stdout)")
        #expect(lines.contains { $0.hasPrefix("check ") }, "no 'check' in: \(ran.stdout)")
        #expect(ran.stdout.contains("USAGE: civic"))
        #expect(ran.stderr == "")
    }

    @Test func runOfAGoodScript() throws {
        let folder = try TempFolder()
        try folder.write("good.civic", """
            let staff = ["王芳", "李强"]
            for person in staff { print "你好, {person}" }
            print 0.1 + 0.2 == 0.3, 70%
            show [{ name: "王芳", age: 30 }]
            """)
        let ran = try civic(["run", "good.civic"], in: folder)
        #expect(ran.status == 0)
        #expect(ran.stdout == """
            你好, 王芳
            你好, 李强
            true 0.7
            name  age
            ────  ───
            王芳   30

            """)
        #expect(ran.stderr == "")
    }

    @Test func runOfAScriptWithAnError() throws {
        let folder = try TempFolder()
        try folder.write("bad.civic", badScript)
        let ran = try civic(["run", "bad.civic"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stderr == badScriptError)
        // Nothing ran: not even the print before the error.
        #expect(ran.stdout == "")
    }

    @Test func runOfAScriptWithASyntaxError() throws {
        let folder = try TempFolder()
        try folder.write("syntax.civic", "print \"a\"\nlet = 3\n")
        let ran = try civic(["run", "syntax.civic"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stderr == """
            syntax.civic:2:5: error: a name after 'let' expected, found '='
                2 | let = 3
                  |     ^

            """)
        #expect(ran.stdout == "")
    }

    @Test func runtimeErrorExitsOneWithTrace() throws {
        let folder = try TempFolder()
        try folder.write("div.civic", "fn share(total, people) = total / people\nprint share(10, 0)\n")
        let ran = try civic(["run", "div.civic"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stderr == """
            div.civic:1:27: error: division by zero
                1 | fn share(total, people) = total / people
                  |                           ^^^^^^^^^^^^^^
                  = hint: check that the divisor is not 0 before dividing
                  = in share, called from div.civic:2:7

            """)
    }

    @Test func missingFileExitsTwo() throws {
        let folder = try TempFolder()
        let ran = try civic(["run", "nope.civic"], in: folder)
        #expect(ran.status == 2)
        #expect(ran.stderr == "civic: no such file: nope.civic\n")
        #expect(ran.stdout == "")
        let checked = try civic(["check", "nope.civic"], in: folder)
        #expect(checked.status == 2)
        #expect(checked.stderr == "civic: no such file: nope.civic\n")
    }

    @Test func unknownSubcommandExitsTwo() throws {
        let ran = try civic(["frobnicate"])
        #expect(ran.status == 2)
        #expect(ran.stderr.contains("frobnicate"), "stderr: \(ran.stderr)")
        #expect(ran.stdout == "")
    }

    @Test func unknownOptionExitsTwo() throws {
        let folder = try TempFolder()
        try folder.write("good.civic", "print 1\n")
        let ran = try civic(["run", "--frobnicate", "good.civic"], in: folder)
        #expect(ran.status == 2)
        #expect(ran.stderr.contains("--frobnicate"), "stderr: \(ran.stderr)")
        #expect(ran.stdout == "")
        let top = try civic(["--frobnicate"])
        #expect(top.status == 2)
    }

    @Test func badUsageExitsTwo() throws {
        let folder = try TempFolder()
        try folder.write("good.civic", "print 1\n")
        #expect(try civic(["run"], in: folder).status == 2)
        #expect(try civic(["check"], in: folder).status == 2)
        let badNow = try civic(["run", "--now", "tomorrow", "good.civic"], in: folder)
        #expect(badNow.status == 2)
        #expect(badNow.stderr == "civic: --now takes a time such as 2026-11-28T09:30, not 'tomorrow'\n")
        #expect(badNow.stdout == "")
        #expect(try civic(["run", "--max-steps", "many", "good.civic"], in: folder).status == 2)
    }

    @Test func checkReportsEveryFile() throws {
        let folder = try TempFolder()
        try folder.write("a.civic", "print 1\nprint zz\n")
        try folder.write("b.civic", "let total = 1\nlet t = total + \"x\"\n")
        try folder.write("ok.civic", "print 1\n")
        let ran = try civic(["check", "a.civic", "ok.civic", "b.civic"], in: folder)
        #expect(ran.status == 1)
        let first = """
            a.civic:2:7: error: unknown name 'zz'
                2 | print zz
                  |       ^^
            """
        let second = """
            b.civic:2:9: error: cannot add a Number and a Text
                2 | let t = total + "x"
                  |         ^^^^^^^^^^^
                  = hint: to put a number into text, write "...{value}..."; to read a number from text, use number(text)
            """
        let a = ran.stderr.range(of: first + "\n"), b = ran.stderr.range(of: second + "\n")
        #expect(a != nil, "a.civic's error is missing from: \(ran.stderr)")
        #expect(b != nil, "b.civic's error is missing from: \(ran.stderr)")
        if let a, let b { #expect(a.lowerBound < b.lowerBound, "the files' errors are out of order") }
        #expect(!ran.stderr.contains("ok.civic"))
        // check never runs a script.
        #expect(ran.stdout == "")
    }

    @Test func checkOfGoodFilesExitsZero() throws {
        let folder = try TempFolder()
        try folder.write("ok.civic", "print 1\n")
        try folder.write("ok2.civic", "fn f(x) = x + 1\nprint f(2)\n")
        let ran = try civic(["check", "ok.civic", "ok2.civic"], in: folder)
        #expect(ran.status == 0)
        #expect(ran.stdout == "")
        #expect(ran.stderr == "")
    }

    @Test func nonTerminalOutputHasNoEscapeCodes() throws {
        let folder = try TempFolder()
        try folder.write("bad.civic", badScript)
        let ran = try civic(["run", "bad.civic"], in: folder)
        #expect(ran.status == 1)
        #expect(!ran.stderr.contains("\u{1B}"))
        #expect(ran.stderr == badScriptError)
    }

    @Test func terminalOutputIsColouredUnlessNoColor() throws {
        let folder = try TempFolder()
        try folder.write("bad.civic", badScript)
        // On a terminal, errors are coloured (this shows the terminal works)...
        let coloured = try civicWithTerminal(["run", "bad.civic"], in: folder)
        #expect(coloured.status == 1)
        #expect(coloured.stderr.contains("\u{1B}["), "no colour on a terminal: \(coloured.stderr.debugDescription)")
        // ...and with NO_COLOR they are not, whatever its value.
        for value in ["1", ""] {
            let plain = try civicWithTerminal(["run", "bad.civic"], in: folder, env: ["NO_COLOR": value])
            #expect(plain.status == 1)
            #expect(!plain.stderr.contains("\u{1B}"), "escape codes with NO_COLOR=\(value): \(plain.stderr.debugDescription)")
            // A terminal turns line ends into CR LF.
            #expect(plain.stderr.replacingOccurrences(of: "\r\n", with: "\n") == badScriptError)
        }
    }

    @Test func nowOptionSetsTheClock() throws {
        let folder = try TempFolder()
        try folder.write("clock.civic", "print now()\nprint today()\n")
        let ran = try civic(["run", "--now", "2026-01-31T10:00", "clock.civic"], in: folder)
        #expect(ran.status == 0)
        #expect(ran.stdout == "2026-01-31T10:00\n2026-01-31\n")
        #expect(ran.stderr == "")
    }

    @Test func maxStepsStopsALongLoop() throws {
        let folder = try TempFolder()
        try folder.write("loop.civic", "var i = 0\nwhile i >= 0 {\n  i = i + 1\n}\n")
        let ran = try civic(["run", "--max-steps", "1000", "loop.civic"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stderr == """
            loop.civic:2:7: error: the script ran more than 1000 steps and was stopped
                2 | while i >= 0 {
                  |       ^^^^^^
                  = hint: look for a loop that never ends, or raise the limit with --max-steps

            """)
        #expect(ran.stdout == "")
    }

    @Test func maxDepthStopsDeepRecursion() throws {
        let folder = try TempFolder()
        try folder.write("deep.civic", "fn f(n) = f(n + 1)\nprint f(0)\n")
        let ran = try civic(["run", "--max-depth", "3", "deep.civic"], in: folder)
        #expect(ran.status == 1)
        #expect(ran.stderr == """
            deep.civic:1:11: error: functions called each other more than 3 deep
                1 | fn f(n) = f(n + 1)
                  |           ^^^^^^^^
                  = hint: a function that calls itself needs a case that stops; or raise the limit with --max-depth
                  = in f, called from deep.civic:1:11
                  = in f, called from deep.civic:1:11
                  = in f, called from deep.civic:2:7

            """)
    }
}
