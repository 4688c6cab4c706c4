import Testing
import CivicSyntax

// Unit tests of the parser: text → syntax tree, with its diagnostics.
//
// Trees are compared as S-expressions (see `sx`), so one string states the
// shape of a whole tree: node kinds, operators, names and fields.

// MARK: - Helpers

/// Parses `text` as file 0.
private func parse(_ text: String, firstExprID: Int = 0) -> (SourceProgram, [Diagnostic]) {
    Parser.parse(SourceFile(name: "test.civic", text: text), fileID: 0, firstExprID: firstExprID)
}

/// Parses `bytes` as file 0.
private func parse(bytes: [UInt8]) -> (SourceProgram, [Diagnostic]) {
    Parser.parse(SourceFile(name: "test.civic", bytes: bytes), fileID: 0)
}

/// The messages of a parse, in order.
private func messages(_ text: String) -> [String] {
    parse(text).1.map(\.message)
}

/// The statements of a program that must parse without errors.
private func statements(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Stmt] {
    let (program, diagnostics) = parse(text)
    try #require(diagnostics.isEmpty, "unexpected errors: \(diagnostics.map(\.message))", sourceLocation: sourceLocation)
    return program.statements
}

/// The whole program as S-expressions, one statement per line.
private func tree(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    try statements(text, sourceLocation: sourceLocation).map(sx).joined(separator: "\n")
}

/// The S-expression of `let it = EXPR`'s expression.
private func exprTree(_ expression: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let s = try statements("let it = " + expression, sourceLocation: sourceLocation)
    try #require(s.count == 1, sourceLocation: sourceLocation)
    guard case .let(_, let e) = s[0].kind else {
        Issue.record("not a let: \(sx(s[0]))", sourceLocation: sourceLocation)
        return ""
    }
    return sx(e)
}

private func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

/// An expression as an S-expression.
private func sx(_ e: Expr) -> String {
    switch e.kind {
    case .number(let d): return d
    case .percent(let d): return d + "%"
    case .text(let segments):
        var out = "\""
        for s in segments {
            switch s {
            case .literal(let l): out += l
            case .expr(let x): out += "{" + sx(x) + "}"
            }
        }
        return out + "\""
    case .bool(let b): return b ? "true" : "false"
    case .none: return "none"
    case .date(let y, let m, let d): return "\(y)-\(pad2(m))-\(pad2(d))"
    case .time(let y, let mo, let d, let h, let mi, let s):
        return "\(y)-\(pad2(mo))-\(pad2(d))T\(pad2(h)):\(pad2(mi)):\(pad2(s))"
    case .duration(let amount, let unit): return "(duration \(amount) \(unit.name))"
    case .name(let n): return n
    case .list(let items): return "[" + items.map(sx).joined(separator: " ") + "]"
    case .record(let fields): return sx(fields)
    case .construct(let type, let fields): return "(new \(type.name) \(sx(fields)))"
    case .unary(.negate, let x): return "(neg \(sx(x)))"
    case .unary(.not, let x): return "(not \(sx(x)))"
    case .binary(let op, let l, let r): return "(\(op.rawValue) \(sx(l)) \(sx(r)))"
    case .range(let l, let r): return "(.. \(sx(l)) \(sx(r)))"
    case .call(let f, let args): return "(call \(f.name)" + args.map { " " + sx($0) }.joined() + ")"
    case .member(let base, let field): return "(. \(sx(base)) \(field.name))"
    case .index(let base, let i): return "([] \(sx(base)) \(sx(i)))"
    case .query(let source, let clauses):
        var out = "(query \(sx(source))"
        if let f = clauses.filter { out += " where:\(sx(f))" }
        if !clauses.order.isEmpty {
            out += " order:[" + clauses.order.map { sx($0.expr) + ($0.descending ? " desc" : " asc") }.joined(separator: ", ") + "]"
        }
        if let l = clauses.limit { out += " limit:\(sx(l))" }
        return out + ")"
    case .aggregate(let kind, let field, let source):
        return "(\(kind.rawValue)" + (field.map { " " + sx($0) } ?? "") + " \(sx(source)))"
    case .add(let type, let fields): return "(add \(type.name) \(sx(fields)))"
    case .overdue(let type): return "(overdue \(type.name))"
    case .workload(let type): return "(workload \(type.name))"
    }
}

private func sx(_ fields: [FieldValue]) -> String {
    "{" + fields.map { "\($0.name.name): \(sx($0.value))" }.joined(separator: ", ") + "}"
}

private func sx(_ body: [Stmt]) -> String {
    "{" + body.map(sx).joined(separator: "; ") + "}"
}

private func sx(_ t: AssignTarget) -> String {
    switch t {
    case .name(let id): return id.name
    case .member(let base, let f): return "(. \(sx(base)) \(f.name))"
    case .index(let base, let i): return "([] \(sx(base)) \(sx(i)))"
    }
}

private func sx(_ t: TypeRef) -> String {
    switch t {
    case .named(let id): return id.name
    case .list(let element, _): return "[\(sx(element))]"
    }
}

private func sx(_ f: FieldDecl) -> String {
    (f.isKey ? "key " : "") + "\(f.name.name):\(sx(f.type))" + (f.isPrivate ? " private" : "")
        + (f.defaultValue.map { "=" + sx($0) } ?? "")
}

private func reason(_ r: Expr?) -> String { r.map { " for:" + sx($0) } ?? "" }

