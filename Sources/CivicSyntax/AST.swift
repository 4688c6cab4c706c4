/// The syntax tree: what the parser makes of a file, with a span on every node.
///
/// Every expression has a number (`Expr.id`), unique in its program, so that
/// later phases can keep what they learn about it (its binding, its type) in
/// side tables instead of rebuilding the tree.

/// A name as written, with where it was written.
public struct Identifier: Hashable, Sendable {
    public var name: String
    public var span: Span
    public init(_ name: String, _ span: Span) {
        self.name = name
        self.span = span
    }
}

/// An expression node.
public struct Expr: Sendable {
    public var id: Int
    public var kind: ExprKind
    public var span: Span
    public init(id: Int, kind: ExprKind, span: Span) {
        self.id = id
        self.kind = kind
        self.span = span
    }
}

public enum UnaryOperator: String, Sendable { case negate = "-", not }

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", mod
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or, `in`
}

public enum AggregateKind: String, CaseIterable, Sendable {
    case count, sum, average, min, max, exists, first

    /// Whether the aggregate takes a field: `sum F of Q`.
    public var takesField: Bool {
        switch self {
        case .sum, .average, .min, .max: return true
        case .count, .exists, .first: return false
        }
    }
}

/// One `name: value` of a record literal or constructor.
public struct FieldValue: Sendable {
    public var name: Identifier
    public var value: Expr
    public init(name: Identifier, value: Expr) {
        self.name = name
        self.value = value
    }
}

/// A piece of an interpolated text literal.
public enum TextSegment: Sendable {
    case literal(String)
    case expr(Expr)
}

/// One key of `order by`.
public struct OrderKey: Sendable {
    public var expr: Expr
    public var descending: Bool
    public init(expr: Expr, descending: Bool) {
        self.expr = expr
        self.descending = descending
    }
}

/// `SOURCE where COND order by KEYS limit N`: any part may be missing but
/// at least one is there.
public struct QueryClauses: Sendable {
    public var filter: Expr?
    public var order: [OrderKey]
    public var limit: Expr?
    public init(filter: Expr? = nil, order: [OrderKey] = [], limit: Expr? = nil) {
        self.filter = filter
        self.order = order
        self.limit = limit
    }
}

public indirect enum ExprKind: Sendable {
    /// A number literal as written, underscores removed.
    case number(String)
    /// A percentage literal: the number before `%`.
    case percent(String)
    case text([TextSegment])
    case bool(Bool)
    case none
    case date(year: Int, month: Int, day: Int)
    case time(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int)
    /// `2 hours`: a number literal and a unit word.
    case duration(amount: String, unit: Identifier)
    case name(String)
    case list([Expr])
    case record([FieldValue])
    /// `Resident { id: "R1", ... }`: a value of a declared entity or event.
    case construct(type: Identifier, fields: [FieldValue])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `a..b`, both ends included.
    case range(Expr, Expr)
    /// `f(a, b)`: only named functions can be called.
    case call(Identifier, [Expr])
    case member(Expr, Identifier)
    case index(Expr, Expr)
    /// `SOURCE where ... order by ... limit ...`
    case query(source: Expr, clauses: QueryClauses)
    /// `count Q`, `sum F of Q`, ...
    case aggregate(AggregateKind, field: Expr?, source: Expr)
    /// `add Resident { ... }`: stores a new entity and gives it back.
    case add(type: Identifier, fields: [FieldValue])
    /// `overdue HazardReport`: the escalated events past a deadline.
    case overdue(Identifier)
    /// `workload Household`: per worker, what the assignment of households gives it.
    case workload(Identifier)
}

/// A statement node.
public struct Stmt: Sendable {
    public var kind: StmtKind
    public var span: Span
    public init(kind: StmtKind, span: Span) {
        self.kind = kind
        self.span = span
    }
}

/// The type written after a field name in a declaration: `Text`, `Number`,
/// an entity's name, ...; `list` for `[T]`.
public indirect enum TypeRef: Sendable {
    case named(Identifier)
    case list(TypeRef, Span)
}

/// A field of an `entity` or `event` declaration.
public struct FieldDecl: Sendable {
    public var name: Identifier
    public var type: TypeRef
    public var isKey: Bool
    public var isPrivate: Bool
    public var defaultValue: Expr?
    public var span: Span
    public init(name: Identifier, type: TypeRef, isKey: Bool, isPrivate: Bool, defaultValue: Expr?, span: Span) {
        self.name = name
        self.type = type
        self.isKey = isKey
        self.isPrivate = isPrivate
        self.defaultValue = defaultValue
        self.span = span
    }
}

/// A line of an `account` block.
public enum AccountOption: Sendable {
    /// `expire after 2 years`
    case expireAfter(Expr, Span)
    /// `at most 1500`
    case atMost(Expr, Span)
    /// `at least -100`: the floor a balance may not go below (default 0).
    case atLeast(Expr, Span)
}

