import Foundation
import CivicStore
import CivicSyntax
import CivicCheck

/// The rule being applied, while its body runs.
struct RuleContext {
    var name: String
    var eventType: String
    var eventID: String
    var at: CivicTime
    /// `cap AMOUNT per PERIOD`: per holder, for this rule, per calendar period.
    var caps: [(amount: Number, period: CalendarPeriod)]
    /// `budget AMOUNT per PERIOD`: for all holders together.
    var budgets: [(amount: Number, period: CalendarPeriod)]
}

/// `award`, `charge`, `transfer`, and balances as fields of their holders.
extension Compiler {
    static func accountKey(_ account: String, _ holder: String) -> String { "\(account)|\(holder)" }

    /// The account a holder has under this name, or an error.
    static func account(_ m: Machine, _ name: String, _ holder: String, _ span: Span) throws(RuntimeError) -> StoredAccount {
        guard let a = m.accounts[accountKey(name, holder)] else {
            throw RuntimeError("\(holder) has no account '\(name)'", at: span)
        }
        return a
    }

    /// An amount given to award, charge or transfer: a Number above 0.
    static func amount(_ v: Value, _ verb: String, _ span: Span) throws(RuntimeError) -> Number {
        guard case .number(let n) = v else {
            throw RuntimeError("'\(verb)' needs an amount that is a Number, found \(v.typeNameWithArticle)", at: span)
        }
        if n.isNegative || n.isZero {
            throw RuntimeError("'\(verb)' needs an amount above 0, found \(n)", at: span,
                               hint: verb == "award" ? "to take points away, use 'charge'" : nil)
        }
        if n.scale > RowCheck.maxDecimals {
            throw RuntimeError("the amount \(n) has more than \(RowCheck.maxDecimals) decimals", at: span, hint: "round it first")
        }
        return n
    }

    static func reason(_ e: Eval?, _ m: Machine) throws(RuntimeError) -> String? {
        guard let e else { return nil }
        return try e(m).formatted(m.format)
    }

    /// The holder's name for messages and `explain`: its `name` field if it
    /// has one, else its key. Private data is never the name: a private
    /// `name` gives way to the key, and a private key is masked.
    static func holderName(_ m: Machine, _ entity: String, _ key: Value) -> String {
        let stored = m.storeSchema.entity(entity)
        let nameIsPrivate = !m.format.reveal && stored?.field("name")?.isPrivate == true
        let keyIsPrivate = !m.format.reveal && stored?.key?.isPrivate == true
        if let row = try? m.store.row(entity, key: key), case .text(let name)? = row["name"], !nameIsPrivate || keyIsPrivate {
            return nameIsPrivate ? Value.mask(name) : name
        }
        let keyText = key.formatted(FormatOptions(reveal: true))
        return "\(entity) \(keyIsPrivate ? Value.mask(keyText) : keyText)"
    }

    /// The entity and key of a row that is stored (a row made with `Resident { ... }`
    /// but never added cannot hold a balance or enrol).
    static func storedIdentity(_ m: Machine, _ value: Value, _ span: Span, _ verb: String) throws(RuntimeError) -> (entity: String, key: Value) {
        let (entity, key, _) = try storedHolder(m, value, span, verb)
        return (entity, key)
    }

    /// The same, with the holder as the books name it.
    static func storedHolder(_ m: Machine, _ value: Value, _ span: Span, _ verb: String) throws(RuntimeError) -> (entity: String, key: Value, name: BookCache.HolderName) {
        let (entity, key) = try identity(value, span, verb)
        let known = BookCache.HolderName(entity: entity, key: Books.keyText(key))
        if m.storedRows.contains(known) { return (entity, key, known) }
        let found: Bool
        do throws(StoreError) { found = try m.store.contains(entity, key: key) } catch { throw storeError(error, span) }
        guard found else {
            throw RuntimeError("'\(verb)' needs a stored row, found \(value.typeNameWithArticle)", at: span,
                               hint: "add it first: 'add \(entity) { ... }'")
        }
        m.storedRows.insert(known)
        return (entity, key, known)
    }

