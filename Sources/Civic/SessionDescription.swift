import CivicSyntax
import CivicCheck
import CivicStore

/// What a session knows, written out for a person: the schema and the rules.
extension Session {
    /// The entities and events with their fields, and the accounts with their
    /// options, as `:schema` shows them.
    public func schemaText() -> String {
        let schema = engine.checker.schema
        var lines: [String] = []
        for name in schema.order {
            guard let type = schema.type(named: name) else { continue }
            lines.append("\(type.kind == .entity ? "entity" : "event") \(name)")
            for field in type.fields {
                var line = "  " + (field.isKey ? "key " : "") + "\(field.name): \(field.type)"
                if field.isPrivate { line += " private" }
                if let d = field.defaultValue, d.id >= 0, let text = engine.sources.file(d.span.file)?.text(of: d.span) {
                    line += " = \(text)"
                }
                if field.isGenerated { line += "   (made for you)" }
                lines.append(line)
            }
            for account in schema.accounts(of: name) {
                lines.append("  \(account.name): Number   (the balance of the account '\(account.name)')")
            }
        }
        if !schema.accounts.isEmpty {
            lines.append("accounts")
            for account in schema.accounts {
                lines.append("  \(account.name) of \(account.holder)\(accountOptions(account))")
            }
        }
        return lines.isEmpty ? "nothing is declared yet: declare an entity, or :load a file" : lines.joined(separator: "\n")
    }

    /// ` (expire after 2 years, at most 1500)`, or nothing.
    func accountOptions(_ account: AccountSchema) -> String {
        guard let stored = engine.machine?.accounts["\(account.name)|\(account.holder)"] else { return "" }
        var options: [String] = []
        if let d = stored.expireAfter { options.append("expire after \(d)") }
        if let n = stored.atMost { options.append("at most \(n)") }
        if stored.atLeast != .zero { options.append("at least \(stored.atLeast)") }
        return options.isEmpty ? "" : " (" + options.joined(separator: ", ") + ")"
    }

    /// The rules in the order they fire, each as it was written, as `:rules` shows them.
    public func rulesText() -> String {
        if rules.isEmpty { return "no rules yet: write one with 'rule \"name\" on Event e { ... }' (:help rule)" }
        return rules.enumerated().map { i, rule in
            "\(i + 1). \"\(rule.name)\" on \(rule.event)\n" + rule.source.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "   " + $0 }.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
