/// Makes a Civic script from a fuzzer's bytes.
///
/// The bytes are read as choices (`FuzzInput`): which declarations the
/// script has (an entity, accounts, an event with rules, a catalogue, a
/// programme, a split, an escalation), then statements and expressions
/// chosen by type, so that most scripts pass the checker and the fuzzer
/// reaches the runtime. Values are not kept in range on purpose: division
/// by zero, indexes out of range, dates that do not exist, awards past a
/// cap or charges below zero all give run errors, which must be errors and
/// never crashes. Loops and recursion are bounded only by the run's limits.
///
/// `GenerateDeclarations`, `GenerateStatements` and `GenerateExpressions`
/// hold the three parts; this file holds the state they share.
public struct ProgramGenerator {
    /// The kinds of value the generator keeps track of.
    enum Kind: CaseIterable {
        case number, text, bool, date, time, duration, numbers, texts, record, records, resident
    }

    /// A name in scope and what it holds.
    struct Variable {
        var name: String
        var kind: Kind
        var mutable: Bool
    }

    /// What the script declared at its top, which later statements may use.
    struct Declared {
        var entity = false
        /// The fields of `Resident` besides `id`, `name` and `age`.
        var residentFields: [String] = []
        var accounts: [String] = []
        var event = false
        var catalogue: [String] = []
        var programme: String?
        var split: String?
        var escalate = false
    }

    var input: FuzzInput
    var lines: [String] = []
    var indent = 0
    var scopes: [[Variable]] = [[]]
    /// Functions declared so far: name and number of (Number) parameters.
    var functions: [(name: String, arity: Int)] = []
    var declared = Declared()
    var nextName = 0
    var loopDepth = 0
    var inFunction = false
    var inTest = false
    /// The event variable of the rule being written, if any.
    var ruleEvent: String?
    /// Statements left to write, so that the script stays small.
    var statementBudget: Int
    /// Whether the script has `test` blocks (it is then run with `civic test` too).
    public internal(set) var hasTests = false

    /// A generator reading its choices from `bytes`; `maxStatements` bounds the script's size.
    public init(_ bytes: [UInt8], maxStatements: Int = 60) {
        input = FuzzInput(bytes)
        statementBudget = maxStatements
    }

    /// The script the bytes choose, and whether it has tests.
    public static func script(from bytes: [UInt8]) -> (text: String, hasTests: Bool) {
        var generator = ProgramGenerator(bytes)
        let text = generator.generate()
        return (text, generator.hasTests)
    }

    /// Writes the whole script: declarations, then top-level statements
    /// (functions among them), then perhaps tests.
    public mutating func generate() -> String {
        declarations()
        while statementBudget > 0 && !input.isExhausted {
            if input.oneIn(8) {
                function()
            } else if input.oneIn(24) {
                test()
            } else {
                statement(depth: 0)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Output and names

    mutating func emit(_ line: String) {
        lines.append(String(repeating: "  ", count: indent) + line)
    }

    /// Writes `header {`, the body, and `}`, the body in a scope of its own.
    mutating func block(_ header: String, _ body: (inout ProgramGenerator) -> Void) {
        emit(header + " {")
        indent += 1
        scopes.append([])
        body(&self)
        scopes.removeLast()
        indent -= 1
        emit("}")
    }

    /// A fresh name; now and then a Chinese one.
    mutating func freshName(_ prefix: String) -> String {
        nextName += 1
        return input.oneIn(6) ? "数\(prefix)\(nextName)" : "\(prefix)\(nextName)"
    }

    mutating func declare(_ name: String, _ kind: Kind, mutable: Bool) {
        scopes[scopes.count - 1].append(Variable(name: name, kind: kind, mutable: mutable))
    }

    /// The variables in scope that hold a `kind`.
    func variables(of kind: Kind, mutableOnly: Bool = false) -> [Variable] {
        scopes.joined().filter { $0.kind == kind && (!mutableOnly || $0.mutable) }
    }
}