    static func books(_ m: Machine, _ span: Span, _ body: (Bookkeeper) throws(StoreError) -> Void) throws(RuntimeError) {
        do throws(StoreError) { try body(m.bookkeeper) } catch { throw storeError(error, span) }
    }

    mutating func award(_ amountExpr: Expr, _ accountName: Identifier, _ holderExpr: Expr, _ reasonExpr: Expr?, _ span: Span) -> Exec {
        let amount = expr(amountExpr), holder = expr(holderExpr), reason = reasonExpr.map { expr($0) }
        let name = accountName.name
        let amountSpan = amountExpr.span, holderSpan = holderExpr.span
        let ordinal = awardsInRule
        awardsInRule += 1
        return { m throws(RuntimeError) in
            let requested = try Compiler.amount(try amount(m), "award", amountSpan)
            let (entity, key, holderName) = try Compiler.storedHolder(m, try holder(m), holderSpan, "award")
            let account = try Compiler.account(m, name, entity, accountName.span)
            let why = try Compiler.reason(reason, m)
            try Compiler.credit(m, account, entity, key, holderName, requested, why, span, ordinal: ordinal)
            return .normal
        }
    }

    /// Credits an account, cut by the rule's caps and budgets and the
    /// account's `at most`; the entry records any cut. Inside a rule, an event
    /// is handled once per holder and account: a second time changes nothing.
    static func credit(_ m: Machine, _ account: StoredAccount, _ entity: String, _ key: Value, _ holderName: BookCache.HolderName, _ requested: Number,
                       _ reason: String?, _ span: Span, ordinal: Int = 0) throws(RuntimeError) {
        let rule = m.rule
        let at = rule?.at ?? m.now
        try books(m, span) { (b: Bookkeeper) throws(StoreError) in
            // Inside a rule: the holder's books, and the rule and account by number.
            var holder: BookCache.Holder?
            var ruleName = 0, accountName = 0
            if let rule {
                let h = b.cache.holder(holderName)
                holder = h
                ruleName = b.cache.name(rule.name)
                accountName = b.cache.name(account.name)
                guard b.markHandled(BookCache.Handled(rule: ruleName, award: ordinal, holder: h.number, account: accountName)) else { return }
            }
            var grant = requested
            var cutBy: String?
            func cut(to limit: Number, _ why: @autoclosure () -> String) {
                let room = limit.isNegative ? Number.zero : limit
                if room < grant {
                    grant = room
                    cutBy = why()
                }
            }
            var budgets: [String] = []
            var caps: [BookCache.CapWindow] = []
            if let rule, let holder {
                let keyText = holderName.key
                // The holder's awards from the earliest period any cap asks for, read at once.
                if let earliest = rule.caps.map({ at.startOf($0.period) }).min() {
                    try b.readAwards(holder, entity: entity, key: keyText, from: earliest)
                }
                for cap in rule.caps {
                    let w = BookCache.CapWindow(rule: ruleName, account: accountName, period: cap.period, start: at.startOf(cap.period))
                    let used = try b.capTotal(w, of: holder, entity: entity, key: keyText)
                    cut(to: (try? cap.amount.subtracting(used)) ?? .zero, "cap \(cap.amount) per \(cap.period.rawValue)")
                    caps.append(w)
                }
                for budget in rule.budgets {
                    let start = at.startOf(budget.period)
                    let w = "budget|\(rule.name)|\(account.name)|\(budget.period.rawValue)|\(start)"
                    let used = try b.budgetTotal(w)
                    cut(to: (try? budget.amount.subtracting(used)) ?? .zero, "budget \(budget.amount) per \(budget.period.rawValue)")
                    budgets.append(w)
                }
            }
            if let most = account.atMost {
                let balance = try b.balance(account.name, entity, key)
                cut(to: (try? most.subtracting(balance)) ?? .zero, "at most \(most)")
            }
            if let holder { for w in caps where grant > .zero { b.addToCap(w, of: holder, grant) } }
            for w in budgets where grant > .zero { try b.addToBudget(w, grant) }
            m.stats.awarded[account.name] = (try? (m.stats.awarded[account.name] ?? .zero).adding(grant)) ?? grant
            if cutBy != nil { m.stats.cuts += 1 }
            let expires: CivicTime? = account.expireAfter.flatMap { try? at.adding($0) }
            try b.post(LedgerEntry(holderEntity: entity, holderKey: key, account: account.name, amount: grant, kind: .award,
                                   rule: rule?.name, eventType: rule?.eventType, eventID: rule?.eventID, at: at,
                                   reason: reason, operatorName: m.operatorName,
                                   requested: cutBy == nil ? nil : requested, cutBy: cutBy, expires: grant > .zero ? expires : nil))
        }
    }

