import Foundation
import Testing
import Civic
import CivicPostgresTesting

// The examples under examples/: every `test` block in them passes (on the
// interpreter's store, on SQLite and on PostgreSQL), every folder with rules
// has tests in its tests.civic, every script runs as its README says on a
// SQLite file and on a PostgreSQL community — twice,
// the second run changing nothing it should not — with books that verify, and
// the refusals the Civic tests cannot express (a test cannot expect an error)
// stop a run with the message a resident would be given.
// examples/district is run by DistrictExampleTests.

/// Lines a run printed.
private final class ExampleLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}

private enum Examples {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    /// The example folders, by name.
    static let folders: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { name in
            var isFolder: ObjCBool = false
            return !name.hasPrefix(".") && FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isFolder)
                && isFolder.boolValue
        }.sorted()
    }()

    /// The `.civic` files of a folder (with its subfolders), relative to it.
    static func scripts(in folder: String) -> [String] {
        guard let walk = FileManager.default.enumerator(atPath: root.appendingPathComponent(folder).path) else { return [] }
        return walk.compactMap { $0 as? String }.filter { $0.hasSuffix(".civic") }.sorted()
    }

    static func text(_ folder: String, _ file: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(file), encoding: .utf8)) ?? ""
    }

    /// Whether a folder declares rules of its own: accounts, rules,
    /// programmes, a catalogue, a split, an assignment or an escalation.
    static func hasRules(_ folder: String) -> Bool {
        let pattern = #/(?m)^\s*(account|rule|programme|catalogue|split|assign|escalate)\s/#
        return scripts(in: folder).contains { text(folder, $0).contains(pattern) }
    }

    /// Whether a file has `test` blocks.
    static func hasTests(_ folder: String, _ file: String) -> Bool {
        text(folder, file).contains(#/(?m)^test\s+"/#)
    }

    static let clock = CivicTime(year: 2026, month: 11, day: 28, hour: 9)
}

// MARK: - The tests written in the examples

@Suite struct ExampleTests {
    @Test func everyFolderIsFound() {
        #expect(Examples.folders.count >= 12, "\(Examples.folders)")
        for name in ["rider-hazards", "time-bank", "care-programme", "fire-drill", "income-split", "district",
                     "escalation", "best-family", "catalogue", "ranking"] {
            #expect(Examples.folders.contains(name), "examples/\(name) is missing")
        }
    }

    /// Every folder with rules has tests, in a file named tests.civic, and
    /// test blocks are written nowhere else.
    @Test(arguments: Examples.folders)
    func rulesHaveTests(_ folder: String) {
        let withTests = Examples.scripts(in: folder).filter { Examples.hasTests(folder, $0) }
        #expect(withTests.allSatisfy { ($0 as NSString).lastPathComponent == "tests.civic" },
                "examples/\(folder): tests belong in tests.civic, found them in \(withTests)")
        if Examples.hasRules(folder) {
            #expect(withTests == ["tests.civic"], "examples/\(folder) has rules but no tests.civic with tests")
        }
    }

    /// Every test of the folder passes, on the interpreter's store and on
    /// each engine (every test on a fresh store of its own).
    @Test(arguments: [StoreKind.memory] + TestStores.kinds, Examples.folders)
    func testsPass(_ kind: StoreKind, _ folder: String) throws {
        for file in Examples.scripts(in: folder) where Examples.hasTests(folder, file) {
            let path = Examples.root.appendingPathComponent(folder).appendingPathComponent(file).path
            let engine = Engine()
            let report = engine.test(try Engine.readSource(path: path), makeStore: { () throws(StoreError) -> Store in
                try TestStores.fresh(kind)
            })
            let store = "\(kind)"
            #expect(report.diagnostics.isEmpty, "examples/\(folder)/\(file) on \(store):\n\(engine.render(report.diagnostics))")
            #expect(!report.results.isEmpty, "examples/\(folder)/\(file) ran no tests")
            for result in report.results where !result.passed {
                Issue.record("examples/\(folder)/\(file):\(result.line) \(result.name) failed on \(store):\n\(engine.render(result.failures))")
            }
        }
    }
}

// MARK: - The scripts, run as the READMEs say

