import CivicStore
import CivicSyntax
import CivicCheck

/// `workload Household`: one row per worker, `{ worker, count, weight, groups }`:
/// how many households the worker has now, their total weight and how many
/// groups (buildings) they make, by the weight and `together` of the
/// assignment. Read from the store, so it shows the assignment as it is kept.
extension Compiler {
    mutating func workload(_ entity: Identifier, _ span: Span) -> Eval {
        let name = entity.name
        let written = firstAssign(of: name)
        return { m throws(RuntimeError) in
            guard let a = m.assignsRun[name] ?? written else {
                throw RuntimeError("'workload' sums up an assignment, and no 'assign' of \(name) has run", at: span,
                                   hint: "run 'assign \(name) to ...' first")
            }
            return try Compiler.workload(a, m, span)
        }
    }

    /// The first `assign` of `entity` written in the program, compiled.
    mutating func firstAssign(of entity: String) -> CompiledAssign? {
        var found: (Identifier, Identifier, Expr?, [AssignOption], Span)?
        for file in program.files {
            for statement in file.statements {
                statement.forEachStatement { s in
                    guard found == nil, case .assignment(let e, let w, let condition, let options) = s.kind, e.name == entity else { return }
                    found = (e, w, condition, options, s.span)
                }
            }
        }
        guard let (e, w, condition, options, span) = found else { return nil }
        return compiledAssign(e, w, condition, options, span)
    }

    /// The rows of the summary: every eligible worker, and every other worker
    /// that holds rows, in the order of their keys.
    static func workload(_ a: CompiledAssign, _ m: Machine, _ span: Span) throws(RuntimeError) -> Value {
        struct Load {
            var key: Value
            var count = 0
            var weight = Number.zero
            var groups = Set<String>()
            var ungrouped = 0
        }
        var loads: [String: Load] = [:]
        for (text, key) in try a.eligible(m).keys { loads[text] = Load(key: key) }
        for row in try a.rows(m) {
            guard let key = row.current else { continue }
            let text = Books.keyText(key)
            var load = loads[text] ?? Load(key: key)
            load.count += 1
            do { load.weight = try load.weight.adding(row.weight) } catch {
                throw RuntimeError("the total weight of \(a.workerEntity) \(text) needs more than 34 digits", at: span)
            }
            if let g = row.group { load.groups.insert(g) } else { load.ungrouped += 1 }
            loads[text] = load
        }
        let shape = RecordShape([a.field, "count", "weight", "groups"])
        let sorted = loads.values.sorted { x, y in
            if let o = Value.order(x.key, y.key), o != 0 { return o < 0 }
            return Books.keyText(x.key) < Books.keyText(y.key)
        }
        return .list(sorted.map { load in
            .record(Record(shape: shape, values: [
                .reference(entity: a.workerEntity, key: load.key), .number(Number(load.count)), .number(load.weight),
                .number(Number(load.groups.count + load.ungrouped)),
            ]))
        })
    }
}
