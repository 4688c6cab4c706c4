import CivicStore
import CivicSyntax
import CivicCheck

/// The schema a store must hold for a checked program: its entities, their
/// fields' stored types, and their defaults worked out to values.
public enum StoreSchemaBuilder {
    public static func schema(of program: CheckedProgram) -> Result<StoreSchema, DiagnosticList> {
        var entities: [StoredEntity] = []
        var errors: [Diagnostic] = []
        for name in program.schema.order {
            guard let e = program.schema.type(named: name) else { continue }
            if name.hasPrefix("civic_") {
                errors.append(.error("entity names starting with 'civic_' are kept for the store's own tables", at: e.span))
                continue
            }
            var fields: [StoredField] = []
            for f in e.fields {
                guard let type = storedType(f.type) else {
                    errors.append(.error("the field '\(f.name)' of \(name) has a type the store cannot keep", at: f.span))
                    continue
                }
                var defaultValue: Value?
                if let d = f.defaultValue {
                    switch Compiler.constant(d, in: program) {
                    case .success(let v): defaultValue = v
                    case .failure(let diagnostic): errors.append(diagnostic)
                    }
                }
                fields.append(StoredField(name: f.name, type: type, isKey: f.isKey, isPrivate: f.isPrivate,
                                          defaultValue: defaultValue, isGenerated: f.isGenerated))
            }
            entities.append(StoredEntity(name: name, fields: fields))
        }
        entities += Books.entities
        return errors.isEmpty ? .success(StoreSchema(entities: entities)) : .failure(DiagnosticList(errors))
    }

    /// The accounts a program declares, with their options worked out.
    public static func accounts(of program: CheckedProgram) -> Result<[StoredAccount], DiagnosticList> {
        var out: [StoredAccount] = []
        var errors: [Diagnostic] = []
        for file in program.files {
            for s in file.statements {
                guard case .account(let name, let holder, let options) = s.kind else { continue }
                var account = StoredAccount(name: name.name, holder: holder.name)
                for option in options {
                    switch option {
                    case .expireAfter(let e, _):
                        switch Compiler.constant(e, in: program) {
                        case .success(.duration(let d)): account.expireAfter = d
                        case .success: errors.append(.error("'expire after' needs a Duration, as in 2 years", at: e.span))
                        case .failure(let d): errors.append(d)
                        }
                    case .atMost(let e, _), .atLeast(let e, _):
                        switch Compiler.constant(e, in: program) {
                        case .success(.number(let n)):
                            if case .atMost = option { account.atMost = n } else { account.atLeast = n }
                        case .success: errors.append(.error("the limit must be a Number", at: e.span))
                        case .failure(let d): errors.append(d)
                        }
                    }
                }
                if let most = account.atMost, most < account.atLeast {
                    errors.append(.error("'at most \(most)' is below the account's floor \(account.atLeast)", at: s.span))
                }
                out.append(account)
            }
        }
        return errors.isEmpty ? .success(out) : .failure(DiagnosticList(errors))
    }

    static func storedType(_ t: CivicType) -> StoredType? {
        switch t {
        case .number: return .number
        case .text: return .text
        case .bool: return .bool
        case .date: return .date
        case .time: return .time
        case .duration: return .duration
        case .entity(let e): return .reference(e)
        case .list(let element): return storedType(element).map { .list($0) }
        default: return nil
        }
    }
}

extension Compiler {
    /// The value of an expression that needs nothing from a run (a field's default).
    static func constant(_ e: Expr, in program: CheckedProgram) -> Result<Value, Diagnostic> {
        let readsVariables = e.contains { sub in
            switch program.resolution(of: sub) {
            case .variable?, .rowField?, .entity?, .event?, .function?: return true
            default: return false
            }
        }
        if readsVariables {
            return .failure(Diagnostic(.error, "this must be a value written out, worked out before the run (not from a variable or a field)",
                                       at: e.span))
        }
        var compiler = Compiler(program: program)
        let eval = compiler.expr(e)
        if let first = compiler.diagnostics.first { return .failure(first) }
        let machine = Machine(globalCount: program.globalCount, now: CivicTime.earliest, output: { _ in })
        do throws(RuntimeError) {
            return .success(try eval(machine))
        } catch {
            return .failure(Diagnostic(.error, "a default must be a value worked out before the run: \(error.message)", at: e.span))
        }
    }
}
