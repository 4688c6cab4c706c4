/// `civic fmt`: Civic source in one canonical layout.
///
/// The formatter changes only the space between tokens. Every token stays as
/// written (names, numbers, texts with their interpolations, optional commas
/// and semicolons, parentheses), every comment stays where it was, and so do
/// the line breaks, with two exceptions: blank lines (see `LayoutLine.tidy`)
/// and an `else` on the line after a lone `}`, which joins it. What it
/// decides is the indentation of each line (`LayoutLine.levels`), the space
/// between tokens on a line (`TokenSpacing`), and where an end-of-line
/// comment stands:
///
/// - an end-of-line comment keeps the column it was written at, so comments
///   aligned in a column stay aligned; when the code before it has grown
///   past that column, one space separates them;
/// - a line holding only a comment is indented like the code around it;
/// - no line ends with spaces, the file ends with one line end (LF, also
///   for a file written with CR LF), and a byte order mark is dropped.
///
/// Long lines are not broken: where lines break is the writer's choice.
/// A file with a syntax error is not formatted. The result is checked
/// before it is given back: it must parse to the same tree as the source
/// (`SourceProgram.dump`). Formatting a formatted file changes nothing.
public enum SourceFormatter {
    /// The file in the canonical layout, as UTF-8 bytes, or its syntax errors.
    ///
    /// - Parameter fileID: the file's number in the `SourceMap` the
    ///   diagnostics will be shown with.
    public static func format(_ file: SourceFile, fileID: Int = 0) -> Result<[UInt8], DiagnosticList> {
        let (program, diagnostics) = Parser.parse(file, fileID: fileID)
        guard diagnostics.isEmpty else { return .failure(DiagnosticList(diagnostics)) }
        var tokens = Lexer.tokenize(file, fileID: fileID)
        tokens.removeAll { $0.kind == .newline || $0.kind == .end }
        if let bad = tokens.first(where: { if case .error = $0.kind { return true } else { return false } }),
           case .error(let message) = bad.kind {
            return .failure(DiagnosticList([.error(message, at: bad.span)]))
        }

        let spacing = TokenSpacing(tokens: tokens, program: program)
        let lines = LayoutLine.tidy(LayoutLine.read(file, fileID: fileID, tokens: tokens))
        let levels = LayoutLine.levels(lines)
        var out: [UInt8] = []
        out.reserveCapacity(file.bytes.count + file.bytes.count / 8)
        for (line, level) in zip(lines, levels) {
            switch line {
            case .blank:
                break
            case .comment(let span):
                out += indentation(level)
                out += file.bytes[span.start..<span.end]
            case .code(let tokens, let comment):
                out += render(tokens, level: level, comment: comment, file: file, spacing: spacing)
            }
            out.append(UInt8(ascii: "\n"))
        }

        let (formatted, errors) = Parser.parse(SourceFile(name: file.name, bytes: out), fileID: fileID)
        guard errors.isEmpty, formatted.dump == program.dump else {
            return .failure(DiagnosticList([
                .error("civic fmt could not keep the meaning of this file, so it was not formatted",
                       at: Span(file: fileID, start: 0, end: 0),
                       hint: "this is a mistake in civic fmt: please report it with the file"),
            ]))
        }
        return .success(out)
    }

    /// Source text in the canonical layout, or its syntax errors (as file 0).
    public static func format(text: String, name: String = "<input>") -> Result<String, DiagnosticList> {
        format(SourceFile(name: name, text: text)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Layout rule: a level of indentation is two spaces.
    static func indentation(_ level: Int) -> [UInt8] {
        [UInt8](repeating: UInt8(ascii: " "), count: 2 * level)
    }

    /// A line of code: its indentation, its tokens as written with the
    /// spacing of `TokenSpacing`, and its comment.
    ///
    /// Layout rule: an end-of-line comment stays at the column where it was
    /// written, or one space after the code if the code reaches that column.
    static func render(_ tokens: [Token], level: Int, comment: Span?, file: SourceFile,
                       spacing: TokenSpacing) -> [UInt8] {
        let bytes = file.bytes
        var line = indentation(level)
        for (k, token) in tokens.enumerated() {
            if k > 0, spacing.space(between: tokens[k - 1], and: token) { line.append(UInt8(ascii: " ")) }
            line += bytes[token.span.start..<token.span.end]
        }
        guard let comment else { return line }
        var lineStart = comment.start
        while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        let column = columns(bytes[lineStart..<comment.start])
        let gap = max(1, column - columns(line[...]))
        line += [UInt8](repeating: UInt8(ascii: " "), count: gap)
        line += bytes[comment.start..<comment.end]
        return line
    }

    /// How many terminal columns some text takes (`displayWidth`), with a
    /// tab going on to the next multiple of 8.
    static func columns(_ bytes: ArraySlice<UInt8>) -> Int {
        var total = 0
        for (k, piece) in bytes.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).enumerated() {
            if k > 0 { total = (total / 8 + 1) * 8 }
            total += displayWidth(String(decoding: piece, as: UTF8.self))
        }
        return total
    }
}
