import CivicStore
import CivicSyntax
import CivicCheck

/// A program ready to run: its top-level statements compiled to closures.
public struct CompiledProgram {
    let main: Exec
    public let globalCount: Int
    let rules: [CompiledRule]
    let programmes: [CompiledProgramme]
    let splits: [Split]
    let escalations: [Escalation]
    /// The functions the closures above call; kept by the machine the program runs on.
    let functionTable: FunctionTable

    /// Runs the top-level statements on a machine.
    public func run(on machine: Machine) throws(RuntimeError) {
        if machine.globals.count < globalCount {
            machine.globals += Array(repeating: .none, count: globalCount - machine.globals.count)
        }
        machine.rules += rules
        machine.functionTables.append(functionTable)
        for p in programmes { machine.programmes[p.name] = p }
        for s in splits { machine.splits[s.name] = s }
        for e in escalations { machine.escalations[e.event] = e }
        _ = try main(machine)
    }
}

/// A function's compiled body, filled in after every function has a box,
/// so that functions can call each other in any order.
final class CompiledFunction {
    let name: String
    let parameterCount: Int
    let slotCount: Int
    /// Read on every call: no run-time exclusivity check (see `Machine`).
    @exclusivity(unchecked) var body: Exec = { _ in .normal }

    init(name: String, parameterCount: Int, slotCount: Int) {
        self.name = name
        self.parameterCount = parameterCount
        self.slotCount = slotCount
    }
}

/// The compiler: checked program → closures.
///
/// Every name was resolved by the checker, so compiled code reads slots by
/// number; where the checker knew the operand types, the compiled code does
/// the arithmetic directly instead of asking what the values are.
public struct Compiler {
    let program: CheckedProgram
    var functions: [CompiledFunction]
    var diagnostics: [Diagnostic] = []
    /// How many queries enclose the expression being compiled: the index of
    /// the row its clauses read (the checker counts the same way).
    var queryDepth = 0
    /// Whether queries over stored entities are given to the store. Off, every
    /// query is done here over all rows: the tests compare both ways.
    var pushdown = true
    /// The program's source files, for explanations that quote the script.
    var sourceMap: SourceMap?
    /// The awards of the rule being compiled, counted: each award of a rule
    /// handles an event once, apart from the rule's other awards.
    var awardsInRule = 0
    /// The `assign` statements compiled so far, by the statement's span.
    var assigns: [Span: CompiledAssign] = [:]

    init(program: CheckedProgram) {
        self.program = program
        self.functions = program.functions.map {
            CompiledFunction(name: $0.name, parameterCount: $0.parameters.count, slotCount: $0.slotCount)
        }
    }

    /// Compiles the given statements (by default, every file of the program)
    /// with every function of the program. `running`, when given, is the part
    /// of them that runs (the declarations of all take effect).
    public static func compile(_ program: CheckedProgram, statements: [Stmt]? = nil, running: [Stmt]? = nil,
                               pushdown: Bool = true, sources: SourceMap? = nil) -> Result<CompiledProgram, DiagnosticList> {
        var compiler = Compiler(program: program, pushdown: pushdown, sources: sources)
        let compiled = compiler.program(statements ?? program.files.flatMap(\.statements), running: running)
        if !compiler.diagnostics.isEmpty {
            return .failure(DiagnosticList(compiler.diagnostics))
        }
        return .success(compiled)
    }

    init(program: CheckedProgram, pushdown: Bool, sources: SourceMap?) {
        self.init(program: program)
        self.pushdown = pushdown
        self.sourceMap = sources
    }

    /// Compiles every function, then the statements and what they declare.
    mutating func program(_ all: [Stmt], running: [Stmt]?) -> CompiledProgram {
        for (i, f) in program.functions.enumerated() {
            functions[i].body = block(f.body)
        }
        let main = block(running ?? all)
        return CompiledProgram(main: main, globalCount: program.globalCount, rules: rules(all), programmes: programmes(all),
                               splits: splits(all), escalations: escalations(all), functionTable: FunctionTable(functions))
    }

    mutating func unsupported(_ what: String, _ span: Span, hint: String? = nil) {
        diagnostics.append(.error("\(what) is not available in this version of Civic yet", at: span, hint: hint))
    }

    // MARK: Statements

