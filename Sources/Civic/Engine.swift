import Foundation
import CivicSyntax
import CivicCheck
import CivicStore
import CivicRuntime

/// How a run is made: its limits, its clock, and what it may show.
public struct RunOptions: Sendable {
    /// The limits of each run: each `run`, `execute`, `emit`, `evaluate`,
    /// each test of `test`, each input of a session counts them afresh.
    public var limits: Limits
    /// Stops the run in progress when requested (the REPL asks on Ctrl-C):
    /// it ends with an "interrupted" error and keeps nothing.
    public var interruption: Interruption?
    /// The time the script sees; nil for the current time in `timeZone`.
    public var now: CivicTime?
    /// The zone the current time is read in (default Asia/Shanghai).
    public var timeZone: String
    /// Show `private` fields instead of masking them.
    public var reveal: Bool
    /// Give queries over stored entities to the store (SQL for SQLite). Off,
    /// the interpreter reads every row and does the query itself, with the
    /// same results: tests run both ways and compare.
    public var pushdown: Bool
    /// Who runs the script, written into every ledger entry (default: the operating-system user).
    public var operatorName: String
    /// Event files applied after the script's own statements, in order, in
    /// the same transaction: (event type, path of a CSV or JSON file).
    public var events: [(type: String, path: String)] = []
    /// Called as events are applied: (events done, events in the file). The
    /// file is read as it is applied, so until the last call (where the two
    /// are equal) the second is judged from the share of its bytes read.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(limits: Limits = Limits(), now: CivicTime? = nil, timeZone: String = "Asia/Shanghai", reveal: Bool = false,
                pushdown: Bool = true, operatorName: String? = nil) {
        self.operatorName = operatorName ?? ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
        self.limits = limits
        self.now = now
        self.timeZone = timeZone
        self.reveal = reveal
        self.pushdown = pushdown
    }

    /// The current local time in the configured zone.
    public var currentTime: CivicTime {
        if let now { return now }
        let date = Date()
        let offset = TimeZone(identifier: timeZone)?.secondsFromGMT(for: date) ?? 8 * 3600
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        return CivicTime(secondsSince1970: seconds) ?? CivicTime.earliest
    }
}

/// What a run or a check gives back.
public struct RunResult: Sendable {
    /// Errors found, in order (empty when the run succeeded).
    public var diagnostics: [Diagnostic]
    /// What the run did with events and accounts.
    public var stats = RunStats()
    public var succeeded: Bool { diagnostics.isEmpty }

    public init(diagnostics: [Diagnostic], stats: RunStats = RunStats()) {
        self.diagnostics = diagnostics
        self.stats = stats
    }
}

/// The interpreter, for the CLI and for Swift code that embeds Civic.
///
/// An engine runs scripts against one store. Each `run` is one transaction:
/// if anything fails, the store is left exactly as it was. The engine keeps
/// what it has been given: declarations, functions and variables of earlier
/// runs stay known to later ones (that is how the REPL works). Use one engine
/// from one thread at a time.
public final class Engine: @unchecked Sendable {
    public let sources = SourceMap()
    public var options: RunOptions
    public let store: Store
    /// Where `print` and `show` write.
    public var output: @Sendable (OutputItem) -> Void
    let checker: Checker
    var machine: Machine?
    /// Whether a run of this engine may write to the store (see `StoreWrites`); once true, it stays so.
    var mayWrite = false
    var nextExprID = 0
    /// For a session: changes the programs of a run after they are read and
    /// before they are checked (the REPL shows the value of a bare expression so).
    var rewrite: (([SourceProgram]) -> [SourceProgram])?
    /// The folder that `use` and `load` read from in source text that is not a
    /// file (the REPL's inputs); nil refuses them there.
    public var folderForText: String?

    /// An engine over a store (in memory unless given), writing output through `output`.
    public init(options: RunOptions = RunOptions(), store: Store = MemoryStore(),
                output: @escaping @Sendable (OutputItem) -> Void) {
        self.options = options
        self.store = store
        self.output = output
        self.checker = Checker(sources: sources)
    }

