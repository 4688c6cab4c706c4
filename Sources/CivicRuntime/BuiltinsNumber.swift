import CivicStore
import CivicSyntax

// The Number functions. Every result is exact; rounding is half away from
// zero (the school rule) unless the name says otherwise (floor, ceil).

extension BuiltinLibrary {
    static let numberImplementations: [String: BuiltinImplementation] = [
        "round": round,
        "floor": floor,
        "ceil": ceil,
        "abs": abs,
        "min": min,
        "max": max,
        "sum": sum,
        "average": average,
    ]

    static func round(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("round", values)
        let n = try a.number(0)
        let places = a.has(1) ? try a.wholeNumber(1, "the number of decimals") : 0
        do {
            return .number(try n.rounded(places: places, rule: .halfAwayFromZero))
        } catch {
            throw a.numberError(error)
        }
    }

    static func floor(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("floor", values)
        let n = try a.number(0)
        do {
            return .number(try n.rounded(places: 0, rule: .floor))
        } catch {
            throw a.numberError(error)
        }
    }

    static func ceil(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("ceil", values)
        let n = try a.number(0)
        do {
            return .number(try n.rounded(places: 0, rule: .ceiling))
        } catch {
            throw a.numberError(error)
        }
    }

    static func abs(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("abs", values)
        switch a[0] {
        case .number(let n):
            return .number(n.magnitude)
        case .duration(let d):
            if d.months >= 0 && d.seconds >= 0 { return .duration(d) }
            if d.months <= 0 && d.seconds <= 0 {
                do { return .duration(try d.negated()) } catch { throw a.calendarError(error, argument: 0) }
            }
            throw BuiltinError("abs cannot tell whether \(d) is below zero: a month has no fixed length", argument: 0)
        default:
            throw a.wrong(0, nil, "a Number or a Duration")
        }
    }

    static func min(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        try extreme("min", values, want: -1, environment)
    }

    static func max(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        try extreme("max", values, want: 1, environment)
    }

    /// `min` (want -1) and `max` (want 1): the first of the smallest or largest
    /// of several arguments, or of the items of one List.
    static func extreme(_ name: String, _ values: [Value], want: Int, _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments(name, values)
        if a.count == 1 {
            let list = try a.list(0, hint: "give it a List, such as \(name)([3, 5]), or several values, such as \(name)(3, 5)")
            // Like `min F of ROWS`, an empty list has no smallest item: none.
            guard !list.isEmpty else { return .none }
            if list.isRange { return want < 0 ? .number(Number(list.lo)) : .number(Number(list.hi)) }
            let items = try list.items(a, environment)
            try requireOrderable(items, a)
            guard var best = items.first else { return .none }
            for item in items.dropFirst() {
                guard let o = Value.order(item, best) else {
                    throw incomparable(name, best, item, argument: 0)
                }
                if o == want { best = item }
            }
            return best
        }
        var best = a[0]
        var bestIndex = 0
        for i in stride(from: 1, to: a.count, by: 1) {
            let item = a[i]
            guard let o = Value.order(item, best) else {
                // Point at the argument that is not like the others.
                let culprit = Value.order(best, best) == nil ? bestIndex : i
                throw incomparable(name, best, item, argument: culprit)
            }
            if o == want {
                best = item
                bestIndex = i
            }
        }
        return best
    }

    /// "sort cannot compare the Number 3 with the Text "a"".
    static func incomparable(_ name: String, _ x: Value, _ y: Value, argument: Int) -> BuiltinError {
        var hint: String? = nil
        if case .duration = x, case .duration = y {
            hint = "a month has no fixed length, so months cannot be compared with days, hours or minutes"
        } else if x.typeName == y.typeName {
            hint = "\(x.typeName) values cannot be put in order"
        } else {
            hint = "only values of the same kind can be compared: Numbers, Texts, Dates, Times, Durations or Bools"
        }
        return BuiltinError("\(name) cannot compare \(Arguments.describe(x)) with \(Arguments.describe(y))",
                            argument: argument, hint: hint)
    }

    static func sum(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("sum", values)
        let list = try a.list(0)
        if list.isRange {
            return .number(try rangeSum(list, a))
        }
        guard let first = list.first else { return .number(.zero) }
        switch first {
        case .number:
            var total = Number.zero
            for i in 0..<list.count {
                guard case .number(let n) = list[i] else {
                    throw notSummable(a, list[i], "Numbers")
                }
                do { total = try total.adding(n) } catch { throw a.numberError(error, argument: 0) }
            }
            return .number(total)
        case .duration:
            var total = CivicDuration.zero
            for i in 0..<list.count {
                guard case .duration(let d) = list[i] else {
                    throw notSummable(a, list[i], "Durations")
                }
                do { total = try total.adding(d) } catch { throw a.calendarError(error, argument: 0) }
            }
            return .duration(total)
        default:
            throw notSummable(a, first, "Numbers or Durations")
        }
    }

    static func notSummable(_ a: Arguments, _ item: Value, _ kind: String) -> BuiltinError {
        BuiltinError("\(a.name) needs a List of \(kind), but it holds \(Arguments.describe(item))", argument: 0)
    }

    /// lo + ... + hi, computed without building the items.
    static func rangeSum(_ list: ListView, _ a: Arguments) throws(BuiltinError) -> Number {
        if list.isEmpty { return .zero }
        // count × (lo + hi) / 2. The product is hi² - lo² + lo + hi, below 2^127: it fits Int128.
        let count = Int128(list.hi) - Int128(list.lo) + 1
        let twice = count * (Int128(list.lo) + Int128(list.hi))
        let total = twice / 2
        guard total.magnitude < Number.greatestFiniteMagnitude.coefficient.magnitude + 1 else {
            throw a.numberError(.overflow, argument: 0)
        }
        return Number(coefficient: total, scale: 0)
    }

    static func average(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("average", values)
        let list = try a.list(0)
        // Like `average F of ROWS`, the average of nothing is none.
        guard !list.isEmpty else { return .none }
        let total: Number
        let count: Number
        if list.isRange {
            total = try rangeSum(list, a)
            count = rangeLength(list.lo, list.hi)
        } else {
            var t = Number.zero
            for i in 0..<list.count {
                guard case .number(let n) = list[i] else { throw notSummable(a, list[i], "Numbers") }
                do { t = try t.adding(n) } catch { throw a.numberError(error, argument: 0) }
            }
            total = t
            count = Number(list.count)
        }
        do { return .number(try total.dividing(by: count)) } catch { throw a.numberError(error, argument: 0) }
    }
}
