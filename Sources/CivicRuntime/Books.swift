import CivicStore
import CivicSyntax

/// The bookkeeping behind accounts, programmes and the catalogue, kept in the
/// store as entities of its own (names start with `$`, which no script can
/// declare), so that every engine keeps them the same way and one run's
/// transaction covers them with everything else.
///
/// - `$ledger`: the append-only ledger, one row per entry.
/// - `$balance`: each holder's balance per account (always the sum of its entries).
/// - `$lot`: for accounts whose credits expire, what each credit still holds.
/// An event is handled once because its row's key is unique in the store:
/// its rules run only when the row is first stored, and a row the ledger
/// refers to cannot be removed.
/// - `$window`: what a rule has given everyone in a calendar period, for
///   budgets (caps are worked out from the holder's awards in the ledger).
/// - `$enrolment`, `$stock`: programme enrolments and catalogue stock.
public enum Books {
    public static let ledger = "$ledger", balance = "$balance", lot = "$lot"
    public static let window = "$window", enrolment = "$enrolment", stock = "$stock", account = "$account"

    static func field(_ name: String, _ type: StoredType, key: Bool = false, generated: Bool = false,
                      indexed: Bool = false, default value: Value? = nil) -> StoredField {
        StoredField(name: name, type: type, isKey: key, defaultValue: value, isGenerated: generated, isIndexed: indexed)
    }

    /// The entities the bookkeeping needs in every store.
    public static var entities: [StoredEntity] {
        [
            StoredEntity(name: ledger, fields: [
                field("id", .number, key: true, generated: true), field("holder_entity", .text),
                field("holder_key", .text, indexed: true),
                field("account", .text), field("amount", .number), field("kind", .text), field("rule", .text),
                field("event_type", .text), field("event_id", .text), field("at", .time), field("reason", .text),
                field("operator", .text), field("requested", .number), field("cut_by", .text), field("expires", .time),
            ]),
            StoredEntity(name: balance, fields: [
                field("key", .text, key: true), field("account", .text), field("holder_entity", .text),
                field("holder_key", .text), field("balance", .number),
            ]),
            StoredEntity(name: lot, fields: [
                field("entry", .number, key: true), field("account", .text), field("holder_entity", .text),
                field("holder_key", .text, indexed: true), field("earned", .time), field("expires", .time, indexed: true),
                field("remaining", .number),
            ]),
            // `holder` is "" for a budget; stores written before caps came from
            // the ledger also hold cap windows, with their holder ("entity|key").
            StoredEntity(name: window, fields: [
                field("key", .text, key: true), field("total", .number),
                field("holder", .text, indexed: true, default: .text("")),
            ]),
            StoredEntity(name: enrolment, fields: [
                field("key", .text, key: true), field("programme", .text, indexed: true), field("holder_entity", .text),
                field("holder_key", .text), field("at", .time),
            ]),
            StoredEntity(name: stock, fields: [field("item", .text, key: true), field("remaining", .number)]),
            StoredEntity(name: account, fields: [
                field("key", .text, key: true), field("name", .text), field("holder", .text),
                field("expire_after", .duration), field("at_most", .number), field("at_least", .number),
            ]),
        ]
    }

    /// How a holder's key is written in the books.
    public static func keyText(_ key: Value) -> String { key.formatted(FormatOptions(reveal: true)) }

    static func balanceKey(_ account: String, _ entity: String, _ key: Value) -> String {
        balanceKey(account, entity, keyText: keyText(key))
    }

    static func balanceKey(_ account: String, _ entity: String, keyText: String) -> String {
        "\(account)|\(entity)|\(keyText)"
    }
}

/// Reading and writing the books of one store, through the run's `BookCache`.
public struct Bookkeeper {
    let store: Store
    let cache: BookCache

    func text(_ s: String?) -> Value { s.map { .text($0) } ?? .none }
    func number(_ n: Number?) -> Value { n.map { .number($0) } ?? .none }

    // MARK: Balances and entries

    func balance(_ account: String, _ entity: String, _ key: Value) throws(StoreError) -> Number {
        try balance(BookCache.BalanceKey(account: account, holder: BookCache.HolderName(entity: entity, key: Books.keyText(key))))
    }

    func balance(_ k: BookCache.BalanceKey) throws(StoreError) -> Number {
        if let n = cache.balances[k] { return n }
        if cache.wholeAccounts.contains("\(k.account)|\(k.holder.entity)") { return .zero }
        var n = Number.zero
        if let row = try store.row(Books.balance, key: .text(k.text)), case .number(let stored)? = row["balance"] { n = stored }
        cache.balances[k] = n
        return n
    }

