import CivicStore
import CivicSyntax
import CivicCheck

/// Compiling expressions to closures.
extension Compiler {
    func constant(_ v: Value) -> Eval { { _ in v } }

    /// An expression that must give a Bool (conditions).
    mutating func boolean(_ e: Expr, _ what: String) -> (Machine) throws(RuntimeError) -> Bool {
        // A comparison gives its answer straight, not as a Value to unwrap.
        if case .binary(let op, let left, let right) = e.kind,
           [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(op) {
            return comparison(op, operand(left), operand(right), e.span)
        }
        let v = expr(e)
        let span = e.span
        return { m throws(RuntimeError) in
            let value = try v(m)
            guard case .bool(let b) = value else {
                throw RuntimeError("\(what) must be true or false (a Bool), found \(value.typeNameWithArticle)", at: span)
            }
            return b
        }
    }

    mutating func expr(_ e: Expr) -> Eval {
        let span = e.span
        switch e.kind {
        case .number(let digits):
            guard let n = Number(literal: digits) else {
                diagnostics.append(.error("the number \(digits) is too large", at: span))
                return constant(.none)
            }
            return constant(.number(n))
        case .percent(let digits):
            guard let n = Number.percent(digits) else {
                diagnostics.append(.error("the percentage \(digits)% is too large", at: span))
                return constant(.none)
            }
            return constant(.number(n))
        case .text(let segments):
            return text(segments)
        case .bool(let b):
            return constant(.bool(b))
        case .none:
            return constant(.none)
        case .date(let y, let mo, let d):
            guard let date = CivicDate(year: y, month: mo, day: d) else {
                diagnostics.append(.error("this is not a date", at: span))
                return constant(.none)
            }
            return constant(.date(date))
        case .time(let y, let mo, let d, let h, let mi, let s):
            guard let time = CivicTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s) else {
                diagnostics.append(.error("this is not a time", at: span))
                return constant(.none)
            }
            return constant(.time(time))
        case .duration(let amount, let unit):
            guard let n = Number(literal: amount), let u = DurationUnit.unit(named: unit.name),
                  let d = try? CivicDuration(amount: n, unit: u) else {
                diagnostics.append(.error("this is not a duration", at: span))
                return constant(.none)
            }
            return constant(.duration(d))
        case .name(let name):
            return variable(name, e)
        case .list(let items):
            let compiled = items.map { expr($0) }
            return { m throws(RuntimeError) in
                var values: [Value] = []
                values.reserveCapacity(compiled.count)
                for c in compiled { values.append(try c(m)) }
                return .list(values)
            }
        case .record(let fields):
            let shape = RecordShape(fields.map(\.name.name))
            return recordMaker(shape, fields.map { expr($0.value) })
        case .construct(let type, let fields):
            return construct(type, fields, span)
        case .unary(let op, let operand):
            let v = expr(operand)
            switch op {
            case .negate:
                return { m throws(RuntimeError) in
                    let x = try v(m)
                    if case .number(let n) = x { return .number(n.negated) }
                    return try Operators.negate(x, span)
                }
            case .not:
                let b = boolean(operand, "the value after 'not'")
                return { m throws(RuntimeError) in .bool(!(try b(m))) }
            }
        case .binary(let op, let left, let right):
            return binary(op, left, right, span)
        case .range(let low, let high):
            let lo = expr(low), hi = expr(high)
            let loSpan = low.span, hiSpan = high.span
            return { m throws(RuntimeError) in
                .range(try Compiler.wholeNumber(try lo(m), "the start of a range", loSpan),
                       try Compiler.wholeNumber(try hi(m), "the end of a range", hiSpan))
            }
        case .call(let callee, let arguments):
            return call(callee, arguments, e)
        case .member(let base, let field):
            return member(expr(base), field.name, field.span, lenient: queryDepth > 0)
        case .index(let base, let index):
            return indexing(expr(base), expr(index), index.span)
        case .query(let source, let clauses):
            return query(source, clauses, span)
        case .aggregate(let kind, let field, let source):
            return aggregate(kind, field, source, span)
        case .add(let type, let fields):
            return addRow(type, fields, span)
        case .overdue(let type):
            return overdue(type, span)
        case .workload(let entity):
            return workload(entity, span)
        }
    }

    static func wholeNumber(_ v: Value, _ what: String, _ span: Span) throws(RuntimeError) -> Int {
        guard case .number(let n) = v, let i = n.intValue else {
            throw RuntimeError("\(what) must be a whole Number, found \(v.literal())", at: span)
        }
        return i
    }

