import CivicSyntax
import CivicStore
import CivicRuntime

/// Civic declarations of what a store holds: its entities and events with
/// their fields, and its accounts. A session started on a store declares them
/// first, so that the store's data can be read and changed without the script
/// that made it; a script that declares them again replaces them (and must
/// still agree with the store).
enum StoredDeclarations {
    /// The declarations as source text, and the names they declare.
    static func source(of store: Store) throws(StoreError) -> (text: String, names: [String]) {
        let schema = try store.storedSchema()
        var lines: [String] = []
        var names: [String] = []
        for entity in schema.entities where !isBookkeeping(entity.name) {
            let isEvent = entity.key.map { $0.name == "id" && $0.isGenerated && $0.type == .text } ?? false
            let implicit: Set<String> = isEvent ? ["id", "at"] : (entity.key?.isGenerated == true ? ["id"] : [])
            let fields = entity.fields.filter { !implicit.contains($0.name) }.map(field)
            lines.append("\(isEvent ? "event" : "entity") \(entity.name) {")
            lines += fields.map { "  " + $0 }
            lines.append("}")
            names.append(entity.name)
        }
        if schema.entity(Books.account) != nil {
            for row in try store.fetch(StoreQuery(entity: Books.account), []) {
                guard case .text(let name)? = row["name"], case .text(let holder)? = row["holder"],
                      schema.entity(holder) != nil else { continue }
                var options: [String] = []
                if case .duration(let d)? = row["expire_after"] { options.append("expire after \(duration(d))") }
                if case .number(let n)? = row["at_most"] { options.append("at most \(n)") }
                if case .number(let n)? = row["at_least"], n != .zero { options.append("at least \(n)") }
                let body = options.isEmpty ? "" : " { " + options.joined(separator: "; ") + " }"
                lines.append("account \(name) of \(holder)\(body)")
                names.append("\(name) of \(holder)")
            }
        }
        return (lines.joined(separator: "\n") + "\n", names)
    }

    /// The store's own tables: the books (`$ledger`, ...) and `civic_` tables.
    static func isBookkeeping(_ name: String) -> Bool {
        name.hasPrefix("$") || name.hasPrefix("civic_")
    }

    /// One field as a declaration writes it: `key id: Text`, `phone: Text private`, `alone: Bool = false`.
    static func field(_ f: StoredField) -> String {
        var text = (f.isKey ? "key " : "") + "\(f.name): \(f.type)"
        if f.isPrivate { text += " private" }
        if let d = f.defaultValue { text += " = \(literal(d))" }
        return text
    }

    /// A value as Civic source writes it.
    static func literal(_ value: Value) -> String {
        switch value {
        case .text(let s):
            return Value.quoted(s).replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
        case .duration(let d):
            return duration(d)
        case .list(let items):
            return "[" + items.map(literal).joined(separator: ", ") + "]"
        default:
            return value.literal()
        }
    }

    /// A duration as Civic source writes it: `2 years + 3 months`.
    static func duration(_ d: CivicDuration) -> String {
        let words = d.description.split(separator: " ")
        guard words.count > 2, words.count % 2 == 0 else { return d.description }
        return stride(from: 0, to: words.count, by: 2).map { "\(words[$0]) \(words[$0 + 1])" }.joined(separator: " + ")
    }
}
