/// Shows diagnostics the way a person reads them in a terminal:
///
/// ```
/// residents.civic:3:11: error: unknown field 'agee' on Resident
///     3 | let x = r.agee + 1
///       |           ^^^^
///       = hint: did you mean 'age'?
/// ```
///
/// - The first line is `NAME:LINE:COL: SEVERITY: MESSAGE`; LINE and COL are
///   1-based, and COL counts Unicode scalars (`SourceFile.location(of:)`).
/// - Then the line the span starts on, after a gutter: a space, the line
///   number right-aligned in `max(4, digits)` columns, and ` | `.
/// - Then the caret line: `^` under every display column of the span (a
///   Chinese character is 2 columns, so it gets `^^`). A span of no length,
///   or at the end of its line, gets one `^` after the last character; a span
///   that runs onto later lines is underlined to the end of its first line; a
///   span at the end of a file that ends with a line break points at the end
///   of the last line (and LINE:COL say so too).
/// - Then `= hint: ...` if there is a hint, and for a runtime error one line
///   `= in FUNCTION, called from NAME:LINE:COL` per call, innermost first.
///
/// A tab in a line is shown as one space and other control characters as
/// visible symbols (`␛`), so carets stay aligned and nothing in a script can
/// send escape codes to the terminal. A line wider than `maxColumns` display
/// columns is cut to a window around the span, with `…` where it was cut;
/// only the bytes near the span are looked at, so a 10 MB line is shown as
/// fast as a short one.
///
/// With `color`, ANSI escape codes mark the severity (bold red for errors,
/// bold yellow for warnings, bold green for notes), the message (bold), the
/// gutter (blue), the carets (the severity's colour) and the hint (cyan).
/// Without it the output contains no escape codes at all.
///
/// A span whose file is not in the map (such as `Span.unknown`) is shown as
/// `SEVERITY: MESSAGE` with its hint and trace, and no source.
///
/// Outputs never end with a line break: `print` the result.
public struct DiagnosticRenderer: Sendable {
    public let sources: SourceMap
    public let color: Bool

    /// The most display columns of one source line shown (plus a `…` at each
    /// cut end).
    public static let maxColumns = 100
    /// The most lines of a call chain shown.
    public static let maxTraceLines = 12
    /// How many columns before a span are kept when the span itself is too
    /// wide for the window.
    static let minLeftContext = 20

    public init(sources: SourceMap, color: Bool) {
        self.sources = sources
        self.color = color
    }

    /// One diagnostic, as lines separated by `\n`.
    public func render(_ d: Diagnostic) -> String {
        var lines: [String] = []
        let heading = paint(d.severity.rawValue, style(d.severity))
            + ": " + paint(visibleText(d.message), Style.bold)

        guard let at = place(d.span) else {
            lines.append(heading)
            appendNotes(of: d, gutterWidth: 4, to: &lines)
            return lines.joined(separator: "\n")
        }

        lines.append("\(visibleText(at.file.name)):\(at.line):\(at.column): " + heading)
        let gutterWidth = max(4, String(at.line).count)
        let shown = excerpt(at)
        let number = " " + padded(String(at.line), toWidth: gutterWidth, alignRight: true) + " |"
        lines.append(paint(number, Style.gutter) + (shown.text.isEmpty ? "" : " " + shown.text))
        let blank = " " + String(repeating: " ", count: gutterWidth) + " |"
        lines.append(paint(blank, Style.gutter) + " "
            + String(repeating: " ", count: shown.caretColumn)
            + paint(String(repeating: "^", count: shown.caretWidth), caretStyle(d.severity)))
        appendNotes(of: d, gutterWidth: gutterWidth, to: &lines)
        return lines.joined(separator: "\n")
    }

    /// Several diagnostics, separated by blank lines. When there is more than
    /// one, a blank line and a count such as `2 errors, 1 warning` follow.
    /// No diagnostics give the empty string.
    public func render(_ list: [Diagnostic]) -> String {
        var out = list.map { render($0) }.joined(separator: "\n\n")
        if list.count > 1 {
            var parts: [String] = []
            for severity in [Diagnostic.Severity.error, .warning, .note] {
                let n = list.filter { $0.severity == severity }.count
                if n > 0 { parts.append("\(n) \(severity.rawValue)\(n == 1 ? "" : "s")") }
            }
            out += "\n\n" + paint(parts.joined(separator: ", "), Style.bold)
        }
        return out
    }

    // MARK: - Where a span is

    /// A span resolved against its file: clamped byte offsets and the
    /// 1-based line and column of its start.
    struct Place {
        var file: SourceFile
        var start: Int
        var end: Int
        var line: Int
        var column: Int
    }

    func place(_ span: Span) -> Place? {
        guard let file = sources.file(span.file) else { return nil }
        let bytes = file.bytes
        let count = bytes.count
        var start = min(max(0, span.start), count)
        var end = min(max(start, span.end), count)
        // After a final line break there is nothing to point at: point at the
        // end of the last line instead.
        if start == count, count > 0, bytes[count - 1] == UInt8(ascii: "\n") {
            start = count - 1
            if start > 0, bytes[start - 1] == UInt8(ascii: "\r") { start -= 1 }
            end = start
        }
        let (line, column) = file.location(of: start)
        return Place(file: file, start: start, end: end, line: line, column: column)
    }

    // MARK: - The source line and its carets

