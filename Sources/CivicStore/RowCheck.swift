import Foundation
import CivicSyntax

/// Checks values against the types of the fields they are stored in, the
/// same way for every engine, and turns them into their stored form (a row
/// given for a reference field becomes a reference to its key).
public enum RowCheck {
    /// Stored Numbers keep at most this many decimals...
    public static let maxDecimals = 6
    /// ...and stay below this in size, so that every engine holds them exactly.
    public static let maxMagnitude = Number(9_000_000_000_000)

    /// The value as stored in `field`, or an error naming the field.
    public static func stored(_ value: Value, for field: StoredField, of entity: String) throws(StoreError) -> Value {
        try change(value, for: field, of: entity) ?? value
    }

    /// The fields an update of a row of `entity` changes, in field order,
    /// and a row with their values as stored (none elsewhere); nil when it
    /// changes none. A key cannot be changed.
    public static func update(_ changes: [(field: String, value: Value)], of entity: StoredEntity) throws(StoreError) -> (indexes: [Int], row: [Value])? {
        var changed: [Int: Value] = [:]
        for (name, value) in changes {
            guard let i = entity.index(of: name) else { throw StoreError("\(entity.name) has no field '\(name)'") }
            if entity.fields[i].isKey { throw StoreError("the key '\(name)' of \(entity.name) cannot be changed") }
            changed[i] = value
        }
        if changed.isEmpty { return nil }
        let indexes = changed.keys.sorted()
        var row = [Value](repeating: .none, count: entity.fields.count)
        for i in indexes {
            row[i] = try stored(changed[i] ?? .none, for: entity.fields[i], of: entity.name)
        }
        return (indexes, row)
    }

    /// Checks every value of a row to insert into `fields` (`change` on
    /// each); the row is copied only if a value changes (a batch of a run's
    /// books is thousands of rows, most stored as they are).
    @inline(__always)
    public static func check(_ row: inout [Value], _ fields: [StoredField], entity: String) throws(StoreError) {
        for i in fields.indices {
            if let changed = try change(row[i], field: i, of: fields, entity: entity) { row[i] = changed }
        }
    }

    /// The generated key (field `k`) of a row to insert: none becomes
    /// `current`, the next number of the entity's sequence; `next` is set to
    /// what the sequence must move to, past the key.
    @inline(__always)
    public static func generateKey(_ row: inout [Value], at k: Int, current: Int, next: inout Int?) {
        if row[k].isNone { row[k] = .number(Number(current)) }
        if case .number(let n) = row[k], let i = n.intValue {
            let after = i == Int.max ? i : i + 1
            if after > current { next = after }
        }
    }

    /// `change` for field `i` of `fields`, reading the field in place.
    ///
    /// What it buys: the values rows mostly hold (numbers the store keeps,
    /// ASCII texts, Bools, times, references to the right entity, none for a
    /// field that may be none) are passed without copying the field itself,
    /// which cost more than the check (a row of the books has 15 fields).
    @inline(__always)
    public static func change(_ value: Value, field i: Int, of fields: [StoredField], entity: String) throws(StoreError) -> Value? {
        switch (fields[i].type, value) {
        case (.number, .number(let n)) where n.scale <= maxDecimals && n.magnitude < maxMagnitude:
            return nil
        case (.text, .text(let s)) where isASCII(s):
            return nil
        case (.bool, .bool), (.date, .date), (.time, .time), (.duration, .duration):
            return nil
        case (.reference(let target), .reference(let e, _)) where e == target:
            return nil
        case (_, .none) where !fields[i].isKey || fields[i].isGenerated:
            return nil
        default:
            return try change(value, for: fields[i], of: entity)
        }
    }

    /// The same, but nil when the value is stored as it is (most are), so
    /// that a row of them need not be copied to be checked.
    public static func change(_ value: Value, for field: StoredField, of entity: String) throws(StoreError) -> Value? {
        if case .none = value {
            if field.isKey && !field.isGenerated {
                throw StoreError("the key '\(field.name)' of \(entity) must be given")
            }
            return nil
        }
        switch (field.type, value) {
        case (.number, .number(let n)):
            if n.scale > maxDecimals {
                throw StoreError("field '\(field.name)': \(n) has more than \(maxDecimals) decimals, more than the store keeps",
                                 hint: "round it first, as in round(x, 2)")
            }
            if n.magnitude >= maxMagnitude {
                throw StoreError("field '\(field.name)': \(n) is too large to store (the most is 8,999,999,999,999.999999)")
            }
            return nil
        case (.text, .text(let s)):
            // Texts the language calls equal ("café" written two ways) are stored alike.
            return isASCII(s) ? nil : .text(normalized(s))
        case (.bool, .bool), (.date, .date), (.time, .time), (.duration, .duration):
            return nil
        case (.date, .time(let t)):
            return .date(t.date)
        case (.reference(let target), .reference(let e, _)) where e == target:
            return nil
        case (.reference(let target), .record(let r)) where r.shape.typeName == target:
            guard let k = r.shape.keyIndex else { break }
            return .reference(entity: target, key: r.values[k])
        case (.list(let element), .list(let items)):
            var out: [Value] = []
            let itemField = StoredField(name: field.name, type: element, isPrivate: field.isPrivate)
            for item in items { out.append(try stored(item, for: itemField, of: entity)) }
            return .list(out)
        case (.list, .range):
            return try stored(.list(value.items ?? []), for: field, of: entity)
        default:
            break
        }
        throw StoreError("field '\(field.name)': expected \(article(field.type)), found \(value.typeNameWithArticle) \(PrivateText.mark(value.literal(), if: field.isPrivate))")
    }

    /// A text in its composed form (NFC), as every engine stores and compares it.
    public static func normalized(_ s: String) -> String {
        isASCII(s) ? s : s.precomposedStringWithCanonicalMapping
    }

    /// ASCII text is composed already.
    static func isASCII(_ s: String) -> Bool {
        s.utf8.withContiguousStorageIfAvailable { bytes in !bytes.contains { $0 >= 0x80 } }
            ?? s.unicodeScalars.allSatisfy(\.isASCII)
    }

    static func article(_ type: StoredType) -> String {
        let name = type.description
        return ("AEIOU".contains(name.first ?? "x") ? "an " : "a ") + name
    }

    /// A whole row checked field by field, in the entity's order; fields not given take their default.
    public static func row(_ given: [String: Value], for entity: StoredEntity) throws(StoreError) -> [Value] {
        for name in given.keys where entity.field(name) == nil {
            throw StoreError("\(entity.name) has no field '\(name)'")
        }
        var values: [Value] = []
        values.reserveCapacity(entity.fields.count)
        for field in entity.fields {
            let v = given[field.name] ?? field.defaultValue ?? .none
            values.append(try stored(v, for: field, of: entity.name))
        }
        return values
    }
}
