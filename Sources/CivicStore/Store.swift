import CivicSyntax
import CivicCheck

/// The data store a script runs against.
///
/// No engine leaks through this protocol: the runtime sees only what is
/// declared here. One run is one transaction: `begin` before the first
/// statement, `commit` after the last, `rollback` on any error, so a failed
/// run leaves the store exactly as it was.
public protocol Store: AnyObject {
    /// A short name for messages: "memory", "SQLite file community.sqlite".
    var description: String { get }
    func begin() throws
    func commit() throws
    func rollback()
}

/// A store that keeps nothing beyond the run: the default without `--db`.
public final class MemoryStore: Store {
    public private(set) var inTransaction = false
    public init() {}
    public var description: String { "memory" }
    public func begin() throws { inTransaction = true }
    public func commit() throws { inTransaction = false }
    public func rollback() { inTransaction = false }
}
