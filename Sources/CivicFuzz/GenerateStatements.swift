extension ProgramGenerator {
    /// One statement; `depth` is how deep in blocks it stands (deeper, fewer blocks).
    mutating func statement(depth: Int) {
        statementBudget -= 1
        let choice = input.choose(depth > 3 ? 10 : 16)
        switch choice {
        case 0, 1: declaration()
        case 2: assignment()
        case 3: emit("print \(anyExpression(depth: 1))\(input.oneIn(3) ? ", \(anyExpression(depth: 2))" : "")")
        case 4: emit("show \(input.oneIn(2) ? records(depth: 1) : anyExpression(depth: 1))")
        case 5: storeStatement()
        case 6: governanceStatement()
        case 7: emit("expect true == \(bool(depth: 1))")
        case 8: loopControl()
        case 9: emit("\(anyExpression(depth: 1))")
        case 10, 11: ifStatement(depth: depth)
        case 12, 13: forStatement(depth: depth)
        case 14: whileStatement(depth: depth)
        default: emit("print \(anyExpression(depth: 0))")
        }
    }

    /// `let` or `var` of a value of some kind.
    mutating func declaration() {
        let kind = input.pick(Kind.allCases) ?? .number
        let mutable = input.oneIn(2)
        let value = expression(of: kind, depth: 1)
        let name = freshName("v")
        emit("\(mutable ? "var" : "let") \(name) = \(value)")
        declare(name, kind, mutable: mutable)
    }

    /// An assignment to a `var`, to an item of a list, or to a field of a record.
    mutating func assignment() {
        guard let target = input.pick(scopes.joined().filter(\.mutable)) else {
            declaration()
            return
        }
        switch (target.kind, input.choose(3)) {
        case (.numbers, 0):
            emit("\(target.name)[\(number(depth: 2))] = \(number(depth: 2))")
        case (.numbers, 1):
            emit("\(target.name) = append(\(target.name), \(number(depth: 2)))")
        case (.record, 0):
            emit("\(target.name).a = \(number(depth: 2))")
        case (.text, 0):
            emit("\(target.name) = \(target.name) + \(text(depth: 2))")
        default:
            emit("\(target.name) = \(expression(of: target.kind, depth: 1))")
        }
    }

    /// `break` or `continue` inside a loop, `return` inside a function; a print elsewhere.
    mutating func loopControl() {
        if loopDepth > 0 && input.oneIn(2) {
            emit(input.oneIn(2) ? "break" : "continue")
        } else if inFunction {
            emit("return \(number(depth: 2))")
        } else {
            emit("print \(text(depth: 1))")
        }
    }

    mutating func body(depth: Int) {
        for _ in 0..<(1 + input.choose(3)) where statementBudget > 0 {
            statement(depth: depth + 1)
        }
    }

    mutating func ifStatement(depth: Int) {
        emit("if \(bool(depth: 1)) {")
        inner(depth: depth)
        while input.oneIn(3) {
            emit("} else if \(bool(depth: 1)) {")
            inner(depth: depth)
        }
        if input.oneIn(2) {
            emit("} else {")
            inner(depth: depth)
        }
        emit("}")
    }

    /// The statements of a block whose braces the caller writes.
    mutating func inner(depth: Int) {
        indent += 1
        scopes.append([])
        body(depth: depth)
        scopes.removeLast()
        indent -= 1
    }

    mutating func forStatement(depth: Int) {
        let name = freshName("i")
        let header: String
        let kind: Kind
        switch input.choose(4) {
        case 0:
            header = "for \(name) in \(number(depth: 2))..\(number(depth: 2))"
            kind = .number
        case 1:
            header = "for \(name) in \(texts(depth: 2))"
            kind = .text
        case 2:
            header = "for \(name) in \(records(depth: 1))"
            kind = .record
        default:
            if declared.entity && input.oneIn(2) {
                header = "for \(name) in Resident\(input.oneIn(2) ? " where age > \(number(depth: 3))" : "")"
                kind = .resident
            } else {
                header = "for \(name) in \(numbers(depth: 1))"
                kind = .number
            }
        }
        loopDepth += 1
        block(header) { g in
            g.declare(name, kind, mutable: false)
            g.body(depth: depth)
        }
        loopDepth -= 1
    }

    /// A `while` loop with a counter, so that it usually ends before the step limit.
    mutating func whileStatement(depth: Int) {
        let counter = freshName("n")
        emit("var \(counter) = 0")
        declare(counter, .number, mutable: false)
        loopDepth += 1
        let condition = input.oneIn(4) ? bool(depth: 1) : "\(counter) < \(input.int(in: 0...50))"
        block("while \(condition)") { g in
            if !g.input.oneIn(8) { g.emit("\(counter) = \(counter) + 1") }
            g.body(depth: depth)
        }
        loopDepth -= 1
    }

    /// `add`, `update`, `remove` of residents.
    mutating func storeStatement() {
        guard declared.entity else { return emit("print \(number(depth: 1))") }
        let residents = variables(of: .resident)
        switch input.choose(5) {
        case 0, 1:
            let name = freshName("r")
            emit("let \(name) = \(addResident())")
            declare(name, .resident, mutable: false)
        case 2:
            if let r = input.pick(residents) {
                emit("update \(r.name) { age: \(number(depth: 2)) }")
            } else {
                emit("update first Resident where age < \(number(depth: 2)) { name: \(text(depth: 2)) }")
            }
        case 3:
            if let r = input.pick(residents), input.oneIn(2) {
                emit("remove \(r.name)")
            } else {
                emit("for x in Resident where age > \(number(depth: 2)) { remove x }")
            }
        default:
            emit(addResident())
        }
    }

    /// `add Resident { ... }` with a key that may be taken already.
    mutating func addResident() -> String {
        var fields = ["id: \"R\(input.choose(6))\"", "name: \(text(depth: 2))", "age: \(number(depth: 2))"]
        if declared.residentFields.contains("joined") { fields.append("joined: \(date(depth: 2))") }
        if declared.residentFields.contains("phone") { fields.append("phone: \(text(depth: 2))") }
        if declared.residentFields.contains("alone") && input.oneIn(2) { fields.append("alone: \(bool(depth: 2))") }
        if input.oneIn(8) { fields.remove(at: input.choose(fields.count)) }
        return "add Resident { \(fields.joined(separator: ", ")) }"
    }

    /// A statement about the books: awards, charges, transfers, events,
    /// redeeming, programmes, `explain`, splits and escalations.
    mutating func governanceStatement() {
        guard declared.entity, let holder = resident() else { return storeStatement() }
        switch input.choose(9) {
        case 0, 1, 2:
            guard let account = input.pick(declared.accounts) else { return storeStatement() }
            let amount = input.oneIn(3) ? "0 + \(number(depth: 2))" : numberLiteral()
            switch input.choose(3) {
            case 0: emit("award \(amount) \(account) to \(holder) for \(text(depth: 2))")
            case 1: emit("charge \(amount) \(account) from \(holder)\(input.oneIn(2) ? " for \"late\"" : "")")
            default: emit("transfer \(amount) \(account) from \(holder) to \(resident() ?? holder)")
            }
        case 3, 4:
            guard declared.event else { return storeStatement() }
            var fields = ["volunteer: \(holder)", "hours: \(number(depth: 2))", "kind: \(text(depth: 2))"]
            if input.oneIn(2) { fields.insert("id: \"S\(input.choose(5))\"", at: 0) }
            if input.oneIn(2) { fields.append("at: \(time(depth: 2))") }
            emit("emit Service { \(fields.joined(separator: ", ")) }")
        case 5:
            guard let item = input.pick(declared.catalogue) else { return emit("explain \(holder).\(input.pick(declared.accounts) ?? "age")") }
            emit("\(input.oneIn(3) ? "explain " : "")redeem \"\(input.oneIn(8) ? "Ric" : item)\" for \(holder)")
        case 6:
            guard let programme = declared.programme else { return emit("show \(holder)") }
            switch input.choose(3) {
            case 0: emit("explain enrol \(holder) in \"\(programme)\"")
            case 1: emit("enrol \(holder) in \"\(programme)\"")
            default: emit("withdraw \(holder) from \"\(programme)\"")
            }
        case 7:
            if let account = input.pick(declared.accounts) { emit("explain \(holder).\(account)") }
        default:
            if declared.escalate {
                emit("show overdue Service\(input.oneIn(2) ? " where level == \"street\"" : "")")
                if input.oneIn(2) { emit("update first Service where hours > \(number(depth: 2)) { handled: true }") }
            } else if let split = declared.split {
                emit("show allocate(\(number(depth: 2)), \"\(split)\")")
            }
        }
    }

    /// An expression for a stored resident: a variable, the event's
    /// volunteer, or a query's first row (which may be none).
    mutating func resident() -> String? {
        guard declared.entity else { return nil }
        var choices = variables(of: .resident).map(\.name)
        if ruleEvent != nil { choices.append("s.volunteer") }
        if choices.isEmpty || input.oneIn(5) {
            return "(first Resident\(input.oneIn(2) ? " where age >= \(input.int(in: 0...90))" : ""))"
        }
        return input.pick(choices)
    }
}
