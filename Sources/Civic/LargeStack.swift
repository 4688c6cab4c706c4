import Foundation

/// Runs `body` on a thread with a large stack and waits for it.
///
/// Compiled scripts recurse on the Swift stack (a Civic call is several Swift
/// calls), and a test runner's threads may have small stacks; the run's own
/// depth limit then decides how deep a script may go, not the thread it
/// happens to be on.
func withLargeStack<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = 512 << 20
    thread.start()
    done.wait()
    guard let value = box.value else { return body() }
    return value
}

/// Carries a result from the worker thread; the semaphore orders the accesses.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
