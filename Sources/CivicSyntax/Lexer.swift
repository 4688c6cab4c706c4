/// Turns the bytes of a source file into tokens.
///
/// The lexer works on `SourceFile.bytes` directly and never fails: text it
/// cannot read becomes an `.error` token whose message says why, and lexing
/// goes on after it. Every byte of the input ends up in the span of some
/// token, or is whitespace, a line end that is not a statement end, or part of
/// a comment. A leading UTF-8 byte order mark is skipped.
///
/// Line ends become `.newline` tokens, except while the innermost open
/// bracket is `(` or `[`; consecutive line ends (with blank or comment lines
/// between them) give one `.newline`, and none is given before the first token.
///
/// A lexer can be limited to a range of the file, as the parser does to read
/// the expression of a `{expr}` interpolation: positions stay byte offsets
/// into the whole file.
public struct Lexer: Sendable {
    private let bytes: [UInt8]
    private let fileID: Int
    /// Where this lexer stops (exclusive): the end of the file or of the range.
    private let end: Int
    private var pos: Int
    /// The open brackets, innermost last.
    private var brackets: [UInt8] = []
    /// How many of each bracket are open: `(`, `[`, `{`.
    private var openParens = 0, openSquares = 0, openBraces = 0
    private var emittedAny = false
    private var lastWasNewline = false

