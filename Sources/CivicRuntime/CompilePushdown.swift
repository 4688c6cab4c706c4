import CivicStore
import CivicSyntax
import CivicCheck

/// Queries over stored entities, answered by the store where it can: a
/// `where` on stored fields, `order by` stored fields, `limit`, and the
/// aggregates become a `StoreQuery` (SQL for SQLite) with every value from the
/// script bound as a parameter. What the store cannot express is done here,
/// with the same meaning; the rows are then read once and the rest of the
/// query runs over them.
extension Compiler {
    /// A value the script gives a stored query, with what the field it meets needs.
    struct Parameter {
        var value: Eval
        /// The field's type, to check the value against before the query runs.
        var fieldType: CivicType
        /// Whether the parameter is a list (`field in LIST`).
        var isList: Bool
        /// Checks the value first, with the same errors as the interpreter.
        var validate: ((Value) throws(RuntimeError) -> Void)? = nil
    }

    /// The stored entity a query source names, if it names one.
    func storedSource(_ source: Expr) -> String? {
        guard pushdown, case .name = source.kind else { return nil }
        switch program.resolution(of: source) {
        case .entity(let name)?, .event(let name)?: return name
        default: return nil
        }
    }

    /// Field types the store can compare and order exactly as the language does.
    static func isOrderable(_ t: CivicType) -> Bool {
        switch t {
        case .number, .text, .bool, .date, .time: return true
        default: return false
        }
    }

    /// The path to a stored field (through references) that `e` reads from the
    /// row at `level`, with the field's type.
    func fieldPath(_ e: Expr, level: Int, entity: String) -> (FieldPath, CivicType)? {
        switch e.kind {
        case .name(let name):
            guard case .rowField(let field, let l)? = program.resolution(of: e), l == level, field == name,
                  let f = program.schema.type(named: entity)?.field(field) else { return nil }
            return (FieldPath([field]), f.type)
        case .member(let base, let field):
            guard let (path, type) = fieldPath(base, level: level, entity: entity),
                  case .entity(let target) = type,
                  let f = program.schema.entities[target]?.field(field.name) else { return nil }
            return (FieldPath(path.steps + [field.name]), f.type)
        default:
            return nil
        }
    }

    /// Whether `e` reads nothing of the rows at `level` or deeper: it can be
    /// worked out once, before the query runs.
    func isRowIndependent(_ e: Expr, level: Int) -> Bool {
        !e.contains { sub in
            switch program.resolution(of: sub) {
            case .rowField(_, let l)?: return l >= level
            default:
                if case .add = sub.kind { return true }
                return false
            }
        }
    }

    /// The store's form of a condition, or nil where the store cannot say it.
    mutating func predicate(_ e: Expr, level: Int, entity: String, _ parameters: inout [Parameter]) -> StorePredicate? {
        switch e.kind {
        case .bool(let b):
            return .constant(b)
        case .unary(.not, let inner):
            return predicate(inner, level: level, entity: entity, &parameters).map { .not($0) }
        case .binary(.and, let a, let b):
            guard let pa = predicate(a, level: level, entity: entity, &parameters),
                  let pb = predicate(b, level: level, entity: entity, &parameters) else { return nil }
            return .and(pa, pb)
        case .binary(.or, let a, let b):
            guard let pa = predicate(a, level: level, entity: entity, &parameters),
                  let pb = predicate(b, level: level, entity: entity, &parameters) else { return nil }
            return .or(pa, pb)
        case .name, .member:
            guard let (path, type) = fieldPath(e, level: level, entity: entity), type == .bool else { return nil }
            return .isTrue(path)
        case .binary(.in, let item, let list):
            guard let (path, type) = fieldPath(item, level: level, entity: entity),
                  Compiler.isOrderable(type) || Compiler.isReference(type),
                  isRowIndependent(list, level: level) else { return nil }
            parameters.append(Parameter(value: expr(list), fieldType: type, isList: true))
            return .isIn(path, .parameter(parameters.count - 1))
        case .binary(let op, let left, let right):
            guard let comparison = Compiler.comparison(op) else { return nil }
            var path: FieldPath, type: CivicType, other: Expr, flipped = false
            if let (p, t) = fieldPath(left, level: level, entity: entity), isRowIndependent(right, level: level) {
                (path, type, other) = (p, t, right)
            } else if let (p, t) = fieldPath(right, level: level, entity: entity), isRowIndependent(left, level: level) {
                (path, type, other, flipped) = (p, t, left, true)
            } else {
                return nil
            }
            let isEquality = comparison == .equal || comparison == .notEqual
            guard Compiler.isOrderable(type) || (isEquality && Compiler.isReference(type)) else { return nil }
            parameters.append(Parameter(value: expr(other), fieldType: type, isList: false))
            return .compare(path, flipped ? Compiler.flip(comparison) : comparison, .parameter(parameters.count - 1))
        default:
            return nil
        }
    }

