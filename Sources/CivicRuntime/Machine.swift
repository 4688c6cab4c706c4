import CivicStore
import CivicSyntax

/// The state of one run: variable slots, the rows of the queries being
/// evaluated, the limits, and where output goes.
///
/// Compiled code is a tree of closures that take the machine; locals of the
/// running function live in `stack` from `base` on, globals in `globals`.
public final class Machine {
    // The slots compiled code reads and writes on every step. A run uses its
    // machine from one thread, one access at a time, so the run-time
    // exclusivity checks Swift makes on a class's stored properties buy
    // nothing here and cost 40% of a tight loop: they are turned off for
    // these (measured with callgrind; docs/performance.md).
    @exclusivity(unchecked) var globals: [Value]
    @exclusivity(unchecked) var stack: [Value] = []
    @exclusivity(unchecked) var base = 0
    /// The current row of each query being evaluated, outermost first.
    @exclusivity(unchecked) var rows: [Value] = []
    /// The value of the last `return`.
    @exclusivity(unchecked) var returnValue: Value = .none

    /// The limits of each run on this machine; `startRun` applies them.
    @exclusivity(unchecked) public var limits: Limits
    @exclusivity(unchecked) var steps = 0
    @exclusivity(unchecked) var depth = 0
    /// The step count at which `checkLimits` runs next: every
    /// `Machine.checkInterval` steps, and just past the step limit.
    @exclusivity(unchecked) var nextCheck = 0
    /// When the run must stop (monotonic nanoseconds; `.max`: never).
    @exclusivity(unchecked) var deadline: UInt64 = .max
    /// The memory limit in bytes (`.max`: none), the heap in use when the run
    /// started, the bytes made at growth points since the heap was last
    /// measured, and when it was.
    @exclusivity(unchecked) var memoryLimit = Int.max
    @exclusivity(unchecked) var heapAtStart = 0
    @exclusivity(unchecked) var grownSinceHeapCheck = 0
    /// What makes the heap be measured at a growth point: a sixteenth of the limit.
    @exclusivity(unchecked) var heapCheckBytes = Int.max
    @exclusivity(unchecked) var lastHeapCheck: UInt64 = 0
    /// Nanoseconds from one measure of the heap on the steps' path to the next
    /// (`Machine.heapCheckPeriod`, or longer when measuring takes long).
    @exclusivity(unchecked) var heapCheckWait: UInt64 = Machine.heapCheckPeriod
    /// A request to stop from outside (the REPL's Ctrl-C), seen with the time limit.
    public var interruption: Interruption?

    /// The time the script sees (`now()`), fixed for a run.
    public var now: CivicTime
    public var format: FormatOptions
    /// Where `print` and `show` write.
    public var output: (OutputItem) -> Void
    /// The store the script reads and changes, and the schema it holds.
    public var store: Store
    public var storeSchema: StoreSchema
    /// The folder `load` reads from: the script's own (nil: `load` is refused).
    public var folder: String?
    /// Accounts by "name|holder".
    public var accounts: [String: StoredAccount] = [:]
    /// Who runs the script, written into every ledger entry.
    public var operatorName = "civic"
    /// The rule being applied, while its body runs.
    @exclusivity(unchecked) var rule: RuleContext?
    /// The program's rules, in the order written.
    var rules: [CompiledRule] = []
    /// The functions of every program run on this machine: its rules and programmes may call them.
    var functionTables: [FunctionTable] = []
    /// What the run did with events and accounts, for the summary after `--events`.
    public internal(set) var stats = RunStats()
    /// Programmes and catalogue items by name.
    var programmes: [String: CompiledProgramme] = [:]
    var catalogue: [String: CatalogueEntry] = [:]
    /// Row shapes with account balances added, by entity.
    var balanceShapes: [String: (base: RecordShape, shape: RecordShape)] = [:]
    /// The books as this run changes them, written to the store when it ends
    /// (`finishBooks`) or dropped with a failed run (`discardBooks`).
    public let books = BookCache()
    var bookkeeper: Bookkeeper { Bookkeeper(store: store, cache: books) }
    /// Rows known to be stored in this run, so that an award does not look
    /// its holder up again; forgotten when any row is removed.
    var storedRows: Set<BookCache.HolderName> = []
    /// The failed `expect`s of the test being run (nil outside a test: there
    /// a failed `expect` stops the run).
    public var expectationFailures: [ExpectationFailure]?
    /// One shape per event type, for the records of emitted events.
    var eventShapes: [String: (entity: StoredEntity, shape: RecordShape)] = [:]

