import CivicSyntax

/// What one SQL engine writes its own way when a `QueryPlan` becomes a
/// statement: literals, parameters, and the tests on a column whose SQL
/// differs (equality of texts and lists, order of texts and Durations,
/// membership in a list). `SQLWriter` writes everything else.
public protocol SQLDialect {
    /// A value bound to a statement.
    associatedtype Argument

    /// The SQL of true and false.
    static var trueSQL: String { get }
    static var falseSQL: String { get }
    /// The placeholder of the parameter at `position` (from 1).
    static func placeholder(_ position: Int) -> String
    /// A whole number bound to a statement.
    static func argument(_ integer: Int64) -> Argument

    /// A value to compare with a column, in the form the column stores, or
    /// nil if no stored value can equal it.
    static func operand(_ x: Value, _ codec: ColumnCodec, _ field: StoredField) -> Argument?
    /// `column = value`, with the language's equality.
    static func equality(_ column: String, _ codec: ColumnCodec, _ value: Argument, _ writer: inout SQLWriter<Self>) -> String
    /// What follows a text column compared or sorted with `<` (a collation), or "".
    static var textOrder: String { get }
    /// `column OP d` for a Duration column: unknown or false where the two
    /// cannot be ordered (1 month and 30 days).
    static func durationOrdering(_ column: String, _ op: String, _ d: CivicDuration, _ writer: inout SQLWriter<Self>) -> String
    /// `column in items` (a none item matches none).
    static func membership(_ column: String, _ codec: ColumnCodec, _ field: StoredField, _ items: [Value],
                           _ writer: inout SQLWriter<Self>) -> String
    /// The ORDER BY term of a Number, Bool, Date, Time or Text value, none
    /// last in both directions.
    static func orderTerm(_ sql: String, _ codec: ColumnCodec, descending: Bool) -> String
}
