import CivicSyntax

/// Checking the statements that govern a community: data, accounts, rules,
/// programmes, catalogue, split, assignment, escalation and tests.
extension Checker {
    func checkGovernance(_ statement: Stmt) {
        switch statement.kind {
        case .entity(let name, let fields), .event(let name, let fields):
            requireTopLevel(statement, "declarations of '\(name.name)'")
            for field in fields {
                guard let value = field.defaultValue else { continue }
                let t = checkExpr(value)
                if let declared = schema.type(named: name.name)?.field(field.name.name)?.type, !t.mayBe(declared), t != .none {
                    error("the default of '\(field.name.name)' must be \(declared.withArticle), found \(t.withArticle)", at: value.span)
                }
            }
        case .account(_, _, let options):
            requireTopLevel(statement, "an account")
            for option in options {
                switch option {
                case .expireAfter(let e, _): require(e, checkExpr(e), is: .duration, "the time after 'expire after'", hint: "write 'expire after 2 years'")
                case .atMost(let e, _): require(e, checkExpr(e), is: .number, "the amount after 'at most'")
                case .atLeast(let e, _): require(e, checkExpr(e), is: .number, "the amount after 'at least'")
                }
            }
        case .use(let path):
            require(path, checkExpr(path), is: .text, "the file after 'use'")
        case .load(let entity, let path):
            requireEntity(entity)
            require(path, checkExpr(path), is: .text, "the file after 'from'")
        case .update(let target, let fields):
            let t = checkExpr(target)
            var rowType: String?
            if case .entity(let name) = t { rowType = name }
            if case .event(let name) = t { rowType = name }
            if let name = rowType, let e = schema.type(named: name) {
                for f in fields {
                    let ft = checkExpr(f.value)
                    guard let declared = e.field(f.name.name) else {
                        error("\(name) has no field '\(f.name.name)'", at: f.name.span,
                              hint: Suggestions.hint(for: f.name.name, in: e.fields.map(\.name)))
                        continue
                    }
                    if declared.isKey { error("the key '\(declared.name)' of \(name) cannot be changed", at: f.name.span) }
                    if !ft.mayBe(declared.type), ft != .none {
                        error("the field '\(f.name.name)' of \(name) holds \(declared.type.withArticle), found \(ft.withArticle)", at: f.value.span)
                    }
                }
            } else {
                if t != .any { error("'update' changes a stored row, found \(t.withArticle)", at: target.span) }
                for f in fields { checkExpr(f.value) }
            }
        case .remove(let target):
            checkExpr(target)
        case .award(let amount, let account, let holder, let reason), .charge(let amount, let account, let holder, let reason):
            require(amount, checkExpr(amount), is: .number, "the amount")
            checkAccountHolder(account, holder)
            if let reason { require(reason, checkExpr(reason), is: .text, "the reason after 'for'") }
        case .transfer(let amount, let account, let from, let to, let reason):
            require(amount, checkExpr(amount), is: .number, "the amount")
            if checkAccountHolder(account, from) { checkAccountHolder(account, to) } else { checkExpr(to) }
            if let reason { require(reason, checkExpr(reason), is: .text, "the reason after 'for'") }
        case .rule(let name, let event, let variable, let condition, let body):
            requireTopLevel(statement, "a rule")
            require(name, checkExpr(name), is: .text, "a rule's name")
            guard let e = schema.events[event.name] else {
                error("unknown event '\(event.name)'", at: event.span,
                      hint: Suggestions.hint(for: event.name, in: schema.events.keys) ?? "declare it with 'event \(event.name) { ... }'")
                return
            }
            let size = inFrame("rule", isFunction: false) {
                declareVariable(variable, type: e.type, constant: true)
                if let condition { requireBool(condition, checkExpr(condition), "the condition after 'when'") }
                inRule = true
                checkBlock(body, newScope: false)
                inRule = false
            }
            frameSizes[statement.span] = size
        case .cap(let amount, let period), .budget(let amount, let period):
            if !inRule {
                error("'cap' and 'budget' belong inside a rule", at: statement.span)
            }
            require(amount, checkExpr(amount), is: .number, "the amount")
            if let n = literalNumber(amount), !(n > .zero) {
                let word = { if case .cap = statement.kind { return "cap" } else { return "budget" } }()
                error("a \(word) must be more than 0, found \(n)", at: amount.span)
            }
            checkPeriod(period)
        case .emit(let type, let fields):
            guard schema.events[type.name] != nil else {
                for f in fields { checkExpr(f.value) }
                error("unknown event '\(type.name)'", at: type.span,
                      hint: Suggestions.hint(for: type.name, in: schema.events.keys) ?? "declare it with 'event \(type.name) { ... }'")
                return
            }
            _ = checkConstruct(type, fields)
        case .programme(let name, let options):
            requireTopLevel(statement, "a programme")
            require(name, checkExpr(name), is: .text, "a programme's name")
            for option in options {
                switch option {
                case .category(let e, _): require(e, checkExpr(e), is: .text, "the category")
                case .eligible(let e, _): checkExpr(e)
                case .capacity(let e, _): require(e, checkExpr(e), is: .number, "the capacity")
                }
            }
        case .enrol(let who, let programme), .withdraw(let who, let programme):
            checkExpr(who)
            require(programme, checkExpr(programme), is: .text, "the programme")
        case .catalogue(let account, let items):
            requireTopLevel(statement, "a catalogue")
            if !schema.accounts.contains(where: { $0.name == account.name }) {
                error("unknown account '\(account.name)'", at: account.span,
                      hint: Suggestions.hint(for: account.name, in: schema.accounts.map(\.name)) ?? "declare it with 'account \(account.name) of ENTITY'")
            }
            for item in items {
                require(item.name, checkExpr(item.name), is: .text, "an item's name")
                require(item.cost, checkExpr(item.cost), is: .number, "the cost")
                if let s = item.stock { require(s, checkExpr(s), is: .number, "the stock") }
                if let l = item.limit { require(l, checkExpr(l), is: .number, "the limit") }
                if let p = item.limitPeriod { checkPeriod(p) }
            }
        case .redeem(let item, let holder):
            require(item, checkExpr(item), is: .text, "the item")
            checkExpr(holder)
        case .split(let name, let lines):
            requireTopLevel(statement, "a split")
            require(name, checkExpr(name), is: .text, "a split's name")
            checkSharesAddUp(lines, statement.span)
            for line in lines {
                switch line {
                case .share(let share, let party, _):
                    require(share, checkExpr(share), is: .number, "a share")
                    require(party, checkExpr(party), is: .text, "a party")
                case .roundTo(let unit, _):
                    require(unit, checkExpr(unit), is: .number, "the unit after 'round to'")
                }
            }
        case .assignment(let entity, let worker, let condition, let options):
            requireEntity(entity)
            requireEntity(worker)
            if let condition, let w = schema.entities[worker.name] {
                rows.append(w.type)
                requireBool(condition, checkExpr(condition), "the condition after 'where'")
                rows.removeLast()
            }
            if let e = schema.entities[entity.name] {
                rows.append(e.type)
                for option in options {
                    switch option {
                    case .weight(let x, _): require(x, checkExpr(x), is: .number, "the weight")
                    case .together(let x, _): checkExpr(x)
                    case .atMost(let x, _):
                        rows.removeLast()
                        require(x, checkExpr(x), is: .number, "the number after 'at most'")
                        rows.append(e.type)
                    }
                }
                rows.removeLast()
            }
        case .escalate(let event, let lines):
            requireTopLevel(statement, "an escalation")
            guard let e = schema.events[event.name] else {
                error("unknown event '\(event.name)'", at: event.span,
                      hint: Suggestions.hint(for: event.name, in: schema.events.keys))
                return
            }
            for line in lines {
                switch line {
                case .after(let d, let level, _):
                    require(d, checkExpr(d), is: .duration, "the time after 'after'")
                    require(level, checkExpr(level), is: .text, "the level")
                case .until(let field, _):
                    if e.field(field.name) == nil {
                        error("\(event.name) has no field '\(field.name)'", at: field.span,
                              hint: Suggestions.hint(for: field.name, in: e.fields.map(\.name)))
                    }
                }
            }
        case .test(let name, let body):
            requireTopLevel(statement, "a test")
            require(name, checkExpr(name), is: .text, "a test's name")
            let size = inFrame("test", isFunction: false) {
                inTest = true
                checkBlock(body, newScope: false)
                inTest = false
            }
            frameSizes[statement.span] = size
        case .expect(let condition):
            requireBool(condition, checkExpr(condition), "what 'expect' checks")
        case .expectError(let message, let body):
            if let message { require(message, checkExpr(message), is: .text, "the text an error must say") }
            checkBlock(body, newScope: true)
        case .clock(let time):
            if !inTest {
                error("'clock' sets the time inside a test only", at: statement.span,
                      hint: "to run a script at another time, use 'civic run --now 2026-11-02T09:00'")
            }
            let t = checkExpr(time)
            if !t.mayBe(.time), !t.mayBe(.date) {
                error("'clock' needs a Time, as in 2026-11-02T09:00, found \(t.withArticle)", at: time.span)
            }
        case .advance(let duration):
            if !inTest {
                error("'advance' moves the clock inside a test only", at: statement.span)
            }
            require(duration, checkExpr(duration), is: .duration, "the time after 'advance'", hint: "write 'advance 1 month'")
        case .explain(let inner):
            checkStatement(inner)
        default:
            break
        }
    }

