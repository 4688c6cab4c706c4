import CivicSyntax

/// One entry of the append-only ledger: every change to an account's balance.
/// Balances are derived from the ledger; a mistake is corrected by a new
/// entry, never by editing an old one.
public struct LedgerEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case award, charge, transferIn = "transfer in", transferOut = "transfer out", expiry, redemption
    }

    /// The entry's number in the ledger (0 before it is stored).
    public var id: Int
    public var holderEntity: String
    public var holderKey: Value
    public var account: String
    /// Positive for a credit, negative for a debit.
    public var amount: Number
    public var kind: Kind
    /// The rule that made the entry, if a rule did.
    public var rule: String?
    /// The event the rule handled: its type and id.
    public var eventType: String?
    public var eventID: String?
    /// When it happened: the event's `at` for rules, the run's clock otherwise.
    public var at: CivicTime
    public var reason: String?
    /// Who ran the script that made it (the operating-system user, or --operator).
    public var operatorName: String
    /// What was asked for, when a cap, a budget or `at most` cut it down.
    public var requested: Number?
    /// What cut it: "cap 20 per month", "budget 5000 per year", "at most 1500".
    public var cutBy: String?
    /// For a credit to an account whose credits expire: when this lot expires.
    public var expires: CivicTime?

    public init(id: Int = 0, holderEntity: String, holderKey: Value, account: String, amount: Number, kind: Kind,
                rule: String? = nil, eventType: String? = nil, eventID: String? = nil, at: CivicTime,
                reason: String? = nil, operatorName: String, requested: Number? = nil, cutBy: String? = nil,
                expires: CivicTime? = nil) {
        self.id = id
        self.holderEntity = holderEntity
        self.holderKey = holderKey
        self.account = account
        self.amount = amount
        self.kind = kind
        self.rule = rule
        self.eventType = eventType
        self.eventID = eventID
        self.at = at
        self.reason = reason
        self.operatorName = operatorName
        self.requested = requested
        self.cutBy = cutBy
        self.expires = expires
    }
}

/// An account as the store keeps it: `account credits of Resident { ... }`.
public struct StoredAccount: Equatable, Sendable {
    public var name: String
    public var holder: String
    /// Credits expire this long after they were earned (each lot keeps the
    /// expiry fixed when it was earned).
    public var expireAfter: CivicDuration?
    /// A balance never grows past this.
    public var atMost: Number?
    /// A balance never goes below this (0 unless given).
    public var atLeast: Number

    public init(name: String, holder: String, expireAfter: CivicDuration? = nil, atMost: Number? = nil, atLeast: Number = .zero) {
        self.name = name
        self.holder = holder
        self.expireAfter = expireAfter
        self.atMost = atMost
        self.atLeast = atLeast
    }
}

/// What part of an account's balance one credit still holds (for accounts that expire).
public struct Lot: Sendable, Equatable {
    /// The ledger entry that earned it.
    public var entry: Int
    public var earned: CivicTime
    public var expires: CivicTime
    public var remaining: Number

    public init(entry: Int, earned: CivicTime, expires: CivicTime, remaining: Number) {
        self.entry = entry
        self.earned = earned
        self.expires = expires
        self.remaining = remaining
    }
}

/// A sum over the ledger, for caps and budgets: the credits `rule` gave to
/// `account` (of one holder, or of everyone) at times in `from..<to`.
public struct LedgerWindow: Sendable {
    public var account: String
    public var rule: String
    /// One holder (entity and key), or nil for everyone (a budget).
    public var holder: (entity: String, key: Value)?
    public var from: CivicTime
    public var to: CivicTime

    public init(account: String, rule: String, holder: (entity: String, key: Value)?, from: CivicTime, to: CivicTime) {
        self.account = account
        self.rule = rule
        self.holder = holder
        self.from = from
        self.to = to
    }
}
