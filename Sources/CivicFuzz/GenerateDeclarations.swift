extension ProgramGenerator {
    /// The declarations at the top of a script: each present or not as the
    /// bytes choose, with options chosen too. Everything after them is
    /// written against the entity `Resident` and event `Service` declared here.
    mutating func declarations() {
        guard input.choose(4) != 0 else { return }
        declared.entity = true
        var fields = ["key id: Text", "name: Text", "age: Number"]
        if input.oneIn(2) { fields.append("joined: Date"); declared.residentFields.append("joined") }
        if input.oneIn(3) { fields.append("alone: Bool = false"); declared.residentFields.append("alone") }
        if input.oneIn(3) { fields.append("phone: Text private"); declared.residentFields.append("phone") }
        if input.oneIn(2) {
            emit("entity Resident { \(fields.joined(separator: ", ")) }")
        } else {
            emit("entity Resident {")
            for field in fields { emit("  " + field) }
            emit("}")
        }

        for name in ["points", "credits"] where input.choose(3) != 0 {
            declared.accounts.append(name)
            var options: [String] = []
            if input.oneIn(3) { options.append("expire after \(input.int(in: 1...30)) \(input.pick(["days", "months", "years", "weeks"]) ?? "days")") }
            if input.oneIn(3) { options.append("at most \(numberLiteral())") }
            if input.oneIn(4) { options.append("at least \(input.oneIn(2) ? "-" : "")\(input.int(in: 0...100))") }
            emit(options.isEmpty ? "account \(name) of Resident" : "account \(name) of Resident { \(options.joined(separator: "; ")) }")
        }

        if input.choose(3) != 0 {
            declared.event = true
            emit("event Service { volunteer: Resident, hours: Number, kind: Text }")
            for _ in 0..<input.choose(3) { rule() }
        }
        if let account = input.pick(declared.accounts), input.oneIn(2) {
            declared.catalogue = ["Rice", "Haircut"]
            emit("catalogue \(account) {")
            emit("  \"Rice\" costs \(numberLiteral()), stock \(input.int(in: 0...5))")
            emit("  \"Haircut\" costs \(numberLiteral())\(input.oneIn(2) ? ", at most \(input.int(in: 1...3)) per \(period())" : "")")
            emit("}")
        }
        if input.oneIn(3) {
            declared.programme = "Visits"
            emit("programme \"Visits\" {")
            if input.oneIn(2) { emit("  eligible Resident where age >= \(input.int(in: 0...100))") }
            if input.oneIn(2) { emit("  capacity \(input.int(in: 0...3))") }
            emit("}")
        }
        if input.oneIn(3) {
            declared.split = "income"
            let first = input.int(in: 1...99)
            emit("split \"income\" {")
            emit("  \(first)% to \"provider\"")
            emit("  \(100 - first)% to \"fund\"")
            if input.oneIn(2) { emit("  round to \(input.pick(["1", "0.01", "0.5", "10"]) ?? "1")") }
            emit("}")
        }
        if declared.event && input.oneIn(3) {
            declared.escalate = true
            emit("escalate Service {")
            emit("  after \(input.int(in: 1...48)) hours to \"community\"")
            if input.oneIn(2) { emit("  after \(input.int(in: 1...9)) days to \"street\"") }
            emit("  until handled")
            emit("}")
        }
    }

    /// A rule on `Service`: a condition perhaps, awards, caps and budgets, and statements.
    mutating func rule() {
        nextName += 1
        let event = "s"
        let condition = input.oneIn(2) ? " when s.hours > \(input.int(in: 0...5))" : ""
        block("rule \"r\(nextName)\" on Service \(event)\(condition)") { g in
            g.ruleEvent = event
            if let account = g.input.pick(g.declared.accounts) {
                g.emit("award \(g.input.oneIn(2) ? "s.hours" : g.numberLiteral()) \(account) to s.volunteer")
                if g.input.oneIn(2) { g.emit("cap \(g.input.int(in: 1...50)) per \(g.period())") }
                if g.input.oneIn(3) { g.emit("budget \(g.input.int(in: 1...100)) per \(g.period())") }
            }
            for _ in 0..<g.input.choose(3) { g.statement(depth: 2) }
            g.ruleEvent = nil
        }
    }

    /// A calendar period of a cap, budget or catalogue limit.
    mutating func period() -> String {
        input.pick(["day", "week", "month", "year"]) ?? "day"
    }

    /// A function with Number parameters that returns a Number; it may call
    /// itself, with or without a way to stop.
    mutating func function() {
        let name = freshName("f")
        let arity = input.choose(3)
        let parameters = (0..<arity).map { "p\($0)" }
        functions.append((name, arity))
        let header = "fn \(name)(\(parameters.joined(separator: ", ")))"
        let saved = (loopDepth, inFunction, scopes)
        loopDepth = 0
        inFunction = true
        scopes = [scopes[0]]
        if input.oneIn(3) {
            scopes.append(parameters.map { Variable(name: $0, kind: .number, mutable: false) })
            emit("\(header) = \(number(depth: 1))")
        } else {
            block(header) { g in
                for p in parameters { g.declare(p, .number, mutable: false) }
                if arity > 0 && g.input.oneIn(2) {
                    g.emit("if p0 <= 0 { return \(g.numberLiteral()) }")
                }
                for _ in 0..<(1 + g.input.choose(4)) { g.statement(depth: 1) }
                g.emit("return \(g.number(depth: 1))")
            }
        }
        (loopDepth, inFunction, scopes) = saved
    }

    /// A `test` block: statements with `clock`, `advance` and `expect` among them.
    mutating func test() {
        hasTests = true
        nextName += 1
        let saved = inTest
        inTest = true
        block("test \"t\(nextName)\"") { g in
            if g.input.oneIn(2) { g.emit("clock \(g.timeLiteral())") }
            for _ in 0..<(1 + g.input.choose(5)) {
                if g.input.oneIn(4) { g.emit("advance \(g.input.int(in: 0...400)) \(g.input.pick(["days", "hours", "months", "years"]) ?? "days")") }
                g.statement(depth: 1)
            }
        }
        inTest = saved
    }
}
