import Testing
@testable import CivicSyntax

// MARK: - Helpers

private func source(_ text: String) -> SourceFile { SourceFile(name: "test.civic", text: text) }

private func lex(_ text: String) -> [Token] { Lexer.tokenize(source(text), fileID: 0) }

private func lex(bytes: [UInt8]) -> [Token] {
    Lexer.tokenize(SourceFile(name: "test.civic", bytes: bytes), fileID: 0)
}

private func kinds(_ text: String) -> [TokenKind] { lex(text).map(\.kind) }

/// Lexes a sub-range of a file, as the parser does for an interpolation.
private func lex(_ file: SourceFile, fileID: Int = 0, range: Range<Int>) -> [Token] {
    var lexer = Lexer(file: file, fileID: fileID, range: range)
    var tokens: [Token] = []
    while tokens.count <= file.bytes.count + 1 {
        let token = lexer.next()
        tokens.append(token)
        if token.kind == .end { break }
    }
    return tokens
}

private func t(_ kind: TokenKind, _ start: Int, _ end: Int, file: Int = 0) -> Token {
    Token(kind, Span(file: file, start: start, end: end))
}

private func name(_ s: String) -> TokenKind { .name(s) }
private func kw(_ k: Keyword) -> TokenKind { .keyword(k) }
private func sym(_ s: Symbol) -> TokenKind { .symbol(s) }
private func num(_ s: String) -> TokenKind { .number(s) }
private func lit(_ s: String) -> TokenKind { .text([.literal(s)]) }
private func interp(_ start: Int, _ end: Int, file: Int = 0) -> TextPart {
    .interpolation(Span(file: file, start: start, end: end))
}

private func message(_ token: Token?) -> String? {
    if case .error(let m)? = token?.kind { return m }
    return nil
}

private func isError(_ kind: TokenKind) -> Bool {
    if case .error = kind { return true }
    return false
}

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Checks what must hold for any input: exactly one `.end`, last, at the end
/// of the range; spans in order, not overlapping, inside the range; and every
/// byte not in a span is whitespace, a line end, a comment, or the BOM.
/// Returns a description of the first problem, or nil.
private func invariantProblem(_ tokens: [Token], _ data: [UInt8], range: Range<Int>? = nil, file: Int = 0) -> String? {
    let lower = range?.lowerBound ?? 0
    let upper = range?.upperBound ?? data.count
    guard let last = tokens.last, last.kind == .end else { return "does not end with .end" }
    if tokens.dropLast().contains(where: { $0.kind == .end }) { return "more than one .end" }
    if last.span != Span(file: file, start: upper, end: upper) { return "end span \(last.span)" }
    var covered = lower
    if lower == 0, data.starts(with: [0xEF, 0xBB, 0xBF]) { covered = 3 }
    for token in tokens.dropLast() {
        let s = token.span
        if s.file != file { return "wrong file in \(token)" }
        if s.start < covered || s.end > upper || s.start >= s.end { return "bad span \(s) for \(token), after \(covered)" }
        if token.kind == .newline {
            let text = Array(data[s.start..<s.end])
            if text != [10] && text != [13, 10] { return "newline span \(s) is not a line end" }
        }
        if let gap = gapProblem(data, covered, s.start) { return gap }
        if case .text(let parts) = token.kind {
            for case .interpolation(let inner) in parts
            where inner.start <= s.start || inner.end >= s.end || inner.start >= inner.end {
                return "interpolation \(inner) outside \(s)"
            }
        }
        covered = s.end
    }
    return gapProblem(data, covered, upper)
}

private func gapProblem(_ data: [UInt8], _ from: Int, _ to: Int) -> String? {
    var i = from
    while i < to {
        switch data[i] {
        case 32, 9, 13, 10: i += 1
        case UInt8(ascii: "#"): while i < to, data[i] != 10 { i += 1 }
        default: return "byte \(data[i]) at \(i) is in no token"
        }
    }
    return nil
}

/// A small deterministic generator for the fuzz tests.
private struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

// MARK: - Basics

@Suite struct LexerBasicsTests {
    @Test func simpleStatement() {
        #expect(lex("let x = 1") == [
            t(kw(.let), 0, 3), t(name("x"), 4, 5), t(sym(.assign), 6, 7), t(num("1"), 8, 9), t(.end, 9, 9),
        ])
    }

    @Test func fileIDIsInEverySpan() {
        let tokens = Lexer.tokenize(source("a + 1\nb"), fileID: 7)
        #expect(tokens.map(\.span.file) == [7, 7, 7, 7, 7, 7])
        #expect(tokens.last == t(.end, 7, 7, file: 7))
    }

    @Test func nextKeepsReturningEnd() {
        var lexer = Lexer(file: source("x"), fileID: 0)
        #expect(lexer.next() == t(name("x"), 0, 1))
        #expect(lexer.next() == t(.end, 1, 1))
        #expect(lexer.next() == t(.end, 1, 1))
        #expect(lexer.next() == t(.end, 1, 1))
    }

    @Test func emptyFile() {
        #expect(lex("") == [t(.end, 0, 0)])
    }

    @Test func onlyAComment() {
        #expect(lex("# just a comment") == [t(.end, 16, 16)])
        #expect(lex("# one\n# two\n") == [t(.end, 12, 12)])
    }

    @Test func onlyWhitespaceAndLineEnds() {
        #expect(lex(" \t\r\n\n  \r\n") == [t(.end, 9, 9)])
    }

    @Test func whitespaceIsSkipped() {
        #expect(lex(" \ta\t\r b ") == [t(name("a"), 2, 3), t(name("b"), 6, 7), t(.end, 8, 8)])
    }

    @Test func commentAfterCode() {
        #expect(lex("x = 1 # the answer") == [
            t(name("x"), 0, 1), t(sym(.assign), 2, 3), t(num("1"), 4, 5), t(.end, 18, 18),
        ])
    }

    @Test func hashInsideTextIsNotAComment() {
        #expect(lex("\"#1\" # c") == [t(lit("#1"), 0, 4), t(.end, 8, 8)])
    }

    @Test func semicolonIsASymbol() {
        #expect(lex("a; b") == [t(name("a"), 0, 1), t(sym(.semicolon), 1, 2), t(name("b"), 3, 4), t(.end, 4, 4)])
    }

    @Test func designExampleLexesWithoutErrors() {
        let text = """
        let greeting = "你好, {name}"   # {expr} interpolates
        let day = 2026-11-28           # a Date
        for i in 1..5 { emit HazardReport { reporter: zhang, kind: "fire", severity: 2, verified: true } }
        split "outsourcing income" {
          70% to "provider"
        }
        """
        let tokens = lex(text)
        #expect(!tokens.contains { isError($0.kind) })
        #expect(tokens.filter { $0.kind == .newline }.count == 5)
        #expect(invariantProblem(tokens, bytes(text)) == nil)
    }
}

