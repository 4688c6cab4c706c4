import CivicStore
import CivicSyntax
import CivicCheck

/// `enrol`, `withdraw`, `redeem`, and `explain` of a balance or a decision.
extension Compiler {
    static func text(_ v: Value, _ what: String, _ span: Span) throws(RuntimeError) -> String {
        guard case .text(let s) = v else {
            throw RuntimeError("\(what) must be a Text, found \(v.typeNameWithArticle)", at: span)
        }
        return s
    }

    static func programme(_ m: Machine, _ name: String, _ span: Span) throws(RuntimeError) -> CompiledProgramme {
        guard let p = m.programmes[name] else {
            throw RuntimeError("there is no programme \"\(name)\"", at: span,
                               hint: Suggestions.hint(for: name, in: m.programmes.keys))
        }
        return p
    }

    /// Whether a row may enrol in a programme, and why (or why not).
    static func enrolment(_ m: Machine, _ p: CompiledProgramme, _ row: Value, _ span: Span) throws(RuntimeError) -> Decision {
        let (entity, key) = try storedIdentity(m, row, span, "enrol")
        let who = holderName(m, entity, key)
        if let e = p.entity, e != entity {
            return Decision(allowed: false, reason: "\(who) is \(entityArticle(entity)), and \(p.name) is for \(e)")
        }
        var current = row
        if case .reference = row { current = .record(try follow(m, entity, key, span)) }
        var because: [String] = []
        if let eligible = p.eligible {
            var ok = true
            try withRow(m, 0) { () throws(RuntimeError) in
                m.rows[0] = current
                ok = try eligible(m)
                if !ok {
                    for r in p.reasons { if let why = try r(m) { because.append(why) } }
                }
            }
            if !ok {
                return Decision(allowed: false, reason: "\(who) is not eligible for \(p.name): \(because.isEmpty ? "the condition does not hold" : because.joined(separator: "; "))")
            }
        }
        let books = m.bookkeeper
        let enrolled: Bool, count: Int
        do throws(StoreError) {
            enrolled = try books.isEnrolled(p.name, entity, key)
            count = try books.enrolled(p.name)
        } catch {
            throw storeError(error, span)
        }
        if enrolled { return Decision(allowed: false, reason: "\(who) is already enrolled in \(p.name)") }
        if let capacity = p.capacity, count >= capacity {
            return Decision(allowed: false, reason: "\(p.name) is full: \(count) of \(capacity) places are taken")
        }
        let places = p.capacity.map { ", and \(count) of \($0) places are taken" } ?? ""
        return Decision(allowed: true, reason: "\(who) can enrol in \(p.name): eligible\(places)")
    }

    static func entityArticle(_ name: String) -> String {
        ("AEIOU".contains(name.first ?? "x") ? "an " : "a ") + name
    }

    mutating func enrol(_ who: Expr, _ programmeExpr: Expr, _ span: Span) -> Exec {
        let row = expr(who), name = expr(programmeExpr)
        let whoSpan = who.span, nameSpan = programmeExpr.span
        return { m throws(RuntimeError) in
            let p = try Compiler.programme(m, try Compiler.text(try name(m), "a programme", nameSpan), nameSpan)
            let value = try row(m)
            let decision = try Compiler.enrolment(m, p, value, whoSpan)
            guard decision.allowed else { throw RuntimeError(decision.reason, at: span) }
            let (entity, key) = try Compiler.identity(value, whoSpan, "enrol")
            do throws(StoreError) {
                try m.bookkeeper.enrol(p.name, entity, key, at: m.now)
            } catch {
                throw Compiler.storeError(error, span)
            }
            return .normal
        }
    }

    mutating func withdraw(_ who: Expr, _ programmeExpr: Expr, _ span: Span) -> Exec {
        let row = expr(who), name = expr(programmeExpr)
        let whoSpan = who.span, nameSpan = programmeExpr.span
        return { m throws(RuntimeError) in
            let p = try Compiler.programme(m, try Compiler.text(try name(m), "a programme", nameSpan), nameSpan)
            let (entity, key) = try Compiler.identity(try row(m), whoSpan, "withdraw")
            let books = m.bookkeeper
            do throws(StoreError) {
                guard try books.isEnrolled(p.name, entity, key) else {
                    throw StoreError("\(Compiler.holderName(m, entity, key)) is not enrolled in \(p.name)")
                }
                try books.withdraw(p.name, entity, key)
            } catch {
                throw Compiler.storeError(error, span)
            }
            return .normal
        }
    }

