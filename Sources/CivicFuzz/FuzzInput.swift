/// The bytes of a fuzzer's input, read as a sequence of choices.
///
/// Each choice takes one byte (or two, for a number); once the bytes run
/// out every choice is 0, so a generator driven by them always finishes, and
/// a short input makes a short program. The same bytes always make the same
/// choices.
public struct FuzzInput: Sendable {
    let bytes: [UInt8]
    var position = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether the bytes have all been used.
    public var isExhausted: Bool { position >= bytes.count }

    /// The next byte, or 0 after the end.
    public mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// A choice among `count` possibilities, 0 ..< count (0 when `count` is 0 or 1).
    public mutating func choose(_ count: Int) -> Int {
        guard count > 1 else { return 0 }
        return Int(byte()) % count
    }

    /// One of `items` (the first after the end of the bytes); nil only for no items.
    public mutating func pick<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[choose(items.count)]
    }

    /// True about once in `n` times (never after the end of the bytes).
    public mutating func oneIn(_ n: Int) -> Bool {
        guard !isExhausted else { return false }
        return choose(n) == 0
    }

    /// A whole number in `range`, from two bytes.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let raw = Int(byte()) << 8 | Int(byte())
        let width = range.upperBound - range.lowerBound + 1
        return range.lowerBound + raw % max(1, width)
    }
}
