import CivicStore
import CivicSyntax

/// What a machine keeps from one run to the next (variables, the rules,
/// programmes, catalogue, splits and escalations declared, the accounts):
/// a session saves it before an input and puts it back when the input fails,
/// so that a failed input leaves the machine as it was.
///
/// Every stored property of `Machine` that outlives a run belongs here.
public struct MachineState {
    let globals: [Value]
    let rules: [CompiledRule]
    let programmes: [String: CompiledProgramme]
    let catalogue: [String: CatalogueEntry]
    let splits: [String: Split]
    let escalations: [String: Escalation]
    let assignsRun: [String: CompiledAssign]
    let accounts: [String: StoredAccount]
    let balanceShapes: [String: (base: RecordShape, shape: RecordShape)]
    let storeSchema: StoreSchema
    let stats: RunStats
    let folder: String?
}

/// What a session (the REPL) needs of a machine besides running programs.
extension Machine {
    /// The machine's lasting state now, to go back to with `restoreState`.
    public func saveState() -> MachineState {
        MachineState(globals: globals, rules: rules, programmes: programmes, catalogue: catalogue, splits: splits,
                     escalations: escalations, assignsRun: assignsRun, accounts: accounts, balanceShapes: balanceShapes, storeSchema: storeSchema,
                     stats: stats, folder: folder)
    }

    /// Goes back to a state saved with `saveState`, and leaves no query or call half done.
    public func restoreState(_ state: MachineState) {
        globals = state.globals
        rules = state.rules
        programmes = state.programmes
        catalogue = state.catalogue
        splits = state.splits
        escalations = state.escalations
        assignsRun = state.assignsRun
        accounts = state.accounts
        balanceShapes = state.balanceShapes
        storeSchema = state.storeSchema
        stats = state.stats
        folder = state.folder
        stack.removeAll(keepingCapacity: true)
        base = 0
        depth = 0
        rows = []
        rule = nil
        returnValue = .none
        discardBooks()
    }

    /// Starts a new input of a session: the script sees the time given (the
    /// run itself counts its limits afresh: `startRun`).
    public func startInput(now: CivicTime) {
        self.now = now
    }

    /// How many rules the machine applies (to note before an input).
    public var ruleCount: Int { rules.count }

    /// The names of the rules the machine applies, in the order they fire.
    public var ruleNames: [String] { rules.map(\.name) }

    /// After an input that added rules: a rule added before `count` whose name
    /// a newer rule has is dropped, so that a rule typed again replaces the old one.
    public func replaceRules(addedFrom count: Int) {
        guard count < rules.count else { return }
        let newer = Set(rules[count...].map(\.name))
        let older = rules[..<count].filter { !newer.contains($0.name) }
        rules = older + rules[count...]
    }
}
