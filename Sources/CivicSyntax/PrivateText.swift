/// Private values inside messages, and how they are masked.
///
/// An error that names a stored value is often made deep in the store or
/// the importer, far from the run that knows whether `--reveal` was given.
/// So a private value travels through the message *marked* (between two
/// characters of Unicode's private use area that no script text can hold
/// unnoticed), and whoever finally shows the message resolves the marks:
/// masked (`138****0000`), or as it is for a run with `--reveal`.
/// A ``Diagnostic`` resolves them masked when it is made, so a mark never
/// reaches a person unresolved.
public enum PrivateText {
    static let open: Character = "\u{E000}"
    static let close: Character = "\u{E001}"

    /// `shown` (a private value as a message writes it), marked.
    public static func mark(_ shown: String) -> String {
        String(open) + shown.filter { $0 != open && $0 != close } + String(close)
    }

    /// `shown`, marked when `isPrivate`.
    public static func mark(_ shown: String, if isPrivate: Bool) -> String {
        isPrivate ? mark(shown) : shown
    }

    /// `message` with every text it quotes (`"..."`) marked: for an error
    /// raised where private values are read as they are (inside a query),
    /// whose message may quote one without knowing it.
    public static func markQuoted(_ message: String) -> String {
        guard message.contains("\""), !hasMarks(message) else { return message }
        var out = ""
        var quoted: String?
        var escaped = false
        for c in message {
            if var inner = quoted {
                if escaped {
                    inner.append(c)
                    escaped = false
                } else if c == "\\" {
                    inner.append(c)
                    escaped = true
                } else if c == "\"" {
                    out += mark(inner) + "\""
                    quoted = nil
                    continue
                } else {
                    inner.append(c)
                }
                quoted = inner
            } else {
                out.append(c)
                if c == "\"" { quoted = "" }
            }
        }
        if let inner = quoted { out += inner }
        return out
    }

    /// Whether `message` holds a marked value.
    public static func hasMarks(_ message: String) -> Bool {
        message.contains(open)
    }

    /// The message with each marked value masked, or (`reveal`) shown as it is.
    public static func resolve(_ message: String, reveal: Bool) -> String {
        guard hasMarks(message) else { return message }
        var out = ""
        var value = ""
        var inside = false
        for c in message {
            switch c {
            case open:
                inside = true
                value = ""
            case close where inside:
                out += reveal ? value : maskQuoted(value)
                inside = false
            default:
                if inside { value.append(c) } else if c != close { out.append(c) }
            }
        }
        if inside { out += reveal ? value : maskQuoted(value) }
        return out
    }

    /// A marked value masked; a text in quotes keeps its quotes
    /// (`"138****0000"`), so it masks as the field would.
    static func maskQuoted(_ value: String) -> String {
        if value.count >= 2, value.first == "\"", value.last == "\"" {
            return "\"" + mask(String(value.dropFirst().dropLast())) + "\""
        }
        return mask(value)
    }

    /// A private value as shown without `--reveal`: the first 3 and last 4
    /// characters of a value of 8 or more (`138****0000`), and as many stars
    /// as a shorter one has characters, at least four (`****`).
    public static func mask(_ s: String) -> String {
        let chars = Array(s)
        if chars.count >= 8 {
            return String(chars.prefix(3)) + "****" + String(chars.suffix(4))
        }
        return String(repeating: "*", count: max(4, chars.count))
    }
}
