import ArgumentParser
import Foundation

// Parse by hand so that bad usage exits with 2, as documented (ArgumentParser's own default is 64).
do {
    var command = try CivicCommand.parseAsRoot()
    try command.run()
} catch let exit as ExitCode {
    Foundation.exit(exit.rawValue)
} catch {
    let code = CivicCommand.exitCode(for: error)
    let message = CivicCommand.fullMessage(for: error)
    if code == .success {
        print(message)
        Foundation.exit(0)
    }
    FileHandle.standardError.write(Data((message + "\n").utf8))
    Foundation.exit(ExitStatus.usage)
}
