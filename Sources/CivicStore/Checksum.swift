/// A 64-bit FNV-1a checksum of bytes, written as 16 hexadecimal digits.
///
/// It finds accidental damage — a file cut short, a changed byte, lines
/// converted to CRLF — not deliberate forgery: export files carry one of
/// their lines and one of the store they hold (`StoreFingerprint`).
public struct Checksum: Sendable, Equatable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Adds the UTF-8 bytes of `text`.
    public mutating func add(_ text: String) { add(bytes: text.utf8) }

    /// Adds bytes.
    public mutating func add<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    }

    /// The checksum as 16 hexadecimal digits.
    public var text: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