// MARK: - Names and keywords

@Suite struct LexerNameTests {
    @Test func chineseNames() {
        // "let " is 4 bytes, 张三 6, " = " 3, "你好" quoted 8.
        #expect(lex("let 张三 = \"你好\"") == [
            t(kw(.let), 0, 3), t(name("张三"), 4, 10), t(sym(.assign), 11, 12), t(lit("你好"), 13, 21), t(.end, 21, 21),
        ])
    }

    @Test func chineseEntityAndFields() {
        #expect(lex("entity 居民 { 年龄: Number }") == [
            t(name("entity"), 0, 6), t(name("居民"), 7, 13), t(sym(.leftBrace), 14, 15),
            t(name("年龄"), 16, 22), t(sym(.colon), 22, 23), t(name("Number"), 24, 30),
            t(sym(.rightBrace), 31, 32), t(.end, 32, 32),
        ])
    }

    @Test func chineseNameFollowedByMemberAccess() {
        #expect(lex("张三.points") == [
            t(name("张三"), 0, 6), t(sym(.dot), 6, 7), t(name("points"), 7, 13), t(.end, 13, 13),
        ])
    }

    @Test func mixedScriptsDigitsAndUnderscores() {
        #expect(kinds("年龄2 x_张 _tmp1 _ Ωmega café") == [
            name("年龄2"), name("x_张"), name("_tmp1"), name("_"), name("Ωmega"), name("café"), .end,
        ])
    }

    @Test func combiningMarkContinuesAName() {
        // "e" followed by U+0301 COMBINING ACUTE ACCENT: one name of 7 bytes.
        let tokens = lex("cafe\u{301}s")
        #expect(tokens == [t(name("cafe\u{301}s"), 0, 7), t(.end, 7, 7)])
    }

    @Test func nameStopsAtNonLetter() {
        #expect(lex("a😀") == [t(name("a"), 0, 1), t(.error("unexpected character '😀'"), 1, 5), t(.end, 5, 5)])
    }

    @Test func everyKeywordIsAKeyword() {
        for keyword in Keyword.allCases {
            let n = keyword.rawValue.utf8.count
            #expect(lex(keyword.rawValue) == [t(kw(keyword), 0, n), t(.end, n, n)], "\(keyword)")
        }
    }

    @Test func wordsThatAreNotKeywords() {
        #expect(kinds("programme award Let letx let_ IF printer fn2 nonexistent") == [
            name("programme"), name("award"), name("Let"), name("letx"), name("let_"),
            name("IF"), name("printer"), name("fn2"), name("nonexistent"), .end,
        ])
    }

    @Test func keywordsInContext() {
        #expect(kinds("if a and not b { return none }") == [
            kw(.if), name("a"), kw(.and), kw(.not), name("b"), sym(.leftBrace), kw(.return), kw(.none),
            sym(.rightBrace), .end,
        ])
    }
}

// MARK: - Line ends

@Suite struct LexerNewlineTests {
    @Test func lineEndIsNewline() {
        #expect(lex("a\nb") == [t(name("a"), 0, 1), t(.newline, 1, 2), t(name("b"), 2, 3), t(.end, 3, 3)])
    }

    @Test func noLeadingNewlineAndConsecutiveLineEndsCollapse() {
        #expect(lex("\n\na\n\n\nb\n") == [
            t(name("a"), 2, 3), t(.newline, 3, 4), t(name("b"), 6, 7), t(.newline, 7, 8), t(.end, 8, 8),
        ])
    }

    @Test func crlfIsOneLineEnd() {
        #expect(lex("a\r\nb") == [t(name("a"), 0, 1), t(.newline, 1, 3), t(name("b"), 3, 4), t(.end, 4, 4)])
        #expect(lex("a\r\n\r\n\r\nb") == [t(name("a"), 0, 1), t(.newline, 1, 3), t(name("b"), 7, 8), t(.end, 8, 8)])
    }

    @Test func loneCarriageReturnIsWhitespace() {
        #expect(lex("a\rb") == [t(name("a"), 0, 1), t(name("b"), 2, 3), t(.end, 3, 3)])
    }

    @Test func commentLinesBetweenStatementsCollapse() {
        // "a # c\n" is 0..<6, "# only\n" 6..<13, "\n" 13, b at 14.
        #expect(lex("a # c\n# only\n\nb") == [
            t(name("a"), 0, 1), t(.newline, 5, 6), t(name("b"), 14, 15), t(.end, 15, 15),
        ])
    }

    @Test func commentBeforeCRLF() {
        #expect(lex("a # c\r\nb") == [t(name("a"), 0, 1), t(.newline, 5, 7), t(name("b"), 7, 8), t(.end, 8, 8)])
    }

    @Test func parenthesesSuppressNewlines() {
        #expect(lex("f(a,\n b)\nc") == [
            t(name("f"), 0, 1), t(sym(.leftParen), 1, 2), t(name("a"), 2, 3), t(sym(.comma), 3, 4),
            t(name("b"), 6, 7), t(sym(.rightParen), 7, 8), t(.newline, 8, 9), t(name("c"), 9, 10), t(.end, 10, 10),
        ])
    }

    @Test func squareBracketsSuppressNewlines() {
        #expect(kinds("[1,\n2\n]\nx") == [
            sym(.leftBracket), num("1"), sym(.comma), num("2"), sym(.rightBracket), .newline, name("x"), .end,
        ])
    }

    @Test func bracesDoNotSuppressNewlines() {
        #expect(lex("{\na\n}") == [
            t(sym(.leftBrace), 0, 1), t(.newline, 1, 2), t(name("a"), 2, 3), t(.newline, 3, 4),
            t(sym(.rightBrace), 4, 5), t(.end, 5, 5),
        ])
    }

    @Test func innermostBracketDecides() {
        // A block inside parentheses: the innermost is '{', so the line end counts.
        #expect(kinds("({\n})") == [sym(.leftParen), sym(.leftBrace), .newline, sym(.rightBrace), sym(.rightParen), .end])
        // Parentheses inside a block: suppressed.
        #expect(kinds("{(\n)}") == [sym(.leftBrace), sym(.leftParen), sym(.rightParen), sym(.rightBrace), .end])
        // After the block closes, '[' is innermost again.
        #expect(kinds("[{\n}\n]") == [sym(.leftBracket), sym(.leftBrace), .newline, sym(.rightBrace), sym(.rightBracket), .end])
    }

    @Test func newlineAfterAllBracketsClose() {
        #expect(kinds("f((a)\n)\nb") == [
            name("f"), sym(.leftParen), sym(.leftParen), name("a"), sym(.rightParen), sym(.rightParen),
            .newline, name("b"), .end,
        ])
    }

    @Test func mismatchedClosersRecover() {
        // ']' closes nothing: '(' stays open, so the line end is suppressed.
        #expect(kinds("(]\nx") == [sym(.leftParen), sym(.rightBracket), name("x"), .end])
        // '}' closes its '{' and the '(' left open inside it.
        #expect(kinds("{(}\nx") == [sym(.leftBrace), sym(.leftParen), sym(.rightBrace), .newline, name("x"), .end])
        // A closer with nothing open.
        #expect(kinds(")\nx") == [sym(.rightParen), .newline, name("x"), .end])
    }

    @Test func trailingOperatorIsLeftToTheParser() {
        #expect(kinds("a +\nb") == [name("a"), sym(.plus), .newline, name("b"), .end])
    }
}

