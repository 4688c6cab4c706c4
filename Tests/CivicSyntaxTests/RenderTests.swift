import Testing
@testable import CivicSyntax

// MARK: - Helpers

/// A source map holding one file, and that file's id.
private func single(_ name: String, _ text: String) -> (SourceMap, Int) {
    let map = SourceMap()
    let id = map.add(SourceFile(name: name, text: text))
    return (map, id)
}

/// The byte span of the `occurrence`-th (0-based) appearance of `needle` in `text`.
private func span(of needle: String, in text: String, file: Int, occurrence: Int = 0) -> Span? {
    let hay = Array(text.utf8), pin = Array(needle.utf8)
    guard !pin.isEmpty, hay.count >= pin.count else { return nil }
    var seen = 0
    for i in 0...(hay.count - pin.count) where Array(hay[i..<(i + pin.count)]) == pin {
        if seen == occurrence { return Span(file: file, start: i, end: i + pin.count) }
        seen += 1
    }
    return nil
}

/// A zero-length span at the start of `needle`.
private func point(at needle: String, in text: String, file: Int) -> Span? {
    span(of: needle, in: text, file: file).map { Span(file: file, start: $0.start, end: $0.start) }
}

private func plain(_ map: SourceMap) -> DiagnosticRenderer {
    DiagnosticRenderer(sources: map, color: false)
}

// MARK: - displayWidth

@Test func displayWidthOfSingleCharacters() {
    #expect(displayWidth("") == 0)
    #expect(displayWidth("abc") == 3)
    #expect(displayWidth("张三") == 4)
    #expect(displayWidth("，。") == 4)          // CJK punctuation
    #expect(displayWidth("\u{3000}") == 2)      // ideographic space
    #expect(displayWidth("Ａ１") == 4)           // fullwidth forms
    #expect(displayWidth("ｱ") == 1)             // halfwidth katakana
    #expect(displayWidth("한국") == 4)           // Hangul syllables
    #expect(displayWidth("\u{1100}\u{1161}\u{11A8}") == 2) // Hangul written as jamo
    #expect(displayWidth("e\u{301}") == 1)      // combining acute
    #expect(displayWidth("\u{200B}") == 0)      // zero-width space
    #expect(displayWidth("\u{FEFF}") == 0)      // byte order mark
    #expect(displayWidth("\t\n\r\u{1B}\u{7F}\u{85}") == 0)
    #expect(displayWidth("é") == 1)
    #expect(displayWidth("…─°") == 3)           // ambiguous width counts 1
}

@Test func displayWidthOfEmoji() {
    #expect(displayWidth("👍") == 2)
    #expect(displayWidth("👍🏽") == 2)            // with a skin tone
    #expect(displayWidth("👨‍👩‍👧") == 2)           // a ZWJ family
    #expect(displayWidth("🇨🇳") == 2)            // a flag
    #expect(displayWidth("❤") == 1)             // text presentation
    #expect(displayWidth("❤\u{FE0F}") == 2)     // emoji presentation
    #expect(displayWidth("1\u{FE0F}\u{20E3}") == 2) // keycap
    #expect(displayWidth("⌚") == 2)
    #expect(displayWidth("🫨") == 2)             // Unicode 15
}

@Test func displayWidthOfMixedText() {
    #expect(displayWidth("Resident 居民 #1，ok") == 20)
    #expect(displayWidth("张三 scored 72分 👍") == 19)
    #expect(displayWidth("let 张三 = \"你好, {name}\"") == 25)
}

@Test func paddedUsesDisplayColumns() {
    #expect(padded("张三", toWidth: 6) == "张三  ")
    #expect(padded("张三", toWidth: 6, alignRight: true) == "  张三")
    #expect(padded("abc", toWidth: 5) == "abc  ")
    #expect(padded("欧阳娜娜", toWidth: 4) == "欧阳娜娜")   // never cut
    #expect(padded("", toWidth: 3, alignRight: true) == "   ")
}

