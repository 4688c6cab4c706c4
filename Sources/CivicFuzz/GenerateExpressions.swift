extension ProgramGenerator {
    /// How deep expressions nest before only leaves are written.
    static let maxExpressionDepth = 4

    /// An expression of any kind.
    mutating func anyExpression(depth: Int) -> String {
        expression(of: input.pick(Kind.allCases) ?? .number, depth: depth)
    }

    /// An expression of a `kind`.
    mutating func expression(of kind: Kind, depth: Int) -> String {
        switch kind {
        case .number: number(depth: depth)
        case .text: text(depth: depth)
        case .bool: bool(depth: depth)
        case .date: date(depth: depth)
        case .time: time(depth: depth)
        case .duration: duration(depth: depth)
        case .numbers: numbers(depth: depth)
        case .texts: texts(depth: depth)
        case .record: record(depth: depth)
        case .records: records(depth: depth)
        case .resident: resident() ?? record(depth: depth)
        }
    }

    /// A variable of `kind` in scope, now and then, when there is one.
    mutating func variable(_ kind: Kind) -> String? {
        let names = variables(of: kind)
        guard !names.isEmpty, input.choose(3) == 0 else { return nil }
        return input.pick(names)?.name
    }

    mutating func numberLiteral() -> String {
        switch input.choose(8) {
        case 0: "\(input.int(in: 0...10))"
        case 1: "\(input.int(in: 0...999)).\(input.int(in: 0...99))"
        case 2: "0.\(String(repeating: "0", count: input.choose(8)))1"
        case 3: input.pick(["9999999999999999999999999999999999", "-0.5", "1_000_000", "0.000001", "123456789012.345678"]) ?? "1"
        case 4: "\(input.int(in: 0...200))%"
        default: "\(input.int(in: 0...100))"
        }
    }

    mutating func number(depth: Int) -> String {
        if let v = variable(.number) { return v }
        if depth >= Self.maxExpressionDepth { return numberLiteral() }
        let d = depth + 1
        switch input.choose(22) {
        case 0: return "(\(number(depth: d)) \(input.pick(["+", "-", "*", "/", "mod"]) ?? "+") \(number(depth: d)))"
        case 1: return "-\(number(depth: d))"
        case 2: return "(\(number(depth: d)))"
        case 3: return "len(\(input.oneIn(2) ? text(depth: d) : numbers(depth: d)))"
        case 4: return "(count \(aggregated(depth: d))\(input.oneIn(2) ? " where a > \(number(depth: d))" : ""))"
        case 5: return input.oneIn(2) ? "(sum a of \(aggregated(depth: d)))" : "sum(\(numbers(depth: d)))"
        case 6: return "\(input.pick(["round", "floor", "ceil", "abs"]) ?? "abs")(\(number(depth: d)))"
        case 7: return "round(\(number(depth: d)), \(input.int(in: 0...40) - 20))"
        case 8: return "\(input.pick(["min", "max"]) ?? "min")(\(number(depth: d)), \(number(depth: d)))"
        case 9: return "\(input.pick(["year", "month", "day", "weekday"]) ?? "year")(\(date(depth: d)))"
        case 10: return "\(input.pick(["days", "hours", "minutes"]) ?? "days")(\(duration(depth: d)))"
        case 11: return "number(\(input.oneIn(2) ? "\"\(numberLiteral())\"" : text(depth: d)))"
        case 12:
            guard let f = input.pick(functions) else { return numberLiteral() }
            return "\(f.name)(\((0..<f.arity).map { _ in number(depth: d) }.joined(separator: ", ")))"
        case 13: return "\(record(depth: d)).a"
        case 14: return "\(numbers(depth: d))[\(number(depth: d))]"
        case 15:
            guard declared.entity else { return numberLiteral() }
            if let holder = resident(), let account = input.pick(declared.accounts), input.oneIn(2) {
                return "\(holder).\(account)"
            }
            return input.oneIn(2) ? "(count Resident where age > \(number(depth: d)))" : "(sum age of Resident)"
        case 16:
            if let event = ruleEvent { return "\(event).hours" }
            return "(\(input.pick(["average", "max", "min"]) ?? "max") a of \(aggregated(depth: d)))"
        case 17: return "index_of(\(numbers(depth: d)), \(number(depth: d)))"
        default: return numberLiteral()
        }
    }

    mutating func textLiteral() -> String {
        switch input.choose(8) {
        case 0: return "\"\""
        case 1: return "\"张三\""
        case 2: return "\"tab\\tquote\\\" brace\\{ \\u{4E2D}\""
        case 3: return "\"{{literal}}\""
        case 4: return "\"a,b,,c\""
        case 5: return "\"\(numberLiteral())\""
        default: return "\"\(input.pick(["B3", "fire", "gas", "x", " padded ", "Rice", "street"]) ?? "x")\""
        }
    }

    mutating func text(depth: Int) -> String {
        if let v = variable(.text) { return v }
        if depth >= Self.maxExpressionDepth { return textLiteral() }
        let d = depth + 1
        switch input.choose(16) {
        case 0: return "(\(text(depth: d)) + \(text(depth: d)))"
        case 1: return "\"<{\(anyExpression(depth: d))}>\""
        case 2: return "\(input.pick(["upper", "lower", "trim", "reverse"]) ?? "upper")(\(text(depth: d)))"
        case 3: return "replace(\(text(depth: d)), \(text(depth: d)), \(text(depth: d)))"
        case 4: return "repeat(\(text(depth: d)), \(number(depth: d)))"
        case 5: return "\(input.pick(["pad_left", "pad_right"]) ?? "pad_left")(\(text(depth: d)), \(number(depth: d))\(input.oneIn(2) ? ", \(text(depth: d))" : ""))"
        case 6: return "text(\(anyExpression(depth: d)))"
        case 7: return "fixed(\(number(depth: d)), \(number(depth: d)))"
        case 8: return "join(\(texts(depth: d)), \(text(depth: d)))"
        case 9: return "slice(\(text(depth: d)), \(number(depth: d))\(input.oneIn(2) ? ", \(number(depth: d))" : ""))"
        case 10: return "\(text(depth: d))[\(number(depth: d))]"
        case 11: return "\(record(depth: d)).b"
        case 12:
            if let event = ruleEvent { return "\(event).\(input.oneIn(2) ? "kind" : "id")" }
            guard declared.entity, let r = resident() else { return textLiteral() }
            return "\(r).name"
        default: return textLiteral()
        }
    }

    mutating func bool(depth: Int) -> String {
        if let v = variable(.bool) { return v }
        if depth >= Self.maxExpressionDepth { return input.oneIn(2) ? "true" : "false" }
        let d = depth + 1
        let comparison = input.pick(["==", "!=", "<", "<=", ">", ">="]) ?? "=="
        switch input.choose(14) {
        case 0: return "(\(number(depth: d)) \(comparison) \(number(depth: d)))"
        case 1: return "(\(text(depth: d)) \(comparison) \(text(depth: d)))"
        case 2: return "(\(date(depth: d)) \(comparison) \(date(depth: d)))"
        case 3: return "(\(duration(depth: d)) \(comparison) \(duration(depth: d)))"
        case 4: return "(\(bool(depth: d)) \(input.oneIn(2) ? "and" : "or") \(bool(depth: d)))"
        case 5: return "(not \(bool(depth: d)))"
        case 6: return "(\(number(depth: d)) in \(numbers(depth: d)))"
        case 7: return "contains(\(text(depth: d)), \(text(depth: d)))"
        case 8: return "\(input.oneIn(2) ? "starts_with" : "ends_with")(\(text(depth: d)), \(text(depth: d)))"
        case 9: return "(exists \(aggregated(depth: d)) where b == \(text(depth: d)))"
        case 10:
            let kind = input.pick(Kind.allCases) ?? .number
            return "(\(expression(of: kind, depth: d)) == \(expression(of: kind, depth: d)))"
        case 11: return "(\(numbers(depth: d)) == \(numbers(depth: d)))"
        default: return input.oneIn(2) ? "true" : "false"
        }
    }

    mutating func dateLiteral() -> String {
        input.pick(["2026-11-28", "2024-02-29", "2026-01-31", "0001-01-01", "9999-12-31", "2026-12-25"]) ?? "2026-11-28"
    }

    mutating func timeLiteral() -> String {
        input.pick(["2026-11-28T09:00", "2026-01-01T00:00", "2026-03-01T10:00:30", "9999-12-31T23:59", "0001-01-01T00:00"]) ?? "2026-11-28T09:00"
    }

    mutating func date(depth: Int) -> String {
        if let v = variable(.date) { return v }
        if depth >= Self.maxExpressionDepth { return dateLiteral() }
        let d = depth + 1
        switch input.choose(8) {
        case 0: return "(\(date(depth: d)) \(input.oneIn(2) ? "+" : "-") \(duration(depth: d)))"
        case 1: return "today()"
        case 2: return "date(\(number(depth: d)), \(number(depth: d)), \(number(depth: d)))"
        case 3: return "date(\(time(depth: d)))"
        default: return dateLiteral()
        }
    }

    mutating func time(depth: Int) -> String {
        if let v = variable(.time) { return v }
        if depth >= Self.maxExpressionDepth { return timeLiteral() }
        let d = depth + 1
        switch input.choose(6) {
        case 0: return "(\(time(depth: d)) \(input.oneIn(2) ? "+" : "-") \(duration(depth: d)))"
        case 1: return "now()"
        case 2: return "time(2026, \(number(depth: d)), \(number(depth: d)), \(number(depth: d)), \(number(depth: d)))"
        case 3: if let event = ruleEvent { return "\(event).at" } else { return timeLiteral() }
        default: return timeLiteral()
        }
    }

    mutating func duration(depth: Int) -> String {
        if let v = variable(.duration) { return v }
        let unit = input.pick(["days", "weeks", "months", "years", "hours", "minutes", "day", "month"]) ?? "days"
        if depth >= Self.maxExpressionDepth { return "\(input.int(in: 0...500)) \(unit)" }
        let d = depth + 1
        switch input.choose(7) {
        case 0: return "(\(duration(depth: d)) \(input.oneIn(2) ? "+" : "-") \(duration(depth: d)))"
        case 1: return "(\(date(depth: d)) - \(date(depth: d)))"
        case 2: return "(\(duration(depth: d)) \(input.oneIn(2) ? "*" : "/") \(numberLiteral()))"
        case 3: return "abs(\(duration(depth: d)))"
        default: return "\(input.int(in: 0...500)) \(unit)"
        }
    }

    mutating func numbers(depth: Int) -> String {
        if let v = variable(.numbers) { return v }
        if depth >= Self.maxExpressionDepth { return "[\(numberLiteral()), \(numberLiteral())]" }
        let d = depth + 1
        switch input.choose(10) {
        case 0: return "(\(number(depth: d))..\(number(depth: d)))"
        case 1: return "range(\(number(depth: d)), \(number(depth: d)))"
        case 2: return "\(input.pick(["sort", "reverse", "unique"]) ?? "sort")(\(numbers(depth: d)))"
        case 3: return "append(\(numbers(depth: d)), \(number(depth: d)))"
        case 4: return "(\(numbers(depth: d)) + \(numbers(depth: d)))"
        case 5: return "slice(\(numbers(depth: d)), \(number(depth: d)))"
        case 6: return "[]"
        default: return "[\((0..<input.choose(5)).map { _ in number(depth: d) }.joined(separator: ", "))]"
        }
    }

    mutating func texts(depth: Int) -> String {
        if let v = variable(.texts) { return v }
        if depth >= Self.maxExpressionDepth { return "[\(textLiteral())]" }
        let d = depth + 1
        switch input.choose(5) {
        case 0: return "split(\(text(depth: d)), \(text(depth: d)))"
        case 1: return "sort(\(texts(depth: d))\(input.oneIn(2) ? ", true" : ""))"
        case 2: return "keys(\(record(depth: d)))"
        default: return "[\((0..<input.choose(4)).map { _ in text(depth: d) }.joined(separator: ", "))]"
        }
    }

    /// A record `{ a: Number, b: Text, c: Date }`, the shape every record here has.
    mutating func record(depth: Int) -> String {
        if let v = variable(.record) { return v }
        if depth >= Self.maxExpressionDepth || input.choose(4) != 0 {
            let d = min(depth + 1, Self.maxExpressionDepth)
            return "({ a: \(number(depth: d)), b: \(text(depth: d)), c: \(date(depth: d)) })"
        }
        switch input.choose(3) {
        case 0: return "first(\(records(depth: depth + 1)))"
        default: return "\(records(depth: depth + 1))[\(number(depth: depth + 1))]"
        }
    }

    /// A list of records, often through a query.
    mutating func records(depth: Int) -> String {
        if let v = variable(.records) { return v }
        if depth >= Self.maxExpressionDepth { return "[]" }
        let d = depth + 1
        switch input.choose(4) {
        case 0:
            var query = "\(records(depth: d)) where a \(input.pick([">", "<", "=="]) ?? ">") \(number(depth: d))"
            if input.oneIn(2) { query += " order by \(input.pick(["a", "b", "c"]) ?? "a")\(input.oneIn(2) ? " desc" : "")" }
            if input.oneIn(2) { query += " limit \(number(depth: d))" }
            return "(\(query))"
        case 1: return "(\(records(depth: d)) + \(records(depth: d)))"
        default: return "[\((0..<input.choose(4)).map { _ in record(depth: d) }.joined(separator: ", "))]"
        }
    }

    /// What an aggregate (`count`, `sum`, `exists`, ...) reads: a list of
    /// records not in brackets of its own, since `count (xs) where ...`
    /// would be the built-in `count(xs)` followed by `where`.
    mutating func aggregated(depth: Int) -> String {
        if let v = variable(.records) { return v }
        if depth >= Self.maxExpressionDepth { return "[]" }
        return "[\((0..<input.choose(4)).map { _ in record(depth: depth + 1) }.joined(separator: ", "))]"
    }
}
