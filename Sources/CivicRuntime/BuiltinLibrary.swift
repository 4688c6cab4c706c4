import CivicStore
import CivicSyntax
import CivicCheck

/// What a built-in function may know of the run besides its arguments.
public struct BuiltinEnvironment: Sendable {
    /// The run's clock: `now()` gives it, `today()` its date.
    public var now: CivicTime
    /// How `text(...)` and `join(...)` write values.
    public var options: FormatOptions
    /// The splits the program declares, for `allocate`.
    public var splits: [String: Split]
    /// The run's memory limit in bytes (`Int.max`: none): a built-in refuses
    /// to make a Text or List larger than it.
    public var memoryLimit: Int

    public init(now: CivicTime, options: FormatOptions = FormatOptions(), splits: [String: Split] = [:], memoryLimit: Int = .max) {
        self.now = now
        self.options = options
        self.splits = splits
        self.memoryLimit = memoryLimit
    }

    /// Refuses a Text of `bytes` or a List of `bytes / Machine.bytesPerItem`
    /// items that would pass the memory limit, before it is made.
    func fits(_ bytes: Int, argument: Int? = nil) throws(BuiltinError) {
        guard bytes > memoryLimit else { return }
        let (message, hint) = LimitText.memoryMessage(memoryLimit)
        throw BuiltinError(message, argument: argument, hint: hint)
    }

    /// As `fits`, for a List of `count` items.
    func fits(items count: Int, argument: Int? = nil) throws(BuiltinError) {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: Machine.bytesPerItem)
        try fits(overflow ? .max : bytes, argument: argument)
    }
}

