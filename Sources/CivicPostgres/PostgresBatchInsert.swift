import CivicStore

// Many rows at once (`insert(_:rows:)`, `put(_:rows:)`): the ledger and the
// balances a run writes at its end, a copied community. Each row is checked
// and encoded as a single row would be, and up to `rowsPerStatement` of them
// go in one INSERT, so that a thousand ledger entries cost one trip to the
// server instead of a thousand.
extension PostgresStore {
    /// The most rows one INSERT carries: a statement binds at most 65,535
    /// parameters, and very long statements gain nothing more.
    static func rowsPerStatement(columns: Int) -> Int {
        max(1, min(1_000, 32_000 / max(1, columns)))
    }

    /// Inserts the rows in their order, inside the caller's transaction.
    /// A row whose key is stored already is an error (`replacing` false, for
    /// `insert`) or replaces the stored row (`replacing` true, for `put`).
    func insertBatched(_ t: SQLTable, _ rows: [[Value]], next: inout Int?, replacing: Bool) throws(StoreError) {
        let most = PostgresStore.rowsPerStatement(columns: t.columns.count)
        let selfReferences = t.referenceIndexes.filter { i in
            if case .reference(let target) = t.entity.fields[i].type { return target == t.entity.name }
            return false
        }
        var batch: [PreparedRow] = []
        batch.reserveCapacity(min(most, rows.count))
        // The keys of the rows waiting in `batch`, as the server compares them.
        var waiting = Set<PostgresParameter>()
        func flush() throws(StoreError) {
            try send(batch, t, replacing: replacing)
            batch.removeAll(keepingCapacity: true)
            waiting.removeAll(keepingCapacity: true)
        }
        for row in rows {
            // A row that refers to one still waiting: that one is sent first,
            // so that the reference is checked against the stored row.
            if !selfReferences.isEmpty, refersTo(waiting, row, selfReferences, t) { try flush() }
            let prepared = try prepareRow(t, row, next: &next)
            // A key given twice: one statement cannot add a row and then meet it again.
            if waiting.contains(prepared.keyArgument) { try flush() }
            waiting.insert(prepared.keyArgument)
            batch.append(prepared)
            if batch.count == most { try flush() }
        }
        try flush()
    }

    /// Whether one of the row's references at `indexes` names a key in `keys`.
    private func refersTo(_ keys: Set<PostgresParameter>, _ row: [Value], _ indexes: [Int], _ t: SQLTable) -> Bool {
        guard !keys.isEmpty, let k = t.keyIndex else { return false }
        for i in indexes where i < row.count {
            if case .reference(_, let key) = row[i], let stored = t.codecs[k].lookupParameter(key), keys.contains(stored) { return true }
        }
        return false
    }

    /// One INSERT of the rows. When the rows must be new and one of them has
    /// a key that is stored already, the statement is taken back and the
    /// rows are sent again one at a time, to name the first such key.
    private func send(_ batch: [PreparedRow], _ t: SQLTable, replacing: Bool) throws(StoreError) {
        guard t.keyIndex != nil, let first = batch.first else { return }
        if batch.count == 1 {
            let added = try client.query(replacing ? t.upsertSQL : t.insertIfAbsentSQL, first.arguments).changed > 0
            if !added && !replacing { throw duplicate(t, first.key) }
            return
        }
        let sql = t.postgresInsertSQL(rows: batch.count, replacing: replacing)
        var arguments: [PostgresParameter] = []
        arguments.reserveCapacity(batch.count * t.columns.count)
        for row in batch { arguments += row.arguments }
        if replacing {
            _ = try client.query(sql, arguments)
            return
        }
        try client.execute("SAVEPOINT civic_batch")
        if try client.query(sql, arguments).changed == batch.count {
            try client.execute("RELEASE SAVEPOINT civic_batch")
            return
        }
        try client.execute("ROLLBACK TO SAVEPOINT civic_batch")
        try client.execute("RELEASE SAVEPOINT civic_batch")
        for row in batch where try client.query(t.insertIfAbsentSQL, row.arguments).changed == 0 {
            throw duplicate(t, row.key)
        }
    }
}

/// A row checked and encoded for inserting: its key, and the statement's
/// arguments in column order.
struct PreparedRow {
    let key: Value
    let arguments: [PostgresParameter]
    let keyIndex: Int

    /// The key as the server compares it.
    var keyArgument: PostgresParameter { arguments[keyIndex] }
}

extension SQLTable {
    /// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ...` for `rows` rows,
    /// doing nothing with a row whose key is stored, or (`replacing`)
    /// updating the stored row.
    func postgresInsertSQL(rows: Int, replacing: Bool) -> String {
        let count = columns.count
        var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        sql.reserveCapacity(sql.utf8.count + rows * count * 7 + 200)
        for r in 0..<rows {
            sql += r == 0 ? "(" : ", ("
            for c in 0..<count {
                if c > 0 { sql += ", " }
                sql += PostgresDialect.placeholder(r * count + c + 1)
            }
            sql += ")"
        }
        sql += " " + (replacing ? conflictUpdateClause : conflictIgnoreClause)
        return sql
    }
}
