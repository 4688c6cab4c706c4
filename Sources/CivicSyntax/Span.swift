/// A range of bytes in one source file: `start` included, `end` excluded.
///
/// Positions are byte offsets; line and column are computed only when a
/// diagnostic is shown (see `SourceFile.location(of:)`).
public struct Span: Hashable, Sendable {
    /// The file's number in its `SourceMap`.
    public var file: Int
    public var start: Int
    public var end: Int

    public init(file: Int, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The span that covers both `self` and `other` (same file).
    public func through(_ other: Span) -> Span {
        Span(file: file, start: min(start, other.start), end: max(end, other.end))
    }

    /// A span of no length, used where something is missing.
    public static let unknown = Span(file: -1, start: 0, end: 0)
}
