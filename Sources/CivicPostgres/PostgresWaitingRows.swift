import CivicStore

// Rows held back: an events file's new events, whose INSERTs would each be a
// trip to the server, wait in the client and go many to a statement just
// before the first statement that could see them. Nothing can tell them
// from rows sent at once: every statement that names their table, and every
// statement that marks, keeps or ends the transaction, sends them first; a
// ROLLBACK drops them. Which rows are new is known beforehand
// (`PostgresStore.willInsert`), so no answer of the server is guessed.

/// The rows of one table waiting to be inserted, in order.
struct WaitingRows {
    let table: SQLTable
    var arguments: [PostgresParameter] = []
    var count = 0

    /// Whether `sql` must find the rows stored: it names their table, or it
    /// is not a plain read or write (SAVEPOINT, RELEASE, COMMIT, changes of
    /// the schema: the rows belong before it).
    func mustGoBefore(_ sql: String) -> Bool {
        let plain = sql.hasPrefix("SELECT ") || sql.hasPrefix("INSERT ") || sql.hasPrefix("UPDATE ") || sql.hasPrefix("DELETE ")
        return !plain || sql.contains(table.table)
    }
}

extension PostgresClient {
    /// Adds a new row (its arguments in column order, its key known not to be
    /// stored) to those waiting; sends them when they fill a statement.
    func insertLater(_ arguments: [PostgresParameter], into t: SQLTable) throws(StoreError) {
        if let w = waiting, w.table !== t { try sendWaiting() }
        var w = waiting ?? WaitingRows(table: t)
        waiting = nil
        w.arguments += arguments
        w.count += 1
        waiting = w
        if w.count >= PostgresStore.rowsPerStatement(columns: t.columns.count) { try sendWaiting() }
    }

    /// Sends the waiting rows in one INSERT. Each was known to be new, so
    /// each must be added; if one was not, the store changed under the run.
    func sendWaiting() throws(StoreError) {
        guard let w = waiting else { return }
        waiting = nil
        let added = try send(w.table.postgresInsertSQL(rows: w.count, replacing: false), w.arguments).changed
        if added != w.count {
            throw StoreError("the store \(location.description) changed under this run: \(w.count - added) of the \(w.table.entity.name) rows it was adding were stored by another program meanwhile",
                             hint: "nothing of the run was kept; run it again")
        }
    }
}
