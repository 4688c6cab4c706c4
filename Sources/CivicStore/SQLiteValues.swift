import CivicSyntax
import GRDB

// How `SQLiteStore` keeps the column forms of `ColumnCodec` in SQLite: in
// STRICT tables, Bools as the INTEGER 0 or 1, the rest as `SQLValue` says.

extension ColumnCodec {
    /// The column type in a STRICT table.
    var sqliteType: String {
        switch self {
        case .number, .bool: return "INTEGER"
        case .text, .date, .time, .duration, .list: return "TEXT"
        case .reference(_, let key): return key.sqliteType
        case .unresolvedReference: return "ANY"
        }
    }

    /// How values of this column are compared in SQL.
    var comparison: SQLiteComparison {
        switch self {
        case .number, .bool: return .integer
        case .text: return .collatedText
        case .date, .time, .duration: return .plainText
        case .list: return .list
        case .reference(_, let key): return key.comparison
        case .unresolvedReference: return .integer
        }
    }

    /// The value as SQLite stores it in this column (see `cell`).
    func encode(_ value: Value) -> DatabaseValue? {
        cell(value)?.databaseValue
    }

    /// The value a key lookup finds (see `lookupCell`).
    func encodeLookup(_ value: Value) -> DatabaseValue? {
        lookupCell(value)?.databaseValue
    }

    /// The value a stored column holds.
    func decode(_ stored: DatabaseValue) throws(Unreadable) -> Value {
        switch stored.storage {
        case .null: return .none
        case .int64(let i): return try value(.integer(i))
        case .string(let s): return try value(.text(s))
        case .double, .blob: throw Unreadable()
        }
    }
}

extension SQLValue {
    /// The value as SQLite binds it: a Bool as the INTEGER 0 or 1.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let i): return i.databaseValue
        case .text(let s): return s.databaseValue
        case .bool(let b): return Int64(b ? 1 : 0).databaseValue
        }
    }
}

/// How SQL compares the values of a column.
enum SQLiteComparison {
    /// INTEGER: Numbers in millionths, Bools.
    case integer
    /// TEXT compared with the `civic_text` collation (Swift's String order and equality).
    case collatedText
    /// TEXT whose bytes compare exactly: dates, times, durations.
    case plainText
    /// TEXT holding a JSON list, compared with `civic_list_eq`.
    case list
}

// MARK: - Registered SQL functions

enum SQLiteFunctions {
    /// Text comparison with the language's meaning (Swift's `<` and `==` on
    /// Strings: canonically equivalent texts are equal).
    static let textCollation = DatabaseCollation("civic_text") { a, b in
        a < b ? .orderedAscending : (a == b ? .orderedSame : .orderedDescending)
    }

    /// `civic_list_eq(a, b)`: 1 when two JSON lists of one column hold equal
    /// items (texts equal as the language says), else 0; 0 for NULL.
    static let listEqual = DatabaseFunction("civic_list_eq", argumentCount: 2, pure: true) { args in
        guard args.count == 2,
              case .string(let a) = args[0].storage, case .string(let b) = args[1].storage,
              let x = SQLiteJSON.parse(a), let y = SQLiteJSON.parse(b) else { return Int64(0) }
        return Int64(SQLiteJSON.sameItems(x, y) ? 1 : 0)
    }

    /// `civic_duration_order(a, b)`: -1, 0 or 1 as duration `a` is below,
    /// equal to or above `b`; NULL when they cannot be ordered (1 month
    /// against 30 days) or one is NULL.
    static let durationOrder = DatabaseFunction("civic_duration_order", argumentCount: 2, pure: true) { args in
        guard args.count == 2,
              case .string(let a) = args[0].storage, case .string(let b) = args[1].storage,
              let x = StoredForms.duration(a), let y = StoredForms.duration(b),
              let o = try? CivicDuration.compare(x, y) else { return nil }
        return Int64(o)
    }
}

// MARK: - JSON

/// Just enough JSON for lists and the stored schema. Numbers stay the text
/// they were written as (no binary floating point).
enum SQLiteJSON {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([SQLiteJSON])
    case object([(String, SQLiteJSON)])

