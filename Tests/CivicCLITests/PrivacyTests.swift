import Foundation
import Testing
import CivicPostgresTesting

// Private data never leaves a run unmasked, by any way out, unless the run
// has --reveal, whichever store the run is on (memory, SQLite, PostgreSQL:
// errors made by the store are masked too); and a script reads no file but
// those beside it.

/// The private values the scripts below hold; none may appear without --reveal.
private let secrets = ["13800000000", "110101199003070011", "张三丰先生", "98765.43", "13700000000", "1370000abcd"]

private let schema = """
    entity Citizen { key card: Text private, name: Text private, phone: Text private, income: Number private, building: Text }
    entity Flat { key id: Text, owner: Citizen }
    event Report { reporter: Citizen, note: Text }
    account points of Citizen
    rule "reported" on Report r { award 5 points to r.reporter for "report" }

    """

private let adds = """
    let zhang = add Citizen { card: "110101199003070011", name: "张三丰先生", phone: "13800000000", income: 98765.43, building: "B3" }
    let flat = add Flat { id: "F1", owner: zhang }

    """

/// Each way out, with the script that takes it and what it must show when masked.
private let waysOut: [(name: String, script: String, masked: String)] = [
    ("print of a row", "print zhang", #"card: "110****0011", name: "*****", phone: "138****0000", income: "987****5.43""#),
    ("print of fields", "print zhang.phone, zhang.card, zhang.name", "138****0000 110****0011 *****"),
    ("interpolated text", #"print "call {zhang.phone} about {zhang.name}""#, "call 138****0000 about *****"),
    ("a reference to a row with a private key", "print flat, flat.owner", #"{ id: "F1", owner: "110****0011" } 110****0011"#),
    ("show", "show Citizen", "110****0011"),
    ("show of a reference", "show Flat", "F1  110****0011"),
    ("text()", "print text(zhang)", #"phone: "138****0000""#),
    ("an aggregate", "print sum income of Citizen", "987****5.43"),
    ("explain", "award 3 points to zhang for \"help\"\nexplain zhang.points", "*****'s points: 3, from 1 entry"),
]

/// Each error that names private data, with the masked text it must show.
private let errorsOut: [(name: String, script: String, masked: String)] = [
    ("a duplicate private key", #"add Citizen { card: "110101199003070011", name: "李四", phone: "1", income: 1, building: "B1" }"#,
     #"Citizen already has a row with card "110****0011""#),
    ("a balance error naming the holder", #"charge 5 points from zhang for "x""#, "take *****'s balance"),
    ("a bad value of a private field in a data file", #"load Citizen from "bad.csv""#,
     #"bad.csv:2: field 'income': expected a Number, found "137****abcd""#),
]

@Suite struct PrivacyTests {
    /// A folder holding the script (schema, rows, then `body`) and a data file.
    func folder(_ body: String) throws -> TempFolder {
        let f = try TempFolder()
        try f.write("p.civic", schema + adds + body + "\n")
        try f.write("bad.csv", "card,name,phone,income,building\n110000000000000001,王五先生,13700000000,1370000abcd,B1\n")
        return f
    }

    func leaked(_ text: String) -> [String] { secrets.filter { text.contains($0) } }

    /// The stores the runs are on: memory (no --db), and each engine's.
    static let kinds: [StoreKind] = [.memory] + TestStores.kinds

    /// `civic run p.civic ARGUMENTS` on a new, empty store of `kind`.
    func run(_ kind: StoreKind, _ arguments: [String], in f: TempFolder) throws -> Ran {
        let db = try CLIStore(kind, in: f, file: "store-\(UUID().uuidString).sqlite")
        return try civic(["run", "p.civic"] + db.options + arguments, in: f)
    }

    /// The lines of diagnostics that say what is wrong (not the script's own
    /// line under them, which shows the script as its author wrote it).
    func messages(_ stderr: String) -> String {
        stderr.split(separator: "\n").filter { $0.contains("error:") }.joined(separator: "\n")
    }

    @Test(arguments: kinds, waysOut.indices)
    func outputIsMaskedUnlessRevealed(_ kind: StoreKind, _ i: Int) throws {
        let way = waysOut[i]
        let f = try folder(way.script)
        let masked = try run(kind, [], in: f)
        #expect(masked.status == 0, "\(way.name): \(masked.stderr)")
        #expect(leaked(masked.stdout + masked.stderr).isEmpty, "\(way.name) leaked: \(masked.stdout)")
        #expect(masked.stdout.contains(way.masked), "\(way.name): \(masked.stdout)")

        let json = try run(kind, ["--format", "json"], in: f)
        #expect(json.status == 0, "\(way.name): \(json.stdout)")
        #expect(leaked(json.stdout + json.stderr).isEmpty, "\(way.name) leaked in JSON: \(json.stdout)")

        let revealed = try run(kind, ["--reveal"], in: f)
        #expect(revealed.status == 0, "\(way.name): \(revealed.stderr)")
        #expect(!revealed.stdout.contains("****"), "\(way.name) with --reveal: \(revealed.stdout)")
        #expect(!leaked(revealed.stdout).isEmpty, "\(way.name) with --reveal shows the real values: \(revealed.stdout)")
    }

    @Test(arguments: kinds, errorsOut.indices)
    func errorsAreMaskedUnlessRevealed(_ kind: StoreKind, _ i: Int) throws {
        let way = errorsOut[i]
        let f = try folder(way.script)
        let masked = try run(kind, [], in: f)
        #expect(masked.status == 1, "\(way.name) must fail")
        #expect(leaked(masked.stdout + messages(masked.stderr)).isEmpty, "\(way.name) leaked: \(masked.stderr)")
        #expect(masked.stderr.contains(way.masked), "\(way.name): \(masked.stderr)")

        let json = try run(kind, ["--format", "json"], in: f)
        #expect(leaked(json.stdout).isEmpty, "\(way.name) leaked in JSON: \(json.stdout)")
        #expect(!json.stdout.contains("\u{E000}"), "no mark is left in the message")

        let revealed = try run(kind, ["--reveal"], in: f)
        #expect(revealed.status == 1)
        #expect(!revealed.stderr.contains("****"), "\(way.name) with --reveal: \(revealed.stderr)")
    }

    @Test(arguments: kinds)
    func eventsFromAFileNamingAnUnknownPrivateKey(_ kind: StoreKind) throws {
        let f = try folder("")
        try f.write("reports.csv", "id,reporter,note\nE1,110101199003070011,ok\nE2,110101199912310099,who\n")
        let masked = try run(kind, ["--events", "Report=reports.csv"], in: f)
        #expect(masked.status == 1)
        #expect(masked.stderr.contains("reports.csv:3: field 'reporter': there is no Citizen with key \"110****0099\""), "\(masked.stderr)")
        #expect(!masked.stderr.contains("110101199912310099"))
        let revealed = try run(kind, ["--events", "Report=reports.csv", "--reveal"], in: f)
        #expect(revealed.stderr.contains("\"110101199912310099\""), "\(revealed.stderr)")
    }

    @Test func theReplMasksWhatItShows() throws {
        let scratch = try ReplScratch()
        let input = schema + adds + """
            zhang
            zhang.phone
            flat.owner
            Flat
            "{zhang.name}"
            add Citizen { card: "110101199003070011", name: "x", phone: "1", income: 1, building: "B1" }

            """
        let masked = try civicPiped(["repl"], input: input, in: scratch)
        #expect(leaked(masked.stdout + messages(masked.stderr)).isEmpty, "the REPL leaked: \(masked.stdout)\(masked.stderr)")
        #expect(masked.stdout.contains("138****0000"))
        #expect(masked.stderr.contains(#"card "110****0011""#))
        let revealed = try civicPiped(["repl", "--reveal"], input: input, in: scratch)
        #expect(revealed.stdout.contains("13800000000") && revealed.stderr.contains("110101199003070011"),
                "\(revealed.stdout)\(revealed.stderr)")
    }

    @Test func aFailedExpectShowsWhatTheTestMaySee() throws {
        let f = try folder("")
        try f.write("t.civic", schema + """
            test "phone" {
              \(adds.replacingOccurrences(of: "\n", with: "\n  "))
              expect zhang.phone == "13900000000"
            }

            """)
        let ran = try civic(["test", "t.civic"], in: f)
        #expect(ran.status == 1)
        #expect(leaked(ran.stdout + ran.stderr).isEmpty, "\(ran.stdout)\(ran.stderr)")
        #expect((ran.stdout + ran.stderr).contains("138****0000"))
    }
}

// A script reads files only beside itself, through `load` and `use`: no
// absolute path, no `..` that climbs out, no symbolic link that leads out.
@Suite struct FileAccessTests {
    /// A folder `inner` holding the script, and beside it (outside) a secret file.
    func layout() throws -> (TempFolder, String) {
        let f = try TempFolder()
        try FileManager.default.createDirectory(at: f.url.appendingPathComponent("inner/data"), withIntermediateDirectories: true)
        try f.write("secret.csv", "id,name\nS1,secret\n")
        try f.write("secret.civic", "entity Secret { key id: Text }\n")
        try f.write("inner/data/ok.csv", "id,name\nR1,张三\n")
        return (f, f.path("secret.csv"))
    }

    func run(_ body: String, in f: TempFolder) throws -> Ran {
        try f.write("inner/s.civic", "entity Resident { key id: Text, name: Text }\n" + body + "\nprint count Resident\n")
        return try civic(["run", "inner/s.civic"], in: f)
    }

    @Test func aFileBesideTheScriptIsRead() throws {
        let (f, _) = try layout()
        let ran = try run(#"load Resident from "data/ok.csv""#, in: f)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout == "1\n")
    }

    @Test func anAbsolutePathIsRefused() throws {
        let (f, secret) = try layout()
        let ran = try run("load Resident from \"\(secret)\"", in: f)
        #expect(ran.status == 1)
        #expect(ran.stderr.contains("is not beside the script"), "\(ran.stderr)")
        #expect(!ran.stdout.contains("1"))
    }

    @Test func dotDotThatClimbsOutIsRefused() throws {
        let (f, _) = try layout()
        for path in ["../secret.csv", "data/../../secret.csv", "./data/../../secret.csv"] {
            let ran = try run("load Resident from \"\(path)\"", in: f)
            #expect(ran.status == 1, "\(path)")
            #expect(ran.stderr.contains("leads outside the script's folder"), "\(path): \(ran.stderr)")
        }
        let inside = try run(#"load Resident from "data/../data/ok.csv""#, in: f)
        #expect(inside.status == 0, "a .. that stays inside is fine: \(inside.stderr)")
    }

    @Test func aSymbolicLinkLeadingOutIsRefused() throws {
        let (f, secret) = try layout()
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: f.path("inner/data/link.csv"), withDestinationPath: secret)
        try fm.createSymbolicLink(atPath: f.path("inner/up"), withDestinationPath: f.url.path)
        try fm.createSymbolicLink(atPath: f.path("inner/data/inside.csv"), withDestinationPath: "ok.csv")
        for path in ["data/link.csv", "up/secret.csv"] {
            let ran = try run("load Resident from \"\(path)\"", in: f)
            #expect(ran.status == 1, "\(path)")
            #expect(ran.stderr.contains("leads outside the script's folder"), "\(path): \(ran.stderr)")
        }
        let inside = try run(#"load Resident from "data/inside.csv""#, in: f)
        #expect(inside.status == 0, "a link that stays inside is fine: \(inside.stderr)")
    }

    @Test func useFollowsTheSameRule() throws {
        let (f, _) = try layout()
        try FileManager.default.createSymbolicLink(atPath: f.path("inner/linked.civic"), withDestinationPath: f.path("secret.civic"))
        for (path, message) in [(f.path("secret.civic"), "is not beside the script"),
                                ("../secret.civic", "leads outside the script's folder"),
                                ("linked.civic", "leads outside the script's folder")] {
            let ran = try run("use \"\(path)\"", in: f)
            #expect(ran.status == 1, "\(path)")
            #expect(ran.stderr.contains(message), "\(path): \(ran.stderr)")
        }
    }
}
