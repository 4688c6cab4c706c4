import Civic

/// The front-end fuzz target: any bytes as a script, through the lexer, the
/// parser, the checker, the diagnostic renderer and `civic fmt`.
///
/// Any input must give a program or diagnostics, never a crash; the
/// returned `FuzzFinding`, when there is one, is a promise broken without
/// a crash (the libFuzzer entry point in Fuzzers/ aborts on it).
public enum FrontEndTarget {
    /// Runs one input; nil when everything held. On a thread with a large
    /// stack, as the engine checks every script (a chain of a thousand
    /// operators is checked by recursion).
    public static func run(_ bytes: [UInt8]) -> FuzzFinding? {
        withLargeStack { frontEnd(bytes) }
    }

    static func frontEnd(_ bytes: [UInt8]) -> FuzzFinding? {
        let file = SourceFile(name: "fuzz.civic", bytes: bytes)
        let sources = SourceMap()
        let fileID = sources.add(file)
        let tokens = Lexer.tokenize(file, fileID: fileID)
        let (program, syntaxErrors) = Parser.parse(file, fileID: fileID)
        var diagnostics = syntaxErrors
        if syntaxErrors.isEmpty {
            if case .failure(let list) = Checker(sources: sources).check([program]) {
                diagnostics = list.diagnostics
            }
        }
        for d in diagnostics { _ = file.location(of: d.span.start) }
        _ = DiagnosticRenderer(sources: sources, color: tokens.count % 2 == 0).render(diagnostics)
        _ = program.dump
        return formatting(file, parsed: syntaxErrors.isEmpty)
    }

    /// `civic fmt` on the file: when the file parses it must be formatted
    /// (the formatter checks the meaning itself, and refuses when it fails),
    /// and formatting the result again must change nothing.
    static func formatting(_ file: SourceFile, parsed: Bool) -> FuzzFinding? {
        switch SourceFormatter.format(file) {
        case .failure(let list):
            guard parsed else { return nil }
            // The formatter refuses a file whose tokens hold an error the parser passed over; anything else is a finding.
            if list.diagnostics.contains(where: { $0.message.hasPrefix("civic fmt could not keep") }) {
                return FuzzFinding("civic fmt changed the meaning of a file that parses")
            }
            return nil
        case .success(let formatted):
            guard case .success(let again) = SourceFormatter.format(SourceFile(name: file.name, bytes: formatted)) else {
                return FuzzFinding("civic fmt's output does not format again")
            }
            return again == formatted ? nil : FuzzFinding("civic fmt is not idempotent")
        }
    }
}
