import CivicStore
import CivicSyntax

/// What the operators do to values, for every pair of types the language allows.
/// The compiler calls these when the types were not known before the run; when
/// they were, it uses the same arithmetic directly.
enum Operators {
    static func number(_ span: Span, _ body: () throws(NumberError) -> Number) throws(RuntimeError) -> Value {
        do throws(NumberError) { return .number(try body()) } catch {
            throw numberError(error, span)
        }
    }

    static func numberError(_ e: NumberError, _ span: Span) -> RuntimeError {
        switch e {
        case .divisionByZero:
            return RuntimeError("division by zero", at: span, hint: "check that the divisor is not 0 before dividing")
        case .overflow:
            return RuntimeError("the result is too large (more than 34 digits)", at: span)
        }
    }

    static func calendar<T>(_ span: Span, _ body: () throws(CalendarError) -> T) throws(RuntimeError) -> T {
        do throws(CalendarError) { return try body() } catch {
            throw RuntimeError(error.message, at: span)
        }
    }

    static func mismatch(_ verb: String, _ a: Value, _ b: Value, _ span: Span) -> RuntimeError {
        let textHint = (a.typeName == "Text") != (b.typeName == "Text") && (a.typeName == "Number" || b.typeName == "Number")
            ? "to put a number into text, write \"...{value}...\"; to read a number from text, use number(text)" : nil
        return RuntimeError("cannot \(verb) \(a.typeNameWithArticle) and \(b.typeNameWithArticle)", at: span, hint: textHint)
    }

    static func add(_ a: Value, _ b: Value, _ span: Span) throws(RuntimeError) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return try number(span) { () throws(NumberError) in try x.adding(y) }
        case (.text(let x), .text(let y)): return .text(x + y)
        case (.list, _), (.range, _):
            guard let x = a.items, let y = b.items else { throw mismatch("add", a, b, span) }
            return .list(x + y)
        case (.date(let d), .duration(let u)), (.duration(let u), .date(let d)):
            return .date(try calendar(span) { () throws(CalendarError) in try d.adding(u) })
        case (.time(let t), .duration(let u)), (.duration(let u), .time(let t)):
            return .time(try calendar(span) { () throws(CalendarError) in try t.adding(u) })
        case (.duration(let x), .duration(let y)):
            return .duration(try calendar(span) { () throws(CalendarError) in try x.adding(y) })
        default:
            throw mismatch("add", a, b, span)
        }
    }

    static func subtract(_ a: Value, _ b: Value, _ span: Span) throws(RuntimeError) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return try number(span) { () throws(NumberError) in try x.subtracting(y) }
        case (.date(let d), .duration(let u)): return .date(try calendar(span) { () throws(CalendarError) in try d.subtracting(u) })
        case (.time(let t), .duration(let u)): return .time(try calendar(span) { () throws(CalendarError) in try t.subtracting(u) })
        case (.date(let x), .date(let y)): return .duration(x.subtracting(y))
        case (.time(let x), .time(let y)): return .duration(x.subtracting(y))
        case (.duration(let x), .duration(let y)): return .duration(try calendar(span) { () throws(CalendarError) in try x.subtracting(y) })
        default: throw mismatch("subtract", a, b, span)
        }
    }

    static func multiply(_ a: Value, _ b: Value, _ span: Span) throws(RuntimeError) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return try number(span) { () throws(NumberError) in try x.multiplying(y) }
        case (.duration(let d), .number(let n)), (.number(let n), .duration(let d)):
            return .duration(try calendar(span) { () throws(CalendarError) in try d.multiplying(n) })
        default: throw mismatch("multiply", a, b, span)
        }
    }

    static func divide(_ a: Value, _ b: Value, _ span: Span) throws(RuntimeError) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return try number(span) { () throws(NumberError) in try x.dividing(by: y) }
        case (.duration(let d), .number(let n)): return .duration(try calendar(span) { () throws(CalendarError) in try d.dividing(by: n) })
        default: throw mismatch("divide", a, b, span)
        }
    }

    static func mod(_ a: Value, _ b: Value, _ span: Span) throws(RuntimeError) -> Value {
        guard case .number(let x) = a, case .number(let y) = b else { throw mismatch("take 'mod' of", a, b, span) }
        return try number(span) { () throws(NumberError) in try x.remainder(dividingBy: y) }
    }

    static func negate(_ a: Value, _ span: Span) throws(RuntimeError) -> Value {
        switch a {
        case .number(let x): return .number(x.negated)
        case .duration(let d): return .duration(try calendar(span) { () throws(CalendarError) in try d.negated() })
        default: throw RuntimeError("only a Number or a Duration can be negated, found \(a.typeNameWithArticle)", at: span)
        }
    }

    /// `<`, `<=`, `>`, `>=`: -1, 0 or 1, or an error for values that have no order.
    static func compare(_ a: Value, _ b: Value, _ op: BinaryOperator, _ span: Span) throws(RuntimeError) -> Int {
        if case .number(let x) = a, case .number(let y) = b { return x < y ? -1 : (x == y ? 0 : 1) }
        if let o = Value.order(a, b) { return o }
        if case .duration = a, case .duration = b {
            throw RuntimeError("a Duration in months cannot be compared with one in days or hours", at: span,
                               hint: "a month has no fixed number of days; compare dates instead")
        }
        throw RuntimeError("\(a.typeNameWithArticle) cannot be compared with \(b.typeNameWithArticle) using '\(op.rawValue)'", at: span)
    }

    /// `x in xs`: an item of a list, a number in a range, a part of a text.
    static func contains(_ item: Value, _ container: Value, _ span: Span) throws(RuntimeError) -> Bool {
        switch container {
        case .list(let items): return items.contains(item)
        case .range(let lo, let hi):
            guard case .number(let n) = item, let i = n.intValue else { return false }
            return i >= lo && i <= hi
        case .text(let s):
            guard case .text(let part) = item else {
                throw RuntimeError("'in' looks for a Text in a text, found \(item.typeNameWithArticle)", at: span)
            }
            return part.isEmpty || s.contains(part)
        default:
            throw RuntimeError("'in' looks in a list or a text, found \(container.typeNameWithArticle)", at: span)
        }
    }
}
