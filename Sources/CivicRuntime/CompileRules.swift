import CivicStore
import CivicSyntax
import CivicCheck

/// A rule, compiled: applied to every event of its type that is emitted.
final class CompiledRule {
    let name: String
    let event: String
    let frameSize: Int
    let variableSlot: Int
    let condition: ((Machine) throws(RuntimeError) -> Bool)?
    let body: Exec
    let caps: [(amount: Number, period: CalendarPeriod)]
    let budgets: [(amount: Number, period: CalendarPeriod)]

    init(name: String, event: String, frameSize: Int, variableSlot: Int, condition: ((Machine) throws(RuntimeError) -> Bool)?,
         body: @escaping Exec, caps: [(amount: Number, period: CalendarPeriod)], budgets: [(amount: Number, period: CalendarPeriod)]) {
        self.name = name
        self.event = event
        self.frameSize = frameSize
        self.variableSlot = variableSlot
        self.condition = condition
        self.body = body
        self.caps = caps
        self.budgets = budgets
    }

    /// Applies the rule to one event, in a frame of its own.
    func apply(to event: Value, id: String, at: CivicTime, _ m: Machine) throws(RuntimeError) {
        let newBase = m.stack.count
        defer { m.popFrame(to: newBase) }
        for _ in 0..<max(1, frameSize) { m.stack.append(.none) }
        let savedBase = m.base
        m.base = newBase
        defer { m.base = savedBase }
        m.stack[newBase + variableSlot] = event
        if let condition, !(try condition(m)) { return }
        m.stats.rulesFired += 1
        // Most events meet few rules: the rule being applied is saved only for those they meet.
        let savedRule = m.rule
        defer { m.rule = savedRule }
        m.rule = RuleContext(name: name, eventType: self.event, eventID: id, at: at, caps: caps, budgets: budgets)
        _ = try body(m)
    }
}

extension Compiler {
    /// Compiles every rule of the program, in the order written.
    mutating func rules(_ statements: [Stmt]) -> [CompiledRule] {
        var out: [CompiledRule] = []
        for s in statements {
            guard case .rule(let nameExpr, let event, let variable, let condition, let body) = s.kind else { continue }
            var name = "rule"
            switch Compiler.constant(nameExpr, in: program) {
            case .success(.text(let t)): name = t
            case .success: diagnostics.append(.error("a rule's name must be a Text", at: nameExpr.span))
            case .failure(let d): diagnostics.append(d)
            }
            var caps: [(amount: Number, period: CalendarPeriod)] = []
            var budgets: [(amount: Number, period: CalendarPeriod)] = []
            var rest: [Stmt] = []
            for line in body {
                switch line.kind {
                case .cap(let amount, let period), .budget(let amount, let period):
                    guard let p = CalendarPeriod(rawValue: period.name.name) else { continue }
                    guard case .success(.number(let n)) = Compiler.constant(amount, in: program) else {
                        diagnostics.append(.error("a cap or budget must be a Number worked out before the run", at: amount.span))
                        continue
                    }
                    if case .cap = line.kind { caps.append((n, p)) } else { budgets.append((n, p)) }
                default:
                    rest.append(line)
                }
            }
            var slot = 0
            if case .local(let i)? = program.slots[variable.span] { slot = i }
            let test = condition.map { boolean($0, "the condition after 'when'") }
            awardsInRule = 0
            out.append(CompiledRule(name: name, event: event.name, frameSize: program.frameSizes[s.span] ?? 1,
                                    variableSlot: slot, condition: test, body: block(rest), caps: caps, budgets: budgets))
        }
        return out
    }

    /// `emit Event { ... }`: stores the event (once: an id seen before is not
    /// handled again) and applies every rule on its type, in the order written.
    mutating func emit(_ type: Identifier, _ fields: [FieldValue], _ span: Span) -> Exec {
        let values = fields.map { ($0.name.name, expr($0.value)) }
        let event = type.name
        return { m throws(RuntimeError) in
            var given: [String: Value] = [:]
            for (name, v) in values { given[name] = try v(m) }
            try Compiler.emit(event, given, m, span)
            return .normal
        }
    }