// MARK: - Numbers

@Suite struct LexerNumberTests {
    @Test func integersAndFractions() {
        #expect(lex("0.1 + 0.2") == [t(num("0.1"), 0, 3), t(sym(.plus), 4, 5), t(num("0.2"), 6, 9), t(.end, 9, 9)])
        #expect(lex("007") == [t(num("007"), 0, 3), t(.end, 3, 3)])
    }

    @Test func underscoresAreRemoved() {
        #expect(lex("1_000_000") == [t(num("1000000"), 0, 9), t(.end, 9, 9)])
        #expect(lex("1_000.50") == [t(num("1000.50"), 0, 8), t(.end, 8, 8)])
        #expect(lex("0.000_1") == [t(num("0.0001"), 0, 7), t(.end, 7, 7)])
    }

    @Test func rangeIsNotAFraction() {
        #expect(lex("1..10") == [t(num("1"), 0, 1), t(sym(.dotDot), 1, 3), t(num("10"), 3, 5), t(.end, 5, 5)])
    }

    @Test func dotWithoutDigitsIsADot() {
        #expect(lex("1.x") == [t(num("1"), 0, 1), t(sym(.dot), 1, 2), t(name("x"), 2, 3), t(.end, 3, 3)])
        #expect(lex("1. ") == [t(num("1"), 0, 1), t(sym(.dot), 1, 2), t(.end, 3, 3)])
    }

    @Test func percentages() {
        #expect(lex("70%") == [t(.percent("70"), 0, 3), t(.end, 3, 3)])
        #expect(lex("12.5%") == [t(.percent("12.5"), 0, 5), t(.end, 5, 5)])
        #expect(lex("1_000%") == [t(.percent("1000"), 0, 6), t(.end, 6, 6)])
    }

    @Test func percentSignAfterASpaceIsAnError() {
        #expect(lex("70 %") == [
            t(num("70"), 0, 2),
            t(.error("unexpected character '%': write a percentage right after its number, as in 70%"), 3, 4),
            t(.end, 4, 4),
        ])
    }

    @Test func minusIsNotPartOfTheNumber() {
        #expect(lex("-5") == [t(sym(.minus), 0, 1), t(num("5"), 1, 2), t(.end, 2, 2)])
        #expect(kinds("3-2") == [num("3"), sym(.minus), num("2"), .end])
    }

    @Test func trailingUnderscore() {
        #expect(lex("1_ + 2") == [
            t(.error("1_ is not a number: '_' may only stand between two digits, as in 1_000"), 0, 2),
            t(sym(.plus), 3, 4), t(num("2"), 5, 6), t(.end, 6, 6),
        ])
    }

    @Test func doubleUnderscore() {
        #expect(lex("1__0") == [
            t(.error("1__0 is not a number: '_' may only stand between two digits, as in 1_000"), 0, 4), t(.end, 4, 4),
        ])
    }

    @Test func underscoreBeforeFraction() {
        #expect(lex("1_.5") == [
            t(.error("1_.5 is not a number: '_' may only stand between two digits, as in 1_000"), 0, 4), t(.end, 4, 4),
        ])
    }

    @Test func numberFollowedByALetter() {
        let expected = "12abc is not a number: put a space between a number and a word (as in 2 hours); a name cannot start with a digit"
        #expect(lex("12abc + 1") == [t(.error(expected), 0, 5), t(sym(.plus), 6, 7), t(num("1"), 8, 9), t(.end, 9, 9)])
    }

    @Test func otherNumbersGluedToWords() {
        let tokens = lex("0x1F 1e5 1.5abc 5个 1_a 2hours")
        #expect(tokens.map(\.span) == [
            Span(file: 0, start: 0, end: 4), Span(file: 0, start: 5, end: 8), Span(file: 0, start: 9, end: 15),
            Span(file: 0, start: 16, end: 20), Span(file: 0, start: 21, end: 24), Span(file: 0, start: 25, end: 31),
            Span(file: 0, start: 31, end: 31),
        ])
        #expect(tokens.dropLast().allSatisfy { message($0)?.contains("is not a number") == true })
        #expect(message(tokens.first)?.hasPrefix("0x1F ") == true)
        #expect(message(tokens[3])?.hasPrefix("5个 ") == true)
    }
}

// MARK: - Dates and times

@Suite struct LexerDateTests {
    @Test func date() {
        #expect(lex("2026-11-28") == [t(.date(year: 2026, month: 11, day: 28), 0, 10), t(.end, 10, 10)])
    }

