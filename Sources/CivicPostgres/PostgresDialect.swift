import CivicStore
import CivicSyntax

/// How PostgreSQL writes what engines write differently: TRUE and FALSE,
/// parameters `$N`, texts and lists compared as the bytes of their stored
/// forms (`COLLATE "C"`, composed texts, lists in their one JSON form),
/// Durations by their two parts, `in` lists as one array parameter.
enum PostgresDialect: SQLDialect {
    static let trueSQL = "TRUE"
    static let falseSQL = "FALSE"
    static let textOrder = ""

    static func placeholder(_ position: Int) -> String { "$\(position)" }

    static func argument(_ integer: Int64) -> PostgresParameter { .integer(integer) }

    /// A list is compared in the form its field stores (numbers without
    /// trailing zeros, texts composed), a row as its key.
    static func operand(_ x: Value, _ codec: ColumnCodec, _ field: StoredField) -> PostgresParameter? {
        if case .list = codec, let stored = try? RowCheck.stored(x, for: field, of: "") { return codec.parameter(stored) }
        return codec.parameter(x)
    }

    static func equality(_ column: String, _ codec: ColumnCodec, _ value: PostgresParameter,
                         _ w: inout SQLWriter<PostgresDialect>) -> String {
        "\(column) = \(w.bind(value))"
    }

    /// Ordered as the language orders them: by seconds when the months are
    /// equal, by months when the seconds are; otherwise not at all.
    static func durationOrdering(_ column: String, _ op: String, _ d: CivicDuration, _ w: inout SQLWriter<PostgresDialect>) -> String {
        let months = "split_part(\(column), ':', 1)::bigint", seconds = "split_part(\(column), ':', 2)::bigint"
        let m = w.bind(Int64(d.months)), s = w.bind(Int64(d.seconds))
        return "((\(months) = \(m) AND \(seconds) \(op) \(s)) OR (\(seconds) = \(s) AND \(months) \(op) \(m)))"
    }

    static func membership(_ column: String, _ codec: ColumnCodec, _ field: StoredField, _ items: [Value],
                           _ w: inout SQLWriter<PostgresDialect>) -> String {
        var matchesNone = false
        var integers: [Int64] = [], texts: [String] = [], bools: [Bool] = []
        for item in items {
            if item.isNone { matchesNone = true; continue }
            switch operand(item, codec, field) {
            case .integer(let i)?: integers.append(i)
            case .text(let s)?: texts.append(s)
            case .bool(let b)?: bools.append(b)
            default: break
            }
        }
        var parts: [String] = []
        if matchesNone { parts.append("\(column) IS NULL") }
        if !integers.isEmpty { parts.append("\(column) = ANY(\(w.bind(.integers(integers))))") }
        if !texts.isEmpty { parts.append("\(column) = ANY(\(w.bind(.texts(texts))))") }
        for b in Set(bools).sorted(by: { !$0 && $1 }) { parts.append("\(column) = \(b ? trueSQL : falseSQL)") }
        if parts.isEmpty { return falseSQL }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " OR ") + ")"
    }

    static func orderTerm(_ sql: String, _ codec: ColumnCodec, descending: Bool) -> String {
        sql + (descending ? " DESC NULLS LAST" : " NULLS LAST")
    }
}