    /// Reads every balance of an account's holders of one entity at once
    /// (before reading many of them, as a ranking does).
    func readWholeAccount(_ account: String, _ entity: String) throws(StoreError) {
        let whole = "\(account)|\(entity)"
        guard !cache.wholeAccounts.contains(whole) else { return }
        let query = StoreQuery(entity: Books.balance,
                               filter: .and(.compare(FieldPath(["account"]), .equal, .parameter(0)),
                                            .compare(FieldPath(["holder_entity"]), .equal, .parameter(1))))
        for row in try store.fetch(query, [.text(account), .text(entity)]) {
            guard case .text(let a)? = row["account"], case .text(let e)? = row["holder_entity"],
                  case .text(let h)? = row["holder_key"], case .number(let n)? = row["balance"] else { continue }
            let k = BookCache.BalanceKey(account: a, holder: BookCache.HolderName(entity: e, key: h))
            if cache.balances[k] == nil { cache.balances[k] = n }
        }
        cache.wholeAccounts.insert(whole)
    }

    /// Appends an entry and moves the balance (and the lots of an expiring account).
    @discardableResult
    func post(_ entry: LedgerEntry) throws(StoreError) -> LedgerEntry {
        var stored = entry
        let holderKey = Books.keyText(entry.holderKey)
        stored.id = try cache.nextEntry(store)
        cache.newEntries.append([
            .number(Number(stored.id)), .text(entry.holderEntity), .text(holderKey), .text(entry.account), .number(entry.amount),
            .text(entry.kind.rawValue), text(entry.rule), text(entry.eventType), text(entry.eventID), .time(entry.at),
            text(entry.reason), .text(entry.operatorName), number(entry.requested), text(entry.cutBy),
            entry.expires.map { .time($0) } ?? .none,
        ])
        if cache.newEntries.count >= BookCache.entriesPerWrite { try cache.flushEntries(store) }
        let key = BookCache.BalanceKey(account: entry.account, holder: BookCache.HolderName(entity: entry.holderEntity, key: holderKey))
        let old = try balance(key)
        let new: Number
        do { new = try old.adding(entry.amount) } catch { throw StoreError("the balance is too large") }
        cache.balances[key] = new
        cache.changedBalances.insert(key)
        if let expires = entry.expires, entry.amount > .zero {
            _ = try store.insert(Books.lot, [.number(Number(stored.id)), .text(entry.account), .text(entry.holderEntity),
                                             .text(holderKey), .time(entry.at), .time(expires), .number(entry.amount)])
            cache.lotAdded(expiring: expires)
        }
        return stored
    }

    /// The holder's lots that still hold credits, oldest first.
    func lots(_ account: String, _ entity: String, _ key: Value) throws(StoreError) -> [Lot] {
        let query = StoreQuery(
            entity: Books.lot,
            filter: .and(.and(.compare(FieldPath(["holder_key"]), .equal, .parameter(2)),
                              .compare(FieldPath(["holder_entity"]), .equal, .parameter(1))),
                         .and(.compare(FieldPath(["account"]), .equal, .parameter(0)),
                              .compare(FieldPath(["remaining"]), .greater, .parameter(3)))),
            order: [StoreOrderKey(path: FieldPath(["expires"]), descending: false),
                    StoreOrderKey(path: FieldPath(["entry"]), descending: false)])
        let rows = try store.fetch(query, [.text(account), .text(entity), .text(Books.keyText(key)), .number(.zero)])
        return rows.compactMap(Bookkeeper.lot)
    }

    static func lot(_ r: Record) -> Lot? {
        guard case .number(let e)? = r["entry"], let entry = e.intValue, case .time(let earned)? = r["earned"],
              case .time(let expires)? = r["expires"], case .number(let remaining)? = r["remaining"] else { return nil }
        return Lot(entry: entry, earned: earned, expires: expires, remaining: remaining)
    }

    /// Takes `amount` from the oldest lots first; says how much came from lots expiring when.
    @discardableResult
    func drawLots(_ account: String, _ entity: String, _ key: Value, _ amount: Number) throws(StoreError) -> [(amount: Number, expires: CivicTime)] {
        var left = amount
        var drawn: [(amount: Number, expires: CivicTime)] = []
        for lot in try lots(account, entity, key) where left > .zero {
            let take = lot.remaining < left ? lot.remaining : left
            do {
                left = try left.subtracting(take)
                try store.update(Books.lot, key: .number(Number(lot.entry)), [("remaining", .number(try lot.remaining.subtracting(take)))])
            } catch let e as StoreError { throw e } catch { throw StoreError("a lot could not be drawn on") }
            drawn.append((take, lot.expires))
        }
        return drawn
    }

