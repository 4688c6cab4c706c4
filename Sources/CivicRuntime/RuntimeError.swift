import CivicStore
import CivicSyntax

/// An error that stops a run: what went wrong, where, and the calls that led there.
public struct RuntimeError: Error, Sendable {
    public var message: String
    public var span: Span
    public var hint: String?
    public var trace: [TraceEntry]
    /// Whether a limit (steps, depth, memory, time) or Ctrl-C stopped the
    /// run: `expect error` does not catch these.
    public var isLimit = false

    public init(_ message: String, at span: Span, hint: String? = nil, trace: [TraceEntry] = []) {
        self.message = message
        self.span = span
        self.hint = hint
        self.trace = trace
    }

    /// The error as a diagnostic, for rendering with a caret; private values
    /// in the message (``PrivateText``) masked.
    public var diagnostic: Diagnostic { diagnostic(reveal: false) }

    /// The error as a diagnostic, private values shown as they are when `reveal`.
    public func diagnostic(reveal: Bool) -> Diagnostic {
        Diagnostic(.error, message, at: span, hint: hint, trace: trace, reveal: reveal)
    }
}

/// An error raised by a built-in function. The call site turns it into a
/// `RuntimeError` pointing at the argument it names (or at the whole call).
public struct BuiltinError: Error, Sendable {
    public var message: String
    /// The 0-based argument the error is about, if one.
    public var argument: Int?
    public var hint: String?

    public init(_ message: String, argument: Int? = nil, hint: String? = nil) {
        self.message = message
        self.argument = argument
        self.hint = hint
    }
}