    mutating func block(_ statements: [Stmt]) -> Exec {
        // The closures are kept in `Step`s, not in an array of closures: a
        // closure kept in an array is wrapped in two conversion thunks that
        // every call then goes through (a fifth of a loop's instructions).
        var compiled: [Step] = []
        for s in statements {
            if Compiler.runs(s) { compiled.append(Step(run: statement(s))) }
        }
        switch compiled.count {
        case 0: return { _ in .normal }
        case 1: return compiled[0].run
        case 2:
            let first = compiled[0].run, second = compiled[1].run
            return { m throws(RuntimeError) in
                let flow = try first(m)
                if case .normal = flow { return try second(m) }
                return flow
            }
        default:
            return { m throws(RuntimeError) in
                for s in compiled {
                    let flow = try s.run(m)
                    if case .normal = flow { continue }
                    return flow
                }
                return .normal
            }
        }
    }

    /// Stores a value into a declared slot.
    func store(_ ref: VarRef?, _ value: @escaping Eval) -> Exec {
        switch ref {
        case .global(let i)?:
            return { m throws(RuntimeError) in
                m.globals[i] = try value(m)
                return .normal
            }
        case .local(let i)?:
            return { m throws(RuntimeError) in
                let v = try value(m)
                m.stack[m.base &+ i] = v
                return .normal
            }
        case nil:
            return { m throws(RuntimeError) in _ = try value(m); return .normal }
        }
    }

    /// Whether a statement does something when it runs: declarations,
    /// functions and `use` take effect before (through the checked program).
    static func runs(_ s: Stmt) -> Bool {
        switch s.kind {
        case .function, .entity, .event, .account, .rule, .programme, .split, .escalate, .test, .cap, .budget, .use: return false
        default: return true
        }
    }

    /// A statement compiled (not an Optional: a closure kept in one is called
    /// through conversion thunks; see `Step`). Statements that do not `run`
    /// compile to nothing.
    mutating func statement(_ s: Stmt) -> Exec {
        switch s.kind {
        case .let(let name, let value), .var(let name, let value):
            return store(program.slots[name.span], expr(value))
        case .assign(let target, let value):
            if let grows = accumulation(target, value) { return grows.run }
            return assignment(target, expr(value))
        case .expr(let e):
            let value = expr(e)
            return { m throws(RuntimeError) in _ = try value(m); return .normal }
        case .if(let branches, let otherwise):
            return ifStatement(branches, otherwise)
        case .for(let variable, let sequence, let body):
            return forLoop(variable, sequence, body)
        case .while(let condition, let body):
            let test = boolean(condition, "the condition of 'while'")
            let run = block(body)
            let span = condition.span
            return { m throws(RuntimeError) in
                while try test(m) {
                    try m.step(span)
                    switch try run(m) {
                    case .normal, .continueLoop: continue
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    }
                }
                return .normal
            }
        case .break:
            return { _ in .breakLoop }
        case .continue:
            return { _ in .continueLoop }
        case .return(let value):
            guard let value else {
                return { m in m.returnValue = .none; return .returned }
            }
            let v = expr(value)
            return { m throws(RuntimeError) in
                m.returnValue = try v(m)
                return .returned
            }
        case .function:
            return { _ in .normal }
        case .print(let values):
            let parts = values.map { expr($0) }
            return { m throws(RuntimeError) in
                var line = ""
                for (i, p) in parts.enumerated() {
                    if i > 0 { line += " " }
                    line += try p(m).formatted(m.format)
                }
                m.output(.text(line))
                return .normal
            }
        case .show(let value):
            let v = expr(value)
            let span = value.span
            return { m throws(RuntimeError) in
                let shown = try v(m)
                // A range is shown as the List it stands for.
                if case .range = shown { _ = try m.items(of: shown, at: span) }
                try m.willShow(shown, at: span)
                m.output(.value(Compiler.keysMasked(shown, m)))
                return .normal
            }
        case .expect(let condition):
            return expectation(condition)
        case .expectError(let message, let body):
            return expectError(message, body, s.span)
        case .entity, .event, .account, .rule, .programme, .split, .escalate, .test, .cap, .budget:
            // Declarations take effect through the checked program; tests run under `civic test` (CompileTests).
            return { _ in .normal }
        case .use:
            // The files a script uses are read, checked and run before it (see Engine).
            return { _ in .normal }
        case .load(let entity, let path):
            return loadRows(entity, path, s.span)
        case .update(let target, let fields):
            return updateRow(target, fields, s.span)
        case .remove(let target):
            return removeRows(target, s.span)
        case .award(let amount, let account, let holder, let reason):
            return award(amount, account, holder, reason, s.span)
        case .charge(let amount, let account, let holder, let reason):
            return charge(amount, account, holder, reason, s.span)
        case .transfer(let amount, let account, let from, let to, let reason):
            return transfer(amount, account, from, to, reason, s.span)
        case .emit(let type, let fields):
            return emit(type, fields, s.span)
        case .enrol(let who, let programme):
            return enrol(who, programme, s.span)
        case .withdraw(let who, let programme):
            return withdraw(who, programme, s.span)
        case .redeem(let item, let holder):
            return redeem(item, holder, s.span)
        case .catalogue(let account, let items):
            return catalogue(account, items, s.span)
        case .assignment(let entity, let worker, let condition, let options):
            return assign(entity, worker, condition, options, s.span)
        case .clock(let time):
            return setClock(time, s.span)
        case .advance(let duration):
            return advanceClock(duration, s.span)
        case .explain(let inner):
            return explain(inner, s.span)
        }
    }

