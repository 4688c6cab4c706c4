import CivicStore
import CivicSyntax

/// What `show` writes: a list of records as an aligned table, a record as a
/// table of its fields, anything else as `print` would.
public enum Show {
    public static func render(_ value: Value, _ options: FormatOptions) -> String {
        switch value {
        case .list, .range:
            let items = value.items ?? []
            if items.isEmpty { return "(no rows)" }
            if case .record(let first) = items[0] {
                return table(items, columns: first.shape.names, options)
            }
            let rows = items.map { [$0.formatted(options)] }
            let numeric = items.allSatisfy { if case .number = $0 { return true } else { return false } }
            return TextTable(headers: ["value"], rows: rows, rightAligned: numeric ? [0] : []).render()
        case .record(let r):
            let rows = zip(r.shape.names, r.values).map { name, v in
                [name, cell(v, masked: r.shape.privateFields.contains(name), options)]
            }
            return TextTable(headers: ["field", "value"], rows: rows).render()
        default:
            return value.formatted(options)
        }
    }

    static func cell(_ v: Value, masked: Bool, _ options: FormatOptions) -> String {
        let text = v.formatted(options)
        return masked && !options.reveal && v != .none ? Value.mask(text) : text
    }

    /// Rows as a table; a column whose values are all Numbers is right-aligned.
    static func table(_ items: [Value], columns: [String], _ options: FormatOptions) -> String {
        var numeric = Set(columns.indices)
        var rows: [[String]] = []
        rows.reserveCapacity(items.count)
        for item in items {
            guard case .record(let r) = item else {
                rows.append([item.formatted(options)])
                numeric.remove(0)
                continue
            }
            var row: [String] = []
            for (i, name) in columns.enumerated() {
                let v = r[name] ?? .none
                if case .number = v {} else { numeric.remove(i) }
                row.append(cell(v, masked: r.shape.privateFields.contains(name), options))
            }
            rows.append(row)
        }
        return TextTable(headers: columns, rows: rows, rightAligned: numeric).render()
    }
}
