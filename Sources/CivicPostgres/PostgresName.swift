import CivicStore

/// Names as PostgreSQL identifiers.
enum PostgresName {
    /// The longest identifier PostgreSQL keeps (longer ones it cuts short).
    static let maxLength = 63

    /// A name as an SQL identifier (`SQLName.quote`).
    static func quote(_ name: String) -> String { SQLName.quote(name) }

    /// A short, stable name made from `parts` (an index's name), under the length PostgreSQL keeps.
    static func hashed(_ prefix: String, _ parts: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in part.utf8 + [0] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        return prefix + String(hash, radix: 16)
    }
}
