/// How many terminal columns a text takes.
///
/// The text is measured one user-perceived character (grapheme cluster) at a
/// time, as modern terminals draw it:
/// - East Asian Wide and Fullwidth characters take 2 columns: CJK ideographs,
///   kana, Hangul syllables, fullwidth forms, CJK punctuation (`，` `。`), and
///   the emoji that are shown as pictures by default.
/// - Combining marks, zero-width and other format characters take 0 columns,
///   and so do control characters (including tab and line ends).
/// - Everything else takes 1 column. Characters of ambiguous width (`…`, `─`,
///   `°`) count 1, as in a terminal not set to a CJK locale.
///
/// A cluster takes the width of its first character that has a width, so
/// `é` written as `e` + U+0301 is 1 and `👍🏽` or `👨‍👩‍👧` is 2. A pair of regional
/// indicators (a flag, `🇨🇳`) is 2, and so is a text symbol followed by the
/// emoji presentation selector U+FE0F (`❤️`, `1️⃣`).
public func displayWidth(_ s: String) -> Int {
    // ASCII fast path: printable ASCII is one column per byte.
    var ascii = true
    for b in s.utf8 where b < 0x20 || b >= 0x7F {
        ascii = false
        break
    }
    if ascii { return s.utf8.count }
    var total = 0
    for c in s { total += characterWidth(c) }
    return total
}

/// `s` followed (or, with `alignRight`, preceded) by the spaces that make it
/// `toWidth` columns wide. A text already that wide or wider is returned
/// unchanged: nothing is cut.
public func padded(_ s: String, toWidth width: Int, alignRight: Bool = false) -> String {
    let missing = width - displayWidth(s)
    guard missing > 0 else { return s }
    let spaces = String(repeating: " ", count: missing)
    return alignRight ? spaces + s : s + spaces
}

/// The columns of one grapheme cluster (see `displayWidth(_:)`).
func characterWidth(_ c: Character) -> Int {
    let scalars = c.unicodeScalars
    var iterator = scalars.makeIterator()
    guard let first = iterator.next() else { return 0 }
    guard iterator.next() != nil else { return scalarWidth(first) }

    var width = 0
    var emojiPresentation = false
    var regionalIndicators = 0
    for scalar in scalars {
        if width == 0 { width = scalarWidth(scalar) }
        if scalar.value == 0xFE0F { emojiPresentation = true }
        if (0x1F1E6...0x1F1FF).contains(scalar.value) { regionalIndicators += 1 }
    }
    if regionalIndicators >= 2 { return 2 }
    if emojiPresentation, width == 1, first.properties.isEmoji { return 2 }
    return width
}

/// The columns of one Unicode scalar on its own: 0, 1 or 2.
func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v < 0x7F { return v < 0x20 ? 0 : 1 }
    if v < 0xA0 { return 0 }                        // DEL and C1 controls
    if v == 0xAD { return 1 }                       // soft hyphen: terminals draw it
    if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) {
        return 0                                    // Hangul medial vowels and final consonants
    }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format, .control:
        return 0
    default:
        break
    }
    return isWide(v) ? 2 : 1
}

/// Whether a code point is East Asian Wide or Fullwidth.
func isWide(_ v: UInt32) -> Bool {
    if v < wideRanges[0] { return false }
    // Binary search over the (first, last) pairs for the last pair with first <= v.
    var lo = 0
    var hi = wideRanges.count / 2 - 1
    while lo < hi {
        let mid = (lo + hi + 1) / 2
        if wideRanges[2 * mid] <= v { lo = mid } else { hi = mid - 1 }
    }
    return v <= wideRanges[2 * lo + 1]
}

