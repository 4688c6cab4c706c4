/// The parser: tokens → syntax tree, for the grammar in grammar/civic.ebnf.
///
/// It is split by grammar area: this file holds the machinery (looking at
/// tokens, expecting them, errors and recovery); `ParseExpressions.swift`,
/// `ParseStatements.swift` and `ParseDeclarations.swift` hold the rules,
/// each parse function with its grammar rule above it.
///
/// One mistake gives one message: an error abandons the statement it is in,
/// and parsing resumes at the next statement of the same block. The parser
/// always moves forward, so it cannot loop, and it never skips input without
/// saying so.
public struct Parser {
    let file: SourceFile
    let fileID: Int
    var tokens: [Token]
    var position = 0
    /// The next expression id to hand out.
    var nextID: Int
    /// How deeply the rules being parsed are nested (brackets, blocks, prefixes).
    var depth = 0
    /// The diagnostics found so far.
    public internal(set) var diagnostics: [Diagnostic] = []
    /// The brackets open at the current position, for "'}' expected to close '{'".
    var openBrackets: [Token] = []

    /// Nesting deeper than this is refused: no real script comes near, and it
    /// keeps hostile input from exhausting the stack.
    static let maxDepth = 128
    /// The most binary operators one chain may hold (`1 + 1 + ... + 1`).
    static let maxChain = 1000

    /// Where parsing an expression must stop early.
    struct Context {
        /// In a condition before a block: `Name {` is not a constructor, and `{` opens the block.
        var noBrace = false
        /// A statement word follows: `enrol X in P` must not read `X in P`.
        var noIn = false
        /// Inside `sum F of ...`: `where` belongs to the source, not to F.
        var noQuery = false
        static let plain = Context()
    }

    public init(file: SourceFile, fileID: Int, firstExprID: Int = 0) {
        self.file = file
        self.fileID = fileID
        self.tokens = Lexer.tokenize(file, fileID: fileID)
        self.nextID = firstExprID
    }

    /// Parses a whole file.
    public static func parse(_ file: SourceFile, fileID: Int, firstExprID: Int = 0) -> (SourceProgram, [Diagnostic]) {
        var parser = Parser(file: file, fileID: fileID, firstExprID: firstExprID)
        let statements = parser.parseProgram()
        return (SourceProgram(file: fileID, statements: statements, exprIDs: firstExprID..<parser.nextID), parser.diagnostics)
    }

    // MARK: Looking at tokens

    var current: Token { tokens[min(position, tokens.count - 1)] }
    var kind: TokenKind { current.kind }

    func peek(_ offset: Int = 1) -> TokenKind {
        let i = position + offset
        return i < tokens.count ? tokens[i].kind : .end
    }

    /// The span of the token before the current one (where a construct ended).
    var previousSpan: Span {
        position > 0 ? tokens[min(position - 1, tokens.count - 1)].span : current.span
    }

    mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    func isSymbol(_ s: Symbol) -> Bool { kind == .symbol(s) }
    func isKeyword(_ k: Keyword) -> Bool { kind == .keyword(k) }
    /// Whether the current token is the contextual word `w` (a name, not reserved).
    func isWord(_ w: String) -> Bool { kind == .name(w) }

    var atStatementEnd: Bool {
        switch kind {
        case .newline, .end, .symbol(.semicolon), .symbol(.rightBrace): return true
        default: return false
        }
    }

    mutating func skipNewlines() {
        while kind == .newline || kind == .symbol(.semicolon) { advance() }
    }

    mutating func makeExpr(_ kind: ExprKind, _ span: Span) -> Expr {
        defer { nextID += 1 }
        return Expr(id: nextID, kind: kind, span: span)
    }

    // MARK: Expecting tokens

    /// A parse error: the diagnostic to report. Thrown to abandon a statement.
    struct Failure: Error { var diagnostic: Diagnostic }

    func failure(_ message: String, at span: Span? = nil, hint: String? = nil) -> Failure {
        Failure(diagnostic: .error(message, at: span ?? current.span, hint: hint))
    }

    /// "expected X, found Y", or the lexer's own message when the token is an error.
    func expected(_ what: String, hint: String? = nil) -> Failure {
        if case .error(let message) = kind {
            return failure(message)
        }
        let closesSomething = kind == .symbol(.rightBrace) || kind == .symbol(.rightParen) || kind == .symbol(.rightBracket)
        if let open = openBrackets.last, kind == .end || (closesSomething && open.kind != .symbol(.leftBrace)) {
            if let closer = Parser.closer(of: open.kind), kind != .symbol(closer) {
                let line = file.location(of: open.span.start).line
                return failure("\(what) expected, found \(kind.described); '\(closer.rawValue)' is still needed to close the '\(Parser.opener(open.kind))' opened at line \(line)", hint: hint)
            }
        }
        return failure("\(what) expected, found \(kind.described)", hint: hint)
    }

    mutating func expect(_ s: Symbol, _ what: String? = nil) throws(Failure) -> Token {
        guard isSymbol(s) else { throw expected(what ?? "'\(s.rawValue)'") }
        let t = current
        advance()
        return t
    }

    mutating func expectKeyword(_ k: Keyword) throws(Failure) {
        guard isKeyword(k) else { throw expected("'\(k.rawValue)'") }
        advance()
    }

    /// Expects the contextual word `w` (`to`, `from`, `per`, ...).
    mutating func expectWord(_ w: String, hint: String? = nil) throws(Failure) {
        guard isWord(w) else { throw expected("'\(w)'", hint: hint) }
        advance()
    }

