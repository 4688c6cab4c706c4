import CivicSyntax

extension Value {
    /// How two values are ordered: -1, 0 or 1 when `a` is below, equal to or
    /// above `b`; nil when they cannot be compared.
    ///
    /// Comparable pairs are two Numbers, two Texts (by Unicode scalars, so
    /// `"B" < "a"` and Chinese text orders by code point, not by pinyin), two Dates, two
    /// Times, two Bools (`false < true`), and two Durations that the calendar
    /// can order (`1 hour < 2 hours`; `1 month` against `30 days` cannot be
    /// ordered, as a month has no fixed length). Values of different types,
    /// `none`, Lists and Records are never comparable. Used by `sort`, `min`,
    /// `max` and the interpreter's `<`, `<=`, `>` and `>=`.
    public static func order(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            return x.compare(to: y)
        case (.text(let x), .text(let y)):
            // Swift orders Strings by their Unicode scalars in normalized
            // (NFC) form, so texts that are equal (`==`, a composed and a
            // decomposed "é") are equal here too, and the order is total.
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.date(let x), .date(let y)):
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.time(let x), .time(let y)):
            return x < y ? -1 : (x == y ? 0 : 1)
        case (.duration(let x), .duration(let y)):
            return try? CivicDuration.compare(x, y)
        case (.bool(let x), .bool(let y)):
            return x == y ? 0 : (x ? 1 : -1)
        default:
            return nil
        }
    }
}
