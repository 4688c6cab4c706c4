import CivicStore
import CivicSyntax
import PostgresNIO

// How `PostgresStore` writes values into columns and reads them back: the
// forms SQLite uses (docs/scaling.md), never binary floating point.
//
//   Number    BIGINT, in millionths (RowCheck keeps 6 decimals and < 9e12)
//   Text      TEXT COLLATE "C", composed (NFC): byte order is the language's order
//   Bool      BOOLEAN
//   Date      TEXT 'YYYY-MM-DD';  Time TEXT 'YYYY-MM-DDTHH:MM:SS'
//   Duration  TEXT 'MONTHS:SECONDS'
//   reference the referenced row's key, in that key's column type
//   list      TEXT holding JSON (StoredListForm)
//   none      NULL

/// How the values of one column are written and read: the field's type with
/// references resolved to the type of the key they hold.
indirect enum PostgresCodec: Sendable {
    case number, text, bool, date, time, duration
    case reference(entity: String, key: PostgresCodec)
    /// A reference to an entity the store does not have: only none is stored.
    case unresolvedReference(entity: String)
    case list(StoredListForm)

    static func make(_ type: StoredType, in schema: StoreSchema, depth: Int = 0) -> PostgresCodec {
        switch type {
        case .number: return .number
        case .text: return .text
        case .bool: return .bool
        case .date: return .date
        case .time: return .time
        case .duration: return .duration
        case .list: return .list(StoredListForm(type, in: schema))
        case .reference(let name):
            guard depth < 8, let target = schema.entity(name), let key = target.key else {
                return .unresolvedReference(entity: name)
            }
            return .reference(entity: name, key: make(key.type, in: schema, depth: depth + 1))
        }
    }

    /// The column's type.
    var sqlType: String {
        switch self {
        case .number: return "BIGINT"
        case .bool: return "BOOLEAN"
        case .text, .date, .time, .duration, .list, .unresolvedReference: return "TEXT COLLATE \"C\""
        case .reference(_, let key): return key.sqlType
        }
    }

    /// The codec that decides how the column compares (a reference's key's).
    var resolved: PostgresCodec {
        if case .reference(_, let key) = self { return key.resolved }
        return self
    }

    /// Whether the column holds BIGINT values.
    var isInteger: Bool {
        if case .number = resolved { return true }
        return false
    }

    // MARK: Encoding

    /// The value as stored in this column, or nil when no stored value of
    /// this column can equal it (another type, more than 6 decimals, a text
    /// with a NUL character, a reference to another entity).
    func encode(_ value: Value) -> PostgresParameter? {
        if case .none = value { return .null }
        switch (self, value) {
        case (.number, .number(let n)):
            return PostgresCodec.micro(n).map { .integer($0) }
        case (.text, .text(let s)):
            if s.unicodeScalars.contains("\0") { return nil }
            return .text(RowCheck.normalized(s))
        case (.bool, .bool(let b)):
            return .bool(b)
        case (.date, .date(let d)):
            return .text(d.description)
        case (.time, .time(let t)):
            return .text(StoredForms.text(t))
        case (.duration, .duration(let d)):
            return .text(StoredForms.text(d))
        case (.reference(let entity, let keyCodec), _):
            guard let key = PostgresCodec.key(of: value, in: entity), !key.isNone else { return nil }
            return keyCodec.encode(key)
        case (.list(let form), .list), (.list(let form), .range):
            guard let text = form.text(value), !text.unicodeScalars.contains("\0") else { return nil }
            return .text(text)
        default:
            return nil
        }
    }

    /// The value a key lookup finds: a key matches when it is written the
    /// same, so a reference stands for its key.
    func encodeLookup(_ value: Value) -> PostgresParameter? {
        var v = value
        while case .reference(_, let key) = v { v = key }
        if case .none = v { return nil }
        switch self {
        case .reference(_, let keyCodec):
            return keyCodec.encodeLookup(v)
        case .list:
            guard case .list = v else { return nil }
            return encode(v)
        default:
            return encode(v)
        }
    }

    /// The key a value names when it stands for a row of `entity`.
    static func key(of value: Value, in entity: String) -> Value? {
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

    /// A Number in millionths, or nil if it has more than 6 decimals or is too large.
    static func micro(_ n: Number) -> Int64? {
        guard n.scale <= RowCheck.maxDecimals, n.magnitude < RowCheck.maxMagnitude else { return nil }
        return Int64(exactly: n.coefficient * pow10(RowCheck.maxDecimals - n.scale))
    }

    /// A Number with at most 6 decimals in millionths, clamped to Int64.
    static func microClamped(_ n: Number) -> Int64 {
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
    static func number(micro: Int128) -> Number {
        Number(coefficient: micro, scale: RowCheck.maxDecimals)
    }

    // MARK: Decoding

    struct Unreadable: Error {}

    /// The value a cell holds.
    func decode(_ cell: PostgresCell) throws(Unreadable) -> Value {
        if cell.bytes == nil { return .none }
        switch self {
        case .number:
            guard let i = try? cell.decode(Int64.self) else { throw Unreadable() }
            return .number(PostgresCodec.number(micro: Int128(i)))
        case .bool:
            guard let b = try? cell.decode(Bool.self) else { throw Unreadable() }
            return .bool(b)
        case .text:
            return .text(try PostgresCodec.string(cell))
        case .date:
            guard let d = CivicDate(iso: try PostgresCodec.string(cell)) else { throw Unreadable() }
            return .date(d)
        case .time:
            guard let t = CivicTime(iso: try PostgresCodec.string(cell)) else { throw Unreadable() }
            return .time(t)
        case .duration:
            guard let d = StoredForms.duration(try PostgresCodec.string(cell)) else { throw Unreadable() }
            return .duration(d)
        case .reference(let entity, let keyCodec):
            return .reference(entity: entity, key: try keyCodec.decode(cell))
        case .unresolvedReference:
            throw Unreadable()
        case .list(let form):
            guard let v = form.value(try PostgresCodec.string(cell)) else { throw Unreadable() }
            return v
        }
    }

    static func string(_ cell: PostgresCell) throws(Unreadable) -> String {
        guard let s = try? cell.decode(String.self) else { throw Unreadable() }
        return s
    }
}

extension Value {
    var isNone: Bool { if case .none = self { return true } else { return false } }
}
