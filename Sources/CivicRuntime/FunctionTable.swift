/// The functions of one compiled program, and what ends their lifetime.
///
/// A function's body holds its callees (itself, for a recursive function),
/// so the boxes of a program's functions refer to one another in cycles
/// that reference counting never frees. The table is their one owner: when
/// the last holder of the table goes (the `CompiledProgram`, and the
/// `Machine` it ran on, which keeps the rules and programmes that may call
/// the functions), it empties every body, which breaks the cycles.
final class FunctionTable {
    let functions: [CompiledFunction]

    init(_ functions: [CompiledFunction]) {
        self.functions = functions
    }

    deinit {
        for f in functions { f.body = { _ in .normal } }
    }
}
