/// The tree written out as S-expressions, without spans or expression ids.
///
/// Two trees with the same dump were read from texts that mean the same
/// thing, whatever their layout: `civic fmt` checks its output this way, and
/// tests compare a file with its formatted text so. Every node kind, operator,
/// name, literal and option appears in the dump; parentheses do not (they
/// leave no node), and neither do comments.
///
///     let total = (a + 2) * 3     →  (let total (* (+ a 2) 3))
extension SourceProgram {
    /// The statements, one dump per line.
    public var dump: String {
        statements.map(\.dump).joined(separator: "\n")
    }
}

extension Stmt {
    /// The statement as an S-expression (see `SourceProgram.dump`).
    public var dump: String {
        switch kind {
        case .let(let name, let e): return "(let \(name.name) \(e.dump))"
        case .var(let name, let e): return "(var \(name.name) \(e.dump))"
        case .assign(let target, let e): return "(= \(target.dump) \(e.dump))"
        case .expr(let e): return e.dump
        case .if(let branches, let otherwise):
            let parts = branches.map { "(when \($0.condition.dump) \(Stmt.dump($0.body)))" }
            return "(if " + parts.joined(separator: " ") + (otherwise.map { " (else \(Stmt.dump($0)))" } ?? "") + ")"
        case .for(let variable, let sequence, let body):
            return "(for \(variable.name) \(sequence.dump) \(Stmt.dump(body)))"
        case .while(let condition, let body): return "(while \(condition.dump) \(Stmt.dump(body)))"
        case .break: return "(break)"
        case .continue: return "(continue)"
        case .function(let name, let parameters, let body):
            return "(fn \(name.name) (\(parameters.map(\.name).joined(separator: " "))) \(Stmt.dump(body)))"
        case .return(let e): return "(return" + Expr.dump(optional: e) + ")"
        case .print(let values): return "(print" + values.map { " " + $0.dump }.joined() + ")"
        case .show(let e): return "(show \(e.dump))"
        case .expectError(let message, let body): return "(expect-error" + Expr.dump(optional: message) + " \(Stmt.dump(body)))"
        case .entity(let name, let fields): return "(entity \(name.name)" + fields.map { " " + $0.dump }.joined() + ")"
        case .event(let name, let fields): return "(event \(name.name)" + fields.map { " " + $0.dump }.joined() + ")"
        case .use(let e): return "(use \(e.dump))"
        case .load(let entity, let path): return "(load \(entity.name) \(path.dump))"
        case .update(let target, let fields): return "(update \(target.dump) \(FieldValue.dump(fields)))"
        case .remove(let e): return "(remove \(e.dump))"
        case .account(let name, let holder, let options):
            return "(account \(name.name) \(holder.name)" + options.map { " " + $0.dump }.joined() + ")"
        case .award(let amount, let account, let holder, let reason):
            return "(award \(amount.dump) \(account.name) \(holder.dump)" + Expr.dump(optional: reason) + ")"
        case .charge(let amount, let account, let holder, let reason):
            return "(charge \(amount.dump) \(account.name) \(holder.dump)" + Expr.dump(optional: reason) + ")"
        case .transfer(let amount, let account, let from, let to, let reason):
            return "(transfer \(amount.dump) \(account.name) \(from.dump) \(to.dump)" + Expr.dump(optional: reason) + ")"
        case .rule(let name, let event, let variable, let condition, let body):
            return "(rule \(name.dump) \(event.name) \(variable.name)" + Expr.dump(optional: condition)
                + " \(Stmt.dump(body)))"
        case .cap(let amount, let period): return "(cap \(amount.dump) \(period.name.name))"
        case .budget(let amount, let period): return "(budget \(amount.dump) \(period.name.name))"
        case .emit(let type, let fields): return "(emit \(type.name) \(FieldValue.dump(fields)))"
        case .programme(let name, let options):
            return "(programme \(name.dump)" + options.map { " " + $0.dump }.joined() + ")"
        case .enrol(let who, let programme): return "(enrol \(who.dump) \(programme.dump))"
        case .withdraw(let who, let programme): return "(withdraw \(who.dump) \(programme.dump))"
        case .catalogue(let account, let items):
            return "(catalogue \(account.name)" + items.map { " " + $0.dump }.joined() + ")"
        case .redeem(let item, let holder): return "(redeem \(item.dump) \(holder.dump))"
        case .split(let name, let lines): return "(split \(name.dump)" + lines.map { " " + $0.dump }.joined() + ")"
        case .assignment(let entity, let worker, let condition, let options):
            return "(assign \(entity.name) \(worker.name)" + Expr.dump(optional: condition)
                + options.map { " " + $0.dump }.joined() + ")"
        case .escalate(let event, let lines):
            return "(escalate \(event.name)" + lines.map { " " + $0.dump }.joined() + ")"
        case .test(let name, let body): return "(test \(name.dump) \(Stmt.dump(body)))"
        case .expect(let e): return "(expect \(e.dump))"
        case .clock(let e): return "(clock \(e.dump))"
        case .advance(let e): return "(advance \(e.dump))"
        case .explain(let inner): return "(explain \(inner.dump))"
        }
    }

    /// A block: its statements between braces, separated by `;`.
    static func dump(_ body: [Stmt]) -> String {
        "{" + body.map(\.dump).joined(separator: "; ") + "}"
    }
}

