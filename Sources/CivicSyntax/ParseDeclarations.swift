/// Statements that start with a contextual word: declarations (entity, event,
/// account, rule, programme, catalogue, split, assign, escalate, test) and the
/// governance statements (award, emit, enrol, ...). The words stay usable as
/// names: they start a statement only at the start of a line, and only when
/// what follows cannot continue an expression (see `startsStatement`).
extension Parser {
    /// Parses the statement a word starts, or returns nil when the word is not a statement word.
    mutating func parseWordStatement(_ word: String) throws(Failure) -> Stmt? {
        let start = current.span
        let kind: StmtKind
        switch word {
        case "entity", "event":
            advance()
            let name = try identifier("a name for the \(word)")
            let fields = try parseFieldDecls(of: name.name)
            kind = word == "entity" ? .entity(name: name, fields: fields) : .event(name: name, fields: fields)
        case "account": kind = try parseAccount()
        case "award", "charge": kind = try parseAwardOrCharge(word)
        case "transfer": kind = try parseTransfer()
        case "rule": kind = try parseRule()
        case "cap", "budget":
            advance()
            let amount = try parseExpression()
            try expectWord("per", hint: "write '\(word) AMOUNT per month' (day, week, month or year)")
            let period = PeriodRef(try identifier("day, week, month or year"))
            kind = word == "cap" ? .cap(amount, period) : .budget(amount, period)
        case "emit":
            advance()
            let type = try identifier("an event name after 'emit'")
            let (fields, _) = try parseFieldValues()
            kind = .emit(type: type, fields: fields)
        case "programme": kind = try parseProgramme()
        case "enrol":
            advance()
            let who = try parseExpression(Context(noIn: true))
            try expectKeyword(.in)
            kind = .enrol(who, programme: try parseExpression())
        case "withdraw":
            advance()
            let who = try parseExpression()
            try expectWord("from", hint: "write 'withdraw RESIDENT from \"PROGRAMME\"'")
            kind = .withdraw(who, programme: try parseExpression())
        case "catalogue": kind = try parseCatalogue()
        case "redeem":
            advance()
            let item = try parseExpression()
            try expectKeyword(.for)
            kind = .redeem(item: item, holder: try parseExpression())
        case "split": kind = try parseSplit()
        case "assign": kind = try parseAssign()
        case "escalate": kind = try parseEscalate()
        case "test":
            advance()
            let name = try parseExpression(Context(noBrace: true))
            kind = .test(name: name, body: try parseBlock("the test's body"))
        case "expect":
            advance()
            // expect_error = "expect" "error" [ text ] block ;
            if isWord("error"), peek() == .symbol(.leftBrace) || { if case .text = peek() { true } else { false } }() {
                advance()
                var message: Expr?
                if case .text = current.kind { message = try parseExpression(Context(noBrace: true)) }
                kind = .expectError(message: message, body: try parseBlock("the statements that must fail"))
            } else {
                kind = .expect(try parseExpression())
            }
        case "clock":
            advance()
            kind = .clock(try parseExpression())
        case "advance":
            advance()
            kind = .advance(try parseExpression())
        case "explain":
            advance()
            let inner: Stmt
            if isWord("enrol") || isWord("redeem"), startsStatement(), let s = try parseWordStatement(isWord("enrol") ? "enrol" : "redeem") {
                inner = s
            } else {
                let e = try parseExpression()
                inner = Stmt(kind: .expr(e), span: e.span)
            }
            kind = .explain(inner)
        case "use":
            advance()
            kind = .use(try parseExpression())
        case "load":
            advance()
            let entity = try identifier("an entity name after 'load'")
            try expectWord("from", hint: "write 'load \(entity.name) from \"data/file.csv\"'")
            kind = .load(entity: entity, path: try parseExpression())
        case "update":
            advance()
            let target = try parseExpression(Context(noBrace: true))
            let (fields, _) = try parseFieldValues()
            kind = .update(target, fields)
        case "remove":
            advance()
            kind = .remove(try parseExpression())
        default:
            return nil
        }
        return Stmt(kind: kind, span: start.through(previousSpan))
    }

