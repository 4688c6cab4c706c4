import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's pseudo-terminal calls, looked up at run time (Swift's
/// Glibc module does not show them without _XOPEN_SOURCE).
struct PseudoTerminalCalls {
    typealias IntCall = @convention(c) (Int32) -> Int32
    typealias NameCall = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
    let openpt: IntCall
    let grantpt: IntCall
    let unlockpt: IntCall
    let ptsname: NameCall

    init?() {
        guard let handle = dlopen(nil, RTLD_NOW),
              let o = dlsym(handle, "posix_openpt"), let g = dlsym(handle, "grantpt"),
              let u = dlsym(handle, "unlockpt"), let p = dlsym(handle, "ptsname") else { return nil }
        openpt = unsafeBitCast(o, to: IntCall.self)
        grantpt = unsafeBitCast(g, to: IntCall.self)
        unlockpt = unsafeBitCast(u, to: IntCall.self)
        ptsname = unsafeBitCast(p, to: NameCall.self)
    }
}
