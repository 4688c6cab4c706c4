/// Sizes and times of the limits as people write them (`512MB`, `2GiB`,
/// `30s`, `1m30s`, `none`) and as messages show them.
public enum LimitText {
    /// The units of a size: KB, MB, GB, TB count in thousands, KiB, MiB, GiB, TiB in 1,024s.
    static let sizeUnits: [(name: String, bytes: Int)] = [
        ("TiB", 1 << 40), ("TB", 1_000_000_000_000), ("GiB", 1 << 30), ("GB", 1_000_000_000),
        ("MiB", 1 << 20), ("MB", 1_000_000), ("KiB", 1 << 10), ("KB", 1_000),
    ]

    /// The units of a time, largest first.
    static let timeUnits: [(names: [String], milliseconds: Int)] = [
        (["h"], 3_600_000), (["min", "m"], 60_000), (["s"], 1_000), (["ms"], 1),
    ]

    /// A size such as `512MB` or `2GiB` in bytes (capitals or not; a space
    /// before the unit is allowed); `.some(nil)` for `none`; nil when it is
    /// not a size with a unit.
    public static func size(_ text: String) -> Int?? {
        let t = text.trimmed
        if t.lowercased() == "none" { return .some(nil) }
        guard let (number, unit) = numberAndUnit(t), !unit.isEmpty,
              let factor = sizeUnits.first(where: { $0.name.lowercased() == unit.lowercased() })?.bytes,
              let bytes = scaled(number, factor) else { return nil }
        return .some(bytes)
    }

    /// A time such as `30s`, `2m`, `1h`, `500ms` or `1m30s`; `.some(nil)` for
    /// `none`; nil when it is not a time with units.
    public static func duration(_ text: String) -> Duration?? {
        var rest = Substring(text.trimmed)
        if rest.lowercased() == "none" { return .some(nil) }
        var total = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isDigitOrPoint }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isASCIILetter }
            rest = rest.dropFirst(unit.count)
            guard !digits.isEmpty, !unit.isEmpty,
                  let factor = timeUnits.first(where: { $0.names.contains(unit.lowercased()) })?.milliseconds,
                  let part = scaled(String(digits), factor) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(part)
            guard !overflow else { return nil }
            total = sum
        }
        guard !text.trimmed.isEmpty else { return nil }
        return .some(.milliseconds(total))
    }

    /// A size for a message: `2 GiB`, `64 MB`, `1,500 bytes`.
    public static func size(_ bytes: Int) -> String {
        for unit in sizeUnits where bytes >= unit.bytes && bytes % unit.bytes == 0 {
            return "\(bytes / unit.bytes) \(unit.name)"
        }
        return "\(BuiltinLibrary.Arguments.grouped(bytes)) bytes"
    }

    /// A time for a message: `1 h`, `2 min`, `30 s`, `1500 ms`.
    public static func time(_ duration: Duration) -> String {
        let ms = milliseconds(duration)
        for (names, factor) in timeUnits where ms >= factor && ms % factor == 0 {
            return "\(ms / factor) \(names[0])"
        }
        return "\(ms) ms"
    }

    /// A duration in whole milliseconds (at least 0, at most Int.max).
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 { return 0 }
        let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        if overflow { return Int.max }
        let (sum, o2) = Int(ms).addingReportingOverflow(Int(attoseconds / 1_000_000_000_000_000))
        return o2 ? Int.max : sum
    }

    /// The memory error's message and hint, shared by the machine and the built-ins.
    static func memoryMessage(_ limit: Int) -> (message: String, hint: String) {
        ("the script needed more than \(size(limit)) of memory and was stopped",
         "look for a list or text that grows without end, or raise the limit with --max-memory")
    }

    /// `1.5` and `GB` from `1.5GB` (or `1.5 GB`).
    private static func numberAndUnit(_ t: String) -> (String, String)? {
        let number = t.prefix { $0.isDigitOrPoint }
        guard !number.isEmpty else { return nil }
        let unit = t.dropFirst(number.count).drop { $0 == " " }
        guard unit.allSatisfy({ $0.isASCIILetter }) else { return nil }
        return (String(number), String(unit))
    }

    /// `1.5` × 1,000 = 1,500, exactly, from decimal digits; nil if it is not a
    /// number or does not fit.
    private static func scaled(_ number: String, _ factor: Int) -> Int? {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0].isEmpty ? "0" : String(parts[0])) else { return nil }
        let (w, o1) = whole.multipliedReportingOverflow(by: factor)
        guard !o1 else { return nil }
        guard parts.count == 2 else { return w }
        guard !parts[1].isEmpty, parts[1].count <= 9, let fraction = Int(parts[1]) else { return nil }
        var scale = 1
        for _ in 0..<parts[1].count { scale *= 10 }
        let (f, o2) = fraction.multipliedReportingOverflow(by: factor)
        guard !o2 else { return nil }
        let (sum, o3) = w.addingReportingOverflow(f / scale)
        return o3 ? nil : sum
    }
}

extension String {
    /// Without spaces at either end (read by scalars: cheap, as `civic` reads
    /// its options on every start).
    fileprivate var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " }), let last = scalars.lastIndex(where: { $0 != " " }) else { return "" }
        return String(scalars[first...last])
    }
}

extension Character {
    /// 0 to 9, or a decimal point.
    fileprivate var isDigitOrPoint: Bool { self == "." || ("0"..."9").contains(self) }
    /// a to z, A to Z.
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
