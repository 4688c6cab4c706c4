/// Walking the tree: the expressions directly inside an expression.
extension Expr {
    /// The expressions this one is made of, in source order.
    public var children: [Expr] {
        switch kind {
        case .number, .percent, .bool, .none, .date, .time, .duration, .name, .overdue:
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