/// A statement as an S-expression.
private func sx(_ s: Stmt) -> String {
    switch s.kind {
    case .let(let n, let e): return "(let \(n.name) \(sx(e)))"
    case .var(let n, let e): return "(var \(n.name) \(sx(e)))"
    case .assign(let t, let e): return "(= \(sx(t)) \(sx(e)))"
    case .expr(let e): return sx(e)
    case .if(let branches, let otherwise):
        var out = "(if"
        for (i, b) in branches.enumerated() {
            out += (i == 0 ? " " : " elif ") + sx(b.condition) + " " + sx(b.body)
        }
        if let otherwise { out += " else " + sx(otherwise) }
        return out + ")"
    case .for(let v, let seq, let body): return "(for \(v.name) \(sx(seq)) \(sx(body)))"
    case .while(let c, let body): return "(while \(sx(c)) \(sx(body)))"
    case .break: return "(break)"
    case .continue: return "(continue)"
    case .function(let name, let params, let body):
        return "(fn \(name.name) (\(params.map(\.name).joined(separator: " "))) \(sx(body)))"
    case .return(let e): return "(return" + (e.map { " " + sx($0) } ?? "") + ")"
    case .print(let values): return "(print" + values.map { " " + sx($0) }.joined() + ")"
    case .show(let e): return "(show \(sx(e)))"
    case .entity(let name, let fields): return "(entity \(name.name) [" + fields.map(sx).joined(separator: ", ") + "])"
    case .event(let name, let fields): return "(event \(name.name) [" + fields.map(sx).joined(separator: ", ") + "])"
    case .use(let e): return "(use \(sx(e)))"
    case .load(let entity, let path): return "(load \(entity.name) \(sx(path)))"
    case .update(let target, let fields): return "(update \(sx(target)) \(sx(fields)))"
    case .remove(let e): return "(remove \(sx(e)))"
    case .account(let name, let holder, let options):
        let opts = options.map { o -> String in
            switch o {
            case .expireAfter(let e, _): return "expire:" + sx(e)
            case .atMost(let e, _): return "most:" + sx(e)
            case .atLeast(let e, _): return "least:" + sx(e)
            }
        }
        return "(account \(name.name) of:\(holder.name)" + opts.map { " " + $0 }.joined() + ")"
    case .award(let amount, let account, let holder, let r):
        return "(award \(sx(amount)) \(account.name) to:\(sx(holder))\(reason(r)))"
    case .charge(let amount, let account, let holder, let r):
        return "(charge \(sx(amount)) \(account.name) from:\(sx(holder))\(reason(r)))"
    case .transfer(let amount, let account, let from, let to, let r):
        return "(transfer \(sx(amount)) \(account.name) from:\(sx(from)) to:\(sx(to))\(reason(r)))"
    case .rule(let name, let event, let variable, let condition, let body):
        return "(rule \(sx(name)) on:\(event.name) \(variable.name)" + (condition.map { " when:" + sx($0) } ?? "") + " \(sx(body)))"
    case .cap(let e, let p): return "(cap \(sx(e)) per:\(p.name.name))"
    case .budget(let e, let p): return "(budget \(sx(e)) per:\(p.name.name))"
    case .emit(let type, let fields): return "(emit \(type.name) \(sx(fields)))"
    case .programme(let name, let options):
        let opts = options.map { o -> String in
            switch o {
            case .category(let e, _): return "category:" + sx(e)
            case .eligible(let e, _): return "eligible:" + sx(e)
            case .capacity(let e, _): return "capacity:" + sx(e)
            }
        }
        return "(programme \(sx(name))" + opts.map { " " + $0 }.joined() + ")"
    case .enrol(let who, let p): return "(enrol \(sx(who)) in:\(sx(p)))"
    case .withdraw(let who, let p): return "(withdraw \(sx(who)) from:\(sx(p)))"
    case .catalogue(let account, let items):
        let lines = items.map { item -> String in
            var out = "\(sx(item.name)) costs:\(sx(item.cost))"
            if let s = item.stock { out += " stock:\(sx(s))" }
            if let l = item.limit { out += " most:\(sx(l))" }
            if let p = item.limitPeriod { out += " per:\(p.name.name)" }
            return "[" + out + "]"
        }
        return "(catalogue \(account.name)" + lines.map { " " + $0 }.joined() + ")"
    case .redeem(let item, let holder): return "(redeem \(sx(item)) for:\(sx(holder)))"
    case .split(let name, let lines):
        let ls = lines.map { l -> String in
            switch l {
            case .share(let share, let party, _): return "[\(sx(share)) to:\(sx(party))]"
            case .roundTo(let e, _): return "[round:\(sx(e))]"
            }
        }
        return "(split \(sx(name))" + ls.map { " " + $0 }.joined() + ")"
    case .assignment(let entity, let worker, let condition, let options):
        let opts = options.map { o -> String in
            switch o {
            case .weight(let e, _): return "weight:" + sx(e)
            case .together(let e, _): return "together:" + sx(e)
            case .atMost(let e, _): return "most:" + sx(e)
            }
        }
        return "(assign \(entity.name) to:\(worker.name)" + (condition.map { " where:" + sx($0) } ?? "")
            + opts.map { " " + $0 }.joined() + ")"
    case .escalate(let event, let lines):
        let ls = lines.map { l -> String in
            switch l {
            case .after(let d, let level, _): return "[after:\(sx(d)) to:\(sx(level))]"
            case .until(let f, _): return "[until:\(f.name)]"
            }
        }
        return "(escalate \(event.name)" + ls.map { " " + $0 }.joined() + ")"
    case .test(let name, let body): return "(test \(sx(name)) \(sx(body)))"
    case .expect(let e): return "(expect \(sx(e)))"
    case .expectError(let m, let body): return "(expect-error\(m.map { " " + sx($0) } ?? "") \(body.map(sx).joined(separator: " ")))"
    case .clock(let e): return "(clock \(sx(e)))"
    case .advance(let e): return "(advance \(sx(e)))"
    case .explain(let inner): return "(explain \(sx(inner)))"
    }
}

/// Every expression of a statement list, depth first, including those inside
/// text interpolations, declarations and governance lines.
private func allExprs(_ statements: [Stmt]) -> [Expr] {
    var out: [Expr] = []
    func e(_ x: Expr) {
        out.append(x)
        switch x.kind {
        case .number, .percent, .bool, .none, .date, .time, .duration, .name, .overdue, .workload: break
        case .text(let segments):
            for case .expr(let inner) in segments { e(inner) }
        case .list(let items): items.forEach(e)
        case .record(let fields), .construct(_, let fields), .add(_, let fields): fields.forEach { e($0.value) }
        case .unary(_, let a): e(a)
        case .binary(_, let a, let b), .range(let a, let b), .index(let a, let b): e(a); e(b)
        case .call(_, let args): args.forEach(e)
        case .member(let base, _): e(base)
        case .query(let source, let clauses):
            e(source)
            clauses.filter.map(e)
            clauses.order.forEach { e($0.expr) }
            clauses.limit.map(e)
        case .aggregate(_, let field, let source): field.map(e); e(source)
        }
    }
    func t(_ target: AssignTarget) {
        switch target {
        case .name: break
        case .member(let base, _): t(base)
        case .index(let base, let i): t(base); e(i)
        }
    }
    func s(_ st: Stmt) {
        switch st.kind {
        case .let(_, let x), .var(_, let x), .expr(let x), .show(let x), .use(let x), .remove(let x),
             .expect(let x), .clock(let x), .advance(let x), .cap(let x, _), .budget(let x, _):
            e(x)
        case .assign(let target, let x): t(target); e(x)
        case .if(let branches, let otherwise):
            for b in branches { e(b.condition); b.body.forEach(s) }
            otherwise?.forEach(s)
        case .for(_, let x, let body), .while(let x, let body), .test(let x, let body): e(x); body.forEach(s)
        case .break, .continue: break
        case .expectError(let m, let body): m.map(e); body.forEach(s)
        case .function(_, _, let body): body.forEach(s)
        case .return(let x): x.map(e)
        case .print(let xs): xs.forEach(e)
        case .entity(_, let fields), .event(_, let fields): fields.forEach { $0.defaultValue.map(e) }
        case .load(_, let x): e(x)
        case .update(let x, let fields): e(x); fields.forEach { e($0.value) }
        case .emit(_, let fields): fields.forEach { e($0.value) }
        case .account(_, _, let options):
            for o in options {
                switch o { case .expireAfter(let x, _), .atMost(let x, _), .atLeast(let x, _): e(x) }
            }
        case .award(let a, _, let h, let r), .charge(let a, _, let h, let r): e(a); e(h); r.map(e)
        case .transfer(let a, _, let f, let to, let r): e(a); e(f); e(to); r.map(e)
        case .rule(let name, _, _, let c, let body): e(name); c.map(e); body.forEach(s)
        case .programme(let name, let options):
            e(name)
            for o in options {
                switch o { case .category(let x, _), .eligible(let x, _), .capacity(let x, _): e(x) }
            }
        case .enrol(let a, let b), .withdraw(let a, let b), .redeem(let a, let b): e(a); e(b)
        case .catalogue(_, let items):
            for i in items { e(i.name); e(i.cost); i.stock.map(e); i.limit.map(e) }
        case .split(let name, let lines):
            e(name)
            for l in lines {
                switch l {
                case .share(let a, let b, _): e(a); e(b)
                case .roundTo(let a, _): e(a)
                }
            }
        case .assignment(_, _, let c, let options):
            c.map(e)
            for o in options {
                switch o { case .weight(let x, _), .together(let x, _), .atMost(let x, _): e(x) }
            }
        case .escalate(_, let lines):
            for l in lines {
                if case .after(let a, let b, _) = l { e(a); e(b) }
            }
        case .explain(let inner): s(inner)
        }
    }
    statements.forEach(s)
    return out
}