    // field-decls = "{" [ field-decl { ("," | newline) field-decl } ] "}"
    // field-decl = [ "key" ] name ":" type [ "private" ] [ "=" expression ]
    // type = name | "[" type "]"
    mutating func parseFieldDecls(of owner: String) throws(Failure) -> [FieldDecl] {
        _ = try open(.leftBrace)
        var fields: [FieldDecl] = []
        skipNewlines()
        while !isSymbol(.rightBrace) {
            let start = current.span
            var isKey = false
            if isWord("key"), case .name = peek() {
                isKey = true
                advance()
            }
            let name = try identifier("a field name")
            if fields.contains(where: { $0.name.name == name.name }) {
                throw failure("the field '\(name.name)' is declared twice in \(owner)", at: name.span)
            }
            _ = try expect(.colon, "':' and a type after the field name '\(name.name)'")
            let type = try parseType()
            var isPrivate = false
            if isWord("private") {
                isPrivate = true
                advance()
            }
            var defaultValue: Expr?
            if isSymbol(.assign) {
                advance()
                defaultValue = try parseExpression()
            }
            fields.append(FieldDecl(name: name, type: type, isKey: isKey, isPrivate: isPrivate,
                                    defaultValue: defaultValue, span: start.through(previousSpan)))
            if isSymbol(.comma) { advance() }
            else if kind == .newline || isSymbol(.semicolon) { skipNewlines() }
            else if !isSymbol(.rightBrace) {
                throw expected("',' or a new line between fields")
            }
            skipNewlines()
        }
        _ = try close(.rightBrace)
        return fields
    }

    mutating func parseType() throws(Failure) -> TypeRef {
        let type: TypeRef
        if isSymbol(.leftBracket) {
            let open = try self.open(.leftBracket)
            let element = try parseType()
            let close = try self.close(.rightBracket)
            type = .list(element, open.span.through(close.span))
        } else {
            type = .named(try identifier("a type (Text, Number, Bool, Date, Time, Duration or an entity name)"))
        }
        return type
    }

    // account = "account" name "of" name [ "{" { account-option newline } "}" ]
    // account-option = "expire" "after" expression | "at" "most" expression | "at" "least" expression
    mutating func parseAccount() throws(Failure) -> StmtKind {
        advance()
        let name = try identifier("an account name")
        try expectKeyword(.of)
        let holder = try identifier("the entity that holds the account")
        var options: [AccountOption] = []
        if isSymbol(.leftBrace) {
            try parseOptionBlock { (p: inout Parser) throws(Failure) in
                let start = p.current.span
                if p.isWord("expire") {
                    p.advance()
                    try p.expectWord("after")
                    let e = try p.parseExpression()
                    options.append(.expireAfter(e, start.through(e.span)))
                } else if p.isWord("at") {
                    p.advance()
                    if p.isWord("most") {
                        p.advance()
                        let e = try p.parseExpression()
                        options.append(.atMost(e, start.through(e.span)))
                    } else if p.isWord("least") {
                        p.advance()
                        let e = try p.parseExpression()
                        options.append(.atLeast(e, start.through(e.span)))
                    } else {
                        throw p.expected("'most' or 'least' after 'at'")
                    }
                } else {
                    throw p.expected("'expire after', 'at most' or 'at least'")
                }
            }
        }
        return .account(name: name, holder: holder, options: options)
    }

    /// Parses `{ line; line; ... }` where each line is read by `line`.
    mutating func parseOptionBlock(_ line: (inout Parser) throws(Failure) -> Void) throws(Failure) {
        let open = try self.open(.leftBrace)
        skipNewlines()
        while !isSymbol(.rightBrace) {
            if kind == .end {
                let l = file.location(of: open.span.start).line
                throw failure("'}' expected to close the '{' opened at line \(l), found the end of the file")
            }
            try line(&self)
            if isSymbol(.comma) { advance() }
            if !isSymbol(.rightBrace) { try endStatement() }
            skipNewlines()
        }
        _ = try close(.rightBrace)
    }