    @Test func timeWithAndWithoutSeconds() {
        #expect(lex("2026-11-28T09:30") == [
            t(.time(year: 2026, month: 11, day: 28, hour: 9, minute: 30, second: 0), 0, 16), t(.end, 16, 16),
        ])
        #expect(lex("2026-11-28T09:30:15") == [
            t(.time(year: 2026, month: 11, day: 28, hour: 9, minute: 30, second: 15), 0, 19), t(.end, 19, 19),
        ])
    }

    @Test func boundaryValues() {
        #expect(kinds("0001-01-01T00:00:00 9999-12-31T23:59:59") == [
            .time(year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0),
            .time(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59), .end,
        ])
    }

    @Test func dateIsNotSubtraction() {
        #expect(kinds("x = 2026-11-28, y") == [
            name("x"), sym(.assign), .date(year: 2026, month: 11, day: 28), sym(.comma), name("y"), .end,
        ])
    }

    @Test func dateMinusNumber() {
        #expect(lex("2026-11-28-1") == [
            t(.date(year: 2026, month: 11, day: 28), 0, 10), t(sym(.minus), 10, 11), t(num("1"), 11, 12), t(.end, 12, 12),
        ])
    }

    @Test func subtractionWithSpacesOrOtherDigitCounts() {
        #expect(kinds("2026 - 11 - 28") == [num("2026"), sym(.minus), num("11"), sym(.minus), num("28"), .end])
        #expect(kinds("20260-11-28") == [num("20260"), sym(.minus), num("11"), sym(.minus), num("28"), .end])
        #expect(kinds("2026-11") == [num("2026"), sym(.minus), num("11"), .end])
        #expect(kinds("2026-11-x") == [num("2026"), sym(.minus), num("11"), sym(.minus), name("x"), .end])
    }

    @Test func leapYears() {
        #expect(kinds("2024-02-29") == [.date(year: 2024, month: 2, day: 29), .end])
        #expect(kinds("2000-02-29") == [.date(year: 2000, month: 2, day: 29), .end])
        #expect(kinds("1900-02-29") == [.error("1900-02-29 is not a date: February 1900 has 28 days"), .end])
    }

    @Test func dayOutOfRange() {
        #expect(lex("2026-02-30") == [t(.error("2026-02-30 is not a date: February 2026 has 28 days"), 0, 10), t(.end, 10, 10)])
        #expect(kinds("2026-04-31") == [.error("2026-04-31 is not a date: April 2026 has 30 days"), .end])
        #expect(kinds("2026-12-32") == [.error("2026-12-32 is not a date: December 2026 has 31 days"), .end])
        #expect(kinds("2026-01-00") == [.error("2026-01-00 is not a date: days of the month start at 01"), .end])
    }

    @Test func monthOutOfRange() {
        #expect(kinds("2026-13-01") == [.error("2026-13-01 is not a date: months go from 01 to 12"), .end])
        #expect(kinds("2026-00-10") == [.error("2026-00-10 is not a date: months go from 01 to 12"), .end])
    }

    @Test func timeOutOfRange() {
        #expect(lex("2026-11-28T24:00") == [
            t(.error("2026-11-28T24:00 is not a time: hours go from 00 to 23"), 0, 16), t(.end, 16, 16),
        ])
        #expect(kinds("2026-11-28T23:60") == [.error("2026-11-28T23:60 is not a time: minutes go from 00 to 59"), .end])
        #expect(kinds("2026-11-28T23:59:60") == [.error("2026-11-28T23:59:60 is not a time: seconds go from 00 to 59"), .end])
        #expect(kinds("2026-02-29T10:00") == [.error("2026-02-29T10:00 is not a time: February 2026 has 28 days"), .end])
    }

    @Test func malformedDates() {
        let expected = "2026-1-5 is not a date: write a date as year-month-day with 4, 2 and 2 digits, as in 2026-01-05"
        #expect(lex("2026-1-5 + 1") == [t(.error(expected), 0, 8), t(sym(.plus), 9, 10), t(num("1"), 11, 12), t(.end, 12, 12)])
        let long = lex("2026-11-285")
        #expect(long.map(\.span.end) == [11, 11])
        #expect(message(long.first)?.hasPrefix("2026-11-285 is not a date") == true)
        #expect(kinds("2026-11-28abc") == [.error("2026-11-28abc is not a date: put a space between the date and what follows"), .end])
    }

    @Test func malformedTimes() {
        for (text, end) in [("2026-11-28T9:30", 15), ("2026-11-28T09:30:1", 18), ("2026-11-28T09", 13),
                            ("2026-11-28t09:30", 16), ("2026-11-28T09:30Z", 17), ("2026-11-28T09:30:15:00", 22),
                            ("2026-11-28T093", 14)] {
            let tokens = lex(text + " x")
            #expect(tokens.count == 3, "\(text)")
            #expect(tokens.first?.span == Span(file: 0, start: 0, end: end), "\(text)")
            #expect(message(tokens.first) == "\(text) is not a time: write a time as 2026-11-28T09:30 or 2026-11-28T09:30:15")
            #expect(tokens.dropFirst().first?.kind == name("x"), "\(text)")
        }
    }
}

// MARK: - Texts

@Suite struct LexerTextTests {
    @Test func plainAndEmpty() {
        #expect(lex("\"hello\"") == [t(lit("hello"), 0, 7), t(.end, 7, 7)])
        #expect(lex("\"\"") == [t(lit(""), 0, 2), t(.end, 2, 2)])
        #expect(lex("\"张三\"") == [t(lit("张三"), 0, 8), t(.end, 8, 8)])
    }

    @Test func rawTabIsKept() {
        #expect(kinds("\"a\tb\"") == [lit("a\tb"), .end])
    }

    @Test func escapes() {
        #expect(kinds(#""a\\b\"c\nd\te\rf\{g\}h""#) == [lit("a\\b\"c\nd\te\rf{g}h"), .end])
    }

    @Test func unicodeEscapes() {
        #expect(kinds(#""\u{4E2D}\u{1F600}\u{41}\u{0000041}""#) == [lit("中😀AA"), .end])
    }

    @Test func doubledBracesAreLiteral() {
        #expect(lex("\"{{x}}\"") == [t(lit("{x}"), 0, 7), t(.end, 7, 7)])
    }

    @Test func literalPiecesAreMerged() {
        #expect(kinds(#""a\n{{b}}c\u{41}""#) == [lit("a\n{b}cA"), .end])
    }

