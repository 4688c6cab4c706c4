import CivicStore
import CivicSyntax

// How `PostgresStore` answers a `StoreQuery`: QueryLowering makes its plan,
// and SQLStatement writes it as one parameterized SELECT in PostgresDialect.
extension PostgresStore {
    /// A query's statement, its plan made over this store's tables.
    typealias QueryStatement = SQLStatement<PostgresDialect>

    func statement(_ query: StoreQuery, _ parameters: [Value], aggregated: FieldPath? = nil) throws(StoreError) -> QueryStatement {
        let plan = try QueryLowering.plan(query, on: try table(query.entity), parameters, tables: tables, aggregated: aggregated)
        return QueryStatement(plan)
    }

    /// The values of `columns` for the rows a query selects, in its order.
    func select(_ p: inout QueryStatement, _ columns: [(sql: String, codec: ColumnCodec?)]) throws(StoreError) -> [[Value]] {
        let (sql, codecs) = p.select(columns)
        return p.ordered(try rows(sql, p.arguments, codecs, of: p.plan.table.entity.name), columns: columns.count)
    }

    public func fetch(_ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> [Record] {
        try read { () throws(StoreError) in
            var p = try statement(query, parameters)
            let shape = p.plan.table.shape
            let columns = p.rowColumns
            return try select(&p, columns).map { Record(shape: shape, values: $0) }
        }
    }

    public func aggregate(_ aggregate: StoreAggregate, _ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> Value {
        try read { () throws(StoreError) in
            switch aggregate {
            case .count:
                var p = try statement(query, parameters)
                let sql = p.countSQL()
                return .number(Number(try count(sql, p.arguments)))
            case .exists:
                var p = try statement(query, parameters)
                let sql = p.existsSQL()
                guard let cell = try firstColumn(sql, p.arguments).first,
                      let found = try? cell.decode(Bool.self) else { return .bool(false) }
                return .bool(found)
            case .sum(let path), .average(let path):
                let average: Bool
                if case .average = aggregate { average = true } else { average = false }
                var p = try statement(query, parameters, aggregated: path)
                if case .column(let c)? = p.plan.aggregated, case .number = c.codec, p.plan.limit == nil || p.terms != nil {
                    return try sum(&p, c.sql, average: average)
                }
                let values = try aggregatedValues(&p)
                return average ? try Aggregates.average(values) : try Aggregates.sum(values)
            case .min(let path), .max(let path):
                var smallest = false
                if case .min = aggregate { smallest = true }
                var p = try statement(query, parameters, aggregated: path)
                if case .column(let c)? = p.plan.aggregated, p.plan.limit == nil || p.terms != nil {
                    switch c.codec {
                    case .number, .date, .time, .text:
                        return try extreme(&p, c.sql, c.codec, smallest ? "MIN" : "MAX")
                    case .bool:
                        // PostgreSQL has no MIN of Booleans: false is the least.
                        return try extreme(&p, c.sql, c.codec, smallest ? "BOOL_AND" : "BOOL_OR")
                    default:
                        break
                    }
                }
                return Aggregates.extreme(try aggregatedValues(&p), smallest: smallest)
            }
        }
    }

    /// Sum (or average) of a Number column, exactly: the server adds the
    /// millionths as NUMERIC, which cannot overflow, and gives them as text.
    func sum(_ p: inout QueryStatement, _ sql: String, average: Bool) throws(StoreError) -> Value {
        let (from, v, _) = p.source(sql)
        let found = try client.query("SELECT COALESCE(SUM(\(v)), 0)::text, COUNT(\(v)) \(from)", p.arguments).rows
        let cells = found.first.map { Array($0) } ?? []
        guard cells.count == 2, let text = try? cells[0].decode(String.self), let micro = Int128(text),
              let count = try? cells[1].decode(Int64.self) else {
            throw StoreError("the store \(location.description) gave a sum Civic cannot read")
        }
        return try Aggregates.sum(micro: micro, count: count, average: average)
    }

    func extreme(_ p: inout QueryStatement, _ sql: String, _ codec: ColumnCodec, _ function: String) throws(StoreError) -> Value {
        let (from, v, _) = p.source(sql)
        return try rows("SELECT \(function)(\(v)) \(from)", p.arguments, [codec], of: p.plan.table.entity.name).first?.first ?? .none
    }

    /// The values an aggregate is computed over, of the rows a query
    /// selects, in its order, none left out.
    func aggregatedValues(_ p: inout QueryStatement) throws(StoreError) -> [Value] {
        let column = p.aggregatedColumn
        return try select(&p, [column]).compactMap { $0.first }.filter { !$0.isNone }
    }
}
