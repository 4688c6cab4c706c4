import Foundation
import CivicSyntax
import CivicCheck
import CivicStore
import CivicRuntime

/// An interactive session over one store: what `civic repl` runs, and what
/// any program can embed to take Civic input a piece at a time.
///
/// Each input is read, checked and run against everything the session knows
/// so far (declarations, variables, functions, rules), inside one transaction
/// that the session keeps open:
///
/// - An input that fails leaves the session and the store exactly as they were
///   before it: the store rolls back to a savepoint taken at its start, and
///   the checker and the machine go back to what they held.
/// - What the inputs changed in the store is kept only by `commit()` (or by
///   `end(keep: true)`); `rollback()` drops it, and the session goes back to
///   what it knew at the last commit.
///
/// A bare expression typed as an input shows its value (a query as a table);
/// a declaration takes effect for the rest of the session, and typing it again
/// replaces it. Use a session from one thread at a time.
public final class Session {
    /// The engine the inputs run on (its `sources` render diagnostics).
    public private(set) var engine: Engine
    /// How the inputs run: limits, clock, what is shown.
    public let options: RunOptions
    let store: SessionStore
    let output: @Sendable (OutputItem) -> Void
    /// The folder that `use` and `load` read from in typed inputs.
    public var folder: String? {
        didSet { engine.folderForText = folder }
    }
    /// How many inputs have been given (each is named "input N").
    public private(set) var inputCount = 0
    /// Whether an input that may change the store (one that did not only
    /// read) has run since the last commit or rollback.
    public private(set) var hasUncommittedWork = false
    /// The rules in force, in the order they fire.
    public private(set) var rules: [RuleSummary] = []
    /// The names written as texts that inputs may refer to: of programmes,
    /// catalogue items, splits and rules (for completion inside quotes).
    public private(set) var namedTexts: Set<String> = []
    /// The rules and named texts as they were at the last commit.
    var committedRules: [RuleSummary] = []
    var committedTexts: Set<String> = []
    /// The checker's and the machine's state at the last commit.
    var committed: (checker: CheckerState, machine: MachineState?)
    /// Whether the input being run shows the values of its bare expressions.
    var showsValues = false
    /// How many hidden variables bare calls have used (`$value1`, ...).
    var hiddenValues = 0

    /// A session over `store`; output of `print` and `show` (and the values of
    /// bare expressions) goes to `output`. Call `start()` before the first input.
    public init(options: RunOptions = RunOptions(), store: Store = MemoryStore(),
                output: @escaping @Sendable (OutputItem) -> Void) {
        self.options = options
        self.store = SessionStore(store)
        self.output = output
        self.folder = FileManager.default.currentDirectoryPath
        let engine = Session.makeEngine(options, self.store, output)
        self.engine = engine
        self.committed = (engine.checker.saveState(), nil)
        configure(engine)
    }

    /// A session that writes its output as text lines (tables for `show`).
    public convenience init(options: RunOptions = RunOptions(), store: Store = MemoryStore(),
                            lines: @escaping @Sendable (String) -> Void) {
        let format = FormatOptions(reveal: options.reveal)
        self.init(options: options, store: store, output: { item in
            switch item {
            case .text(let s): lines(s)
            case .value(let v): lines(Show.render(v, format))
            }
        })
    }

    static func makeEngine(_ options: RunOptions, _ store: Store, _ output: @escaping @Sendable (OutputItem) -> Void) -> Engine {
        let engine = Engine(options: options, store: store, output: output)
        engine.checker.redeclaresAcrossFiles = true
        return engine
    }

    func configure(_ engine: Engine) {
        engine.folderForText = folder
        engine.rewrite = { [unowned self] programs in self.rewrite(programs) }
    }

    /// What the store is, for messages ("SQLite file community.sqlite").
    public var storeDescription: String { store.description }

    // MARK: Starting and ending

    /// Opens the session's transaction and declares, for the session, what the
    /// store already holds: its entities and events with their fields, and its
    /// accounts. Gives back the names declared so (none for a new store).
    @discardableResult
    public func start() -> Result<[String], DiagnosticList> {
        do throws(StoreError) {
            try store.beginSession()
        } catch {
            return .failure(DiagnosticList([Diagnostic(.error, error.message, at: .unknown, hint: error.hint, reveal: options.reveal)]))
        }
        return declareStored()
    }

