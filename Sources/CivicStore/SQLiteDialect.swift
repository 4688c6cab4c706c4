import CivicSyntax
import GRDB

/// How SQLite writes what engines write differently: Bools as 1 and 0,
/// parameters `?N`, texts compared with the `civic_text` collation (Swift's
/// order and equality), lists with `civic_list_eq`, Durations with
/// `civic_duration_order` (SQLiteFunctions), long `in` lists as one JSON array.
enum SQLiteDialect: SQLDialect {
    static let trueSQL = "1"
    static let falseSQL = "0"
    static let textOrder = " COLLATE civic_text"

    static func placeholder(_ position: Int) -> String { "?\(position)" }

    static func argument(_ integer: Int64) -> DatabaseValue { integer.databaseValue }

    static func operand(_ x: Value, _ codec: ColumnCodec, _ field: StoredField) -> DatabaseValue? {
        codec.encode(x)
    }

    static func equality(_ column: String, _ codec: ColumnCodec, _ value: DatabaseValue, _ w: inout SQLWriter<SQLiteDialect>) -> String {
        switch codec.comparison {
        case .integer, .plainText: return "\(column) = \(w.bind(value))"
        case .collatedText:
            // Texts are stored composed (NFC), and texts the language calls
            // equal compose alike: comparing the composed bytes means the same
            // as the collation, and lets SQLite use an index on the column.
            guard case .string(let text) = value.storage else { return "\(column) COLLATE civic_text = \(w.bind(value))" }
            return "\(column) = \(w.bind(RowCheck.normalized(text).databaseValue))"
        case .list: return "civic_list_eq(\(column), \(w.bind(value)))"
        }
    }

    static func durationOrdering(_ column: String, _ op: String, _ d: CivicDuration, _ w: inout SQLWriter<SQLiteDialect>) -> String {
        "civic_duration_order(\(column), \(w.bind(StoredForms.text(d).databaseValue))) \(op) 0"
    }

    /// How many items of an `in` list are bound one by one; beyond this the
    /// list is bound as one JSON array.
    static let inlineItems = 100

    static func membership(_ column: String, _ codec: ColumnCodec, _ field: StoredField, _ items: [Value],
                           _ w: inout SQLWriter<SQLiteDialect>) -> String {
        var matchesNone = false
        var encoded: [DatabaseValue] = []
        for item in items {
            if item.isNone { matchesNone = true; continue }
            if let e = codec.encode(item) { encoded.append(e) }
        }
        var parts: [String] = []
        if matchesNone { parts.append("\(column) IS NULL") }
        if !encoded.isEmpty {
            switch codec.comparison {
            case .list:
                var json = "["
                for (i, e) in encoded.enumerated() {
                    if i > 0 { json += "," }
                    if case .string(let s) = e.storage { json += s } else { json += "null" }
                }
                json += "]"
                parts.append("EXISTS (SELECT 1 FROM json_each(\(w.bind(json.databaseValue))) AS j WHERE civic_list_eq(\(column), j.value))")
            case .integer, .plainText, .collatedText:
                let collate = codec.comparison == .collatedText ? textOrder : ""
                if encoded.count <= inlineItems {
                    var list: [String] = []
                    for e in encoded { list.append(w.bind(e)) }
                    parts.append("\(column)\(collate) IN (\(list.joined(separator: ", ")))")
                } else {
                    var json = "["
                    for (i, e) in encoded.enumerated() {
                        if i > 0 { json += "," }
                        switch e.storage {
                        case .int64(let n): json += String(n)
                        case .string(let s): StoredJSON.writeString(s, into: &json)
                        default: json += "null"
                        }
                    }
                    json += "]"
                    parts.append("\(column)\(collate) IN (SELECT value FROM json_each(\(w.bind(json.databaseValue))))")
                }
            }
        }
        if parts.isEmpty { return falseSQL }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " OR ") + ")"
    }

    static func orderTerm(_ sql: String, _ codec: ColumnCodec, descending: Bool) -> String {
        // SQLite puts NULL first going up and last going down: NULLS LAST
        // going up says the same as a separate `x IS NULL` term before
        // `x`, without computing that term for every row and keeping it
        // in the sorter (order by ... limit 10 over a million rows: 1,297M
        // instructions in SQLite with the extra terms, 920M without).
        let direction = descending ? " DESC" : " NULLS LAST"
        if case .text = codec { return sql + textOrder + direction }
        return sql + direction
    }
}