    /// Writes the run's books to the store: before a commit (or the end of
    /// a REPL input).
    public func finishBooks() throws(StoreError) {
        try books.finish(store)
        storedRows = []
    }

    /// Forgets the run's books: after a rollback.
    public func discardBooks() {
        books.discard()
        storedRows = []
    }

    public init(globalCount: Int, limits: Limits = Limits(), now: CivicTime, format: FormatOptions = FormatOptions(),
                store: Store = MemoryStore(), storeSchema: StoreSchema = StoreSchema(entities: []), folder: String? = nil,
                output: @escaping (OutputItem) -> Void) {
        self.globals = Array(repeating: .none, count: globalCount)
        self.limits = limits
        self.now = now
        self.format = format
        self.store = store
        self.storeSchema = storeSchema
        self.folder = folder
        self.output = output
        self.stack.reserveCapacity(1024)
        startRun(limits)
    }

    /// Drops the slots of a frame that ends. One at a time: a frame has a few
    /// slots, and removing a range costs a general array operation each call.
    @inline(__always)
    func popFrame(to base: Int) {
        while stack.count > base { stack.removeLast() }
    }

    /// Counts one step (a loop turn or a call) and, every
    /// `Machine.checkInterval` steps, checks the limits. This is on every loop
    /// turn and call: one add and one compare, the rest out of line.
    @inline(__always)
    func step(_ span: Span) throws(RuntimeError) {
        steps &+= 1
        if steps >= nextCheck { try checkLimits(at: span) }
    }

    var builtinEnvironment: BuiltinEnvironment {
        BuiltinEnvironment(now: now, options: format, splits: splits, memoryLimit: memoryLimit)
    }

    /// The escalations the program declares, by event.
    var escalations: [String: Escalation] = [:]

    /// The `assign` statement that ran last, by the entity it assigns: what
    /// `workload` sums up.
    var assignsRun: [String: CompiledAssign] = [:]

    /// The splits the program declares, by name.
    public internal(set) var splits: [String: Split] = [:]
}

/// What a script writes: a line of `print`, or a value given to `show`
/// (rendered as a table for a person, or as JSON for a program).
public enum OutputItem: Sendable {
    case text(String)
    case value(Value)
}

/// Counts of what a run did, for the summary printed after loading events.
public struct RunStats: Sendable {
    public var eventsHandled = 0
    /// Events whose id had been handled before: applied once only.
    public var eventsSkipped = 0
    public var rulesFired = 0
    /// Amounts credited by award, per account.
    public var awarded: [String: Number] = [:]
    /// Awards cut by a cap, a budget or `at most`.
    public var cuts = 0

    public init() {}
}

/// What a statement tells the code around it.
enum Flow {
    case normal, breakLoop, continueLoop, returned
}

typealias Eval = (Machine) throws(RuntimeError) -> Value
typealias Exec = (Machine) throws(RuntimeError) -> Flow

/// A compiled statement kept in a list. A closure stored in an array (or any
/// generic container) is converted to a general form and back, through
/// thunks, on every call; one stored in a struct field is called directly.
struct Step {
    let run: Exec
}

/// A compiled expression kept in a list (see `Step`).
struct Operation {
    let eval: Eval
}