extension Expr {
    /// The expression as an S-expression (see `SourceProgram.dump`).
    public var dump: String {
        switch kind {
        case .number(let digits): return digits
        case .percent(let digits): return digits + "%"
        case .text(let segments):
            let parts = segments.map { segment -> String in
                switch segment {
                case .literal(let s): return s.debugDescription
                case .expr(let e): return "{\(e.dump)}"
                }
            }
            return "(text" + parts.map { " " + $0 }.joined() + ")"
        case .bool(let b): return b ? "true" : "false"
        case .none: return "none"
        case .date(let y, let m, let d): return "(date \(y) \(m) \(d))"
        case .time(let y, let mo, let d, let h, let mi, let s): return "(time \(y) \(mo) \(d) \(h) \(mi) \(s))"
        case .duration(let amount, let unit): return "(duration \(amount) \(unit.name))"
        case .name(let n): return n
        case .list(let items): return "[" + items.map(\.dump).joined(separator: " ") + "]"
        case .record(let fields): return FieldValue.dump(fields)
        case .construct(let type, let fields): return "(new \(type.name) \(FieldValue.dump(fields)))"
        case .unary(.negate, let e): return "(neg \(e.dump))"
        case .unary(.not, let e): return "(not \(e.dump))"
        case .binary(let op, let a, let b): return "(\(op.rawValue) \(a.dump) \(b.dump))"
        case .range(let a, let b): return "(.. \(a.dump) \(b.dump))"
        case .call(let f, let arguments): return "(call \(f.name)" + arguments.map { " " + $0.dump }.joined() + ")"
        case .member(let base, let field): return "(. \(base.dump) \(field.name))"
        case .index(let base, let i): return "([] \(base.dump) \(i.dump))"
        case .query(let source, let clauses):
            var out = "(query \(source.dump)"
            if let f = clauses.filter { out += " (where \(f.dump))" }
            if !clauses.order.isEmpty {
                out += " (order" + clauses.order.map { " \($0.expr.dump) \($0.descending ? "desc" : "asc")" }.joined() + ")"
            }
            if let l = clauses.limit { out += " (limit \(l.dump))" }
            return out + ")"
        case .aggregate(let kind, let field, let source):
            return "(\(kind.rawValue)" + Expr.dump(optional: field) + " \(source.dump))"
        case .add(let type, let fields): return "(add \(type.name) \(FieldValue.dump(fields)))"
        case .overdue(let type): return "(overdue \(type.name))"
        case .workload(let type): return "(workload \(type.name))"
        }
    }

    /// `" " + dump` of an expression that may be missing, or "" when it is.
    static func dump(optional e: Expr?) -> String {
        e.map { " " + $0.dump } ?? ""
    }
}

extension FieldValue {
    /// Fields as `{name: value, ...}`.
    static func dump(_ fields: [FieldValue]) -> String {
        "{" + fields.map { "\($0.name.name): \($0.value.dump)" }.joined(separator: ", ") + "}"
    }
}

extension AssignTarget {
    var dump: String {
        switch self {
        case .name(let id): return id.name
        case .member(let base, let field): return "(. \(base.dump) \(field.name))"
        case .index(let base, let i): return "([] \(base.dump) \(i.dump))"
        }
    }
}

extension TypeRef {
    var dump: String {
        switch self {
        case .named(let id): return id.name
        case .list(let element, _): return "[\(element.dump)]"
        }
    }
}

extension FieldDecl {
    var dump: String {
        "(field " + (isKey ? "key " : "") + "\(name.name) \(type.dump)" + (isPrivate ? " private" : "")
            + Expr.dump(optional: defaultValue) + ")"
    }
}

extension AccountOption {
    var dump: String {
        switch self {
        case .expireAfter(let e, _): return "(expire \(e.dump))"
        case .atMost(let e, _): return "(most \(e.dump))"
        case .atLeast(let e, _): return "(least \(e.dump))"
        }
    }
}

extension ProgrammeOption {
    var dump: String {
        switch self {
        case .category(let e, _): return "(category \(e.dump))"
        case .eligible(let e, _): return "(eligible \(e.dump))"
        case .capacity(let e, _): return "(capacity \(e.dump))"
        }
    }
}

extension CatalogueItem {
    var dump: String {
        "(item \(name.dump) \(cost.dump)" + (stock.map { " (stock \($0.dump))" } ?? "")
            + (limit.map { " (most \($0.dump) \(limitPeriod?.name.name ?? "?"))" } ?? "") + ")"
    }
}

extension SplitLine {
    var dump: String {
        switch self {
        case .share(let share, let party, _): return "(share \(share.dump) \(party.dump))"
        case .roundTo(let e, _): return "(round \(e.dump))"
        }
    }
}

extension AssignOption {
    var dump: String {
        switch self {
        case .weight(let e, _): return "(weight \(e.dump))"
        case .together(let e, _): return "(together \(e.dump))"
        case .atMost(let e, _): return "(most \(e.dump))"
        }
    }
}

extension EscalateLine {
    var dump: String {
        switch self {
        case .after(let e, let level, _): return "(after \(e.dump) \(level.dump))"
        case .until(let field, _): return "(until \(field.name))"
        }
    }
}
