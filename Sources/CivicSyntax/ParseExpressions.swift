/// Expressions, by precedence climbing over the operator table below.
///
/// | level | operators                          | associativity          |
/// |-------|------------------------------------|------------------------|
/// | 1     | `or`                               | left                   |
/// | 2     | `and`                              | left                   |
/// | 3     | `not` (prefix)                     |                        |
/// | 4     | `== != < <= > >= in`               | none: `a < b < c` is an error |
/// | 5     | `..`                               | none                   |
/// | 6     | `+ -`                              | left                   |
/// | 7     | `* / mod`                          | left                   |
/// | 8     | `-` (prefix)                       |                        |
/// | 9     | `.field`, `[index]`, `f(args)`, then `where`/`order by`/`limit` | |
extension Parser {
    static let comparisonLevel = 4
    static let rangeLevel = 5

    /// The binary operator a token stands for here, and its level.
    func binaryOperator(_ context: Context) -> (op: BinaryOperator?, level: Int)? {
        switch kind {
        case .keyword(.or): return (.or, 1)
        case .keyword(.and): return (.and, 2)
        case .symbol(.equal): return (.equal, 4)
        case .symbol(.notEqual): return (.notEqual, 4)
        case .symbol(.less): return (.less, 4)
        case .symbol(.lessEqual): return (.lessEqual, 4)
        case .symbol(.greater): return (.greater, 4)
        case .symbol(.greaterEqual): return (.greaterEqual, 4)
        case .keyword(.in): return context.noIn ? nil : (.in, 4)
        case .symbol(.dotDot): return (nil, 5)
        case .symbol(.plus): return (.add, 6)
        case .symbol(.minus): return (.subtract, 6)
        case .symbol(.star): return (.multiply, 7)
        case .symbol(.slash): return (.divide, 7)
        case .keyword(.mod): return (.mod, 7)
        default: return nil
        }
    }

    // expression = binary(1)
    mutating func parseExpression(_ context: Context = .plain) throws(Failure) -> Expr {
        try nest()
        defer { unnest() }
        return try parseBinary(level: 1, context)
    }

    // binary(n) = prefix { operator-of-level->=n [newlines] binary(level+1) }
    mutating func parseBinary(level minLevel: Int, _ context: Context) throws(Failure) -> Expr {
        var left = try parseNot(minLevel, context)
        var chain = 0
        while let (op, level) = binaryOperator(context), level >= minLevel {
            let opToken = current
            advance()
            while kind == .newline { advance() }
            chain += 1
            if chain > Parser.maxChain {
                throw failure("this expression is too long (more than \(Parser.maxChain) operators)",
                              at: opToken.span, hint: "split it into parts with 'let'")
            }
            let right = try parseBinary(level: level + 1, context)
            let span = left.span.through(right.span)
            if let op {
                left = makeExpr(.binary(op, left, right), span)
            } else {
                left = makeExpr(.range(left, right), span)
            }
            if level == Parser.comparisonLevel || level == Parser.rangeLevel,
               let (_, next) = binaryOperator(context), next == level {
                let what = level == Parser.rangeLevel ? "ranges" : "comparisons"
                throw failure("\(what) cannot be chained", at: current.span,
                              hint: level == Parser.rangeLevel ? nil : "write 'a < b and b < c'")
            }
        }
        return left
    }

    // not = "not" not | unary        (binds looser than comparisons: not a == b is not (a == b))
    mutating func parseNot(_ minLevel: Int, _ context: Context) throws(Failure) -> Expr {
        guard isKeyword(.not) else { return try parseUnary(context) }
        let start = current.span
        advance()
        try nest()
        defer { unnest() }
        let operand = try parseBinary(level: max(minLevel, Parser.comparisonLevel), context)
        return makeExpr(.unary(.not, operand), start.through(operand.span))
    }

    // unary = "-" unary | postfix
    mutating func parseUnary(_ context: Context) throws(Failure) -> Expr {
        guard isSymbol(.minus) else { return try parsePostfix(context) }
        let start = current.span
        advance()
        try nest()
        defer { unnest() }
        let operand = try parseUnary(context)
        return makeExpr(.unary(.negate, operand), start.through(operand.span))
    }

    // postfix = primary { "." name | "[" expression "]" } [ query-clauses ]
    mutating func parsePostfix(_ context: Context) throws(Failure) -> Expr {
        var expr = try parsePrimary(context)
        while true {
            if isSymbol(.dot) {
                advance()
                let field: Identifier
                if case .keyword(let k) = kind {
                    field = Identifier(k.rawValue, current.span)
                    advance()
                } else {
                    field = try identifier("a field name after '.'")
                }
                expr = makeExpr(.member(expr, field), expr.span.through(field.span))
            } else if isSymbol(.leftBracket) {
                _ = try open(.leftBracket)
                let index = try parseExpression()
                let close = try close(.rightBracket)
                expr = makeExpr(.index(expr, index), expr.span.through(close.span))
            } else {
                break
            }
        }
        if !context.noQuery, isKeyword(.where) || isKeyword(.order) || isKeyword(.limit) {
            expr = try parseQueryClauses(source: expr, context)
        }
        return expr
    }

