import CivicStore
import CivicSyntax
import CivicCheck

/// A declared escalation: the levels an event reaches as it waits, and the
/// field that stops the clock.
struct Escalation {
    var event: String
    /// (how long after the event, level), shortest wait first.
    var levels: [(after: CivicDuration, level: String)]
    /// A Bool field (true stops the clock) or a Time field (set stops it).
    var until: String?
}

extension Compiler {
    /// Compiles the `escalate` declarations.
    mutating func escalations(_ statements: [Stmt]) -> [Escalation] {
        var out: [Escalation] = []
        for s in statements {
            guard case .escalate(let event, let lines) = s.kind else { continue }
            var e = Escalation(event: event.name, levels: [], until: nil)
            for line in lines {
                switch line {
                case .after(let d, let level, _):
                    guard case .success(.duration(let after)) = Compiler.constant(d, in: program) else {
                        diagnostics.append(.error("'after' needs a Duration written out, as in 2 hours", at: d.span))
                        continue
                    }
                    guard case .success(.text(let name)) = Compiler.constant(level, in: program) else {
                        diagnostics.append(.error("a level must be a Text", at: level.span))
                        continue
                    }
                    e.levels.append((after, name))
                case .until(let field, _):
                    e.until = field.name
                }
            }
            // Shortest wait first; a month is compared as 30 days only to sort the levels.
            e.levels.sort { a, b in
                (a.after.months * 2_592_000 + a.after.seconds) < (b.after.months * 2_592_000 + b.after.seconds)
            }
            out.append(e)
        }
        return out
    }

    /// `overdue E`: the events of E past their first deadline whose clock has
    /// not been stopped, oldest first, each with its `level` (the last one
    /// reached) and how long it has been `waiting`, by the run's clock.
    func overdue(_ type: Identifier, _ span: Span) -> Eval {
        let name = type.name
        return { m throws(RuntimeError) in
            guard let e = m.escalations[name] else {
                throw RuntimeError("\(name) has no 'escalate' declaration", at: span,
                                   hint: "declare one: 'escalate \(name) { after 2 hours to \"community\" }'")
            }
            let rows: [Record]
            do throws(StoreError) { rows = try m.store.fetch(StoreQuery(entity: name), []) } catch { throw Compiler.storeError(error, span) }
            var out: [(at: CivicTime, value: Value)] = []
            var shape: RecordShape?
            for r in rows {
                guard case .time(let at)? = r["at"] else { continue }
                if let until = e.until, let stop = r[until] {
                    if case .bool(true) = stop { continue }
                    if case .time = stop { continue }
                }
                var reached: String?
                for level in e.levels {
                    guard let deadline = try? at.adding(level.after), deadline <= m.now else { break }
                    reached = level.level
                }
                guard let level = reached else { continue }
                if shape == nil {
                    shape = RecordShape(r.shape.names + ["level", "waiting"], typeName: nil, privateFields: r.shape.privateFields)
                }
                guard let shape else { continue }
                out.append((at, .record(Record(shape: shape, values: r.values + [.text(level), .duration(m.now.subtracting(at))]))))
            }
            return .list(out.sorted { $0.at < $1.at }.map(\.value))
        }
    }
}
