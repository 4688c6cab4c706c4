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
        let l = expr(left), r = expr(right)
        switch op {
        case .add:
            return { m throws(RuntimeError) in
                let a = try l(m), b = try r(m)
                if case .number(let x) = a, case .number(let y) = b {
                    do throws(NumberError) { return .number(try x.adding(y)) } catch { throw Operators.numberError(error, span) }
                }
                return try Operators.add(a, b, span)
            }
        case .subtract:
            return { m throws(RuntimeError) in
                let a = try l(m), b = try r(m)
                if case .number(let x) = a, case .number(let y) = b {
                    do throws(NumberError) { return .number(try x.subtracting(y)) } catch { throw Operators.numberError(error, span) }
                }
                return try Operators.subtract(a, b, span)
            }
        case .multiply:
            return { m throws(RuntimeError) in try Operators.multiply(try l(m), try r(m), span) }
        case .divide:
            return { m throws(RuntimeError) in try Operators.divide(try l(m), try r(m), span) }
        case .mod:
            return { m throws(RuntimeError) in try Operators.mod(try l(m), try r(m), span) }
        case .equal:
            return { m throws(RuntimeError) in .bool(try l(m) == (try r(m))) }
        case .notEqual:
            return { m throws(RuntimeError) in .bool(try l(m) != (try r(m))) }
        case .less, .lessEqual, .greater, .greaterEqual:
            let test: @Sendable (Int) -> Bool
            switch op {
            case .less: test = { $0 < 0 }
            case .lessEqual: test = { $0 <= 0 }
            case .greater: test = { $0 > 0 }
            default: test = { $0 >= 0 }
            }
            return { m throws(RuntimeError) in
                let a = try l(m), b = try r(m)
                if case .number(let x) = a, case .number(let y) = b {
                    return .bool(test(x < y ? -1 : (x == y ? 0 : 1)))
                }
                // A missing value is neither more nor less than anything, as in a database.
                if case .none = a { return .bool(false) }
                if case .none = b { return .bool(false) }
                return .bool(test(try Operators.compare(a, b, op, span)))
            }
        case .in:
            return { m throws(RuntimeError) in .bool(try Operators.contains(try l(m), try r(m), span)) }
        case .and, .or:
            return constant(.none)
        }
    }
}