    // award = "award" expression name "to" expression [ "for" expression ]
    // charge = "charge" expression name "from" expression [ "for" expression ]
    mutating func parseAwardOrCharge(_ word: String) throws(Failure) -> StmtKind {
        advance()
        let amount = try parseExpression()
        let preposition = word == "award" ? "to" : "from"
        if isWord(preposition) {
            throw failure("the account's name is missing after the amount", at: current.span,
                          hint: "write '\(word) 10 points \(preposition) RESIDENT'")
        }
        let account = try identifier("an account name after the amount")
        try expectWord(preposition, hint: "write '\(word) 10 \(account.name) \(preposition) RESIDENT'")
        let holder = try parseExpression()
        var reason: Expr?
        if isKeyword(.for) {
            advance()
            reason = try parseExpression()
        }
        return word == "award"
            ? .award(amount: amount, account: account, holder: holder, reason: reason)
            : .charge(amount: amount, account: account, holder: holder, reason: reason)
    }

    // transfer = "transfer" expression name "from" expression "to" expression [ "for" expression ]
    mutating func parseTransfer() throws(Failure) -> StmtKind {
        advance()
        let amount = try parseExpression()
        if isWord("from") {
            throw failure("the account's name is missing after the amount", at: current.span,
                          hint: "write 'transfer 2 credits from A to B'")
        }
        let account = try identifier("an account name after the amount")
        try expectWord("from", hint: "write 'transfer 2 \(account.name) from A to B'")
        let from = try parseExpression()
        try expectWord("to", hint: "write 'transfer 2 \(account.name) from A to B'")
        let to = try parseExpression()
        var reason: Expr?
        if isKeyword(.for) {
            advance()
            reason = try parseExpression()
        }
        return .transfer(amount: amount, account: account, from: from, to: to, reason: reason)
    }

    // rule = "rule" expression "on" name name [ "when" expression ] block
    mutating func parseRule() throws(Failure) -> StmtKind {
        advance()
        let name = try parseExpression(Context(noBrace: true))
        try expectWord("on", hint: "write 'rule \"NAME\" on EVENT e { ... }'")
        let event = try identifier("an event name after 'on'")
        let variable = try identifier("a name for the event, as in 'on \(event.name) r'")
        var condition: Expr?
        if isWord("when") {
            advance()
            condition = try parseExpression(Context(noBrace: true))
        }
        let body = try parseBlock("the rule's body")
        return .rule(name: name, event: event, variable: variable, condition: condition, body: body)
    }

    // programme = "programme" expression "{" { ( "category" expression | "eligible" expression | "capacity" expression ) newline } "}"
    mutating func parseProgramme() throws(Failure) -> StmtKind {
        advance()
        let name = try parseExpression(Context(noBrace: true))
        var options: [ProgrammeOption] = []
        try parseOptionBlock { (p: inout Parser) throws(Failure) in
            let start = p.current.span
            if p.isWord("category") {
                p.advance()
                let e = try p.parseExpression()
                options.append(.category(e, start.through(e.span)))
            } else if p.isWord("eligible") {
                p.advance()
                let e = try p.parseExpression()
                options.append(.eligible(e, start.through(e.span)))
            } else if p.isWord("capacity") {
                p.advance()
                let e = try p.parseExpression()
                options.append(.capacity(e, start.through(e.span)))
            } else {
                throw p.expected("'category', 'eligible' or 'capacity'")
            }
        }
        return .programme(name: name, options: options)
    }

