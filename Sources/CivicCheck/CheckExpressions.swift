import CivicSyntax

/// Checking expressions: resolving names and working out types.
extension Checker {
    /// Checks an expression, records its type and returns it.
    @discardableResult
    func checkExpr(_ expr: Expr) -> CivicType {
        let type = typeOf(expr)
        types[expr.id] = type
        return type
    }

    func typeOf(_ expr: Expr) -> CivicType {
        switch expr.kind {
        case .number(let digits):
            if Number(literal: digits) == nil {
                error("the number \(digits) is too large (more than 34 digits)", at: expr.span)
            }
            return .number
        case .percent:
            return .number
        case .text(let segments):
            for case .expr(let e) in segments { checkExpr(e) }
            return .text
        case .bool:
            return .bool
        case .none:
            return .none
        case .date(let y, let m, let d):
            if CivicDate(year: y, month: m, day: d) == nil {
                error("this is not a date this language can hold (years run from 1 to 9999)", at: expr.span)
            }
            return .date
        case .time(let y, let mo, let d, let h, let mi, let s):
            if CivicTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s) == nil {
                error("this is not a time this language can hold (years run from 1 to 9999)", at: expr.span)
            }
            return .time
        case .duration(let amount, let unit):
            if let n = Number(literal: amount), let u = CivicDuration.unit(named: unit.name) {
                do { _ = try CivicDuration(amount: n, unit: u) } catch {
                    self.error("\(amount) \(unit.name) is not a duration this language can hold", at: expr.span,
                               hint: "months and years must be whole, and a duration must come to whole seconds")
                }
            }
            return .duration
        case .name(let name):
            return checkName(name, expr)
        case .list(let items):
            var element: CivicType?
            for item in items {
                let t = checkExpr(item)
                element = element.map { CivicType.join($0, t) } ?? t
            }
            return .list(element ?? .any)
        case .record(let fields):
            return .record(RecordType(fields: fields.map { RecordType.Field(name: $0.name.name, type: checkExpr($0.value)) }))
        case .construct(let type, let fields):
            return checkConstruct(type, fields)
        case .unary(let op, let operand):
            let t = checkExpr(operand)
            switch op {
            case .not:
                requireBool(operand, t, "the value after 'not'")
                return .bool
            case .negate:
                if !(t.mayBe(.number) || t.mayBe(.duration)) {
                    error("only a Number or a Duration can be negated, found \(t.withArticle)", at: operand.span)
                }
                return t == .duration ? .duration : (t == .any ? .any : .number)
            }
        case .binary(let op, let left, let right):
            return checkBinary(op, left, right, expr)
        case .range(let low, let high):
            require(low, checkExpr(low), is: .number, "the start of a range")
            require(high, checkExpr(high), is: .number, "the end of a range")
            return .list(.number)
        case .call(let callee, let arguments):
            return checkCall(callee, arguments, expr)
        case .member(let base, let field):
            return checkMember(base, field)
        case .index(let base, let index):
            let baseType = checkExpr(base)
            let indexType = checkExpr(index)
            switch baseType {
            case .text:
                require(index, indexType, is: .number, "a text position")
                return .text
            case .list(let e):
                require(index, indexType, is: .number, "a list index")
                return e
            case .any:
                return .any
            default:
                error("only a list or a text can be indexed with [ ], found \(baseType.withArticle)", at: base.span)
                return .any
            }
        case .query(let source, let clauses):
            return checkQuery(source, clauses)
        case .aggregate(let kind, let field, let source):
            return checkAggregate(kind, field, source, expr)
        case .add(let type, let fields):
            let t = checkConstruct(type, fields)
            if case .event = t {
                error("'\(type.name)' is an event: events are emitted, not added", at: type.span,
                      hint: "write 'emit \(type.name) { ... }'")
            }
            return t
        case .overdue(let type):
            guard schema.events[type.name] != nil else {
                error("unknown event '\(type.name)'", at: type.span,
                      hint: Suggestions.hint(for: type.name, in: schema.events.keys))
                return .any
            }
            let fields = (schema.events[type.name]?.fields ?? []).map { RecordType.Field(name: $0.name, type: $0.type) }
            return .list(.record(RecordType(fields: fields + [.init(name: "level", type: .text), .init(name: "waiting", type: .duration)])))
        case .workload(let entity):
            return checkWorkload(entity)
        }
    }

    /// A name in an expression: a row field, a variable, a declared type, or a mistake.
    func checkName(_ name: String, _ expr: Expr) -> CivicType {
        for level in rows.indices.reversed() {
            if let t = fieldType(of: rows[level], name) {
                resolutions[expr.id] = .rowField(name: name, level: level)
                return t
            }
        }
        if let binding = lookupVariable(name) {
            resolutions[expr.id] = .variable(binding.ref)
            return binding.type
        }
        if let e = schema.entities[name] {
            resolutions[expr.id] = .entity(name)
            return .list(e.type)
        }
        if let e = schema.events[name] {
            resolutions[expr.id] = .event(name)
            return .list(e.type)
        }
        if let level = rows.lastIndex(where: { $0 == .any }) {
            resolutions[expr.id] = .rowField(name: name, level: level)
            return .any
        }
        if functionIndex[name] != nil || Builtins.all[name] != nil {
            error("'\(name)' is a function; call it with '\(name)(...)'", at: expr.span)
            return .any
        }
        error("unknown name '\(name)'", at: expr.span,
              hint: Suggestions.hint(for: name, in: visibleNames()))
        return .any
    }

    /// The names of the fields of a row type, including accounts and implicit fields.
    func fieldNames(of type: CivicType) -> [String] {
        switch type {
        case .record(let r): return r.fields.map(\.name)
        case .entity(let n):
            return (schema.entities[n]?.fields.map(\.name) ?? []) + schema.accounts(of: n).map(\.name)
        case .event(let n): return schema.events[n]?.fields.map(\.name) ?? []
        default: return []
        }
    }

    /// The type of a field of a row type, or nil if it has no such field.
    func fieldType(of type: CivicType, _ name: String) -> CivicType? {
        switch type {
        case .record(let r): return r.field(name)?.type
        case .entity(let n):
            if let f = schema.entities[n]?.field(name) { return f.type }
            if schema.accounts(of: n).contains(where: { $0.name == name }) { return .number }
            return nil
        case .event(let n): return schema.events[n]?.field(name)?.type
        default: return nil
        }
    }

    func checkMember(_ base: Expr, _ field: Identifier) -> CivicType {
        let baseType = checkExpr(base)
        switch baseType {
        case .any:
            return .any
        case .record, .entity, .event:
            if let t = fieldType(of: baseType, field.name) { return t }
            let what: String
            if case .record = baseType { what = "this record" } else { what = baseType.description }
            error("\(what) has no field '\(field.name)'", at: field.span,
                  hint: Suggestions.hint(for: field.name, in: fieldNames(of: baseType)))
            return .any
        case .list:
            error("a list has no field '\(field.name)'", at: field.span,
                  hint: field.name == "count" || field.name == "length" ? "write 'len(list)' or 'count list'" : "to read a field of each item, use a 'for' loop or 'sum \(field.name) of LIST'")
            return .any
        default:
            error("\(baseType.withArticle) has no fields", at: field.span)
            return .any
        }
    }

    func checkConstruct(_ type: Identifier, _ fields: [FieldValue]) -> CivicType {
        guard let schemaEntry = schema.type(named: type.name) else {
            for f in fields { checkExpr(f.value) }
            error("unknown entity or event '\(type.name)'", at: type.span,
                  hint: Suggestions.hint(for: type.name, in: schema.typeNames) ?? "declare it with 'entity \(type.name) { ... }'")
            return .any
        }
        for f in fields {
            let t = checkExpr(f.value)
            guard let declared = schemaEntry.field(f.name.name) else {
                error("\(type.name) has no field '\(f.name.name)'", at: f.name.span,
                      hint: Suggestions.hint(for: f.name.name, in: schemaEntry.fields.map(\.name)))
                continue
            }
            if !t.mayBe(declared.type), t != .none {
                error("the field '\(f.name.name)' of \(type.name) holds \(declared.type.withArticle), found \(t.withArticle)", at: f.value.span)
            }
        }
        let misspelt = Set(fields.compactMap { f in
            schemaEntry.field(f.name.name) == nil ? Suggestions.nearest(to: f.name.name, in: schemaEntry.fields.map(\.name)) : nil
        })
        for declared in schemaEntry.fields where declared.defaultValue == nil && !declared.isGenerated {
            if schemaEntry.kind == .event, declared.name == "id" || declared.name == "at" { continue }
            if misspelt.contains(declared.name) { continue }  // already reported as "did you mean"
            if !fields.contains(where: { $0.name.name == declared.name }) {
                error("\(type.name) needs the field '\(declared.name)'", at: type.span,
                      hint: "add '\(declared.name): ...', or give the field a default in the declaration")
            }
        }
        return schemaEntry.type
    }

    func checkCall(_ callee: Identifier, _ arguments: [Expr], _ expr: Expr) -> CivicType {
        let argumentTypes = arguments.map { checkExpr($0) }
        if let index = functionIndex[callee.name] {
            resolutions[expr.id] = .function(index)
            let expected = functions[index].parameters.count
            if expected != arguments.count {
                error("'\(callee.name)' takes \(plural(expected, "argument")), but \(plural(arguments.count, "was", "were", counted: true)) given",
                      at: expr.span, hint: "it is defined at line \(line(of: functions[index].span)) as '\(callee.name)(\(functions[index].parameters.map(\.name).joined(separator: ", ")))'")
            }
            return .any
        }
        if let signature = Builtins.all[callee.name] {
            resolutions[expr.id] = .builtin(callee.name)
            if !signature.arity.contains(arguments.count) {
                let wanted = signature.arity.lowerBound == signature.arity.upperBound
                    ? plural(signature.arity.lowerBound, "argument")
                    : signature.arity.upperBound >= 1_000 ? "at least \(plural(signature.arity.lowerBound, "argument"))"
                    : "\(signature.arity.lowerBound) to \(signature.arity.upperBound) arguments"
                error("'\(callee.name)' takes \(wanted), but \(plural(arguments.count, "was", "were", counted: true)) given",
                      at: expr.span, hint: "write it as '\(callee.name)(\(signature.parameters.joined(separator: ", ")))'")
                return .any
            }
            switch signature.typing(argumentTypes) {
            case .type(let t):
                return t
            case .error(let argument, let message, let hint):
                let span = argument < arguments.count ? arguments[argument].span : expr.span
                error(message, at: span, hint: hint)
                return .any
            }
        }
        if lookupVariable(callee.name) != nil {
            error("'\(callee.name)' is a value, not a function", at: callee.span)
            return .any
        }
        // `expect (a + b) == 3`: a statement word followed by '(' is a call (section 4).
        let statementWords = ["expect": "expect a + b == 3", "explain": "let z = first Resident, then explain z.points"]
        if let example = statementWords[callee.name] {
            error("unknown function '\(callee.name)'", at: callee.span,
                  hint: "'\(callee.name)' followed by '(' reads as a call of a function; start the statement without the parenthesis: \(example)")
            return .any
        }
        error("unknown function '\(callee.name)'", at: callee.span,
              hint: Suggestions.hint(for: callee.name, in: Array(functionIndex.keys) + Builtins.names))
        return .any
    }

    /// "1 argument", "2 arguments"; or "1 was", "2 were" with `counted`.
    func plural(_ n: Int, _ singular: String, _ pluralForm: String? = nil, counted: Bool = false) -> String {
        let word = n == 1 ? singular : (pluralForm ?? singular + "s")
        return "\(n) \(word)"
    }

    func checkBinary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ expr: Expr) -> CivicType {
        let l = checkExpr(left)
        let r = checkExpr(right)
        func mismatch(_ verb: String, hint: String? = nil) -> CivicType {
            error("cannot \(verb) \(l.withArticle) and \(r.withArticle)", at: expr.span, hint: hint)
            return .any
        }
        let textHint = (l == .text) != (r == .text) && (l == .number || r == .number)
            ? "to put a number into text, write \"...{value}...\"; to read a number from text, use number(text)" : nil
        switch op {
        case .and, .or:
            requireBool(left, l, "the left side of '\(op.rawValue)'")
            requireBool(right, r, "the right side of '\(op.rawValue)'")
            return .bool
        case .equal, .notEqual:
            if l != .any, r != .any, l != .none, r != .none, !l.mayBe(r), !(isNumberLike(l) && isNumberLike(r)) {
                error("\(l.withArticle) is compared with \(r.withArticle); they are never equal", at: expr.span,
                      hint: textHint)
            }
            return .bool
        case .less, .lessEqual, .greater, .greaterEqual:
            let orderable: Set<CivicType> = [.number, .text, .date, .time, .duration, .any]
            if !orderable.contains(l) || !orderable.contains(r) {
                let bad = orderable.contains(l) ? r : l
                error("\(bad.withArticle) cannot be ordered with '\(op.rawValue)'", at: expr.span)
            } else if !l.mayBe(r) {
                error("\(l.withArticle) cannot be compared with \(r.withArticle)", at: expr.span, hint: textHint)
            }
            return .bool
        case .in:
            switch r {
            case .list(let e):
                if !l.mayBe(e), l != .none, e != .none {
                    error("\(l.withArticle) is never in a \(r)", at: expr.span)
                }
            case .text:
                require(left, l, is: .text, "the part looked for in a text")
            case .any: break
            default:
                error("'in' looks in a list or a text, found \(r.withArticle)", at: right.span)
            }
            return .bool
        case .add:
            switch (l, r) {
            case (.number, .number): return .number
            case (.text, .text): return .text
            case (.list(let a), .list(let b)): return .list(CivicType.join(a, b))
            case (.date, .duration), (.duration, .date): return .date
            case (.time, .duration), (.duration, .time): return .time
            case (.duration, .duration): return .duration
            case (.any, _), (_, .any): return l == .any ? (r == .number || r == .text ? r : .any) : (l == .number || l == .text ? l : .any)
            default: return mismatch("add", hint: textHint)
            }
        case .subtract:
            switch (l, r) {
            case (.number, .number): return .number
            case (.date, .duration): return .date
            case (.time, .duration): return .time
            case (.date, .date), (.time, .time), (.duration, .duration): return .duration
            case (.any, .number), (.number, .any): return .number
            case (.any, _), (_, .any): return .any
            default: return mismatch("subtract", hint: textHint)
            }
        case .multiply:
            switch (l, r) {
            case (.number, .number): return .number
            case (.duration, .number), (.number, .duration): return .duration
            case (.any, .number), (.number, .any): return .any
            case (.any, _), (_, .any): return .any
            default: return mismatch("multiply", hint: textHint)
            }
        case .divide:
            switch (l, r) {
            case (.number, .number): return .number
            case (.duration, .number): return .duration
            case (.any, .number): return .any
            case (.number, .any): return .number
            case (.any, .any): return .any
            default: return mismatch("divide", hint: textHint)
            }
        case .mod:
            if !l.mayBe(.number) || !r.mayBe(.number) { return mismatch("take 'mod' of", hint: textHint) }
            return .number
        }
    }

    func isNumberLike(_ t: CivicType) -> Bool { t == .number }

    /// Checks `SOURCE where ... order by ... limit ...`: the clauses see the row's fields.
    func checkQuery(_ source: Expr, _ clauses: QueryClauses) -> CivicType {
        let sourceType = checkExpr(source)
        guard let row = sourceType.element else {
            error("'where', 'order by' and 'limit' work on a list or an entity, found \(sourceType.withArticle)", at: source.span)
            return .any
        }
        rows.append(row)
        if let filter = clauses.filter {
            requireBool(filter, checkExpr(filter), "the condition after 'where'")
        }
        for key in clauses.order {
            let t = checkExpr(key.expr)
            if [.bool, .none].contains(t) || { if case .list = t { return true }; if case .record = t { return true }; return false }() {
                error("rows cannot be ordered by \(t.withArticle)", at: key.expr.span)
            }
        }
        rows.removeLast()
        if let limit = clauses.limit {
            require(limit, checkExpr(limit), is: .number, "the number after 'limit'")
        }
        return .list(row)
    }

    func checkAggregate(_ kind: AggregateKind, _ field: Expr?, _ source: Expr, _ expr: Expr) -> CivicType {
        let sourceType = checkExpr(source)
        guard let row = sourceType.element else {
            error("'\(kind.rawValue)' works on a list or an entity, found \(sourceType.withArticle)", at: source.span,
                  hint: kind.takesField ? "write '\(kind.rawValue) FIELD of ROWS'" : nil)
            return .any
        }
        var fieldType: CivicType = .any
        if let field {
            rows.append(row)
            fieldType = checkExpr(field)
            rows.removeLast()
        }
        switch kind {
        case .count: return .number
        case .exists: return .bool
        case .first: return row
        case .sum:
            if !(fieldType.mayBe(.number) || fieldType.mayBe(.duration)), let field {
                error("'sum' adds Numbers or Durations, found \(fieldType.withArticle)", at: field.span)
            }
            return fieldType == .duration ? .duration : .number
        case .average:
            if !fieldType.mayBe(.number), let field {
                error("'average' works on Numbers, found \(fieldType.withArticle)", at: field.span)
            }
            return .number
        case .min, .max:
            return fieldType
        }
    }
}