    /// An engine that writes output as text lines (tables for `show`).
    public convenience init(options: RunOptions = RunOptions(), store: Store = MemoryStore(),
                            lines: @escaping @Sendable (String) -> Void = { print($0) }) {
        let format = FormatOptions(reveal: options.reveal)
        self.init(options: options, store: store, output: { item in
            switch item {
            case .text(let s): lines(s)
            case .value(let v): lines(Show.render(v, format))
            }
        })
    }

    /// Reads a file as a source.
    public static func readSource(path: String) throws -> SourceFile {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return SourceFile(name: path, bytes: [UInt8](data))
    }

    /// Parses and checks a source (and the files it uses) without running it.
    public func check(_ file: SourceFile) -> RunResult {
        withLargeStack { [self] in
            switch load(file).flatMap({ Checker(sources: sources).check($0) }) {
            case .failure(let list): return RunResult(diagnostics: list.diagnostics)
            case .success: return RunResult(diagnostics: [])
            }
        }
    }

    /// Parses, checks, compiles and runs a source as one transaction.
    /// Nothing runs unless the whole source (and what it uses) is free of errors.
    public func run(_ file: SourceFile) -> RunResult {
        withLargeStack { [self] in
            let programs: [SourceProgram]
            switch load(file) {
            case .failure(let list): return RunResult(diagnostics: list.diagnostics)
            case .success(let p): programs = rewrite?(p) ?? p
            }
            let checked: CheckedProgram
            switch checker.check(programs) {
            case .failure(let list): return RunResult(diagnostics: list.diagnostics)
            case .success(let c): checked = c
            }
            let compiled: CompiledProgram
            switch Compiler.compile(checked, statements: programs.flatMap(\.statements), pushdown: options.pushdown, sources: sources) {
            case .failure(let list): return RunResult(diagnostics: list.diagnostics)
            case .success(let c): compiled = c
            }
            let storeSchema: StoreSchema
            switch StoreSchemaBuilder.schema(of: checked) {
            case .failure(let list): return RunResult(diagnostics: list.diagnostics)
            case .success(let s): storeSchema = s
            }
            let accounts: [StoredAccount]
            switch StoreSchemaBuilder.accounts(of: checked) {
            case .failure(let list): return RunResult(diagnostics: list.diagnostics)
            case .success(let a): accounts = a
            }
            let machine = self.machine ?? Machine(globalCount: 0, limits: options.limits, now: options.currentTime,
                                                  format: FormatOptions(reveal: options.reveal), store: store,
                                                  output: { [weak self] in self?.output($0) })
            self.machine = machine
            // Each run reads the clock anew (an embedding program may set `options.now` between runs),
            // and counts its limits afresh (under the options' limits of now).
            machine.now = options.currentTime
            machine.startRun(options.limits, interruption: options.interruption)
            machine.folder = folder(of: file)
            machine.operatorName = options.operatorName
            let span = programs.last?.statements.first?.span ?? .unknown
            // Once a script that may write has run on this engine, its
            // functions, rules and accounts stay known to later runs: those
            // may write too.
            if !mayWrite { mayWrite = !options.events.isEmpty || StoreWrites.mayWrite(programs.flatMap(\.statements)) }
            do throws(StoreError) {
                try Engine.open(store, storeSchema, accounts, for: machine, onlyReading: !mayWrite)
            } catch {
                store.rollback()
                return RunResult(diagnostics: [Diagnostic(.error, error.message, at: span, hint: error.hint, reveal: options.reveal)])
            }
            do throws(RuntimeError) {
                try compiled.run(on: machine)
            } catch {
                machine.discardBooks()
                store.rollback()
                return RunResult(diagnostics: [error.diagnostic(reveal: options.reveal)])
            }
            for (type, path) in options.events {
                if let failure = applyEvents(type, path, machine) {
                    machine.discardBooks()
                    store.rollback()
                    return RunResult(diagnostics: [failure])
                }
            }
            do throws(StoreError) {
                try machine.finishBooks()
                try store.commit()
            } catch {
                machine.discardBooks()
                store.rollback()
                return RunResult(diagnostics: [Diagnostic(.error, error.message, at: .unknown, hint: error.hint, reveal: options.reveal)])
            }
            return RunResult(diagnostics: [], stats: machine.stats)
        }
    }

