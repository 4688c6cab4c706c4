import CivicStore
import CivicSyntax

/// The limits of a run as the machine checks them: steps and the depth of
/// calls on every step and call; time, Ctrl-C and the heap every
/// `checkInterval` steps; the size of values where they grow.
extension Machine {
    /// Steps between two checks of the clock (and of Ctrl-C and the heap).
    static let checkInterval = 1_024
    /// Nanoseconds between two measures of the heap on the steps' path, at
    /// the least.
    static let heapCheckPeriod: UInt64 = 5_000_000
    /// How many times as long as the last measure took the next one waits:
    /// glibc measures by walking its free lists, which on a large heap full of
    /// holes takes milliseconds (a run of a million events over PostgreSQL
    /// spent three quarters of its time measuring), so measuring may take at
    /// most a fiftieth of a run.
    static let heapCheckSpacing: UInt64 = 50
    /// The memory a value takes per item of a List (the items themselves;
    /// what they hold is counted when it is made).
    public static let bytesPerItem = MemoryLayout<Value>.stride

    /// Starts a run (a `civic run`, a REPL input, a test, a call of the
    /// embedding API) under `limits`: counts steps afresh, sets the deadline
    /// from now, and measures the heap the memory limit counts from.
    public func startRun(_ limits: Limits, interruption: Interruption? = nil) {
        self.limits = limits
        self.interruption = interruption
        steps = 0
        nextCheck = min(Machine.checkInterval, limits.maxSteps &+ 1 > 0 ? limits.maxSteps &+ 1 : Int.max)
        memoryLimit = limits.maxMemory ?? .max
        heapCheckBytes = max(memoryLimit / 16, 1 << 20)
        let now = SystemMeasures.nanoseconds()
        if let timeout = limits.timeout {
            let ms = UInt64(LimitText.milliseconds(timeout))
            let (end, overflow) = now.addingReportingOverflow(ms &* 1_000_000)
            deadline = overflow || ms > UInt64.max / 1_000_000 ? .max : end
        } else {
            deadline = .max
        }
        heapAtStart = memoryLimit == .max ? 0 : SystemMeasures.heapInUse()
        grownSinceHeapCheck = 0
        lastHeapCheck = now
        heapCheckWait = Machine.heapCheckPeriod
    }

    /// The checks `step` makes every `checkInterval` steps: the step limit,
    /// Ctrl-C, the deadline, and (every few milliseconds) the heap.
    @inline(never)
    func checkLimits(at span: Span) throws(RuntimeError) {
        if steps > limits.maxSteps { throw .stepLimit(limits.maxSteps, at: span) }
        let left = limits.maxSteps - steps
        nextCheck = steps &+ min(Machine.checkInterval, left &+ 1 > 0 ? left &+ 1 : Int.max)
        try checkClock(at: span)
    }

    /// Ctrl-C, the deadline and, every `heapCheckPeriod`, the heap; for the
    /// places that do not step but may take long (applying each event of a file).
    public func checkClock(at span: Span) throws(RuntimeError) {
        if let interruption, interruption.isRequested { throw .interrupted(at: span) }
        guard deadline != .max || memoryLimit != .max else { return }
        let now = SystemMeasures.nanoseconds()
        if now >= deadline, let timeout = limits.timeout { throw .timeLimit(timeout, at: span) }
        if memoryLimit != .max && now &- lastHeapCheck >= heapCheckWait {
            if heapExceeds(adding: 0) { throw .memoryLimit(memoryLimit, at: span) }
            let after = SystemMeasures.nanoseconds()
            heapCheckWait = max(Machine.heapCheckPeriod, (after &- now) &* Machine.heapCheckSpacing)
            lastHeapCheck = after
        }
    }

    /// Before `bytes` more are taken to make a Text or List of `total` bytes
    /// (a copy: `total` both times; one more item: the item, and the whole):
    /// refuses a value that alone passes the memory limit, and measures the
    /// heap once what was made since the last measure adds up to a sixteenth
    /// of the limit.
    @inline(__always)
    func willAllocate(_ bytes: Int, making total: Int, at span: Span) throws(RuntimeError) {
        if exceedsMemory(bytes, making: total) { throw .memoryLimit(memoryLimit, at: span) }
        // Making a large value takes time the step count does not see (a
        // loop of a thousand `repeat`s of a million characters is a thousand
        // steps): the clock and Ctrl-C are looked at then too.
        if bytes >= Machine.largeValueBytes { try checkClock(at: span) }
    }