    // query-clauses = [ "where" expression ] [ "order" "by" order-key { "," order-key } ] [ "limit" expression ]
    // order-key = binary(5) [ "asc" | "desc" ]
    mutating func parseQueryClauses(source: Expr, _ context: Context) throws(Failure) -> Expr {
        var clauses = QueryClauses()
        // Inside the clauses, `order by` and `limit` belong to this query, not
        // to the last operand of the condition (brackets start afresh).
        var inner = context
        inner.noQuery = true
        if isKeyword(.where) {
            advance()
            clauses.filter = try parseExpression(inner)
        }
        if isKeyword(.order) {
            advance()
            try expectKeyword(.by)
            while true {
                let key = try parseBinary(level: Parser.rangeLevel, inner)
                var descending = false
                if isKeyword(.desc) { descending = true; advance() } else if isKeyword(.asc) { advance() }
                clauses.order.append(OrderKey(expr: key, descending: descending))
                guard isSymbol(.comma) else { break }
                advance()
            }
        }
        if isKeyword(.limit) {
            advance()
            clauses.limit = try parseBinary(level: Parser.rangeLevel, inner)
        }
        let end = previousSpan
        return makeExpr(.query(source: source, clauses: clauses), source.span.through(end))
    }

    // primary = number [ unit ] | percent | text | date | time | "true" | "false" | "none"
    //         | aggregate | "add" name record | "overdue" name | "workload" name
    //         | name "(" [ expression { "," expression } ] ")" | name record | name
    //         | "(" expression ")" | "[" [ expression { "," expression } ] "]" | record
    mutating func parsePrimary(_ context: Context) throws(Failure) -> Expr {
        let token = current
        switch token.kind {
        case .number(let digits):
            advance()
            if case .name(let word) = kind, CivicDuration.unit(named: word) != nil {
                let unit = Identifier(word, current.span)
                advance()
                return makeExpr(.duration(amount: digits, unit: unit), token.span.through(unit.span))
            }
            return makeExpr(.number(digits), token.span)
        case .percent(let digits):
            advance()
            return makeExpr(.percent(digits), token.span)
        case .text(let parts):
            advance()
            return makeExpr(.text(try parseTextParts(parts)), token.span)
        case .date(let y, let m, let d):
            advance()
            return makeExpr(.date(year: y, month: m, day: d), token.span)
        case .time(let y, let mo, let d, let h, let mi, let s):
            advance()
            return makeExpr(.time(year: y, month: mo, day: d, hour: h, minute: mi, second: s), token.span)
        case .keyword(.true):
            advance()
            return makeExpr(.bool(true), token.span)
        case .keyword(.false):
            advance()
            return makeExpr(.bool(false), token.span)
        case .keyword(.none):
            advance()
            return makeExpr(.none, token.span)
        case .name(let name):
            return try parseNamePrimary(name, token, context)
        case .symbol(.leftParen):
            let open = try open(.leftParen)
            let inner = try parseExpression()
            let close = try close(.rightParen)
            return Expr(id: inner.id, kind: inner.kind, span: open.span.through(close.span))
        case .symbol(.leftBracket):
            return try parseList()
        case .symbol(.leftBrace) where !context.noBrace:
            let (fields, span) = try parseFieldValues()
            return makeExpr(.record(fields), span)
        default:
            throw expected("an expression")
        }
    }

    /// A primary that starts with a name: an aggregate, `add`, `overdue`, `workload`, a call,
    /// a constructor, or the name alone.
    mutating func parseNamePrimary(_ name: String, _ token: Token, _ context: Context) throws(Failure) -> Expr {
        let next = peek()
        var nextIsName = false
        if case .name = next { nextIsName = true }
        // `count [1, 2]` is an aggregate of a list literal; `first[1]` (no space) indexes a variable named first.
        let spacedBracket = next == .symbol(.leftBracket) && position + 1 < tokens.count
            && tokens[position + 1].span.start > token.span.end
        if let aggregate = AggregateKind(rawValue: name), nextIsName || spacedBracket {
            return try parseAggregate(aggregate, token, context)
        }
        if name == "add", nextIsName, peek(2) == .symbol(.leftBrace) {
            advance()
            let type = try identifier("an entity name")
            let (fields, span) = try parseFieldValues()
            return makeExpr(.add(type: type, fields: fields), token.span.through(span))
        }
        if name == "overdue", nextIsName {
            advance()
            let type = try identifier("an event name")
            return makeExpr(.overdue(type), token.span.through(type.span))
        }
        // workload = "workload" name
        if name == "workload", nextIsName {
            advance()
            let type = try identifier("the name of the entity that is assigned")
            return makeExpr(.workload(type), token.span.through(type.span))
        }
        let id = Identifier(name, token.span)
        advance()
        if isSymbol(.leftParen) {
            return try parseCall(id)
        }
        if isSymbol(.leftBrace), !context.noBrace {
            let (fields, span) = try parseFieldValues()
            return makeExpr(.construct(type: id, fields: fields), token.span.through(span))
        }
        return makeExpr(.name(name), token.span)
    }

