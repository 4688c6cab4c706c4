import CivicSyntax

/// Whether the lines typed so far make an input that can run.
public enum InputStatus: Equatable, Sendable {
    /// Nothing but blanks and comments.
    case empty
    /// A whole input: run it (its errors, if any, are shown now).
    case complete
    /// It goes on on the next line: a bracket is still open (`bracketOpen`), or
    /// the text stops where more must come (`let x =`, `if x > 1`, a line
    /// ending with an operator).
    case incomplete(bracketOpen: Bool)

    /// Decides, as the Lua REPL does: an input is incomplete when a bracket it
    /// opened is not closed, or when the parser's first error is at the very
    /// end of the text (it wanted more). Any other error makes it complete, so
    /// that the mistake is shown at once. A text cannot go on past its line,
    /// so an unclosed `"` is such an error.
    public init(of text: String) {
        let trimmed = text.trimmingSuffix { $0.isWhitespace }
        let file = SourceFile(name: "", text: trimmed)
        var lexer = Lexer(file: file, fileID: 0)
        var depth = 0
        var anyToken = false
        while true {
            let token = lexer.next()
            switch token.kind {
            case .end:
                if !anyToken { self = .empty; return }
                if depth > 0 { self = .incomplete(bracketOpen: true); return }
                let (_, diagnostics) = Parser.parse(file, fileID: 0)
                let first = diagnostics.min { $0.span.start < $1.span.start }
                if let first, first.span.start >= file.bytes.count {
                    self = .incomplete(bracketOpen: false)
                } else {
                    self = .complete
                }
                return
            case .error:
                // Shown at once: no later line can mend it.
                self = .complete
                return
            case .symbol(.leftParen), .symbol(.leftBracket), .symbol(.leftBrace):
                depth += 1
            case .symbol(.rightParen), .symbol(.rightBracket), .symbol(.rightBrace):
                depth -= 1
            default:
                break
            }
            anyToken = true
        }
    }
}

extension String {
    /// The string without the trailing characters that match.
    func trimmingSuffix(while matches: (Character) -> Bool) -> String {
        var end = endIndex
        while end > startIndex {
            let before = index(before: end)
            if !matches(self[before]) { break }
            end = before
        }
        return String(self[..<end])
    }
}
