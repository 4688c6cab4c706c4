import CivicSyntax

/// Checking statements: scopes, slots, and what each statement requires.
extension Checker {
    func checkBlock(_ statements: [Stmt], newScope: Bool = true) {
        let outer = scope
        if newScope { scope = Scope(parent: outer) }
        defer { scope = outer }
        for statement in statements { checkStatement(statement) }
    }

    /// Declares a name in the current scope and gives it a slot.
    @discardableResult
    func declareVariable(_ id: Identifier, type: CivicType, constant: Bool, parameter: Bool = false) -> VarRef {
        if let existing = scope.names[id.name] {
            error("'\(id.name)' is already defined at line \(line(of: existing.span))", at: id.span,
                  hint: existing.isConstant ? "use another name" : "to change it, write '\(id.name) = ...' without 'var'")
        }
        let ref: VarRef
        if let frame {
            ref = .local(frame.slotCount)
            frame.slotCount += 1
        } else {
            ref = .global(globalCount)
            globalCount += 1
            globalNames.append(id.name)
        }
        scope.names[id.name] = Scope.Binding(ref: ref, isConstant: constant, isParameter: parameter, type: type, span: id.span)
        slots[id.span] = ref
        return ref
    }

    /// The binding of a variable visible here: locals of this frame, then globals.
    func lookupVariable(_ name: String) -> Scope.Binding? {
        var s: Scope? = scope
        while let current = s {
            if let b = current.names[name] { return b }
            if current.startsFrame { return globals.names[name] }
            s = current.parent
        }
        return nil
    }

    /// Updates the recorded type of a variable after an assignment.
    func updateVariableType(_ name: String, _ type: CivicType) {
        var s: Scope? = scope
        while let current = s {
            if current.names[name] != nil {
                current.names[name]?.type = type
                return
            }
            s = current.parent
        }
    }

    /// Requires a Bool, as conditions do (there is no "truthiness").
    func requireBool(_ expr: Expr, _ type: CivicType, _ what: String) {
        if !type.mayBe(.bool) {
            error("\(what) must be true or false (a Bool), found \(type.withArticle)", at: expr.span,
                  hint: type == .number ? "compare it, as in 'x > 0'" : nil)
        }
    }

    func require(_ expr: Expr, _ type: CivicType, is expected: CivicType, _ what: String, hint: String? = nil) {
        if !type.mayBe(expected) {
            error("\(what) must be \(expected.withArticle), found \(type.withArticle)", at: expr.span, hint: hint)
        }
    }

    /// Runs `body` as a function-like frame (function, rule, test).
    func inFrame(_ name: String, isFunction: Bool, _ body: () -> Void) -> Int {
        let savedFrame = frame, savedScope = scope, savedLoops = loopDepth, savedRows = rows
        let f = Frame(name: name, isFunction: isFunction)
        frame = f
        scope = Scope(parent: globals, startsFrame: true)
        loopDepth = 0
        rows = []
        body()
        frame = savedFrame
        scope = savedScope
        loopDepth = savedLoops
        rows = savedRows
        return f.slotCount
    }

    func checkStatement(_ statement: Stmt) {
        switch statement.kind {
        case .let(let name, let value):
            let type = checkExpr(value)
            declareVariable(name, type: type, constant: true)
        case .var(let name, let value):
            let type = checkExpr(value)
            declareVariable(name, type: type == .none ? .any : type, constant: false)
        case .assign(let target, let value):
            let type = checkExpr(value)
            checkAssignment(target, type)
        case .expr(let e):
            _ = checkExpr(e)
        case .if(let branches, let otherwise):
            for branch in branches {
                requireBool(branch.condition, checkExpr(branch.condition), "the condition of 'if'")
                checkBlock(branch.body)
            }
            if let otherwise { checkBlock(otherwise) }
        case .for(let variable, let sequence, let body):
            let type = checkExpr(sequence)
            var element: CivicType = .any
            if let e = type.element {
                element = e
            } else {
                error("'for' needs a list to go through, found \(type.withArticle)", at: sequence.span,
                      hint: type == .number ? "to count, write 'for i in 1..n'" : nil)
            }
            let outer = scope
            scope = Scope(parent: outer)
            declareVariable(variable, type: element, constant: true)
            scope.names[variable.name]?.isLoopVariable = true
            loopDepth += 1
            checkBlock(body)
            loopDepth -= 1
            scope = outer
        case .while(let condition, let body):
            requireBool(condition, checkExpr(condition), "the condition of 'while'")
            loopDepth += 1
            checkBlock(body)
            loopDepth -= 1
        case .break, .continue:
            if loopDepth == 0 {
                let word = { if case .break = statement.kind { return "break" } else { return "continue" } }()
                error("'\(word)' is only allowed inside a 'for' or 'while' loop", at: statement.span)
            }
        case .function(let name, let parameters, let body):
            checkFunction(name, parameters, body, statement)
        case .return(let value):
            if let value { _ = checkExpr(value) }
            if frame?.isFunction != true {
                error("'return' is only allowed inside a function", at: statement.span,
                      hint: "to stop a script early there is no 'return'; put the rest in an 'if'")
            }
        case .print(let values):
            for v in values { _ = checkExpr(v) }
        case .show(let value):
            _ = checkExpr(value)
        default:
            checkGovernance(statement)
        }
    }

