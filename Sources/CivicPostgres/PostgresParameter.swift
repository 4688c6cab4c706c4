import PostgresNIO

/// A value bound to a statement as `$1`, `$2`, ...: never pasted into its text.
enum PostgresParameter: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case bool(Bool)
    case integers([Int64])
    case texts([String])

    static func bindings(_ parameters: [PostgresParameter]) -> PostgresBindings {
        var b = PostgresBindings(capacity: parameters.count)
        for p in parameters {
            switch p {
            case .null: b.appendNull()
            case .integer(let i): b.append(i)
            case .text(let s): b.append(s)
            case .bool(let v): b.append(v)
            case .integers(let list): b.append(list)
            case .texts(let list): b.append(list)
            }
        }
        return b
    }
}
