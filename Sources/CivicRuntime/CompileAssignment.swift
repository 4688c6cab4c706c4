import CivicStore
import CivicSyntax
import CivicCheck

/// `name = v`, `name.field = v`, `name[i] = v`, and paths of these.
extension Compiler {
    /// One step from a value to a part of it.
    enum PathStep {
        case field(String, Span)
        case index(Eval, Span)
    }

    /// A step with its index already worked out.
    enum ResolvedStep {
        case field(String, Span)
        case index(Value, Span)
    }

    /// Works out the positions in a path before the root is taken out of its
    /// slot, so that `xs[len(xs) - 1] = v` sees `xs` as it is.
    static func resolve(_ steps: [PathStep], _ m: Machine) throws(RuntimeError) -> [ResolvedStep] {
        var out: [ResolvedStep] = []
        out.reserveCapacity(steps.count)
        for step in steps {
            switch step {
            case .field(let name, let span): out.append(.field(name, span))
            case .index(let e, let span): out.append(.index(try e(m), span))
            }
        }
        return out
    }

    mutating func assignment(_ target: AssignTarget, _ value: @escaping Eval) -> Exec {
        var path: [PathStep] = []
        var root = target
        while true {
            switch root {
            case .name: break
            case .member(let base, let field):
                path.insert(.field(field.name, field.span), at: 0)
                root = base
                continue
            case .index(let base, let index):
                path.insert(.index(expr(index), index.span), at: 0)
                root = base
                continue
            }
            break
        }
        guard case .name(let id) = root else { return { _ in .normal } }
        let ref = program.slots[id.span]
        if path.isEmpty { return store(ref, value) }
        let steps = path
        // The root is taken out of its slot while it changes, so the change
        // happens in place (no copy of a shared list).
        switch ref {
        case .global(let i)?:
            return { m throws(RuntimeError) in
                let v = try value(m)
                let path = try Compiler.resolve(steps, m)
                var whole = m.globals[i]
                m.globals[i] = .none
                defer { m.globals[i] = whole }
                try Compiler.set(&whole, path[...], to: v)
                return .normal
            }
        case .local(let i)?:
            return { m throws(RuntimeError) in
                let v = try value(m)
                let path = try Compiler.resolve(steps, m)
                let slot = m.base &+ i
                var whole = m.stack[slot]
                m.stack[slot] = .none
                defer { m.stack[slot] = whole }
                try Compiler.set(&whole, path[...], to: v)
                return .normal
            }
        case nil:
            return { _ in .normal }
        }
    }

    static func set(_ whole: inout Value, _ steps: ArraySlice<ResolvedStep>, to value: Value) throws(RuntimeError) {
        guard let step = steps.first else {
            whole = value
            return
        }
        let rest = steps.dropFirst()
        switch step {
        case .field(let name, let span):
            guard case .record(var record) = whole else {
                throw RuntimeError("\(whole.typeNameWithArticle) has no field '\(name)'", at: span)
            }
            guard let i = record.shape.index(of: name) else {
                throw RuntimeError("this record has no field '\(name)'", at: span)
            }
            whole = .none
            try set(&record.values[i], rest, to: value)
            whole = .record(record)
        case .index(let position, let span):
            if case .range = whole, let items = whole.items { whole = .list(items) }
            guard case .list(var items) = whole else {
                throw RuntimeError("only a list's items can be changed with [ ], found \(whole.typeNameWithArticle)", at: span)
            }
            let i = try Compiler.listIndex(position, count: items.count, span)
            whole = .none
            try set(&items[i], rest, to: value)
            whole = .list(items)
        }
    }

    /// A 0-based position in a list of `count` items, or a clear error.
    static func listIndex(_ position: Value, count: Int, _ span: Span, text: Bool = false) throws(RuntimeError) -> Int {
        let what = text ? "text" : "list"
        guard case .number(let n) = position, let i = n.intValue else {
            throw RuntimeError("a \(what) index must be a whole Number, found \(position.literal())", at: span)
        }
        guard i >= 0, i < count else {
            let items = text ? "character" : "item"
            throw RuntimeError("index \(i) is out of range for a \(what) of \(count) \(items)\(count == 1 ? "" : "s")", at: span,
                               hint: count == 0 ? "the \(what) is empty" : "indexes run from 0 to \(count - 1)")
        }
        return i
    }
}
