import Foundation
import Testing
import CivicSyntax

// The editor grammar, grammar/civic.tmLanguage.json (TextMate): every word
// of the language is highlighted as a keyword, comments and texts are
// recognised, and literals are. Its regular expressions are compiled here
// with NSRegularExpression (ICU), whose syntax is close to that of the
// Oniguruma engine editors use for TextMate grammars.

private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The grammar as JSON.
private func grammar() throws -> [String: Any] {
    let data = try Data(contentsOf: packageRoot.appendingPathComponent("grammar/civic.tmLanguage.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// Every rule of the grammar: the top-level ones, those of the repository,
/// and those nested in them.
private func rules(_ grammar: [String: Any]) -> [[String: Any]] {
    var found: [[String: Any]] = []
    func visit(_ rule: [String: Any]) {
        found.append(rule)
        for nested in rule["patterns"] as? [[String: Any]] ?? [] { visit(nested) }
    }
    for rule in grammar["patterns"] as? [[String: Any]] ?? [] { visit(rule) }
    for rule in (grammar["repository"] as? [String: [String: Any]] ?? [:]).values { visit(rule) }
    return found
}

/// The rules whose `match` gives a keyword (or `true`, `false`, `none`), compiled.
private func keywordPatterns(_ grammar: [String: Any]) throws -> [NSRegularExpression] {
    try rules(grammar).compactMap { rule in
        guard let name = rule["name"] as? String, let match = rule["match"] as? String,
              name.hasPrefix("keyword.") || name.hasPrefix("constant.language.") else { return nil }
        return try NSRegularExpression(pattern: match)
    }
}

/// Whether `regex` matches the whole of `text`.
private func matchesWhole(_ regex: NSRegularExpression, _ text: String) -> Bool {
    let whole = NSRange(text.startIndex..., in: text)
    return regex.firstMatch(in: text, range: whole)?.range == whole
}

/// The rule with this scope name.
private func rule(named name: String, in grammar: [String: Any]) throws -> [String: Any] {
    try #require(rules(grammar).first { $0["name"] as? String == name }, "no rule named \(name)")
}

/// The contextual words of grammar/civic.ebnf: the quoted lowercase words
/// of its rules (comments left out), at least two letters long (so not the
/// escapes and hex digits of a text).
private func contextualWords() throws -> Set<String> {
    let ebnf = try String(contentsOf: packageRoot.appendingPathComponent("grammar/civic.ebnf"), encoding: .utf8)
    let rulesOnly = ebnf.replacing(/\(\*[\s\S]*?\*\)/, with: "")
    return Set(rulesOnly.matches(of: /"([a-z]{2,})"/).map { String($0.output.1) })
}

@Test func grammarNamesTheLanguage() throws {
    let g = try grammar()
    #expect(g["scopeName"] as? String == "source.civic")
    #expect((g["fileTypes"] as? [String])?.contains("civic") == true)
}

@Test func everyRegularExpressionCompiles() throws {
    for rule in rules(try grammar()) {
        for key in ["match", "begin", "end"] {
            guard let pattern = rule[key] as? String else { continue }
            #expect(throws: Never.self, "\(key): \(pattern)") { try NSRegularExpression(pattern: pattern) }
        }
    }
}

@Test func everyKeywordAndContextualWordIsHighlighted() throws {
    let patterns = try keywordPatterns(try grammar())
    let contextual = try contextualWords()
    // The EBNF has them all: statement words, expression words, unit words, words inside statements.
    #expect(contextual.isSuperset(of: ["entity", "award", "programme", "escalate", "count", "workload", "hours",
                                       "per", "costs", "until", "private"]))
    let words = Set(Keyword.allCases.map(\.rawValue)).union(contextual)
    #expect(words.count >= 90)
    for word in words.sorted() {
        #expect(patterns.contains { matchesWhole($0, word) }, "'\(word)' is not highlighted as a keyword")
    }
}

@Test func namesAreNotKeywords() throws {
    let patterns = try keywordPatterns(try grammar())
    for name in ["Let", "letter", "prints", "张三", "年龄", "_x2", "cutoff", "toward", "key2", "let张三"] {
        #expect(!patterns.contains { matchesWhole($0, name) }, "'\(name)' is highlighted as a keyword")
    }
}

@Test func commentsAreRecognised() throws {
    let comment = try rule(named: "comment.line.number-sign.civic", in: try grammar())
    let regex = try NSRegularExpression(pattern: try #require(comment["match"] as? String))
    let line = "let cutoff = 20   # constant, see {note}"
    let match = try #require(regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)))
    #expect((line as NSString).substring(with: match.range) == "# constant, see {note}")
}

@Test func textsAndTheirInterpolationsAreRecognised() throws {
    let g = try grammar()
    let text = try rule(named: "string.quoted.double.civic", in: g)
    let begin = try NSRegularExpression(pattern: try #require(text["begin"] as? String))
    let end = try NSRegularExpression(pattern: try #require(text["end"] as? String))
    #expect(matchesWhole(begin, "\""))
    #expect(matchesWhole(end, "\""))

    let inside = (text["patterns"] as? [[String: Any]] ?? []).compactMap { $0["match"] as? String }
        .compactMap { try? NSRegularExpression(pattern: $0) }
    for escape in ["\\\"", "\\\\", "\\n", "\\t", "\\{", "\\u{4E2D}", "{{", "}}"] {
        #expect(inside.contains { matchesWhole($0, escape) }, "the escape \(escape) is not recognised")
    }
    let interpolation = try rule(named: "meta.interpolation.civic", in: g)
    #expect(matchesWhole(try NSRegularExpression(pattern: try #require(interpolation["begin"] as? String)), "{"))
    #expect(matchesWhole(try NSRegularExpression(pattern: try #require(interpolation["end"] as? String)), "}"))
    // Inside an interpolation, the whole language is highlighted.
    let included = (interpolation["patterns"] as? [[String: Any]] ?? []).compactMap { $0["include"] as? String }
    #expect(included.contains("$self"))
}

@Test func literalsAreRecognised() throws {
    let constants = try rules(try grammar()).compactMap { rule -> NSRegularExpression? in
        guard let match = rule["match"] as? String else { return nil }
        let names = [rule["name"] as? String] + (rule["captures"] as? [String: [String: String]] ?? [:]).values.map { $0["name"] }
        guard names.contains(where: { $0?.hasPrefix("constant.") == true }) else { return nil }
        return try NSRegularExpression(pattern: match)
    }
    for literal in ["2026-11-28", "2026-11-28T09:30", "2026-11-28T09:30:15", "70%", "12.5%", "1_000.50", "42",
                    "2 hours", "1.5 days", "true", "none"] {
        #expect(constants.contains { matchesWhole($0, literal) }, "\(literal) is not recognised")
    }
}
