import CivicSyntax

/// Turns a `StoreQuery` into a `QueryPlan`, with exactly the meaning
/// `MemoryStore` gives the query (see `StorePredicate.holds`): a path
/// through a reference reads the referenced table, and where the reference
/// is none (or names no row) the value is none.
public struct QueryLowering {
    let tables: [String: SQLTable]
    let parameters: [Value]
    private var aliasCount = 0

    private init(tables: [String: SQLTable], parameters: [Value]) {
        self.tables = tables
        self.parameters = parameters
    }

    /// The plan of `query` over `table`, one of `tables`; `aggregated` is the
    /// path an aggregate is computed over, if any.
    public static func plan(_ query: StoreQuery, on table: SQLTable, _ parameters: [Value], tables: [String: SQLTable],
                            aggregated: FieldPath? = nil) throws(StoreError) -> QueryPlan {
        var lowering = QueryLowering(tables: tables, parameters: parameters)
        let filter = try query.filter.map { p throws(StoreError) in try lowering.condition(p, table, "t0") }
        var order: [PlanOrderKey] = []
        for key in query.order {
            order.append(PlanOrderKey(value: try lowering.value(key.path.steps[...], table, "t0"), descending: key.descending))
        }
        var limit: Int?
        if let l = query.limit { limit = max(0, try MemoryStore.whole(parameters, l)) }
        let value = try aggregated.map { path throws(StoreError) in try lowering.value(path.steps[...], table, "t0") }
        return QueryPlan(table: table, filter: filter, order: order, limit: limit, aggregated: value)
    }

    private mutating func newAlias() -> String {
        aliasCount += 1
        return "t\(aliasCount)"
    }

    // MARK: Conditions

    private mutating func condition(_ p: StorePredicate, _ table: SQLTable, _ alias: String) throws(StoreError) -> PlanCondition {
        switch p {
        case .constant(let b):
            return .constant(b)
        case .and(let a, let b):
            let x = try condition(a, table, alias)
            return .and(x, try condition(b, table, alias))
        case .or(let a, let b):
            let x = try condition(a, table, alias)
            return .or(x, try condition(b, table, alias))
        case .not(let a):
            return .not(try condition(a, table, alias))
        case .isTrue(let path):
            return try atPath(path.steps[...], table, alias, .isTrue)
        case .compare(let path, let op, .parameter(let i)):
            guard i >= 0, i < parameters.count else {
                // The path must still name fields.
                _ = try atPath(path.steps[...], table, alias, .isTrue)
                return .constant(false)
            }
            return try atPath(path.steps[...], table, alias, .compare(op, parameters[i]))
        case .isIn(let path, .parameter(let i)):
            let atom: PlanAtom
            if i >= 0, i < parameters.count, case .range(let lo, let hi) = parameters[i] {
                atom = .range(lo, hi)
            } else if i >= 0, i < parameters.count, case .list(let items) = parameters[i] {
                atom = .values(items)
            } else {
                _ = try atPath(path.steps[...], table, alias, .isTrue)
                return .constant(false)
            }
            return try atPath(path.steps[...], table, alias, atom)
        }
    }

    /// The condition on the value at a path.
    private mutating func atPath(_ steps: ArraySlice<String>, _ table: SQLTable, _ alias: String,
                                 _ atom: PlanAtom) throws(StoreError) -> PlanCondition {
        guard let step = steps.first else { return .constant(atom.holdsForNone) }
        let column = try self.column(step, table, alias)
        if steps.count == 1 { return .test(column, atom) }
        guard let join = join(column) else {
            // Not a reference (or one that can name no row): none, as in MemoryStore.
            return .constant(atom.holdsForNone)
        }
        let inner = try atPath(steps.dropFirst(), join.table, join.alias, atom)
        return .through(column, join, inner, orNoRow: atom.holdsForNone ? newAlias() : nil)
    }

    // MARK: Values

    /// The value at a path.
    private mutating func value(_ steps: ArraySlice<String>, _ table: SQLTable, _ alias: String) throws(StoreError) -> PlanValue {
        guard let step = steps.first else { return .none }
        let column = try self.column(step, table, alias)
        if steps.count == 1 { return .column(column) }
        guard let join = join(column) else { return .none }
        let inner = try value(steps.dropFirst(), join.table, join.alias)
        if case .none = inner { return .none }
        return .through(column, join, inner)
    }

    // MARK: Paths

    private func column(_ field: String, _ table: SQLTable, _ alias: String) throws(StoreError) -> PlanColumn {
        guard let i = table.entity.index(of: field) else {
            throw StoreError("\(table.entity.name) has no field '\(field)'")
        }
        return PlanColumn(alias: alias, table: table, field: i)
    }

    /// The table a reference column names rows of, under a new alias; nil
    /// when it can name no row.
    private mutating func join(_ column: PlanColumn) -> PlanJoin? {
        guard case .reference(let name, _) = column.codec, let target = tables[name], let k = target.keyIndex else { return nil }
        return PlanJoin(table: target, alias: newAlias(), key: k)
    }
}