    /// Begins a run's transaction on the store: makes the schema the script
    /// declares, notes its accounts on the machine and in the books, and
    /// takes credits that expired since the last run out of their balances.
    ///
    /// A run that only reads (`onlyReading`) begins with
    /// `Store.beginReading`, and keeps the lock that lets no one else write
    /// for runs that write. If the store must first be written for it (its
    /// schema or accounts change, or credits expired), that transaction is dropped
    /// before the script has read anything, and a writing one begun instead.
    static func open(_ store: Store, _ schema: StoreSchema, _ accounts: [StoredAccount], for machine: Machine,
                     onlyReading: Bool = false) throws(StoreError) {
        for a in accounts { machine.accounts["\(a.name)|\(a.holder)"] = a }
        if onlyReading {
            try store.beginReading()
            var mustWrite = try !store.agrees(with: schema)
            if !mustWrite { mustWrite = try Bookkeeper.accountsDiffer(accounts, in: store) }
            if !mustWrite { mustWrite = try Bookkeeper.expiryDue(store, asOf: machine.now) }
            if mustWrite {
                store.rollback()
                try store.begin()
            }
        } else {
            try store.begin()
        }
        try store.prepare(schema)
        machine.storeSchema = try store.storedSchema()
        machine.format.privateKeys = Set(machine.storeSchema.entities.filter { $0.key?.isPrivate == true }.map(\.name))
        try Bookkeeper.remember(accounts, in: store)
        _ = try Bookkeeper.expire(store, asOf: machine.now, operatorName: machine.operatorName)
    }

    /// How many events of a file are read before they are applied, and
    /// their keys told to the store at once.
    static let eventsLookedUpAtOnce = 500

    /// Applies the events of a file, in order; the first error stops it (and the caller rolls back).
    func applyEvents(_ type: String, _ path: String, _ machine: Machine) -> Diagnostic? {
        guard let entity = machine.storeSchema.entity(type), checker.schema.events[type] != nil else {
            let hint = Suggestions.hint(for: type, in: checker.schema.events.keys)
            return Diagnostic(.error, "--events names '\(type)', which the script does not declare as an event", at: .unknown, hint: hint)
        }
        let idIndex = entity.index(of: "id")
        let fileName = URL(fileURLWithPath: path).lastPathComponent
        // The file is read as its events are applied (a million rows are
        // never held at once); a bad row stops the run when it is reached,
        // and the caller rolls back what the rows before it did. Events go
        // in groups, which the store is told of first (`willInsert`).
        var failure: Diagnostic?
        var done = 0
        var group: [(values: [Value], line: Int)] = []
        group.reserveCapacity(Engine.eventsLookedUpAtOnce)
        func apply(_ read: DataImport.Progress) -> Bool {
            defer { group.removeAll(keepingCapacity: true) }
            do throws(StoreError) {
                try machine.store.willInsert(type, rows: group.map(\.values))
            } catch {
                failure = Diagnostic(.error, "\(path): \(error.message)", at: .unknown, hint: error.hint, reveal: options.reveal)
                return false
            }
            for (values, line) in group {
                do throws(RuntimeError) {
                    // Rules without loops take no steps: the clock, Ctrl-C and the heap are checked here too.
                    try machine.checkClock(at: .unknown)
                    try Compiler.emitEvent(type, values, on: machine)
                } catch {
                    var d = error.diagnostic(reveal: options.reveal)
                    d.message = "\(path):\(line): \(d.message)"
                    failure = d
                    return false
                }
                done += 1
                if done % 1000 == 0, let progress = options.progress {
                    // How many events the file holds, judged from the bytes read so far.
                    let estimate = read.bytesRead > 0 ? Int(Double(done) * Double(read.fileSize) / Double(read.bytesRead)) : done
                    progress(done, max(done + 1, estimate))
                }
            }
            return true
        }
        var last = DataImport.Progress(bytesRead: 0, fileSize: 0)
        do throws(ImportError) {
            try DataImport.forEachRow(path: path, displayName: path, entity: entity, schema: machine.storeSchema) { row, read in
                var values = row.values
                // An event without an id in the file is named by its place in it, so
                // that loading the same file again handles nothing twice.
                if let idIndex, idIndex < values.count, values[idIndex] == .none {
                    values[idIndex] = .text("\(fileName):\(row.line)")
                }
                group.append((values, row.line))
                last = read
                return group.count < Engine.eventsLookedUpAtOnce || apply(read)
            }
        } catch {
            // The rows before the bad one are applied first, as one by one.
            if failure == nil, !group.isEmpty, !apply(last) { return failure }
            return Diagnostic(.error, error.message, at: .unknown, reveal: options.reveal)
        }
        if failure == nil, !group.isEmpty { _ = apply(last) }
        if let failure { return failure }
        if done > 0 { options.progress?(done, done) }
        return nil
    }

