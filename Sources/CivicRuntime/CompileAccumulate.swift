import CivicStore
import CivicSyntax
import CivicCheck

/// `s = s + t` and `xs = append(xs, x)`: a variable that grows by one piece
/// at a time, changed in place.
///
/// Done the plain way, each step copies the whole Text or List (the variable
/// still holds it while the new one is made), so building a text of a million
/// characters or a list of a million items takes time that grows with the
/// square of its length. Here the value is taken out of its slot first, so
/// it is the only copy and grows where it is: each step costs the piece only.
///
/// Only when the piece does not read the variable and calls no function of
/// the script (which could read or change it); anything else, and any value
/// that is not a Text or List, goes the plain way.
extension Compiler {
    mutating func accumulation(_ target: AssignTarget, _ value: Expr) -> Step? {
        guard case .name(let id) = target, let ref = program.slots[id.span] else { return nil }
        let piece: Expr
        let appends: Bool
        switch value.kind {
        case .binary(.add, let left, let right) where reads(left, ref):
            piece = right
            appends = false
        case .call(_, let arguments) where program.resolution(of: value) == .builtin("append") && arguments.count == 2 && reads(arguments[0], ref):
            piece = arguments[1]
            appends = true
        default:
            return nil
        }
        guard !mentions(piece, ref) else { return nil }
        // A variable the checker knows is a Number (a sum in a loop) stays on the plain path.
        let type = program.type(of: value)
        guard type.mayBe(.text) || type.mayBe(.list(.any)) else { return nil }
        let next = expr(piece)
        let plain = expr(value)
        let take: (Machine) -> Value, put: (Machine, Value) -> Void
        switch ref {
        case .global(let i):
            take = { m in let v = m.globals[i]; m.globals[i] = .none; return v }
            put = { m, v in m.globals[i] = v }
        case .local(let i):
            take = { m in let v = m.stack[m.base &+ i]; m.stack[m.base &+ i] = .none; return v }
            put = { m, v in m.stack[m.base &+ i] = v }
        }
        let limit = BuiltinLibrary.maxLength
        // Each step counts the piece it adds (the whole grows by one piece at
        // a time, so the heap's measure, every sixteenth of the limit, stops it).
        let span = value.span
        let item = Machine.bytesPerItem
        return Step { m throws(RuntimeError) in
            let p = try next(m)
            var whole = take(m)
            // Each branch binds the payload and then drops `whole`, so that the
            // payload is the only copy (no tuple or temporary may hold another).
            if appends {
                if case .list(var items) = whole, items.count < limit {
                    whole = .none
                    if m.exceedsMemory(item, making: 0) {
                        put(m, .list(items))
                        throw .memoryLimit(m.memoryLimit, at: span)
                    }
                    items.append(p)
                    put(m, .list(items))
                    return .normal
                }
            } else if case .text(var s) = whole, case .text(let t) = p {
                whole = .none
                if m.exceedsMemory(t.utf8.count, making: 0) {
                    put(m, .text(s))
                    throw .memoryLimit(m.memoryLimit, at: span)
                }
                s += t
                put(m, .text(s))
                return .normal
            } else if case .list(var items) = whole, case .list(let more) = p {
                whole = .none
                if m.exceedsMemory(more.count &* item, making: 0) {
                    put(m, .list(items))
                    throw .memoryLimit(m.memoryLimit, at: span)
                }
                items += more
                put(m, .list(items))
                return .normal
            }
            // Anything else (numbers, ranges, errors) the plain way, the value back in its slot first.
            put(m, whole)
            put(m, try plain(m))
            return .normal
        }
    }

    /// Whether `e` is the variable itself.
    func reads(_ e: Expr, _ ref: VarRef) -> Bool {
        if case .name = e.kind, program.resolution(of: e) == .variable(ref) { return true }
        return false
    }

    /// Whether `e` reads the variable anywhere, or calls a function of the
    /// script (which might).
    func mentions(_ e: Expr, _ ref: VarRef) -> Bool {
        e.contains { sub in
            switch program.resolution(of: sub) {
            case .variable(ref)?, .function?: return true
            default: return false
            }
        }
    }
}
