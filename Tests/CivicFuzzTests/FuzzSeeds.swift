import Foundation

/// The seed corpus of the fuzzers (what Fuzzers/run.sh copies): every `.civic`
/// file of Tests/conformance and examples.
enum FuzzSeeds {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let files: [URL] = ["Tests/conformance", "examples"].flatMap { folder -> [URL] in
        let base = root.appendingPathComponent(folder)
        guard let e = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".civic") }.sorted()
            .map { base.appendingPathComponent($0) }
    }

    static func bytes(_ url: URL) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: url))) ?? []
    }

    /// `count` inputs of pseudo-random bytes, the same every time.
    static func randomInputs(_ count: Int, length: ClosedRange<Int> = 16...400) -> [[UInt8]] {
        var generator = SplitMix64(seed: 2026)
        return (0..<count).map { _ in
            let n = Int.random(in: length, using: &generator)
            return (0..<n).map { _ in UInt8.random(in: 0...255, using: &generator) }
        }
    }
}

/// A small pseudo-random generator with a seed, so that the tests' inputs never change.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