/// A script run of an example, with the events files given after it.
private struct ScriptRun: Sendable, CustomStringConvertible {
    var script: String
    var events: [(type: String, file: String)] = []
    /// Lines the first run must print (each somewhere in its output, in this order).
    var prints: [String] = []
    var description: String { script }
}

/// Each folder's scripts, in the order its README runs them on one store.
private let readmeRuns: [String: [ScriptRun]] = [
    "basics": [ScriptRun(script: "shares.civic", prints: ["Points this month: 430"])],
    "community": [ScriptRun(script: "main.civic", prints: ["Residents: 1097, households: 367, buildings: 40"])],
    "rider-hazards": [
        ScriptRun(script: "main.civic", events: [("HazardReport", "data/reports.csv")], prints: ["Riders in the grid: 18"]),
        ScriptRun(script: "report.civic", prints: ["Reports: 85, verified: 61"]),
    ],
    "time-bank": [
        ScriptRun(script: "main.civic", events: [("Service", "data/services.csv"), ("Gift", "data/gifts.csv"), ("Use", "data/used.csv")],
                  prints: ["Time bank members: 19 in 8 senior and 3 young"]),
        ScriptRun(script: "report.civic", prints: ["Hours served: 1843 in 118 services", "Credits held: 1588"]),
    ],
    "care-programme": [
        ScriptRun(script: "main.civic", prints: ["Residents: 46; 70 and over living alone: 12; children 6-12: 7",
                                                 "居家养老上门服务 is full: 8 of 8 places are taken",
                                                 "韩建国 is already enrolled in 居家养老上门服务"]),
    ],
    "fire-drill": [
        ScriptRun(script: "main.civic", events: [("Attendance", "data/attendance.csv")],
                  prints: ["Signed up: 消防演练 30, 反诈讲座 36", "龚玉兰 is not eligible for 消防演练: age 8 is below 16"]),
        ScriptRun(script: "report.civic", prints: ["Sign-ins: 消防演练 23, 反诈讲座 80", "Residents with points: 39, points given: 580"]),
    ],
    "catalogue": [
        ScriptRun(script: "main.civic", prints: ["Points earned: 6170 in 180 activities", "Requests redeemed in this run: 42 (of 42)",
                                                 "Points left: 2570", "大米 5kg is out of stock"]),
    ],
    "ranking": [
        ScriptRun(script: "main.civic", prints: ["十一月积分榜 · November 2026: 220 activities, 38 residents with points"]),
    ],
    "income-split": [
        ScriptRun(script: "main.civic", events: [("Payment", "data/payments.csv")], prints: ["Contracts: 7, with 4 service teams"]),
        ScriptRun(script: "report.civic", prints: ["Payments received: 18, 102765.8 yuan",
                                                   "Service teams 71936.06, platform 25691.47, fund 5138.27"]),
    ],
    "escalation": [
        ScriptRun(script: "main.civic", events: [("HazardReport", "data/reports.csv"), ("Handling", "data/handling.csv")],
                  prints: ["Grids: 6"]),
        ScriptRun(script: "board.civic", prints: ["As of 2026-11-28T09:00: 20 reports, 10 handled (6 within 2 hours), 10 open",
                                                  "Escalated to 区: 2", "Escalated to 街道: 2", "Escalated to 社区: 3",
                                                  "Open, not yet overdue: 3"]),
    ],
    "best-family": [
        ScriptRun(script: "main.civic", events: [("Vote", "data/votes-1.csv"), ("Vote", "data/votes-2.csv")],
                  prints: ["2026 最美家庭评选: 60 families, 212 residents who may vote"]),
        ScriptRun(script: "publish.civic", prints: ["Ballots received: 209, counted: 197",
                                                    "  F07 何浩然家庭: 入住不满两年 (入住 2025-03-15)",
                                                    "  第5名 水涛家庭 (和平里5号楼): 夫妻俩义务为楼里老人理发八年",
                                                    "  第5名 施明家庭 (翠苑6号楼): 全家无偿献血二十余次"]),
    ],
]

/// Folders whose scripts another test runs.
private let runElsewhere: Set<String> = ["district"]

extension ExampleTests {
    @Test(arguments: Examples.folders)
    func everyFolderIsRun(_ folder: String) {
        #expect(readmeRuns[folder] != nil || runElsewhere.contains(folder), "examples/\(folder) is not run by ExampleTests")
    }