/// A built-in function: its argument values (already evaluated) to its result.
/// A wrong value throws a `BuiltinError` naming the argument (0-based).
public typealias BuiltinImplementation =
    @Sendable (_ arguments: [Value], _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value

/// The implementations of the built-in functions, under the names of
/// `Builtins.all` (CivicCheck), which holds their signatures and documentation.
///
/// Every implementation checks its arguments itself (the checker cannot know
/// every type before the run), never traps on any input, and refuses to build
/// a Text or List longer than `maxLength` characters or items.
public enum BuiltinLibrary {
    public static let implementations: [String: BuiltinImplementation] = {
        var table: [String: BuiltinImplementation] = [:]
        for area in [textImplementations, numberImplementations, listImplementations, dateImplementations, splitImplementations] {
            table.merge(area) { first, _ in first }
        }
        return table
    }()

    /// The longest Text (in characters) or List (in items) a built-in makes.
    public static let maxLength = 100_000_000

    /// Calls the built-in `name`, or says there is none.
    public static func call(_ name: String, _ arguments: [Value],
                            _ environment: BuiltinEnvironment) throws(BuiltinError) -> Value {
        guard let implementation = implementations[name] else {
            throw BuiltinError("there is no built-in function named '\(name)'")
        }
        return try implementation(arguments, environment)
    }
}

// MARK: - Reading arguments

extension BuiltinLibrary {
    /// The arguments of one call, with readers that check their types and throw
    /// errors in the same words as the checker's.
    struct Arguments {
        let name: String
        let values: [Value]

        /// Checks the number of arguments against the signature in `Builtins.all`.
        init(_ name: String, _ values: [Value]) throws(BuiltinError) {
            self.name = name
            self.values = values
            if let arity = Builtins.all[name]?.arity, !arity.contains(values.count) {
                let wanted: String
                if arity.lowerBound == arity.upperBound {
                    wanted = arity.lowerBound == 1 ? "1 argument" : "\(arity.lowerBound) arguments"
                } else if arity.upperBound >= 1_000 {
                    wanted = arity.lowerBound == 1 ? "at least 1 argument" : "at least \(arity.lowerBound) arguments"
                } else if arity.upperBound == arity.lowerBound + 1 {
                    wanted = "\(arity.lowerBound) or \(arity.upperBound) arguments"
                } else {
                    wanted = "\(arity.lowerBound) to \(arity.upperBound) arguments"
                }
                let signature = Builtins.all[name].map { "\(name)(\($0.parameters.joined(separator: ", ")))" } ?? name
                throw BuiltinError("\(name) takes \(wanted), found \(values.count)", hint: "write \(signature)")
            }
        }

        var count: Int { values.count }

        /// Whether argument `i` was given.
        func has(_ i: Int) -> Bool { i >= 0 && i < values.count }

        /// Argument `i`, or none when it was not given.
        subscript(_ i: Int) -> Value { has(i) ? values[i] : .none }

        /// "pad_left needs a Number for the width, found the Text "x"".
        func wrong(_ i: Int, _ role: String?, _ expected: String, hint: String? = nil) -> BuiltinError {
            let value = self[i]
            let needs = role.map { "\(name) needs \(expected) for \($0)" } ?? "\(name) needs \(expected)"
            var hint = hint
            if hint == nil {
                switch value {
                case .number, .bool, .date, .time, .duration:
                    if expected.hasPrefix("a Text") { hint = "text(...) turns \(value.typeNameWithArticle) into a Text" }
                case .text:
                    if expected == "a Number" || expected.hasPrefix("a whole Number") {
                        hint = "number(...) reads the Number written in a Text"
                    }
                case .list, .range:
                    if expected == "a Text" { hint = "join(...) makes one Text of a List" }
                case .none:
                    hint = "the value is none: check that it is set before this call"
                case .record, .reference:
                    break
                }
            }
            return BuiltinError("\(needs), found \(Arguments.describe(value))", argument: i, hint: hint)
        }

        func text(_ i: Int, _ role: String? = nil) throws(BuiltinError) -> String {
            if case .text(let s) = self[i] { return s }
            throw wrong(i, role, "a Text")
        }

        func number(_ i: Int, _ role: String? = nil) throws(BuiltinError) -> Number {
            if case .number(let n) = self[i] { return n }
            throw wrong(i, role, "a Number")
        }

        func bool(_ i: Int, _ role: String? = nil) throws(BuiltinError) -> Bool {
            if case .bool(let b) = self[i] { return b }
            throw wrong(i, role, "true or false")
        }

        func duration(_ i: Int, _ role: String? = nil) throws(BuiltinError) -> CivicDuration {
            if case .duration(let d) = self[i] { return d }
            throw wrong(i, role, "a Duration")
        }

        /// A whole number, clamped to Int's range (`slice(t, 0, 10^30)` is the whole text).
        func wholeNumber(_ i: Int, _ role: String? = nil) throws(BuiltinError) -> Int {
            let n = try number(i, role)
            guard n.isInteger else {
                throw BuiltinError("\(name) needs a whole Number\(role.map { " for \($0)" } ?? ""), found \(n)", argument: i)
            }
            return Arguments.clamped(n)
        }

        /// A whole number that must lie in `range`; `role` names it in the message.
        func wholeNumber(_ i: Int, _ role: String, in range: ClosedRange<Int>) throws(BuiltinError) -> Int {
            let n = try number(i, role)
            guard n.isInteger, let v = n.intValue, range.contains(v) else {
                throw BuiltinError("\(name) needs a whole Number from \(range.lowerBound) to \(range.upperBound) for \(role), found \(n)",
                                   argument: i)
            }
            return v
        }

        /// A List or range, read without building a range's items.
        func list(_ i: Int, _ role: String? = nil, hint: String? = nil) throws(BuiltinError) -> ListView {
            switch self[i] {
            case .list(let items): return ListView(items)
            case .range(let lo, let hi): return ListView(lo: lo, hi: hi)
            default: throw wrong(i, role, "a List", hint: hint)
            }
        }

        static func clamped(_ n: Number) -> Int {
            if let v = n.intValue { return v }
            if n < Number(Int.min) { return Int.min }
            if n > Number(Int.max) { return Int.max }
            // Not whole: round toward zero, then clamp.
            let whole = (try? n.rounded(places: 0, rule: .down)) ?? .zero
            return whole.intValue ?? (whole.isNegative ? Int.min : Int.max)
        }

        /// A value as named in a message: `the Number 5`, `the Text "abc"`, `a List`.
        static func describe(_ value: Value) -> String {
            switch value {
            case .none: return "none"
            case .bool, .number, .date, .time, .duration:
                return "the \(value.typeName) \(value.literal())"
            case .text(let s):
                return "the Text \(shortQuoted(s))"
            case .list, .range, .record, .reference:
                return value.typeNameWithArticle
            }
        }

        /// A text in quotes for a message, cut to its first 40 characters.
        static func shortQuoted(_ s: String) -> String {
            var prefix = ""
            var n = 0
            for c in s {
                if n == 40 { return Value.quoted(prefix) + "…" }
                prefix.append(c)
                n += 1
            }
            return Value.quoted(prefix)
        }

        /// The error for a Text or List that would pass `BuiltinLibrary.maxLength`.
        func tooLong(_ what: String, argument: Int? = nil) -> BuiltinError {
            BuiltinError("\(name) would make \(what) longer than \(Arguments.grouped(BuiltinLibrary.maxLength)), the most a run can hold",
                         argument: argument,
                         hint: "a Text can hold at most \(Arguments.grouped(BuiltinLibrary.maxLength)) characters and a List as many items")
        }

        /// An arithmetic error as a sentence about this call.
        func numberError(_ error: NumberError, argument: Int? = nil) -> BuiltinError {
            switch error {
            case .overflow:
                return BuiltinError("the result of \(name) is too large: more than 34 digits before the decimal point",
                                    argument: argument)
            case .divisionByZero:
                return BuiltinError("\(name) divided by zero", argument: argument)
            }
        }

        func calendarError(_ error: CalendarError, argument: Int? = nil) -> BuiltinError {
            BuiltinError("\(name): \(error.description)", argument: argument)
        }

        /// 100000000 → "100,000,000".
        static func grouped(_ n: Int) -> String {
            let digits = String(n.magnitude)
            var out = ""
            for (i, c) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
                out.append(c)
            }
            return (n < 0 ? "-" : "") + out
        }
    }

    /// The items of a List, or of a range without building them.
    struct ListView {
        private let array: [Value]?
        let lo: Int
        let hi: Int
        /// How many items; a range too long to count says Int.max.
        let count: Int

        init(_ items: [Value]) {
            array = items
            lo = 0
            hi = 0
            count = items.count
        }

        init(lo: Int, hi: Int) {
            array = nil
            self.lo = lo
            self.hi = hi
            count = ListView.rangeCount(lo, hi)
        }

        var isRange: Bool { array == nil }
        var isEmpty: Bool { count == 0 }

        /// The items of a range `lo...hi` (0 if empty, Int.max if too many to count).
        static func rangeCount(_ lo: Int, _ hi: Int) -> Int {
            if lo > hi { return 0 }
            let (d, o1) = hi.subtractingReportingOverflow(lo)
            if o1 { return Int.max }
            let (c, o2) = d.addingReportingOverflow(1)
            return o2 ? Int.max : c
        }

        /// Item `i`; the caller keeps 0 <= i < count.
        subscript(_ i: Int) -> Value {
            if let array {
                return i >= 0 && i < array.count ? array[i] : .none
            }
            let (v, o) = lo.addingReportingOverflow(i)
            return o ? .none : .number(Number(v))
        }

        var first: Value? { isEmpty ? nil : (isRange ? .number(Number(lo)) : self[0]) }
        var last: Value? { isEmpty ? nil : (isRange ? .number(Number(hi)) : self[count - 1]) }

        /// All the items, built; refuses more than `BuiltinLibrary.maxLength`,
        /// or more than the memory limit holds.
        func items(_ call: Arguments, _ environment: BuiltinEnvironment) throws(BuiltinError) -> [Value] {
            if let array { return array }
            guard count <= BuiltinLibrary.maxLength else { throw call.tooLong("a List") }
            try environment.fits(items: count)
            var out: [Value] = []
            out.reserveCapacity(count)
            var v = lo
            while v <= hi {
                out.append(.number(Number(v)))
                if v == hi { break }
                v += 1
            }
            return out
        }
    }
}
