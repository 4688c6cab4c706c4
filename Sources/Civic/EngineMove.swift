import CivicStore
import CivicRuntime

// Moving a whole store (issue 10): `civic copy`, `civic export` and
// `civic import --community`. What is moved, and how it is checked, is in
// CivicStore (`StoreCopy`, `StoreExport`, `StoreExportReader`); here the
// copy must also keep its books, as `civic verify` checks them.
extension Engine {
    /// Copies everything `source` holds into `target`, which must hold
    /// nothing unless `replace`: the schema, every row in its order (the
    /// books and the events included) and the generated-key sequences. The
    /// copy is one transaction of `target`, kept only if it holds exactly what
    /// `source` holds and its books pass `verify`; `source` is only read.
    public static func copy(from source: Store, to target: Store, replace: Bool = false) throws(StoreError) -> StoreMoveSummary {
        try StoreCopy.copy(from: source, to: target, replace: replace, check: checkBooks)
    }

    /// Writes everything `source` holds as an export file (`StoreExport`),
    /// giving the text to `output` a piece at a time.
    public static func export(_ source: Store, to output: (String) throws(StoreError) -> Void) throws(StoreError) -> StoreMoveSummary {
        try StoreExport.write(source, to: output)
    }

    /// Imports the export file `bytes` (named `name` in messages) into
    /// `target`, as `copy` copies a store: all of it or, on any error —
    /// a damaged file names its line — nothing.
    public static func importStore(_ bytes: [UInt8], name: String, into target: Store, replace: Bool = false) throws(StoreError) -> StoreMoveSummary {
        var reader = StoreExportReader(bytes, name: name)
        return try reader.read(into: target, replace: replace, check: checkBooks)
    }

    /// The number of ledger entries a move carried.
    public static func ledgerEntries(_ summary: StoreMoveSummary) -> Int { summary.rows(of: Books.ledger) }

    /// Refuses a copy whose books do not hold.
    static func checkBooks(_ store: Store) throws(StoreError) {
        let problems = verify(store)
        guard problems.isEmpty else {
            throw StoreError("the books of the copy do not hold, so it was not kept: " + problems.joined(separator: "; "),
                             hint: "run civic verify on the store being copied: its books need mending first")
        }
    }
}
