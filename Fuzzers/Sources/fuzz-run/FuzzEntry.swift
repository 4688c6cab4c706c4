import Foundation
import CivicFuzz

/// libFuzzer's entry point: one input to the run target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRun(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let finding = RunTarget.run(bytes) {
        FileHandle.standardError.write(Data("fuzz-run: \(finding)\n".utf8))
        abort()
    }
    return 0
}