    /// A Text or List this large is made slowly enough to look at the clock.
    static let largeValueBytes = 64 << 10

    /// What `willAllocate` checks, as a Bool: for a caller that must put a
    /// value back in its slot before it throws (growing a variable in place),
    /// without the cost of catching an error on every step.
    @inline(__always)
    func exceedsMemory(_ bytes: Int, making total: Int) -> Bool {
        guard memoryLimit != .max else { return false }
        if total > memoryLimit || bytes > memoryLimit { return true }
        grownSinceHeapCheck &+= bytes
        return grownSinceHeapCheck > heapCheckBytes && heapExceeds(adding: bytes)
    }

    /// Before `show` renders a value: a table of many rows takes time and
    /// memory the script never sees as values (each cell is a text of its
    /// own), so each row counts as a step, and the table against the memory limit.
    func willShow(_ value: Value, at span: Span) throws(RuntimeError) {
        guard let rows = value.itemCount, rows > 0 else { return }
        var columns = 1
        if case .list(let items) = value, case .record(let first)? = items.first { columns = first.values.count &+ 1 }
        steps &+= rows
        if steps >= nextCheck { try checkLimits(at: span) }
        let (bytes, overflow) = rows.multipliedReportingOverflow(by: columns &* Machine.bytesPerCell)
        try willAllocate(overflow ? .max : bytes, making: overflow ? .max : bytes, at: span)
    }

    /// What a cell of a shown table takes, as the memory limit counts it.
    static let bytesPerCell = 64

    /// Before `a + b` makes a new Text or List: its size against the limit.
    func willConcatenate(_ a: Value, _ b: Value, at span: Span) throws(RuntimeError) {
        guard memoryLimit != .max else { return }
        let bytes: Int
        switch (a, b) {
        case (.text(let x), .text(let y)):
            bytes = x.utf8.count &+ y.utf8.count
        case (.list, _), (.range, _):
            guard let x = a.itemCount, let y = b.itemCount else { return }
            let (count, o1) = x.addingReportingOverflow(y)
            let (product, o2) = count.multipliedReportingOverflow(by: Machine.bytesPerItem)
            bytes = o1 || o2 ? .max : product
        default:
            return
        }
        try willAllocate(bytes, making: bytes, at: span)
    }

    /// Whether the heap the run took, with `bytes` more, passes the limit.
    @inline(never)
    func heapExceeds(adding bytes: Int) -> Bool {
        grownSinceHeapCheck = 0
        return SystemMeasures.heapInUse() - heapAtStart > memoryLimit - bytes
    }

    /// The bytes a Text or List takes, as the memory limit counts them.
    static func bytes(of value: Value) -> Int {
        switch value {
        case .text(let s): return s.utf8.count
        case .list(let items): return items.count &* bytesPerItem
        default: return 0
        }
    }

    /// The bytes of rows read from the store, as the memory limit counts them:
    /// an item for each row and each of its fields (texts not counted).
    static func bytes(ofRows rows: [Value]) -> Int {
        guard case .record(let first)? = rows.first else { return rows.count &* bytesPerItem }
        return rows.count &* (first.values.count &+ 1) &* bytesPerItem
    }

    /// The items of a List, or of a range built into one (checked against
    /// the memory limit first); nil for other values.
    func items(of value: Value, at span: Span) throws(RuntimeError) -> [Value]? {
        if case .range = value, let count = value.itemCount {
            guard count <= BuiltinLibrary.maxLength else {
                throw RuntimeError("the range has more than \(BuiltinLibrary.Arguments.grouped(BuiltinLibrary.maxLength)) items, too many to make into a List",
                                   at: span, hint: "go through it with 'for' instead, which does not make the List")
            }
            let bytes = count * Machine.bytesPerItem
            try willAllocate(bytes, making: bytes, at: span)
        }
        return value.items
    }
}