    func recordMaker(_ shape: RecordShape, _ values: [Eval]) -> Eval {
        return { m throws(RuntimeError) in
            var out: [Value] = []
            out.reserveCapacity(values.count)
            for v in values { out.append(try v(m)) }
            return .record(Record(shape: shape, values: out))
        }
    }

    /// `Resident { ... }`: a record of the entity's shape, defaults filled in.
    mutating func construct(_ type: Identifier, _ fields: [FieldValue], _ span: Span) -> Eval {
        guard let schema = program.schema.type(named: type.name) else { return constant(.none) }
        let declared = schema.fields.filter { field in
            schema.kind == .entity || (field.name != "id" && field.name != "at")
                || fields.contains(where: { $0.name.name == field.name })
        }
        let shape = RecordShape(declared.map(\.name), typeName: type.name,
                                privateFields: Set(declared.filter(\.isPrivate).map(\.name)),
                                keyIndex: declared.firstIndex(where: \.isKey))
        var values: [Eval] = []
        for field in declared {
            if let given = fields.first(where: { $0.name.name == field.name }) {
                values.append(expr(given.value))
            } else if let d = field.defaultValue {
                values.append(expr(d))
            } else {
                values.append(constant(.none))
            }
        }
        return recordMaker(shape, values)
    }

    /// Text with `{expr}` parts.
    mutating func text(_ segments: [TextSegment]) -> Eval {
        if segments.count == 1, case .literal(let s) = segments[0] { return constant(.text(s)) }
        enum Part { case literal(String), value(Eval) }
        let parts: [Part] = segments.map {
            switch $0 {
            case .literal(let s): return .literal(s)
            case .expr(let e): return .value(expr(e))
            }
        }
        return { m throws(RuntimeError) in
            var out = ""
            for p in parts {
                switch p {
                case .literal(let s): out += s
                case .value(let v): out += try v(m).formatted(m.format)
                }
            }
            return .text(out)
        }
    }

    /// A name: a slot, or a field of the current row.
    mutating func variable(_ name: String, _ e: Expr) -> Eval {
        switch program.resolution(of: e) {
        case .variable(.global(let i))?:
            return { m in m.globals[i] }
        case .variable(.local(let i))?:
            return { m in m.stack[m.base &+ i] }
        case .rowField(let field, let level)?:
            let span = e.span
            return member({ m in m.rows[level] }, field, span, lenient: true)
        case .entity(let entity)?, .event(let entity)?:
            return entityRows(entity, e.span)
        case .function?, .builtin?, nil:
            diagnostics.append(.error("unknown name '\(name)'", at: e.span))
            return constant(.none)
        }
    }

    /// `value.field`, remembering where the field was in the last record's
    /// shape. A reference is followed to the row it names. Inside a query
    /// (`lenient`), a field of none is none, as the store has it.
    ///
    /// A `private` field read outside a query is masked (`138****0000`) unless
    /// the run may reveal it: a script can search by private data
    /// (`where phone == ...`) but cannot take it out into any output.
    func member(_ base: @escaping Eval, _ name: String, _ span: Span, lenient: Bool = false) -> Eval {
        final class Cache { var shape: RecordShape?; var index = 0; var isPrivate = false; var isAccount = false }
        let cache = Cache()
        return { m throws(RuntimeError) in
            var value = try base(m)
            if case .reference(let entity, let key) = value {
                value = .record(try Compiler.follow(m, entity, key, span))
            }
            if lenient, case .none = value { return .none }
            guard case .record(let r) = value else {
                throw RuntimeError("\(value.typeNameWithArticle) has no field '\(name)'", at: span,
                                   hint: value.typeName == "none" ? "check for none first: 'if x != none { ... }'" : nil)
            }
            if r.shape === cache.shape {
                if cache.isAccount, let entity = r.shape.typeName, let k = r.shape.keyIndex {
                    return try Compiler.balance(m, name, entity, r.values[k], span)
                }
                return cache.isPrivate && !lenient ? Compiler.masked(r.values[cache.index], m) : r.values[cache.index]
            }
            guard let i = r.shape.index(of: name) else {
                // An account is a field of its holder: its balance, read when asked for.
                if let entity = r.shape.typeName, let k = r.shape.keyIndex, m.accounts[Compiler.accountKey(name, entity)] != nil {
                    return try Compiler.balance(m, name, entity, r.values[k], span)
                }
                throw RuntimeError("\(r.shape.typeName ?? "this record") has no field '\(name)'", at: span)
            }
            cache.shape = r.shape
            cache.index = i
            cache.isPrivate = r.shape.privateFields.contains(name)
            // A balance column is a snapshot taken when the row was read; the balance itself is live.
            if let entity = r.shape.typeName, let k = r.shape.keyIndex, m.accounts[Compiler.accountKey(name, entity)] != nil {
                cache.isAccount = true
                return try Compiler.balance(m, name, entity, r.values[k], span)
            }
            return cache.isPrivate && !lenient ? Compiler.masked(r.values[i], m) : r.values[i]
        }
    }

