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
    /// of `if`, `for`, `while`, `fn`, `rule` and `test`, and the statement
    /// `explain` explains.
    public var blocks: [[Stmt]] {
        switch kind {
        case .if(let branches, let otherwise):
            return branches.map(\.body) + [otherwise].compactMap { $0 }
        case .for(_, _, let body), .while(_, let body), .function(_, _, let body), .rule(_, _, _, _, let body),
             .test(_, let body):
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
