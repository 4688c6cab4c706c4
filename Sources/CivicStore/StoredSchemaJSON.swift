import CivicSyntax

/// The schema as every engine keeps it in `civic_schema`, one row per
/// entity: its fields as JSON, with types and defaults written so that
/// they read back equal.
enum StoredSchemaJSON {
    static func fields(_ entity: StoredEntity) -> String {
        StoredJSON.array(entity.fields.map { f in
            StoredJSON.object([
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
        guard case .array(let items)? = StoredJSON.parse(text) else { return nil }
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

    static func type(_ t: StoredType) -> StoredJSON {
        switch t {
        case .number, .text, .bool, .date, .time, .duration: return .string(t.description)
        case .reference(let e): return .object([("reference", .string(e))])
        case .list(let element): return .object([("list", type(element))])
        }
    }

    static func type(_ json: StoredJSON) -> StoredType? {
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
    static func value(_ v: Value) -> StoredJSON {
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

    static func value(_ json: StoredJSON) -> Value? {
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