    // catalogue = "catalogue" name "{" { item newline } "}"
    // item = expression "costs" expression { "," ( "stock" expression | "at" "most" expression "per" name ) }
    mutating func parseCatalogue() throws(Failure) -> StmtKind {
        advance()
        let account = try identifier("the account the catalogue is paid in")
        var items: [CatalogueItem] = []
        let open = try self.open(.leftBrace)
        skipNewlines()
        while !isSymbol(.rightBrace) {
            if kind == .end {
                let l = file.location(of: open.span.start).line
                throw failure("'}' expected to close the '{' opened at line \(l), found the end of the file")
            }
            let start = current.span
            let name = try parseExpression()
            try expectWord("costs", hint: "write '\"ITEM\" costs 200'")
            let cost = try parseExpression()
            var stock: Expr?, limit: Expr?, period: PeriodRef?
            while isSymbol(.comma) {
                advance()
                if isWord("stock") {
                    advance()
                    stock = try parseExpression()
                } else if isWord("at") {
                    advance()
                    try expectWord("most")
                    limit = try parseExpression()
                    try expectWord("per", hint: "write 'at most 1 per month'")
                    period = PeriodRef(try identifier("day, week, month or year"))
                } else {
                    throw expected("'stock' or 'at most'")
                }
            }
            items.append(CatalogueItem(name: name, cost: cost, stock: stock, limit: limit, limitPeriod: period,
                                       span: start.through(previousSpan)))
            if !isSymbol(.rightBrace) { try endStatement() }
            skipNewlines()
        }
        _ = try close(.rightBrace)
        return .catalogue(account: account, items: items)
    }

    // split = "split" expression "{" { ( expression "to" expression | "round" "to" expression ) newline } "}"
    mutating func parseSplit() throws(Failure) -> StmtKind {
        advance()
        let name = try parseExpression(Context(noBrace: true))
        var lines: [SplitLine] = []
        try parseOptionBlock { (p: inout Parser) throws(Failure) in
            let start = p.current.span
            if p.isWord("round"), p.peek() == .name("to") {
                p.advance()
                p.advance()
                let e = try p.parseExpression()
                lines.append(.roundTo(e, start.through(e.span)))
            } else {
                let share = try p.parseExpression()
                try p.expectWord("to", hint: "write '70% to \"PARTY\"'")
                let party = try p.parseExpression()
                lines.append(.share(share, party: party, start.through(party.span)))
            }
        }
        return .split(name: name, lines: lines)
    }

    // assign = "assign" name "to" name [ "where" expression ] "{" { ( "weight" expression | "together" expression | "at" "most" expression ) newline } "}"
    mutating func parseAssign() throws(Failure) -> StmtKind {
        advance()
        let entity = try identifier("the entity to assign")
        try expectWord("to", hint: "write 'assign Household to Worker where role == \"grid\" { ... }'")
        let worker = try identifier("the entity to assign to")
        var condition: Expr?
        if isKeyword(.where) {
            advance()
            condition = try parseExpression(Context(noBrace: true))
        }
        var options: [AssignOption] = []
        try parseOptionBlock { (p: inout Parser) throws(Failure) in
            let start = p.current.span
            if p.isWord("weight") {
                p.advance()
                let e = try p.parseExpression()
                options.append(.weight(e, start.through(e.span)))
            } else if p.isWord("together") {
                p.advance()
                let e = try p.parseExpression()
                options.append(.together(e, start.through(e.span)))
            } else if p.isWord("at") {
                p.advance()
                try p.expectWord("most")
                let e = try p.parseExpression()
                options.append(.atMost(e, start.through(e.span)))
            } else {
                throw p.expected("'weight', 'together' or 'at most'")
            }
        }
        return .assignment(entity: entity, worker: worker, condition: condition, options: options)
    }

    // escalate = "escalate" name "{" { ( "after" expression "to" expression | "until" name ) newline } "}"
    mutating func parseEscalate() throws(Failure) -> StmtKind {
        advance()
        let event = try identifier("the event to escalate")
        var lines: [EscalateLine] = []
        try parseOptionBlock { (p: inout Parser) throws(Failure) in
            let start = p.current.span
            if p.isWord("after") {
                p.advance()
                let d = try p.parseExpression()
                try p.expectWord("to", hint: "write 'after 2 hours to \"LEVEL\"'")
                let level = try p.parseExpression()
                lines.append(.after(d, level: level, start.through(level.span)))
            } else if p.isWord("until") {
                p.advance()
                let field = try p.identifier("the field that stops the clock")
                lines.append(.until(field, start.through(field.span)))
            } else {
                throw p.expected("'after' or 'until'")
            }
        }
        return .escalate(event: event, lines: lines)
    }
}
