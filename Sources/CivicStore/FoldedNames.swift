/// Names as SQLite compares identifiers: A to Z the same as a to z, every
/// other character as it is. Finds, for a name, an earlier one that SQLite
/// could not tell apart from it.
struct FoldedNames {
    /// The names in the order given, by their folded form.
    private var byFolded: [String: [String]] = [:]

    init(_ names: [String]) {
        for name in names {
            let f = FoldedNames.fold(name)
            if byFolded[f]?.contains(name) == true { continue }
            byFolded[f, default: []].append(name)
        }
    }

    /// The first name given that folds to `folded` and is not `name`.
    func other(than name: String, folded: String) -> String? {
        byFolded[folded]?.first { $0 != name }
    }

    /// A to Z made a to z. These are single bytes in UTF-8, never part of
    /// another character's bytes, so the bytes are folded as they are.
    static func fold(_ name: String) -> String {
        if !name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return name }
        return String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}
