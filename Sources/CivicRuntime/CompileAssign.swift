import CivicStore
import CivicSyntax
import CivicCheck

/// `assign Household to Worker where role == "grid" { weight members; together building; at most 300 }`,
/// compiled: the eligible workers (the `where`), and per row its weight and
/// group. The statement and `workload Household` both read rows through it.
final class CompiledAssign {
    /// The entity assigned (Household) and the entity of workers (Worker).
    let entity: String
    let workerEntity: String
    /// The field that keeps each row's worker (`worker`).
    let field: String
    /// The workers the `where` selects, as rows.
    let workers: Eval
    /// `weight F` and `together F`, read from the row at level 0.
    let weight: Eval?
    let together: Eval?
    /// What a group is called in messages: the field after `together`
    /// (`building`), or `group`.
    let groupLabel: String
    /// `at most N`.
    let atMost: Int?
    let span: Span

    init(entity: String, workerEntity: String, field: String, workers: @escaping Eval, weight: Eval?, together: Eval?,
         groupLabel: String, atMost: Int?, span: Span) {
        self.entity = entity
        self.workerEntity = workerEntity
        self.field = field
        self.workers = workers
        self.weight = weight
        self.together = together
        self.groupLabel = groupLabel
        self.atMost = atMost
        self.span = span
    }

    /// The eligible workers: their keys as text, in the order the query gives
    /// them, and each one's key.
    func eligible(_ m: Machine) throws(RuntimeError) -> (order: [String], keys: [String: Value]) {
        var keys: [String: Value] = [:]
        var order: [String] = []
        for w in try workers(m).items ?? [] {
            let (_, key) = try Compiler.identity(w, span, "assign")
            let text = Books.keyText(key)
            if keys[text] == nil { order.append(text) }
            keys[text] = key
        }
        return (order, keys)
    }

    /// One stored row as the assignment sees it.
    struct Row {
        var key: Value
        var keyText: String
        /// The worker's key the row has now, if any.
        var current: Value?
        var weight: Number
        /// nil: the row is a group of its own.
        var group: String?
    }

    /// Every stored row of the entity, with its weight and group.
    func rows(_ m: Machine) throws(RuntimeError) -> [Row] {
        let stored = try Compiler.allRows(m, entity, span).items ?? []
        var out: [Row] = []
        out.reserveCapacity(stored.count)
        try Compiler.withRow(m, 0) { () throws(RuntimeError) in
            for row in stored {
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
                    if g != .none { group = Books.keyText(g) }
                }
                var current: Value?
                if case .reference(_, let key)? = r[field] { current = key }
                out.append(Row(key: r.values[k], keyText: Books.keyText(r.values[k]), current: current, weight: w, group: group))
            }
        }
        return out
    }
}

extension Compiler {
    /// Compiles an `assign` statement's workers, weight and group once, for the
    /// statement and for every `workload` of its entity.
    mutating func compiledAssign(_ entity: Identifier, _ worker: Identifier, _ condition: Expr?,
                                 _ options: [AssignOption], _ span: Span) -> CompiledAssign {
        if let done = assigns[span] { return done }
        let saved = queryDepth
        queryDepth = 0
        let workers = listQuery(entityRows(worker.name, span), worker.span, QueryClauses(filter: condition), span)
        var weight: Eval?
        var together: Eval?
        var atMost: Int?
        var groupLabel = "group"
        queryDepth = 1
        for option in options {
            switch option {
            case .weight(let e, _): weight = expr(e)
            case .together(let e, _):
                together = expr(e)
                if case .name(let n) = e.kind { groupLabel = n }
                if case .member(_, let n) = e.kind { groupLabel = n.name }
            case .atMost(let e, _):
                guard case .success(.number(let n)) = Compiler.constant(e, in: program), let i = n.intValue, i > 0 else {
                    diagnostics.append(.error("'at most' needs a whole Number above 0", at: e.span))
                    continue
                }
                atMost = i
            }
        }
        queryDepth = saved
        let compiled = CompiledAssign(entity: entity.name, workerEntity: worker.name, field: Checker.assignmentField(worker.name),
                                      workers: workers, weight: weight, together: together, groupLabel: groupLabel, atMost: atMost,
                                      span: span)
        assigns[span] = compiled
        return compiled
    }