    /// Posts expiry entries for every lot expired at `time`, and empties those lots.
    func expire(asOf time: CivicTime, operatorName: String) throws(StoreError) -> Int {
        // Nothing to do before the first lot that still holds credits expires.
        if let next = try cache.nextExpiry(store), next.map({ time < $0 }) ?? true { return 0 }
        let query = StoreQuery(entity: Books.lot,
                               filter: .and(.compare(FieldPath(["expires"]), .lessEqual, .parameter(0)),
                                            .compare(FieldPath(["remaining"]), .greater, .parameter(1))),
                               order: [StoreOrderKey(path: FieldPath(["expires"]), descending: false),
                                       StoreOrderKey(path: FieldPath(["entry"]), descending: false)])
        var count = 0
        for row in try store.fetch(query, [.time(time), .number(.zero)]) {
            guard let lot = Bookkeeper.lot(row), case .text(let account)? = row["account"],
                  case .text(let entity)? = row["holder_entity"], case .text(let keyText)? = row["holder_key"] else { continue }
            let key = try holderKey(entity, keyText)
            try store.update(Books.lot, key: .number(Number(lot.entry)), [("remaining", .number(.zero))])
            try post(LedgerEntry(holderEntity: entity, holderKey: key, account: account, amount: lot.remaining.negated,
                                 kind: .expiry, at: lot.expires, reason: "credits earned \(lot.earned.date) expired",
                                 operatorName: operatorName))
            count += 1
        }
        cache.forgetNextExpiry()
        return count
    }

    /// A holder's key as a value of its entity's key type.
    func holderKey(_ entity: String, _ text: String) throws(StoreError) -> Value {
        guard let e = try store.storedSchema().entity(entity), let k = e.key else { return .text(text) }
        if k.type == .number, let n = Number(literal: text) { return .number(n) }
        return .text(text)
    }

    /// The entries behind a balance, oldest first.
    func entries(_ account: String, _ entity: String, _ key: Value) throws(StoreError) -> [LedgerEntry] {
        try cache.flush(store)
        let query = StoreQuery(
            entity: Books.ledger,
            filter: .and(.and(.compare(FieldPath(["holder_key"]), .equal, .parameter(2)),
                              .compare(FieldPath(["holder_entity"]), .equal, .parameter(1))),
                         .compare(FieldPath(["account"]), .equal, .parameter(0))),
            order: [StoreOrderKey(path: FieldPath(["id"]), descending: false)])
        return try store.fetch(query, [.text(account), .text(entity), .text(Books.keyText(key))]).compactMap { r in
            Bookkeeper.entry(r, key: key)
        }
    }

    static func entry(_ r: Record, key: Value) -> LedgerEntry? {
        func text(_ n: String) -> String? { if case .text(let s)? = r[n] { return s }; return nil }
        func number(_ n: String) -> Number? { if case .number(let x)? = r[n] { return x }; return nil }
        func time(_ n: String) -> CivicTime? { if case .time(let t)? = r[n] { return t }; return nil }
        guard let id = number("id")?.intValue, let entity = text("holder_entity"), let account = text("account"),
              let amount = number("amount"), let kind = text("kind").flatMap(LedgerEntry.Kind.init(rawValue:)),
              let at = time("at") else { return nil }
        return LedgerEntry(id: id, holderEntity: entity, holderKey: key, account: account, amount: amount, kind: kind,
                           rule: text("rule"), eventType: text("event_type"), eventID: text("event_id"), at: at,
                           reason: text("reason"), operatorName: text("operator") ?? "", requested: number("requested"),
                           cutBy: text("cut_by"), expires: time("expires"))
    }

    // MARK: Events handled, caps and budgets

    /// Marks that an award of a rule credited a holder's account for the event
    /// being handled; false if it already had (an award in a loop).
    func markHandled(_ key: BookCache.Handled) -> Bool {
        cache.handled.insert(key).inserted
    }

    /// Whether the ledger has entries made for an event.
    func hasEntries(eventType: String, eventID: String) throws(StoreError) -> Bool {
        try cache.flush(store)
        let query = StoreQuery(entity: Books.ledger,
                               filter: .and(.compare(FieldPath(["event_id"]), .equal, .parameter(0)),
                                            .compare(FieldPath(["event_type"]), .equal, .parameter(1))))
        return try store.aggregate(.exists, query, [.text(eventID), .text(eventType)]) == .bool(true)
    }