    /// - Parameters:
    ///   - file: the source to read.
    ///   - fileID: the file's number, used in every token's span.
    ///   - range: a byte range of the file to read instead of the whole file;
    ///     it is clamped to the file.
    public init(file: SourceFile, fileID: Int, range: Range<Int>? = nil) {
        bytes = file.bytes
        self.fileID = fileID
        let count = bytes.count
        let lower = min(max(range?.lowerBound ?? 0, 0), count)
        let upper = min(max(range?.upperBound ?? count, lower), count)
        end = upper
        pos = lower
        if lower == 0, upper >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            pos = 3
        }
    }

    /// All the tokens of a file; the last one, and only the last one, is `.end`.
    public static func tokenize(_ file: SourceFile, fileID: Int) -> [Token] {
        var lexer = Lexer(file: file, fileID: fileID)
        var tokens: [Token] = []
        tokens.reserveCapacity(file.bytes.count / 8 + 16)
        while true {
            let token = lexer.next()
            if case .end = token.kind {
                tokens.append(token)
                return tokens
            }
            tokens.append(token)
        }
    }

    /// The next token. At the end of the input, `.end` (again and again).
    public mutating func next() -> Token {
        while pos < end {
            let b = bytes[pos]
            switch b {
            case Byte.space, Byte.tab:
                pos += 1
            case Byte.cr where !(pos + 1 < end && bytes[pos + 1] == Byte.lf):
                pos += 1
            case Byte.cr, Byte.lf:
                let start = pos
                pos += b == Byte.cr ? 2 : 1
                if newlinesSuppressed || !emittedAny || lastWasNewline { continue }
                return emit(.newline, start, pos)
            case Byte.hash:
                skipComment()
            default:
                let start = pos
                let kind = lexToken()
                return emit(kind, start, pos)
            }
        }
        return Token(.end, span(end, end))
    }

    // MARK: - Helpers

    private func span(_ start: Int, _ end: Int) -> Span {
        Span(file: fileID, start: start, end: end)
    }

    private mutating func emit(_ kind: TokenKind, _ start: Int, _ end: Int) -> Token {
        emittedAny = true
        if case .newline = kind { lastWasNewline = true } else { lastWasNewline = false }
        return Token(kind, span(start, end))
    }

    private var newlinesSuppressed: Bool {
        guard let top = brackets.last else { return false }
        return top != Byte.leftBrace
    }

    private mutating func skipComment() {
        while pos < end {
            let b = bytes[pos]
            if b == Byte.lf { return }
            if b == Byte.cr, pos + 1 < end, bytes[pos + 1] == Byte.lf { return }
            pos += 1
        }
    }

    /// Reads the token that starts at `pos` (not whitespace, a line end or a
    /// comment) and moves `pos` past it. Always moves `pos` forward.
    private mutating func lexToken() -> TokenKind {
        let b = bytes[pos]
        if Byte.isIdentifierStart(b) { return lexName() }
        if Byte.isDigit(b) { return lexNumber() }
        switch b {
        case Byte.quote: return lexText()
        case Byte.leftParen: return open(Byte.leftParen, .leftParen)
        case Byte.leftSquare: return open(Byte.leftSquare, .leftBracket)
        case Byte.leftBrace: return open(Byte.leftBrace, .leftBrace)
        case Byte.rightParen: return close(Byte.leftParen, .rightParen)
        case Byte.rightSquare: return close(Byte.leftSquare, .rightBracket)
        case Byte.rightBrace: return close(Byte.leftBrace, .rightBrace)
        case Byte.comma: return symbol(.comma, 1)
        case Byte.colon: return symbol(.colon, 1)
        case Byte.semicolon: return symbol(.semicolon, 1)
        case Byte.dot: return followedBy(Byte.dot) ? symbol(.dotDot, 2) : symbol(.dot, 1)
        case Byte.plus: return symbol(.plus, 1)
        case Byte.minus: return symbol(.minus, 1)
        case Byte.star: return symbol(.star, 1)
        case Byte.slash: return symbol(.slash, 1)
        case Byte.equals: return followedBy(Byte.equals) ? symbol(.equal, 2) : symbol(.assign, 1)
        case Byte.less: return followedBy(Byte.equals) ? symbol(.lessEqual, 2) : symbol(.less, 1)
        case Byte.greater: return followedBy(Byte.equals) ? symbol(.greaterEqual, 2) : symbol(.greater, 1)
        case Byte.bang:
            if followedBy(Byte.equals) { return symbol(.notEqual, 2) }
            pos += 1
            return .error("unexpected '!': write 'not' to negate, or '!=' for 'not equal'")
        default:
            break
        }
        if b >= 0x80 {
            guard let (scalar, _) = decode(at: pos) else { return lexInvalidUTF8() }
            if scalar.properties.isXIDStart { return lexName() }
        }
        return lexUnexpected()
    }

    private func followedBy(_ b: UInt8) -> Bool {
        pos + 1 < end && bytes[pos + 1] == b
    }

    private mutating func symbol(_ s: Symbol, _ length: Int) -> TokenKind {
        pos += length
        return .symbol(s)
    }

    private mutating func open(_ b: UInt8, _ s: Symbol) -> TokenKind {
        brackets.append(b)
        switch b {
        case Byte.leftParen: openParens += 1
        case Byte.leftSquare: openSquares += 1
        default: openBraces += 1
        }
        return symbol(s, 1)
    }

    /// A closing bracket closes the innermost open bracket of its kind, and
    /// any brackets opened inside that one; the parser reports the mismatch.
    /// One that closes nothing leaves the open brackets as they are.
    private mutating func close(_ opener: UInt8, _ s: Symbol) -> TokenKind {
        let isOpen: Bool
        switch opener {
        case Byte.leftParen: isOpen = openParens > 0
        case Byte.leftSquare: isOpen = openSquares > 0
        default: isOpen = openBraces > 0
        }
        if isOpen {
            while let top = brackets.popLast() {
                switch top {
                case Byte.leftParen: openParens -= 1
                case Byte.leftSquare: openSquares -= 1
                default: openBraces -= 1
                }
                if top == opener { break }
            }
        }
        return symbol(s, 1)
    }

    // MARK: - UTF-8

    /// The scalar whose UTF-8 encoding starts at `i` and its length in bytes,
    /// or nil when the bytes there are not valid UTF-8 (this includes
    /// overlong forms, encoded surrogates, and sequences cut by `end`).
    private func decode(at i: Int) -> (Unicode.Scalar, Int)? {
        guard i < end else { return nil }
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        func continuation(_ k: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> UInt32? {
            guard k < end else { return nil }
            let c = bytes[k]
            return c >= low && c <= high ? UInt32(c & 0x3F) : nil
        }
        let value: UInt32
        let length: Int
        switch b0 {
        case 0xC2...0xDF:
            guard let c1 = continuation(i + 1) else { return nil }
            value = UInt32(b0 & 0x1F) << 6 | c1
            length = 2
        case 0xE0...0xEF:
            let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF
            guard let c1 = continuation(i + 1, low, high), let c2 = continuation(i + 2) else { return nil }
            value = UInt32(b0 & 0x0F) << 12 | c1 << 6 | c2
            length = 3
        case 0xF0...0xF4:
            let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
            guard let c1 = continuation(i + 1, low, high), let c2 = continuation(i + 2),
                  let c3 = continuation(i + 3) else { return nil }
            value = UInt32(b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
            length = 4
        default:
            return nil
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    /// A run of bytes that are not valid UTF-8: one error token.
    private mutating func lexInvalidUTF8() -> TokenKind {
        let start = pos
        while pos < end, decode(at: pos) == nil { pos += 1 }
        let shown = bytes[start..<min(pos, start + 8)].map { "0x" + Lexer.hex($0, digits: 2) }
        let more = pos - start > 8 ? " …" : ""
        let noun = pos - start == 1 ? "byte" : "bytes"
        return .error("invalid UTF-8 (\(noun) \(shown.joined(separator: " "))\(more)): save the file as UTF-8")
    }

    // MARK: - Names

    private func isIdentifierContinue(at i: Int) -> Int? {
        guard i < end else { return nil }
        let b = bytes[i]
        if b < 0x80 { return Byte.isIdentifierContinue(b) ? 1 : nil }
        guard let (scalar, length) = decode(at: i), scalar.properties.isXIDContinue else { return nil }
        return length
    }

    private mutating func lexName() -> TokenKind {
        let start = pos
        var ascii = true
        while pos < end {
            let b = bytes[pos]
            if b < 0x80 {
                guard Byte.isIdentifierContinue(b) else { break }
                pos += 1
            } else {
                guard let length = isIdentifierContinue(at: pos) else { break }
                ascii = false
                pos += length
            }
        }
        if ascii, pos - start <= 8 {
            var packed: UInt64 = 0
            for k in start..<pos { packed = packed << 8 | UInt64(bytes[k]) }
            for (code, keyword) in Lexer.shortKeywords where code == packed { return .keyword(keyword) }
        } else if ascii {
            for keyword in Lexer.longKeywords where keyword.rawValue.utf8.elementsEqual(bytes[start..<pos]) {
                return .keyword(keyword)
            }
        }
        return .name(String(decoding: bytes[start..<pos], as: UTF8.self))
    }

    /// The keywords of at most 8 letters, each packed into an integer, so
    /// that a name is checked without hashing a String.
    private static let shortKeywords: [(UInt64, Keyword)] = Keyword.allCases.compactMap { keyword in
        let utf8 = Array(keyword.rawValue.utf8)
        guard utf8.count <= 8 else { return nil }
        return (utf8.reduce(0) { $0 << 8 | UInt64($1) }, keyword)
    }

    private static let longKeywords: [Keyword] = Keyword.allCases.filter { $0.rawValue.utf8.count > 8 }

    // MARK: - Numbers, dates and times

    private func digitRun(from i: Int) -> Int {
        var k = i
        while k < end, Byte.isDigit(bytes[k]) { k += 1 }
        return k - i
    }

    /// Moves past letters, digits and `_` (and `:` if asked) that follow a
    /// malformed literal, so that the error covers the whole word.
    private mutating func skipWordTail(colons: Bool = false) {
        while pos < end {
            if colons, bytes[pos] == Byte.colon { pos += 1; continue }
            guard let length = isIdentifierContinue(at: pos) else { return }
            pos += length
        }
    }

    private func digitsValue(_ from: Int, _ count: Int) -> Int {
        var v = 0
        for k in from..<(from + count) { v = v * 10 + Int(bytes[k] - Byte.zero) }
        return v
    }

    private mutating func lexNumber() -> TokenKind {
        let start = pos
        if digitRun(from: start) == 4, start + 5 < end, bytes[start + 4] == Byte.minus {
            let monthDigits = digitRun(from: start + 5)
            let dash = start + 5 + monthDigits
            if monthDigits > 0, dash + 1 < end, bytes[dash] == Byte.minus {
                let dayDigits = digitRun(from: dash + 1)
                if dayDigits > 0 { return lexDate(start: start, monthDigits: monthDigits, dayDigits: dayDigits) }
            }
        }

        var underscoresOK = true
        var hasUnderscore = false
        func scanDigits() {
            while pos < end {
                let b = bytes[pos]
                if Byte.isDigit(b) {
                    pos += 1
                } else if b == Byte.underscore {
                    hasUnderscore = true
                    if !(pos + 1 < end && Byte.isDigit(bytes[pos + 1])) { underscoresOK = false }
                    pos += 1
                } else {
                    return
                }
            }
        }
        scanDigits()
        if pos + 1 < end, bytes[pos] == Byte.dot, Byte.isDigit(bytes[pos + 1]) {
            pos += 1
            scanDigits()
        }
        if isIdentifierContinue(at: pos) != nil {
            skipWordTail()
            let word = snippet(start, pos)
            return .error("\(word) is not a number: put a space between a number and a word (as in 2 hours); a name cannot start with a digit")
        }
        if !underscoresOK {
            return .error("\(snippet(start, pos)) is not a number: '_' may only stand between two digits, as in 1_000")
        }
        var text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if hasUnderscore { text.removeAll { $0 == "_" } }
        if pos < end, bytes[pos] == Byte.percent {
            pos += 1
            return .percent(text)
        }
        return .number(text)
    }

    /// `YYYY-M…-D…` at `pos`: a date, a time, or an error.
    private mutating func lexDate(start: Int, monthDigits: Int, dayDigits: Int) -> TokenKind {
        pos = start + 4 + 1 + monthDigits + 1 + dayDigits
        guard monthDigits == 2, dayDigits == 2 else {
            skipWordTail()
            return .error("\(snippet(start, pos)) is not a date: write a date as year-month-day with 4, 2 and 2 digits, as in 2026-01-05")
        }
        let year = digitsValue(start, 4)
        let month = digitsValue(start + 5, 2)
        let day = digitsValue(start + 8, 2)

        var time: (hour: Int, minute: Int, second: Int)? = nil
        if pos < end, bytes[pos] == Byte.upperT || bytes[pos] == Byte.lowerT {
            let t = pos
            let shaped = bytes[t] == Byte.upperT
                && digitRun(from: t + 1) == 2 && t + 3 < end && bytes[t + 3] == Byte.colon
                && digitRun(from: t + 4) == 2
            var after = t + 6
            var second = 0
            if shaped, after < end, bytes[after] == Byte.colon {
                if digitRun(from: after + 1) == 2 {
                    second = digitsValue(after + 1, 2)
                    after += 3
                } else {
                    after = -1
                }
            }
            if !shaped || after < 0 || (after < end && (bytes[after] == Byte.colon || isIdentifierContinue(at: after) != nil)) {
                pos = t
                skipWordTail(colons: true)
                return .error("\(snippet(start, pos)) is not a time: write a time as 2026-11-28T09:30 or 2026-11-28T09:30:15")
            }
            time = (digitsValue(t + 1, 2), digitsValue(t + 4, 2), second)
            pos = after
        } else if isIdentifierContinue(at: pos) != nil {
            skipWordTail()
            return .error("\(snippet(start, pos)) is not a date: put a space between the date and what follows")
        }

        let shown = snippet(start, pos)
        let what = time == nil ? "date" : "time"
        if !(1...12).contains(month) {
            return .error("\(shown) is not a \(what): months go from 01 to 12")
        }
        let days = Lexer.daysIn(month: month, year: year)
        if day == 0 {
            return .error("\(shown) is not a \(what): days of the month start at 01")
        }
        if day > days {
            return .error("\(shown) is not a \(what): \(Lexer.monthNames[month - 1]) \(year) has \(days) days")
        }
        guard let time else { return .date(year: year, month: month, day: day) }
        if time.hour > 23 { return .error("\(shown) is not a time: hours go from 00 to 23") }
        if time.minute > 59 { return .error("\(shown) is not a time: minutes go from 00 to 59") }
        if time.second > 59 { return .error("\(shown) is not a time: seconds go from 00 to 59") }
        return .time(year: year, month: month, day: day, hour: time.hour, minute: time.minute, second: time.second)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    // MARK: - Texts

    private enum InterpolationEnd {
        /// The offset of the `}` that closes the interpolation.
        case closed(Int)
        /// The line ended (at this offset) before the interpolation did.
        case open(Int)
    }

    /// Finds the `}` that closes an interpolation whose expression starts at
    /// `from`, counting nested braces and skipping over text literals inside
    /// the expression (which may hold interpolations of their own). Uses an
    /// explicit stack, so deep nesting cannot overflow the call stack.
    private func interpolationEnd(from: Int) -> InterpolationEnd {
        // Each frame: -1 inside a text literal, else the brace depth inside an expression.
        var stack = [0]
        var i = from
        while i < end {
            let b = bytes[i]
            if b == Byte.lf { return .open(i) }
            let top = stack[stack.count - 1]
            if top < 0 {
                switch b {
                case Byte.backslash:
                    i += (i + 1 < end && bytes[i + 1] != Byte.lf) ? 2 : 1
                case Byte.quote:
                    stack.removeLast()
                    i += 1
                case Byte.leftBrace:
                    if i + 1 < end, bytes[i + 1] == Byte.leftBrace { i += 2 } else { stack.append(0); i += 1 }
                default:
                    i += 1
                }
            } else {
                switch b {
                case Byte.quote:
                    stack.append(-1)
                case Byte.leftBrace:
                    stack[stack.count - 1] = top + 1
                case Byte.rightBrace:
                    if top == 0 {
                        stack.removeLast()
                        if stack.isEmpty { return .closed(i) }
                    } else {
                        stack[stack.count - 1] = top - 1
                    }
                default:
                    break
                }
                i += 1
            }
        }
        return .open(i)
    }

    /// Whether `b` can be copied into a text as it is.
    private static func isPlainTextByte(_ b: UInt8) -> Bool {
        (b >= 0x20 && b < 0x7F && b != Byte.quote && b != Byte.backslash
            && b != Byte.leftBrace && b != Byte.rightBrace) || b == Byte.tab
    }

    private mutating func lexText() -> TokenKind {
        let start = pos
        var i = pos + 1
        var parts: [TextPart] = []
        var buffer: [UInt8] = []
        var problem: String? = nil
        var lastWasEscapedQuote = false

        func note(_ message: String) {
            if problem == nil { problem = message }
        }
        func flush() {
            if !buffer.isEmpty {
                parts.append(.literal(String(decoding: buffer, as: UTF8.self)))
                buffer.removeAll(keepingCapacity: true)
            }
        }

        while true {
            guard i < end else {
                return unterminated(start: start, lineEnd: end, escapedQuote: lastWasEscapedQuote, openBrace: false)
            }
            let b = bytes[i]
            if b == Byte.lf || (b == Byte.cr && i + 1 < end && bytes[i + 1] == Byte.lf) {
                return unterminated(start: start, lineEnd: i, escapedQuote: lastWasEscapedQuote, openBrace: false)
            }
            lastWasEscapedQuote = false
            if Lexer.isPlainTextByte(b) {
                var k = i + 1
                while k < end, Lexer.isPlainTextByte(bytes[k]) { k += 1 }
                buffer.append(contentsOf: bytes[i..<k])
                i = k
                continue
            }
            switch b {
            case Byte.quote:
                pos = i + 1
                if let problem { return .error(problem) }
                flush()
                return .text(parts.isEmpty ? [.literal("")] : parts)

            case Byte.backslash:
                guard i + 1 < end else { i += 1; continue }
                let e = bytes[i + 1]
                var resolved: UInt8? = nil
                switch e {
                case Byte.lowerN: resolved = Byte.lf
                case Byte.lowerT: resolved = Byte.tab
                case Byte.lowerR: resolved = Byte.cr
                case Byte.backslash, Byte.quote, Byte.leftBrace, Byte.rightBrace: resolved = e
                default: break
                }
                if let resolved {
                    buffer.append(resolved)
                    lastWasEscapedQuote = e == Byte.quote
                    i += 2
                } else if e == Byte.lowerU {
                    i = unicodeEscape(at: i, into: &buffer, note: note)
                } else if e == Byte.lf || (e == Byte.cr && i + 2 < end && bytes[i + 2] == Byte.lf) {
                    i += 1  // the line end makes the text unterminated
                } else {
                    let length = decode(at: i + 1)?.1 ?? 1
                    let shown: String
                    if let (scalar, _) = decode(at: i + 1), Lexer.isPrintable(scalar) {
                        shown = "'\\\(Character(scalar))'"
                    } else if let (scalar, _) = decode(at: i + 1) {
                        shown = "'\\' followed by U+\(Lexer.hex(scalar.value, digits: 4))"
                    } else {
                        shown = "'\\' followed by the invalid UTF-8 byte 0x\(Lexer.hex(e, digits: 2))"
                    }
                    note("unknown escape \(shown) in text: the escapes are \\\\ \\\" \\n \\t \\r \\{ \\} and \\u{…}")
                    i += 1 + length
                }

            case Byte.leftBrace:
                if i + 1 < end, bytes[i + 1] == Byte.leftBrace {
                    buffer.append(Byte.leftBrace)
                    i += 2
                    continue
                }
                switch interpolationEnd(from: i + 1) {
                case .closed(let close):
                    if bytes[(i + 1)..<close].allSatisfy({ $0 == Byte.space || $0 == Byte.tab }) {
                        note("empty interpolation '{}' in text: put an expression between the braces, or write '{{' and '}}' for literal braces")
                    } else {
                        flush()
                        parts.append(.interpolation(span(i + 1, close)))
                    }
                    i = close + 1
                case .open(let lineEnd):
                    let lineEnd = lineEnd > start && lineEnd < end && bytes[lineEnd] == Byte.lf
                        && bytes[lineEnd - 1] == Byte.cr ? lineEnd - 1 : lineEnd
                    return unterminated(start: start, lineEnd: lineEnd, escapedQuote: false, openBrace: true)
                }

            case Byte.rightBrace:
                if i + 1 < end, bytes[i + 1] == Byte.rightBrace {
                    buffer.append(Byte.rightBrace)
                    i += 2
                } else {
                    note("unmatched '}' in text: write '}}' for a literal brace")
                    i += 1
                }

            default:
                if b < 0x80 {
                    note("control character U+\(Lexer.hex(UInt32(b), digits: 4)) in text: write it as an escape such as \\t or \\n, or remove it")
                    i += 1
                } else if let (_, length) = decode(at: i) {
                    buffer.append(contentsOf: bytes[i..<(i + length)])
                    i += length
                } else {
                    note("invalid UTF-8 (byte 0x\(Lexer.hex(b, digits: 2))) in text: save the file as UTF-8")
                    i += 1
                }
            }
        }
    }

    /// Reads `\u{XXXX}` at `i` (the backslash); returns where reading goes on.
    private func unicodeEscape(at i: Int, into buffer: inout [UInt8], note: (String) -> Void) -> Int {
        var j = i + 2
        guard j < end, bytes[j] == Byte.leftBrace else {
            note("'\\u' in text must be followed by a code in braces, as in \\u{4E2D}")
            return j
        }
        j += 1
        var value: UInt32 = 0
        var digits = 0
        while j < end, let h = Lexer.hexValue(bytes[j]) {
            if digits < 8 { value = value << 4 | h }
            digits += 1
            j += 1
        }
        guard digits > 0, j < end, bytes[j] == Byte.rightBrace else {
            note("'\\u{' in text must be followed by 1 to 6 hex digits and '}', as in \\u{4E2D}")
            return j
        }
        guard digits <= 8, let scalar = Unicode.Scalar(value) else {
            note("'\(snippet(i, j + 1))' in text is not a Unicode character")
            return j + 1
        }
        UTF8.encode(scalar) { buffer.append($0) }
        return j + 1
    }

    private mutating func unterminated(start: Int, lineEnd: Int, escapedQuote: Bool, openBrace: Bool) -> TokenKind {
        pos = max(lineEnd, start + 1)
        var message = "unterminated text: add a closing \" before the end of the line"
        if openBrace {
            message += ", and close each '{' with '}' (write '{{' for a literal brace)"
        } else if escapedQuote {
            message += " (\\\" is a quote inside the text, not its end)"
        }
        return .error(message)
    }

    // MARK: - Unexpected characters

    /// Whether an ASCII byte cannot start any token, whitespace or comment.
    private static func isUnexpectedASCII(_ b: UInt8) -> Bool {
        switch b {
        case Byte.space, Byte.tab, Byte.cr, Byte.lf, Byte.hash, Byte.quote,
             Byte.leftParen, Byte.rightParen, Byte.leftSquare, Byte.rightSquare,
             Byte.leftBrace, Byte.rightBrace, Byte.comma, Byte.colon, Byte.semicolon,
             Byte.dot, Byte.plus, Byte.minus, Byte.star, Byte.slash, Byte.equals,
             Byte.less, Byte.greater, Byte.bang:
            return false
        default:
            return !Byte.isIdentifierContinue(b)
        }
    }

    /// A run of characters that cannot start a token: one error token.
    /// Invalid UTF-8 ends the run: it is reported on its own.
    private mutating func lexUnexpected() -> TokenKind {
        var shown: [Unicode.Scalar] = []
        var count = 0
        var allSame = true
        var first = Unicode.Scalar(UInt8(0))
        while pos < end {
            let b = bytes[pos]
            let scalar: Unicode.Scalar
            let length: Int
            if b < 0x80 {
                guard Lexer.isUnexpectedASCII(b) else { break }
                scalar = Unicode.Scalar(b)
                length = 1
            } else {
                guard let (s, l) = decode(at: pos), !s.properties.isXIDStart else { break }
                scalar = s
                length = l
            }
            if count == 0 { first = scalar } else if scalar != first { allSame = false }
            if count < 16 { shown.append(scalar) }
            count += 1
            pos += length
        }
        if count == 0 {
            // Cannot happen (the caller saw an unexpected character), but never stall.
            pos = min(pos + 1, end)
            return .error("unexpected character")
        }
        var message = count == 1 ? "unexpected character " : "unexpected characters "
        if shown.allSatisfy(Lexer.isPrintable) {
            message += "'" + String(String.UnicodeScalarView(shown)) + "'"
        } else {
            message += shown.map(Lexer.describe).joined(separator: " ")
        }
        if count > shown.count { message += " …" }
        if allSame, let hint = Lexer.hints[first.value] { message += ": " + hint }
        return .error(message)
    }

    /// Suggestions for characters that are easy to type by mistake,
    /// especially full-width punctuation from a Chinese input method.
    private static let hints: [UInt32: String] = {
        var h: [UInt32: String] = [:]
        let asciiFor: [(UInt32, String)] = [
            (0xFF0C, ","), (0x3001, ","), (0xFF1A, ":"), (0xFF1B, ";"), (0x3002, "."), (0xFF0E, "."),
            (0xFF08, "("), (0xFF09, ")"), (0x3010, "["), (0x3011, "]"), (0xFF3B, "["), (0xFF3D, "]"),
            (0xFF5B, "{"), (0xFF5D, "}"), (0x201C, "\""), (0x201D, "\""), (0x300C, "\""), (0x300D, "\""),
            (0x2018, "\""), (0x2019, "\""), (0xFF02, "\""), (0xFF1D, "="), (0xFF0B, "+"), (0xFF0D, "-"),
            (0x2212, "-"), (0xFF0A, "*"), (0x00D7, "*"), (0xFF0F, "/"), (0x00F7, "/"), (0xFF1C, "<"),
            (0xFF1E, ">"), (0x2260, "!="), (0x2264, "<="), (0x2265, ">="), (0xFF03, "#"),
        ]
        for (code, ascii) in asciiFor { h[code] = "write '\(ascii)' instead" }
        for d in 0..<10 { h[0xFF10 + UInt32(d)] = "write the digit '\(d)' instead" }
        h[0x3000] = "this is a full-width space; write an ordinary space instead"
        h[0x00A0] = "this is a no-break space; write an ordinary space instead"
        h[0xFEFF] = "a byte order mark is only allowed at the start of the file"
        h[0xFF01] = "write 'not' to negate, or '!=' for 'not equal'"
        h[UInt32(Byte.percent)] = "write a percentage right after its number, as in 70%"
        h[0xFF05] = "write a percentage right after its number, as in 70%"
        h[UInt32(Byte.apostrophe)] = "texts are written in double quotes, as in \"text\""
        h[UInt32(Byte.ampersand)] = "write 'and'"
        h[UInt32(Byte.bar)] = "write 'or'"
        for currency: UInt32 in [0x24, 0xA5, 0xFFE5] { h[currency] = "write amounts as plain numbers, without a currency sign" }
        return h
    }()

    // MARK: - Showing source in messages

    /// Source text for a message, shortened if long.
    private func snippet(_ start: Int, _ stop: Int) -> String {
        var cut = min(stop, start + 40)
        while cut < stop, cut > start, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        let text = String(decoding: bytes[start..<cut], as: UTF8.self)
        return cut < stop ? text + "…" : text
    }

    private static func isPrintable(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator,
             .surrogate, .privateUse, .unassigned, .nonspacingMark, .enclosingMark, .spacingMark:
            return false
        default:
            return true
        }
    }

    private static func describe(_ s: Unicode.Scalar) -> String {
        isPrintable(s) ? "'\(Character(s))'" : "U+" + hex(s.value, digits: 4)
    }

    private static func hex<T: BinaryInteger>(_ v: T, digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    private static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case Byte.zero...Byte.nine: return UInt32(b - Byte.zero)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}

/// The ASCII bytes the lexer looks at.
private enum Byte {
    static let tab = UInt8(ascii: "\t"), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " "), bang = UInt8(ascii: "!"), quote = UInt8(ascii: "\"")
    static let hash = UInt8(ascii: "#"), percent = UInt8(ascii: "%"), ampersand = UInt8(ascii: "&")
    static let apostrophe = UInt8(ascii: "'"), bar = UInt8(ascii: "|")
    static let leftParen = UInt8(ascii: "("), rightParen = UInt8(ascii: ")")
    static let leftSquare = UInt8(ascii: "["), rightSquare = UInt8(ascii: "]")
    static let leftBrace = UInt8(ascii: "{"), rightBrace = UInt8(ascii: "}")
    static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":"), semicolon = UInt8(ascii: ";")
    static let dot = UInt8(ascii: "."), plus = UInt8(ascii: "+"), minus = UInt8(ascii: "-")
    static let star = UInt8(ascii: "*"), slash = UInt8(ascii: "/"), backslash = UInt8(ascii: "\\")
    static let equals = UInt8(ascii: "="), less = UInt8(ascii: "<"), greater = UInt8(ascii: ">")
    static let underscore = UInt8(ascii: "_"), zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
    static let upperT = UInt8(ascii: "T"), lowerT = UInt8(ascii: "t"), lowerN = UInt8(ascii: "n")
    static let lowerR = UInt8(ascii: "r"), lowerU = UInt8(ascii: "u")

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- zero < 10 }

    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- UInt8(ascii: "a") < 26 }

    @inline(__always) static func isIdentifierStart(_ b: UInt8) -> Bool { isLetter(b) || b == underscore }

    @inline(__always) static func isIdentifierContinue(_ b: UInt8) -> Bool {
        isLetter(b) || isDigit(b) || b == underscore
    }
}