/// The source text a span covers.
private func text(_ source: String, _ span: Span) -> String {
    SourceFile(name: "t", text: source).text(of: span)
}

/// The byte offset of the first `needle` in `text`.
private func offset(of needle: String, in text: String) -> Int? {
    let hay = Array(text.utf8), pin = Array(needle.utf8)
    guard hay.count >= pin.count else { return nil }
    for i in 0...(hay.count - pin.count) where Array(hay[i..<(i + pin.count)]) == pin { return i }
    return nil
}

@Suite struct ParserTests {
    // MARK: - Precedence

    @Test func notBindsLooserThanComparison() throws {
        #expect(try exprTree("not a == b") == "(not (== a b))")
        #expect(try exprTree("not a < b and c") == "(and (not (< a b)) c)")
        #expect(try exprTree("not not a") == "(not (not a))")
        #expect(try exprTree("not a in xs") == "(not (in a xs))")
    }

    @Test func prefixMinusBindsTighterThanMultiplication() throws {
        #expect(try exprTree("-a * b") == "(* (neg a) b)")
        #expect(try exprTree("- -a") == "(neg (neg a))")
        #expect(try exprTree("-a.b") == "(neg (. a b))")
        #expect(try exprTree("a - -b") == "(- a (neg b))")
    }

    @Test func multiplicationBindsTighterThanAddition() throws {
        #expect(try exprTree("a + b * c") == "(+ a (* b c))")
        #expect(try exprTree("a * b + c") == "(+ (* a b) c)")
        #expect(try exprTree("a / b mod c - d") == "(- (mod (/ a b) c) d)")
        #expect(try exprTree("(a + b) * c") == "(* (+ a b) c)")
    }

    @Test func binaryOperatorsAreLeftAssociative() throws {
        #expect(try exprTree("a - b - c") == "(- (- a b) c)")
        #expect(try exprTree("a / b / c") == "(/ (/ a b) c)")
        #expect(try exprTree("a or b or c") == "(or (or a b) c)")
    }

    @Test func andBindsTighterThanOr() throws {
        #expect(try exprTree("a or b and c") == "(or a (and b c))")
        #expect(try exprTree("a and b or c") == "(or (and a b) c)")
        #expect(try exprTree("a == 1 or b != 2 and c >= 3") == "(or (== a 1) (and (!= b 2) (>= c 3)))")
    }

    @Test func arithmeticBindsTighterThanComparison() throws {
        #expect(try exprTree("a + 1 <= b * 2") == "(<= (+ a 1) (* b 2))")
        #expect(try exprTree("x in xs and y") == "(and (in x xs) y)")
    }

    @Test func postfixOperatorsChain() throws {
        #expect(try exprTree("a.b[0].c") == "(. ([] (. a b) 0) c)")
        #expect(try exprTree("f(1, g(2))[3]") == "([] (call f 1 (call g 2)) 3)")
        // A reserved word after '.' is a field name.
        #expect(try exprTree("r.order") == "(. r order)")
    }

    @Test func literalsParse() throws {
        #expect(try exprTree("1_000.50") == "1000.50")
        #expect(try exprTree("70%") == "70%")
        #expect(try exprTree("2026-11-28") == "2026-11-28")
        #expect(try exprTree("2026-11-28T09:30") == "2026-11-28T09:30:00")
        #expect(try exprTree("2 hours") == "(duration 2 hours)")
        #expect(try exprTree("\"你好, {name}!\"") == "\"你好, {name}!\"")
        #expect(try exprTree("\"{{x}}\"") == "\"{x}\"")
        #expect(try exprTree("[]") == "[]")
        #expect(try exprTree("[1, \"a\", none, true, false]") == "[1 \"a\" none true false]")
        #expect(try exprTree("{ building: \"B3\", floor: 4 }") == "{building: \"B3\", floor: 4}")
        #expect(try exprTree("{}") == "{}")
        #expect(try exprTree("Resident { id: \"R1\" }") == "(new Resident {id: \"R1\"})")
        #expect(try exprTree("add Resident { id: \"R1\" }") == "(add Resident {id: \"R1\"})")
        #expect(try exprTree("overdue HazardReport") == "(overdue HazardReport)")
        #expect(try exprTree("workload Household") == "(workload Household)")
        #expect(try exprTree("workload") == "workload")
        #expect(try exprTree("workload(1)") == "(call workload 1)")
        #expect(try exprTree("let_") == "let_")
    }

    @Test func queryClausesParse() throws {
        #expect(try exprTree("xs where a > 1") == "(query xs where:(> a 1))")
        #expect(try exprTree("xs order by a, b desc") == "(query xs order:[a asc, b desc])")
        #expect(try exprTree("xs limit n + 1") == "(query xs limit:(+ n 1))")
        #expect(try exprTree("count xs where a") == "(count (query xs where:a))")
        #expect(try exprTree("sum a * 2 of xs") == "(sum (* a 2) xs)")
        #expect(try exprTree("(xs where a) where b") == "(query (query xs where:a) where:b)")
    }