    static func isReference(_ t: CivicType) -> Bool {
        if case .entity = t { return true }
        return false
    }

    static func comparison(_ op: BinaryOperator) -> StoreComparison? {
        switch op {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        default: return nil
        }
    }

    static func flip(_ c: StoreComparison) -> StoreComparison {
        switch c {
        case .less: return .greater
        case .lessEqual: return .greaterEqual
        case .greater: return .less
        case .greaterEqual: return .lessEqual
        default: return c
        }
    }

    /// The parts of a condition joined by `and`.
    static func conjuncts(_ e: Expr) -> [Expr] {
        if case .binary(.and, let a, let b) = e.kind { return conjuncts(a) + conjuncts(b) }
        return [e]
    }

    /// A stored query: as much as the store can answer, the rest here.
    mutating func pushedQuery(_ source: Expr, _ clauses: QueryClauses, _ span: Span) -> Eval? {
        guard let entity = storedSource(source) else { return nil }
        let level = queryDepth
        var parameters: [Parameter] = []
        var pushed: [StorePredicate] = []
        var complete = true
        queryDepth += 1
        for part in clauses.filter.map(Compiler.conjuncts) ?? [] {
            var local = parameters
            if let p = predicate(part, level: level, entity: entity, &local) {
                pushed.append(p)
                parameters = local
            } else {
                complete = false
            }
        }
        var order: [StoreOrderKey] = []
        for key in clauses.order {
            guard let (path, type) = fieldPath(key.expr, level: level, entity: entity), Compiler.isOrderable(type) else {
                complete = false
                break
            }
            order.append(StoreOrderKey(path: path, descending: key.descending))
        }
        queryDepth -= 1
        var query = StoreQuery(entity: entity, filter: pushed.reduce(nil) { acc, p in acc.map { .and($0, p) } ?? p })
        if complete {
            query.order = order
            if let limit = clauses.limit, isRowIndependent(limit, level: level) {
                let limitSpan = limit.span
                parameters.append(Parameter(value: expr(limit), fieldType: .number, isList: false, validate: { v throws(RuntimeError) in
                    let n = try Compiler.wholeNumber(v, "the number after 'limit'", limitSpan)
                    if n < 0 { throw RuntimeError("'limit' must not be negative, found \(n)", at: limitSpan) }
                }))
                query.limit = .parameter(parameters.count - 1)
            }
        }
        let fetch = Compiler.storedFetch(query, parameters, span)
        let here = listQuery(entityRows(entity, span), source.span, clauses, span)
        if complete {
            return { m throws(RuntimeError) in
                if let rows = try fetch(m) { return rows }
                return try here(m)
            }
        }
        // The store narrows the rows; the whole query then runs here over them.
        return listQuery({ m throws(RuntimeError) in
            if let rows = try fetch(m) { return rows }
            return try Compiler.allRows(m, entity, span)
        }, source.span, clauses, span)
    }

    static func allRows(_ m: Machine, _ entity: String, _ span: Span) throws(RuntimeError) -> Value {
        let rows: [Value]
        do throws(StoreError) {
            rows = try Compiler.withBalances(try m.store.fetch(StoreQuery(entity: entity), []), entity, m)
        } catch {
            throw Compiler.storeError(error, span)
        }
        try m.willAllocate(Machine.bytes(ofRows: rows), making: 0, at: span)
        return .list(rows)
    }

    /// Runs a stored query; nil when a parameter is of a kind the store could
    /// not compare exactly (the caller then does the query itself).
    static func storedFetch(_ query: StoreQuery, _ parameters: [Parameter], _ span: Span) -> (Machine) throws(RuntimeError) -> Value? {
        return { m throws(RuntimeError) in
            guard let values = try Compiler.bind(parameters, m) else { return nil }
            let rows: [Value]
            do throws(StoreError) {
                rows = try Compiler.withBalances(try m.store.fetch(query, values), query.entity, m)
            } catch {
                throw Compiler.storeError(error, span)
            }
            try m.willAllocate(Machine.bytes(ofRows: rows), making: 0, at: span)
            return .list(rows)
        }
    }

