import CivicStore
import CivicSyntax
import CivicCheck

/// `where`, `order by`, `limit` and the aggregates, over lists.
/// (Over stored entities the store evaluates them; see CivicStore.)
extension Compiler {
    mutating func query(_ source: Expr, _ clauses: QueryClauses, _ span: Span) -> Eval {
        let query = pushedQuery(source, clauses, span) ?? listQuery(expr(source), source.span, clauses, span)
        let readsPrivate = (clauses.filter.map(readsPrivateField) ?? false) || clauses.order.contains { readsPrivateField($0.expr) }
        return readsPrivate ? Compiler.quotingPrivately(query) : query
    }

    /// A query that reads private fields as they are (`where phone == ...`):
    /// an error inside it may quote one (`number cannot read "138abc..."`),
    /// so the texts its messages quote are marked private (``PrivateText``).
    static func quotingPrivately(_ eval: @escaping Eval) -> Eval {
        return { m throws(RuntimeError) in
            do throws(RuntimeError) {
                return try eval(m)
            } catch {
                var marked = error
                marked.message = PrivateText.markQuoted(error.message)
                throw marked
            }
        }
    }

    /// `where`, `order by` and `limit` done here, over the rows `rows` gives.
    mutating func listQuery(_ rows: @escaping Eval, _ sourceSpan: Span, _ clauses: QueryClauses, _ span: Span) -> Eval {
        let level = queryDepth
        queryDepth += 1
        let filter = clauses.filter.map { boolean($0, "the condition after 'where'") }
        let keys = clauses.order.map { (expr($0.expr), $0.descending, $0.expr.span) }
        queryDepth -= 1
        let limit = clauses.limit.map { (expr($0), $0.span) }
        return { m throws(RuntimeError) in
            let value = try rows(m)
            guard var items = try m.items(of: value, at: sourceSpan) else {
                throw RuntimeError("'where', 'order by' and 'limit' work on a list, found \(value.typeNameWithArticle)", at: sourceSpan)
            }
            try Compiler.withRow(m, level) { () throws(RuntimeError) in
                if let filter {
                    var kept: [Value] = []
                    for item in items {
                        try m.step(sourceSpan)
                        m.rows[level] = item
                        if try filter(m) { kept.append(item) }
                    }
                    items = kept
                }
                if !keys.isEmpty {
                    items = try Compiler.sorted(items, keys, level, m)
                }
            }
            if let (limitValue, limitSpan) = limit {
                let n = try Compiler.wholeNumber(try limitValue(m), "the number after 'limit'", limitSpan)
                if n < 0 { throw RuntimeError("'limit' must not be negative, found \(n)", at: limitSpan) }
                if n < items.count { items.removeSubrange(n...) }
            }
            return .list(items)
        }
    }

    /// Runs `body` with a row slot pushed for this query's level.
    static func withRow(_ m: Machine, _ level: Int, _ body: () throws(RuntimeError) -> Void) throws(RuntimeError) {
        while m.rows.count <= level { m.rows.append(.none) }
        let saved = m.rows[level]
        defer { m.rows[level] = saved }
        try body()
    }

    /// A stable sort by the keys; rows whose keys cannot be compared are an error.
    static func sorted(_ items: [Value], _ keys: [(Eval, Bool, Span)], _ level: Int, _ m: Machine) throws(RuntimeError) -> [Value] {
        var keyed: [(Int, [Value])] = []
        keyed.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            m.rows[level] = item
            var values: [Value] = []
            for (key, _, _) in keys { values.append(try key(m)) }
            keyed.append((i, values))
        }
        var failure: RuntimeError?
        keyed.sort { a, b in
            if failure != nil { return a.0 < b.0 }
            for (k, (_, descending, span)) in keys.enumerated() {
                let x = a.1[k], y = b.1[k]
                // none sorts last, whichever the direction.
                if case .none = x { if case .none = y { continue }; return false }
                if case .none = y { return true }
                guard let o = Value.order(x, y) else {
                    failure = RuntimeError("rows cannot be ordered: \(x.literal()) and \(y.literal()) cannot be compared", at: span)
                    return a.0 < b.0
                }
                if o != 0 { return descending ? o > 0 : o < 0 }
            }
            return a.0 < b.0
        }
        if let failure { throw failure }
        return keyed.map { items[$0.0] }
    }

    mutating func aggregate(_ kind: AggregateKind, _ field: Expr?, _ source: Expr, _ span: Span) -> Eval {
        let result = pushedAggregate(kind, field, source, span) ?? listAggregate(kind, field, expr(source), source.span, span)
        guard let field, readsPrivateField(field) else { return result }
        // An aggregate of a private field is as private as the field: min and max would give it away.
        let quoting = Compiler.quotingPrivately(result)
        return { m throws(RuntimeError) in Compiler.masked(try quoting(m), m) }
    }

    /// Whether an aggregate's field reads a `private` field of the rows.
    func readsPrivateField(_ field: Expr) -> Bool {
        field.contains { e in
            guard case .rowField(let name, _)? = program.resolution(of: e) else { return false }
            return program.schema.entities.values.contains { $0.field(name)?.isPrivate == true }
        }
    }

    /// An aggregate computed here, over the rows `rows` gives.
    mutating func listAggregate(_ kind: AggregateKind, _ field: Expr?, _ rows: @escaping Eval, _ sourceSpan: Span, _ span: Span) -> Eval {
        let level = queryDepth
        queryDepth += 1
        let value = field.map { expr($0) }
        queryDepth -= 1
        let fieldSpan = field?.span ?? span
        return { m throws(RuntimeError) in
            let list = try rows(m)
            guard let items = list.items else {
                throw RuntimeError("'\(kind.rawValue)' works on a list, found \(list.typeNameWithArticle)", at: sourceSpan)
            }
            switch kind {
            case .count: return .number(Number(items.count))
            case .exists: return .bool(!items.isEmpty)
            case .first: return items.first ?? .none
            default: break
            }
            guard let value else { return .none }
            var values: [Value] = []
            try Compiler.withRow(m, level) { () throws(RuntimeError) in
                for item in items {
                    m.rows[level] = item
                    let v = try value(m)
                    if case .none = v { continue }
                    values.append(v)
                }
            }
            return try Compiler.combine(kind, values, fieldSpan)
        }
    }

    /// sum, average, min and max of the values found (none values are left out).
    static func combine(_ kind: AggregateKind, _ values: [Value], _ span: Span) throws(RuntimeError) -> Value {
        switch kind {
        case .sum, .average:
            if values.isEmpty { return kind == .sum ? .number(.zero) : .none }
            var total = values[0]
            for v in values.dropFirst() {
                if case .number = total {} else if case .duration = total {} else { break }
                total = try Operators.add(total, v, span)
            }
            switch total {
            case .number, .duration: break
            default: throw RuntimeError("'\(kind.rawValue)' adds Numbers, found \(values[0].typeNameWithArticle)", at: span)
            }
            if kind == .sum { return total }
            return try Operators.divide(total, .number(Number(values.count)), span)
        case .min, .max:
            guard var best = values.first else { return .none }
            for v in values.dropFirst() {
                let o = try Operators.compare(v, best, kind == .min ? .less : .greater, span)
                if (kind == .min && o < 0) || (kind == .max && o > 0) { best = v }
            }
            return best
        default:
            return .none
        }
    }
}
