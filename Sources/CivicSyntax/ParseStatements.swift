/// Statements of the core language, blocks, and the statement dispatcher.
extension Parser {
    // program = { newline } { statement ( newline | ";" ) } end
    public mutating func parseProgram() -> [Stmt] {
        var statements: [Stmt] = []
        skipNewlines()
        while kind != .end {
            if isSymbol(.rightBrace) {
                diagnostics.append(.error("unexpected '}': there is no '{' open here", at: current.span,
                                          hint: "remove it, or check the '{' it was meant to close"))
                advance()
                skipNewlines()
                continue
            }
            if let statement = parseStatementRecovering() {
                statements.append(statement)
            }
            skipNewlines()
        }
        return statements
    }

    /// Parses one statement; on an error, records it and moves to the next statement.
    mutating func parseStatementRecovering() -> Stmt? {
        let start = position
        let savedBrackets = openBrackets
        let savedDepth = depth
        do {
            let statement = try parseStatement()
            try endStatement()
            return statement
        } catch {
            diagnostics.append(error.diagnostic)
            let errorIndex = position
            openBrackets = savedBrackets
            depth = savedDepth
            synchronize(statementStart: start, errorAt: errorIndex)
            if position <= start, kind != .end, !isSymbol(.rightBrace) { advance() }
            return nil
        }
    }

    // block = "{" { statement ( newline | ";" ) } "}"
    mutating func parseBlock(_ what: String = "a block") throws(Failure) -> [Stmt] {
        if kind == .newline, peek() == .symbol(.leftBrace) { advance() }
        guard isSymbol(.leftBrace) else {
            if isSymbol(.assign) {
                throw expected("'{' to start \(what)", hint: "to compare, write '==' instead of '='")
            }
            throw expected("'{' to start \(what)")
        }
        let open = try self.open(.leftBrace)
        try nest()
        defer { unnest() }
        var statements: [Stmt] = []
        skipNewlines()
        while !isSymbol(.rightBrace) {
            if kind == .end {
                let line = file.location(of: open.span.start).line
                throw failure("'}' expected to close the '{' opened at line \(line), found the end of the file",
                              hint: "add '}' after the last statement of the block")
            }
            if let statement = parseStatementRecovering() {
                statements.append(statement)
            }
            skipNewlines()
        }
        _ = try close(.rightBrace)
        return statements
    }

    /// Whether a contextual statement word at the start of a statement really
    /// starts that statement (and is not a variable being assigned or read).
    func startsStatement() -> Bool {
        switch peek() {
        case .symbol(.assign), .symbol(.dot), .symbol(.leftBracket), .symbol(.leftParen),
             .newline, .end, .symbol(.semicolon), .symbol(.rightBrace):
            return false
        case .symbol(.equal), .symbol(.notEqual), .symbol(.plus), .symbol(.star), .symbol(.slash),
             .symbol(.less), .symbol(.lessEqual), .symbol(.greater), .symbol(.greaterEqual),
             .keyword(.and), .keyword(.or), .keyword(.mod), .keyword(.in), .symbol(.dotDot), .symbol(.comma):
            return false
        default:
            return true
        }
    }

    // statement = let | var | fn | if | for | while | return | "break" | "continue"
    //           | print | show | declaration | governance-statement | assignment | expression
    mutating func parseStatement() throws(Failure) -> Stmt {
        let start = current.span
        switch kind {
        case .keyword(.let), .keyword(.var):
            return try parseBinding()
        case .keyword(.fn):
            return try parseFunction()
        case .keyword(.if):
            return try parseIf()
        case .keyword(.for):
            return try parseFor()
        case .keyword(.while):
            advance()
            let condition = try parseExpression(Context(noBrace: true))
            let body = try parseBlock("the loop's body")
            return Stmt(kind: .while(condition, body: body), span: start.through(previousSpan))
        case .keyword(.return):
            advance()
            if atStatementEnd { return Stmt(kind: .return(nil), span: start) }
            let value = try parseExpression()
            return Stmt(kind: .return(value), span: start.through(value.span))
        case .keyword(.break):
            advance()
            return Stmt(kind: .break, span: start)
        case .keyword(.continue):
            advance()
            return Stmt(kind: .continue, span: start)
        case .keyword(.print):
            advance()
            var values: [Expr] = []
            if !atStatementEnd {
                values.append(try parseExpression())
                while isSymbol(.comma) {
                    advance()
                    values.append(try parseExpression())
                }
            }
            return Stmt(kind: .print(values), span: start.through(previousSpan))
        case .keyword(.show):
            advance()
            let value = try parseExpression()
            return Stmt(kind: .show(value), span: start.through(value.span))
        case .name(let word) where startsStatement():
            if let statement = try parseWordStatement(word) {
                return statement
            }
            return try parseAssignmentOrExpression()
        case .keyword(.else):
            throw failure("'else' without an 'if' before it",
                          hint: "put 'else' on the same line as the '}' that ends the 'if' block")
        default:
            return try parseAssignmentOrExpression()
        }
    }