    /// Convenience: runs source text given by name.
    public func run(source text: String, name: String = "<input>") -> RunResult {
        run(SourceFile(name: name, text: text))
    }

    /// Convenience: checks source text given by name.
    public func check(source text: String, name: String = "<input>") -> RunResult {
        check(SourceFile(name: name, text: text))
    }

    /// Diagnostics as text with carets, coloured or not.
    public func render(_ diagnostics: [Diagnostic], color: Bool = false) -> String {
        DiagnosticRenderer(sources: sources, color: color).render(diagnostics)
    }

    /// The folder of a file given by path (nil for text with no file).
    func folder(of file: SourceFile) -> String? {
        guard FileManager.default.fileExists(atPath: file.name) else { return folderForText }
        return URL(fileURLWithPath: file.name).deletingLastPathComponent().path
    }

    /// Parses a file and, first, the files it `use`s (each once, in order).
    func load(_ file: SourceFile) -> Result<[SourceProgram], DiagnosticList> {
        var programs: [SourceProgram] = []
        var seen: Set<String> = []
        var errors: [Diagnostic] = []
        func visit(_ file: SourceFile) {
            let id = sources.add(file)
            let (program, parseErrors) = Parser.parse(file, fileID: id, firstExprID: nextExprID)
            nextExprID = program.exprIDs.upperBound
            errors += parseErrors
            for statement in program.statements {
                guard case .use(let path) = statement.kind else { continue }
                guard case .text(let segments) = path.kind, segments.count == 1, case .literal(let relative) = segments[0] else {
                    errors.append(.error("'use' needs the file's name written as a plain text", at: path.span))
                    continue
                }
                guard let folder = folder(of: file) else {
                    errors.append(.error("'use' reads files beside a script, and this script has no folder", at: statement.span))
                    continue
                }
                do throws(FileAccess.Refusal) {
                    let real = try FileAccess.resolve(relative, in: folder)
                    if seen.contains(real) { continue }
                    seen.insert(real)
                    guard let used = try? Engine.readSource(path: real) else {
                        errors.append(.error("cannot read '\(relative)'", at: path.span))
                        continue
                    }
                    visit(SourceFile(name: (URL(fileURLWithPath: file.name).deletingLastPathComponent()
                        .appendingPathComponent(relative).path), bytes: used.bytes))
                } catch {
                    errors.append(.error(error.message, at: path.span, hint: error.hint))
                }
            }
            programs.append(program)
        }
        if let path = Optional(file.name), FileManager.default.fileExists(atPath: path) {
            seen.insert(URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
        }
        visit(file)
        return errors.isEmpty ? .success(programs) : .failure(DiagnosticList(errors))
    }
}
