import CivicSyntax

/// Where a variable lives at run time: a slot of the global frame, or of the
/// frame of the function (or rule, or test) being run.
public enum VarRef: Hashable, Sendable {
    case global(Int)
    case local(Int)
}

/// What a name in an expression refers to, decided before the run.
public enum Resolution: Hashable, Sendable {
    case variable(VarRef)
    case function(Int)
    case builtin(String)
    /// A field of the row being filtered, ordered or aggregated; `level` is the
    /// query's place in the stack of rows (0 = outermost query).
    case rowField(name: String, level: Int)
    /// A declared entity used as a query source: all its stored rows.
    case entity(String)
    /// A declared event type.
    case event(String)
}

/// A function declared with `fn`.
public struct FunctionInfo: Sendable {
    public var name: String
    public var parameters: [Identifier]
    public var body: [Stmt]
    /// Slots its frame needs: parameters first, then its locals.
    public var slotCount: Int
    public var span: Span
}

/// A program that has passed the checker: the tree, and what the checker
/// learnt about it, in tables the compiler reads.
public struct CheckedProgram: Sendable {
    /// The files in the order they run (files brought in by `use` first).
    public var files: [SourceProgram]
    public var schema: Schema
    /// What each name expression refers to, by expression id.
    public var resolutions: [Int: Resolution]
    /// Each expression's static type, by expression id (`any` when unknown).
    public var types: [Int: CivicType]
    /// The slot of each declared name (`let`, `var`, `for`, parameters, assignment
    /// targets), by the span of the name where it is written.
    public var slots: [Span: VarRef]
    public var functions: [FunctionInfo]
    /// Slots each function-like body needs (rules, tests), by the statement's span.
    public var frameSizes: [Span: Int]
    /// Slots the global frame needs.
    public var globalCount: Int
    /// Names of globals by slot, for the REPL and messages.
    public var globalNames: [String]

    public func resolution(of expr: Expr) -> Resolution? { resolutions[expr.id] }
    public func type(of expr: Expr) -> CivicType { types[expr.id] ?? .any }
}
