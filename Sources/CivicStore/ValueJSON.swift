import CivicSyntax

/// Values as JSON, for `civic run --format json` and other programs.
/// Numbers are written with all their digits, exactly (never through a
/// binary floating-point number); dates, times and durations as text.
extension Value {
    public func json(_ options: FormatOptions = FormatOptions()) -> String {
        switch self {
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .text(let s): return Value.jsonString(s)
        case .date, .time, .duration: return Value.jsonString(formatted(options))
        case .list, .range:
            return "[" + (items ?? []).map { $0.json(options) }.joined(separator: ",") + "]"
        case .record(let r):
            let fields = zip(r.shape.names, r.values).map { name, value -> String in
                let masked = r.shape.privateFields.contains(name) && !options.reveal && value != .none
                return Value.jsonString(name) + ":" + (masked ? Value.jsonString(Value.mask(value.formatted(options))) : value.json(options))
            }
            return "{" + fields.joined(separator: ",") + "}"
        case .reference(let entity, let key):
            return options.masksKey(of: entity) ? Value.jsonString(Value.mask(key.formatted(options))) : key.json(options)
        }
    }

    /// A JSON string literal, escaped as RFC 8259 requires.
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
