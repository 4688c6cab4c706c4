/// How deeply each line is indented: a level is two spaces.
extension LayoutLine {
    /// The indentation level of each line (blank lines get 0).
    ///
    /// Layout rules:
    /// - The lines inside a bracket — `{ }` of a block, a record or a field
    ///   list, `( )` and `[ ]` — are one level deeper than the line where the
    ///   bracket was opened. Brackets opened together on one line add one
    ///   level, not one each: `f({` indents the next line by one level.
    /// - A line that starts with a closing bracket stands at the level of the
    ///   line that opened that bracket (`}`, `)`, `]`, `} else {`, `})`).
    /// - A line that continues an expression (the line before ended with an
    ///   operator or the `=` of `let`, `var`, `fn` or an assignment) is one
    ///   level deeper than the line the expression started on; further
    ///   continuation lines stay at that level.
    /// - A line holding only a comment stands where a statement would stand
    ///   there: at the level of the lines inside the innermost open bracket,
    ///   even when the next line closes it.
    static func levels(_ lines: [LayoutLine]) -> [Int] {
        /// The brackets open before the current line, innermost last, each
        /// with the level of the lines inside it.
        var open: [(symbol: Symbol, inner: Int)] = []
        /// The level of the line the current expression started on.
        var start = 0
        /// Whether the last line of code ended with an operator.
        var continues = false
        var levels: [Int] = []
        levels.reserveCapacity(lines.count)

        for line in lines {
            let bracketLevel = open.last?.inner ?? 0
            switch line {
            case .blank:
                levels.append(0)
            case .comment:
                levels.append(continues ? max(bracketLevel, start + 1) : bracketLevel)
            case .code(let tokens, _):
                let level: Int
                if let first = tokens.first, let opener = LayoutLine.opener(closedBy: first.kind),
                   let match = open.lastIndex(where: { $0.symbol == opener }) {
                    level = max(0, open[match].inner - 1)
                    start = level
                } else if continues {
                    level = max(bracketLevel, start + 1)
                } else {
                    level = bracketLevel
                    start = level
                }
                levels.append(level)
                for token in tokens {
                    guard case .symbol(let s) = token.kind else { continue }
                    switch s {
                    case .leftBrace, .leftParen, .leftBracket:
                        open.append((s, level + 1))
                    case .rightBrace, .rightParen, .rightBracket:
                        if let opener = LayoutLine.opener(closedBy: token.kind),
                           let match = open.lastIndex(where: { $0.symbol == opener }) {
                            open.removeSubrange(match...)
                        }
                    default:
                        break
                    }
                }
                continues = tokens.last.map { LayoutLine.continuesLine($0.kind) } ?? false
            }
        }
        return levels
    }

    /// The opening bracket a closing one closes, or nil for other tokens.
    static func opener(closedBy kind: TokenKind) -> Symbol? {
        switch kind {
        case .symbol(.rightBrace): return .leftBrace
        case .symbol(.rightParen): return .leftParen
        case .symbol(.rightBracket): return .leftBracket
        default: return nil
        }
    }

    /// Whether a line that ends with this token goes on on the next line:
    /// a binary operator, `not`, or `=` (the parser lets an expression
    /// continue after these).
    static func continuesLine(_ kind: TokenKind) -> Bool {
        switch kind {
        case .symbol(.plus), .symbol(.minus), .symbol(.star), .symbol(.slash), .symbol(.dotDot), .symbol(.assign),
             .symbol(.equal), .symbol(.notEqual), .symbol(.less), .symbol(.lessEqual), .symbol(.greater),
             .symbol(.greaterEqual),
             .keyword(.and), .keyword(.or), .keyword(.not), .keyword(.mod), .keyword(.in):
            return true
        default:
            return false
        }
    }
}