    // aggregate = ( "count" | "exists" | "first" ) postfix      (only when a name, or a '[' after a space, follows)
    //           | ( "sum" | "average" | "min" | "max" ) binary(1) "of" postfix
    mutating func parseAggregate(_ aggregate: AggregateKind, _ token: Token, _ context: Context) throws(Failure) -> Expr {
        advance()
        try nest()
        defer { unnest() }
        var field: Expr?
        if aggregate.takesField {
            var fieldContext = context
            fieldContext.noQuery = true
            field = try parseBinary(level: 1, fieldContext)
            guard isKeyword(.of) else {
                throw expected("'of'", hint: "write '\(aggregate.rawValue) FIELD of ROWS', as in '\(aggregate.rawValue) age of Resident'")
            }
            advance()
        }
        var sourceContext = context
        sourceContext.noQuery = false
        let source = try parsePostfix(sourceContext)
        return makeExpr(.aggregate(aggregate, field: field, source: source), token.span.through(source.span))
    }

    // call = name "(" [ expression { "," expression } [","] ] ")"
    mutating func parseCall(_ callee: Identifier) throws(Failure) -> Expr {
        _ = try open(.leftParen)
        var arguments: [Expr] = []
        while !isSymbol(.rightParen) {
            arguments.append(try parseExpression())
            if isSymbol(.comma) { advance() } else { break }
        }
        let close = try close(.rightParen, separating: "the arguments")
        return makeExpr(.call(callee, arguments), callee.span.through(close.span))
    }

    // list = "[" [ expression { "," expression } [","] ] "]"
    mutating func parseList() throws(Failure) -> Expr {
        let open = try open(.leftBracket)
        var items: [Expr] = []
        while !isSymbol(.rightBracket) {
            items.append(try parseExpression())
            if isSymbol(.comma) { advance() } else { break }
        }
        let close = try close(.rightBracket, separating: "the items of a list")
        return makeExpr(.list(items), open.span.through(close.span))
    }

    // record = "{" [ field-value { ("," | newline) field-value } ] "}"
    // field-value = name ":" expression
    mutating func parseFieldValues() throws(Failure) -> ([FieldValue], Span) {
        let open = try open(.leftBrace)
        try nest()
        defer { unnest() }
        var fields: [FieldValue] = []
        skipNewlines()
        while !isSymbol(.rightBrace) {
            let name = try identifier("a field name")
            _ = try expect(.colon, "':' after the field name '\(name.name)'")
            let value = try parseExpression()
            if fields.contains(where: { $0.name.name == name.name }) {
                throw failure("the field '\(name.name)' is given twice", at: name.span)
            }
            fields.append(FieldValue(name: name, value: value))
            if isSymbol(.comma) { advance() }
            else if kind == .newline || isSymbol(.semicolon) { skipNewlines() }
            else { break }
            skipNewlines()
        }
        let close = try close(.rightBrace)
        return (fields, open.span.through(close.span))
    }

    /// Reads the `{expr}` parts of a text literal as expressions.
    mutating func parseTextParts(_ parts: [TextPart]) throws(Failure) -> [TextSegment] {
        var segments: [TextSegment] = []
        for part in parts {
            switch part {
            case .literal(let s):
                segments.append(.literal(s))
            case .interpolation(let span):
                try nest()
                defer { unnest() }
                var inner = Parser(file: file, fileID: fileID, range: span.start..<span.end, firstExprID: nextID)
                inner.depth = depth
                let expr: Expr
                do {
                    expr = try inner.parseExpression()
                } catch {
                    var d = error.diagnostic
                    d.message = d.message.replacing("found the end of the file", with: "found the '}' that ends the interpolation")
                    throw Failure(diagnostic: d)
                }
                if inner.kind != .end {
                    throw inner.failure("'}' expected to end the interpolation, found \(inner.kind.described)")
                }
                nextID = inner.nextID
                segments.append(.expr(expr))
            }
        }
        return segments
    }

    /// A parser for part of a file (the inside of an interpolation).
    init(file: SourceFile, fileID: Int, range: Range<Int>, firstExprID: Int) {
        self.file = file
        self.fileID = fileID
        var lexer = Lexer(file: file, fileID: fileID, range: range)
        var tokens: [Token] = []
        while true {
            let t = lexer.next()
            if t.kind == .newline { continue }
            tokens.append(t)
            if t.kind == .end { break }
        }
        self.tokens = tokens
        self.nextID = firstExprID
    }
}