/// `day`, `week`, `month` or `year` after `per`.
public struct PeriodRef: Sendable {
    public var name: Identifier
    public init(_ name: Identifier) { self.name = name }
}

/// A line of a `programme` block.
public enum ProgrammeOption: Sendable {
    case category(Expr, Span)
    case eligible(Expr, Span)
    case capacity(Expr, Span)
}

/// A line of a `catalogue` block: `"Rice 5kg" costs 200, stock 50, at most 1 per month`.
public struct CatalogueItem: Sendable {
    public var name: Expr
    public var cost: Expr
    public var stock: Expr?
    public var limit: Expr?
    public var limitPeriod: PeriodRef?
    public var span: Span
    public init(name: Expr, cost: Expr, stock: Expr?, limit: Expr?, limitPeriod: PeriodRef?, span: Span) {
        self.name = name
        self.cost = cost
        self.stock = stock
        self.limit = limit
        self.limitPeriod = limitPeriod
        self.span = span
    }
}

/// A line of a `split` block.
public enum SplitLine: Sendable {
    /// `70% to "provider"`
    case share(Expr, party: Expr, Span)
    /// `round to 0.01`
    case roundTo(Expr, Span)
}

/// A line of an `assign` block.
public enum AssignOption: Sendable {
    case weight(Expr, Span)
    case together(Expr, Span)
    case atMost(Expr, Span)
}

/// A line of an `escalate` block.
public enum EscalateLine: Sendable {
    /// `after 2 hours to "community"`
    case after(Expr, level: Expr, Span)
    /// `until handled`
    case until(Identifier, Span)
}

/// What can stand left of `=`: a name, a field of one, an item of one.
public indirect enum AssignTarget: Sendable {
    case name(Identifier)
    case member(AssignTarget, Identifier)
    case index(AssignTarget, Expr)
}

public indirect enum StmtKind: Sendable {
    // The core.
    case `let`(Identifier, Expr)
    case `var`(Identifier, Expr)
    case assign(AssignTarget, Expr)
    case expr(Expr)
    case `if`(branches: [(condition: Expr, body: [Stmt])], otherwise: [Stmt]?)
    case `for`(Identifier, Expr, body: [Stmt])
    case `while`(Expr, body: [Stmt])
    case `break`
    case `continue`
    /// `fn name(a, b) { ... }`; the one-expression form has a body of one `return`.
    case function(name: Identifier, parameters: [Identifier], body: [Stmt])
    case `return`(Expr?)
    case print([Expr])
    case show(Expr)

    // Schema and data.
    case entity(name: Identifier, fields: [FieldDecl])
    case event(name: Identifier, fields: [FieldDecl])
    case use(Expr)
    case load(entity: Identifier, path: Expr)
    case update(Expr, [FieldValue])
    case remove(Expr)

    // Accounts, events and rules.
    case account(name: Identifier, holder: Identifier, options: [AccountOption])
    case award(amount: Expr, account: Identifier, holder: Expr, reason: Expr?)
    case charge(amount: Expr, account: Identifier, holder: Expr, reason: Expr?)
    case transfer(amount: Expr, account: Identifier, from: Expr, to: Expr, reason: Expr?)
    case rule(name: Expr, event: Identifier, variable: Identifier, condition: Expr?, body: [Stmt])
    /// `cap 20 per month`, inside a rule.
    case cap(Expr, PeriodRef)
    /// `budget 5000 per year`, inside a rule.
    case budget(Expr, PeriodRef)
    case emit(type: Identifier, fields: [FieldValue])

    // Programmes, catalogue.
    case programme(name: Expr, options: [ProgrammeOption])
    case enrol(Expr, programme: Expr)
    case withdraw(Expr, programme: Expr)
    case catalogue(account: Identifier, items: [CatalogueItem])
    case redeem(item: Expr, holder: Expr)

    // Split, assign, escalate.
    case split(name: Expr, lines: [SplitLine])
    case assignment(entity: Identifier, worker: Identifier, condition: Expr?, options: [AssignOption])
    case escalate(event: Identifier, lines: [EscalateLine])

    // Tests and explanations.
    case test(name: Expr, body: [Stmt])
    case expect(Expr)
    /// `expect error "too few points" { redeem "Rice" for zhang }`: the block
    /// must stop with an error (saying the text, if given); what it did is undone.
    case expectError(message: Expr?, body: [Stmt])
    case clock(Expr)
    case advance(Expr)
    /// `explain zhang.points`, `explain enrol X in P`, `explain redeem I for X`.
    case explain(Stmt)
}

/// A parsed file: its statements in order.
public struct SourceProgram: Sendable {
    public var file: Int
    public var statements: [Stmt]
    /// How many expression ids the parser handed out; ids run from `firstExprID` up.
    public var exprIDs: Range<Int>
    public init(file: Int, statements: [Stmt], exprIDs: Range<Int>) {
        self.file = file
        self.statements = statements
        self.exprIDs = exprIDs
    }
}