    /// The folder's scripts run on a store of each engine (a SQLite file, a
    /// PostgreSQL community), in order; then again, when the events are
    /// handled before; and the books verify after each run.
    @Test(arguments: TestStores.kinds, readmeRuns.keys.sorted())
    func scriptsRun(_ kind: StoreKind, _ folder: String) throws {
        let place = try TestStore(kind)
        let store = try place.open()
        let base = Examples.root.appendingPathComponent(folder)
        for pass in 1...2 {
            for run in readmeRuns[folder] ?? [] {
                var options = RunOptions(now: Examples.clock)
                options.events = run.events.map { ($0.type, base.appendingPathComponent($0.file).path) }
                let lines = ExampleLines()
                let engine = Engine(options: options, store: store, lines: { lines.append($0) })
                let result = engine.run(try Engine.readSource(path: base.appendingPathComponent(run.script).path))
                #expect(result.diagnostics.isEmpty, "examples/\(folder)/\(run.script), run \(pass):\n\(engine.render(result.diagnostics))")
                let printed = lines.all.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if pass == 1 {
                    var rest = printed[...]
                    for line in run.prints {
                        guard let at = rest.firstIndex(of: line) else {
                            Issue.record("examples/\(folder)/\(run.script) did not print \"\(line)\" (in order):\n\(printed.joined(separator: "\n"))")
                            break
                        }
                        rest = rest[(at + 1)...]
                    }
                } else if !run.events.isEmpty {
                    #expect(result.stats.eventsHandled == 0, "examples/\(folder): the second run applied events again")
                    #expect(result.stats.eventsSkipped > 0)
                }
                #expect(Engine.verify(store).isEmpty, "examples/\(folder) after \(run.script): \(Engine.verify(store))")
            }
        }
    }
}

// MARK: - Refusals

/// A script beside an example's schema that a rule of the example must stop,
/// and the message it stops with.
private struct Refusal: Sendable, CustomStringConvertible {
    var folder: String
    var what: String
    var script: String
    var error: String
    var description: String { "\(folder): \(what)" }
}

