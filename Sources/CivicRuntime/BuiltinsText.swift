import CivicStore
import CivicSyntax

// The Text functions. Lengths and positions count characters as a person
// sees them (Swift Characters): len("张三") == 2, and "é" is one character
// however it is encoded.

extension BuiltinLibrary {
    static let textImplementations: [String: BuiltinImplementation] = [
        "len": len,
        "upper": upper,
        "lower": lower,
        "trim": trim,
        "contains": contains,
        "starts_with": startsWith,
        "ends_with": endsWith,
        "replace": replace,
        "split": split,
        "join": join,
        "slice": slice,
        "index_of": indexOf,
        "repeat": repeatText,
        "pad_left": padLeft,
        "pad_right": padRight,
        "text": text,
        "number": number,
        "fixed": fixed,
    ]

    static func len(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("len", values)
        switch a[0] {
        case .text(let s): return .number(Number(s.count))
        case .list(let items): return .number(Number(items.count))
        case .range(let lo, let hi): return .number(rangeLength(lo, hi))
        case .record(let r): return .number(Number(r.shape.names.count))
        default: throw a.wrong(0, nil, "a Text, a List or a Record")
        }
    }

    /// The exact number of items of `lo..hi`, even when it passes Int.max.
    static func rangeLength(_ lo: Int, _ hi: Int) -> Number {
        lo > hi ? .zero : Number(coefficient: Int128(hi) - Int128(lo) + 1, scale: 0)
    }

    static func upper(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("upper", values)
        return .text(try a.text(0).uppercased())
    }

    static func lower(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("lower", values)
        return .text(try a.text(0).lowercased())
    }

    static func trim(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("trim", values)
        return .text(trimmed(try a.text(0)))
    }

    /// The text without white space (spaces, tabs, line ends, the full-width
    /// space U+3000, ...) at either end.
    static func trimmed(_ s: String) -> String {
        var sub = Substring(s)
        while let c = sub.first, c.isWhitespace { sub.removeFirst() }
        while let c = sub.last, c.isWhitespace { sub.removeLast() }
        return String(sub)
    }

    static func contains(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("contains", values)
        switch a[0] {
        case .text(let s):
            let x = try a.text(1, "what to look for in a Text")
            return .bool(firstOffset(of: x, in: s) != nil)
        case .list, .range:
            return .bool(firstIndex(of: a[1], in: try a.list(0)) != nil)
        default:
            throw a.wrong(0, "the place to look in", "a Text or a List")
        }
    }

    static func startsWith(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("starts_with", values)
        let s = try a.text(0)
        return .bool(s.starts(with: try a.text(1, "the start to look for")))
    }

    static func endsWith(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("ends_with", values)
        let s = try a.text(0)
        let suffix = try a.text(1, "the end to look for")
        return .bool(s.reversed().starts(with: suffix.reversed()))
    }

    static func replace(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("replace", values)
        let s = try a.text(0)
        let old = try a.text(1, "the text to replace")
        let new = try a.text(2, "the text to put in its place")
        guard !old.isEmpty else {
            throw BuiltinError("replace needs a text to replace that is not empty", argument: 1)
        }
        let found = occurrences(of: old, in: s)
        if found.isEmpty { return .text(s) }
        // Check the length before building: every occurrence grows or shrinks it.
        let (grow, o1) = found.count.multipliedReportingOverflow(by: new.count - old.count)
        let (length, o2) = s.count.addingReportingOverflow(grow)
        guard !o1, !o2, length <= maxLength else { throw a.tooLong("a Text") }
        try environment.fits(length)
        var out = ""
        var start = s.startIndex
        for r in found {
            out += s[start..<r.lowerBound]
            out += new
            start = r.upperBound
        }
        out += s[start...]
        return .text(out)
    }