    func checkFunction(_ name: Identifier, _ parameters: [Identifier], _ body: [Stmt], _ statement: Stmt) {
        guard frame == nil, scope === globals else {
            error("functions are declared at the top level of a file, not inside a block", at: name.span,
                  hint: "move 'fn \(name.name)' out of the block")
            return
        }
        guard let index = functionIndex[name.name], functions[index].span == name.span else { return }
        if Builtins.all[name.name] != nil {
            error("'\(name.name)' is the name of a built-in function", at: name.span, hint: "choose another name")
        }
        let size = inFrame(name.name, isFunction: true) {
            for p in parameters {
                declareVariable(p, type: .any, constant: true, parameter: true)
            }
            checkBlock(body, newScope: false)
        }
        functions[index].slotCount = size
    }

    func checkAssignment(_ target: AssignTarget, _ type: CivicType) {
        switch target {
        case .name(let id):
            guard let binding = lookupVariable(id.name) else {
                if rows.isEmpty, functionIndex[id.name] == nil {
                    error("unknown name '\(id.name)'", at: id.span,
                          hint: Suggestions.hint(for: id.name, in: visibleNames()).map { "\($0) Or declare it with 'var \(id.name) = ...'" }
                            ?? "declare it first with 'var \(id.name) = ...'")
                } else {
                    error("'\(id.name)' is not a variable", at: id.span)
                }
                return
            }
            slots[id.span] = binding.ref
            if binding.isConstant {
                if binding.isLoopVariable {
                    error("'\(id.name)' is the loop's variable and cannot be changed", at: id.span,
                          hint: "copy it first: 'var my_\(id.name) = \(id.name)'")
                    return
                }
                let what = binding.isParameter ? "a parameter" : "defined with 'let'"
                error("'\(id.name)' is \(what) and cannot be changed", at: id.span,
                      hint: binding.isParameter ? "copy it first: 'var my_\(id.name) = \(id.name)'" : "declare it with 'var' at line \(line(of: binding.span)) to change it")
                return
            }
            if binding.type != .any, type != .any, !type.mayBe(binding.type), type != .none {
                error("'\(id.name)' holds \(binding.type.withArticle) and cannot be given \(type.withArticle)", at: id.span,
                      hint: "use a new name for the \(type) value")
            } else if binding.type == .any, type == .any {
                // nothing learnt
            } else if binding.type != type {
                updateVariableType(id.name, binding.type == .any ? .any : CivicType.join(binding.type, type))
            }
        case .member(let base, let field):
            guard let baseType = checkTargetBase(base) else { return }
            switch baseType {
            case .record(let r):
                if r.field(field.name) == nil {
                    error("this record has no field '\(field.name)'", at: field.span,
                          hint: Suggestions.hint(for: field.name, in: r.fields.map(\.name)))
                }
            case .any: break
            case .entity, .event:
                error("a stored row is changed with 'update', not '='", at: field.span,
                      hint: "write 'update ROW { \(field.name): VALUE }'")
            default:
                error("\(baseType.withArticle) has no fields", at: field.span)
            }
        case .index(let base, let index):
            guard let baseType = checkTargetBase(base) else { return }
            require(index, checkExpr(index), is: .number, "a list index")
            if baseType.element == nil {
                error("only a list's items can be changed with [ ], found \(baseType.withArticle)", at: index.span)
            }
        }
    }

    /// Checks the root of `a.b[c] = ...`: it must be a `var`. Returns the type of the part.
    func checkTargetBase(_ target: AssignTarget) -> CivicType? {
        switch target {
        case .name(let id):
            guard let binding = lookupVariable(id.name) else {
                error("unknown name '\(id.name)'", at: id.span, hint: Suggestions.hint(for: id.name, in: visibleNames()))
                return nil
            }
            slots[id.span] = binding.ref
            if binding.isConstant {
                error("'\(id.name)' is \(binding.isParameter ? "a parameter" : "defined with 'let'") and cannot be changed", at: id.span,
                      hint: "declare it with 'var' to change its parts")
                return nil
            }
            return binding.type
        case .member(let base, let field):
            guard let t = checkTargetBase(base) else { return nil }
            if case .record(let r) = t {
                guard let f = r.field(field.name) else {
                    error("this record has no field '\(field.name)'", at: field.span,
                          hint: Suggestions.hint(for: field.name, in: r.fields.map(\.name)))
                    return nil
                }
                return f.type
            }
            return .any
        case .index(let base, let index):
            guard let t = checkTargetBase(base) else { return nil }
            require(index, checkExpr(index), is: .number, "a list index")
            return t.element ?? .any
        }
    }

    /// Every name a person could mean here, for "did you mean".
    func visibleNames() -> [String] {
        var names: [String] = []
        var s: Scope? = scope
        while let current = s {
            names += current.names.keys
            s = current.parent
        }
        names += globals.names.keys
        names += functionIndex.keys
        names += Builtins.all.keys
        names += schema.typeNames
        for row in rows {
            names += fieldNames(of: row)
        }
        return names
    }
}