    /// Compiles the catalogues: their items, and a statement that opens each item's stock once.
    mutating func catalogue(_ account: Identifier, _ items: [CatalogueItem], _ span: Span) -> Exec {
        var entries: [CatalogueEntry] = []
        for item in items {
            guard case .success(.text(let name)) = Compiler.constant(item.name, in: program) else {
                diagnostics.append(.error("an item's name must be a Text", at: item.name.span))
                continue
            }
            guard case .success(.number(let cost)) = Compiler.constant(item.cost, in: program), cost > .zero else {
                diagnostics.append(.error("an item's cost must be a Number above 0", at: item.cost.span))
                continue
            }
            var entry = CatalogueEntry(name: name, account: account.name, cost: cost)
            if let s = item.stock {
                guard case .success(.number(let n)) = Compiler.constant(s, in: program), !n.isNegative else {
                    diagnostics.append(.error("the stock must be a Number, 0 or more", at: s.span))
                    continue
                }
                entry.stock = n
            }
            if let l = item.limit, let p = item.limitPeriod.flatMap({ CalendarPeriod(rawValue: $0.name.name) }) {
                guard case .success(.number(let n)) = Compiler.constant(l, in: program), let c = n.intValue, c > 0 else {
                    diagnostics.append(.error("the limit must be a whole Number above 0", at: l.span))
                    continue
                }
                entry.limit = (c, p)
            }
            entries.append(entry)
        }
        let all = entries
        return { m throws(RuntimeError) in
            let books = m.bookkeeper
            for e in all {
                m.catalogue[e.name] = e
                if let stock = e.stock {
                    do throws(StoreError) { try books.openStock(e.name, stock) } catch { throw Compiler.storeError(error, span) }
                }
            }
            return .normal
        }
    }

    /// Whether a holder may redeem an item, and why (or why not).
    static func redemption(_ m: Machine, _ item: CatalogueEntry, _ holder: Value, _ span: Span) throws(RuntimeError) -> Decision {
        let (entity, key) = try storedIdentity(m, holder, span, "redeem")
        let who = holderName(m, entity, key)
        guard m.accounts[accountKey(item.account, entity)] != nil else {
            return Decision(allowed: false, reason: "\(who) has no \(item.account) account to pay for \(item.name)")
        }
        let books = m.bookkeeper
        do throws(StoreError) {
            try Compiler.expireLots(m, asOf: m.rule?.at ?? m.now)
            let balance = try books.balance(item.account, entity, key)
            if balance < item.cost {
                return Decision(allowed: false, reason: "\(who)'s balance \(balance) is below the cost \(item.cost) of \(item.name)")
            }
            if let stock = try books.stock(item.name), stock < .one {
                return Decision(allowed: false, reason: "\(item.name) is out of stock")
            }
            if let (limit, period) = item.limit {
                let start = (m.rule?.at ?? m.now).startOf(period)
                let end = (try? start.nextStart(of: period)) ?? CivicTime.latest
                let used = try books.redemptions(item.name, entity, key, from: start, to: end)
                if used >= limit {
                    return Decision(allowed: false, reason: "\(who) has already redeemed \(item.name) \(used) time\(used == 1 ? "" : "s") this \(period.rawValue) (at most \(limit) per \(period.rawValue))")
                }
            }
            let stockText = try books.stock(item.name).map { ", \($0) left in stock" } ?? ""
            return Decision(allowed: true, reason: "\(who) can redeem \(item.name): balance \(balance) covers the cost \(item.cost)\(stockText)")
        } catch {
            throw storeError(error, span)
        }
    }

    static func item(_ m: Machine, _ name: String, _ span: Span) throws(RuntimeError) -> CatalogueEntry {
        guard let item = m.catalogue[name] else {
            throw RuntimeError("the catalogue has no item \"\(name)\"", at: span, hint: Suggestions.hint(for: name, in: m.catalogue.keys))
        }
        return item
    }

