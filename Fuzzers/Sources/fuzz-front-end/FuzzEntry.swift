import Foundation
import CivicFuzz

/// libFuzzer's entry point: one input to the front-end target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrontEnd(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let finding = FrontEndTarget.run(bytes) {
        FileHandle.standardError.write(Data("fuzz-front-end: \(finding)\n".utf8))
        abort()
    }
    return 0
}
