import CivicSyntax

/// The checker: syntax tree → checked program.
///
/// It resolves every name to a slot, a function, a built-in, a row field or
/// a declared type, works out each expression's type where it can, and
/// reports everything that is certain to fail — all of a file's errors, not
/// only the first. It keeps its state between calls, so the REPL can check
/// one input after another against what came before.
public final class Checker {
    let sources: SourceMap
    public internal(set) var schema = Schema()
    var functions: [FunctionInfo] = []
    var functionIndex: [String: Int] = [:]
    var globals: Scope
    var globalCount = 0
    var globalNames: [String] = []
    var resolutions: [Int: Resolution] = [:]
    var types: [Int: CivicType] = [:]
    var slots: [Span: VarRef] = [:]
    var frameSizes: [Span: Int] = [:]
    var diagnostics: [Diagnostic] = []
    /// For a session (the REPL): a later file may declare again what an earlier
    /// one declared (a variable, function, entity, event or account), and the
    /// new declaration holds from then on. Off, that is an error, as in one file.
    public var redeclaresAcrossFiles = false

    // Where the walk is.
    var scope: Scope
    /// The function-like body being checked (nil at the top level).
    var frame: Frame?
    var loopDepth = 0
    /// The row types of the queries being checked, outermost first.
    var rows: [CivicType] = []
    /// Whether the walk is inside a rule's body (for `cap` and `budget`).
    var inRule = false
    /// Whether the walk is inside a test (for `clock`, `advance`).
    var inTest = false

    /// A function's, rule's or test's frame: its own slots.
    final class Frame {
        let name: String
        let isFunction: Bool
        var slotCount = 0
        init(name: String, isFunction: Bool) {
            self.name = name
            self.isFunction = isFunction
        }
    }

    public init(sources: SourceMap) {
        self.sources = sources
        let global = Scope(parent: nil)
        self.globals = global
        self.scope = global
    }

    /// Checks files in order (files brought in by `use` first). On success
    /// returns the whole checked program so far; otherwise every error found.
    /// On failure the checker's state is left as it was before the call.
    public func check(_ files: [SourceProgram]) -> Result<CheckedProgram, DiagnosticList> {
        let saved = snapshot()
        diagnostics = []
        if redeclaresAcrossFiles { forgetRedeclared(files) }
        for file in files { declare(file.statements) }
        for file in files { checkBlock(file.statements, newScope: false) }
        for file in files { checkTestNames(file.statements) }
        if !diagnostics.isEmpty {
            let found = diagnostics.sorted { ($0.span.file, $0.span.start) < ($1.span.file, $1.span.start) }
            restore(saved)
            return .failure(DiagnosticList(found))
        }
        return .success(CheckedProgram(files: files, schema: schema, resolutions: resolutions, types: types,
                                       slots: slots, functions: functions, frameSizes: frameSizes,
                                       globalCount: globalCount, globalNames: globalNames))
    }

    // MARK: Reporting

    func error(_ message: String, at span: Span, hint: String? = nil) {
        diagnostics.append(.error(message, at: span, hint: hint))
    }

    /// The line a span starts on, for "defined at line 3".
    func line(of span: Span) -> Int {
        sources.file(span.file)?.location(of: span.start).line ?? 0
    }

    // MARK: Saving state (so a failed REPL input changes nothing)

    struct Snapshot {
        var schema: Schema
        var functions: [FunctionInfo]
        var functionIndex: [String: Int]
        var globalNames: [String: Scope.Binding]
        var globalCount: Int
        var globalNameList: [String]
        var resolutions: [Int: Resolution]
        var types: [Int: CivicType]
        var slots: [Span: VarRef]
        var frameSizes: [Span: Int]
    }

    func snapshot() -> Snapshot {
        Snapshot(schema: schema, functions: functions, functionIndex: functionIndex, globalNames: globals.names,
                 globalCount: globalCount, globalNameList: globalNames, resolutions: resolutions, types: types,
                 slots: slots, frameSizes: frameSizes)
    }

    func restore(_ s: Snapshot) {
        schema = s.schema
        functions = s.functions
        functionIndex = s.functionIndex
        globals.names = s.globalNames
        globalCount = s.globalCount
        globalNames = s.globalNameList
        resolutions = s.resolutions
        types = s.types
        slots = s.slots
        frameSizes = s.frameSizes
        scope = globals
        frame = nil
        rows = []
        loopDepth = 0
    }
}

/// A block's names. Blocks nest; a function's scope ends the search for
/// locals, after which only globals are visible.
final class Scope {
    struct Binding {
        var ref: VarRef
        var isConstant: Bool
        var isParameter: Bool
        var isLoopVariable = false
        var type: CivicType
        var span: Span
    }

    let parent: Scope?
    /// Whether this scope starts a function-like frame.
    let startsFrame: Bool
    var names: [String: Binding] = [:]

    init(parent: Scope?, startsFrame: Bool = false) {
        self.parent = parent
        self.startsFrame = startsFrame
    }
}
