/// One problem found in a script: where it is, what is wrong, and how to fix it.
public struct Diagnostic: Error, Hashable, Sendable {
    public enum Severity: String, Sendable { case error, warning, note }

    public var severity: Severity
    public var message: String
    public var span: Span
    /// A suggested fix, shown after the caret ("did you mean 'age'?").
    public var hint: String?
    /// The calls that led to a runtime error, innermost first.
    public var trace: [TraceEntry]

    /// A diagnostic whose message may hold marked private values
    /// (``PrivateText``): they are shown as they are when `reveal`, masked otherwise.
    public init(_ severity: Severity = .error, _ message: String, at span: Span,
                hint: String? = nil, trace: [TraceEntry] = [], reveal: Bool = false) {
        self.severity = severity
        self.message = PrivateText.resolve(message, reveal: reveal)
        self.span = span
        self.hint = hint
        self.trace = trace
    }

    public static func error(_ message: String, at span: Span, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: span, hint: hint)
    }
}

/// One call in the chain that led to a runtime error.
public struct TraceEntry: Hashable, Sendable {
    /// The function that was called.
    public var function: String
    /// Where it was called from.
    public var span: Span

    public init(function: String, span: Span) {
        self.function = function
        self.span = span
    }
}

/// Errors of a whole file, in source order.
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}