    struct Excerpt: Equatable {
        /// The line as shown (possibly a window of it, with `…`).
        var text: String
        /// Display columns of `text` before the first caret.
        var caretColumn: Int
        /// How many carets; at least 1.
        var caretWidth: Int
    }

    private struct Cell {
        var character: Character
        var width: Int
    }

    func excerpt(_ at: Place) -> Excerpt {
        let bytes = at.file.bytes
        let starts = at.file.lineStarts
        guard at.line >= 1, at.line <= starts.count else {
            return Excerpt(text: "", caretColumn: 0, caretWidth: 1)
        }
        let lineStart = starts[at.line - 1]
        var lineEnd = at.line < starts.count ? starts[at.line] - 1 : bytes.count
        if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let s = min(max(at.start, lineStart), lineEnd)
        let e = min(max(at.end, s), lineEnd)

        // Only the bytes near the span are decoded. A display column takes at
        // least one byte, so `margin` bytes hold more than a window's worth.
        let limit = Self.maxColumns
        let margin = 8 * limit
        var regionStart = max(lineStart, s - margin)
        while regionStart > lineStart, regionStart < s, isContinuation(bytes[regionStart]) {
            regionStart += 1
        }
        var spanEnd = min(e, s + margin)
        while spanEnd > s, spanEnd < e, isContinuation(bytes[spanEnd]) { spanEnd -= 1 }
        var regionEnd = spanEnd < e ? spanEnd : min(lineEnd, e + margin)
        while regionEnd > e, regionEnd < lineEnd, isContinuation(bytes[regionEnd]) { regionEnd -= 1 }

        let left = cells(bytes[regionStart..<s])
        let span = cells(bytes[s..<spanEnd])
        let right = cells(bytes[spanEnd..<regionEnd])

        // The span first, keeping some room before it.
        let leftWidth = left.reduce(0) { $0 + $1.width }
        let rightWidth = right.reduce(0) { $0 + $1.width }
        let spanBudget = limit - min(leftWidth, Self.minLeftContext)
        var spanShown = 0, spanShownWidth = 0
        while spanShown < span.count, spanShownWidth + span[spanShown].width <= spanBudget {
            spanShownWidth += span[spanShown].width
            spanShown += 1
        }
        let spanCut = spanShown < span.count || spanEnd < e

        // Then the text around it: half the room on each side, and what one
        // side does not need goes to the other.
        let rest = limit - spanShownWidth
        let rightBudget = spanCut ? 0 : min(rightWidth, rest - min(leftWidth, rest / 2))
        let leftBudget = min(leftWidth, rest - rightBudget)

        var leftFirst = left.count, leftShownWidth = 0
        while leftFirst > 0, leftShownWidth + left[leftFirst - 1].width <= leftBudget {
            leftShownWidth += left[leftFirst - 1].width
            leftFirst -= 1
        }
        let leftCut = leftFirst > 0 || regionStart > lineStart
        if leftCut {
            // A mark whose base was cut off has nothing to sit on.
            while leftFirst < left.count, left[leftFirst].width == 0 { leftFirst += 1 }
        }
        var rightShown = 0, rightShownWidth = 0
        while rightShown < right.count, rightShownWidth + right[rightShown].width <= rightBudget {
            rightShownWidth += right[rightShown].width
            rightShown += 1
        }
        let rightCut = spanCut || rightShown < right.count || regionEnd < lineEnd

        var text = leftCut ? "…" : ""
        for cell in left[leftFirst...] { text.append(cell.character) }
        for cell in span[..<spanShown] { text.append(cell.character) }
        for cell in right[..<rightShown] { text.append(cell.character) }
        if rightCut { text += "…" }
        return Excerpt(text: text,
                       caretColumn: (leftCut ? 1 : 0) + leftShownWidth,
                       caretWidth: max(1, spanShownWidth))
    }

    private func cells(_ bytes: ArraySlice<UInt8>) -> [Cell] {
        visibleText(String(decoding: bytes, as: UTF8.self)).map {
            Cell(character: $0, width: characterWidth($0))
        }
    }

    private func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }

    // MARK: - Hint and trace

    private func appendNotes(of d: Diagnostic, gutterWidth: Int, to lines: inout [String]) {
        let indent = String(repeating: " ", count: gutterWidth + 2)
        if let hint = d.hint {
            lines.append(indent + paint("= hint: " + visibleText(hint), Style.hint))
        }
        // A long chain (a runaway recursion) shows its innermost and outermost
        // calls, and says how many were left out between them.
        let shown = DiagnosticRenderer.maxTraceLines
        for (i, entry) in d.trace.enumerated() {
            if d.trace.count > shown, i >= shown - 3, i < d.trace.count - 3 {
                if i == shown - 3 {
                    lines.append(indent + paint("=", Style.gutter) + " ... \(d.trace.count - shown + 3) more calls ...")
                }
                continue
            }
            var line = indent + paint("=", Style.gutter) + " in " + visibleText(entry.function)
            if let call = place(entry.span) {
                line += ", called from \(visibleText(call.file.name)):\(call.line):\(call.column)"
            }
            lines.append(line)
        }
    }

    // MARK: - Colour

    enum Style {
        static let bold = "1"
        static let gutter = "34"
        static let hint = "36"
    }

    private func style(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: return "1;31"
        case .warning: return "1;33"
        case .note: return "1;32"
        }
    }

    private func caretStyle(_ severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: return "31"
        case .warning: return "33"
        case .note: return "32"
        }
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
