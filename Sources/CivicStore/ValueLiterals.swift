import CivicSyntax

// Values written as Swift literals, for programs that embed Civic:
// `engine.emit("Visit", ["resident": "R1", "hours": 2, "verified": true])`.
// Numbers stay exact: there is no floating-point literal.

extension Value: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
}

extension Value: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .number(Number(value)) }
}

extension Value: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension Value {
    /// The number, if this is one.
    public var number: Number? { if case .number(let n) = self { n } else { nil } }
    /// The text, if this is one.
    public var text: String? { if case .text(let s) = self { s } else { nil } }
    /// The Bool, if this is one.
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// The whole number, if this is one that fits an Int.
    public var int: Int? { number?.intValue }
}
