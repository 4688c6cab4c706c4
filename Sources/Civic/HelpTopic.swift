import CivicCheck

/// Help on one statement or part of the language, with an example that runs.
///
/// The examples build on each other in the order of `HelpTopic.all`: run one
/// after another in a new session, every one works (the tests do exactly
/// that), except those marked `needsFiles`, which read files beside a script.
public struct HelpTopic: Sendable {
    /// The word asked for: `:help rule`.
    public var name: String
    /// Other words that find this topic (`where` finds `query`).
    public var aliases: [String]
    /// What it does, in a sentence or two.
    public var summary: String
    /// Civic source that shows it.
    public var example: String
    /// Whether the example reads files (`use`, `load`), so it runs only beside them.
    public var needsFiles: Bool

    public init(_ name: String, aliases: [String] = [], _ summary: String, example: String, needsFiles: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.example = example
        self.needsFiles = needsFiles
    }

    /// The topic a word names (a topic's name or alias), or a built-in
    /// function's help made from its signature.
    public static func named(_ word: String) -> HelpTopic? {
        if let topic = all.first(where: { $0.name == word || $0.aliases.contains(word) }) { return topic }
        if let builtin = Builtins.all[word] {
            return HelpTopic(word, "\(word)(\(builtin.parameters.joined(separator: ", "))): \(builtin.summary)", example: builtin.example)
        }
        return nil
    }

