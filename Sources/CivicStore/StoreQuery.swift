import CivicSyntax

/// A query the store answers: rows of one entity, filtered, ordered, limited.
///
/// Values from the script never appear in a query: they are `parameter`s,
/// bound by the engine (for SQL, as bound parameters, never pasted into the
/// text), so a name with a quote or `--` in it is only ever a value.
public struct StoreQuery: Sendable {
    public var entity: String
    public var filter: StorePredicate?
    public var order: [StoreOrderKey]
    public var limit: StoreOperand?

    public init(entity: String, filter: StorePredicate? = nil, order: [StoreOrderKey] = [], limit: StoreOperand? = nil) {
        self.entity = entity
        self.filter = filter
        self.order = order
        self.limit = limit
    }
}

/// A field of the row, or a field of a row it refers to (`worker.name`).
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    public var steps: [String]
    public init(_ steps: [String]) { self.steps = steps }
    public var description: String { steps.joined(separator: ".") }
}

public struct StoreOrderKey: Sendable {
    public var path: FieldPath
    public var descending: Bool
    public init(path: FieldPath, descending: Bool) {
        self.path = path
        self.descending = descending
    }
}

/// A value the script gives the query: the parameter at this position.
public enum StoreOperand: Hashable, Sendable {
    case parameter(Int)
}

public enum StoreComparison: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

/// A condition on a row, with the language's meaning: a missing value (none)
/// equals only none, and is neither less nor greater than anything.
public indirect enum StorePredicate: Sendable {
    case compare(FieldPath, StoreComparison, StoreOperand)
    /// `field in LIST`: the operand is a list of values.
    case isIn(FieldPath, StoreOperand)
    /// A Bool field standing alone: `where living_alone`.
    case isTrue(FieldPath)
    case and(StorePredicate, StorePredicate)
    case or(StorePredicate, StorePredicate)
    case not(StorePredicate)
    case constant(Bool)
}

/// What to compute over the rows of a query.
public enum StoreAggregate: Sendable {
    case count
    case exists
    case sum(FieldPath)
    /// Gives the sum and the count of the values that are not none.
    case average(FieldPath)
    case min(FieldPath)
    case max(FieldPath)
}
