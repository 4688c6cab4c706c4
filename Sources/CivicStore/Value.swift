import CivicSyntax

/// A value while a script runs.
///
/// Lists and records are copied on write (Swift arrays), so `let b = a`
/// never lets a change to `b` show through `a`.
public enum Value: Sendable {
    case none
    case bool(Bool)
    case number(Number)
    case text(String)
    case date(CivicDate)
    case time(CivicTime)
    case duration(CivicDuration)
    case list([Value])
    /// `a..b` with whole-number ends, both included: a list that is never built.
    case range(Int, Int)
    case record(Record)
    /// A stored row of another entity, named by its key (`h.worker`); the
    /// row itself is read from the store when one of its fields is asked for.
    indirect case reference(entity: String, key: Value)
}

extension Value {
    /// Whether this is none, the missing value.
    public var isNone: Bool { if case .none = self { return true } else { return false } }
}

/// A record: field names (shared by all records of one shape) and values.
public struct Record: Sendable {
    public var shape: RecordShape
    public var values: [Value]

    public init(shape: RecordShape, values: [Value]) {
        self.shape = shape
        self.values = values
    }

    /// A record from name/value pairs, in order.
    public init(_ pairs: [(String, Value)]) {
        self.shape = RecordShape(pairs.map(\.0))
        self.values = pairs.map(\.1)
    }

    public subscript(_ name: String) -> Value? {
        shape.index(of: name).map { values[$0] }
    }
}

/// The field names of a record, in order, with a quick index by name.
/// Shapes are shared: every row of one query, every record made by one
/// literal in the source, has the same shape object.
public final class RecordShape: Sendable {
    /// For an entity or event row, its type's name.
    public let typeName: String?
    public let names: [String]
    /// Fields whose values are masked in output (`private` in the schema).
    public let privateFields: Set<String>
    private let indexes: [String: Int]

    /// For an entity row, the position of its key field.
    public let keyIndex: Int?

    public init(_ names: [String], typeName: String? = nil, privateFields: Set<String> = [], keyIndex: Int? = nil) {
        self.typeName = typeName
        self.keyIndex = keyIndex
        self.names = names
        self.privateFields = privateFields
        var indexes: [String: Int] = [:]
        for (i, n) in names.enumerated() where indexes[n] == nil { indexes[n] = i }
        self.indexes = indexes
    }

    public func index(of name: String) -> Int? { indexes[name] }
}

extension Value {
    /// The name of the value's type, for messages.
    public var typeName: String {
        switch self {
        case .none: return "none"
        case .bool: return "Bool"
        case .number: return "Number"
        case .text: return "Text"
        case .date: return "Date"
        case .time: return "Time"
        case .duration: return "Duration"
        case .list, .range: return "List"
        case .record(let r): return r.shape.typeName ?? "Record"
        case .reference(let entity, _): return entity
        }
    }

    /// The type name with an article: "a Number", "an Event".
    public var typeNameWithArticle: String {
        switch self {
        case .none: return "none"
        default:
            let n = typeName
            let vowel = n.first.map { "AEIOU".contains($0) } ?? false
            return (vowel ? "an " : "a ") + n
        }
    }

    /// The items of a list or range, built when asked for.
    public var items: [Value]? {
        switch self {
        case .list(let items): return items
        case .range(let lo, let hi):
            return lo <= hi ? (lo...hi).map { .number(Number($0)) } : []
        default: return nil
        }
    }

    /// How many items a list or range has.
    public var itemCount: Int? {
        switch self {
        case .list(let items): return items.count
        case .range(let lo, let hi):
            guard lo <= hi else { return 0 }
            let (span, overflow) = hi.subtractingReportingOverflow(lo)
            return overflow || span == Int.max ? Int.max : span + 1
        default: return nil
        }
    }
}

extension Value: Equatable {
    /// Equality as the language defines it: values of different types are
    /// never equal; numbers compare exactly (`1.0 == 1`); lists and records
    /// compare item by item; a range equals the list of its numbers; two rows
    /// of one entity (or a row and a reference to it) are equal when their
    /// keys are.
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.text(let x), .text(let y)): return x == y
        case (.date(let x), .date(let y)): return x == y
        case (.time(let x), .time(let y)): return x == y
        case (.duration(let x), .duration(let y)): return x == y
        case (.range(let a1, let b1), .range(let a2, let b2)):
            return (a1 > b1 && a2 > b2) || (a1 == a2 && b1 == b2)
        case (.list, .list), (.list, .range), (.range, .list):
            return a.items == b.items
        case (.record(let x), .record(let y)):
            if let kx = x.shape.keyIndex, let ky = y.shape.keyIndex, x.shape.typeName == y.shape.typeName {
                return x.values[kx] == y.values[ky]
            }
            return x.shape.names == y.shape.names && x.values == y.values
        case (.reference(let e1, let k1), .reference(let e2, let k2)):
            return e1 == e2 && k1 == k2
        case (.reference(let e, let k), .record(let r)), (.record(let r), .reference(let e, let k)):
            guard r.shape.typeName == e, let i = r.shape.keyIndex else { return false }
            return r.values[i] == k
        default: return false
        }
    }
}
