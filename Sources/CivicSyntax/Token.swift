/// A token: its kind and the bytes of the source it covers.
public struct Token: Hashable, Sendable {
    public var kind: TokenKind
    public var span: Span

    public init(_ kind: TokenKind, _ span: Span) {
        self.kind = kind
        self.span = span
    }
}

/// What a token is. Literal tokens carry their text already cleaned
/// (underscores removed, escapes resolved); their exact values are made later.
public enum TokenKind: Hashable, Sendable {
    /// An identifier, including words that only start a statement
    /// (`programme`, `award`, ...), which the parser recognises by place.
    case name(String)
    /// A reserved word, which can never be a name.
    case keyword(Keyword)
    /// A number literal: digits with an optional fraction, underscores removed
    /// (`1_000.50` → `"1000.50"`).
    case number(String)
    /// A percentage: the number before `%` (`70%` → `"70"`).
    case percent(String)
    /// A text literal, split at its `{expr}` interpolations.
    case text([TextPart])
    /// A date literal `2026-11-28`.
    case date(year: Int, month: Int, day: Int)
    /// A time literal `2026-11-28T09:30` or `2026-11-28T09:30:15`.
    case time(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)
    /// Punctuation and operators.
    case symbol(Symbol)
    /// The end of a statement: a line end outside `(` and `[`.
    case newline
    /// The end of the input.
    case end
    /// Text the lexer could not read; the message says why.
    case error(String)
}

/// A piece of a text literal.
public enum TextPart: Hashable, Sendable {
    /// Plain text, escapes already resolved.
    case literal(String)
    /// The source bytes of an interpolated `{expr}`, without the braces;
    /// the parser reads them as an expression.
    case interpolation(Span)
}

/// Reserved words: they can never be used as names.
public enum Keyword: String, CaseIterable, Hashable, Sendable {
    case `let`, `var`, fn, `return`, `if`, `else`, `for`, `in`, `while`, `break`, `continue`
    case and, or, not, mod
    case `true`, `false`, none
    case `where`, order, by, asc, desc, limit, of
    case print, show
}

/// Punctuation and operator symbols.
public enum Symbol: String, CaseIterable, Hashable, Sendable {
    case leftParen = "(", rightParen = ")"
    case leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}"
    case comma = ",", colon = ":", semicolon = ";", dot = ".", dotDot = ".."
    case plus = "+", minus = "-", star = "*", slash = "/"
    case assign = "="
    case equal = "==", notEqual = "!="
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

extension TokenKind {
    /// How the token is named in messages: `'}'`, `a name`, `the end of the line`.
    public var described: String {
        switch self {
        case .name(let n): return "'\(n)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .number(let n): return "the number \(n)"
        case .percent(let p): return "the percentage \(p)%"
        case .text: return "a text"
        case .date: return "a date"
        case .time: return "a time"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .newline: return "the end of the line"
        case .end: return "the end of the file"
        case .error(let m): return m
        }
    }
}
