/// Names as SQL identifiers, the same for every SQL engine.
public enum SQLName {
    /// The column that keeps a table's rows in the order they were added.
    public static let rowColumn = "civic_row"
    /// `rowColumn` quoted.
    public static let quotedRowColumn = quote(rowColumn)

    /// A name as an SQL identifier: in double quotes, a `"` doubled.
    public static func quote(_ name: String) -> String {
        var out = "\""
        for c in name.unicodeScalars {
            if c == "\"" { out += "\"\"" } else { out.unicodeScalars.append(c) }
        }
        return out + "\""
    }
}
