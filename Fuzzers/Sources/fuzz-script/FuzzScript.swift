import Foundation
import Civic
import CivicFuzz

/// Prints, for each file given (a corpus entry or a crash fuzz-run found),
/// the script fuzz-run runs for it: the file itself when it checks cleanly,
/// otherwise the script ProgramGenerator makes of its bytes.
@main
struct FuzzScript {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                exit(1)
            }
            let bytes = [UInt8](data)
            let engine = Engine(options: RunOptions(limits: RunTarget.limits, now: RunTarget.now, operatorName: "fuzz"),
                                store: MemoryStore(), lines: { _ in })
            if engine.check(SourceFile(name: "<fuzz>", bytes: bytes)).succeeded {
                print("# \(path): runs as written")
                print(String(decoding: bytes, as: UTF8.self))
            } else {
                print("# \(path): generated")
                print(ProgramGenerator.script(from: bytes).text, terminator: "")
            }
        }
    }
}
