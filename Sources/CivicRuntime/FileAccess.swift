import Foundation
import CivicStore

/// The only way a script reaches files: by a path relative to its own
/// folder, which must lead to a file inside that folder. Absolute paths,
/// `..` that climbs out, and symbolic links that lead out are refused.
public enum FileAccess {
    public struct Refusal: Error, Sendable {
        public var message: String
        public var hint: String?
    }

    /// The real path of `relative` inside `folder`, or why it cannot be read.
    public static func resolve(_ relative: String, in folder: String) throws(Refusal) -> String {
        if relative.isEmpty {
            throw Refusal(message: "the file name is empty")
        }
        if relative.hasPrefix("/") || relative.hasPrefix("~") {
            throw Refusal(message: "'\(relative)' is not beside the script: a script reads files only from its own folder",
                          hint: "copy the file next to the script and write its name, as in \"data/residents.csv\"")
        }
        let base = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
        let joined = URL(fileURLWithPath: base).appendingPathComponent(relative).standardizedFileURL
        guard FileManager.default.fileExists(atPath: joined.path) else {
            throw Refusal(message: "there is no file '\(relative)' beside the script",
                          hint: "paths are relative to the script's folder")
        }
        let real = joined.resolvingSymlinksInPath().path
        guard real == base || real.hasPrefix(base.hasSuffix("/") ? base : base + "/") else {
            throw Refusal(message: "'\(relative)' leads outside the script's folder, which a script may not read",
                          hint: "copy the file next to the script")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Refusal(message: "'\(relative)' is a folder, not a file")
        }
        return real
    }
}