    mutating func ifStatement(_ branches: [(condition: Expr, body: [Stmt])], _ otherwise: [Stmt]?) -> Exec {
        let compiled = branches.map { (boolean($0.condition, "the condition of 'if'"), block($0.body)) }
        let elseBody = otherwise.map { block($0) }
        if compiled.count == 1, let (test, body) = compiled.first {
            if let elseBody {
                return { m throws(RuntimeError) in try test(m) ? try body(m) : try elseBody(m) }
            }
            return { m throws(RuntimeError) in try test(m) ? try body(m) : .normal }
        }
        return { m throws(RuntimeError) in
            for (test, body) in compiled where try test(m) {
                return try body(m)
            }
            if let elseBody { return try elseBody(m) }
            return .normal
        }
    }

    mutating func forLoop(_ variable: Identifier, _ sequence: Expr, _ body: [Stmt]) -> Exec {
        let items = expr(sequence)
        let run = block(body)
        let span = sequence.span
        // The loop variable's slot, written in place each turn (no closure call).
        let slot = program.slots[variable.span]
        @inline(__always) func set(_ m: Machine, _ v: Value) {
            switch slot {
            case .global(let i)?: m.globals[i] = v
            case .local(let i)?: m.stack[m.base &+ i] = v
            case nil: break
            }
        }
        return { m throws(RuntimeError) in
            let sequence = try items(m)
            switch sequence {
            case .range(let lo, let hi):
                if lo > hi { return .normal }
                var i = lo
                while true {
                    try m.step(span)
                    set(m, .number(Number(i)))
                    switch try run(m) {
                    case .normal, .continueLoop: break
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    }
                    if i == hi { break }
                    i += 1
                }
                return .normal
            case .list(let list):
                for item in list {
                    try m.step(span)
                    set(m, item)
                    switch try run(m) {
                    case .normal, .continueLoop: continue
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    }
                }
                return .normal
            default:
                throw RuntimeError("'for' needs a list to go through, found \(sequence.typeNameWithArticle)", at: span)
            }
        }
    }

    /// `expect CONDITION`: when the condition is false, says what was found
    /// and what was expected ("zhang.points is 20, expected 21"). In a test
    /// the failure is recorded and the test goes on; in a script the run stops.
    mutating func expectation(_ condition: Expr) -> Exec {
        let span = condition.span
        let source = { [sourceMap] (e: Expr) in sourceMap?.file(e.span.file)?.text(of: e.span) ?? "the condition" }
        if case .binary(let op, let left, let right) = condition.kind, let wanted = Compiler.expectedWording(op) {
            let l = expr(left), r = expr(right)
            let test = expr(condition)
            let leftText = source(left)
            return { m throws(RuntimeError) in
                guard case .bool(let ok) = try test(m) else { return .normal }
                if ok { return .normal }
                let lv = try l(m), rv = try r(m)
                try Compiler.failExpectation("\(leftText) is \(lv.literal(m.format)), expected \(wanted)\(rv.literal(m.format))", span, m)
                return .normal
            }
        }
        let test = boolean(condition, "what 'expect' checks")
        let text = source(condition)
        return { m throws(RuntimeError) in
            if try test(m) { return .normal }
            try Compiler.failExpectation("\(text) is false, expected true", span, m)
            return .normal
        }
    }

    /// How a failed comparison names what it expected, before the right side's value.
    static func expectedWording(_ op: BinaryOperator) -> String? {
        switch op {
        case .equal: return ""
        case .notEqual: return "anything but "
        case .less: return "less than "
        case .lessEqual: return "at most "
        case .greater: return "more than "
        case .greaterEqual: return "at least "
        default: return nil
        }
    }

    /// Records a failed `expect` in a test, or stops a script's run with it.
    static func failExpectation(_ message: String, _ span: Span, _ m: Machine) throws(RuntimeError) {
        if m.expectationFailures != nil {
            m.expectationFailures?.append(ExpectationFailure(message: message, span: span))
        } else {
            throw RuntimeError("expectation failed: \(message)", at: span)
        }
    }
}
