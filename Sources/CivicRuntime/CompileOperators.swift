import CivicStore
import CivicSyntax
import CivicCheck

/// Binary operators: a direct path for two Numbers, the general `Operators` otherwise.
extension Compiler {
    mutating func binary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ span: Span) -> Eval {
        switch op {
        case .and:
            let l = boolean(left, "the left side of 'and'"), r = boolean(right, "the right side of 'and'")
            return { m throws(RuntimeError) in
                if try !l(m) { return .bool(false) }
                return .bool(try r(m))
            }
        case .or:
            let l = boolean(left, "the left side of 'or'"), r = boolean(right, "the right side of 'or'")
            return { m throws(RuntimeError) in
                if try l(m) { return .bool(true) }
                return .bool(try r(m))
            }
        default:
            break
        }
        let l = operand(left), r = operand(right)
        switch op {
        case .add:
            return { m throws(RuntimeError) in
                let a = try l.value(m), b = try r.value(m)
                if case .number(let x) = a, case .number(let y) = b {
                    do throws(NumberError) { return .number(try x.adding(y)) } catch { throw Operators.numberError(error, span) }
                }
                return try Compiler.addValues(a, b, span, m)
            }
        case .subtract:
            return { m throws(RuntimeError) in
                let a = try l.value(m), b = try r.value(m)
                if case .number(let x) = a, case .number(let y) = b {
                    do throws(NumberError) { return .number(try x.subtracting(y)) } catch { throw Operators.numberError(error, span) }
                }
                return try Operators.subtract(a, b, span)
            }
        case .multiply:
            return { m throws(RuntimeError) in
                let a = try l.value(m), b = try r.value(m)
                if case .number(let x) = a, case .number(let y) = b {
                    do throws(NumberError) { return .number(try x.multiplying(y)) } catch { throw Operators.numberError(error, span) }
                }
                return try Operators.multiply(a, b, span)
            }
        case .divide:
            return { m throws(RuntimeError) in try Operators.divide(try l.value(m), try r.value(m), span) }
        case .mod:
            return { m throws(RuntimeError) in
                let a = try l.value(m), b = try r.value(m)
                if case .number(let x) = a, case .number(let y) = b {
                    do throws(NumberError) { return .number(try x.remainder(dividingBy: y)) } catch { throw Operators.numberError(error, span) }
                }
                return try Operators.mod(a, b, span)
            }
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            let test = comparison(op, l, r, span)
            return { m throws(RuntimeError) in .bool(try test(m)) }
        case .in:
            return { m throws(RuntimeError) in .bool(try Operators.contains(try l.value(m), try r.value(m), span)) }
        case .and, .or:
            return constant(.none)
        }
    }

    /// `+` of anything but two Numbers, out of the Numbers' way: a Text or
    /// List it makes is checked against the memory limit first.
    @inline(never)
    static func addValues(_ a: Value, _ b: Value, _ span: Span, _ m: Machine) throws(RuntimeError) -> Value {
        try m.willConcatenate(a, b, at: span)
        return try Operators.add(a, b, span)
    }

    /// A comparison as a test, numbers compared directly. A missing value is
    /// neither more nor less than anything, as in a database; `==` and `!=`
    /// compare any two values.
    func comparison(_ op: BinaryOperator, _ l: Operand, _ r: Operand, _ span: Span) -> (Machine) throws(RuntimeError) -> Bool {
        switch op {
        case .equal:
            return { m throws(RuntimeError) in
                let a = try l.value(m), b = try r.value(m)
                if case .number(let x) = a, case .number(let y) = b { return x == y }
                return a == b
            }
        case .notEqual:
            return { m throws(RuntimeError) in
                let a = try l.value(m), b = try r.value(m)
                if case .number(let x) = a, case .number(let y) = b { return x != y }
                return a != b
            }
        default:
            return { m throws(RuntimeError) in
                let a = try l.value(m), b = try r.value(m)
                let order: Int
                if case .number(let x) = a, case .number(let y) = b {
                    order = x < y ? -1 : (x == y ? 0 : 1)
                } else {
                    if case .none = a { return false }
                    if case .none = b { return false }
                    order = try Operators.compare(a, b, op, span)
                }
                switch op {
                case .less: return order < 0
                case .lessEqual: return order <= 0
                case .greater: return order > 0
                default: return order >= 0
                }
            }
        }
    }
}
