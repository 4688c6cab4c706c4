import CivicSyntax

/// How values are written for people: `print`, interpolation, `show`.
public struct FormatOptions: Sendable {
    /// Show `private` fields as they are instead of masked.
    public var reveal: Bool
    /// The entities whose key is private: a reference to one of their rows
    /// (`owner: Resident`) names the row by its key, so it is masked too.
    public var privateKeys: Set<String>

    public init(reveal: Bool = false, privateKeys: Set<String> = []) {
        self.reveal = reveal
        self.privateKeys = privateKeys
    }

    /// Whether a reference to a row of `entity` shows its key masked.
    func masksKey(of entity: String) -> Bool {
        !reveal && !privateKeys.isEmpty && privateKeys.contains(entity)
    }
}

extension Value {
    /// The value as `print` writes it: text without quotes, numbers exact
    /// (`0.3`, `140`), `true`, `none`, dates as `2026-11-28`.
    public func formatted(_ options: FormatOptions = FormatOptions()) -> String {
        switch self {
        case .text(let s): return s
        case .reference(let entity, let key):
            return options.masksKey(of: entity) ? Value.mask(key.formatted(options)) : key.formatted(options)
        default: return literal(options)
        }
    }

    /// The value as it would be written inside a list: text in quotes.
    public func literal(_ options: FormatOptions = FormatOptions()) -> String {
        switch self {
        case .none: return "none"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .text(let s): return Value.quoted(s)
        case .date(let d): return d.description
        case .time(let t): return t.description
        case .duration(let d): return d.description
        case .list(let items):
            return "[" + items.map { $0.literal(options) }.joined(separator: ", ") + "]"
        case .range(let lo, let hi):
            return "\(lo)..\(hi)"
        case .reference(let entity, let key):
            return options.masksKey(of: entity) ? Value.quoted(Value.mask(key.formatted(options))) : key.literal(options)
        case .record(let r):
            if r.values.isEmpty { return "{}" }
            let fields = zip(r.shape.names, r.values).map { name, value in
                "\(name): \(r.shape.privateFields.contains(name) && !options.reveal && value != .none ? Value.quoted(Value.mask(value.formatted(options))) : value.literal(options))"
            }
            return "{ " + fields.joined(separator: ", ") + " }"
        }
    }

    /// A text in double quotes with `"`, `\` and line ends escaped.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// A private value as shown without `--reveal`: the first 3 and last 4
    /// characters of a long value (`138****0000`), stars for a short one.
    public static func mask(_ s: String) -> String { PrivateText.mask(s) }
}
