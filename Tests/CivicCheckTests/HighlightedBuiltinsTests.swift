import Foundation
import Testing
import CivicCheck

// The editor grammar (grammar/civic.tmLanguage.json) highlights a call of
// every built-in function as one: the list in its "calls" rule must follow
// `Builtins`. (The grammar's other tests are in CivicSyntaxTests.)

@Test func everyBuiltinCallIsHighlighted() throws {
    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let data = try Data(contentsOf: root.appendingPathComponent("grammar/civic.tmLanguage.json"))
    let grammar = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let repository = try #require(grammar["repository"] as? [String: [String: Any]])
    let calls = try #require(repository["calls"]?["patterns"] as? [[String: Any]])
    let builtin = try #require(calls.first {
        ($0["captures"] as? [String: [String: String]])?["1"]?["name"] == "support.function.builtin.civic"
    })
    let regex = try NSRegularExpression(pattern: try #require(builtin["match"] as? String))
    #expect(Builtins.names.count >= 40)
    for name in Builtins.names {
        let call = name + "(x)"
        let match = regex.firstMatch(in: call, range: NSRange(call.startIndex..., in: call))
        #expect(match.map { (call as NSString).substring(with: $0.range(at: 1)) } == name,
                "a call of the built-in '\(name)' is not highlighted")
    }
    // A name that only starts like a built-in is not one.
    for name in ["lengthy(x)", "my_len(x)", "len2(x)"] {
        #expect(regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) == nil, "\(name)")
    }
}