    /// Stores and handles one event given by field name; false when its id was handled before.
    @discardableResult
    static func emit(_ event: String, _ given: [String: Value], _ m: Machine, _ span: Span) throws(RuntimeError) -> Bool {
        let stored = try storedEntity(m, event, span)
        let row: [Value]
        do throws(StoreError) { row = try RowCheck.row(given, for: stored) } catch { throw storeError(error, span) }
        return try handle(event, row, stored, m, span)
    }

    /// Emits an event read from a file (values in the event's field order).
    @discardableResult
    public static func emitEvent(_ event: String, _ values: [Value], on m: Machine, at span: Span = .unknown) throws(RuntimeError) -> Bool {
        let stored = try storedEntity(m, event, span)
        var row: [Value] = []
        row.reserveCapacity(stored.fields.count)
        do throws(StoreError) {
            let fields = stored.fields
            for i in fields.indices {
                let v = i < values.count ? values[i] : (fields[i].defaultValue ?? .none)
                row.append(try RowCheck.change(v, field: i, of: fields, entity: event) ?? v)
            }
        } catch {
            throw storeError(error, span)
        }
        return try handle(event, row, stored, m, span)
    }

    /// Stores an event's row (values checked, in field order: an `at` or `id`
    /// that is none is filled in) and applies every rule on its type, in the
    /// order written; false when its id was handled before.
    static func handle(_ event: String, _ values: [Value], _ stored: StoredEntity, _ m: Machine, _ span: Span) throws(RuntimeError) -> Bool {
        var row = values
        let atIndex = stored.index(of: "at")
        if let a = atIndex, a < row.count {
            if case .none = row[a] { row[a] = .time(m.now) }
        }
        guard let a = atIndex, a < row.count, case .time(let at) = row[a] else {
            let found = atIndex.flatMap { $0 < row.count ? row[$0] : nil } ?? .none
            throw RuntimeError("an event's 'at' must be a Time, found \(found.typeNameWithArticle)", at: span)
        }
        let record: Record
        do throws(StoreError) {
            if let k = stored.index(of: "id"), k < row.count, case .none = row[k] {
                row[k] = .text(try newEventID(event, m))
            }
            // The event's key is what makes handling it twice impossible.
            guard try m.store.insertIfAbsent(event, row) else {
                m.stats.eventsSkipped += 1
                return false
            }
            // The record the rules see is the row as stored (RowCheck made it so).
            let shape: RecordShape
            if let known = m.eventShapes[event], known.entity == stored {
                shape = known.shape
            } else {
                shape = MemoryStore.shape(of: stored)
                m.eventShapes[event] = (stored, shape)
            }
            record = Record(shape: shape, values: row)
        } catch {
            throw storeError(error, span)
        }
        let id = record["id"]?.formatted(m.format) ?? ""
        m.stats.eventsHandled += 1
        m.books.handled.removeAll(keepingCapacity: true)
        for rule in m.rules where rule.event == event {
            do throws(RuntimeError) {
                try rule.apply(to: .record(record), id: id, at: at, m)
            } catch {
                var e = error
                e.trace.append(TraceEntry(function: "rule \"\(rule.name)\"", span: span))
                throw e
            }
        }
        return true
    }

    /// A new id for an event that was emitted without one: `HazardReport-7`.
    static func newEventID(_ event: String, _ m: Machine) throws(StoreError) -> String {
        var n = 1
        if case .number(let c) = try m.store.aggregate(.count, StoreQuery(entity: event), []), let i = c.intValue { n = i + 1 }
        while try m.store.row(event, key: .text("\(event)-\(n)")) != nil { n += 1 }
        return "\(event)-\(n)"
    }
}