    /// A value for `show`, with every reference to a row whose key is
    /// private turned into the masked key: whoever renders a shown value
    /// (a table, JSON, an embedding program) cannot tell which keys are private.
    static func keysMasked(_ v: Value, _ m: Machine) -> Value {
        guard !m.format.reveal, !m.format.privateKeys.isEmpty else { return v }
        switch v {
        case .reference(let entity, _) where m.format.privateKeys.contains(entity):
            return .text(v.formatted(m.format))
        case .list(let items):
            return .list(items.map { keysMasked($0, m) })
        case .record(let r):
            return .record(Record(shape: r.shape, values: r.values.map { keysMasked($0, m) }))
        default:
            return v
        }
    }

    /// A private value as a run without `--reveal` may see it.
    static func masked(_ v: Value, _ m: Machine) -> Value {
        if m.format.reveal { return v }
        if case .none = v { return v }
        return .text(Value.mask(v.formatted(m.format)))
    }

    func indexing(_ base: @escaping Eval, _ index: @escaping Eval, _ span: Span) -> Eval {
        return { m throws(RuntimeError) in
            let container = try base(m)
            let position = try index(m)
            switch container {
            case .list(let items):
                return items[try Compiler.listIndex(position, count: items.count, span)]
            case .range(let lo, let hi):
                let count = lo <= hi ? hi - lo + 1 : 0
                return .number(Number(lo + (try Compiler.listIndex(position, count: count, span))))
            case .text(let s):
                let chars = Array(s)
                return .text(String(chars[try Compiler.listIndex(position, count: chars.count, span, text: true)]))
            default:
                throw RuntimeError("only a list or a text can be indexed with [ ], found \(container.typeNameWithArticle)", at: span)
            }
        }
    }

    /// A call of a function of the script, or of a built-in.
    mutating func call(_ callee: Identifier, _ arguments: [Expr], _ e: Expr) -> Eval {
        let span = e.span
        switch program.resolution(of: e) {
        case .function(let index)?:
            let function = functions[index]
            return Compiler.userCall(function, arguments.map { operand($0) }, span)
        case .builtin(let name)?:
            guard let implementation = BuiltinLibrary.implementations[name] else {
                diagnostics.append(.error("the built-in '\(name)' has no implementation", at: span))
                return constant(.none)
            }
            let argumentSpans = arguments.map(\.span)
            let args = arguments.map { Operation(eval: expr($0)) }
            return { m throws(RuntimeError) in
                var values: [Value] = []
                values.reserveCapacity(args.count)
                for a in args { values.append(try a.eval(m)) }
                let result: Value
                do throws(BuiltinError) {
                    result = try implementation(values, m.builtinEnvironment)
                } catch {
                    let at = error.argument.flatMap { $0 < argumentSpans.count ? argumentSpans[$0] : nil } ?? span
                    throw RuntimeError(error.message, at: at, hint: error.hint)
                }
                // What a built-in made counts towards the heap's next measure.
                switch result {
                case .text, .list: try m.willAllocate(Machine.bytes(of: result), making: 0, at: span)
                default: break
                }
                return result
            }
        default:
            diagnostics.append(.error("unknown function '\(callee.name)'", at: callee.span))
            return constant(.none)
        }
    }

    static func userCall(_ function: CompiledFunction, _ args: [Operand], _ span: Span) -> Eval {
        let extra = function.slotCount - function.parameterCount
        return { m throws(RuntimeError) in
            try m.step(span)
            if m.depth >= m.limits.maxDepth { throw .depthLimit(m.limits.maxDepth, at: span) }
            let newBase = m.stack.count
            defer { m.popFrame(to: newBase) }
            for a in args { m.stack.append(try a.value(m)) }
            for _ in 0..<max(0, extra) { m.stack.append(.none) }
            let savedBase = m.base
            m.base = newBase
            m.depth += 1
            defer {
                m.depth -= 1
                m.base = savedBase
            }
            do throws(RuntimeError) {
                if case .returned = try function.body(m) {
                    let result = m.returnValue
                    m.returnValue = .none
                    return result
                }
                return .none
            } catch {
                var e = error
                e.trace.append(TraceEntry(function: function.name, span: span))
                throw e
            }
        }
    }
}
