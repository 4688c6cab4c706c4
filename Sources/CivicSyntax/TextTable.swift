/// A table of text in aligned columns, measured in display columns so that
/// Chinese names line up in a terminal:
///
/// ```
/// 姓名      年龄  楼栋
/// ────────  ────  ────
/// 张三        72  B3
/// 欧阳娜娜     8  B12
/// ```
///
/// - Columns are separated by two spaces. Under the header line, a line of
///   `─` as wide as each column.
/// - Columns in `rightAligned` (0-based) are aligned right, header included;
///   the others left.
/// - A cell (or header) wider than `maxCellWidth` columns is cut and ends
///   with `…`. Nothing is wrapped: a tab shows as a space and a line break or
///   other control character as a visible symbol (`␊`).
/// - A row shorter than the headers is filled with empty cells; a longer row
///   adds columns with empty headers.
/// - No line ends with spaces. With no rows, the line `(no rows)` follows
///   the separator. The result does not end with a line break.
public struct TextTable: Sendable {
    public var headers: [String]
    public var rows: [[String]]
    public var rightAligned: Set<Int>

    /// The widest a cell is shown, in display columns.
    public static let maxCellWidth = 60

    public init(headers: [String], rows: [[String]], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rows = rows
        self.rightAligned = rightAligned
    }

    public func render() -> String {
        let columns = max(headers.count, rows.map(\.count).max() ?? 0)
        guard columns > 0 else { return "(no rows)" }

        func cells(_ row: [String]) -> [String] {
            (0..<columns).map { $0 < row.count ? Self.cut(visibleText(row[$0])) : "" }
        }
        let head = cells(headers)
        let body = rows.map(cells)
        var widths = head.map(displayWidth)
        for row in body {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) }
        }

        func line(_ row: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in row.enumerated() {
                parts.append(padded(cell, toWidth: widths[i], alignRight: rightAligned.contains(i)))
            }
            return Self.trimmingTrailingSpaces(parts.joined(separator: "  "))
        }

        var lines = [line(head)]
        lines.append(Self.trimmingTrailingSpaces(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")))
        if body.isEmpty {
            lines.append("(no rows)")
        } else {
            lines += body.map(line)
        }
        return lines.joined(separator: "\n")
    }

    /// `s` cut to `maxCellWidth` display columns, ending with `…` if cut.
    static func cut(_ s: String) -> String {
        guard displayWidth(s) > maxCellWidth else { return s }
        var out = ""
        var width = 0
        for c in s {
            let w = characterWidth(c)
            if width + w > maxCellWidth - 1 { break }
            out.append(c)
            width += w
        }
        return out + "…"
    }

    static func trimmingTrailingSpaces(_ s: String) -> String {
        var end = s.endIndex
        while end > s.startIndex {
            let before = s.index(before: end)
            guard s[before] == " " else { break }
            end = before
        }
        return String(s[..<end])
    }
}
