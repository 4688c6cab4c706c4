import CivicSyntax

/// What a checker knows at one moment: a session saves it before an input
/// and puts it back when the input fails at run time, so that a failed input
/// declares nothing. (A failed check puts it back by itself.)
public struct CheckerState {
    let snapshot: Checker.Snapshot
}

/// What a session (the REPL) needs of the checker besides checking files.
extension Checker {
    /// The checker's state now, to go back to with `restoreState`.
    public func saveState() -> CheckerState {
        CheckerState(snapshot: snapshot())
    }

    /// Goes back to a state saved with `saveState`.
    public func restoreState(_ state: CheckerState) {
        restore(state.snapshot)
    }

    /// Forgets what earlier files declared and `files` declare again: top-level
    /// variables, functions, entities, events and accounts. Code checked before
    /// keeps what it was given; later code sees the new declaration. Inside one
    /// file (or one input), declaring a name twice stays an error.
    func forgetRedeclared(_ files: [SourceProgram]) {
        let fileIDs = Set(files.map(\.file))
        func earlier(_ span: Span) -> Bool { !fileIDs.contains(span.file) }
        for file in files {
            for statement in file.statements {
                switch statement.kind {
                case .let(let name, _), .var(let name, _):
                    if let binding = globals.names[name.name], earlier(binding.span) {
                        globals.names[name.name] = nil
                    }
                case .function(let name, _, _):
                    if let i = functionIndex[name.name], i < functions.count, earlier(functions[i].span) {
                        functionIndex[name.name] = nil
                    }
                case .entity(let name, _), .event(let name, _):
                    if let existing = schema.type(named: name.name), earlier(existing.span) {
                        schema.entities[name.name] = nil
                        schema.events[name.name] = nil
                        schema.order.removeAll { $0 == name.name }
                    }
                case .account(let name, let holder, _):
                    schema.accounts.removeAll { $0.name == name.name && $0.holder == holder.name && earlier($0.span) }
                default:
                    break
                }
            }
        }
    }

    /// The top-level variables known now, in alphabetical order (for completion).
    public var variableNames: [String] {
        globals.names.keys.sorted()
    }

    /// What the checker knows of a top-level variable's type (nil for no such variable).
    public func variableType(_ name: String) -> CivicType? {
        globals.names[name]?.type
    }

    /// The functions the scripts declared, in alphabetical order (for completion).
    public var functionNames: [String] {
        functionIndex.keys.sorted()
    }
}