    var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let token): out += token
        case .string(let s): SQLiteJSON.writeString(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (name, value)) in members.enumerated() {
                if i > 0 { out += "," }
                SQLiteJSON.writeString(name, into: &out)
                out += ":"
                value.write(into: &out)
            }
            out += "}"
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += Value.jsonString(s)
    }

    subscript(_ name: String) -> SQLiteJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == name }?.1
    }

    /// Whether two JSON lists written by one column's codec hold equal items:
    /// texts compare as Swift Strings (canonical equivalence), as `Value` does.
    static func sameItems(_ a: SQLiteJSON, _ b: SQLiteJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)):
            guard let m = Number(literal: x), let n = Number(literal: y) else { return x == y }
            return m == n
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return false }
            for (p, q) in zip(x, y) where !sameItems(p, q) { return false }
            return true
        default: return false
        }
    }

    static func parse(_ text: String) -> SQLiteJSON? {
        var parser = Parser(bytes: Array(text.utf8))
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        return parser.at == parser.bytes.count ? value : nil
    }

    private struct Parser {
        let bytes: [UInt8]
        var at = 0

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func literal(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard at + w.count <= bytes.count, Array(bytes[at..<(at + w.count)]) == w else { return false }
            at += w.count
            return true
        }

        mutating func value(depth: Int) -> SQLiteJSON? {
            guard depth < 200 else { return nil }
            skipSpace()
            guard at < bytes.count else { return nil }
            switch bytes[at] {
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "\""): return string().map { .string($0) }
            case UInt8(ascii: "["):
                at += 1
                var items: [SQLiteJSON] = []
                skipSpace()
                if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
                while true {
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                    skipSpace()
                    guard at < bytes.count else { return nil }
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
                    return nil
                }
            case UInt8(ascii: "{"):
                at += 1
                var members: [(String, SQLiteJSON)] = []
                skipSpace()
                if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard at < bytes.count, bytes[at] == UInt8(ascii: "\""), let name = string() else { return nil }
                    skipSpace()
                    guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { return nil }
                    at += 1
                    guard let item = value(depth: depth + 1) else { return nil }
                    members.append((name, item))
                    skipSpace()
                    guard at < bytes.count else { return nil }
                    if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                    if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
                    return nil
                }
            default:
                let start = at
                while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at])
                        || bytes[at] == UInt8(ascii: "-") || bytes[at] == UInt8(ascii: "+")
                        || bytes[at] == UInt8(ascii: ".") || bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                    at += 1
                }
                guard at > start else { return nil }
                return .number(String(decoding: bytes[start..<at], as: UTF8.self))
            }
        }

        mutating func hex4() -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[at]
                let d: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a")) + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A")) + 10
                default: return nil
                }
                v = v * 16 + d
                at += 1
            }
            return v
        }

        /// A string starting at the opening quote.
        mutating func string() -> String? {
            at += 1
            var out: [UInt8] = []
            while at < bytes.count {
                let b = bytes[at]
                at += 1
                if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard b == UInt8(ascii: "\\") else { out.append(b); continue }
                guard at < bytes.count else { return nil }
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var code = hex4() else { return nil }
                    if (0xD800...0xDBFF).contains(code) {
                        guard at + 2 <= bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { return nil }
                        at += 2
                        guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { return nil }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    return nil
                }
            }
            return nil
        }
    }
}

// MARK: - The stored schema as JSON

/// The schema is kept in `civic_schema`, one row per entity: its fields as
/// JSON, with types and defaults written so that they read back equal.
enum SQLiteSchemaJSON {
    static func fields(_ entity: StoredEntity) -> String {
        SQLiteJSON.array(entity.fields.map { f in
            SQLiteJSON.object([
                ("name", .string(f.name)),
                ("type", type(f.type)),
                ("key", .bool(f.isKey)),
                ("private", .bool(f.isPrivate)),
                ("generated", .bool(f.isGenerated)),
                ("indexed", .bool(f.isIndexed)),
                ("default", f.defaultValue.map(value) ?? .null),
                // For people reading the file: the default as Civic writes it.
                ("default_literal", f.defaultValue.map { .string($0.literal(FormatOptions(reveal: true))) } ?? .null),
            ])
        }).text
    }

    static func entity(name: String, fields text: String) -> StoredEntity? {
        guard case .array(let items)? = SQLiteJSON.parse(text) else { return nil }
        var fields: [StoredField] = []
        for item in items {
            guard case .string(let name)? = item["name"], let t = item["type"].flatMap(type),
                  case .bool(let isKey)? = item["key"], case .bool(let isPrivate)? = item["private"],
                  case .bool(let isGenerated)? = item["generated"], let d = item["default"] else { return nil }
            var defaultValue: Value?
            if case .null = d {
                defaultValue = nil
            } else {
                guard let v = value(d) else { return nil }
                defaultValue = v
            }
            // Stores written before fields could be indexed say nothing of it.
            var isIndexed = false
            if case .bool(let b)? = item["indexed"] { isIndexed = b }
            fields.append(StoredField(name: name, type: t, isKey: isKey, isPrivate: isPrivate,
                                      defaultValue: defaultValue, isGenerated: isGenerated, isIndexed: isIndexed))
        }
        return StoredEntity(name: name, fields: fields)
    }