    /// Debits an account; below its floor (0 unless `at least`) is an error that names the numbers.
    /// For an account whose credits expire, says what was drawn from lots expiring when.
    @discardableResult
    static func debit(_ m: Machine, _ account: StoredAccount, _ entity: String, _ key: Value, _ amount: Number,
                      _ kind: LedgerEntry.Kind, _ reason: String?, _ verb: String, _ span: Span) throws(RuntimeError) -> [(amount: Number, expires: CivicTime)] {
        let balance: Number
        do throws(StoreError) {
            try Compiler.expireLots(m, asOf: m.rule?.at ?? m.now)
            balance = try m.bookkeeper.balance(account.name, entity, key)
        } catch {
            throw storeError(error, span)
        }
        let after = (try? balance.subtracting(amount)) ?? balance
        if after < account.atLeast {
            let who = holderName(m, entity, key)
            throw RuntimeError("\(verb) of \(amount) \(account.name) would take \(who)'s balance of \(balance) below \(account.atLeast)",
                               at: span, hint: "the balance is \(balance), so at most \((try? balance.subtracting(account.atLeast)) ?? balance) can be taken")
        }
        var drawn: [(amount: Number, expires: CivicTime)] = []
        try books(m, span) { (b: Bookkeeper) throws(StoreError) in
            if account.expireAfter != nil { drawn = try b.drawLots(account.name, entity, key, amount) }
            try b.post(LedgerEntry(holderEntity: entity, holderKey: key, account: account.name, amount: amount.negated, kind: kind,
                                   rule: m.rule?.name, eventType: m.rule?.eventType, eventID: m.rule?.eventID,
                                   at: m.rule?.at ?? m.now, reason: reason, operatorName: m.operatorName))
        }
        return drawn
    }

    mutating func charge(_ amountExpr: Expr, _ accountName: Identifier, _ holderExpr: Expr, _ reasonExpr: Expr?, _ span: Span) -> Exec {
        let amount = expr(amountExpr), holder = expr(holderExpr), reason = reasonExpr.map { expr($0) }
        let name = accountName.name
        let amountSpan = amountExpr.span, holderSpan = holderExpr.span
        return { m throws(RuntimeError) in
            let n = try Compiler.amount(try amount(m), "charge", amountSpan)
            let (entity, key) = try Compiler.storedIdentity(m, try holder(m), holderSpan, "charge")
            let account = try Compiler.account(m, name, entity, accountName.span)
            try Compiler.debit(m, account, entity, key, n, .charge, try Compiler.reason(reason, m), "a charge", span)
            return .normal
        }
    }