    /// `order by` and `limit` after a `where` belong to the query, not to the
    /// last operand of its condition (`Resident where age >= 70 and living_alone
    /// order by age desc limit 20`, from the design).
    @Test func orderByAndLimitAfterWhereBelongToTheQuery() throws {
        #expect(try exprTree("xs where a > 1 order by a desc limit 2") == "(query xs where:(> a 1) order:[a desc] limit:2)")
        #expect(try exprTree("xs where ok order by a") == "(query xs where:ok order:[a asc])")
        #expect(try exprTree("xs where a == 1 limit 2") == "(query xs where:(== a 1) limit:2)")
        #expect(try exprTree("Resident where age >= 70 and living_alone order by age desc limit 20")
            == "(query Resident where:(and (>= age 70) living_alone) order:[age desc] limit:20)")
    }

    // MARK: - Ranges

    @Test func rangesParse() throws {
        #expect(try exprTree("1..10") == "(.. 1 10)")
        #expect(try exprTree("1 .. n + 1") == "(.. 1 (+ n 1))")
        #expect(try exprTree("a * 2..b - 1") == "(.. (* a 2) (- b 1))")
        #expect(try exprTree("x in 1..10") == "(in x (.. 1 10))")
        #expect(try exprTree("-1..1") == "(.. (neg 1) 1)")
        #expect(try tree("for i in 1..5 { print i }") == "(for i (.. 1 5) {(print i)})")
    }

    @Test func rangesCannotBeChained() {
        let (_, diagnostics) = parse("let r = 1..2..3")
        #expect(diagnostics.map(\.message) == ["ranges cannot be chained"])
        #expect(diagnostics.first?.span.start == offset(of: "..3", in: "let r = 1..2..3"))
    }

    // MARK: - Chained comparisons

    @Test func comparisonsCannotBeChained() {
        let source = "let ok = a < b < c"
        let (_, diagnostics) = parse(source)
        #expect(diagnostics.count == 1)
        let d = diagnostics.first
        #expect(d?.message == "comparisons cannot be chained")
        #expect(d?.hint == "write 'a < b and b < c'")
        #expect(d?.span == Span(file: 0, start: 15, end: 16))   // the second '<'
        #expect(messages("print a == b == c") == ["comparisons cannot be chained"])
        #expect(messages("print a == b != c") == ["comparisons cannot be chained"])
        #expect(messages("print a in b in c") == ["comparisons cannot be chained"])
        // Joined with 'and', the same comparisons are fine.
        #expect(messages("print a < b and b < c").isEmpty)
    }

    // MARK: - Contextual words

    @Test func statementWordsAreUsableAsNames() throws {
        let source = """
            let programme = 1
            var split = programme + 1
            split = split * 2
            programme.category
            print programme, split
            let award = { programme: 1, split: 2, rule: 3 }
            print award.programme + award.split
            entity Event2 { programme: Text, split: Number }
            """
        let actual = try tree(source)
        #expect(actual == """
            (let programme 1)
            (var split (+ programme 1))
            (= split (* split 2))
            (. programme category)
            (print programme split)
            (let award {programme: 1, split: 2, rule: 3})
            (print (+ (. award programme) (. award split)))
            (entity Event2 [programme:Text, split:Number])
            """)
    }

    @Test func splitFollowedByParenthesisIsACall() throws {
        #expect(try tree("""
            split("王芳,李强", ",")
            let parts = split("a,b", ",")
            print split("a", "")[0]
            """) == """
            (call split "王芳,李强" ",")
            (let parts (call split "a,b" ","))
            (print ([] (call split "a" "") 0))
            """)
        // And the statement form is still a split.
        #expect(try tree("split \"income\" {\n  100% to \"fund\"\n}") == "(split \"income\" [100% to:\"fund\"])")
    }

    @Test func splitCallAsStatement() throws {
        #expect(try tree("split(\"a,b\", \",\")\nlet parts = split(\"a,b\", \",\")") == """
            (call split "a,b" ",")
            (let parts (call split "a,b" ","))
            """)
    }

    @Test func aggregateWordsAreUsableAsNames() throws {
        let actual = try tree("""
            let count = 3
            print count + 1
            let first = [1]
            print first[0], count [1, 2], first xs
            sum = 1
            """)
        #expect(actual == """
            (let count 3)
            (print (+ count 1))
            (let first [1])
            (print ([] first 0) (count [1 2]) (first xs))
            (= sum 1)
            """)
    }

    @Test func blockMayOpenOnTheNextLine() throws {
        #expect(try tree("if a\n{\n  print 1\n}\nprint 2") == "(if a {(print 1)})\n(print 2)")
    }

    @Test func onlyACallOrNameCanBeAssigned() {
        let (_, diagnostics) = parse("split(x, \",\") = 1")
        #expect(diagnostics.map(\.message) == ["only a name, a field or a list item can be given a new value"])
        #expect(diagnostics.first?.hint == "to compare, write '==' instead of '='")
    }

    @Test func enrolStopsItsExpressionBeforeIn() throws {
        #expect(try tree("enrol zhang in \"Fire drill\"") == "(enrol zhang in:\"Fire drill\")")
        #expect(try tree("enrol r.reporter in names[0]") == "(enrol (. r reporter) in:([] names 0))")
        #expect(try tree("explain enrol zhang in \"Fire drill\"") == "(explain (enrol zhang in:\"Fire drill\"))")
        // Outside enrol, 'in' is membership.
        #expect(try tree("let member = zhang in \"Fire drill\"") == "(let member (in zhang \"Fire drill\"))")
        // Inside brackets the enrol context does not reach: membership again.
        #expect(try tree("enrol pick(zhang in xs) in \"P\"") == "(enrol (call pick (in zhang xs)) in:\"P\")")
    }

    @Test func nameBeforeBraceInConditionIsNotAConstructor() throws {
        #expect(try tree("if ready { print 1 }") == "(if ready {(print 1)})")
        #expect(try tree("while going { going = false }") == "(while going {(= going false)})")
        #expect(try tree("for r in Resident { print r }") == "(for r Resident {(print r)})")
        #expect(try tree("if a == Point { print 1 }") == "(if (== a Point) {(print 1)})")
        #expect(try tree("rule \"r\" on E e when e.ok { award 1 points to e.who }")
            == "(rule \"r\" on:E e when:(. e ok) {(award 1 points to:(. e who))})")
        #expect(try tree("for r in Resident where age > 3 { print r }")
            == "(for r (query Resident where:(> age 3)) {(print r)})")
        // Inside parentheses a constructor is allowed again.
        #expect(try tree("if (Point { x: 1 }).x == 1 { print 2 }")
            == "(if (== (. (new Point {x: 1}) x) 1) {(print 2)})")
        // Outside a condition, `Name {` is a constructor.
        #expect(try tree("let p = Point { x: 1, y: 2 }") == "(let p (new Point {x: 1, y: 2}))")
    }

    // MARK: - Line continuation

    @Test func expressionContinuesAfterAnOperator() throws {
        #expect(try tree("let x = 1 +\n  2 *\n\n  3\nprint x") == "(let x (+ 1 (* 2 3)))\n(print x)")
        #expect(try tree("let ok = a and\n  b or\n  c") == "(let ok (or (and a b) c))")
        #expect(try tree("let x =\n  5") == "(let x 5)")
    }

    @Test func expressionContinuesInsideBrackets() throws {
        #expect(try tree("let xs = [\n  1,\n  2\n]\nprint f(\n  a,\n  b\n)") == "(let xs [1 2])\n(print (call f a b))")
        #expect(try tree("let x = (1\n  + 2)") == "(let x (+ 1 2))")
        #expect(try tree("let r = {\n  a: 1\n  b: 2\n}") == "(let r {a: 1, b: 2})")
    }

    @Test func lineEndWithoutOperatorEndsTheStatement() throws {
        #expect(try tree("let x = 1\n-2") == "(let x 1)\n(neg 2)")
        #expect(try tree("print a\n(b)") == "(print a)\nb")
    }

    @Test func elseOnTheNextLine() throws {
        let source = """
            if a {
              print 1
            }
            else if b {
              print 2
            }

            else {
              print 3
            }
            print 4
            """
        #expect(try tree(source) == "(if a {(print 1)} elif b {(print 2)} else {(print 3)})\n(print 4)")
        #expect(try tree("if a { print 1 } else { print 2 }") == "(if a {(print 1)} else {(print 2)})")
        #expect(try tree("if a { print 1 }\nprint 2") == "(if a {(print 1)})\n(print 2)")
    }

    @Test func elseWithoutIfIsAnError() {
        let (_, diagnostics) = parse("print 1\nelse { print 2 }\nprint 3")
        #expect(diagnostics.map(\.message) == ["'else' without an 'if' before it"])
    }

    // MARK: - Core statements

    @Test func coreStatementsParse() throws {
        let source = """
            let cutoff = 20
            var total = 0
            total = total + 5
            xs[0].name = "a"
            fn bonus(severity) { return 5 + severity }
            fn double(x) = x * 2
            fn nothing() { return }
            for person in staff { if person == "x" { break } else { continue } }
            while total < 3 { total = total + 1 }
            print
            print "a", 1
            show xs
            """
        let actual = try tree(source)
        #expect(actual == """
            (let cutoff 20)
            (var total 0)
            (= total (+ total 5))
            (= (. ([] xs 0) name) "a")
            (fn bonus (severity) {(return (+ 5 severity))})
            (fn double (x) {(return (* x 2))})
            (fn nothing () {(return)})
            (for person staff {(if (== person "x") {(break)} else {(continue)})})
            (while (< total 3) {(= total (+ total 1))})
            (print)
            (print "a" 1)
            (show xs)
            """)
    }

    @Test func semicolonsSeparateStatements() throws {
        #expect(try tree("let a = 1; let b = 2;\nprint a; print b") == "(let a 1)\n(let b 2)\n(print a)\n(print b)")
    }

    // MARK: - Schema and data

    @Test func schemaAndDataStatementsParse() throws {
        let source = """
            use "schema.civic"
            entity Resident {
              key id: Text
              name: Text
              age: Number
              living_alone: Bool = false
              phone: Text private
              tags: [Text]
            }
            entity Household { key id: Text, building: Text, members: Number }
            event HazardReport { reporter: Resident, kind: Text, severity: Number, verified: Bool }
            load Resident from "data/residents.csv"
            let zhang = add Resident { id: "R1", name: "张三", age: 72 }
            update zhang { living_alone: true }
            remove zhang
            let seniors = Resident where age >= 70 and living_alone order by age desc, name limit 20
            show seniors
            print count Resident where building == "B3"
            print average age of Resident
            print sum members of Household where compound == "欣园"
            print exists Resident where age > 100
            print first Resident order by age asc
            print min age of Resident, max age of Resident
            """
        let actual = try tree(source)
        #expect(actual == """
            (use "schema.civic")
            (entity Resident [key id:Text, name:Text, age:Number, living_alone:Bool=false, phone:Text private, tags:[Text]])
            (entity Household [key id:Text, building:Text, members:Number])
            (event HazardReport [reporter:Resident, kind:Text, severity:Number, verified:Bool])
            (load Resident "data/residents.csv")
            (let zhang (add Resident {id: "R1", name: "张三", age: 72}))
            (update zhang {living_alone: true})
            (remove zhang)
            (let seniors (query Resident where:(and (>= age 70) living_alone) order:[age desc, name asc] limit:20))
            (show seniors)
            (print (count (query Resident where:(== building "B3"))))
            (print (average age Resident))
            (print (sum members (query Household where:(== compound "欣园"))))
            (print (exists (query Resident where:(> age 100))))
            (print (first (query Resident order:[age asc])))
            (print (min age Resident) (max age Resident))
            """)
    }

    @Test func fieldDeclarationsKeepTheirParts() throws {
        let s = try statements("entity Resident {\n  key id: Text\n  phone: Text private = \"-\"\n}")
        guard case .entity(let name, let fields) = try #require(s.first).kind else {
            Issue.record("not an entity")
            return
        }
        #expect(name.name == "Resident")
        #expect(fields.map(\.name.name) == ["id", "phone"])
        #expect(fields.map(\.isKey) == [true, false])
        #expect(fields.map(\.isPrivate) == [false, true])
        #expect(fields[1].defaultValue.map(sx) == "\"-\"")
        #expect(fields[0].defaultValue == nil)
    }

    // MARK: - Accounts, events and rules

    @Test func accountStatementsParse() throws {
        let source = """
            account points of Resident
            account credits of Resident {
              expire after 2 years
              at most 1500
              at least -100
            }
            award 10 points to zhang for "fire drill"
            charge 3 points from zhang for "late return"
            charge 1 points from zhang
            transfer 2 credits from zhang to li
            transfer 2 credits from zhang to li for "gift"
            """
        let actual = try tree(source)
        #expect(actual == """
            (account points of:Resident)
            (account credits of:Resident expire:(duration 2 years) most:1500 least:(neg 100))
            (award 10 points to:zhang for:"fire drill")
            (charge 3 points from:zhang for:"late return")
            (charge 1 points from:zhang)
            (transfer 2 credits from:zhang to:li)
            (transfer 2 credits from:zhang to:li for:"gift")
            """)
    }

    @Test func rulesAndEventsParse() throws {
        let source = """
            rule "verified hazard report" on HazardReport r when r.verified {
              award 5 + r.severity points to r.reporter
              cap 20 per month
              budget 5000 per year
            }
            rule "volunteer service" on Service s {
              award s.hours credits to s.volunteer
              award s.hours * 10 points to s.volunteer
            }
            emit HazardReport { reporter: zhang, kind: "fire", severity: 2, verified: true }
            """
        let actual = try tree(source)
        #expect(actual == """
            (rule "verified hazard report" on:HazardReport r when:(. r verified) {(award (+ 5 (. r severity)) points to:(. r reporter)); (cap 20 per:month); (budget 5000 per:year)})
            (rule "volunteer service" on:Service s {(award (. s hours) credits to:(. s volunteer)); (award (* (. s hours) 10) points to:(. s volunteer))})
            (emit HazardReport {reporter: zhang, kind: "fire", severity: 2, verified: true})
            """)
    }

    @Test func explainParses() throws {
        #expect(try tree("explain zhang.points") == "(explain (. zhang points))")
        #expect(try tree("explain enrol zhang in \"Fire drill\"") == "(explain (enrol zhang in:\"Fire drill\"))")
        #expect(try tree("explain redeem \"Haircut\" for zhang") == "(explain (redeem \"Haircut\" for:zhang))")
    }

    // MARK: - Programmes, catalogue, ranking

    @Test func programmesAndCatalogueParse() throws {
        let source = """
            programme "Fire drill" {
              category "safety"
              eligible Resident where age >= 16
              capacity 50
            }
            enrol zhang in "Fire drill"
            withdraw zhang from "Fire drill"
            catalogue points {
              "Rice 5kg" costs 200, stock 50
              "Haircut" costs 80, at most 1 per month
              "Tea" costs 5
            }
            redeem "Haircut" for zhang
            show Resident order by points desc limit 10
            """
        let actual = try tree(source)
        #expect(actual == """
            (programme "Fire drill" category:"safety" eligible:(query Resident where:(>= age 16)) capacity:50)
            (enrol zhang in:"Fire drill")
            (withdraw zhang from:"Fire drill")
            (catalogue points ["Rice 5kg" costs:200 stock:50] ["Haircut" costs:80 most:1 per:month] ["Tea" costs:5])
            (redeem "Haircut" for:zhang)
            (show (query Resident order:[points desc] limit:10))
            """)
    }

    // MARK: - Split, assign, escalate

    @Test func splitAssignEscalateParse() throws {
        let source = """
            split "outsourcing income" {
              70% to "provider"
              25% to "incubation platform"
              5% to "community fund"
              round to 0.01
            }
            let parts = allocate(1234.57, "outsourcing income")
            print sum amount of parts where party == "provider"
            assign Household to Worker where role == "grid" {
              weight members
              together building
              at most 300
            }
            assign Household to Worker {
              weight 1
            }
            show Household where worker.name == "王芳"
            escalate HazardReport {
              after 2 hours to "community"
              after 24 hours to "street"
              until handled
            }
            show overdue HazardReport
            """
        let actual = try tree(source)
        #expect(actual == """
            (split "outsourcing income" [70% to:"provider"] [25% to:"incubation platform"] [5% to:"community fund"] [round:0.01])
            (let parts (call allocate 1234.57 "outsourcing income"))
            (print (sum amount (query parts where:(== party "provider"))))
            (assign Household to:Worker where:(== role "grid") weight:members together:building most:300)
            (assign Household to:Worker weight:1)
            (show (query Household where:(== (. worker name) "王芳")))
            (escalate HazardReport [after:(duration 2 hours) to:"community"] [after:(duration 24 hours) to:"street"] [until:handled])
            (show (overdue HazardReport))
            """)
    }

    // MARK: - Tests

    @Test func testBlocksParse() throws {
        let source = """
            test "hazard reports are capped at 20 a month" {
              clock 2026-11-02T09:00
              let zhang = add Resident { id: "R1", age: 40 }
              for i in 1..5 {
                emit HazardReport { reporter: zhang, severity: 2 }
              }
              expect zhang.points == 20
              advance 1 month
            }
            """
        let actual = try tree(source)
        #expect(actual == """
            (test "hazard reports are capped at 20 a month" {(clock 2026-11-02T09:00:00); (let zhang (add Resident {id: "R1", age: 40})); (for i (.. 1 5) {(emit HazardReport {reporter: zhang, severity: 2})}); (expect (== (. zhang points) 20)); (advance (duration 1 month))})
            """)
    }

    /// Every example of language.md, in order: it all parses, with no errors.
    @Test func theWholeDesignPageParses() throws {
        let source = """
            # a comment runs to the end of the line
            let cutoff = 20                # constant
            var total = 0                  # variable
            total = total + 5
            let share = 70%                # 0.70, exact
            let name = "张三"
            let greeting = "你好, {name}"   # {expr} interpolates; {{ and }} are literal braces
            let day = 2026-11-28           # a Date; 2026-11-28T09:30 is a Time
            let window = 2 hours           # a Duration: minutes, hours, days, weeks, months, years
            let staff = ["王芳", "李强"]    # a List
            let addr = { building: "B3", floor: 4 }   # a Record

            if total > cutoff { print "over" } else if total == cutoff { print "at" } else { print "under" }
            for person in staff { print person }
            fn bonus(severity) { return 5 + severity }
            fn double(x) = x * 2           # one-expression function

            entity Resident {
              key id: Text
              name: Text
              age: Number
              building: Text
              living_alone: Bool = false
              phone: Text private          # masked in output unless the run is allowed to see it
            }

            entity Household { key id: Text, building: Text, compound: Text, members: Number }
            entity Worker    { key id: Text, name: Text, role: Text }
            load Resident from "data/residents.csv"          # a CSV beside the script; bad rows are a clear error
            let zhang = add Resident { id: "R1", name: "张三", age: 72, building: "B3", phone: "13800000000" }
            update zhang { living_alone: true }

            let seniors = Resident where age >= 70 and living_alone order by age desc limit 20
            show seniors                                      # a table
            print count Resident where building == "B3"
            print average age of Resident
            print sum members of Household where compound == "欣园"
            print exists Resident where age > 100
            account points of Resident                        # a balance per resident, never below 0
            account credits of Resident {                     # the time bank: one credit per hour served
              expire after 2 years                            # each lot expires 2 years after it was earned, oldest spent first
              at most 1500                                    # a balance never grows past this
            }
            account points of Household                       # a household can score as a unit too
            award 10 points to zhang for "fire drill"        # credit
            charge 3 points from zhang for "late return"      # debit; below zero is an error
            transfer 2 credits from zhang to li               # a gift inside the family
            event HazardReport { reporter: Resident, kind: Text, severity: Number, verified: Bool }
            event Service      { volunteer: Resident, hours: Number, service: Text }

            rule "verified hazard report" on HazardReport r when r.verified {
              award 5 + r.severity points to r.reporter
              cap 20 per month                                # per holder, for this rule, per calendar month (weeks start on Monday)
              budget 5000 per year                            # for all holders together
            }

            rule "volunteer service" on Service s {
              award s.hours credits to s.volunteer
              award s.hours * 10 points to s.volunteer
            }

            emit HazardReport { reporter: zhang, kind: "fire", severity: 2, verified: true }
            programme "Fire drill" {
              category "safety"
              eligible Resident where age >= 16
              capacity 50
            }
            enrol zhang in "Fire drill"                       # not eligible, or full: a clear error

            catalogue points {
              "Rice 5kg" costs 200, stock 50
              "Haircut" costs 80, at most 1 per month         # per resident
            }
            redeem "Haircut" for zhang                        # too few points, or out of stock: a clear error

            show Resident order by points desc limit 10       # the public ranking
            split "outsourcing income" {
              70% to "provider"
              25% to "incubation platform"
              5% to "community fund"
            }
            let parts = allocate(1234.57, "outsourcing income") # a list of { party, amount }, in the order written
            show parts                                        # exact to 0.01; the parts always add up to the whole
            print sum amount of parts where party == "provider"
            assign Household to Worker where role == "grid" {
              weight members                                  # balance the people, not the doors (default: count)
              together building                               # a building is never split between workers
              at most 300                                     # households per worker
            }
            show Household where worker.name == "王芳"
            escalate HazardReport {
              after 2 hours to "community"
              after 24 hours to "street"
              after 72 hours to "district"
              until handled                                   # a Bool or Time field that stops the clock
            }
            show overdue HazardReport
            test "hazard reports are capped at 20 a month" {
              clock 2026-11-02T09:00
              let zhang = add Resident { id: "R1", name: "张三", age: 40, building: "B3", phone: "1" }
              for i in 1..5 {
                emit HazardReport { reporter: zhang, kind: "fire", severity: 2, verified: true }
              }
              expect zhang.points == 20
              advance 1 month
              emit HazardReport { reporter: zhang, kind: "fire", severity: 2, verified: true }
              expect zhang.points == 27
            }
            """
        let s = try statements(source)
        let kinds = s.map { sx($0).split(separator: " ").first.map(String.init) ?? "" }
        #expect(kinds == [
            "(let", "(var", "(=", "(let", "(let", "(let", "(let", "(let", "(let", "(let",
            "(if", "(for", "(fn", "(fn",
            "(entity", "(entity", "(entity", "(load", "(let", "(update",
            "(let", "(show", "(print", "(print", "(print", "(print",
            "(account", "(account", "(account", "(award", "(charge", "(transfer", "(event", "(event",
            "(rule", "(rule", "(emit", "(programme", "(enrol", "(catalogue", "(redeem", "(show",
            "(split", "(let", "(show", "(print", "(assign", "(show", "(escalate", "(show", "(test",
        ])
    }

    // MARK: - Spans

    @Test func spansAreByteOffsetsOfTheConstruct() throws {
        let source = "let 张三 = a + b * c\nprint 张三"
        let s = try statements(source)
        guard case .let(let name, let value) = s[0].kind else {
            Issue.record("not a let")
            return
        }
        // '张三' is 6 bytes from byte 4.
        #expect(name.span == Span(file: 0, start: 4, end: 10))
        #expect(text(source, value.span) == "a + b * c")
        #expect(value.span == Span(file: 0, start: 13, end: 22))
        #expect(text(source, s[0].span) == "let 张三 = a + b * c")
        #expect(text(source, s[1].span) == "print 张三")
        #expect(s[1].span.start == 23)
    }

    @Test func spansCoverNestedExpressions() throws {
        let source = "let x = f(a, b)[0].name where age > 3 order by age desc limit 2"
        let s = try statements(source)
        let exprs = allExprs(s)
        let texts = Set(exprs.map { text(source, $0.span) })
        for piece in ["f(a, b)", "f(a, b)[0]", "f(a, b)[0].name", "age > 3", "f(a, b)[0].name where age > 3 order by age desc limit 2", "2"] {
            #expect(texts.contains(piece), "no expression covers '\(piece)'")
        }
    }

    @Test func everyKindOfExpressionSpansItsText() throws {
        let right = [
            "-a.b", "not c == d", "sum age of xs where k > 1", "count ys", "[1, 2]", "{ a: 1 }",
            "P { x: 1 }", "2 hours", "f(x)[0]", "add R { id: 1 }", "overdue H", "workload H", "\"t{u}v\"", "1..n",
            "xs order by a desc limit 3", "2026-11-28T09:30", "70%", "a or b and c", "none",
        ]
        let source = right.enumerated().map { "let v\($0) = \($1)" }.joined(separator: "\n")
        let s = try statements(source)
        let found = s.map { st -> String in
            guard case .let(_, let value) = st.kind else { return "?" }
            return text(source, value.span)
        }
        #expect(found == right)
    }

    @Test func spanOfAParenthesizedOperandIncludesTheParenthesis() throws {
        let source = "let x = (a + b) * c"
        let s = try statements(source)
        guard case .let(_, let value) = s[0].kind else {
            Issue.record("not a let")
            return
        }
        #expect(text(source, value.span) == "(a + b) * c")
    }

    @Test func statementSpansCoverTheWholeStatement() throws {
        let source = """
            rule "r" on E e {
              award 1 points to e.who
            }
            if a { print 1 } else { print 2 }
            entity R { key id: Text, age: Number = 3 }
            enrol zhang in "Fire drill"
            """
        let s = try statements(source)
        #expect(s.map { text(source, $0.span) } == [
            "rule \"r\" on E e {\n  award 1 points to e.who\n}",
            "if a { print 1 } else { print 2 }",
            "entity R { key id: Text, age: Number = 3 }",
            "enrol zhang in \"Fire drill\"",
        ])
        guard case .entity(_, let fields) = s[2].kind else {
            Issue.record("not an entity")
            return
        }
        #expect(fields.map { text(source, $0.span) } == ["key id: Text", "age: Number = 3"])
        guard case .rule(_, _, _, _, let body) = s[0].kind else {
            Issue.record("not a rule")
            return
        }
        #expect(body.map { text(source, $0.span) } == ["award 1 points to e.who"])
    }

    @Test func interpolationSpansPointIntoTheFile() throws {
        let source = "let g = \"你好, {name + 1}\""
        let s = try statements(source)
        let inner = allExprs(s).filter { if case .binary = $0.kind { return true } else { return false } }
        #expect(inner.count == 1)
        #expect(inner.first.map { text(source, $0.span) } == "name + 1")
    }

    // MARK: - Expression ids

    @Test func expressionIDsAreUniqueAndInRange() throws {
        let source = """
            let g = "a {b + c} d {e[0]}"
            fn f(x) = x * 2 + f(x - 1)
            rule "r" on E e when e.ok and e.n > 1 { award e.n points to e.who for "x {e.n}" }
            entity R { key id: Text, n: Number = 1 + 2 }
            let q = R where n > 1 order by n desc limit 3
            print sum n of R where n > 0
            catalogue points { "a" costs 1, stock 2, at most 3 per month }
            """
        let (program, diagnostics) = parse(source, firstExprID: 100)
        #expect(diagnostics.isEmpty)
        let ids = allExprs(program.statements).map(\.id)
        #expect(ids.count > 40)
        #expect(Set(ids).count == ids.count, "duplicate ids")
        #expect(ids.allSatisfy { program.exprIDs.contains($0) })
        #expect(program.exprIDs.lowerBound == 100)
        #expect(program.exprIDs.count == ids.count)
    }

    @Test func parenthesesDoNotDuplicateIDs() throws {
        let (program, _) = parse("let x = ((a) + (b * (c)))")
        let ids = allExprs(program.statements).map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.count == 5)
    }

    // MARK: - Errors and recovery

    @Test func oneErrorPerBrokenStatementAndRecovery() {
        let source = """
            let a = 1 +
            let b = 2
            print a
            let = 5
            print "still here"
            let c = 2 * * 3
            award 10 points zhang
            print c
            fn f(x) { return x
            print c
            """
        let (program, diagnostics) = parse(source)
        #expect(diagnostics.map(\.message) == [
            "an expression expected, found 'let'",
            "a name after 'let' expected, found '='",
            "an expression expected, found '*'",
            "'to' expected, found 'zhang'",
            "'}' expected to close the '{' opened at line 9, found the end of the file",
        ])
        let file = SourceFile(name: "t", text: source)
        #expect(diagnostics.map { file.location(of: $0.span.start).line } == [2, 4, 6, 7, 10])
        // The good statements between them are all there.
        #expect(program.statements.map(sx) == ["(print a)", "(print \"still here\")", "(print c)"])
    }

    /// An unclosed '(' or '[' must not swallow the statements after it:
    /// the error in the third line is still found.
    @Test func unclosedParenthesisDoesNotHideLaterErrors() {
        let source = """
            print f(1
            print 2
            let x = 1 +* 2
            """
        let (_, diagnostics) = parse(source)
        #expect(diagnostics.map(\.message) == [
            "')' expected to close the '(' opened at line 1, found 'print'",
            "an expression expected, found '*'",
        ])
        let (_, more) = parse("let c = [1, 2\nprint c\nlet = 3")
        #expect(more.map(\.message) == [
            "']' expected to close the '[' opened at line 1, found 'print'",
            "a name after 'let' expected, found '='",
        ])
    }

    @Test func errorInsideABlockRecoversInsideTheBlock() {
        let source = """
            fn f(x) {
              let y = x +* 1
              print y
              return y
            }
            print f(1)
            """
        let (program, diagnostics) = parse(source)
        #expect(diagnostics.map(\.message) == ["an expression expected, found '*'"])
        #expect(program.statements.map(sx) == ["(fn f (x) {(print y); (return y)})", "(print (call f 1))"])
    }

    @Test func statementsOnOneLineNeedASeparator() {
        let (_, diagnostics) = parse("let a = 1 let b = 2\nprint a")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message == "the end of the statement expected, found 'let'")
        #expect(diagnostics.first?.hint == "put each statement on its own line")
    }

    @Test func unclosedBraceNamesTheLineItWasOpenedOn() {
        let source = """
            print 0
            if x > 1 {
              print x

            print 2
            """
        let (_, diagnostics) = parse(source)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message == "'}' expected to close the '{' opened at line 2, found the end of the file")
        #expect(diagnostics.first?.hint == "add '}' after the last statement of the block")
    }

    @Test func unclosedBraceIsRenderedAtTheEndOfTheFile() {
        let map = SourceMap()
        let id = map.add(SourceFile(name: "rules.civic", text: "print 0\nif x > 1 {\n  print x\n\nprint 2"))
        let (_, diagnostics) = Parser.parse(map.files[id], fileID: id)
        #expect(DiagnosticRenderer(sources: map, color: false).render(diagnostics) == """
            rules.civic:5:8: error: '}' expected to close the '{' opened at line 2, found the end of the file
                5 | print 2
                  |        ^
                  = hint: add '}' after the last statement of the block
            """)
    }

    @Test func severalParseErrorsAreRenderedWithACount() {
        let map = SourceMap()
        let id = map.add(SourceFile(name: "t.civic", text: "let = 1\nprint (2 +)\nprint 3"))
        let (program, diagnostics) = Parser.parse(map.files[id], fileID: id)
        #expect(DiagnosticRenderer(sources: map, color: false).render(diagnostics) == """
            t.civic:1:5: error: a name after 'let' expected, found '='
                1 | let = 1
                  |     ^

            t.civic:2:11: error: an expression expected, found ')'
                2 | print (2 +)
                  |           ^

            2 errors
            """)
        #expect(program.statements.map(sx) == ["(print 3)"])
    }

    @Test func unclosedBraceInADeclarationNamesItsLine() {
        let source = "print 0\n\nsplit \"s\" {\n  70% to \"a\"\n"
        #expect(messages(source) == ["'}' expected to close the '{' opened at line 3, found the end of the file"])
        #expect(messages("catalogue points {\n \"a\" costs 1\n") == ["'}' expected to close the '{' opened at line 1, found the end of the file"])
    }

    @Test func unclosedRecordNamesItsBrace() {
        #expect(messages("let r = { a: 1,\n  b: 2\n")
            == ["a field name expected, found the end of the file; '}' is still needed to close the '{' opened at line 1"])
    }

    @Test func strayClosingBraceIsOneError() {
        let (program, diagnostics) = parse("print 1\n}\nprint 2")
        #expect(diagnostics.map(\.message) == ["unexpected '}': there is no '{' open here"])
        #expect(program.statements.map(sx) == ["(print 1)", "(print 2)"])
    }

    @Test func reservedWordAsNameIsExplained() {
        let (_, diagnostics) = parse("let where = 1")
        #expect(diagnostics.map(\.message) == ["a name after 'let' expected, found the reserved word 'where'"])
        #expect(diagnostics.first?.hint == "'where' is a reserved word; choose another name")
    }

    @Test func lexerErrorsSurfaceOnce() {
        let (program, diagnostics) = parse("let a = 3 & 4\nlet b = \"open\nprint 1")
        #expect(diagnostics.map(\.message) == [
            "unexpected character '&': write 'and'",
            "unterminated text: add a closing \" before the end of the line",
        ])
        #expect(program.statements.map(sx) == ["(print 1)"])
    }

    @Test func missingPartsOfGovernanceStatements() {
        #expect(messages("award 10 points zhang") == ["'to' expected, found 'zhang'"])
        #expect(parse("award 10 points zhang").1.first?.hint == "write 'award 10 points to RESIDENT'")
        #expect(messages("cap 20 a month") == ["'per' expected, found 'a'"])
        #expect(messages("enrol zhang \"P\"") == ["'in' expected, found a text"])
        #expect(messages("let s = sum age Resident") == ["'of' expected, found 'Resident'"])
    }

    // MARK: - Limits and odd input

    @Test func deepNestingIsOneErrorNotACrash() {
        let n = 10_000
        let source = "let x = " + String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n) + "\nprint 2"
        let (program, diagnostics) = parse(source)
        #expect(diagnostics.map(\.message) == ["this is nested too deeply (more than 128 levels)"])
        #expect(diagnostics.first?.hint == "split it into smaller parts with 'let' or functions")
        #expect(program.statements.map(sx) == ["(print 2)"])
    }

    @Test func deepNestingOfOtherKindsIsOneError() {
        let n = 10_000
        for source in [
            "let x = " + String(repeating: "[", count: n) + String(repeating: "]", count: n),
            "let x = " + String(repeating: "-", count: n) + "1",
            "let x = " + String(repeating: "not ", count: n) + "true",
            String(repeating: "if a {\n", count: n) + String(repeating: "}\n", count: n),
            "let x = " + String(repeating: "{a: ", count: n) + "1" + String(repeating: "}", count: n),
        ] {
            let (_, diagnostics) = parse(source)
            #expect(diagnostics.map(\.message) == ["this is nested too deeply (more than 128 levels)"],
                    "for input starting \(source.prefix(12))")
        }
    }

    @Test func nestingBelowTheLimitIsFine() throws {
        let source = "let x = " + String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        #expect(try tree(source) == "(let x 1)")
    }

    @Test func tenMegabyteLine() throws {
        let big = String(repeating: "a", count: 10 << 20)
        let s = try statements("let x = \"\(big)\"\nprint x")
        #expect(s.count == 2)
        guard case .let(_, let value) = s[0].kind, case .text(let segments) = value.kind,
              case .literal(let literal)? = segments.first else {
            Issue.record("not a let of a text")
            return
        }
        #expect(literal.utf8.count == 10 << 20)
        #expect(value.span == Span(file: 0, start: 8, end: 8 + (10 << 20) + 2))
    }

    @Test func tenMegabyteLineWithAnErrorAtItsEnd() {
        let big = String(repeating: "a", count: 10 << 20)
        let (program, diagnostics) = parse("# \(big)\nlet x = \"\(big)\" +\nprint 1")
        #expect(diagnostics.map(\.message) == ["an expression expected, found 'print'"])
        #expect(program.statements.isEmpty)
    }

    @Test func longOperatorChainIsRefused() {
        let source = "let x = 1" + String(repeating: " + 1", count: 5_000)
        #expect(messages(source) == ["this expression is too long (more than 1000 operators)"])
    }

    @Test func invalidUTF8IsOneErrorAndParsingGoesOn() {
        var bytes = Array("let x = ".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array("\nprint 1\n".utf8)
        let (program, diagnostics) = parse(bytes: bytes)
        #expect(diagnostics.map(\.message) == ["invalid UTF-8 (bytes 0xFF 0xFE): save the file as UTF-8"])
        #expect(diagnostics.first?.span == Span(file: 0, start: 8, end: 10))
        #expect(program.statements.map(sx) == ["(print 1)"])
    }

    @Test func invalidUTF8InsideTextIsOneError() {
        var bytes = Array("print \"a".utf8)
        bytes += [0xC3]
        bytes += Array("b\"\nprint 2".utf8)
        let (program, diagnostics) = parse(bytes: bytes)
        #expect(diagnostics.map(\.message) == ["invalid UTF-8 (byte 0xC3) in text: save the file as UTF-8"])
        #expect(program.statements.map(sx) == ["(print 2)"])
    }

    @Test func emptyInput() {
        for source in ["", "\n\n", "   \t  ", "\u{FEFF}"] {
            let (program, diagnostics) = parse(source)
            #expect(program.statements.isEmpty)
            #expect(diagnostics.isEmpty)
            #expect(program.exprIDs.isEmpty)
        }
    }

    @Test func onlyAComment() {
        for source in ["# just a note", "# just a note\n", "\n  # one\n# two\n\n"] {
            let (program, diagnostics) = parse(source)
            #expect(program.statements.isEmpty)
            #expect(diagnostics.isEmpty)
        }
    }

    @Test func windowsLineEnds() throws {
        #expect(try tree("let a = 1\r\nprint a +\r\n  2\r\n") == "(let a 1)\n(print (+ a 2))")
    }
}

@Suite struct ExpectErrorParsing {
    func parse(_ text: String) -> (String, [Diagnostic]) {
        let (program, errors) = Parser.parse(SourceFile(name: "t.civic", text: text), fileID: 0)
        return (program.statements.map(\.dump).joined(separator: "\n"), errors)
    }

    @Test func withAndWithoutAText() {
        let (withText, e1) = parse("expect error \"too few\" { redeem \"Rice\" for z }")
        #expect(e1.isEmpty && withText == "(expect-error (text \"too few\") {(redeem (text \"Rice\") z)})", "\(withText)")
        let (without, e2) = parse("expect error {\n  charge 5 points from z\n}")
        #expect(e2.isEmpty && without == "(expect-error {(charge 5 points z)})", "\(without)")
    }

    @Test func aVariableNamedErrorIsStillAnExpectation() {
        let (tree, errors) = parse("expect error == 3")
        #expect(errors.isEmpty)
        #expect(tree.hasPrefix("(expect "), "\(tree)")
        #expect(parse("expect error").0.hasPrefix("(expect "))
    }
}
