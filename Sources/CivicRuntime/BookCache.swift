import CivicStore
import CivicSyntax

/// The books as one run sees them, kept in memory and written to the store
/// in a few batched statements when the run ends (`flush`).
///
/// A run is one transaction that holds the store's write lock from its first
/// statement, so nobody else can see or change the books meanwhile: keeping
/// balances, budget windows, cap totals and new ledger entries in memory
/// changes nothing anyone can observe, and saves the several statements per
/// award that writing them one by one costs. The flush happens before the
/// commit (and before anything reads the ledger itself), so what is committed
/// is exactly what posting row by row would have committed. A run that fails
/// drops the cache with the transaction (`discard`).
///
/// What it buys: an award went from about 25 SQLite statements to one row
/// in a batched INSERT (see docs/performance.md).
public final class BookCache {
    /// One holder's balance in one account (its `$balance` row's key is `text`).
    struct BalanceKey: Hashable {
        var account: String
        var holder: HolderName
        var text: String { Books.balanceKey(account, holder.entity, keyText: holder.key) }
    }
    /// Balances read or moved in this run.
    var balances: [BalanceKey: Number] = [:]
    /// Balances to write to `$balance`.
    var changedBalances: Set<BalanceKey> = []
    /// "account|entity" pairs whose balances were read whole: one not in
    /// `balances` is 0.
    var wholeAccounts: Set<String> = []

    /// A holder as the books name it: its entity, and its key as text
    /// (`Books.keyText`). Two texts rather than "entity|key" made into one:
    /// short ones are kept inline, so naming a holder allocates nothing.
    struct HolderName: Hashable {
        var entity: String
        var key: String
    }

    /// What the books know of one holder in this run: the
    /// totals of its caps, and since when its awards are in them.
    ///
    /// What it buys: an award finds its holder with one lookup by text, and
    /// its cap totals by numbers (rule, account, period, start) rather than
    /// by three texts each time (see docs/performance.md).
    final class Holder {
        /// The holder's number in this run (for `Handled`).
        let number: Int
        /// The earliest time from which the holder's awards are in `capTotals`.
        var capHorizon: CivicTime?
        /// Cap totals, from the ledger entries read and the awards of this run.
        var capTotals: [CapWindow: Number] = [:]

        init(number: Int) {
            self.number = number
            capTotals.reserveCapacity(16)
        }
    }
    var holders: [HolderName: Holder] = [:]

    /// The holder's books, made when first asked for.
    func holder(_ name: HolderName) -> Holder {
        if let h = holders[name] { return h }
        let h = Holder(number: holders.count)
        holders[name] = h
        return h
    }

    /// One cap's calendar period for one holder (whose `Holder` keeps it):
    /// what a rule gave to the holder's account in it is the sum of the
    /// rule's awards in the ledger. Rule and account by their `name` numbers.
    struct CapWindow: Hashable {
        var rule: Int
        var account: Int
        var period: CalendarPeriod
        var start: CivicTime
    }

    /// Names of rules and accounts, numbered in this run.
    var names: [String: Int] = [:]

    /// The number of a rule's or an account's name.
    func name(_ text: String) -> Int {
        if let n = names[text] { return n }
        let n = names.count
        names[text] = n
        return n
    }

    /// Budget totals (for all holders together, kept as `$window` rows)
    /// read or moved in this run, by window key.
    var windows: [String: Number] = [:]
    /// Rows of `$window` to write, by key.
    var changedWindows: [String: [Value]] = [:]
    /// Whether the budget windows were read (see `Bookkeeper.readBudgets`).
    var budgetsRead = false

    /// One award of a rule to a holder's account, for the event being handled
    /// (rule and account by their `name` numbers, the holder by its `number`).
    struct Handled: Hashable {
        var rule: Int
        var award: Int
        var holder: Int
        var account: Int
    }
    /// What the awards of rules credited for the event being handled
    /// (emptied when the next event is stored).
    var handled: Set<Handled> = []

    /// Ledger rows to write, numbered already; written a batch at a time so
    /// that a run of a million events does not hold them all in memory.
    var newEntries: [[Value]] = []
    static let entriesPerWrite = 10_000
    private var nextEntryID: Int?

    /// When the first lot that still holds credits expires: unknown (nil),
    /// none (.some(nil)), or a time.
    private var firstExpiry: CivicTime??

    public init() {}

    /// The number the next ledger entry gets.
    func nextEntry(_ store: Store) throws(StoreError) -> Int {
        _ = try firstEntryOfRun(store)   // where the ledger ends, read once
        let id = nextEntryID ?? 1
        nextEntryID = id + 1
        return id
    }

    /// The number of the first entry this run makes: entries below it were
    /// in the store when the run began.
    func firstEntryOfRun(_ store: Store) throws(StoreError) -> Int {
        if let first = firstEntryID { return first }
        var id = 1
        if case .number(let most) = try store.aggregate(.max(FieldPath(["id"])), StoreQuery(entity: Books.ledger), []),
           let i = most.intValue {
            id = i + 1
        }
        firstEntryID = id
        nextEntryID = id
        return id
    }
    private var firstEntryID: Int?

    /// When the first lot still holding credits expires (nil: there is none).
    func nextExpiry(_ store: Store) throws(StoreError) -> CivicTime?? {
        if let known = firstExpiry { return known }
        let query = StoreQuery(entity: Books.lot, filter: .compare(FieldPath(["remaining"]), .greater, .parameter(0)))
        var first: CivicTime?
        if case .time(let t) = try store.aggregate(.min(FieldPath(["expires"])), query, [.number(.zero)]) { first = t }
        firstExpiry = .some(first)
        return firstExpiry
    }

    func lotAdded(expiring expires: CivicTime) {
        guard let known = firstExpiry else { return }
        if let t = known, t <= expires { return }
        firstExpiry = .some(expires)
    }

    func forgetNextExpiry() { firstExpiry = nil }

    /// Writes the new ledger entries (balances and windows stay in memory:
    /// there is one of each per holder, however many entries).
    func flushEntries(_ store: Store) throws(StoreError) {
        guard !newEntries.isEmpty else { return }
        try store.insert(Books.ledger, rows: newEntries)
        newEntries = []
    }

    /// Writes what the run changed so far to the store; what was read stays
    /// known (the store now agrees with it, and the run still holds the lock).
    public func flush(_ store: Store) throws(StoreError) {
        defer {
            newEntries = []
            changedBalances = []
            changedWindows = [:]
        }
        try flushEntries(store)
        if !changedBalances.isEmpty {
            let rows: [[Value]] = changedBalances.map { k in (text: k.text, key: k) }.sorted { $0.text < $1.text }.map { k in
                [.text(k.text), .text(k.key.account), .text(k.key.holder.entity), .text(k.key.holder.key),
                 .number(balances[k.key] ?? .zero)]
            }
            try store.put(Books.balance, rows: rows)
        }
        if !changedWindows.isEmpty {
            try store.put(Books.window, rows: changedWindows.keys.sorted().compactMap { changedWindows[$0] })
        }
    }

    /// Writes what the run changed and forgets everything: the end of a run
    /// (or of one REPL input), after which others may change the store.
    public func finish(_ store: Store) throws(StoreError) {
        defer { discard() }
        try flush(store)
    }

    /// Forgets everything, written or not (after a rollback).
    public func discard() {
        balances = [:]
        changedBalances = []
        wholeAccounts = []
        windows = [:]
        changedWindows = [:]
        budgetsRead = false
        handled = []
        newEntries = []
        nextEntryID = nil
        firstEntryID = nil
        holders = [:]
        names = [:]
        firstExpiry = nil
    }
}
