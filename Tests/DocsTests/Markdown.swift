import Foundation

// Reading a Markdown document into its fenced code blocks, and reading the
// lines of a Civic block: where a line's comment starts, and whether its code
// prints. The convention the blocks follow is in DocsTests.swift.

/// A fenced code block of a document.
struct DocBlock: Sendable, CustomStringConvertible {
    /// The document, as a path from the package root (`docs/reference.md`).
    var document: String
    /// The line of the opening fence, counting from 1.
    var line: Int
    /// The words after the fence: the language first (`civic`, `console`, ...), then its options.
    var info: [String]
    /// The lines between the fences, without the indentation of the fence.
    var lines: [String]
    /// What the HTML comment just above the fence says of the block, if there is one.
    var mark: Mark?

    enum Mark: Sendable, Equatable {
        /// `<!-- not run: REASON -->`
        case notRun(String)
        /// `<!-- compiled: PATH -->`: a Swift block whose lines are in that file of the package.
        case compiled(String)
    }

    var language: String { info.first ?? "" }
    var options: [String] { Array(info.dropFirst()) }
    var text: String { lines.map { $0 + "\n" }.joined() }
    var description: String { "\(document):\(line)" }
}

enum Markdown {
    /// The fenced code blocks of a document, in order. A fence is three or
    /// more backticks at the start of a line (after spaces, for a block inside
    /// a list item); the block ends at a line of backticks alone.
    static func blocks(of text: String, document: String) -> (blocks: [DocBlock], problems: [String]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        var blocks: [DocBlock] = []
        var problems: [String] = []
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let indent = line.prefix { $0 == " " }.count
            let trimmed = line.dropFirst(indent)
            guard trimmed.hasPrefix("```") else { i += 1; continue }
            let fence = String(trimmed.prefix { $0 == "`" })
            let info = trimmed.dropFirst(fence.count).split(separator: " ").map(String.init)
            var body: [String] = []
            var j = i + 1
            while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces) != fence {
                let content = lines[j]
                let strip = min(indent, content.prefix { $0 == " " }.count)
                body.append(String(content.dropFirst(strip)))
                j += 1
            }
            if j == lines.count { problems.append("\(document):\(i + 1): a code block that is never closed") }
            var block = DocBlock(document: document, line: i + 1, info: info, lines: body)
            block.mark = mark(above: i, in: lines, document: document, problems: &problems)
            blocks.append(block)
            i = j + 1
        }
        return (blocks, problems)
    }

    /// The mark in an HTML comment that ends on the last non-blank line above line `fence`.
    private static func mark(above fence: Int, in lines: [String], document: String, problems: inout [String]) -> DocBlock.Mark? {
        var k = fence - 1
        while k >= 0, lines[k].trimmingCharacters(in: .whitespaces).isEmpty { k -= 1 }
        guard k >= 0, lines[k].trimmingCharacters(in: .whitespaces).hasSuffix("-->") else { return nil }
        var start = k
        while start >= 0, !lines[start].contains("<!--") { start -= 1 }
        guard start >= 0 else { return nil }
        var comment = lines[start...k].map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        comment = String(comment[comment.range(of: "<!--")!.upperBound...])
        comment = String(comment.dropLast(3)).trimmingCharacters(in: .whitespaces)
        if comment.hasPrefix("not run:") {
            let reason = comment.dropFirst("not run:".count).trimmingCharacters(in: .whitespaces)
            if reason.isEmpty { problems.append("\(document):\(fence + 1): 'not run:' needs a reason") }
            return .notRun(reason)
        }
        if comment.hasPrefix("compiled:") {
            return .compiled(comment.dropFirst("compiled:".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}

/// A line of a Civic script, split into its code and its comment.
struct CivicLine {
    /// The code outside texts (texts are left out, so a word in a text is not code).
    var codeOutsideTexts: String
    /// The text after `#`, trimmed, or nil when the line has no comment.
    var comment: String?
    /// Where the comment starts (the `#`), as an offset in UTF-8 bytes, or the line's length.
    var codeEnd: Int

    /// Whether the line's code has the statement word `print`.
    var prints: Bool {
        codeOutsideTexts.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).contains("print")
    }

    /// Reads a line as the lexer does: a `#` starts a comment unless it is in
    /// a text; a text may hold `{expressions}` that hold texts of their own;
    /// `{{`, `}}` and `\` escapes are part of a text.
    init(_ line: String) {
        enum Mode { case code(braces: Int), text }
        var stack: [Mode] = [.code(braces: 0)]
        var code = ""
        let chars = Array(line.utf8)
        var i = 0
        var commentAt: Int?
        scan: while i < chars.count {
            let c = chars[i]
            let next = i + 1 < chars.count ? chars[i + 1] : 0
            switch stack[stack.count - 1] {
            case .code(let braces):
                switch c {
                case UInt8(ascii: "#") where stack.count == 1:
                    commentAt = i
                    break scan
                case UInt8(ascii: "\""):
                    stack.append(.text)
                case UInt8(ascii: "{"):
                    stack[stack.count - 1] = .code(braces: braces + 1)
                case UInt8(ascii: "}"):
                    if braces == 0 && stack.count > 1 { stack.removeLast() } else { stack[stack.count - 1] = .code(braces: braces - 1) }
                default:
                    break
                }
                // Outside texts, kept for finding words (any byte past ASCII stands for a letter of a name).
                if stack.count == 1 && c != UInt8(ascii: "\"") { code.unicodeScalars.append(c < 128 ? Unicode.Scalar(c) : "x") }
            case .text:
                switch c {
                case UInt8(ascii: "\\"): i += 1
                case UInt8(ascii: "\""): stack.removeLast()
                case UInt8(ascii: "{"): if next == UInt8(ascii: "{") { i += 1 } else { stack.append(.code(braces: 0)) }
                case UInt8(ascii: "}"): if next == UInt8(ascii: "}") { i += 1 }
                default: break
                }
            }
            i += 1
        }
        codeOutsideTexts = code
        codeEnd = commentAt ?? chars.count
        if let commentAt {
            comment = String(decoding: chars[(commentAt + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
    }
}