    @Test func interpolation() {
        // '"' 0, 你 1..<4, 好 4..<7, ',' 7, ' ' 8, '{' 9, name 10..<14, '}' 14, '!' 15, '"' 16
        #expect(lex("\"你好, {name}!\"") == [
            t(.text([.literal("你好, "), interp(10, 14), .literal("!")]), 0, 17), t(.end, 17, 17),
        ])
    }

    @Test func interpolationSpanUsesTheFileID() {
        #expect(Lexer.tokenize(source("\"{a}\""), fileID: 4) == [
            t(.text([interp(2, 3, file: 4)]), 0, 5, file: 4), t(.end, 5, 5, file: 4),
        ])
    }

    @Test func adjacentInterpolations() {
        #expect(lex("\"{a}{b}\"") == [t(.text([interp(2, 3), interp(5, 6)]), 0, 8), t(.end, 8, 8)])
    }

    @Test func recordInsideInterpolation() {
        // '"' 0 '{' 1 ' ' 2 '{' 3 ... '}' 8 '.' 9 'a' 10 ' ' 11 '}' 12 '"' 13
        #expect(lex("\"{ {a: 1}.a }\"") == [t(.text([interp(2, 12)]), 0, 14), t(.end, 14, 14)])
    }

    @Test func closingBraceInsideNestedTextDoesNotEndTheInterpolation() {
        // "{f("}")}": the '}' at 5 is inside the nested text; the interpolation is f("}").
        let file = source("\"{f(\"}\")}\"")
        let tokens = Lexer.tokenize(file, fileID: 0)
        #expect(tokens == [t(.text([interp(2, 8)]), 0, 10), t(.end, 10, 10)])
        // Read on its own, the nested text "}" has an unmatched brace.
        #expect(lex(file, range: 2..<8) == [
            t(name("f"), 2, 3), t(sym(.leftParen), 3, 4),
            t(.error("unmatched '}' in text: write '}}' for a literal brace"), 4, 7),
            t(sym(.rightParen), 7, 8), t(.end, 8, 8),
        ])
    }

    @Test func escapedQuoteAndDoubledBracesInNestedText() {
        // "{f("a\"b")}"
        #expect(kinds(#""{f("a\"b")}""#) == [.text([interp(2, 11)]), .end])
        // "{f("{{")}": '{{' in the nested text is a literal brace, not a nested interpolation.
        #expect(kinds(#""{f("{{")}""#) == [.text([interp(2, 9)]), .end])
    }

    @Test func nestedInterpolation() {
        // '"' 0 a 1 '{' 2 f 3 '(' 4 '"' 5 '{' 6 x 7 '}' 8 '"' 9 ')' 10 '}' 11 b 12 '"' 13
        let file = source("\"a{f(\"{x}\")}b\"")
        #expect(Lexer.tokenize(file, fileID: 0) == [
            t(.text([.literal("a"), interp(3, 11), .literal("b")]), 0, 14), t(.end, 14, 14),
        ])
        #expect(lex(file, range: 3..<11) == [
            t(name("f"), 3, 4), t(sym(.leftParen), 4, 5), t(.text([interp(7, 8)]), 5, 10),
            t(sym(.rightParen), 10, 11), t(.end, 11, 11),
        ])
        #expect(lex(file, range: 7..<8) == [t(name("x"), 7, 8), t(.end, 8, 8)])
    }

    @Test func textFollowedByTokens() {
        #expect(lex("print \"x\" + y") == [
            t(kw(.print), 0, 5), t(lit("x"), 6, 9), t(sym(.plus), 10, 11), t(name("y"), 12, 13), t(.end, 13, 13),
        ])
    }

    @Test func unterminatedAtLineEnd() {
        let expected = "unterminated text: add a closing \" before the end of the line"
        #expect(lex("let s = \"abc\nx") == [
            t(kw(.let), 0, 3), t(name("s"), 4, 5), t(sym(.assign), 6, 7), t(.error(expected), 8, 12),
            t(.newline, 12, 13), t(name("x"), 13, 14), t(.end, 14, 14),
        ])
    }

    @Test func unterminatedBeforeCRLF() {
        #expect(lex("\"abc\r\nx").map(\.span) == [
            Span(file: 0, start: 0, end: 4), Span(file: 0, start: 4, end: 6), Span(file: 0, start: 6, end: 7),
            Span(file: 0, start: 7, end: 7),
        ])
        #expect(message(lex("\"abc\r\nx").first)?.hasPrefix("unterminated text: add a closing \"") == true)
    }

    @Test func unterminatedAtEndOfFile() {
        #expect(lex("\"abc") == [t(.error("unterminated text: add a closing \" before the end of the line"), 0, 4), t(.end, 4, 4)])
        #expect(lex("\"") == [t(.error("unterminated text: add a closing \" before the end of the line"), 0, 1), t(.end, 1, 1)])
    }

    @Test func unterminatedBecauseTheQuoteIsEscaped() {
        #expect(lex("\"abc\\\"\n") == [
            t(.error("unterminated text: add a closing \" before the end of the line (\\\" is a quote inside the text, not its end)"), 0, 6),
            t(.newline, 6, 7), t(.end, 7, 7),
        ])
    }

    @Test func backslashAtLineEndIsUnterminated() {
        #expect(lex("\"a\\\nb").map(\.span.end) == [3, 4, 5, 5])
        #expect(message(lex("\"a\\\nb").first)?.hasPrefix("unterminated text") == true)
    }

    @Test func unclosedInterpolation() {
        let expected = "unterminated text: add a closing \" before the end of the line, and close each '{' with '}' (write '{{' for a literal brace)"
        #expect(lex("\"a{b\nc") == [t(.error(expected), 0, 4), t(.newline, 4, 5), t(name("c"), 5, 6), t(.end, 6, 6)])
        // A '{' inside a nested text opens an interpolation there too, so nothing closes on this line.
        #expect(lex("\"{f(\"{\")}\"\r\nx") == [t(.error(expected), 0, 10), t(.newline, 10, 12), t(name("x"), 12, 13), t(.end, 13, 13)])
    }

    @Test func emptyInterpolation() {
        let expected = "empty interpolation '{}' in text: put an expression between the braces, or write '{{' and '}}' for literal braces"
        #expect(lex("\"a{}b\" x") == [t(.error(expected), 0, 6), t(name("x"), 7, 8), t(.end, 8, 8)])
        #expect(kinds("\"{ \t }\"") == [.error(expected), .end])
    }

    @Test func unmatchedClosingBrace() {
        #expect(lex("\"a}b\"") == [t(.error("unmatched '}' in text: write '}}' for a literal brace"), 0, 5), t(.end, 5, 5)])
    }

    @Test func unknownEscape() {
        let expected = "unknown escape '\\q' in text: the escapes are \\\\ \\\" \\n \\t \\r \\{ \\} and \\u{…}"
        #expect(lex("\"a\\qb\" x") == [t(.error(expected), 0, 6), t(name("x"), 7, 8), t(.end, 8, 8)])
    }

    @Test func unknownEscapeOfAChineseCharacter() {
        #expect(message(lex("\"\\中\"").first)?.hasPrefix("unknown escape '\\中' in text") == true)
        #expect(lex("\"\\中\"").map(\.span.end) == [6, 6])
    }

    @Test func firstProblemInATextIsReported() {
        #expect(message(lex("\"\\q}\"").first)?.hasPrefix("unknown escape '\\q'") == true)
        #expect(message(lex("\"}\\q\"").first)?.hasPrefix("unmatched '}'") == true)
    }

    @Test func malformedUnicodeEscapes() {
        #expect(kinds(#""\u4E2D""#) == [.error("'\\u' in text must be followed by a code in braces, as in \\u{4E2D}"), .end])
        let needDigits = "'\\u{' in text must be followed by 1 to 6 hex digits and '}', as in \\u{4E2D}"
        #expect(kinds(#""\u{}""#) == [.error(needDigits), .end])
        #expect(kinds(#""\u{4E2D""#) == [.error(needDigits), .end])
        #expect(kinds(#""\u{12G}""#) == [.error(needDigits), .end])
    }

    @Test func unicodeEscapeOfANonCharacter() {
        #expect(lex(#""\u{D800}" x"#) == [
            t(.error("'\\u{D800}' in text is not a Unicode character"), 0, 10), t(name("x"), 11, 12), t(.end, 12, 12),
        ])
        #expect(kinds(#""\u{110000}""#) == [.error("'\\u{110000}' in text is not a Unicode character"), .end])
        #expect(kinds(#""\u{123456789}""#) == [.error("'\\u{123456789}' in text is not a Unicode character"), .end])
    }

    @Test func controlCharacterInText() {
        #expect(lex(bytes: [34, 97, 0, 98, 34]) == [
            t(.error("control character U+0000 in text: write it as an escape such as \\t or \\n, or remove it"), 0, 5),
            t(.end, 5, 5),
        ])
        #expect(message(lex(bytes: [34, 13, 34]).first)?.hasPrefix("control character U+000D") == true)
    }

    @Test func invalidUTF8InText() {
        #expect(lex(bytes: [34, 0xFF, 34, 32, 120]) == [
            t(.error("invalid UTF-8 (byte 0xFF) in text: save the file as UTF-8"), 0, 3), t(name("x"), 4, 5), t(.end, 5, 5),
        ])
    }
}

