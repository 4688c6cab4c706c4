import CivicSyntax

/// How far a run may go before it is stopped: each run (a `civic run`, an
/// input of the REPL, a test, a call of the embedding API) counts afresh.
///
/// Hitting a limit stops the run with an error that names the limit, and the
/// store keeps nothing the run did.
public struct Limits: Sendable, Equatable {
    /// Loop turns, function calls and rows looked at by `where`, together.
    public var maxSteps: Int
    /// How deeply functions may call each other.
    public var maxDepth: Int
    /// The memory a run may take beyond what the process held when it
    /// started, in bytes; nil for no limit. Measured, not exact (docs/reference.md, section 23).
    public var maxMemory: Int?
    /// The wall-clock time a run may take; nil for no limit.
    public var timeout: Duration?

    /// The memory limit of `civic run`, the REPL and `civic test` when none is given: 2 GiB.
    public static let defaultMaxMemory = 2 * 1_073_741_824

    public init(maxSteps: Int = 1_000_000_000, maxDepth: Int = 2_000, maxMemory: Int? = Limits.defaultMaxMemory,
                timeout: Duration? = nil) {
        self.maxSteps = maxSteps
        self.maxDepth = maxDepth
        self.maxMemory = maxMemory
        self.timeout = timeout
    }
}

/// The errors a limit stops a run with: the limit, its value, and how to raise it.
extension RuntimeError {
    private static func limit(_ message: String, at span: Span, hint: String) -> RuntimeError {
        var error = RuntimeError(message, at: span, hint: hint)
        error.isLimit = true
        return error
    }

    static func stepLimit(_ limit: Int, at span: Span) -> RuntimeError {
        Self.limit("the script ran more than \(limit) steps and was stopped", at: span,
                     hint: "look for a loop that never ends, or raise the limit with --max-steps")
    }

    static func depthLimit(_ limit: Int, at span: Span) -> RuntimeError {
        Self.limit("functions called each other more than \(limit) deep", at: span,
                     hint: "a function that calls itself needs a case that stops; or raise the limit with --max-depth")
    }

    static func memoryLimit(_ limit: Int, at span: Span) -> RuntimeError {
        let (message, hint) = LimitText.memoryMessage(limit)
        return Self.limit(message, at: span, hint: hint)
    }

    static func timeLimit(_ limit: Duration, at span: Span) -> RuntimeError {
        Self.limit("the script ran for more than \(LimitText.time(limit)) and was stopped", at: span,
                     hint: "look for a loop that never ends, or raise the limit with --timeout")
    }

    static func interrupted(at span: Span) -> RuntimeError {
        limit("interrupted (Ctrl-C): the input was stopped", at: span, hint: "nothing it did is kept")
    }
}