    mutating func identifier(_ what: String = "a name") throws(Failure) -> Identifier {
        guard case .name(let n) = kind else {
            if case .keyword(let k) = kind {
                throw failure("\(what) expected, found the reserved word '\(k.rawValue)'",
                              hint: "'\(k.rawValue)' is a reserved word; choose another name")
            }
            throw expected(what)
        }
        let id = Identifier(n, current.span)
        advance()
        return id
    }

    /// Opens a bracket: remembers it so that a missing closer can name it.
    mutating func open(_ s: Symbol) throws(Failure) -> Token {
        let t = try expect(s)
        openBrackets.append(t)
        return t
    }

    /// Closes the innermost bracket, saying which one is unclosed if the closer is missing.
    /// `separating` names what commas separate here ("the arguments"), for the
    /// hint when one seems to be missing.
    mutating func close(_ s: Symbol, separating: String? = nil) throws(Failure) -> Token {
        guard isSymbol(s) else {
            let open = openBrackets.last
            let line = open.map { file.location(of: $0.span.start).line } ?? 0
            if case .error(let message) = kind { throw failure(message) }
            throw failure("'\(s.rawValue)' expected to close the '\(Parser.opener(open?.kind ?? .end))' opened at line \(line), found \(kind.described)",
                          hint: startsExpression ? separating.map { "put ',' between \($0)" } : nil)
        }
        let t = current
        advance()
        if !openBrackets.isEmpty { openBrackets.removeLast() }
        return t
    }

    /// Whether the current token can start an expression (for "is a ',' missing?").
    var startsExpression: Bool {
        switch kind {
        case .name, .number, .percent, .text, .date, .time, .keyword(.true), .keyword(.false), .keyword(.none),
             .symbol(.leftParen), .symbol(.leftBracket):
            return true
        default:
            return false
        }
    }

    static func closer(of kind: TokenKind) -> Symbol? {
        switch kind {
        case .symbol(.leftParen): return .rightParen
        case .symbol(.leftBracket): return .rightBracket
        case .symbol(.leftBrace): return .rightBrace
        default: return nil
        }
    }

    static func opener(_ kind: TokenKind) -> String {
        if case .symbol(let s) = kind { return s.rawValue }
        return "{"
    }

    /// Enters a nested rule; refuses nesting deeper than `maxDepth`.
    mutating func nest() throws(Failure) {
        depth += 1
        if depth > Parser.maxDepth {
            throw failure("this is nested too deeply (more than \(Parser.maxDepth) levels)",
                          hint: "split it into smaller parts with 'let' or functions")
        }
    }

    mutating func unnest() { depth -= 1 }

    /// Whether token `i` is the first on its source line (only spaces before it).
    /// Used after a bracket was left open, when the lexer no longer marks line ends.
    /// As for the lexer, a line ends with LF or CR LF; a CR alone is a space.
    func startsLine(_ i: Int) -> Bool {
        guard i > 0, i < tokens.count else { return i == 0 }
        var j = tokens[i].span.start - 1
        let bytes = file.bytes
        while j >= 0, j < bytes.count,
              bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "\t") || bytes[j] == UInt8(ascii: "\r") { j -= 1 }
        return j < 0 || (j < bytes.count && bytes[j] == UInt8(ascii: "\n"))
    }

    /// The column where token `i` starts (bytes from the line start).
    func indentation(_ i: Int) -> Int {
        guard i >= 0, i < tokens.count else { return 0 }
        let start = tokens[i].span.start
        var j = start - 1
        let bytes = file.bytes
        while j >= 0, j < bytes.count, bytes[j] != UInt8(ascii: "\n") { j -= 1 }
        return start - j - 1
    }

    /// Ends a statement: a line end, `;`, a `}` that closes the block, or the end.
    mutating func endStatement() throws(Failure) {
        switch kind {
        case .newline, .symbol(.semicolon): advance()
        case .end, .symbol(.rightBrace): break
        case .error(let message): throw failure(message)
        case _ where openBrackets.isEmpty && startsLine(position):
            // A bracket left open earlier hid the line end; the new line still starts a statement.
            break
        default:
            throw failure("the end of the statement expected, found \(kind.described)",
                          hint: "put each statement on its own line")
        }
    }

    // MARK: Recovery

    /// After an error in the statement that began at token `start`, moves to
    /// the start of the next statement in the same block: the first line end
    /// at or after the error that is outside every `{` the statement opened.
    mutating func synchronize(statementStart start: Int, errorAt errorIndex: Int) {
        var braces = 0
        var i = start
        let column = indentation(start)
        while i < tokens.count {
            // After a bracket left open, line ends are not marked: a line that
            // starts no further in than the broken statement starts the next one.
            if i > start, i >= errorIndex, braces == 0, startsLine(i), indentation(i) <= column,
               tokens[i - 1].kind != .newline {
                position = i
                return
            }
            switch tokens[i].kind {
            case .symbol(.leftBrace):
                braces += 1
            case .symbol(.rightBrace):
                if braces == 0 {
                    position = i
                    return
                }
                braces -= 1
            case .newline, .symbol(.semicolon):
                if braces == 0 && i >= errorIndex {
                    position = i + 1
                    return
                }
            case .end:
                position = i
                return
            default:
                break
            }
            i += 1
        }
        position = tokens.count - 1
    }
}
