import Synchronization

/// A request to stop a run from outside it: the REPL's Ctrl-C. A signal
/// handler may call `request()` (one atomic store); the run sees it where it
/// checks its time limit, every thousand or so steps, and stops with an
/// "interrupted" error, keeping nothing.
public final class Interruption: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Asks the run in progress (or the next one) to stop.
    public func request() {
        flag.store(true, ordering: .relaxed)
    }

    /// Forgets a request: before a run starts.
    public func clear() {
        flag.store(false, ordering: .relaxed)
    }

    /// Whether a stop was asked for.
    public var isRequested: Bool {
        flag.load(ordering: .relaxed)
    }
}
