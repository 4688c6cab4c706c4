/// Walking the tree: the expressions directly inside an expression.
extension Expr {
    /// The expressions this one is made of, in source order.
    public var children: [Expr] {
        switch kind {
        case .number, .percent, .bool, .none, .date, .time, .duration, .name, .overdue, .workload:
            return []
        case .text(let segments):
            return segments.compactMap { if case .expr(let e) = $0 { return e } else { return nil } }
        case .list(let items):
            return items
        case .record(let fields), .construct(_, let fields), .add(_, let fields):
            return fields.map(\.value)
        case .unary(_, let e):
            return [e]
        case .binary(_, let a, let b), .range(let a, let b), .index(let a, let b):
            return [a, b]
        case .call(_, let arguments):
            return arguments
        case .member(let base, _):
            return [base]
        case .query(let source, let clauses):
            return [source] + [clauses.filter].compactMap { $0 } + clauses.order.map(\.expr) + [clauses.limit].compactMap { $0 }
        case .aggregate(_, let field, let source):
            return [field].compactMap { $0 } + [source]
        }
    }

    /// Whether this expression, or any inside it, satisfies `test`.
    public func contains(where test: (Expr) -> Bool) -> Bool {
        if test(self) { return true }
        return children.contains { $0.contains(where: test) }
    }
}

/// Walking the tree: the statements inside a statement.
extension Stmt {
    /// The blocks directly inside this statement, in source order: the bodies
    /// of `if`, `for`, `while`, `fn`, `rule`, `test` and `expect error`, and the statement
    /// `explain` explains.
    public var blocks: [[Stmt]] {
        switch kind {
        case .if(let branches, let otherwise):
            return branches.map(\.body) + [otherwise].compactMap { $0 }
        case .for(_, _, let body), .while(_, let body), .function(_, _, let body), .rule(_, _, _, _, let body),
             .test(_, let body), .expectError(_, let body):
            return [body]
        case .explain(let inner):
            return [[inner]]
        default:
            return []
        }
    }

    /// Calls `visit` on this statement and on every statement inside it, in source order.
    public func forEachStatement(_ visit: (Stmt) -> Void) {
        visit(self)
        for block in blocks {
            for s in block { s.forEachStatement(visit) }
        }
    }
}

/// Walking the tree: the expressions written in a statement.
extension Stmt {
    /// The expressions written directly in this statement, in source order:
    /// not those of the statements in its blocks (see `blocks`), but those of
    /// its header (the condition of an `if`, the name of a `rule`), its
    /// fields, options and lines, and the indexes of an assignment's target.
    public var expressions: [Expr] {
        switch kind {
        case .let(_, let e), .var(_, let e), .expr(let e), .for(_, let e, _), .while(let e, _), .show(let e),
             .use(let e), .load(_, let e), .remove(let e), .cap(let e, _), .budget(let e, _), .test(let e, _),
             .expect(let e), .clock(let e), .advance(let e):
            return [e]
        case .assign(let target, let e):
            return target.indexes + [e]
        case .if(let branches, _):
            return branches.map(\.condition)
        case .expectError(let message, _):
            return message.map { [$0] } ?? []
        case .break, .continue, .function, .explain:
            return []
        case .return(let e):
            return [e].compactMap { $0 }
        case .print(let values):
            return values
        case .entity(_, let fields), .event(_, let fields):
            return fields.compactMap(\.defaultValue)
        case .update(let e, let fields):
            return [e] + fields.map(\.value)
        case .emit(_, let fields):
            return fields.map(\.value)
        case .account(_, _, let options):
            return options.map { option in
                switch option {
                case .expireAfter(let e, _), .atMost(let e, _), .atLeast(let e, _): return e
                }
            }
        case .award(let amount, _, let holder, let reason), .charge(let amount, _, let holder, let reason):
            return [amount, holder] + [reason].compactMap { $0 }
        case .transfer(let amount, _, let from, let to, let reason):
            return [amount, from, to] + [reason].compactMap { $0 }
        case .rule(let name, _, _, let condition, _):
            return [name] + [condition].compactMap { $0 }
        case .programme(let name, let options):
            return [name] + options.map { option in
                switch option {
                case .category(let e, _), .eligible(let e, _), .capacity(let e, _): return e
                }
            }
        case .enrol(let who, let programme), .withdraw(let who, let programme):
            return [who, programme]
        case .catalogue(_, let items):
            return items.flatMap { [$0.name, $0.cost] + [$0.stock, $0.limit].compactMap { $0 } }
        case .redeem(let item, let holder):
            return [item, holder]
        case .split(let name, let lines):
            return [name] + lines.flatMap { line -> [Expr] in
                switch line {
                case .share(let share, let party, _): return [share, party]
                case .roundTo(let e, _): return [e]
                }
            }
        case .assignment(_, _, let condition, let options):
            return [condition].compactMap { $0 } + options.map { option in
                switch option {
                case .weight(let e, _), .together(let e, _), .atMost(let e, _): return e
                }
            }
        case .escalate(_, let lines):
            return lines.flatMap { line -> [Expr] in
                switch line {
                case .after(let e, let level, _): return [e, level]
                case .until: return []
                }
            }
        }
    }
}

extension AssignTarget {
    /// The index expressions of the target, outermost name first: `a[i].b[j]` gives `i`, `j`.
    public var indexes: [Expr] {
        switch self {
        case .name: return []
        case .member(let base, _): return base.indexes
        case .index(let base, let i): return base.indexes + [i]
        }
    }
}
