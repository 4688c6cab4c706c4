/// What the checker knows of a built-in function: how many arguments it
/// takes, what it gives back for given argument types, and its documentation.
/// The implementations live in CivicRuntime (`BuiltinLibrary`), under the same names.
public struct BuiltinSignature: Sendable {
    public var name: String
    /// Parameter names as shown in help; a trailing `?` marks an optional one.
    public var parameters: [String]
    public var arity: ClosedRange<Int>
    /// One sentence: what it does.
    public var summary: String
    /// A line of Civic that uses it, with what it gives in a comment.
    public var example: String
    /// The result type for the given argument types, or why they cannot work.
    public var typing: @Sendable ([CivicType]) -> BuiltinTyping

    public init(_ name: String, _ parameters: [String], arity: ClosedRange<Int>? = nil,
                summary: String, example: String,
                typing: @escaping @Sendable ([CivicType]) -> BuiltinTyping) {
        self.name = name
        self.parameters = parameters
        let required = parameters.filter { !$0.hasSuffix("?") && !$0.hasSuffix("...") }.count
        let variadic = parameters.contains { $0.hasSuffix("...") }
        self.arity = arity ?? (required...(variadic ? 1_000 : parameters.count))
        self.summary = summary
        self.example = example
        self.typing = typing
    }
}

/// The checker's verdict on a call to a built-in.
public enum BuiltinTyping: Sendable {
    case type(CivicType)
    /// Argument `argument` (0-based) cannot work: the message says why.
    case error(argument: Int, message: String, hint: String?)
}