    /// The statement: the balanced, stable assignment of `Assignment.assign`,
    /// stored in the field the checker added (`worker`), with what moved and
    /// what could not be placed reported by name.
    mutating func assign(_ entity: Identifier, _ worker: Identifier, _ condition: Expr?,
                         _ options: [AssignOption], _ span: Span) -> Exec {
        let a = compiledAssign(entity, worker, condition, options, span)
        return { m throws(RuntimeError) in
            let (order, workerKeys) = try a.eligible(m)
            let rows = try a.rows(m)
            var items: [Assignment.Item] = []
            items.reserveCapacity(rows.count)
            for r in rows {
                items.append(Assignment.Item(key: r.keyText, group: r.group, weight: r.weight, current: r.current.map(Books.keyText)))
            }
            let outcome = Assignment.assign(items: items, workers: order, atMost: a.atMost)
            var changes: [(key: Value, value: Value)] = []
            for r in rows {
                let placed = outcome.placement[r.keyText].flatMap { workerKeys[$0] }
                if placed == r.current { continue }
                changes.append((r.key, placed.map { .reference(entity: a.workerEntity, key: $0) } ?? .none))
            }
            do throws(StoreError) {
                try m.store.update(a.entity, field: a.field, changes)
            } catch {
                throw Compiler.storeError(error, span)
            }
            m.assignsRun[a.entity] = a
            m.output(.text("assigned \(outcome.placement.count) \(a.entity) to \(order.count) \(a.workerEntity): "
                           + "\(outcome.moved) moved, \(outcome.unplaced.count) not placed"))
            let maskKeys = m.format.privateKeys.contains(a.entity) && !m.format.reveal
            for line in a.unplacedLines(outcome.unplaced, maskKeys: maskKeys) {
                m.output(.text(line))
            }
            return .normal
        }
    }
}

extension CompiledAssign {
    /// What could not be placed, by name: a line per group (building) and
    /// reason, `not placed: Household H1, H2: building B1 has 2 Household,
    /// more than at most 1`; when there are no workers, one line for all.
    func unplacedLines(_ unplaced: [Assignment.Unplaced], maskKeys: Bool = false) -> [String] {
        var order: [String] = []
        var lines: [String: (items: [String], reason: String)] = [:]
        for u in unplaced {
            let id: String
            switch u.reason {
            case .noWorkers: id = "no workers"
            default: id = u.group.map { "group \($0)" } ?? "item \(u.item)"
            }
            if lines[id] == nil {
                order.append(id)
                lines[id] = ([], reason(u.reason))
            }
            lines[id]?.items.append(maskKeys ? Value.mask(u.item) : u.item)
        }
        return order.compactMap { id in
            lines[id].map { "not placed: \(entity) \($0.items.joined(separator: ", ")): \($0.reason)" }
        }
    }

    /// Why a group was not placed, in the words of the script.
    func reason(_ r: Assignment.Reason) -> String {
        switch r {
        case .noWorkers:
            return "there is no \(workerEntity) to assign to"
        case .groupTooLarge(let group?, let size, let atMost):
            return "\(groupLabel) \(group) has \(size) \(entity), more than at most \(atMost)"
        case .noRoom(let group?, let size, let atMost):
            return "no \(workerEntity) has room left for \(groupLabel) \(group) of \(size) \(entity) (at most \(atMost))"
        case .noRoom(nil, _, let atMost):
            return "no \(workerEntity) has room left (at most \(atMost))"
        case .negativeWeight(let item, let weight):
            return "the weight of \(entity) \(item) is negative (\(weight))"
        default:
            return r.description
        }
    }
}