    /// The value of a number or percentage written as it is, if it is one.
    func literalNumber(_ e: Expr) -> Number? {
        switch e.kind {
        case .number(let d): return Number(literal: d)
        case .percent(let d): return Number.percent(d)
        case .unary(.negate, let inner): return literalNumber(inner)?.negated
        default: return nil
        }
    }

    /// The shares of a split must add up to 100% when they are written as numbers.
    func checkSharesAddUp(_ lines: [SplitLine], _ span: Span) {
        var total = Number.zero
        var shares = 0
        for case .share(let share, _, _) in lines {
            shares += 1
            guard let n = literalNumber(share) else { return }
            if n.isNegative || n.isZero {
                error("a share must be more than 0%, found \(n)", at: share.span)
                return
            }
            guard let t = try? total.adding(n) else { return }
            total = t
        }
        if shares == 0 {
            error("a split needs at least one share, as in '100% to \"fund\"'", at: span)
        } else if total != .one {
            let percent = (try? total.multiplying(Number(100))) ?? total
            error("the shares add up to \(percent)%, not 100%", at: span,
                  hint: "change the shares so that they add up to exactly 100%")
        }
    }

    /// Each test of a file has a name of its own: a failure names one test,
    /// and `civic test --filter` picks tests by name.
    func checkTestNames(_ statements: [Stmt]) {
        var seen: [String: Span] = [:]
        for statement in statements {
            guard case .test(let name, _) = statement.kind, case .text(let segments) = name.kind,
                  segments.count == 1, case .literal(let text) = segments[0] else { continue }
            if let first = seen[text] {
                error("there is already a test named \"\(text)\" (line \(line(of: first)))", at: name.span,
                      hint: "give each test a name of its own")
            } else {
                seen[text] = name.span
            }
        }
    }

