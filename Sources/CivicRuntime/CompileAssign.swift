import CivicStore
import CivicSyntax
import CivicCheck

/// `assign Household to Worker where role == "grid" { weight members; together building; at most 300 }`:
/// the balanced, stable assignment of `Assignment.assign`, stored in the
/// field the checker added (`worker`), with what moved and what could not be
/// placed reported by name.
extension Compiler {
    mutating func assign(_ entity: Identifier, _ worker: Identifier, _ condition: Expr?,
                         _ options: [AssignOption], _ span: Span) -> Exec? {
        let field = Checker.assignmentField(worker.name)
        let workers = listQuery(entityRows(worker.name, span), worker.span, QueryClauses(filter: condition), span)
        var weight: Eval?
        var together: Eval?
        var atMost: Int?
        queryDepth = 1
        for option in options {
            switch option {
            case .weight(let e, _): weight = expr(e)
            case .together(let e, _): together = expr(e)
            case .atMost(let e, _):
                guard case .success(.number(let n)) = Compiler.constant(e, in: program), let i = n.intValue, i > 0 else {
                    diagnostics.append(.error("'at most' needs a whole Number above 0", at: e.span))
                    continue
                }
                atMost = i
            }
        }
        queryDepth = 0
        let households = entity.name, workerEntity = worker.name
        return { [weight, together] m throws(RuntimeError) in
            var workerKeys: [String: Value] = [:]
            var workerOrder: [String] = []
            for w in try workers(m).items ?? [] {
                let (_, key) = try Compiler.identity(w, span, "assign")
                let text = Books.keyText(key)
                if workerKeys[text] == nil { workerOrder.append(text) }
                workerKeys[text] = key
            }
            var items: [Assignment.Item] = []
            var keys: [String: Value] = [:]
            var current: [String: String] = [:]
            let rows = try Compiler.allRows(m, households, span).items ?? []
            try Compiler.withRow(m, 0) { () throws(RuntimeError) in
                for row in rows {
                    guard case .record(let r) = row, let k = r.shape.keyIndex else { continue }
                    m.rows[0] = row
                    var w = Number.one
                    if let weight {
                        let v = try weight(m)
                        guard case .number(let n) = v else {
                            throw RuntimeError("the weight must be a Number, found \(v.typeNameWithArticle)", at: span)
                        }
                        w = n
                    }
                    var group: String?
                    if let together {
                        let g = try together(m)
                        if g != .none { group = g.formatted(FormatOptions(reveal: true)) }
                    }
                    var now: String?
                    if case .reference(_, let key)? = r[field] { now = Books.keyText(key) }
                    let text = Books.keyText(r.values[k])
                    keys[text] = r.values[k]
                    if let now { current[text] = now }
                    items.append(Assignment.Item(key: text, group: group, weight: w, current: now))
                }
            }
            let outcome = Assignment.assign(items: items, workers: workerOrder, atMost: atMost)
            do throws(StoreError) {
                for (item, key) in keys.sorted(by: { $0.key < $1.key }) {
                    let placed = outcome.placement[item]
                    if placed == current[item] { continue }
                    let value: Value = placed.flatMap { workerKeys[$0] }.map { .reference(entity: workerEntity, key: $0) } ?? .none
                    try m.store.update(households, key: key, [(field, value)])
                }
            } catch {
                throw Compiler.storeError(error, span)
            }
            m.output(.text("assigned \(outcome.placement.count) \(households) to \(workerOrder.count) \(workerEntity): \(outcome.moved) moved, \(outcome.unplaced.count) not placed"))
            for u in outcome.unplaced {
                m.output(.text("not placed: \(households) \(u.item): \(u.reason)"))
            }
            return .normal
        }
    }
}
