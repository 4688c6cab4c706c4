import CivicSyntax
import CivicCheck

/// Completion from what a session knows: keywords, statement words, entity
/// and event names, their fields (after `.` and inside `where` and `order by`),
/// variables, functions, accounts, and the names of rules, programmes,
/// catalogue items and splits (inside quotes).
extension Session {
    /// The words that start statements or go inside them, besides the reserved words.
    public static let statementWords: [String] = [
        "entity", "event", "account", "award", "charge", "transfer", "rule", "cap", "budget", "emit",
        "programme", "enrol", "withdraw", "catalogue", "redeem", "split", "assign", "escalate", "test",
        "expect", "explain", "use", "load", "add", "update", "remove", "count", "sum", "average", "first",
        "exists", "overdue", "on", "when", "to", "from", "per", "expire", "after", "until", "at", "most",
        "least", "key", "private", "category", "eligible", "capacity", "costs", "stock", "weight", "together",
    ]

    /// The candidates for completing `word`, the name being typed. `before` is
    /// the input up to where the word starts (the lines before it included);
    /// `inText` says the word is inside quotes, where names of rules,
    /// programmes, catalogue items and splits are offered. Sorted, each once;
    /// the fields of the entity being queried come first.
    public func completions(of word: String, after before: String, inText: Bool = false) -> [String] {
        if inText {
            return namedTexts.filter { $0.hasPrefix(word) }.sorted()
        }
        let schema = engine.checker.schema
        if before.last == "." {
            return Session.matching(word, memberNames(of: Session.nameBefore(before.dropLast()), before, schema))
        }
        var general: [String] = []
        general += schema.order
        general += engine.checker.variableNames.filter { !$0.hasPrefix("$") }
        general += engine.checker.functionNames
        general += Builtins.names
        general += Set(schema.accounts.map(\.name)).sorted()
        general += Keyword.allCases.map(\.rawValue)
        general += Session.statementWords
        let fields = queriedEntity(before, schema).map { fieldNames(of: $0, schema) } ?? []
        let first = Session.matching(word, fields)
        return first + Session.matching(word, general).filter { !first.contains($0) }
    }

    /// The names that start with `word`, sorted, each once.
    static func matching(_ word: String, _ names: [String]) -> [String] {
        Set(names.filter { $0.hasPrefix(word) }).sorted()
    }

    /// The name just before the end of `text` (what stands before a `.`).
    static func nameBefore(_ text: Substring) -> String {
        String(text.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
    }

    /// The fields (and account balances) of an entity or event, in declaration order.
    func fieldNames(of type: String, _ schema: Schema) -> [String] {
        (schema.type(named: type)?.fields.map(\.name) ?? []) + schema.accounts(of: type).map(\.name)
    }

    /// What can follow `name.`: the fields of the variable's entity, event or
    /// record when the checker knows its type, else every field of every
    /// entity and event.
    func memberNames(of name: String, _ before: String, _ schema: Schema) -> [String] {
        switch engine.checker.variableType(name) {
        case .entity(let e)?, .event(let e)?:
            return fieldNames(of: e, schema)
        case .record(let r)?:
            return r.fields.map(\.name)
        default:
            if let type = Session.typedVariables(before, schema)[name] { return fieldNames(of: type, schema) }
            return schema.order.flatMap { fieldNames(of: $0, schema) }
        }
    }

    /// The variables that the text being typed gives a type: `on HazardReport r`
    /// (a rule's event) and `for r in Resident` (a loop over rows), by name.
    static func typedVariables(_ before: String, _ schema: Schema) -> [String: String] {
        let tokens = Lexer.tokenize(SourceFile(name: "", text: before), fileID: 0).map(\.kind)
        var found: [String: String] = [:]
        for i in tokens.indices.dropLast(2) {
            switch (tokens[i], tokens[i + 1], tokens[i + 2]) {
            case (.name("on"), .name(let type), .name(let variable)) where schema.type(named: type) != nil:
                found[variable] = type
            case (.name(let variable), .keyword(.in), .name(let type)) where schema.type(named: type) != nil:
                found[variable] = type
            default:
                break
            }
        }
        return found
    }

    /// The entity a `where` or `order by` being typed reads rows of: in
    /// `Resident where age > 70 and bu`, Resident. Nil outside a query.
    func queriedEntity(_ before: String, _ schema: Schema) -> String? {
        let tokens = Lexer.tokenize(SourceFile(name: "", text: before), fileID: 0).map(\.kind)
        var entity: String?
        for (i, token) in tokens.enumerated() {
            switch token {
            case .keyword(.where):
                guard i > 0, case .name(let source) = tokens[i - 1] else { entity = nil; continue }
                if schema.type(named: source) != nil {
                    entity = source
                } else if case .list(let element)? = engine.checker.variableType(source) {
                    if case .entity(let e) = element { entity = e } else if case .event(let e) = element { entity = e }
                } else {
                    entity = nil
                }
            case .newline:
                entity = nil
            default:
                break
            }
        }
        return entity
    }
}
