import CivicStore
import CivicSyntax
import CivicCheck

/// A programme, compiled: who may enrol and how many.
final class CompiledProgramme {
    let name: String
    let entity: String?
    /// The `where` of `eligible`, run with the candidate as the row.
    let eligible: ((Machine) throws(RuntimeError) -> Bool)?
    /// Why a candidate fails `eligible`, in plain words.
    let reasons: [(Machine) throws(RuntimeError) -> String?]
    let capacity: Int?

    init(name: String, entity: String?, eligible: ((Machine) throws(RuntimeError) -> Bool)?,
         reasons: [(Machine) throws(RuntimeError) -> String?], capacity: Int?) {
        self.name = name
        self.entity = entity
        self.eligible = eligible
        self.reasons = reasons
        self.capacity = capacity
    }
}

/// An item of a catalogue.
struct CatalogueEntry {
    var name: String
    var account: String
    var cost: Number
    var stock: Number?
    var limit: (count: Int, period: CalendarPeriod)?
}

/// A decision of `enrol` or `redeem`: allowed, or the reason it is not.
struct Decision {
    var allowed: Bool
    var reason: String
}

extension Compiler {
    /// Compiles the programme declarations.
    mutating func programmes(_ statements: [Stmt]) -> [CompiledProgramme] {
        var out: [CompiledProgramme] = []
        for s in statements {
            guard case .programme(let nameExpr, let options) = s.kind else { continue }
            guard case .success(.text(let name)) = Compiler.constant(nameExpr, in: program) else {
                diagnostics.append(.error("a programme's name must be a Text", at: nameExpr.span))
                continue
            }
            var entity: String?
            var eligible: ((Machine) throws(RuntimeError) -> Bool)?
            var reasons: [(Machine) throws(RuntimeError) -> String?] = []
            var capacity: Int?
            for option in options {
                switch option {
                case .category:
                    break
                case .capacity(let e, _):
                    guard case .success(.number(let n)) = Compiler.constant(e, in: program), let c = n.intValue, c >= 0 else {
                        diagnostics.append(.error("a capacity must be a whole Number, 0 or more", at: e.span))
                        continue
                    }
                    capacity = c
                case .eligible(let e, _):
                    var source = e
                    var filter: Expr?
                    if case .query(let s, let clauses) = e.kind {
                        source = s
                        filter = clauses.filter
                    }
                    guard case .entity(let name)? = program.resolution(of: source) else {
                        diagnostics.append(.error("'eligible' names who may enrol, as in 'eligible Resident where age >= 16'", at: e.span))
                        continue
                    }
                    entity = name
                    if let filter {
                        queryDepth = 1
                        eligible = boolean(filter, "the condition after 'where'")
                        reasons = Compiler.conjuncts(filter).map { reason(for: $0) }
                        queryDepth = 0
                    }
                }
            }
            out.append(CompiledProgramme(name: name, entity: entity, eligible: eligible, reasons: reasons, capacity: capacity))
        }
        return out
    }

    /// A closure that says, in plain words, why a condition does not hold
    /// for the current row ("age 15 is below 16"), or nil if it holds.
    mutating func reason(for condition: Expr) -> (Machine) throws(RuntimeError) -> String? {
        let test = boolean(condition, "the condition")
        let source = sources(condition)
        if case .binary(let op, let left, let right) = condition.kind,
           let comparison = Compiler.comparison(op) {
            let l = expr(left), r = expr(right)
            let leftText = sources(left)
            return { m throws(RuntimeError) in
                if try test(m) { return nil }
                let a = try l(m).formatted(m.format), b = try r(m).formatted(m.format)
                switch comparison {
                case .greaterEqual, .greater: return "\(leftText) \(a) is \(comparison == .greater ? "not above" : "below") \(b)"
                case .lessEqual, .less: return "\(leftText) \(a) is \(comparison == .less ? "not below" : "above") \(b)"
                case .equal: return "\(leftText) is \(a), not \(b)"
                case .notEqual: return "\(leftText) is \(a)"
                }
            }
        }
        return { m throws(RuntimeError) in try test(m) ? nil : "'\(source)' does not hold" }
    }

    /// The source text of an expression, for explanations.
    func sources(_ e: Expr) -> String {
        sourceMap?.file(e.span.file)?.text(of: e.span) ?? "the condition"
    }
}