    mutating func transfer(_ amountExpr: Expr, _ accountName: Identifier, _ fromExpr: Expr, _ toExpr: Expr,
                           _ reasonExpr: Expr?, _ span: Span) -> Exec {
        let amount = expr(amountExpr), from = expr(fromExpr), to = expr(toExpr), reason = reasonExpr.map { expr($0) }
        let name = accountName.name
        let amountSpan = amountExpr.span, fromSpan = fromExpr.span, toSpan = toExpr.span
        return { m throws(RuntimeError) in
            let n = try Compiler.amount(try amount(m), "transfer", amountSpan)
            let (fromEntity, fromKey) = try Compiler.storedIdentity(m, try from(m), fromSpan, "transfer")
            let (toEntity, toKey) = try Compiler.storedIdentity(m, try to(m), toSpan, "transfer")
            let fromAccount = try Compiler.account(m, name, fromEntity, accountName.span)
            let toAccount = try Compiler.account(m, name, toEntity, accountName.span)
            if let most = toAccount.atMost {
                let balance = (try? m.bookkeeper.balance(name, toEntity, toKey)) ?? .zero
                if let after = try? balance.adding(n), after > most {
                    throw RuntimeError("a transfer of \(n) \(name) would take \(Compiler.holderName(m, toEntity, toKey))'s balance of \(balance) past \(most)",
                                       at: span, hint: "the account holds at most \(most)")
                }
            }
            let why = try Compiler.reason(reason, m)
            let drawn = try Compiler.debit(m, fromAccount, fromEntity, fromKey, n, .transferOut, why, "a transfer", span)
            let at = m.rule?.at ?? m.now
            // A gift is not earning: credits keep the expiry of the lots they came from.
            var pieces: [(amount: Number, expires: CivicTime?)] = drawn.map { ($0.amount, $0.expires) }
            if toAccount.expireAfter == nil || pieces.isEmpty {
                pieces = [(n, toAccount.expireAfter.flatMap { try? at.adding($0) })]
            }
            try Compiler.books(m, span) { (b: Bookkeeper) throws(StoreError) in
                for piece in pieces {
                    try b.post(LedgerEntry(holderEntity: toEntity, holderKey: toKey, account: name, amount: piece.amount, kind: .transferIn,
                                           rule: m.rule?.name, eventType: m.rule?.eventType, eventID: m.rule?.eventID,
                                           at: at, reason: why, operatorName: m.operatorName,
                                           expires: toAccount.expireAfter == nil ? nil : piece.expires))
                }
            }
            return .normal
        }
    }

    /// Rows of an entity that holds accounts, with each balance as a field
    /// after the stored ones (so `show` and `order by` see them).
    static func withBalances(_ rows: [Record], _ entity: String, _ m: Machine) throws(StoreError) -> [Value] {
        let accounts = m.accounts.values.filter { $0.holder == entity }.map(\.name).sorted()
        guard !accounts.isEmpty, let first = rows.first else { return rows.map { .record($0) } }
        let shape: RecordShape
        if let cached = m.balanceShapes[entity], cached.base === first.shape {
            shape = cached.shape
        } else {
            shape = RecordShape(first.shape.names + accounts, typeName: entity, privateFields: first.shape.privateFields,
                                keyIndex: first.shape.keyIndex)
            m.balanceShapes[entity] = (first.shape, shape)
        }
        try expireLots(m, asOf: m.now)
        let books = m.bookkeeper
        // Many rows (a ranking): every balance in one read rather than one each.
        if rows.count > 64 { for a in accounts { try books.readWholeAccount(a, entity) } }
        var out: [Value] = []
        out.reserveCapacity(rows.count)
        for r in rows {
            guard let k = r.shape.keyIndex else { out.append(.record(r)); continue }
            var values = r.values
            for a in accounts { values.append(.number(try books.balance(a, entity, r.values[k]))) }
            out.append(.record(Record(shape: shape, values: values)))
        }
        return out
    }

    /// Lets credits expired by `time` leave their balances (each lot once).
    static func expireLots(_ m: Machine, asOf time: CivicTime) throws(StoreError) {
        guard m.accounts.values.contains(where: { $0.expireAfter != nil }) else { return }
        _ = try m.bookkeeper.expire(asOf: time, operatorName: m.operatorName)
    }

    /// A holder's balance, read from the books when it is asked for.
    static func balance(_ m: Machine, _ account: String, _ entity: String, _ key: Value, _ span: Span) throws(RuntimeError) -> Value {
        do throws(StoreError) {
            try expireLots(m, asOf: m.now)
            return .number(try m.bookkeeper.balance(account, entity, key))
        } catch {
            throw storeError(error, span)
        }
    }
}

extension Machine {
    /// A holder's balance in an account, as a script would read it now
    /// (credits expired by the machine's clock are gone).
    public func balance(_ account: String, _ entity: String, _ key: Value) throws(StoreError) -> Number {
        try Compiler.expireLots(self, asOf: now)
        return try bookkeeper.balance(account, entity, key)
    }

    /// The ledger entries behind a holder's balance, oldest first.
    public func entries(_ account: String, _ entity: String, _ key: Value) throws(StoreError) -> [LedgerEntry] {
        try Compiler.expireLots(self, asOf: now)
        return try bookkeeper.entries(account, entity, key)
    }
}