    /// Declares the store's entities, events and accounts (see `start`).
    func declareStored() -> Result<[String], DiagnosticList> {
        let text: String
        let names: [String]
        do throws(StoreError) {
            (text, names) = try StoredDeclarations.source(of: store)
        } catch {
            return .failure(DiagnosticList([Diagnostic(.error, error.message, at: .unknown, hint: error.hint, reveal: options.reveal)]))
        }
        if names.isEmpty { return .success([]) }
        let result = runInput(SourceFile(name: "declarations read from \(store.description)", text: text), showValues: false)
        if !result.succeeded { return .failure(DiagnosticList(result.diagnostics)) }
        // What the store holds is where the session starts: nothing to commit yet.
        hasUncommittedWork = false
        markCommitted()
        return .success(names)
    }

    /// Ends the session: keeps what is not committed yet (`keep`), or drops it.
    public func end(keep: Bool) -> Result<Void, DiagnosticList> {
        do throws(StoreError) {
            try store.endSession(keep: keep)
            hasUncommittedWork = false
            return .success(())
        } catch {
            return .failure(DiagnosticList([Diagnostic(.error, error.message, at: .unknown, hint: error.hint, reveal: options.reveal)]))
        }
    }

    // MARK: Inputs

    /// Runs one input typed by a person: its bare expressions show their values.
    public func run(_ text: String) -> InputResult {
        inputCount += 1
        return runInput(SourceFile(name: "input \(inputCount)", text: text), showValues: true)
    }

    /// Runs a file as one input, as `civic run` would (`use` and `load` read
    /// beside it; bare expressions show nothing).
    public func load(path: String) -> InputResult {
        let file: SourceFile
        do {
            file = try Engine.readSource(path: path)
        } catch {
            return InputResult(diagnostics: [Diagnostic(.error, "cannot read \(path): \(error.localizedDescription)", at: .unknown)],
                               duration: .zero)
        }
        return runInput(file, showValues: false)
    }

    /// Runs an input in a savepoint; on failure puts everything back.
    func runInput(_ file: SourceFile, showValues: Bool) -> InputResult {
        let clock = ContinuousClock()
        let started = clock.now
        let checkerBefore = engine.checker.saveState()
        let machineBefore = engine.machine?.saveState()
        let rulesBefore = engine.machine?.ruleCount ?? 0
        engine.machine?.startInput(now: options.currentTime)
        showsValues = showValues
        recorded = []
        recordedTexts = []
        let result = engine.run(file)
        showsValues = false
        let duration = clock.now - started
        guard result.succeeded else {
            engine.checker.restoreState(checkerBefore)
            if let machineBefore {
                engine.machine?.restoreState(machineBefore)
            } else {
                // The machine was made by this input: the next one makes a new one.
                engine.machine = nil
            }
            return InputResult(diagnostics: result.diagnostics, duration: duration)
        }
        engine.machine?.replaceRules(addedFrom: rulesBefore)
        for rule in recorded {
            rules.removeAll { $0.name == rule.name }
            rules.append(rule)
        }
        namedTexts.formUnion(recordedTexts)
        hasUncommittedWork = store.changedSinceCommit
        return InputResult(diagnostics: [], duration: duration)
    }

    /// The rules and named texts of the input being run, recorded as it is read.
    var recorded: [RuleSummary] = []
    var recordedTexts: [String] = []

    // MARK: Commit, rollback, reset

    /// Keeps in the store what the inputs so far did.
    public func commit() -> Result<Void, DiagnosticList> {
        do throws(StoreError) {
            try store.commitSession()
        } catch {
            return .failure(DiagnosticList([Diagnostic(.error, error.message, at: .unknown, hint: error.hint, reveal: options.reveal)]))
        }
        hasUncommittedWork = false
        markCommitted()
        return .success(())
    }

    /// Drops what the inputs did since the last commit: in the store, and in
    /// what the session knows (declarations, variables, rules).
    public func rollback() -> Result<Void, DiagnosticList> {
        do throws(StoreError) {
            try store.rollbackSession()
        } catch {
            return .failure(DiagnosticList([Diagnostic(.error, error.message, at: .unknown, hint: error.hint, reveal: options.reveal)]))
        }
        engine.checker.restoreState(committed.checker)
        if let machine = committed.machine {
            engine.machine?.restoreState(machine)
        } else if engine.machine != nil {
            // Nothing had run at the last commit: the next input makes a new machine.
            engine.machine = nil
        }
        rules = committedRules
        namedTexts = committedTexts
        hasUncommittedWork = false
        return .success(())
    }

