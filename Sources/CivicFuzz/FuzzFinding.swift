/// A promise a fuzz target found broken without a crash.
public struct FuzzFinding: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
