/// Whether one space or none stands between two tokens on a line: the
/// spacing part of `civic fmt`'s layout (`SourceFormatter`).
struct TokenSpacing {
    /// Where the `-` tokens that negate (rather than subtract) start.
    let negations: Set<Int>

    /// The names that are aggregates when a spaced `[` follows them.
    static let aggregateWords: Set<String> = Set(AggregateKind.allCases.map(\.rawValue))

    /// Whether a space goes between `a` and `b`, which follow each other on a line.
    ///
    /// Layout rules (everything not listed gets one space, so every binary
    /// operator, `=`, `not` and every word stands between spaces):
    /// - none before `,` `;` `:` `)` `]` `.` `..`, and none after `(` `[` `.` `..`:
    ///   `f(a, b)`, `[1, 2]`, `{ id: 1 }`, `r.name`, `1..10`;
    /// - none after a `-` that negates: `-5`, `a - -b`;
    /// - none between a name and the `(` of its call: `len(xs)`;
    /// - none before the `[` of an index: `xs[0]`, `f(x)[1]`. After `count`,
    ///   `exists`, `first`, `sum`, `average`, `min` and `max` a space before `[`
    ///   decides whether the word is the aggregate (`count [1, 2]`) or a name
    ///   being indexed (`count[0]`), so there the source's choice is kept;
    /// - none inside empty braces: `{}`, like `[]` and `()`.
    func space(between a: Token, and b: Token) -> Bool {
        switch b.kind {
        case .symbol(.comma), .symbol(.semicolon), .symbol(.colon), .symbol(.rightParen), .symbol(.rightBracket),
             .symbol(.dot), .symbol(.dotDot):
            return false
        default:
            break
        }
        switch a.kind {
        case .symbol(.leftParen), .symbol(.leftBracket), .symbol(.dot), .symbol(.dotDot):
            return false
        case .symbol(.leftBrace) where b.kind == .symbol(.rightBrace):
            return false
        case .symbol(.minus) where negations.contains(a.span.start):
            return false
        default:
            break
        }
        switch b.kind {
        case .symbol(.leftParen):
            if case .name = a.kind { return false }
            return true
        case .symbol(.leftBracket):
            if case .name(let word) = a.kind {
                return TokenSpacing.aggregateWords.contains(word) && b.span.start > a.span.end
            }
            return !TokenSpacing.endsOperand(a.kind)
        default:
            return true
        }
    }

    /// Whether a token can end an operand, so that a `[` right after it indexes it.
    static func endsOperand(_ kind: TokenKind) -> Bool {
        switch kind {
        case .name, .number, .percent, .text, .date, .time, .keyword(.true), .keyword(.false), .keyword(.none),
             .symbol(.rightParen), .symbol(.rightBracket), .symbol(.rightBrace):
            return true
        default:
            return false
        }
    }
}

extension TokenSpacing {
    /// The spacing of a parsed file: its negating `-` tokens are found in the tree.
    ///
    /// A negation's span starts at its `-`, or at the `(` of the parentheses
    /// around it, so its `-` is the first token after those `(`. Texts are
    /// kept as written, so the negations inside their interpolations are
    /// not looked for.
    init(tokens: [Token], program: SourceProgram) {
        var starts: [Int] = []
        func collect(_ e: Expr) {
            switch e.kind {
            case .text:
                return  // kept as written, interpolations included
            case .unary(.negate, _):
                starts.append(e.span.start)
            default:
                break
            }
            for child in e.children { collect(child) }
        }
        for statement in program.statements {
            statement.forEachStatement { s in
                for e in s.expressions { collect(e) }
            }
        }
        var negations: Set<Int> = []
        for start in starts {
            var lo = 0, hi = tokens.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if tokens[mid].span.start < start { lo = mid + 1 } else { hi = mid }
            }
            while lo < tokens.count, tokens[lo].kind == .symbol(.leftParen) { lo += 1 }
            if lo < tokens.count, tokens[lo].kind == .symbol(.minus) {
                negations.insert(tokens[lo].span.start)
            }
        }
        self.init(negations: negations)
    }
}
