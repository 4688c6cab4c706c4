import CivicStore
import CivicSyntax

// The List functions. Every one takes a range (`1..10`, `range(1, 10)`) as
// the list of its numbers, without building it when it need not.

extension BuiltinLibrary {
    static let listImplementations: [String: BuiltinImplementation] = [
        "count": count,
        "exists": exists,
        "first": first,
        "last": last,
        "sort": sort,
        "reverse": reverse,
        "append": append,
        "unique": unique,
        "keys": keys,
        "range": range,
    ]

    static let countHint = "len(...) counts the characters of a Text"

    static func count(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("count", values)
        let hint: String? = { if case .text = a[0] { return countHint } else { return nil } }()
        let list = try a.list(0, hint: hint)
        return .number(list.isRange ? rangeLength(list.lo, list.hi) : Number(list.count))
    }

    static func exists(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("exists", values)
        return .bool(!(try a.list(0)).isEmpty)
    }

    static func first(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("first", values)
        return try a.list(0).first ?? .none
    }

    static func last(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("last", values)
        return try a.list(0).last ?? .none
    }

    static func sort(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("sort", values)
        let list = try a.list(0)
        let descending = a.has(1) ? try a.bool(1, "descending") : false
        if list.isRange {
            if !descending { return a[0] }
            return .list(try list.items(a, environment).reversed())
        }
        let items = try list.items(a, environment)
        try requireOrderable(items, a)
        return .list(try stableSort(items, descending: descending, a))
    }

    /// Every item must be of a kind that can be put in order, even when the
    /// list is too short to compare it with another: the same script then
    /// fails on one item as on many.
    static func requireOrderable(_ items: [Value], _ a: Arguments) throws(BuiltinError) {
        for item in items where Value.order(item, item) == nil {
            throw BuiltinError("\(a.name) cannot compare \(Arguments.describe(item))", argument: 0,
                               hint: "it compares Numbers, Texts, Dates, Times, Durations or Bools")
        }
    }

    /// A merge sort: equal items keep their order, in either direction, and
    /// two items that cannot be compared stop it with an error naming them.
    static func stableSort(_ items: [Value], descending: Bool, _ a: Arguments) throws(BuiltinError) -> [Value] {
        let n = items.count
        var source = items
        var target = items
        var width = 1
        while width < n {
            var start = 0
            while start < n {
                let middle = Swift.min(start + width, n)
                let end = Swift.min(start + 2 * width, n)
                var l = start, r = middle, k = start
                while l < middle && r < end {
                    guard let o = Value.order(source[r], source[l]) else {
                        throw incomparable(a.name, source[l], source[r], argument: 0)
                    }
                    // The right item goes first only when it strictly must.
                    if descending ? o > 0 : o < 0 {
                        target[k] = source[r]
                        r += 1
                    } else {
                        target[k] = source[l]
                        l += 1
                    }
                    k += 1
                }
                while l < middle { target[k] = source[l]; l += 1; k += 1 }
                while r < end { target[k] = source[r]; r += 1; k += 1 }
                start = end
            }
            swap(&source, &target)
            width *= 2
        }
        return source
    }

    static func reverse(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("reverse", values)
        switch a[0] {
        case .text(let s):
            return .text(String(s.reversed()))
        case .list, .range:
            return .list(try a.list(0).items(a, environment).reversed())
        default:
            throw a.wrong(0, nil, "a Text or a List")
        }
    }

    static func append(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("append", values)
        let list = try a.list(0)
        guard list.count < maxLength else { throw a.tooLong("a List", argument: 0) }
        try environment.fits(items: list.count + 1, argument: 0)
        var items = try list.items(a, environment)
        items.append(a[1])
        return .list(items)
    }

    static func unique(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("unique", values)
        let list = try a.list(0)
        // A range has no repeated numbers.
        if list.isRange { return a[0] }
        var seen = Set<ValueKey>()
        var out: [Value] = []
        for i in 0..<list.count {
            let item = list[i]
            if seen.insert(ValueKey(item)).inserted { out.append(item) }
        }
        return .list(out)
    }

    static func keys(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("keys", values)
        guard case .record(let r) = a[0] else { throw a.wrong(0, nil, "a Record") }
        return .list(r.shape.names.map { .text($0) })
    }

    static func range(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("range", values)
        func end(_ i: Int, _ role: String) throws(BuiltinError) -> Int {
            let n = try a.number(i, role)
            guard n.isInteger else {
                throw BuiltinError("range needs a whole Number for \(role), found \(n)", argument: i)
            }
            guard let v = n.intValue else {
                throw BuiltinError("range cannot count from or to \(n): it is too large", argument: i)
            }
            return v
        }
        let lo = try end(0, "the start")
        let hi = try end(1, "the end")
        // Keep the number of items countable (hi - lo + 1 must fit an Int).
        guard lo > hi || ListView.rangeCount(lo, hi) < Int.max else {
            throw BuiltinError("range(\(lo), \(hi)) has too many numbers to count", argument: 1)
        }
        return .range(lo, hi)
    }

    /// `==` between two values, without building a long range to compare it
    /// with a list of another length.
    static func same(_ x: Value, _ y: Value) -> Bool {
        switch (x, y) {
        case (.list(let items), .range(let lo, let hi)), (.range(let lo, let hi), .list(let items)):
            return ListView.rangeCount(lo, hi) == items.count && x == y
        default:
            return x == y
        }
    }
}

extension BuiltinLibrary {
    /// A value as a key of a Set or Dictionary, equal as `==` says.
    struct ValueKey: Hashable {
        let value: Value

        init(_ value: Value) { self.value = value }

        static func == (a: ValueKey, b: ValueKey) -> Bool { BuiltinLibrary.same(a.value, b.value) }

        func hash(into hasher: inout Hasher) { ValueKey.hash(value, into: &hasher) }

        /// Values that are `==` hash alike: a list and a range of the same numbers
        /// hash by their count and first item; Numbers, Texts and calendar values
        /// by their own hashes, which agree with their `==`.
        static func hash(_ value: Value, into hasher: inout Hasher) {
            switch value {
            case .none:
                hasher.combine(0)
            case .bool(let b):
                hasher.combine(1)
                hasher.combine(b)
            case .number(let n):
                hasher.combine(2)
                hasher.combine(n)
            case .text(let s):
                hasher.combine(3)
                hasher.combine(s)
            case .date(let d):
                hasher.combine(4)
                hasher.combine(d)
            case .time(let t):
                hasher.combine(5)
                hasher.combine(t)
            case .duration(let d):
                hasher.combine(6)
                hasher.combine(d)
            case .list(let items):
                hasher.combine(7)
                hasher.combine(items.count)
                if let first = items.first { hash(first, into: &hasher) }
            case .range(let lo, let hi):
                hasher.combine(7)
                hasher.combine(ListView.rangeCount(lo, hi))
                if lo <= hi { hash(.number(Number(lo)), into: &hasher) }
            case .record(let r):
                if let k = r.shape.keyIndex {
                    hasher.combine(9)
                    hasher.combine(r.shape.typeName)
                    hash(r.values[k], into: &hasher)
                } else {
                    hasher.combine(8)
                    hasher.combine(r.shape.names)
                }
            case .reference(let entity, let key):
                hasher.combine(9)
                hasher.combine(entity)
                hash(key, into: &hasher)
            }
        }
    }
}