    /// Every topic, in an order where each example can use what those before it made.
    public static let all: [HelpTopic] = [
        HelpTopic("let", "Names a value that does not change. Typed again in the REPL, the new value holds from then on.",
                  example: "let cutoff = 20"),
        HelpTopic("var", "Names a value that can change; change it with 'name = ...'.",
                  example: "var total = 0\ntotal = total + 25"),
        HelpTopic("fn", aliases: ["function", "return"],
                  "Defines a function: 'fn f(x) = ...' for one expression, or a block with 'return'.",
                  example: "fn bonus(severity) = 5 + severity\nfn grade(score) {\n  if score >= 60 { return \"pass\" }\n  return \"fail\"\n}\nprint bonus(2), grade(75)"),
        HelpTopic("if", aliases: ["else"], "Runs a block when a condition (a Bool) holds; 'else if' and 'else' go on the same line as '}'.",
                  example: "if total > cutoff { print \"over\" } else if total == cutoff { print \"at\" } else { print \"under\" }"),
        HelpTopic("for", aliases: ["break", "continue", "in"], "Goes through a list, a range (1..10) or the rows of a query.",
                  example: "for person in [\"王芳\", \"李强\"] { print person }\nfor i in 1..3 { print i * 10 }"),
        HelpTopic("while", "Repeats a block while a condition holds; 'break' leaves it, 'continue' starts the next turn.",
                  example: "var n = 3\nwhile n > 0 {\n  print n\n  n = n - 1\n}"),
        HelpTopic("print", "Writes values as a person reads them, separated by spaces; {expr} inside a text puts a value in.",
                  example: "print \"total: {total}\", 70%"),
        HelpTopic("show", "Shows a value: a list of rows as a table, a record as fields. A bare expression typed in the REPL is shown the same way.",
                  example: "show [{ name: \"王芳\", hours: 12 }, { name: \"李强\", hours: 7 }]"),
        HelpTopic("entity", aliases: ["key", "private"],
                  "Declares the rows the store keeps: one field per line or separated by commas; 'key' marks the key, 'private' masks a field in output, '= value' gives a default.",
                  example: "entity Resident {\n  key id: Text\n  name: Text\n  age: Number\n  building: Text\n  living_alone: Bool = false\n  phone: Text private = \"\"\n}"),
        HelpTopic("use", "Brings in the declarations and statements of another file beside the script (in the REPL: in the current folder).",
                  example: "use \"schema.civic\"", needsFiles: true),
        HelpTopic("load", "Reads the rows of a CSV or JSON file into an entity; a bad row loads nothing.",
                  example: "load Resident from \"data/residents.csv\"", needsFiles: true),
        HelpTopic("add", "Stores a new row and gives it back.",
                  example: "let zhang = add Resident { id: \"R1\", name: \"张三\", age: 72, building: \"B3\" }\nlet li = add Resident { id: \"R2\", name: \"李四\", age: 45, building: \"B3\" }"),
        HelpTopic("update", "Changes fields of a row.",
                  example: "update zhang { living_alone: true }"),
        HelpTopic("query", aliases: ["where", "order", "by", "limit", "asc", "desc"],
                  "Selects rows: 'where' keeps those that match (a bare name is the row's field), 'order by' sorts, 'limit' keeps the first few.",
                  example: "show Resident where age >= 70 and living_alone order by age desc limit 10"),
        HelpTopic("count", aliases: ["sum", "average", "min", "max", "exists", "first", "of", "aggregate"],
                  "Aggregates a query or a list: count Q, sum F of Q, average F of Q, min F of Q, max F of Q, exists Q, first Q.",
                  example: "print count Resident where building == \"B3\"\nprint average age of Resident\nprint first Resident where age > 100"),
        HelpTopic("remove", "Removes a row, or every row a query selects.",
                  example: "remove Resident where age > 120"),
        HelpTopic("account", aliases: ["expire", "balance"],
                  "Gives each row of an entity a balance, kept as entries in a ledger: 'zhang.points'. Options: expire after, at most, at least.",
                  example: "account points of Resident\naccount credits of Resident {\n  expire after 2 years\n  at most 1500\n}"),
        HelpTopic("award", "Credits an account, with a reason.",
                  example: "award 10 points to zhang for \"fire drill\""),
        HelpTopic("charge", "Debits an account; going below zero is an error.",
                  example: "charge 3 points from zhang for \"late return\""),
        HelpTopic("transfer", "Moves an amount from one holder's account to another's.",
                  example: "transfer 2 points from zhang to li"),
        HelpTopic("event", "Declares something that happens; every event has an 'id' and the time 'at' it happened.",
                  example: "event HazardReport { reporter: Resident, kind: Text, severity: Number, verified: Bool }"),
        HelpTopic("rule", aliases: ["on", "when", "cap", "budget", "per"],
                  "Says what happens when an event comes: every rule whose 'when' holds fires. 'cap N per month' limits a holder's awards from the rule, 'budget N per year' all holders' together. Typed again with the same name, a rule replaces the old one.",
                  example: "rule \"verified hazard report\" on HazardReport r when r.verified {\n  award 5 + r.severity points to r.reporter\n  cap 20 per month\n  budget 5000 per year\n}"),
        HelpTopic("emit", "Sends an event to the rules, once: an event with an 'id' already handled is not handled again.",
                  example: "emit HazardReport { reporter: zhang, kind: \"fire\", severity: 2, verified: true }\nprint zhang.points"),
        HelpTopic("explain", "Says where a balance comes from (each entry, its rule, event and cap), or why a decision would go as it would.",
                  example: "explain zhang.points"),
        HelpTopic("programme", aliases: ["category", "eligible", "capacity"],
                  "Declares a programme residents enrol in: who is eligible and how many places it has.",
                  example: "programme \"Fire drill\" {\n  category \"safety\"\n  eligible Resident where age >= 16\n  capacity 50\n}"),
        HelpTopic("enrol", "Enrols a resident in a programme; not eligible, or full, is a clear error.",
                  example: "enrol zhang in \"Fire drill\""),
        HelpTopic("withdraw", "Takes a resident out of a programme.",
                  example: "withdraw zhang from \"Fire drill\""),
        HelpTopic("catalogue", aliases: ["costs", "stock"],
                  "Lists what an account's balance can be spent on: cost, stock, and at most so many per period per holder.",
                  example: "catalogue points {\n  \"Haircut\" costs 5, at most 1 per month\n  \"Rice 5kg\" costs 20, stock 50\n}"),
        HelpTopic("redeem", "Spends a holder's balance on a catalogue item.",
                  example: "redeem \"Haircut\" for zhang"),
        HelpTopic("split", aliases: ["allocate"],
                  "Declares how an amount is shared out; allocate(amount, name) gives the parts, exact to 0.01, adding up to the whole.",
                  example: "split \"outsourcing income\" {\n  70% to \"provider\"\n  30% to \"community fund\"\n}\nshow allocate(1234.57, \"outsourcing income\")"),
        HelpTopic("assign", aliases: ["weight", "together"],
                  "Shares the rows of one entity out among workers, balanced and stable; each row keeps its worker in a field named after the worker entity.",
                  example: "entity Worker { key id: Text, name: Text, role: Text }\nadd Worker { id: \"W1\", name: \"王芳\", role: \"grid\" }\nassign Resident to Worker where role == \"grid\" {\n  weight 1\n  together building\n}\nshow Resident where worker.name == \"王芳\""),
        HelpTopic("escalate", aliases: ["overdue", "until", "after"],
                  "Says who must act on an event that waits too long; 'overdue E' lists those past a deadline.",
                  example: "escalate HazardReport {\n  after 2 hours to \"community\"\n  after 24 hours to \"street\"\n  until handled\n}\nshow overdue HazardReport"),
        HelpTopic("expect", "Stops with both sides' values when a condition does not hold.",
                  example: "expect zhang.points >= 0"),
        HelpTopic("test", aliases: ["clock", "advance"],
                  "A policy test: runs under 'civic test' on an empty store with a fixed clock ('clock', 'advance'); in the REPL it is only declared.",
                  example: "test \"awards add up\" {\n  clock 2026-11-02T09:00\n  expect 1 + 1 == 2\n}"),
    ]
}
