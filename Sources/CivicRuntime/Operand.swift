import CivicStore
import CivicSyntax
import CivicCheck

/// Where an operand's value comes from. A constant or a variable is read
/// where it is used, without calling a compiled closure: in `total + i` or
/// `n < 2` that saves two calls (each with a reabstraction thunk) of the
/// few an operation makes — a third of a tight loop's instructions
/// (docs/performance.md). Anything else is worked out by its closure.
enum Operand {
    case constant(Value)
    case global(Int)
    case local(Int)
    case computed(Eval)

    @inline(__always)
    func value(_ m: Machine) throws(RuntimeError) -> Value {
        switch self {
        case .constant(let v): return v
        case .global(let i): return m.globals[i]
        case .local(let i): return m.stack[m.base &+ i]
        case .computed(let e): return try e(m)
        }
    }
}

extension Compiler {
    /// An expression as an operand: read in place when it is a literal or a
    /// variable, compiled otherwise.
    mutating func operand(_ e: Expr) -> Operand {
        switch e.kind {
        case .number(let digits):
            if let n = Number(literal: digits) { return .constant(.number(n)) }
        case .bool(let b):
            return .constant(.bool(b))
        case .none:
            return .constant(.none)
        case .name:
            switch program.resolution(of: e) {
            case .variable(.global(let i))?: return .global(i)
            case .variable(.local(let i))?: return .local(i)
            default: break
            }
        default:
            break
        }
        return .computed(expr(e))
    }
}