    mutating func redeem(_ itemExpr: Expr, _ holderExpr: Expr, _ span: Span) -> Exec {
        let itemName = expr(itemExpr), holder = expr(holderExpr)
        let itemSpan = itemExpr.span, holderSpan = holderExpr.span
        return { m throws(RuntimeError) in
            let item = try Compiler.item(m, try Compiler.text(try itemName(m), "an item", itemSpan), itemSpan)
            let value = try holder(m)
            let decision = try Compiler.redemption(m, item, value, holderSpan)
            guard decision.allowed else { throw RuntimeError(decision.reason, at: span) }
            let (entity, key) = try Compiler.identity(value, holderSpan, "redeem")
            let account = try Compiler.account(m, item.account, entity, span)
            // The entry and the stock change together: both, or (on an error) neither.
            try Compiler.debit(m, account, entity, key, item.cost, .redemption, item.name, "a redemption", span)
            do throws(StoreError) {
                let books = m.bookkeeper
                if let stock = try books.stock(item.name) {
                    try books.setStock(item.name, (try? stock.subtracting(.one)) ?? .zero)
                }
            } catch {
                throw Compiler.storeError(error, span)
            }
            return .normal
        }
    }

    /// `explain X.points`, `explain enrol X in P`, `explain redeem I for X`: says
    /// why, and changes nothing.
    mutating func explain(_ inner: Stmt, _ span: Span) -> Exec {
        switch inner.kind {
        case .enrol(let who, let programmeExpr):
            let row = expr(who), name = expr(programmeExpr)
            let whoSpan = who.span, nameSpan = programmeExpr.span
            return { m throws(RuntimeError) in
                let p = try Compiler.programme(m, try Compiler.text(try name(m), "a programme", nameSpan), nameSpan)
                m.output(.text(try Compiler.enrolment(m, p, try row(m), whoSpan).reason))
                return .normal
            }
        case .redeem(let itemExpr, let holderExpr):
            let itemName = expr(itemExpr), holder = expr(holderExpr)
            let itemSpan = itemExpr.span, holderSpan = holderExpr.span
            return { m throws(RuntimeError) in
                let item = try Compiler.item(m, try Compiler.text(try itemName(m), "an item", itemSpan), itemSpan)
                m.output(.text(try Compiler.redemption(m, item, try holder(m), holderSpan).reason))
                return .normal
            }
        case .expr(let e):
            guard case .member(let base, let field) = e.kind else { break }
            let row = expr(base)
            let baseSpan = base.span
            return { m throws(RuntimeError) in
                let (entity, key) = try Compiler.identity(try row(m), baseSpan, "explain")
                let account = try Compiler.account(m, field.name, entity, field.span)
                let entries: [LedgerEntry]
                let balance: Number
                do throws(StoreError) {
                    try Compiler.expireLots(m, asOf: m.now)
                    let books = m.bookkeeper
                    entries = try books.entries(account.name, entity, key)
                    balance = try books.balance(account.name, entity, key)
                } catch {
                    throw Compiler.storeError(error, span)
                }
                let who = Compiler.holderName(m, entity, key)
                m.output(.text("\(who)'s \(account.name): \(balance), from \(entries.count) entr\(entries.count == 1 ? "y" : "ies")"))
                if !entries.isEmpty { m.output(.value(.list(entries.map(Compiler.entryRecord)))) }
                return .normal
            }
        default:
            break
        }
        diagnostics.append(.error("'explain' explains a balance ('explain zhang.points'), an enrolment or a redemption", at: span))
        return { _ in .normal }
    }

    static let entryShape = RecordShape(["at", "amount", "by", "event", "reason", "cut"])

    /// A ledger entry as a row of the `explain` table.
    static func entryRecord(_ e: LedgerEntry) -> Value {
        let by = e.rule.map { "rule \"\($0)\"" } ?? e.kind.rawValue
        let event = e.eventID.map { "\(e.eventType ?? "event") \($0)" } ?? ""
        let cut = e.cutBy.map { c in e.requested.map { "\($0) asked, cut by \(c)" } ?? "cut by \(c)" } ?? ""
        return .record(Record(shape: entryShape, values: [.time(e.at), .number(e.amount), .text(by), .text(event),
                                                          .text(e.reason ?? ""), .text(cut)]))
    }
}