    /// The parameters' values, in the store's form; nil if one cannot be given to the store.
    static func bind(_ parameters: [Parameter], _ m: Machine) throws(RuntimeError) -> [Value]? {
        var values: [Value] = []
        values.reserveCapacity(parameters.count)
        for p in parameters {
            let v = try p.value(m)
            try p.validate?(v)
            if p.isList {
                guard let items = v.items else { return nil }
                var converted: [Value] = []
                for item in items {
                    guard let c = storable(item, p.fieldType) else { return nil }
                    converted.append(c)
                }
                values.append(.list(converted))
            } else {
                guard let c = storable(v, p.fieldType) else { return nil }
                values.append(c)
            }
        }
        return values
    }

    /// A value as the store compares it with a field of type `t`, or nil if
    /// the store could not compare it exactly as the language does.
    static func storable(_ v: Value, _ t: CivicType) -> Value? {
        switch (t, v) {
        case (_, .none): return v
        case (.number, .number(let n)):
            return n.scale <= RowCheck.maxDecimals && n.magnitude < RowCheck.maxMagnitude ? v : nil
        case (.text, .text(let s)): return .text(RowCheck.normalized(s))
        case (.bool, .bool), (.date, .date), (.time, .time): return v
        case (.entity(let e), .reference(let target, _)) where e == target: return v
        case (.entity(let e), .record(let r)) where r.shape.typeName == e:
            guard let k = r.shape.keyIndex else { return nil }
            return .reference(entity: e, key: r.values[k])
        default: return nil
        }
    }

    /// An aggregate over stored rows, computed by the store where it can be.
    mutating func pushedAggregate(_ kind: AggregateKind, _ field: Expr?, _ source: Expr, _ span: Span) -> Eval? {
        let entitySource: String?
        var clauses = QueryClauses()
        if let e = storedSource(source) {
            entitySource = e
        } else if case .query(let inner, let c) = source.kind, let e = storedSource(inner) {
            entitySource = e
            clauses = c
        } else {
            entitySource = nil
        }
        guard let entity = entitySource, clauses.order.isEmpty || kind == .first, clauses.limit == nil || kind == .first else { return nil }
        let level = queryDepth
        var parameters: [Parameter] = []
        queryDepth += 1
        var filter: StorePredicate?
        if let f = clauses.filter {
            guard let p = predicate(f, level: level, entity: entity, &parameters) else { queryDepth -= 1; return nil }
            filter = p
        }
        var path: FieldPath?
        var fieldType: CivicType = .any
        if let field {
            guard let (p, t) = fieldPath(field, level: level, entity: entity) else { queryDepth -= 1; return nil }
            path = p
            fieldType = t
        }
        var order: [StoreOrderKey] = []
        for key in clauses.order {
            guard let (p, t) = fieldPath(key.expr, level: level, entity: entity), Compiler.isOrderable(t) else { queryDepth -= 1; return nil }
            order.append(StoreOrderKey(path: p, descending: key.descending))
        }
        queryDepth -= 1
        let storeAggregate: StoreAggregate?
        switch kind {
        case .count: storeAggregate = .count
        case .exists: storeAggregate = .exists
        case .first: storeAggregate = nil
        case .sum: storeAggregate = fieldType == .number ? path.map { .sum($0) } : nil
        case .average: storeAggregate = fieldType == .number ? path.map { .average($0) } : nil
        case .min: storeAggregate = Compiler.isOrderable(fieldType) ? path.map { .min($0) } : nil
        case .max: storeAggregate = Compiler.isOrderable(fieldType) ? path.map { .max($0) } : nil
        }
        let here = listAggregate(kind, field, expr(source), source.span, span)
        var query = StoreQuery(entity: entity, filter: filter, order: order)
        if kind == .first {
            parameters.append(Parameter(value: constant(.number(.one)), fieldType: .number, isList: false))
            query.limit = .parameter(parameters.count - 1)
            let fetch = Compiler.storedFetch(query, parameters, span)
            return { m throws(RuntimeError) in
                guard let rows = try fetch(m) else { return try here(m) }
                return rows.items?.first ?? .none
            }
        }
        guard let storeAggregate else { return nil }
        let bound = parameters
        return { m throws(RuntimeError) in
            guard let values = try Compiler.bind(bound, m) else { return try here(m) }
            do throws(StoreError) {
                return try m.store.aggregate(storeAggregate, query, values)
            } catch {
                throw Compiler.storeError(error, span)
            }
        }
    }
}
