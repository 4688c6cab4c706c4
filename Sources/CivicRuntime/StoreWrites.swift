import CivicSyntax

/// Whether a program may write to the store, read from its tree before it runs.
///
/// A run that can only read needs no write lock: the engine then begins it
/// with `Store.beginReading`, and other runs may write meanwhile. The answer
/// errs on the side of writing: a statement is counted as reading only if
/// it is of a kind known never to write (`let`, `if`, `for`, `print`, `fn`,
/// `entity`, `account` and the like), with no `add` in its expressions; anything else
/// (`update`, `award`, `emit`, `rule`, `account`, `load`, ...) may write.
/// Function bodies are walked with the rest, so a call to a function that
/// writes is seen where the function is declared.
public enum StoreWrites {
    /// Whether any of the statements (or those inside them) may write.
    public static func mayWrite(_ statements: [Stmt]) -> Bool {
        statements.contains { mayWrite($0) }
    }

    static func mayWrite(_ statement: Stmt) -> Bool {
        var writes = false
        statement.forEachStatement { s in
            if writes { return }
            if !onlyReads(s.kind) || s.expressions.contains(where: addsRows) { writes = true }
        }
        return writes
    }

    /// Statement kinds that never write themselves (the statements in their
    /// blocks are looked at one by one).
    static func onlyReads(_ kind: StmtKind) -> Bool {
        switch kind {
        case .let, .var, .assign, .expr, .if, .for, .while, .break, .continue, .function, .return, .print, .show,
             .entity, .event, .use, .test, .expect, .expectError:
            return true
        case .account:
            // Like `entity`, a declaration the store usually holds already: a
            // run writes it only when the store's differs, which the engine
            // sees before the run reads anything (`Bookkeeper.accountsDiffer`).
            return true
        case .clock, .advance:
            // A test's clock moving on lets credits expire.
            return false
        case .load, .update, .remove, .award, .charge, .transfer, .rule, .cap, .budget, .emit,
             .programme, .enrol, .withdraw, .catalogue, .redeem, .split, .assignment, .escalate, .explain:
            return false
        }
    }

    /// Whether an expression adds a row (`add Resident { ... }`) anywhere in it.
    static func addsRows(_ e: Expr) -> Bool {
        e.contains { inner in
            if case .add = inner.kind { return true }
            return false
        }
    }
}