// MARK: - Symbols and unexpected characters

@Suite struct LexerSymbolTests {
    @Test func everySymbol() {
        for symbol in Symbol.allCases {
            let n = symbol.rawValue.utf8.count
            #expect(lex(symbol.rawValue) == [t(sym(symbol), 0, n), t(.end, n, n)], "\(symbol)")
        }
    }

    @Test func longestMatch() {
        #expect(kinds("a<=b>=c==d!=e<f>g=h") == [
            name("a"), sym(.lessEqual), name("b"), sym(.greaterEqual), name("c"), sym(.equal), name("d"),
            sym(.notEqual), name("e"), sym(.less), name("f"), sym(.greater), name("g"), sym(.assign), name("h"), .end,
        ])
        #expect(lex("...") == [t(sym(.dotDot), 0, 2), t(sym(.dot), 2, 3), t(.end, 3, 3)])
        #expect(kinds("=<") == [sym(.assign), sym(.less), .end])
        #expect(kinds("= =") == [sym(.assign), sym(.assign), .end])
    }

    @Test func loneBang() {
        let expected = "unexpected '!': write 'not' to negate, or '!=' for 'not equal'"
        #expect(lex("!x") == [t(.error(expected), 0, 1), t(name("x"), 1, 2), t(.end, 2, 2)])
        #expect(lex("! =") == [t(.error(expected), 0, 1), t(sym(.assign), 2, 3), t(.end, 3, 3)])
    }

    @Test func unexpectedCharacter() {
        #expect(lex("@") == [t(.error("unexpected character '@'"), 0, 1), t(.end, 1, 1)])
    }

    @Test func oneErrorPerRun() {
        #expect(lex("a @$? b") == [
            t(name("a"), 0, 1), t(.error("unexpected characters '@$?'"), 2, 5), t(name("b"), 6, 7), t(.end, 7, 7),
        ])
        #expect(lex("@ @") == [t(.error("unexpected character '@'"), 0, 1), t(.error("unexpected character '@'"), 2, 3), t(.end, 3, 3)])
    }

    @Test func hintsForCommonMistakes() {
        #expect(lex("x，y") == [
            t(name("x"), 0, 1), t(.error("unexpected character '，': write ',' instead"), 1, 4), t(name("y"), 4, 5), t(.end, 5, 5),
        ])
        #expect(kinds("a && b") == [name("a"), .error("unexpected characters '&&': write 'and'"), name("b"), .end])
        #expect(kinds("a || b") == [name("a"), .error("unexpected characters '||': write 'or'"), name("b"), .end])
        #expect(kinds("f（x）") == [
            name("f"), .error("unexpected character '（': write '(' instead"), name("x"),
            .error("unexpected character '）': write ')' instead"), .end,
        ])
        #expect(kinds("'abc'") == [
            .error("unexpected character ''': texts are written in double quotes, as in \"text\""), name("abc"),
            .error("unexpected character ''': texts are written in double quotes, as in \"text\""), .end,
        ])
        // A run of different characters gets no hint.
        #expect(kinds("&|") == [.error("unexpected characters '&|'"), .end])
    }

    @Test func fullWidthSpace() {
        #expect(lex("a\u{3000}b") == [
            t(name("a"), 0, 1),
            t(.error("unexpected character U+3000: this is a full-width space; write an ordinary space instead"), 1, 4),
            t(name("b"), 4, 5), t(.end, 5, 5),
        ])
    }

    @Test func nulBytes() {
        #expect(lex(bytes: [0, 0, 0]) == [t(.error("unexpected characters U+0000 U+0000 U+0000"), 0, 3), t(.end, 3, 3)])
        #expect(lex(bytes: [120, 0, 121]) == [
            t(name("x"), 0, 1), t(.error("unexpected character U+0000"), 1, 2), t(name("y"), 2, 3), t(.end, 3, 3),
        ])
    }

    @Test func longRunMessageIsShortened() {
        let tokens = lex(String(repeating: "@", count: 100))
        #expect(tokens == [t(.error("unexpected characters '" + String(repeating: "@", count: 16) + "' …"), 0, 100), t(.end, 100, 100)])
    }
}

// MARK: - UTF-8 and the byte order mark

@Suite struct LexerEncodingTests {
    @Test func invalidByte() {
        #expect(lex(bytes: [0xFF]) == [t(.error("invalid UTF-8 (byte 0xFF): save the file as UTF-8"), 0, 1), t(.end, 1, 1)])
    }