/// East Asian Wide (W) and Fullwidth (F) code points as sorted, disjoint
/// `first, last` pairs: EastAsianWidth.txt of Unicode 14, with the later
/// additions (Unicode 15 and 16 emoji, kana, trigram and Tai Xuan Jing
/// symbols) and the blocks whose unassigned code points default to W
/// (CJK ideograph blocks, planes 2 and 3).
let wideRanges: [UInt32] = [
    0x1100, 0x115F, 0x231A, 0x231B, 0x2329, 0x232A, 0x23E9, 0x23EC,
    0x23F0, 0x23F0, 0x23F3, 0x23F3, 0x25FD, 0x25FE, 0x2614, 0x2615,
    0x2630, 0x2637, 0x2648, 0x2653, 0x267F, 0x267F, 0x268A, 0x268F,
    0x2693, 0x2693, 0x26A1, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE,
    0x26C4, 0x26C5, 0x26CE, 0x26CE, 0x26D4, 0x26D4, 0x26EA, 0x26EA,
    0x26F2, 0x26F3, 0x26F5, 0x26F5, 0x26FA, 0x26FA, 0x26FD, 0x26FD,
    0x2705, 0x2705, 0x270A, 0x270B, 0x2728, 0x2728, 0x274C, 0x274C,
    0x274E, 0x274E, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797,
    0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50,
    0x2B55, 0x2B55, 0x2E80, 0x2E99, 0x2E9B, 0x2EF3, 0x2F00, 0x2FD5,
    0x2FF0, 0x303E, 0x3041, 0x3096, 0x3099, 0x30FF, 0x3105, 0x312F,
    0x3131, 0x318E, 0x3190, 0x321E, 0x3220, 0x3247, 0x3250, 0x4DBF,
    0x4E00, 0xA48C, 0xA490, 0xA4C6, 0xA960, 0xA97C, 0xAC00, 0xD7A3,
    0xF900, 0xFAFF, 0xFE10, 0xFE19, 0xFE30, 0xFE52, 0xFE54, 0xFE66,
    0xFE68, 0xFE6B, 0xFF01, 0xFF60, 0xFFE0, 0xFFE6,
    0x16FE0, 0x16FE4, 0x16FF0, 0x16FF1, 0x17000, 0x187F7, 0x18800, 0x18CD5,
    0x18D00, 0x18D08, 0x1AFF0, 0x1AFF3, 0x1AFF5, 0x1AFFB, 0x1AFFD, 0x1AFFE,
    0x1B000, 0x1B122, 0x1B132, 0x1B132, 0x1B150, 0x1B152, 0x1B155, 0x1B155,
    0x1B164, 0x1B167, 0x1B170, 0x1B2FB, 0x1D300, 0x1D356, 0x1D360, 0x1D376,
    0x1F004, 0x1F004, 0x1F0CF, 0x1F0CF, 0x1F18E, 0x1F18E, 0x1F191, 0x1F19A,
    0x1F200, 0x1F202, 0x1F210, 0x1F23B, 0x1F240, 0x1F248, 0x1F250, 0x1F251,
    0x1F260, 0x1F265, 0x1F300, 0x1F320, 0x1F32D, 0x1F335, 0x1F337, 0x1F37C,
    0x1F37E, 0x1F393, 0x1F3A0, 0x1F3CA, 0x1F3CF, 0x1F3D3, 0x1F3E0, 0x1F3F0,
    0x1F3F4, 0x1F3F4, 0x1F3F8, 0x1F43E, 0x1F440, 0x1F440, 0x1F442, 0x1F4FC,
    0x1F4FF, 0x1F53D, 0x1F54B, 0x1F54E, 0x1F550, 0x1F567, 0x1F57A, 0x1F57A,
    0x1F595, 0x1F596, 0x1F5A4, 0x1F5A4, 0x1F5FB, 0x1F64F, 0x1F680, 0x1F6C5,
    0x1F6CC, 0x1F6CC, 0x1F6D0, 0x1F6D2, 0x1F6D5, 0x1F6D7, 0x1F6DC, 0x1F6DF,
    0x1F6EB, 0x1F6EC, 0x1F6F4, 0x1F6FC, 0x1F7E0, 0x1F7EB, 0x1F7F0, 0x1F7F0,
    0x1F90C, 0x1F93A, 0x1F93C, 0x1F945, 0x1F947, 0x1F9FF, 0x1FA70, 0x1FAFF,
    0x20000, 0x2FFFD, 0x30000, 0x3FFFD,
]

/// `s` made safe to print in a line of a diagnostic or a table: a tab becomes
/// one space; other control characters become their visible Control Pictures
/// (`␛`, `␍`, `␊`), or U+FFFD for C1 controls; bidirectional formatting
/// characters become U+FFFD, so that a line is never reordered or redrawn by
/// the terminal and carets stay under what they point at.
func visibleText<S: StringProtocol>(_ s: S) -> String {
    var needsWork = false
    for b in s.utf8 where b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2 {
        needsWork = true
        break
    }
    guard needsWork else { return String(s) }
    var out = String.UnicodeScalarView()
    for scalar in s.unicodeScalars {
        let v = scalar.value
        switch v {
        case 0x09:
            out.append(" ")
        case 0x00..<0x20:
            out.append(controlPicture(v))
        case 0x7F:
            out.append("\u{2421}")
        case 0x80..<0xA0, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            out.append("\u{FFFD}")
        default:
            out.append(scalar)
        }
    }
    return String(out)
}

/// The Control Picture (U+2400 + v) of a C0 control character.
private func controlPicture(_ v: UInt32) -> Unicode.Scalar {
    Unicode.Scalar(0x2400 + v) ?? "\u{FFFD}"
}