    /// What a rule has given a holder's account in a cap's calendar period:
    /// the sum of its awards in the ledger.
    func capTotal(_ w: BookCache.CapWindow, of holder: BookCache.Holder, entity: String, key: String) throws(StoreError) -> Number {
        try readAwards(holder, entity: entity, key: key, from: w.start)
        return holder.capTotals[w] ?? .zero
    }

    /// Reads the holder's awards from `from` on (those of earlier runs: this
    /// run's are added as they are made) into every calendar period they fall in.
    func readAwards(_ holder: BookCache.Holder, entity: String, key: String, from start: CivicTime) throws(StoreError) {
        let known = holder.capHorizon
        if let known, known <= start { return }
        let first = try cache.firstEntryOfRun(store)
        // A ledger empty when the run began holds no earlier awards to read.
        if first == 1 {
            holder.capHorizon = start
            return
        }
        var filter: StorePredicate = .and(.and(.compare(FieldPath(["holder_key"]), .equal, .parameter(0)),
                                               .compare(FieldPath(["holder_entity"]), .equal, .parameter(1))),
                                          .and(.and(.compare(FieldPath(["at"]), .greaterEqual, .parameter(2)),
                                                    .compare(FieldPath(["id"]), .less, .parameter(3))),
                                               .compare(FieldPath(["kind"]), .equal, .parameter(4))))
        var parameters: [Value] = [.text(key), .text(entity), .time(start), .number(Number(first)), .text(LedgerEntry.Kind.award.rawValue)]
        if let known {
            filter = .and(filter, .compare(FieldPath(["at"]), .less, .parameter(5)))
            parameters.append(.time(known))
        }
        for row in try store.fetch(StoreQuery(entity: Books.ledger, filter: filter), parameters) {
            guard case .text(let rule)? = row["rule"], case .text(let account)? = row["account"],
                  case .number(let amount)? = row["amount"], case .time(let at)? = row["at"] else { continue }
            let ruleName = cache.name(rule), accountName = cache.name(account)
            for period in CalendarPeriod.allCases {
                addToCap(BookCache.CapWindow(rule: ruleName, account: accountName, period: period, start: at.startOf(period)),
                         of: holder, amount)
            }
        }
        holder.capHorizon = start
    }

    func addToCap(_ w: BookCache.CapWindow, of holder: BookCache.Holder, _ amount: Number) {
        let old = holder.capTotals[w] ?? .zero
        holder.capTotals[w] = (try? old.adding(amount)) ?? old
    }

    /// What a budget's window holds so far (all holders together).
    func budgetTotal(_ key: String) throws(StoreError) -> Number {
        if let n = cache.windows[key] { return n }
        try readBudgets()
        return cache.windows[key] ?? .zero
    }

    /// Reads the budget windows at once, the first time a run needs one.
    /// (Their `holder` is "": rows with a holder are cap windows of stores
    /// written before caps came from the ledger, and are not read.)
    func readBudgets() throws(StoreError) {
        guard !cache.budgetsRead else { return }
        let query = StoreQuery(entity: Books.window, filter: .compare(FieldPath(["holder"]), .equal, .parameter(0)))
        for row in try store.fetch(query, [.text("")]) {
            guard case .text(let k)? = row["key"], case .number(let n)? = row["total"] else { continue }
            if cache.windows[k] == nil { cache.windows[k] = n }
        }
        cache.budgetsRead = true
    }

    func addToBudget(_ key: String, _ amount: Number) throws(StoreError) {
        let old = try budgetTotal(key)
        let new: Number
        do { new = try old.adding(amount) } catch { throw StoreError("a budget's total is too large") }
        cache.windows[key] = new
        cache.changedWindows[key] = [.text(key), .number(new), .text("")]
    }

    // MARK: Programmes and stock

    static func enrolmentKey(_ programme: String, _ entity: String, _ key: Value) -> String {
        "\(programme)|\(entity)|\(Books.keyText(key))"
    }

    func isEnrolled(_ programme: String, _ entity: String, _ key: Value) throws(StoreError) -> Bool {
        try store.row(Books.enrolment, key: .text(Bookkeeper.enrolmentKey(programme, entity, key))) != nil
    }

    func enrolled(_ programme: String) throws(StoreError) -> Int {
        let n = try store.aggregate(.count, StoreQuery(entity: Books.enrolment, filter: .compare(FieldPath(["programme"]), .equal, .parameter(0))),
                                    [.text(programme)])
        if case .number(let c) = n, let i = c.intValue { return i }
        return 0
    }

    func enrol(_ programme: String, _ entity: String, _ key: Value, at: CivicTime) throws(StoreError) {
        _ = try store.insert(Books.enrolment, [.text(Bookkeeper.enrolmentKey(programme, entity, key)), .text(programme),
                                               .text(entity), .text(Books.keyText(key)), .time(at)])
    }