@Test func wideTableIsSortedAndDisjoint() {
    #expect(wideRanges.count % 2 == 0)
    var previous: UInt32? = nil
    for i in stride(from: 0, to: wideRanges.count, by: 2) {
        #expect(wideRanges[i] <= wideRanges[i + 1])
        if let p = previous { #expect(p < wideRanges[i]) }
        previous = wideRanges[i + 1]
    }
    #expect(isWide(0x4E00) && isWide(0x9FFF) && isWide(0x3FFFD) && isWide(0x1100))
    #expect(!isWide(0x10FF) && !isWide(0x41) && !isWide(0x3FFFE) && !isWide(0x10FFFF))
}

// MARK: - Diagnostics

private let residents = """
entity Resident { key id: Text, age: Number }
let r = first Resident
let x = r.agee + 1

"""

@Test func asciiSpanWithHint() throws {
    let (map, id) = single("residents.civic", residents)
    let s = try #require(span(of: "agee", in: residents, file: id))
    let d = Diagnostic.error("unknown field 'agee' on Resident", at: s, hint: "did you mean 'age'?")
    #expect(plain(map).render(d) == """
    residents.civic:3:11: error: unknown field 'agee' on Resident
        3 | let x = r.agee + 1
          |           ^^^^
          = hint: did you mean 'age'?
    """)
}

@Test func severityWordAndNoHint() throws {
    let (map, id) = single("residents.civic", residents)
    let s = try #require(span(of: "let r", in: residents, file: id))
    let d = Diagnostic(.warning, "'r' is never used", at: s)
    #expect(plain(map).render(d) == """
    residents.civic:2:1: warning: 'r' is never used
        2 | let r = first Resident
          | ^^^^^
    """)
    let n = Diagnostic(.note, "declared here", at: s)
    #expect(plain(map).render(n).hasPrefix("residents.civic:2:1: note: declared here\n"))
}

@Test func caretUnderChineseText() throws {
    let text = "let 张三 = add 居民 { 姓名: \"张三\", 年龄: 72 }\nprint 张三.年令\n"
    let (map, id) = single("居民.civic", text)
    let s = try #require(span(of: "年令", in: text, file: id))
    let d = Diagnostic.error("unknown field '年令' on 居民", at: s, hint: "did you mean '年龄'?")
    #expect(plain(map).render(d) == """
    居民.civic:2:10: error: unknown field '年令' on 居民
        2 | print 张三.年令
          |            ^^^^
          = hint: did you mean '年龄'?
    """)
}

@Test func caretAfterChineseTextBeforeAsciiSpan() throws {
    let text = "let 名字 = \"张三，你好\" + 1\n"
    let (map, id) = single("a.civic", text)
    let s = try #require(span(of: "+", in: text, file: id))
    #expect(plain(map).render(.error("cannot add Text and Number", at: s)) == """
    a.civic:1:18: error: cannot add Text and Number
        1 | let 名字 = "张三，你好" + 1
          |                         ^
    """)
}

@Test func zeroLengthSpanInsideLine() throws {
    let text = "let y = 1  2\n"
    let (map, id) = single("z.civic", text)
    let s = try #require(point(at: "2", in: text, file: id))
    #expect(plain(map).render(.error("expected an operator", at: s)) == """
    z.civic:1:12: error: expected an operator
        1 | let y = 1  2
          |            ^
    """)
}

@Test func zeroLengthSpanAtLineEnd() throws {
    let text = "let y = f(1, 2\nprint y\n"
    let (map, id) = single("z.civic", text)
    let s = try #require(point(at: "\nprint", in: text, file: id))
    #expect(plain(map).render(.error("expected ')'", at: s, hint: "close the call with ')'")) == """
    z.civic:1:15: error: expected ')'
        1 | let y = f(1, 2
          |               ^
          = hint: close the call with ')'
    """)
}

@Test func spanAtEndOfFileAfterFinalNewline() {
    let text = "let a = 1\nlet b = (1 +\n"
    let (map, id) = single("eof.civic", text)
    let eof = Span(file: id, start: text.utf8.count, end: text.utf8.count)
    #expect(plain(map).render(.error("unexpected end of file", at: eof)) == """
    eof.civic:2:13: error: unexpected end of file
        2 | let b = (1 +
          |             ^
    """)
}

@Test func spanAtEndOfFileWithoutFinalNewline() {
    let text = "let a = 1\nlet b = (1 +"
    let (map, id) = single("eof.civic", text)
    let eof = Span(file: id, start: text.utf8.count, end: text.utf8.count)
    #expect(plain(map).render(.error("unexpected end of file", at: eof)) == """
    eof.civic:2:13: error: unexpected end of file
        2 | let b = (1 +
          |             ^
    """)
}

@Test func spanInEmptyFile() {
    let (map, id) = single("empty.civic", "")
    #expect(plain(map).render(.error("nothing to run", at: Span(file: id, start: 0, end: 0))) == """
    empty.civic:1:1: error: nothing to run
        1 |
          | ^
    """)
}

@Test func spanOutsideTheFileIsClamped() {
    let (map, id) = single("short.civic", "let a = 1")
    #expect(plain(map).render(.error("oops", at: Span(file: id, start: 500, end: 900))) == """
    short.civic:1:10: error: oops
        1 | let a = 1
          |          ^
    """)
    #expect(plain(map).render(.error("oops", at: Span(file: id, start: -5, end: 3))) == """
    short.civic:1:1: error: oops
        1 | let a = 1
          | ^^^
    """)
}

@Test func multiLineSpanIsUnderlinedToItsLineEnd() throws {
    let text = "let s = \"abc\n  def\"\nprint s\n"
    let (map, id) = single("m.civic", text)
    let start = try #require(span(of: "\"abc", in: text, file: id))
    let end = try #require(span(of: "def\"", in: text, file: id))
    #expect(plain(map).render(.error("text runs over two lines", at: start.through(end))) == """
    m.civic:1:9: error: text runs over two lines
        1 | let s = "abc
          |         ^^^^
    """)
}

@Test func traceAfterHint() throws {
    let text = "fn half(x) = x / 0\nfn twice(y) = half(y) * 2\nprint twice(3)\n"
    let (map, id) = single("calc.civic", text)
    var d = Diagnostic.error("division by zero", at: try #require(span(of: "x / 0", in: text, file: id)),
                             hint: "check that the divisor is not 0")
    d.trace = [
        TraceEntry(function: "half", span: try #require(span(of: "half(y)", in: text, file: id))),
        TraceEntry(function: "twice", span: try #require(span(of: "twice(3)", in: text, file: id))),
        TraceEntry(function: "main", span: .unknown),
    ]
    #expect(plain(map).render(d) == """
    calc.civic:1:14: error: division by zero
        1 | fn half(x) = x / 0
          |              ^^^^^
          = hint: check that the divisor is not 0
          = in half, called from calc.civic:2:15
          = in twice, called from calc.civic:3:7
          = in main
    """)
}

@Test func traceAcrossFiles() throws {
    let map = SourceMap()
    let lib = "fn 积分(x) = x / 0\n"
    let main = "use \"lib.civic\"\nprint 积分(2)\n"
    let libID = map.add(SourceFile(name: "lib.civic", text: lib))
    let mainID = map.add(SourceFile(name: "main.civic", text: main))
    var d = Diagnostic.error("division by zero", at: try #require(span(of: "x / 0", in: lib, file: libID)))
    d.trace = [TraceEntry(function: "积分", span: try #require(span(of: "积分(2)", in: main, file: mainID)))]
    #expect(plain(map).render(d) == """
    lib.civic:1:12: error: division by zero
        1 | fn 积分(x) = x / 0
          |              ^^^^^
          = in 积分, called from main.civic:2:7
    """)
}

@Test func unknownFile() {
    let map = SourceMap()
    let d = Diagnostic.error("no script given", at: .unknown, hint: "run 'civic run FILE'")
    #expect(plain(map).render(d) == """
    error: no script given
          = hint: run 'civic run FILE'
    """)
    let (other, _) = single("a.civic", "let a = 1\n")
    #expect(plain(other).render(.error("lost", at: Span(file: 3, start: 0, end: 1))) == "error: lost")
}

@Test func wideGutterForLongFiles() throws {
    var text = ""
    for i in 1...12_345 { text += "let v\(i) = \(i)\n" }
    let (map, id) = single("big.civic", text)
    let s = try #require(span(of: "v12345", in: text, file: id))
    #expect(plain(map).render(.error("unused", at: s, hint: "remove it")) == """
    big.civic:12345:5: error: unused
     12345 | let v12345 = 12345
           |     ^^^^^^
           = hint: remove it
    """)
}

@Test func colorOn() throws {
    let (map, id) = single("residents.civic", residents)
    let s = try #require(span(of: "agee", in: residents, file: id))
    let d = Diagnostic.error("unknown field 'agee' on Resident", at: s, hint: "did you mean 'age'?")
    let out = DiagnosticRenderer(sources: map, color: true).render(d)
    #expect(out == "residents.civic:3:11: \u{1B}[1;31merror\u{1B}[0m: \u{1B}[1munknown field 'agee' on Resident\u{1B}[0m\n"
        + "\u{1B}[34m    3 |\u{1B}[0m let x = r.agee + 1\n"
        + "\u{1B}[34m      |\u{1B}[0m           \u{1B}[31m^^^^\u{1B}[0m\n"
        + "      \u{1B}[36m= hint: did you mean 'age'?\u{1B}[0m")
}

@Test func colorOffHasNoEscapeCodes() throws {
    let text = "fn f(x) = x / 0\nprint f(1)\n"
    let (map, id) = single("c.civic", text)
    var d = Diagnostic.error("division by zero", at: try #require(span(of: "x / 0", in: text, file: id)),
                             hint: "check the divisor")
    d.trace = [TraceEntry(function: "f", span: try #require(span(of: "f(1)", in: text, file: id)))]
    let w = Diagnostic(.warning, "unused", at: try #require(span(of: "print", in: text, file: id)))
    let off = DiagnosticRenderer(sources: map, color: false).render([d, w])
    let on = DiagnosticRenderer(sources: map, color: true).render([d, w])
    #expect(!off.unicodeScalars.contains("\u{1B}"))
    #expect(on.unicodeScalars.contains("\u{1B}"))
    #expect(on.contains("\u{1B}[1;33mwarning\u{1B}[0m: \u{1B}[1munused\u{1B}[0m"))   // bold yellow
    #expect(on.contains("\u{1B}[33m^^^^^\u{1B}[0m"))                                  // yellow carets
    #expect(off.hasSuffix("\n\n1 error, 1 warning"))
}

@Test func controlCharactersInSourceAreShownNotSent() throws {
    let text = "let a = \"\u{1B}[2J\" + b\n"
    let (map, id) = single("esc.civic", text)
    let s = try #require(span(of: "b\n", in: text, file: id))
    let out = plain(map).render(.error("unknown name 'b'", at: Span(file: id, start: s.start, end: s.start + 1)))
    #expect(out == """
    esc.civic:1:18: error: unknown name 'b'
        1 | let a = "␛[2J" + b
          |                  ^
    """)
    #expect(!out.unicodeScalars.contains("\u{1B}"))
    let injected = plain(map).render(.error("bad \u{1B}[31m text", at: .unknown, hint: "x\ny"))
    #expect(injected == "error: bad ␛[31m text\n      = hint: x␊y")
}

@Test func tabsAreOneSpace() throws {
    let text = "\tlet x = y\n"
    let (map, id) = single("tab.civic", text)
    let s = try #require(span(of: "y", in: text, file: id))
    #expect(plain(map).render(.error("unknown name 'y'", at: s)) == """
    tab.civic:1:10: error: unknown name 'y'
        1 |  let x = y
          |          ^
    """)
}

@Test func crlfFile() throws {
    let text = "let a = 1\r\nlet b = c + 1\r\n"
    let (map, id) = single("win.civic", text)
    let s = try #require(span(of: "c", in: text, file: id, occurrence: 0))
    let out = plain(map).render(.error("unknown name 'c'", at: s))
    #expect(out == """
    win.civic:2:9: error: unknown name 'c'
        2 | let b = c + 1
          |         ^
    """)
    #expect(!out.unicodeScalars.contains("\r") && !out.contains("␍"))
    let eof = Span(file: id, start: text.utf8.count, end: text.utf8.count)
    #expect(plain(map).render(.error("unexpected end of file", at: eof)) == """
    win.civic:2:14: error: unexpected end of file
        2 | let b = c + 1
          |              ^
    """)
    // A span that runs into the line break is underlined to the line end only.
    let toEnd = try #require(span(of: "1\r\nlet b", in: text, file: id))
    #expect(plain(map).render(.error("x", at: toEnd)) == """
    win.civic:1:9: error: x
        1 | let a = 1
          |         ^
    """)
}

// MARK: - Long lines

@Test func tenMegabyteLineIsFastAndWindowed() {
    // The span near the end of the line: finding its column walks the line.
    var bytes = Array("let s = ".utf8)
    bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 9_900_000)
    bytes += Array(" + agee + ".utf8)
    bytes += [UInt8](repeating: UInt8(ascii: "b"), count: 100_000)
    bytes += Array("\nprint s\n".utf8)
    let map = SourceMap()
    let id = map.add(SourceFile(name: "huge.civic", bytes: bytes))
    let start = 8 + 9_900_000 + 3
    let d = Diagnostic.error("unknown name 'agee'", at: Span(file: id, start: start, end: start + 4))
    let renderer = plain(map)
    var out = ""
    out = renderer.render(d)
    let a = String(repeating: "a", count: 45), b = String(repeating: "b", count: 45)
    #expect(out == """
    huge.civic:1:9900012: error: unknown name 'agee'
        1 | …\(a) + agee + \(b)…
          | \(String(repeating: " ", count: 49))^^^^
    """)
}

@Test func longChineseLineIsWindowedByDisplayColumns() throws {
    let text = "let s = \"" + String(repeating: "张", count: 200) + "年令" + String(repeating: "李", count: 200) + "\"\n"
    let (map, id) = single("long.civic", text)
    let s = try #require(span(of: "年令", in: text, file: id))
    let out = plain(map).render(.error("what is 年令?", at: s))
    #expect(out == """
    long.civic:1:210: error: what is 年令?
        1 | …\(String(repeating: "张", count: 24))年令\(String(repeating: "李", count: 24))…
          | \(String(repeating: " ", count: 49))^^^^
    """)
}

@Test func windowNearLineStartKeepsTheStart() throws {
    let text = "let t = " + String(repeating: "z", count: 300) + " + q\n"
    let (map, id) = single("w.civic", text)
    let s = Span(file: id, start: 4, end: 5)
    #expect(plain(map).render(.error("x", at: s)) == """
    w.civic:1:5: error: x
        1 | let t = \(String(repeating: "z", count: 92))…
          |     ^
    """)
}

@Test func hugeSpanIsCutWithEllipsis() throws {
    let text = "let t = " + String(repeating: "z", count: 500) + "\nprint t\n"
    let (map, id) = single("w.civic", text)
    let first = try #require(span(of: "z", in: text, file: id))
    let whole = Span(file: id, start: first.start, end: text.utf8.count)
    #expect(plain(map).render(.error("x", at: whole)) == """
    w.civic:1:9: error: x
        1 | let t = \(String(repeating: "z", count: 92))…
          |         \(String(repeating: "^", count: 92))
    """)
}

@Test func lineOfExactlyMaxColumnsIsShownWhole() throws {
    let body = String(repeating: "x", count: 49) + "Q" + String(repeating: "y", count: 50)
    #expect(displayWidth(body) == DiagnosticRenderer.maxColumns)
    let (map, id) = single("w.civic", body + "\n")
    let s = try #require(span(of: "Q", in: body, file: id))
    #expect(plain(map).render(.error("x", at: s)) == """
    w.civic:1:50: error: x
        1 | \(body)
          | \(String(repeating: " ", count: 49))^
    """)
}

// MARK: - Lists of diagnostics

@Test func listSeparatedByBlankLinesWithSummary() throws {
    let text = "let a = b\nlet c = d\n"
    let (map, id) = single("l.civic", text)
    let b = try #require(span(of: "b", in: text, file: id))
    let d = try #require(span(of: "d", in: text, file: id))
    let list = [Diagnostic.error("unknown name 'b'", at: b), Diagnostic.error("unknown name 'd'", at: d)]
    #expect(plain(map).render(list) == """
    l.civic:1:9: error: unknown name 'b'
        1 | let a = b
          |         ^

    l.civic:2:9: error: unknown name 'd'
        2 | let c = d
          |         ^

    2 errors
    """)
    #expect(plain(map).render([list[0]]) == plain(map).render(list[0]))
    #expect(plain(map).render([Diagnostic]()) == "")
}

// MARK: - TextTable

private let people = TextTable(
    headers: ["姓名", "年龄", "楼栋"],
    rows: [["张三", "72", "B3"], ["欧阳娜娜", "8", "B12"], ["Li Wei", "100", "A1"]],
    rightAligned: [1])

@Test func tableWithChineseNames() {
    #expect(people.render() == """
    姓名      年龄  楼栋
    ────────  ────  ────
    张三        72  B3
    欧阳娜娜     8  B12
    Li Wei     100  A1
    """)
}

@Test func tableColumnsLineUpInDisplayColumns() throws {
    let lines = people.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let rows = [people.headers] + people.rows
    let body = [lines[0]] + lines.dropFirst(2)
    try #require(body.count == rows.count)
    for (line, row) in zip(body, rows) {
        // Where, in display columns, `cell` starts in `line`.
        func column(_ cell: String) throws -> Int {
            let range = try #require(line.firstRange(of: cell))
            return displayWidth(String(line[..<range.lowerBound]))
        }
        #expect(try column(row[0]) == 0)
        #expect(try column(row[1]) + displayWidth(row[1]) == 14)   // right-aligned: ends together
        #expect(try column(row[2]) == 16)
        #expect(!line.hasSuffix(" "))
    }
    #expect(displayWidth(lines[1]) == 20)
}

@Test func emptyTable() {
    #expect(TextTable(headers: ["名字", "分数"], rows: [], rightAligned: [1]).render() == """
    名字  分数
    ────  ────
    (no rows)
    """)
    #expect(TextTable(headers: [], rows: []).render() == "(no rows)")
}

@Test func longCellsAreCut() {
    #expect(TextTable.cut(String(repeating: "x", count: 70)) == String(repeating: "x", count: 59) + "…")
    #expect(TextTable.cut(String(repeating: "张", count: 40)) == String(repeating: "张", count: 29) + "…")
    #expect(TextTable.cut(String(repeating: "x", count: 60)) == String(repeating: "x", count: 60))
    let table = TextTable(headers: ["备注", "n"], rows: [[String(repeating: "长", count: 100), "1"]])
    let lines = table.render().split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines.map { displayWidth($0) } == [62, 62, 62])
    #expect(lines[2] == String(repeating: "长", count: 29) + "…" + "  1")
}

@Test func raggedRowsAndControlCharactersInCells() {
    let table = TextTable(headers: ["a", "b"], rows: [["x"], ["1\n2", "y", "extra"]])
    #expect(table.render() == """
    a    b
    ───  ─  ─────
    x
    1␊2  y  extra
    """)
}