    // let = ( "let" | "var" ) name "=" expression
    mutating func parseBinding() throws(Failure) -> Stmt {
        let start = current.span
        let isLet = isKeyword(.let)
        advance()
        let name = try identifier("a name after '\(isLet ? "let" : "var")'")
        guard isSymbol(.assign) else {
            throw expected("'='", hint: "write '\(isLet ? "let" : "var") \(name.name) = VALUE'")
        }
        advance()
        skipNewlines()
        let value = try parseExpression()
        let span = start.through(value.span)
        return Stmt(kind: isLet ? .let(name, value) : .var(name, value), span: span)
    }

    // fn = "fn" name "(" [ name { "," name } ] ")" ( block | "=" expression )
    mutating func parseFunction() throws(Failure) -> Stmt {
        let start = current.span
        advance()
        let name = try identifier("a function name")
        _ = try open(.leftParen)
        var parameters: [Identifier] = []
        while !isSymbol(.rightParen) {
            let p = try identifier("a parameter name")
            if parameters.contains(where: { $0.name == p.name }) {
                throw failure("the parameter '\(p.name)' is named twice", at: p.span)
            }
            parameters.append(p)
            if isSymbol(.comma) { advance() } else { break }
        }
        _ = try close(.rightParen, separating: "the parameters")
        if isSymbol(.assign) {
            advance()
            skipNewlines()
            let value = try parseExpression()
            let body = [Stmt(kind: .return(value), span: value.span)]
            return Stmt(kind: .function(name: name, parameters: parameters, body: body), span: start.through(value.span))
        }
        let body = try parseBlock("the function's body")
        return Stmt(kind: .function(name: name, parameters: parameters, body: body), span: start.through(previousSpan))
    }

    // if = "if" expression block { "else" "if" expression block } [ "else" block ]
    mutating func parseIf() throws(Failure) -> Stmt {
        let start = current.span
        var branches: [(condition: Expr, body: [Stmt])] = []
        var otherwise: [Stmt]?
        advance()
        let condition = try parseExpression(Context(noBrace: true))
        branches.append((condition, try parseBlock("the 'if' block")))
        while elseFollows() {
            advance()
            if isKeyword(.if) {
                advance()
                let c = try parseExpression(Context(noBrace: true))
                branches.append((c, try parseBlock("the 'else if' block")))
            } else {
                otherwise = try parseBlock("the 'else' block")
                break
            }
        }
        return Stmt(kind: .if(branches: branches, otherwise: otherwise), span: start.through(previousSpan))
    }

    /// Whether `else` comes next, on this line or the next: moves up to it.
    mutating func elseFollows() -> Bool {
        if isKeyword(.else) { return true }
        var i = position
        while i < tokens.count, tokens[i].kind == .newline { i += 1 }
        if i < tokens.count, tokens[i].kind == .keyword(.else) {
            position = i
            return true
        }
        return false
    }

    // for = "for" name "in" expression block
    mutating func parseFor() throws(Failure) -> Stmt {
        let start = current.span
        advance()
        let variable = try identifier("a loop variable after 'for'")
        guard isKeyword(.in) else {
            throw expected("'in'", hint: "write 'for \(variable.name) in LIST { ... }'")
        }
        advance()
        let sequence = try parseExpression(Context(noBrace: true))
        let body = try parseBlock("the loop's body")
        return Stmt(kind: .for(variable, sequence, body: body), span: start.through(previousSpan))
    }

    // assignment = target "=" expression ; target = name { "." name | "[" expression "]" }
    // expression-statement = expression
    mutating func parseAssignmentOrExpression() throws(Failure) -> Stmt {
        let expr = try parseExpression()
        guard isSymbol(.assign) else {
            return Stmt(kind: .expr(expr), span: expr.span)
        }
        let equals = current.span
        guard let target = Parser.assignTarget(expr) else {
            throw failure("only a name, a field or a list item can be given a new value", at: expr.span,
                          hint: "to compare, write '==' instead of '='")
        }
        _ = equals
        advance()
        skipNewlines()
        let value = try parseExpression()
        return Stmt(kind: .assign(target, value), span: expr.span.through(value.span))
    }

    static func assignTarget(_ expr: Expr) -> AssignTarget? {
        switch expr.kind {
        case .name(let n): return .name(Identifier(n, expr.span))
        case .member(let base, let field): return assignTarget(base).map { .member($0, field) }
        case .index(let base, let index): return assignTarget(base).map { .index($0, index) }
        default: return nil
        }
    }
}