    /// Starts afresh: drops what is not committed, forgets every declaration,
    /// variable, function and rule, and reads what the store holds again.
    @discardableResult
    public func reset() -> Result<[String], DiagnosticList> {
        store.endSessionQuietly()
        engine = Session.makeEngine(options, store, output)
        configure(engine)
        committed = (engine.checker.saveState(), nil)
        rules = []
        committedRules = []
        namedTexts = []
        committedTexts = []
        hasUncommittedWork = false
        return start()
    }

    func markCommitted() {
        committed = (engine.checker.saveState(), engine.machine?.saveState())
        committedRules = rules
        committedTexts = namedTexts
    }

    // MARK: Showing values

    /// Makes each bare expression of a typed input show its value: `.show(e)`,
    /// or, for a call (which may give nothing), `let $valueN = e` and
    /// `if $valueN != none { show $valueN }`.
    func rewrite(_ programs: [SourceProgram]) -> [SourceProgram] {
        var programs = programs
        for file in programs {
            for statement in file.statements { record(statement) }
        }
        guard showsValues, let last = programs.last else { return programs }
        var statements: [Stmt] = []
        for statement in last.statements {
            guard case .expr(let e) = statement.kind else {
                statements.append(statement)
                continue
            }
            guard case .call = e.kind else {
                statements.append(Stmt(kind: .show(e), span: statement.span))
                continue
            }
            hiddenValues += 1
            // A zero-width span: no name written in a file has one, so the slot is the hidden variable's own.
            let name = Identifier("$value\(hiddenValues)", Span(file: e.span.file, start: e.span.start, end: e.span.start))
            func expr(_ kind: ExprKind) -> Expr {
                defer { engine.nextExprID += 1 }
                return Expr(id: engine.nextExprID, kind: kind, span: e.span)
            }
            let isSomething = expr(.binary(.notEqual, expr(.name(name.name)), expr(.none)))
            statements.append(Stmt(kind: .let(name, e), span: statement.span))
            statements.append(Stmt(kind: .if(branches: [(condition: isSomething, body: [Stmt(kind: .show(expr(.name(name.name))), span: statement.span)])],
                                             otherwise: nil), span: statement.span))
        }
        programs[programs.count - 1] = SourceProgram(file: last.file, statements: statements,
                                                     exprIDs: last.exprIDs.lowerBound..<engine.nextExprID)
        return programs
    }

    /// Notes the rules and the named texts a top-level statement declares.
    func record(_ statement: Stmt) {
        func text(_ e: Expr) -> String? {
            if case .text(let segments) = e.kind, segments.count == 1, case .literal(let s) = segments[0] { return s }
            return nil
        }
        switch statement.kind {
        case .rule(let name, let event, _, _, _):
            let source = engine.sources.file(statement.span.file)?.text(of: statement.span) ?? ""
            let written = text(name) ?? engine.sources.file(name.span.file)?.text(of: name.span) ?? "?"
            recorded.append(RuleSummary(name: written, event: event.name, source: source))
            if let t = text(name) { recordedTexts.append(t) }
        case .programme(let name, _), .split(let name, _):
            if let t = text(name) { recordedTexts.append(t) }
        case .catalogue(_, let items):
            recordedTexts += items.compactMap { text($0.name) }
        default:
            break
        }
    }

    // MARK: Rendering

    /// Diagnostics as text with carets, coloured or not.
    public func render(_ diagnostics: [Diagnostic], color: Bool = false) -> String {
        engine.render(diagnostics, color: color)
    }
}

/// What an input gave: its errors (none when it ran), and how long it took.
public struct InputResult: Sendable {
    public var diagnostics: [Diagnostic]
    public var duration: Duration
    public var succeeded: Bool { diagnostics.isEmpty }

    public init(diagnostics: [Diagnostic], duration: Duration) {
        self.diagnostics = diagnostics
        self.duration = duration
    }
}

/// A rule the session applies: its name, its event, and how it was written.
public struct RuleSummary: Sendable, Equatable {
    public var name: String
    public var event: String
    public var source: String
}
