import Foundation
import Testing
import CivicSyntax

// `civic fmt` over every script of the project: the conformance corpus
// (Tests/conformance) and the examples. For each file that parses:
//   - formatting the formatted text changes nothing (idempotence);
//   - the formatted text parses to the same tree (compared as
//     `SourceProgram.dump`, which has no spans);
//   - the tokens are the same, and every comment is still there, with the
//     same text, after the same token, and still on a line of its own or
//     still at the end of a line of code.
// A file with a syntax error must be refused with the parser's diagnostics.
// (That the formatted conformance scripts also run the same is checked in
// Tests/ConformanceTests/FormattedConformanceTests.swift.)

private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Every `.civic` file under Tests/conformance and examples, relative to the package root.
private let corpus: [String] = ["Tests/conformance", "examples"].flatMap { folder -> [String] in
    let base = packageRoot.appendingPathComponent(folder)
    guard let e = FileManager.default.enumerator(atPath: base.path) else { return [] }
    return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".civic") }.map { folder + "/" + $0 }
}.sorted()

/// A comment as found in a file: its text, how many tokens come before it,
/// and whether it has a line of its own.
private struct FoundComment: Equatable, CustomStringConvertible {
    var text: String
    var tokensBefore: Int
    var ownLine: Bool
    var description: String { "\(ownLine ? "own line" : "end of line") after token \(tokensBefore): \(text)" }
}

/// The tokens of a file (without line ends) as written, and its comments,
/// found in the bytes between tokens.
private func tokensAndComments(_ bytes: [UInt8]) -> ([String], [FoundComment]) {
    let tokens = Lexer.tokenize(SourceFile(name: "x", bytes: bytes), fileID: 0)
        .filter { $0.kind != .newline && $0.kind != .end }
    var comments: [FoundComment] = []
    var codeOnLine = false
    func scan(_ from: Int, _ to: Int, tokensBefore: Int) {
        var i = from
        while i < to {
            if bytes[i] == UInt8(ascii: "\n") {
                codeOnLine = false
                i += 1
            } else if bytes[i] == UInt8(ascii: "#") {
                var end = i
                while end < to, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                let text = String(decoding: bytes[i..<end], as: UTF8.self)
                    .trimmingCharacters(in: CharacterSet(charactersIn: " \t\r"))
                comments.append(FoundComment(text: text, tokensBefore: tokensBefore, ownLine: !codeOnLine))
                i = end
            } else {
                i += 1
            }
        }
    }
    var position = 0
    for (k, token) in tokens.enumerated() {
        scan(position, token.span.start, tokensBefore: k)
        codeOnLine = true
        position = token.span.end
    }
    scan(position, bytes.count, tokensBefore: tokens.count)
    return (tokens.map { String(decoding: bytes[$0.span.start..<$0.span.end], as: UTF8.self) }, comments)
}

@Test("fmt keeps meaning and comments, and is idempotent", arguments: corpus)
func formatterOnCorpus(_ path: String) throws {
    let bytes = [UInt8](try Data(contentsOf: packageRoot.appendingPathComponent(path)))
    let source = SourceFile(name: path, bytes: bytes)
    let (program, parseErrors) = Parser.parse(source, fileID: 0)

    switch SourceFormatter.format(source) {
    case .failure(let list):
        #expect(!parseErrors.isEmpty, "\(path) parses but was not formatted: \(list.diagnostics.map(\.message))")
        #expect(list.diagnostics == parseErrors, "\(path): fmt must report the parser's diagnostics")
    case .success(let formatted):
        #expect(parseErrors.isEmpty, "\(path) has a syntax error but was formatted")
        let again = try SourceFormatter.format(SourceFile(name: path, bytes: formatted)).get()
        #expect(again == formatted, "\(path): formatting twice changed it")

        let (reparsed, errors) = Parser.parse(SourceFile(name: path, bytes: formatted), fileID: 0)
        #expect(errors.isEmpty, "\(path): the formatted text has errors: \(errors.map(\.message))")
        #expect(reparsed.dump == program.dump, "\(path): the formatted text means something else")

        let (tokensBefore, commentsBefore) = tokensAndComments(bytes)
        let (tokensAfter, commentsAfter) = tokensAndComments(formatted)
        #expect(tokensAfter == tokensBefore, "\(path): the tokens changed")
        #expect(commentsAfter == commentsBefore, "\(path): the comments changed")

        let text = String(decoding: formatted, as: UTF8.self)
        #expect(!text.contains("\r") || bytes.contains(UInt8(ascii: "\r")), "\(path): a CR appeared")
        #expect(text.isEmpty || text.hasSuffix("\n") && !text.hasSuffix("\n\n"), "\(path): must end with one line end")
        #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") || $0.hasSuffix("\t") },
                "\(path): a line ends with a space")
    }
}

@Test func corpusIsThere() {
    #expect(corpus.count >= 500)
    #expect(corpus.contains { $0.hasPrefix("examples/") })
}