private let refusals: [Refusal] = [
    Refusal(folder: "care-programme", what: "under 70", script: """
        let r = add Resident { id: "T1", name: "张三", age: 69, building: "欣园1号楼", living_alone: true, phone: "1" }
        enrol r in "居家养老上门服务"
        """, error: "张三 is not eligible for 居家养老上门服务: age 69 is below 70"),
    Refusal(folder: "care-programme", what: "not living alone", script: """
        let r = add Resident { id: "T1", name: "张三", age: 75, building: "欣园1号楼", living_alone: false, phone: "1" }
        enrol r in "居家养老上门服务"
        """, error: "张三 is not eligible for 居家养老上门服务: 'living_alone' does not hold"),
    Refusal(folder: "care-programme", what: "a child of 13", script: """
        let r = add Resident { id: "T1", name: "谢可馨", age: 13, building: "欣园1号楼", phone: "1" }
        enrol r in "四点半课堂"
        """, error: "谢可馨 is not eligible for 四点半课堂: age 13 is above 12"),
    Refusal(folder: "care-programme", what: "the ninth place of eight", script: """
        for i in 1..9 {
          let r = add Resident { id: "T{i}", name: "老人{i}", age: 80 + i, building: "欣园1号楼", living_alone: true, phone: "1" }
          enrol r in "居家养老上门服务"
        }
        """, error: "居家养老上门服务 is full: 8 of 8 places are taken"),
    Refusal(folder: "care-programme", what: "enrolled twice", script: """
        let r = add Resident { id: "T1", name: "韩建国", age: 93, building: "欣园1号楼", living_alone: true, phone: "1" }
        enrol r in "居家养老上门服务"
        enrol r in "居家养老上门服务"
        """, error: "韩建国 is already enrolled in 居家养老上门服务"),
    Refusal(folder: "fire-drill", what: "the drill under 16", script: """
        let r = add Resident { id: "T1", name: "谢伟", age: 15, building: "翠苑2号楼", phone: "1" }
        enrol r in "消防演练"
        """, error: "谢伟 is not eligible for 消防演练: age 15 is below 16"),
    Refusal(folder: "fire-drill", what: "the lecture under 14", script: """
        let r = add Resident { id: "T1", name: "苏强", age: 13, building: "和平里5号楼", phone: "1" }
        enrol r in "反诈讲座"
        """, error: "苏强 is not eligible for 反诈讲座: age 13 is below 14"),
    Refusal(folder: "fire-drill", what: "the 41st place of the drill", script: """
        for i in 1..41 {
          let r = add Resident { id: "T{i}", name: "居民{i}", age: 30, building: "欣园1号楼", phone: "1" }
          enrol r in "消防演练"
        }
        """, error: "消防演练 is full: 40 of 40 places are taken"),
    Refusal(folder: "catalogue", what: "too few points", script: """
        let r = add Resident { id: "T1", name: "沈丽", age: 65, phone: "1" }
        award 199 points to r
        redeem "大米 5kg" for r
        """, error: "沈丽's balance 199 is below the cost 200 of 大米 5kg"),
    Refusal(folder: "catalogue", what: "the fourth bag of rice", script: """
        let r = add Resident { id: "T1", name: "沈丽", age: 65, phone: "1" }
        award 800 points to r
        for i in 1..4 { redeem "大米 5kg" for r }
        """, error: "大米 5kg is out of stock"),
    Refusal(folder: "catalogue", what: "a second haircut in a month", script: """
        let r = add Resident { id: "T1", name: "陈玉兰", age: 48, phone: "1" }
        award 200 points to r
        redeem "理发券" for r
        redeem "理发券" for r
        """, error: "陈玉兰 has already redeemed 理发券 1 time this month (at most 1 per month)"),
    Refusal(folder: "catalogue", what: "a third detergent in a month", script: """
        let r = add Resident { id: "T1", name: "马强", age: 82, phone: "1" }
        award 200 points to r
        for i in 1..3 { redeem "洗衣液" for r }
        """, error: "马强 has already redeemed 洗衣液 2 times this month (at most 2 per month)"),
    Refusal(folder: "time-bank", what: "a service used beyond the balance", script: """
        let r = add Resident { id: "T1", name: "周丽", age: 51, family: "欣园1-101", phone: "1" }
        emit Service { volunteer: r, hours: 3, service: "心理陪伴" }
        emit Use { user: r, hours: 5, service: "上门助浴" }
        """, error: "a charge of 5 credits would take 周丽's balance of 3 below 0"),
    Refusal(folder: "time-bank", what: "a gift past 1500", script: """
        let a = add Resident { id: "T1", name: "周丽", age: 51, family: "欣园1-101", phone: "1" }
        let b = add Resident { id: "T2", name: "周建国", age: 76, family: "欣园1-101", phone: "1" }
        emit Service { volunteer: a, hours: 20, service: "心理陪伴" }
        for i in 1..8 { emit Service { volunteer: b, hours: 200, service: "长期居家陪护" } }
        emit Gift { giver: a, receiver: b, hours: 10 }
        """, error: "a transfer of 10 credits would take 周建国's balance of 1500 past 1500"),
    Refusal(folder: "income-split", what: "a payment in tenths of a cent", script: """
        let t = add Party { id: "T01", name: "保洁队", role: "服务提供方" }
        add Party { id: "PT", name: "孵化平台", role: "孵化平台" }
        add Party { id: "CF", name: "社区基金", role: "社区基金" }
        let c = add Contract { id: "HT-1", client: "街道", service: "保洁", provider: t }
        emit Payment { contract: c, amount: 100.005, period: "9月" }
        """, error: "100.005 is not a whole number of 0.01s, so it cannot be split exactly"),
    Refusal(folder: "escalation", what: "handling a report that is not there", script: """
        emit Handling { report: "YH-404", handler: "王芳", note: "已处理" }
        """, error: "expectation failed: report is none, expected anything but none"),
]

extension ExampleTests {
    @Test(arguments: refusals)
    fileprivate func refused(_ refusal: Refusal) {
        let engine = Engine(options: RunOptions(now: Examples.clock), store: MemoryStore())
        engine.folderForText = Examples.root.appendingPathComponent(refusal.folder).path
        let result = engine.run(source: "use \"schema.civic\"\n" + refusal.script, name: "refusal.civic")
        #expect(result.diagnostics.map(\.message) == [refusal.error], "\(refusal):\n\(engine.render(result.diagnostics))")
    }
}
