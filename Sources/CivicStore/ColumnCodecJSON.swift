import CivicSyntax

// Lists as JSON: numbers as JSON numbers written from the exact decimal,
// Bools as true/false, none as null, other values as JSON strings in the
// column forms (ColumnCodec.swift), lists as arrays.
extension ColumnCodec {
    /// Writes a value as an item of a JSON list; false if it cannot be one.
    func writeJSON(_ value: Value, into out: inout String) -> Bool {
        if case .none = value { out += "null"; return true }
        switch (self, value) {
        case (.number, .number(let n)):
            guard ColumnCodec.micro(n) != nil else { return false }
            out += n.description
        case (.text, .text(let s)):
            StoredJSON.writeString(s, into: &out)
        case (.bool, .bool(let b)):
            out += b ? "true" : "false"
        case (.date, .date(let d)):
            StoredJSON.writeString(d.description, into: &out)
        case (.time, .time(let t)):
            StoredJSON.writeString(StoredForms.text(t), into: &out)
        case (.duration, .duration(let d)):
            StoredJSON.writeString(StoredForms.text(d), into: &out)
        case (.reference(let entity, let keyCodec), _):
            guard let key = ColumnCodec.key(of: value, in: entity), !key.isNone else { return false }
            return keyCodec.writeJSON(key, into: &out)
        case (.list(let element), .list(let items)):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                guard element.writeJSON(item, into: &out) else { return false }
            }
            out += "]"
        case (.list(let element), .range(let lo, let hi)):
            out += "["
            if lo <= hi {
                for i in lo...hi {
                    if i > lo { out += "," }
                    guard element.writeJSON(.number(Number(i)), into: &out) else { return false }
                }
            }
            out += "]"
        default:
            return false
        }
        return true
    }

    /// The value of a JSON list item written by `writeJSON`.
    func decodeJSON(_ json: StoredJSON) throws(Unreadable) -> Value {
        switch (self, json) {
        case (_, .null):
            return .none
        case (.number, .number(let token)):
            guard let n = Number(literal: token) else { throw Unreadable() }
            return .number(n)
        case (.bool, .bool(let b)):
            return .bool(b)
        case (.text, .string(let s)), (.date, .string(let s)), (.time, .string(let s)), (.duration, .string(let s)):
            return try value(text: s)
        case (.reference(let entity, let keyCodec), _):
            return .reference(entity: entity, key: try keyCodec.decodeJSON(json))
        case (.list(let element), .array(let items)):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try element.decodeJSON(item)) }
            return .list(out)
        default:
            throw Unreadable()
        }
    }
}