    func requireTopLevel(_ statement: Stmt, _ what: String) {
        if frame != nil || scope !== globals {
            error("\(what) must be at the top level of a file, not inside a block", at: statement.span)
        }
    }

    func requireEntity(_ id: Identifier) {
        if schema.entities[id.name] == nil {
            error("unknown entity '\(id.name)'", at: id.span,
                  hint: Suggestions.hint(for: id.name, in: schema.entities.keys) ?? "declare it with 'entity \(id.name) { ... }'")
        }
    }

    func checkPeriod(_ period: PeriodRef) {
        if CalendarPeriod(rawValue: period.name.name) == nil {
            error("'\(period.name.name)' is not a period", at: period.name.span,
                  hint: Suggestions.hint(for: period.name.name, in: CalendarPeriod.allCases.map(\.rawValue)) ?? "use day, week, month or year")
        }
    }

    /// Checks that the holder can hold the account; false if the account is unknown.
    @discardableResult
    func checkAccountHolder(_ account: Identifier, _ holder: Expr) -> Bool {
        let t = checkExpr(holder)
        let known = schema.accounts.filter { $0.name == account.name }
        if known.isEmpty {
            error("unknown account '\(account.name)'", at: account.span,
                  hint: Suggestions.hint(for: account.name, in: schema.accounts.map(\.name)) ?? "declare it with 'account \(account.name) of ENTITY'")
            return false
        }
        let holders = known.map(\.holder).joined(separator: ", ")
        switch t {
        case .entity(let name):
            if !known.contains(where: { $0.holder == name }) {
                error("\(name) has no account '\(account.name)'", at: holder.span,
                      hint: "the account '\(account.name)' is held by \(holders)")
            }
        case .any:
            break
        default:
            error("'\(account.name)' is held by \(holders), not by \(t.withArticle)", at: holder.span)
        }
        return true
    }
}

extension Checker {
    /// `workload Household`: one row per worker of the assignment of
    /// households, `{ worker, count, weight, groups }`; the first field is
    /// named as the field the assignment keeps its result in.
    func checkWorkload(_ entity: Identifier) -> CivicType {
        guard schema.entities[entity.name] != nil else {
            error("unknown entity '\(entity.name)'", at: entity.span,
                  hint: Suggestions.hint(for: entity.name, in: schema.entities.keys))
            return .any
        }
        let workers = schema.assignments[entity.name] ?? []
        guard let worker = workers.first else {
            error("'workload' sums up an assignment, and no 'assign' statement assigns \(entity.name)", at: entity.span,
                  hint: "write 'assign \(entity.name) to ... { ... }' in the script")
            return .any
        }
        if workers.count > 1 {
            error("\(entity.name) is assigned to \(workers.joined(separator: " and to ")): 'workload' sums up one assignment",
                  at: entity.span, hint: "query each field instead, as in 'count \(entity.name) where \(Checker.assignmentField(workers[0])) == w'")
            return .any
        }
        return .list(.record(RecordType(fields: [
            .init(name: Checker.assignmentField(worker), type: .entity(worker)),
            .init(name: "count", type: .number),
            .init(name: "weight", type: .number),
            .init(name: "groups", type: .number),
        ])))
    }
}