    @Test func invalidRunIsOneToken() {
        #expect(lex(bytes: [97, 0xFF, 0xFE, 98]) == [
            t(name("a"), 0, 1), t(.error("invalid UTF-8 (bytes 0xFF 0xFE): save the file as UTF-8"), 1, 3),
            t(name("b"), 3, 4), t(.end, 4, 4),
        ])
    }

    @Test func truncatedSequence() {
        // 张 is E5 BC A0; cut after two bytes.
        #expect(lex(bytes: [0xE5, 0xBC, 97]) == [
            t(.error("invalid UTF-8 (bytes 0xE5 0xBC): save the file as UTF-8"), 0, 2), t(name("a"), 2, 3), t(.end, 3, 3),
        ])
        #expect(lex(bytes: [0xE5, 0xBC]) == [t(.error("invalid UTF-8 (bytes 0xE5 0xBC): save the file as UTF-8"), 0, 2), t(.end, 2, 2)])
    }

    @Test func loneSurrogateIsInvalid() {
        // U+D800 encoded as if it were a scalar.
        #expect(lex(bytes: [0xED, 0xA0, 0x80, 32, 120]) == [
            t(.error("invalid UTF-8 (bytes 0xED 0xA0 0x80): save the file as UTF-8"), 0, 3), t(name("x"), 4, 5), t(.end, 5, 5),
        ])
    }

    @Test func overlongAndOutOfRangeAreInvalid() {
        #expect(lex(bytes: [0xC0, 0xAF]).map(\.span.end) == [2, 2])
        #expect(isError(lex(bytes: [0xC0, 0xAF])[0].kind))
        #expect(lex(bytes: [0xE0, 0x80, 0xAF]).count == 2)
        #expect(lex(bytes: [0xF4, 0x90, 0x80, 0x80]) == [
            t(.error("invalid UTF-8 (bytes 0xF4 0x90 0x80 0x80): save the file as UTF-8"), 0, 4), t(.end, 4, 4),
        ])
    }

    @Test func longInvalidRunMessageIsShortened() {
        let tokens = lex(bytes: [UInt8](repeating: 0xFF, count: 20))
        #expect(tokens == [
            t(.error("invalid UTF-8 (bytes " + Array(repeating: "0xFF", count: 8).joined(separator: " ") + " …): save the file as UTF-8"), 0, 20),
            t(.end, 20, 20),
        ])
    }

    @Test func invalidBytesInsideAName() {
        #expect(lex(bytes: [97, 98, 0xFF, 99, 100]) == [
            t(name("ab"), 0, 2), t(.error("invalid UTF-8 (byte 0xFF): save the file as UTF-8"), 2, 3),
            t(name("cd"), 3, 5), t(.end, 5, 5),
        ])
    }

    @Test func invalidBytesInACommentAreIgnored() {
        #expect(lex(bytes: [35, 0xFF, 10, 120]) == [t(name("x"), 3, 4), t(.end, 4, 4)])
    }

    @Test func byteOrderMarkIsSkipped() {
        #expect(lex(bytes: [0xEF, 0xBB, 0xBF, 120]) == [t(name("x"), 3, 4), t(.end, 4, 4)])
        #expect(lex(bytes: [0xEF, 0xBB, 0xBF]) == [t(.end, 3, 3)])
        #expect(lex(bytes: [0xEF, 0xBB, 0xBF, 10, 120]) == [t(name("x"), 4, 5), t(.end, 5, 5)])
    }

    @Test func byteOrderMarkElsewhereIsAnError() {
        #expect(lex("x\u{FEFF}") == [
            t(name("x"), 0, 1),
            t(.error("unexpected character U+FEFF: a byte order mark is only allowed at the start of the file"), 1, 4),
            t(.end, 4, 4),
        ])
    }
}

// MARK: - Sub-ranges

@Suite struct LexerRangeTests {
    @Test func interpolationRangeKeepsFileOffsets() {
        let file = source("let s = \"{a + 1}\"")
        let tokens = Lexer.tokenize(file, fileID: 3)
        #expect(tokens[3] == t(.text([interp(10, 15, file: 3)]), 8, 17, file: 3))
        #expect(lex(file, fileID: 3, range: 10..<15) == [
            t(name("a"), 10, 11, file: 3), t(sym(.plus), 12, 13, file: 3), t(num("1"), 14, 15, file: 3),
            t(.end, 15, 15, file: 3),
        ])
    }

    @Test func rangeStopsTokensAtItsEnd() {
        let file = source("abcdef")
        #expect(lex(file, range: 1..<3) == [t(name("bc"), 1, 3), t(.end, 3, 3)])
        #expect(lex(source("\"abc\""), range: 0..<3) == [
            t(.error("unterminated text: add a closing \" before the end of the line"), 0, 3), t(.end, 3, 3),
        ])
    }

    @Test func rangeIsClamped() {
        let file = source("abc")
        #expect(lex(file, range: 1..<100) == [t(name("bc"), 1, 3), t(.end, 3, 3)])
        #expect(lex(file, range: 50..<60) == [t(.end, 3, 3)])
        #expect(lex(file, range: -5..<2) == [t(name("ab"), 0, 2), t(.end, 2, 2)])
    }

    @Test func byteOrderMarkOnlySkippedAtTheStartOfTheFile() {
        let file = SourceFile(name: "t", bytes: [0xEF, 0xBB, 0xBF, 120, 0xEF, 0xBB, 0xBF])
        #expect(lex(file, range: 0..<4) == [t(name("x"), 3, 4), t(.end, 4, 4)])
        #expect(message(lex(file, range: 4..<7).first)?.contains("U+FEFF") == true)
    }

    @Test func noLeadingNewlineInARange() {
        #expect(lex(source("a\n\nb"), range: 1..<4) == [t(name("b"), 3, 4), t(.end, 4, 4)])
    }
}

// MARK: - Hostile inputs and invariants

@Suite struct LexerHostileTests {
    @Test func tenMegabyteComment() {
        let data = bytes("x # ") + [UInt8](repeating: UInt8(ascii: "c"), count: 10_000_000)
        var tokens: [Token] = []
        tokens = lex(bytes: data)
        #expect(tokens == [t(name("x"), 0, 1), t(.end, data.count, data.count)])
    }

    @Test func tenMegabyteText() {
        let data = [34] + [UInt8](repeating: UInt8(ascii: "a"), count: 10_000_000) + [34]
        var tokens: [Token] = []
        tokens = lex(bytes: data)
        #expect(tokens.count == 2)
        if case .text(let parts)? = tokens.first?.kind, case .literal(let s)? = parts.first {
            #expect(parts.count == 1 && s.utf8.count == 10_000_000)
        } else {
            Issue.record("expected one literal, got \(String(describing: tokens.first?.kind).prefix(80))")
        }
        #expect(tokens.first?.span == Span(file: 0, start: 0, end: data.count))
    }

    @Test func longRunsOfOneKind() {
        // 2 MB each keeps debug test runs short; anything quadratic would still never finish.
        let n = 2_000_000
        var tokens: [Token] = []
        tokens = lex(bytes: [UInt8](repeating: UInt8(ascii: "7"), count: n))
        #expect(tokens.count == 2 && tokens[0].span == Span(file: 0, start: 0, end: n))
        tokens = lex(bytes: [UInt8](repeating: UInt8(ascii: "@"), count: n))
        #expect(tokens.count == 2 && tokens[0].span == Span(file: 0, start: 0, end: n))
        #expect((message(tokens.first)?.count ?? .max) < 100)
        tokens = lex(bytes: [UInt8](repeating: 0xFF, count: n))
        #expect(tokens.count == 2 && tokens[0].span == Span(file: 0, start: 0, end: n))
        let han = Array(String(repeating: "张", count: n / 3).utf8)
        tokens = lex(bytes: han)
        #expect(tokens.count == 2 && tokens[0].span == Span(file: 0, start: 0, end: han.count))
    }

    @Test func manySmallTokensOnOneLine() {
        let data = Array(String(repeating: "x+", count: 500_000).utf8)
        var tokens: [Token] = []
        tokens = lex(bytes: data)
        #expect(tokens.count == 1_000_001)
        #expect(tokens[999_999] == t(sym(.plus), 999_999, 1_000_000))
    }

