import CivicSyntax
import GRDB

// How `SQLiteStore` answers a `StoreQuery`: QueryLowering makes its plan,
// and SQLStatement writes it as one parameterized SELECT in SQLiteDialect;
// sums, minimums and maximums are computed the ways SQLite does best.

extension SQLiteStore {
    /// A query's statement, its plan made over this store's tables.
    typealias QueryStatement = SQLStatement<SQLiteDialect>

    func statement(_ query: StoreQuery, _ parameters: [Value], aggregated: FieldPath? = nil) throws(StoreError) -> QueryStatement {
        let plan = try QueryLowering.plan(query, on: try table(query.entity), parameters, tables: tables, aggregated: aggregated)
        return QueryStatement(plan)
    }

    /// The values of `columns` for the rows a query selects, in its order.
    func select(_ db: Database, _ p: inout QueryStatement, _ columns: [(sql: String, codec: ColumnCodec?)]) throws -> [[Value]] {
        let (sql, codecs) = p.select(columns)
        return p.ordered(try rows(db, sql, p.arguments, codecs, of: p.plan.table.entity.name), columns: columns.count)
    }

    public func fetch(_ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> [Record] {
        try run { db in
            var p = try self.statement(query, parameters)
            let shape = p.plan.table.shape
            let columns = p.rowColumns
            return try self.select(db, &p, columns).map { Record(shape: shape, values: $0) }
        }
    }

    public func aggregate(_ aggregate: StoreAggregate, _ query: StoreQuery, _ parameters: [Value]) throws(StoreError) -> Value {
        try run { db in
            switch aggregate {
            case .count:
                var p = try self.statement(query, parameters)
                let sql = p.countSQL()
                guard case .int64(let n)? = try self.values(db, sql, p.arguments).first?.storage else { return .number(.zero) }
                return .number(Number(Int(n)))
            case .exists:
                var p = try self.statement(query, parameters)
                let sql = p.existsSQL()
                guard case .int64(let n)? = try self.values(db, sql, p.arguments).first?.storage else { return .bool(false) }
                return .bool(n != 0)
            case .sum(let path), .average(let path):
                let average: Bool
                if case .average = aggregate { average = true } else { average = false }
                var p = try self.statement(query, parameters, aggregated: path)
                if case .column(let c)? = p.plan.aggregated, case .number = c.codec, p.plan.limit == nil || p.terms != nil {
                    // The plainest sum SQLite can make exactly first; on an
                    // integer overflow (SQLite stops the sum), one that
                    // overflows later (see `sum`), in a statement of its own.
                    for way in [SumWay.whole, .split, .splitInBlocks] {
                        do {
                            return try self.sum(db, &p, c.sql, average: average, way)
                        } catch let error where way != .splitInBlocks && SQLiteStore.isIntegerOverflow(error) {
                            p = QueryStatement(p.plan)
                        }
                    }
                }
                let values = try self.aggregatedValues(db, &p)
                return average ? try Aggregates.average(values) : try Aggregates.sum(values)
            case .min(let path), .max(let path):
                var smallest = false
                if case .min = aggregate { smallest = true }
                var p = try self.statement(query, parameters, aggregated: path)
                if case .column(let c)? = p.plan.aggregated {
                    switch c.codec {
                    case .number, .bool, .date, .time:
                        guard p.plan.limit == nil || p.terms != nil else { break }
                        return try self.extreme(db, &p, c.sql, c.codec, smallest: smallest)
                    case .text:
                        guard let terms = p.terms else { break }
                        return try self.extremeText(db, &p, c.sql, terms, smallest: smallest)
                    default:
                        break
                    }
                }
                return Aggregates.extreme(try self.aggregatedValues(db, &p), smallest: smallest)
            }
        }
    }

    /// How `sum` asks SQLite to add millionths.
    enum SumWay {
        /// `SUM(v)`: exact while the total stays within an Int64 of
        /// millionths (9.2e12 units); one addition per row.
        case whole
        /// Whole units and remainders summed apart: exact while the units
        /// stay within an Int64 (9.2e18).
        case split
        /// As `split`, a million rows at a time (each row is below 9e12
        /// units, so a block's sum is below 9e18).
        case splitInBlocks
    }

    /// Sum (or average) of a Number column, exactly: SQLite adds the
    /// millionths, and the store adds what it gives (Int128) and divides.
    func sum(_ db: Database, _ p: inout QueryStatement, _ sql: String, average: Bool, _ way: SumWay) throws -> Value {
        let (from, v, r) = p.source(sql)
        var query: String
        switch way {
        case .whole: query = "SELECT SUM(\(v)), 0, COUNT(\(v)) \(from)"
        case .split, .splitInBlocks: query = "SELECT SUM(\(v) / 1000000), SUM(\(v) % 1000000), COUNT(\(v)) \(from)"
        }
        if way == .splitInBlocks { query += " GROUP BY \(r) / 1000000" }
        let unit: Int128 = way == .whole ? 1 : 1_000_000
        var micro: Int128 = 0, count: Int64 = 0
        try SQLiteDirect.rows(db, query, p.arguments, columns: 3) { row in
            guard row.count == 3 else { return }
            if case .int64(let x) = row[0].storage { micro += Int128(x) * unit }
            if case .int64(let x) = row[1].storage { micro += Int128(x) }
            if case .int64(let x) = row[2].storage { count += x }
        }
        return try Aggregates.sum(micro: micro, count: count, average: average)
    }

    func extreme(_ db: Database, _ p: inout QueryStatement, _ sql: String, _ codec: ColumnCodec, smallest: Bool) throws -> Value {
        let (from, v, _) = p.source(sql)
        let found = try rows(db, "SELECT \(smallest ? "MIN" : "MAX")(\(v)) \(from)", p.arguments, [codec], of: p.plan.table.entity.name)
        return found.first?.first ?? .none
    }

    /// The least (or greatest) text; of texts that are equal but written
    /// differently (composed and decomposed accents), the first in the
    /// query's order, as `Aggregates.extreme` gives.
    func extremeText(_ db: Database, _ p: inout QueryStatement, _ sql: String, _ terms: [String], smallest: Bool) throws -> Value {
        let order = terms.joined(separator: ", ")
        var inner = "SELECT \(sql) AS v, ROW_NUMBER() OVER (ORDER BY \(order)) AS n \(p.from)"
        if p.plan.limit != nil { inner += " ORDER BY \(order)" + p.limitClause() }
        let outer = "SELECT v FROM (\(inner)) WHERE v IS NOT NULL ORDER BY v COLLATE civic_text\(smallest ? "" : " DESC"), n LIMIT 1"
        return try rows(db, outer, p.arguments, [.text], of: p.plan.table.entity.name).first?.first ?? .none
    }

    /// The values an aggregate is computed over, of the rows a query
    /// selects, in its order, none left out.
    func aggregatedValues(_ db: Database, _ p: inout QueryStatement) throws -> [Value] {
        let column = p.aggregatedColumn
        return try select(db, &p, [column]).compactMap { $0.first }.filter { !$0.isNone }
    }
}
