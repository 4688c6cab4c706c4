import CivicSyntax

// How every SQL engine writes values into columns and reads them back. Every
// form is exact and never binary floating point, and the same on SQLite and
// PostgreSQL, so that a store moved between engines changes no value:
//
//   Number    integer, in millionths (12.5 → 12500000): RowCheck keeps at most
//             6 decimals and |x| < 9e12, so every stored Number fits an Int64.
//   Text      text, as given.
//   Bool      Bool (SQLite keeps it as the integer 0 or 1).
//   Date      text 'YYYY-MM-DD'.
//   Time      text 'YYYY-MM-DDTHH:MM:SS' (fixed width: text order is time order).
//   Duration  text 'MONTHS:SECONDS' ('0:7200' is 2 hours, '1:0' is 1 month).
//   reference the referenced row's key, encoded as that key's field.
//   list      text holding a JSON array (ColumnCodecJSON.swift).
//   none      NULL.

/// How the values of one column are written and read: the field's type with
/// references resolved to the type of the key they hold.
public indirect enum ColumnCodec: Sendable {
    case number, text, bool, date, time, duration
    /// A reference: the column holds the key of a row of `entity`.
    case reference(entity: String, key: ColumnCodec)
    /// A reference to an entity the store does not have (or that has no
    /// key): no row can be referred to, so only none is ever stored.
    case unresolvedReference(entity: String)
    /// A list: the column holds JSON, each item written as `element` says.
    case list(ColumnCodec)

    /// The codec of a field's type in a schema. References are followed to
    /// their key's type; a chain deeper than a few steps (only a schema whose
    /// keys refer to each other in a circle) is treated as unresolved.
    public static func make(_ type: StoredType, in schema: StoreSchema, depth: Int = 0) -> ColumnCodec {
        switch type {
        case .number: return .number
        case .text: return .text
        case .bool: return .bool
        case .date: return .date
        case .time: return .time
        case .duration: return .duration
        case .list(let element): return .list(make(element, in: schema, depth: depth + 1))
        case .reference(let name):
            guard depth < 8, let target = schema.entity(name), let key = target.key else {
                return .unresolvedReference(entity: name)
            }
            return .reference(entity: name, key: make(key.type, in: schema, depth: depth + 1))
        }
    }

    /// The codec that decides how the column's values are kept and compared
    /// (a reference's key's).
    public var resolved: ColumnCodec {
        if case .reference(_, let key) = self { return key.resolved }
        return self
    }

    // MARK: Writing

    /// The value as stored in this column, or nil when no stored value of
    /// this column can equal it (a value of another type, a Number with more
    /// than 6 decimals, a reference to another entity).
    public func cell(_ value: Value) -> SQLValue? {
        if case .none = value { return .null }
        switch (self, value) {
        case (.number, .number(let n)):
            return ColumnCodec.micro(n).map { .integer($0) }
        case (.text, .text(let s)):
            return .text(s)
        case (.bool, .bool(let b)):
            return .bool(b)
        case (.date, .date(let d)):
            return .text(d.description)
        case (.time, .time(let t)):
            return .text(StoredForms.text(t))
        case (.duration, .duration(let d)):
            return .text(StoredForms.text(d))
        case (.reference(let entity, let keyCodec), _):
            guard let key = ColumnCodec.key(of: value, in: entity), !key.isNone else { return nil }
            return keyCodec.cell(key)
        case (.list, .list), (.list, .range):
            var out = ""
            guard writeJSON(value, into: &out) else { return nil }
            return .text(out)
        default:
            return nil
        }
    }

    /// The value a key lookup finds, with MemoryStore's meaning: a key
    /// matches when it is written the same (`literal()`), so a reference
    /// stands for its key, and values of other types match nothing.
    public func lookupCell(_ value: Value) -> SQLValue? {
        var v = value
        while case .reference(_, let key) = v { v = key }
        if case .none = v { return nil }
        switch self {
        case .reference(_, let keyCodec):
            return keyCodec.lookupCell(v)
        case .list:
            guard case .list = v else { return nil }
            return cell(v)
        default:
            return cell(v)
        }
    }

    /// The key a value names when it stands for a row of `entity`: a
    /// reference to it, or one of its rows.
    public static func key(of value: Value, in entity: String) -> Value? {
        switch value {
        case .reference(let e, let key) where e == entity:
            return key
        case .record(let r) where r.shape.typeName == entity:
            guard let k = r.shape.keyIndex, k < r.values.count else { return nil }
            return r.values[k]
        default:
            return nil
        }
    }

    /// A Number in millionths, or nil if it has more than 6 decimals or is
    /// too large for the store.
    public static func micro(_ n: Number) -> Int64? {
        guard n.scale <= RowCheck.maxDecimals, n.magnitude < RowCheck.maxMagnitude else { return nil }
        return Int64(exactly: n.coefficient * pow10(RowCheck.maxDecimals - n.scale))
    }

    /// A Number with at most 6 decimals in millionths, clamped to Int64.
    public static func microClamped(_ n: Number) -> Int64 {
        guard n.scale <= RowCheck.maxDecimals else { return n.isNegative ? Int64.min : Int64.max }
        let (m, overflow) = n.coefficient.multipliedReportingOverflow(by: pow10(RowCheck.maxDecimals - n.scale))
        if overflow { return n.isNegative ? Int64.min : Int64.max }
        return Int64(clamping: m)
    }

    static func pow10(_ n: Int) -> Int128 {
        var p: Int128 = 1
        for _ in 0..<max(0, n) { p *= 10 }
        return p
    }

    /// A whole number of millionths as a Number.
    public static func number(micro: Int128) -> Number {
        Number(coefficient: micro, scale: RowCheck.maxDecimals)
    }

    // MARK: Reading

    /// The Text, Date, Time or Duration a text in this column's form holds.
    func value(text s: String) throws(Unreadable) -> Value {
        switch self {
        case .text:
            return .text(s)
        case .date:
            guard let d = CivicDate(iso: s) else { throw Unreadable() }
            return .date(d)
        case .time:
            guard let t = CivicTime(iso: s) else { throw Unreadable() }
            return .time(t)
        case .duration:
            guard let d = StoredForms.duration(s) else { throw Unreadable() }
            return .duration(d)
        default:
            throw Unreadable()
        }
    }

    /// A stored value that is not in this column's form.
    public struct Unreadable: Error {
        public init() {}
    }

    /// The value a column holds.
    public func value(_ stored: SQLValue) throws(Unreadable) -> Value {
        switch (self, stored) {
        case (_, .null):
            return .none
        case (.number, .integer(let i)):
            return .number(ColumnCodec.number(micro: Int128(i)))
        case (.bool, .bool(let b)):
            return .bool(b)
        case (.bool, .integer(let i)) where i == 0 || i == 1:
            return .bool(i == 1)
        case (.text, .text(let s)), (.date, .text(let s)), (.time, .text(let s)), (.duration, .text(let s)):
            return try value(text: s)
        case (.reference(let entity, let keyCodec), _):
            return .reference(entity: entity, key: try keyCodec.value(stored))
        case (.list, .text(let s)):
            guard let json = StoredJSON.parse(s) else { throw Unreadable() }
            return try decodeJSON(json)
        default:
            throw Unreadable()
        }
    }
}