    @Test func hundredThousandOpenParentheses() {
        let data = [UInt8](repeating: UInt8(ascii: "("), count: 100_000)
        let tokens = lex(bytes: data)
        #expect(tokens.count == 100_001)
        #expect(tokens.dropLast().allSatisfy { $0.kind == sym(.leftParen) })
        #expect(tokens.last == t(.end, 100_000, 100_000))
        // Closed again across lines: no line end counts while any '(' is open.
        let closed = data + [10] + [UInt8](repeating: UInt8(ascii: ")"), count: 100_000) + [10, 120]
        let kinds = lex(bytes: closed).map(\.kind)
        #expect(kinds.count == 200_003)
        #expect(kinds.suffix(3) == [.newline, name("x"), .end])
        #expect(kinds.filter { $0 == .newline }.count == 1)
    }

    @Test func unbalancedBracketsAtScale() {
        // Each '}' closes a '{' with a '(' left open in it; far from quadratic.
        let data = Array((String(repeating: "{(", count: 50_000) + String(repeating: "}", count: 50_000) + "\nx").utf8)
        var kinds: [TokenKind] = []
        kinds = lex(bytes: data).map(\.kind)
        #expect(kinds.suffix(3) == [.newline, name("x"), .end])
    }

    @Test func fileOfOnlyQuotes() {
        #expect(lex("\"\"\"") == [
            t(lit(""), 0, 2), t(.error("unterminated text: add a closing \" before the end of the line"), 2, 3), t(.end, 3, 3),
        ])
        let data = [UInt8](repeating: 34, count: 100_001)
        let tokens = lex(bytes: data)
        #expect(tokens.count == 50_002)
        #expect(tokens.prefix(50_000).allSatisfy { $0.kind == lit("") })
        #expect(isError(tokens[50_000].kind))
        #expect(tokens.last == t(.end, 100_001, 100_001))
    }

    @Test func manyUnclosedInterpolations() {
        let data = Array(String(repeating: "\"{", count: 100_000).utf8)
        var tokens: [Token] = []
        tokens = lex(bytes: data)
        #expect(tokens.count == 2)
        #expect(tokens.first?.span == Span(file: 0, start: 0, end: 200_000))
        #expect(message(tokens.first)?.hasPrefix("unterminated text") == true)
    }

    @Test func deeplyNestedInterpolationDoesNotRecurse() {
        let depth = 10_000
        let text = String(repeating: "\"{", count: depth) + "x" + String(repeating: "}\"", count: depth)
        let tokens = lex(text)
        let n = text.utf8.count
        #expect(tokens == [t(.text([interp(2, n - 2)]), 0, n), t(.end, n, n)])
    }

    @Test func manyBracesAndClosers() {
        let data = [UInt8](repeating: UInt8(ascii: "}"), count: 100_000) + [UInt8](repeating: UInt8(ascii: "{"), count: 100_000)
        let tokens = lex(bytes: data)
        #expect(tokens.count == 200_001)
        #expect(invariantProblem(tokens, data) == nil)
    }

    @Test func manyNulBytes() {
        let tokens = lex(bytes: [UInt8](repeating: 0, count: 100_000))
        #expect(tokens.count == 2)
        #expect(tokens.first?.span == Span(file: 0, start: 0, end: 100_000))
    }

    @Test func tenThousandLinesAreFast() {
        let line = "let 张三_1 = add Resident { id: \"R1\", name: \"张{x}\", age: 72 } # note\n"
            + "if total >= 1_000.50 and day != 2026-11-28T09:30 { print \"over {total}\" }\n"
        let data = Array(String(repeating: line, count: 5_000).utf8)
        var tokens: [Token] = []
        // Generous, for debug builds; a release build takes a few milliseconds.
        tokens = lex(bytes: data)
        #expect(tokens.filter { $0.kind == .newline }.count == 10_000)
        #expect(!tokens.contains { isError($0.kind) })
    }

    @Test func invariantCheckerCatchesProblems() {
        let data = bytes("a b")
        #expect(invariantProblem([t(name("a"), 0, 1), t(.end, 3, 3)], data) != nil)  // 'b' dropped
        #expect(invariantProblem([t(name("a"), 0, 1), t(name("b"), 2, 3)], data) != nil)  // no .end
        #expect(invariantProblem([t(name("a"), 0, 1), t(name("b"), 0, 3), t(.end, 3, 3)], data) != nil)  // overlap
        #expect(invariantProblem([t(name("a"), 0, 1), t(name("b"), 2, 3), t(.end, 3, 3)], data) == nil)
    }

    @Test func fuzzFragments() {
        let fragments: [[UInt8]] = [
            "a", "张三", "let", "1", "_", "0.5", "2026-11-28", "T09:30", ":15", "\"", "\"x\"", "{", "}", "{{", "}}",
            "(", ")", "[", "]", "\\", "\\u{", "4E2D", "\\\"", "\n", "\r\n", "\r", " ", "\t", "#", "%", "!", "=",
            ".", "..", "-", "@", "，", "\u{3000}", "\u{FEFF}", "\u{0}", "😀", "e\u{301}",
        ].map { Array($0.utf8) } + [[0xFF], [0xED, 0xA0, 0x80], [0xE5, 0xBC], [0xC0], [0xF4, 0x90]]
        var random = SplitMix64(state: 42)
        var failures = 0
        for round in 0..<3_000 {
            var data: [UInt8] = random.below(20) == 0 ? [0xEF, 0xBB, 0xBF] : []
            for _ in 0..<random.below(40) { data += fragments[random.below(fragments.count)] }
            let file = SourceFile(name: "fuzz", bytes: data)
            let tokens = Lexer.tokenize(file, fileID: 0)
            if let problem = invariantProblem(tokens, data) {
                Issue.record("round \(round): \(problem) in \(data)")
                failures += 1
            }
            // The parser lexes each interpolation on its own: that must hold up too.
            for token in tokens {
                guard case .text(let parts) = token.kind else { continue }
                for case .interpolation(let inner) in parts {
                    let range = inner.start..<inner.end
                    if let problem = invariantProblem(lex(file, range: range), data, range: range) {
                        Issue.record("round \(round), interpolation \(range): \(problem) in \(data)")
                        failures += 1
                    }
                }
            }
            if failures > 5 { break }
        }
        #expect(failures == 0)
    }

    @Test func fuzzRandomBytes() {
        var random = SplitMix64(state: 7)
        for round in 0..<2_000 {
            let data = (0..<random.below(64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let tokens = lex(bytes: data)
            if let problem = invariantProblem(tokens, data) {
                Issue.record("round \(round): \(problem) in \(data)")
                return
            }
        }
    }
}
