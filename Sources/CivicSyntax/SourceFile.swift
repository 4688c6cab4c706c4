/// One source text, with its name as shown in diagnostics.
///
/// The text is kept as UTF-8 bytes. Invalid UTF-8 is accepted here and
/// reported by the lexer, so a file is never refused before it can be shown.
public final class SourceFile: Sendable {
    /// The name shown in diagnostics, usually the path given by the user.
    public let name: String
    /// The file's bytes exactly as read.
    public let bytes: [UInt8]
    /// The byte offset where each line starts (line 1 starts at 0).
    public let lineStarts: [Int]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
        self.lineStarts = starts
    }

    public convenience init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// The 1-based line and column of a byte offset. Columns count
    /// characters (Unicode scalars), not bytes, so that `张三` is two columns
    /// of text for a person counting along the line.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let offset = min(max(0, offset), bytes.count)
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        var start = lineStarts[lo]
        if start == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF, offset >= 3 {
            start = 3  // a byte-order mark is not a column
        }
        var column = 1
        var i = start
        while i < offset {
            i += SourceFile.scalarLength(lead: bytes[i])
            column += 1
        }
        return (lo + 1, column)
    }

    /// The text of a 1-based line, without its line end. Invalid UTF-8 is
    /// shown with replacement characters.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The text between two byte offsets.
    public func text(of span: Span) -> String {
        let s = min(max(0, span.start), bytes.count)
        let e = min(max(s, span.end), bytes.count)
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }

    /// How many bytes a UTF-8 sequence takes, judged from its first byte.
    static func scalarLength(lead: UInt8) -> Int {
        switch lead {
        case 0..<0x80: return 1
        case 0xC0..<0xE0: return 2
        case 0xE0..<0xF0: return 3
        case 0xF0..<0xF8: return 4
        default: return 1
        }
    }
}

/// The files of one program (a script and the files it `use`s), numbered.
public final class SourceMap: @unchecked Sendable {
    public private(set) var files: [SourceFile] = []

    public init() {}

    /// Adds a file and returns its number, for use in `Span.file`.
    @discardableResult
    public func add(_ file: SourceFile) -> Int {
        files.append(file)
        return files.count - 1
    }

    public func file(_ id: Int) -> SourceFile? {
        id >= 0 && id < files.count ? files[id] : nil
    }
}