    func withdraw(_ programme: String, _ entity: String, _ key: Value) throws(StoreError) {
        try store.delete(Books.enrolment, key: .text(Bookkeeper.enrolmentKey(programme, entity, key)))
    }

    func stock(_ item: String) throws(StoreError) -> Number? {
        guard let row = try store.row(Books.stock, key: .text(item)), case .number(let n)? = row["remaining"] else { return nil }
        return n
    }

    /// Sets an item's stock the first time the catalogue is seen; later runs keep what is left.
    func openStock(_ item: String, _ amount: Number) throws(StoreError) {
        if try store.row(Books.stock, key: .text(item)) == nil {
            _ = try store.insert(Books.stock, [.text(item), .number(amount)])
        }
    }

    func setStock(_ item: String, _ amount: Number) throws(StoreError) {
        try store.update(Books.stock, key: .text(item), [("remaining", .number(amount))])
    }

    /// How many times a holder redeemed an item at times in `from..<to`.
    func redemptions(_ item: String, _ entity: String, _ key: Value, from: CivicTime, to: CivicTime) throws(StoreError) -> Int {
        try cache.flush(store)
        let query = StoreQuery(entity: Books.ledger, filter:
            .and(.and(.and(.compare(FieldPath(["kind"]), .equal, .parameter(0)),
                           .compare(FieldPath(["reason"]), .equal, .parameter(1))),
                      .and(.compare(FieldPath(["holder_entity"]), .equal, .parameter(2)),
                           .compare(FieldPath(["holder_key"]), .equal, .parameter(3)))),
                 .and(.compare(FieldPath(["at"]), .greaterEqual, .parameter(4)),
                      .compare(FieldPath(["at"]), .less, .parameter(5)))))
        let n = try store.aggregate(.count, query, [.text(LedgerEntry.Kind.redemption.rawValue), .text(item), .text(entity),
                                                   .text(Books.keyText(key)), .time(from), .time(to)])
        if case .number(let c) = n, let i = c.intValue { return i }
        return 0
    }
}

extension Bookkeeper {
    /// Remembers the accounts a script declares, so that `civic verify` knows their floors.
    public static func remember(_ accounts: [StoredAccount], in store: Store) throws(StoreError) {
        for a in accounts {
            let (key, values) = row(of: a)
            guard let stored = try store.row(Books.account, key: key) else {
                _ = try store.insert(Books.account, values)
                continue
            }
            // An account as stored is not written again, so that a run that
            // only reads works on a store that may not be written.
            let changes = changes(values, from: stored)
            if !changes.isEmpty { try store.update(Books.account, key: key, changes) }
        }
    }

    /// Whether `remember` would write: an account is new to the store, or
    /// stored with other terms.
    public static func accountsDiffer(_ accounts: [StoredAccount], in store: Store) throws(StoreError) -> Bool {
        if accounts.isEmpty { return false }
        guard try store.storedSchema().entity(Books.account) != nil else { return true }
        for a in accounts {
            let (key, values) = row(of: a)
            guard let stored = try store.row(Books.account, key: key) else { return true }
            if !changes(values, from: stored).isEmpty { return true }
        }
        return false
    }

    /// An account as `$account` keeps it: its key and its row.
    static func row(of a: StoredAccount) -> (key: Value, values: [Value]) {
        let key = Value.text("\(a.name)|\(a.holder)")
        return (key, [key, .text(a.name), .text(a.holder), a.expireAfter.map { .duration($0) } ?? .none,
                      a.atMost.map { .number($0) } ?? .none, .number(a.atLeast)])
    }

    /// The terms of an account that differ from its stored row.
    static func changes(_ values: [Value], from stored: Record) -> [(field: String, value: Value)] {
        [("expire_after", values[3]), ("at_most", values[4]), ("at_least", values[5])].filter { name, value in stored[name] != value }
    }

    /// Whether a lot that still holds credits has expired by `time`: then
    /// `expire` has expiries to post.
    public static func expiryDue(_ store: Store, asOf time: CivicTime) throws(StoreError) -> Bool {
        guard let next = try BookCache().nextExpiry(store), let first = next else { return false }
        return first <= time
    }

    /// Posts the expiry of every lot expired at `time` (used at the start of a run).
    public static func expire(_ store: Store, asOf time: CivicTime, operatorName: String) throws(StoreError) -> Int {
        let cache = BookCache()
        let n = try Bookkeeper(store: store, cache: cache).expire(asOf: time, operatorName: operatorName)
        try cache.finish(store)
        return n
    }
}