    static func split(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("split", values)
        let s = try a.text(0)
        let separator = try a.text(1, "the separator")
        if s.isEmpty { return .list([]) }
        if separator.isEmpty {
            try environment.fits(items: s.count)
            return .list(s.map { .text(String($0)) })
        }
        var pieces: [Value] = []
        var start = s.startIndex
        for r in occurrences(of: separator, in: s) {
            pieces.append(.text(String(s[start..<r.lowerBound])))
            start = r.upperBound
        }
        pieces.append(.text(String(s[start...])))
        return .list(pieces)
    }

    static func join(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("join", values)
        let list = try a.list(0)
        let separator = a.has(1) ? try a.text(1, "the separator") : ""
        // Every item of a range takes at least one character.
        if list.isRange && list.count > maxLength { throw a.tooLong("a Text") }
        let separatorLength = separator.count
        var out = ""
        var length = 0
        for i in 0..<list.count {
            let item = list[i].formatted(environment.options)
            length += item.count + (i > 0 ? separatorLength : 0)
            guard length <= maxLength else { throw a.tooLong("a Text") }
            try environment.fits(length)
            if i > 0 { out += separator }
            out += item
        }
        return .text(out)
    }

    static func slice(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("slice", values)
        let subject = a[0]
        switch subject {
        case .text, .list, .range: break
        default: throw a.wrong(0, nil, "a Text or a List")
        }
        let from = try a.wholeNumber(1, "the start")
        let to: Int? = a.has(2) ? try a.wholeNumber(2, "the end") : nil
        switch subject {
        case .text(let s):
            let (lo, hi) = sliceBounds(count: s.count, from: from, to: to)
            let start = s.index(s.startIndex, offsetBy: lo)
            let end = s.index(start, offsetBy: hi - lo)
            return .text(String(s[start..<end]))
        case .list(let items):
            let (lo, hi) = sliceBounds(count: items.count, from: from, to: to)
            return .list(Array(items[lo..<hi]))
        default:
            let list = try a.list(0)
            let (lo, hi) = sliceBounds(count: list.count, from: from, to: to)
            if lo >= hi { return .list([]) }
            // lo < hi <= count, so both ends lie inside the range.
            return .range(list.lo + lo, list.lo + (hi - 1))
        }
    }

    /// Python's slice bounds: a negative position counts from the end, and
    /// positions outside the text or list are moved to its nearest end.
    static func sliceBounds(count: Int, from: Int, to: Int?) -> (Int, Int) {
        func place(_ i: Int) -> Int {
            if i < 0 {
                let p = count + i          // count >= 0, so this cannot overflow
                return p < 0 ? 0 : p
            }
            return i > count ? count : i
        }
        let lo = place(from)
        let hi = to.map(place) ?? count
        return (lo, hi < lo ? lo : hi)
    }

    static func indexOf(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("index_of", values)
        switch a[0] {
        case .text(let s):
            let x = try a.text(1, "what to look for in a Text")
            return firstOffset(of: x, in: s).map { .number(Number($0)) } ?? .none
        case .list, .range:
            return firstIndex(of: a[1], in: try a.list(0)).map { .number(Number($0)) } ?? .none
        default:
            throw a.wrong(0, "the place to look in", "a Text or a List")
        }
    }

    /// Where `x` first starts in `s`, in characters (0 for an empty `x`).
    static func firstOffset(of x: String, in s: String) -> Int? {
        if x.isEmpty { return 0 }
        guard let r = s.firstRange(of: x) else { return nil }
        return s.distance(from: s.startIndex, to: r.lowerBound)
    }

    /// The ranges of the non-overlapping occurrences of a non-empty `x` in `s`.
    static func occurrences(of x: String, in s: String) -> [Range<String.Index>] {
        var found: [Range<String.Index>] = []
        var rest = s[...]
        while let r = rest.firstRange(of: x), !r.isEmpty {
            found.append(r)
            rest = s[r.upperBound...]
        }
        return found
    }

    /// The position of the first item equal to `x` (as `==` says).
    static func firstIndex(of x: Value, in list: ListView) -> Int? {
        if list.isRange {
            guard case .number(let n) = x, let v = n.intValue, v >= list.lo, v <= list.hi else { return nil }
            let (d, o) = v.subtractingReportingOverflow(list.lo)
            return o ? nil : d
        }
        for i in 0..<list.count where same(list[i], x) { return i }
        return nil
    }