    static func type(_ t: StoredType) -> SQLiteJSON {
        switch t {
        case .number, .text, .bool, .date, .time, .duration: return .string(t.description)
        case .reference(let e): return .object([("reference", .string(e))])
        case .list(let element): return .object([("list", type(element))])
        }
    }

    static func type(_ json: SQLiteJSON) -> StoredType? {
        switch json {
        case .string("Number"): return .number
        case .string("Text"): return .text
        case .string("Bool"): return .bool
        case .string("Date"): return .date
        case .string("Time"): return .time
        case .string("Duration"): return .duration
        case .object:
            if case .string(let e)? = json["reference"] { return .reference(e) }
            if let element = json["list"].flatMap(type) { return .list(element) }
            return nil
        default: return nil
        }
    }

    /// Any value, tagged with its kind, so that it reads back equal.
    static func value(_ v: Value) -> SQLiteJSON {
        switch v {
        case .none: return .array([.string("none")])
        case .bool(let b): return .array([.string("bool"), .bool(b)])
        case .number(let n): return .array([.string("number"), .string(n.description)])
        case .text(let s): return .array([.string("text"), .string(s)])
        case .date(let d): return .array([.string("date"), .string(d.description)])
        case .time(let t): return .array([.string("time"), .string(StoredForms.text(t))])
        case .duration(let d): return .array([.string("duration"), .string(StoredForms.text(d))])
        case .list(let items): return .array([.string("list"), .array(items.map(value))])
        case .range(let lo, let hi): return .array([.string("range"), .string(String(lo)), .string(String(hi))])
        case .reference(let e, let key): return .array([.string("reference"), .string(e), value(key)])
        case .record(let r):
            return .array([.string("record"), r.shape.typeName.map { .string($0) } ?? .null,
                           r.shape.keyIndex.map { .string(String($0)) } ?? .null,
                           .array(r.shape.names.map { .string($0) }),
                           .array(r.values.map(value)),
                           .array(r.shape.privateFields.sorted().map { .string($0) })])
        }
    }

    static func value(_ json: SQLiteJSON) -> Value? {
        guard case .array(let parts) = json, case .string(let tag)? = parts.first else { return nil }
        switch (tag, parts.count) {
        case ("none", 1): return Value.none
        case ("bool", 2):
            guard case .bool(let b) = parts[1] else { return nil }
            return .bool(b)
        case ("number", 2):
            guard case .string(let s) = parts[1], let n = Number(literal: s) else { return nil }
            return .number(n)
        case ("text", 2):
            guard case .string(let s) = parts[1] else { return nil }
            return .text(s)
        case ("date", 2):
            guard case .string(let s) = parts[1], let d = CivicDate(iso: s) else { return nil }
            return .date(d)
        case ("time", 2):
            guard case .string(let s) = parts[1], let t = CivicTime(iso: s) else { return nil }
            return .time(t)
        case ("duration", 2):
            guard case .string(let s) = parts[1], let d = StoredForms.duration(s) else { return nil }
            return .duration(d)
        case ("list", 2):
            guard case .array(let items) = parts[1] else { return nil }
            var out: [Value] = []
            for item in items {
                guard let v = value(item) else { return nil }
                out.append(v)
            }
            return .list(out)
        case ("range", 3):
            guard case .string(let a) = parts[1], case .string(let b) = parts[2], let lo = Int(a), let hi = Int(b) else { return nil }
            return .range(lo, hi)
        case ("reference", 3):
            guard case .string(let e) = parts[1], let key = value(parts[2]) else { return nil }
            return .reference(entity: e, key: key)
        case ("record", 6):
            var typeName: String?
            if case .string(let t) = parts[1] { typeName = t }
            var keyIndex: Int?
            if case .string(let k) = parts[2] { keyIndex = Int(k) }
            guard case .array(let names) = parts[3], case .array(let values) = parts[4],
                  case .array(let hidden) = parts[5], names.count == values.count else { return nil }
            var nameList: [String] = []
            var valueList: [Value] = []
            var privateFields = Set<String>()
            for (n, v) in zip(names, values) {
                guard case .string(let name) = n, let value = value(v) else { return nil }
                nameList.append(name)
                valueList.append(value)
            }
            for h in hidden {
                guard case .string(let name) = h else { return nil }
                privateFields.insert(name)
            }
            if let k = keyIndex, k < 0 || k >= nameList.count { return nil }
            return .record(Record(shape: RecordShape(nameList, typeName: typeName, privateFields: privateFields, keyIndex: keyIndex),
                                  values: valueList))
        default:
            return nil
        }
    }
}
