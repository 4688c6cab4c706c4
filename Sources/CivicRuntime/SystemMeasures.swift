#if canImport(Glibc)
import Glibc
import CMalloc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the memory limit and the time limit read from the system: the heap
/// in use and a clock that only goes forward.
enum SystemMeasures {
    /// The bytes the process's allocator has handed out and not had back
    /// (glibc's `mallinfo2`: the arenas in use and the blocks mapped on their
    /// own, which is where large lists and texts go). 0 where it cannot be read.
    static func heapInUse() -> Int {
        #if canImport(Glibc)
        let info = mallinfo2()
        return Int(truncatingIfNeeded: info.uordblks &+ info.hblkhd)
        #else
        return 0
        #endif
    }

    /// Nanoseconds of a monotonic clock.
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(truncatingIfNeeded: now.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: now.tv_nsec)
    }
}