    static func repeatText(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("repeat", values)
        let s = try a.text(0)
        let times = try a.wholeNumber(1, "the number of times")
        guard times >= 0 else {
            throw BuiltinError("repeat needs 0 or more for the number of times, found \(times)", argument: 1)
        }
        if s.isEmpty || times == 0 { return .text("") }
        let (length, overflow) = s.count.multipliedReportingOverflow(by: times)
        guard !overflow, length <= maxLength else { throw a.tooLong("a Text", argument: 1) }
        try environment.fits(s.utf8.count * times, argument: 1)
        return .text(String(repeating: s, count: times))
    }

    static func padLeft(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        try pad("pad_left", values, left: true, environment)
    }

    static func padRight(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        try pad("pad_right", values, left: false, environment)
    }

    static func pad(_ name: String, _ values: [Value], left: Bool, _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments(name, values)
        let s = try a.text(0)
        let width = try a.wholeNumber(1, "the width")
        var fill: Character = " "
        if a.has(2) {
            let f = try a.text(2, "the fill")
            guard f.count == 1, let c = f.first else {
                throw BuiltinError("\(name) needs a single character for the fill, found \(Arguments.shortQuoted(f))",
                                   argument: 2, hint: "such as \(name)(\"7\", 3, \"0\")")
            }
            fill = c
        }
        guard width <= maxLength else { throw a.tooLong("a Text", argument: 1) }
        try environment.fits(width, argument: 1)
        let length = s.count
        if width <= length { return .text(s) }
        let padding = String(repeating: fill, count: width - length)
        return .text(left ? padding + s : s + padding)
    }

    static func text(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("text", values)
        return .text(a[0].formatted(environment.options))
    }

    static func number(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("number", values)
        if case .number = a[0] {
            throw a.wrong(0, nil, "a Text", hint: "it is a Number already: leave out number(...)")
        }
        let s = try a.text(0)
        switch parseNumber(s) {
        case .success(let n):
            return .number(n)
        case .failure(let tooLarge):
            if tooLarge.isTooLarge {
                throw BuiltinError("the number in \(Arguments.shortQuoted(s)) is too large: more than 34 digits before the decimal point",
                                   argument: 0)
            }
            throw BuiltinError("number cannot read \(Arguments.shortQuoted(s)) as a Number", argument: 0,
                               hint: "write digits, with - in front of a negative number and a . before the decimals, such as \"12.50\" or \"-3\"")
        }
    }

    struct NumberParseFailure: Error {
        var isTooLarge: Bool
    }

    /// Reads "12.50", "-3", "1_000" (an underscore between two digits), with
    /// white space around it allowed.
    static func parseNumber(_ text: String) -> Result<Number, NumberParseFailure> {
        let scalars = Array(trimmed(text).unicodeScalars)
        var cleaned = String.UnicodeScalarView()
        func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
        for (i, c) in scalars.enumerated() {
            if c == "_" {
                guard i > 0, i + 1 < scalars.count, isDigit(scalars[i - 1]), isDigit(scalars[i + 1]) else {
                    return .failure(NumberParseFailure(isTooLarge: false))
                }
                continue
            }
            cleaned.append(c)
        }
        let literal = String(cleaned)
        if let n = Number(literal: literal) { return .success(n) }
        // Number(literal:) refuses only bad syntax and too many integer digits.
        let body = literal.hasPrefix("-") ? literal.dropFirst() : literal[...]
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let wellFormed = (1...2).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(isDigit) }
        return .failure(NumberParseFailure(isTooLarge: wellFormed))
    }

    static func fixed(_ values: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        let a = try Arguments("fixed", values)
        let n = try a.number(0)
        // A Number never has more decimals than Number.maxScale.
        let places = try a.wholeNumber(1, "the number of decimals", in: 0...Number.maxScale)
        return .text(n.formatted(places: places))
    }
}
