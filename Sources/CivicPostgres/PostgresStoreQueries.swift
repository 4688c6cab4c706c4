import CivicStore
import CivicSyntax

// `fetch` and `aggregate` for PostgreSQL: one parameterized SELECT each,
// with the meaning MemoryStore gives the query.
extension PostgresStore {
    /// A query made ready: its condition, order and limit.
    struct Plan {
        var builder: PostgresQueryBuilder
        let table: PostgresTable
        /// " WHERE ..." or "".
        let filter: String
        let order: [PostgresOrderKey]
        /// nil: the order is computed in Swift (a Duration key).
        let terms: [String]?
        let limit: Int?

        var from: String { "FROM \(table.table) AS t0\(filter)" }
    }

    func plan(_ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> Plan {
        let t = try table(query.entity)
        var b = PostgresQueryBuilder(tables: tables, parameters: parameters)
        var filter = ""
        if let p = query.filter { filter = " WHERE " + (try b.predicate(p, t, "t0")) }
        let order = try b.orderValues(query.order, t, "t0")
        var limit: Int?
        if let l = query.limit { limit = max(0, try PostgresStore.whole(parameters, l)) }
        return Plan(builder: b, table: t, filter: filter, order: order,
                    terms: PostgresQueryBuilder.orderTerms(order, "t0"), limit: limit)
    }

    static func whole(_ parameters: [Value], _ operand: StoreOperand) throws(StoreError) -> Int {
        guard case .parameter(let i) = operand, i >= 0, i < parameters.count,
              case .number(let n) = parameters[i], let v = n.intValue else {
            throw StoreError("'limit' needs a whole Number")
        }
        return v
    }

    /// The values of `columns` for the rows a query selects, in its order.
    func select(_ plan: inout Plan, _ columns: [(sql: String, codec: PostgresCodec?)]) throws(StoreError) -> [[Value]] {
        var list = columns.map { $0.codec == nil ? "NULL" : $0.sql }
        if list.isEmpty { list = ["1"] }
        if let terms = plan.terms {
            var sql = "SELECT \(list.joined(separator: ", ")) \(plan.from) ORDER BY \(terms.joined(separator: ", "))"
            if let limit = plan.limit { sql += " LIMIT \(plan.builder.bind(Int64(limit)))" }
            return try rows(sql, plan.builder.arguments, columns.map(\.codec), of: plan.table.entity.name)
        }
        // An order by a Duration: sorted as MemoryStore does, rows taken in
        // the order they were added.
        let keys = plan.order.map { $0.codec == nil ? "NULL" : $0.sql }
        let sql = "SELECT \((list + keys).joined(separator: ", ")) \(plan.from) ORDER BY t0.\(PostgresName.quote(PostgresName.rowColumn))"
        let all = try rows(sql, plan.builder.arguments, columns.map(\.codec) + plan.order.map(\.codec), of: plan.table.entity.name)
        let n = columns.count
        var keyed = all.enumerated().map { (i, r) in (i, Array(r[n...])) }
        let order = plan.order
        keyed.sort { a, b in
            for (k, key) in order.enumerated() {
                let x = a.1[k], y = b.1[k]
                if case .none = x { if case .none = y { continue }; return false }
                if case .none = y { return true }
                let o = Value.order(x, y) ?? 0
                if o != 0 { return key.descending ? o > 0 : o < 0 }
            }
            return a.0 < b.0
        }
        var out = keyed.map { Array(all[$0.0][..<n]) }
        if let limit = plan.limit, limit < out.count { out.removeSubrange(limit...) }
        return out
    }

    public func fetch(_ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> [Record] {
        try read { () throws(StoreError) in
            var p = try plan(query, parameters)
            let t = p.table
            let columns = t.columns.indices.map { (sql: "t0.\(t.columns[$0])", codec: Optional(t.codecs[$0])) }
            return try select(&p, columns).map { Record(shape: t.shape, values: $0) }
        }
    }

    public func aggregate(_ aggregate: StoreAggregate, _ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> Value {
        try read { () throws(StoreError) in
            var p = try plan(query, parameters)
            switch aggregate {
            case .count:
                var sql = "SELECT COUNT(*) \(p.from)"
                if let limit = p.limit {
                    sql = "SELECT COUNT(*) FROM (SELECT 1 \(p.from) LIMIT \(p.builder.bind(Int64(limit)))) AS counted"
                }
                return .number(Number(try count(sql, p.builder.arguments)))
            case .exists:
                var inner = "SELECT 1 \(p.from)"
                if let limit = p.limit { inner += " LIMIT \(p.builder.bind(Int64(limit)))" }
                guard let cell = try firstColumn("SELECT EXISTS (\(inner))", p.builder.arguments).first,
                      let found = try? cell.decode(Bool.self) else { return .bool(false) }
                return .bool(found)
            case .sum(let path), .average(let path):
                let average: Bool
                if case .average = aggregate { average = true } else { average = false }
                let (sql, codec) = try p.builder.value(path, p.table, "t0")
                if path.steps.count == 1, case .number? = codec, p.limit == nil || p.terms != nil {
                    return try sum(&p, sql, average: average)
                }
                let values = try pathValues(&p, path)
                return average ? try Aggregates.average(values) : try Aggregates.sum(values)
            case .min(let path), .max(let path):
                var smallest = false
                if case .min = aggregate { smallest = true }
                let (sql, codec) = try p.builder.value(path, p.table, "t0")
                if path.steps.count == 1, let codec, p.limit == nil || p.terms != nil {
                    switch codec {
                    case .number, .date, .time, .text:
                        return try extreme(&p, sql, codec, smallest ? "MIN" : "MAX")
                    case .bool:
                        // PostgreSQL has no MIN of Booleans: false is the least.
                        return try extreme(&p, sql, codec, smallest ? "BOOL_AND" : "BOOL_OR")
                    default:
                        break
                    }
                }
                return Aggregates.extreme(try pathValues(&p, path), smallest: smallest)
            }
        }
    }

    /// The source of an aggregate over one column: the table itself, or the
    /// rows the limit keeps (in the query's order), as `v`.
    func source(_ p: inout Plan, _ sql: String) -> (from: String, column: String) {
        guard let limit = p.limit, let terms = p.terms else { return (p.from, sql) }
        let inner = "SELECT \(sql) AS v \(p.from) ORDER BY \(terms.joined(separator: ", ")) LIMIT \(p.builder.bind(Int64(limit)))"
        return ("FROM (\(inner)) AS limited", "v")
    }

    /// Sum (or average) of a Number column, exactly: the server adds the
    /// millionths as NUMERIC, which cannot overflow, and gives them as text.
    func sum(_ p: inout Plan, _ sql: String, average: Bool) throws(StoreError) -> Value {
        let (from, v) = source(&p, sql)
        let found = try client.query("SELECT COALESCE(SUM(\(v)), 0)::text, COUNT(\(v)) \(from)", p.builder.arguments).rows
        let cells = found.first.map { Array($0) } ?? []
        guard cells.count == 2, let text = try? cells[0].decode(String.self), let micro = Int128(text),
              let count = try? cells[1].decode(Int64.self) else {
            throw StoreError("the store \(location.description) gave a sum Civic cannot read")
        }
        let total = PostgresCodec.number(micro: micro)
        guard average else { return .number(total) }
        if count == 0 { return .none }
        do {
            return .number(try total.dividing(by: Number(Int(count))))
        } catch {
            throw StoreError("the average is too large")
        }
    }

    func extreme(_ p: inout Plan, _ sql: String, _ codec: PostgresCodec, _ function: String) throws(StoreError) -> Value {
        let (from, v) = source(&p, sql)
        return try rows("SELECT \(function)(\(v)) \(from)", p.builder.arguments, [codec], of: p.table.entity.name).first?.first ?? .none
    }

    /// The values at a path of the rows a query selects, in its order, none left out.
    func pathValues(_ p: inout Plan, _ path: FieldPath) throws(StoreError) -> [Value] {
        let column = try p.builder.value(path, p.table, "t0")
        return try select(&p, [column]).compactMap { $0.first }.filter { !$0.isNone }
    }
}
