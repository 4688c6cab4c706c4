/// How a store sorts rows by `order by` keys when it sorts them itself.
public enum StoreOrder {
    /// The positions of the rows whose order key values are `keys` (one
    /// list per row, a value per key), in the order `order by` gives them:
    /// none last in both directions, values that cannot be ordered (1 month
    /// and 30 days) as equal, ties in the order the rows were given.
    public static func positions(_ keys: [[Value]], descending: [Bool]) -> [Int] {
        var keyed = Array(keys.enumerated())
        keyed.sort { a, b in
            for (k, down) in descending.enumerated() {
                let x = a.element[k], y = b.element[k]
                if case .none = x { if case .none = y { continue }; return false }
                if case .none = y { return true }
                let o = Value.order(x, y) ?? 0
                if o != 0 { return down ? o > 0 : o < 0 }
            }
            return a.offset < b.offset
        }
        return keyed.map(\.offset)
    }
}
