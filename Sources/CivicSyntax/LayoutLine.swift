/// One line of a file as the formatter sees it: the tokens written on it and
/// its comment, before indentation and spacing are decided.
///
/// The formatter keeps every token and every line break of the source, so a
/// file is read into these lines, tidied (blank lines, `} else`), and written
/// out again one line each.
enum LayoutLine {
    /// Tokens, and the comment at the end of the line if there is one.
    case code([Token], comment: Span?)
    /// A line that holds only a comment.
    case comment(Span)
    /// An empty line (or one of only spaces).
    case blank

    /// The tokens of a code line; none for the others.
    var tokens: [Token] {
        if case .code(let tokens, _) = self { return tokens }
        return []
    }

    var isBlank: Bool {
        if case .blank = self { return true }
        return false
    }
}

extension LayoutLine {
    /// The lines of a file, from its tokens and the bytes between them.
    ///
    /// The lexer leaves out comments and most line ends (none are given
    /// inside `(` and `[`, and a run of them gives one), so lines are found
    /// in the bytes between tokens: there, besides spaces and tabs, there
    /// are only line ends (LF or CR LF) and comments, which run from `#` to
    /// the line end. A comment keeps its text up to its last character that
    /// is not a space, a tab or a CR.
    ///
    /// - Parameters:
    ///   - fileID: the file's number, for the spans of comments.
    ///   - tokens: the file's tokens, without `.newline` and `.end`.
    static func read(_ file: SourceFile, fileID: Int, tokens: [Token]) -> [LayoutLine] {
        let bytes = file.bytes
        var lines: [LayoutLine] = []
        var onLine: [Token] = []
        var comment: Span?

        func endLine() {
            if !onLine.isEmpty {
                lines.append(.code(onLine, comment: comment))
            } else if let comment {
                lines.append(.comment(comment))
            } else {
                lines.append(.blank)
            }
            onLine = []
            comment = nil
        }

        func scanGap(_ from: Int, _ to: Int) {
            var i = from
            while i < to {
                let b = bytes[i]
                if b == ASCII.lf {
                    endLine()
                    i += 1
                } else if b == ASCII.cr, i + 1 < to, bytes[i + 1] == ASCII.lf {
                    endLine()
                    i += 2
                } else if b == ASCII.hash {
                    let start = i
                    while i < to, bytes[i] != ASCII.lf, !(bytes[i] == ASCII.cr && i + 1 < to && bytes[i + 1] == ASCII.lf) {
                        i += 1
                    }
                    var end = i
                    while end > start, bytes[end - 1] == ASCII.space || bytes[end - 1] == ASCII.tab || bytes[end - 1] == ASCII.cr {
                        end -= 1
                    }
                    comment = Span(file: fileID, start: start, end: end)
                } else {
                    i += 1
                }
            }
        }

        let hasByteOrderMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        var position = hasByteOrderMark ? 3 : 0
        for token in tokens {
            scanGap(position, token.span.start)
            onLine.append(token)
            position = token.span.end
        }
        scanGap(position, bytes.count)
        if !onLine.isEmpty || comment != nil { endLine() }
        return lines
    }

    /// Blank lines and `else`, the way the canonical layout has them:
    ///
    /// - an `else` on the line after a `}` that stands alone on its line is
    ///   joined to it (`} else {`), when nothing but blank lines is between;
    /// - no blank line at the start or the end of the file, right after a
    ///   line that ends with `{`, `(` or `[`, or right before a line that
    ///   starts with `}`, `)` or `]`;
    /// - elsewhere, a run of blank lines becomes one.
    static func tidy(_ lines: [LayoutLine]) -> [LayoutLine] {
        var joined: [LayoutLine] = []
        var i = 0
        while i < lines.count {
            if case .code(let tokens, comment: nil) = lines[i], tokens.count == 1, tokens[0].kind == .symbol(.rightBrace) {
                var j = i + 1
                while j < lines.count, lines[j].isBlank { j += 1 }
                if j < lines.count, case .code(let next, let comment) = lines[j], next.first?.kind == .keyword(.else) {
                    joined.append(.code(tokens + next, comment: comment))
                    i = j + 1
                    continue
                }
            }
            joined.append(lines[i])
            i += 1
        }

        var tidied: [LayoutLine] = []
        var k = 0
        while k < joined.count {
            guard joined[k].isBlank else {
                tidied.append(joined[k])
                k += 1
                continue
            }
            var end = k
            while end < joined.count, joined[end].isBlank { end += 1 }
            if let before = tidied.last, !before.endsWithOpener, end < joined.count, !joined[end].startsWithCloser {
                tidied.append(.blank)
            }
            k = end
        }
        return tidied
    }

    /// Whether the line's last token opens a bracket.
    var endsWithOpener: Bool {
        guard let last = tokens.last, case .symbol(let s) = last.kind else { return false }
        return s == .leftBrace || s == .leftParen || s == .leftBracket
    }

    /// Whether the line's first token closes a bracket.
    var startsWithCloser: Bool {
        guard let first = tokens.first, case .symbol(let s) = first.kind else { return false }
        return s == .rightBrace || s == .rightParen || s == .rightBracket
    }
}

/// The bytes the formatter looks for between tokens.
private enum ASCII {
    static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r"), tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " "), hash = UInt8(ascii: "#")
}
