import Foundation

/// Runs `body` on a thread with a large stack and waits for it: what the
/// engine does with every script, and what code that calls the parser or
/// the checker itself (the fuzzers) should do too.
///
/// Compiled scripts recurse on the Swift stack (a Civic call is several Swift
/// calls), and a test runner's threads may have small stacks; the run's own
/// depth limit then decides how deep a script may go, not the thread it
/// happens to be on.
public func withLargeStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    box.body = body
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        // The body (and what it holds: the engine) is let go before the
        // caller goes on, not whenever the thread object is freed.
        box.value = box.body?()
        box.body = nil
        done.signal()
    }
    thread.stackSize = 512 << 20
    thread.start()
    done.wait()
    guard let value = box.value else { return body() }  // the thread could not start
    return value
}

/// Carries a result from the worker thread; the semaphore orders the accesses.
private final class ResultBox<T>: @unchecked Sendable {
    var body: (@Sendable () -> T)?
    var value: T?
}
