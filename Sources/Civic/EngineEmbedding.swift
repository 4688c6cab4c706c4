import Foundation
import CivicSyntax
import CivicCheck
import CivicStore
import CivicRuntime

/// Errors from the engine's throwing calls, for Swift code that embeds Civic:
/// the diagnostics, and their rendering (file, line, column, the line with a
/// caret, the hint) as `description`, so a failed test shows what went wrong.
public struct CivicError: Error, CustomStringConvertible, Sendable {
    public let diagnostics: [Diagnostic]
    public let description: String

    init(_ diagnostics: [Diagnostic], _ engine: Engine) {
        self.diagnostics = diagnostics
        self.description = engine.render(diagnostics)
    }

    init(_ message: String, hint: String? = nil) {
        let d = Diagnostic(.error, message, at: .unknown, hint: hint)
        self.diagnostics = [d]
        self.description = hint.map { "error: \(message)\n  = hint: \($0)" } ?? "error: \(message)"
    }
}

/// The calls a Swift test suite uses: run scripts, emit events, ask for
/// values, balances and ledger entries, and run a script's own tests. Each
/// call that changes the store is one transaction, like a run.
///
/// ```swift
/// let engine = Engine(options: RunOptions(now: CivicTime(year: 2026, month: 11, day: 2, hour: 9)))
/// try engine.execute(path: "rules.civic")
/// try engine.emit("HazardReport", ["reporter": "R1", "severity": 2])
/// #expect(try engine.balance("points", of: "R1") == 7)
/// ```
extension Engine {
    /// Runs source text; throws its errors. Returns what the run did.
    @discardableResult
    public func execute(_ source: String, name: String = "<input>") throws(CivicError) -> RunStats {
        try succeed(run(source: source, name: name))
    }

    /// Reads a script file and runs it (with what it `use`s, beside it); throws its errors.
    @discardableResult
    public func execute(path: String) throws(CivicError) -> RunStats {
        try succeed(run(try Engine.source(path)))
    }

    /// Runs the `test` blocks of a script file (see `test(_:filter:makeStore:)`).
    public func test(path: String, filter: String? = nil) throws(CivicError) -> TestReport {
        test(try Engine.source(path), filter: filter)
    }

    /// Stores an event and applies the rules on it, as `emit` in a script
    /// does, in a transaction of its own. Fields are given by name; a field
    /// that refers to an entity takes the key of its row (`"reporter": "R1"`).
    /// `id` and `at` may be given as fields too. Returns false when an event
    /// with the same id was handled before (and nothing changed).
    @discardableResult
    public func emit(_ event: String, _ fields: [String: Value] = [:]) throws(CivicError) -> Bool {
        try transaction { (m: Machine) throws(CivicError) -> Bool in
            guard let entity = m.storeSchema.entity(event), checker.schema.events[event] != nil else {
                throw CivicError("there is no event named '\(event)'",
                                 hint: Suggestions.hint(for: event, in: checker.schema.events.keys) ?? "run the script that declares it first")
            }
            var values = Array(repeating: Value.none, count: entity.fields.count)
            for (name, value) in fields {
                guard let i = entity.index(of: name) else {
                    throw CivicError("\(event) has no field '\(name)'", hint: Suggestions.hint(for: name, in: entity.fields.map(\.name)))
                }
                switch (entity.fields[i].type, value) {
                case (.reference(let target), .text), (.reference(let target), .number):
                    values[i] = .reference(entity: target, key: value)
                default:
                    values[i] = value
                }
            }
            do throws(RuntimeError) {
                return try Compiler.emitEvent(event, values, on: m)
            } catch {
                throw CivicError([error.diagnostic(reveal: options.reveal)], self)
            }
        }
    }

    /// The value of an expression, worked out against everything the engine
    /// has run (its variables, functions and declarations) and its store:
    /// `try engine.evaluate("count Resident where age >= 60")`. A query
    /// gives a list of rows.
    public func evaluate(_ expression: String) throws(CivicError) -> Value {
        let captured = CapturedValue()
        let savedRewrite = rewrite, savedOutput = output
        defer { rewrite = savedRewrite; output = savedOutput }
        rewrite = { programs in
            var programs = savedRewrite?(programs) ?? programs
            guard let last = programs.last, last.statements.count == 1, case .expr(let e) = last.statements[0].kind else {
                captured.notOneExpression = true
                programs.removeLast()
                return programs
            }
            programs[programs.count - 1] = SourceProgram(file: last.file, statements: [Stmt(kind: .show(e), span: last.statements[0].span)],
                                                         exprIDs: last.exprIDs)
            return programs
        }
        output = { item in
            if case .value(let v) = item { captured.value = v } else { savedOutput(item) }
        }
        try succeed(run(source: expression, name: "<expression>"))
        if captured.notOneExpression {
            throw CivicError("evaluate takes one expression, such as 'zhang.points' or 'count Resident'",
                             hint: "run statements with execute(_:)")
        }
        return captured.value
    }

    /// A holder's balance in an account: `try engine.balance("points", of: "R1")`.
    /// `entity` is needed only when two entities have accounts of that name.
    public func balance(_ account: String, of key: Value, entity: String? = nil) throws(CivicError) -> Number {
        try transaction { (m: Machine) throws(CivicError) -> Number in
            let holder = try holderEntity(account, entity, m)
            do throws(StoreError) {
                return try m.balance(account, holder, key)
            } catch {
                throw CivicError(error.message, hint: error.hint)
            }
        }
    }

    /// The ledger entries behind a holder's balance, oldest first: amount,
    /// kind, rule, event, time, reason, who, and any cut.
    public func ledger(_ account: String, of key: Value, entity: String? = nil) throws(CivicError) -> [LedgerEntry] {
        try transaction { (m: Machine) throws(CivicError) -> [LedgerEntry] in
            let holder = try holderEntity(account, entity, m)
            do throws(StoreError) {
                return try m.entries(account, holder, key)
            } catch {
                throw CivicError(error.message, hint: error.hint)
            }
        }
    }

    // MARK: Helpers

    /// The entity that holds an account of this name.
    func holderEntity(_ account: String, _ entity: String?, _ m: Machine) throws(CivicError) -> String {
        let holders = m.accounts.values.filter { $0.name == account }.map(\.holder).sorted()
        if let entity {
            guard holders.contains(entity) else {
                throw CivicError("\(entity) has no account '\(account)'", hint: holders.isEmpty ? nil : "it is held by \(holders.joined(separator: ", "))")
            }
            return entity
        }
        guard let first = holders.first else {
            let names = Set(m.accounts.values.map(\.name))
            throw CivicError("there is no account named '\(account)'", hint: Suggestions.hint(for: account, in: names) ?? "run the script that declares it first")
        }
        if holders.count > 1 {
            throw CivicError("'\(account)' is an account of \(holders.joined(separator: " and ")): say which",
                             hint: "pass entity: \"\(first)\"")
        }
        return first
    }

    /// Runs `body` on the engine's machine in a transaction of its own: kept
    /// if it returns, rolled back if it throws.
    func transaction<T>(_ body: (Machine) throws(CivicError) -> T) throws(CivicError) -> T {
        guard let machine else {
            throw CivicError("nothing has run on this engine yet", hint: "run the script that declares the events and accounts first")
        }
        machine.now = options.currentTime
        machine.operatorName = options.operatorName
        machine.startRun(options.limits, interruption: options.interruption)
        do throws(StoreError) {
            try store.begin()
        } catch {
            throw CivicError(error.message, hint: error.hint)
        }
        do throws(CivicError) {
            let value = try body(machine)
            do throws(StoreError) {
                try machine.finishBooks()
                try store.commit()
            } catch {
                throw CivicError(error.message, hint: error.hint)
            }
            return value
        } catch {
            machine.discardBooks()
            store.rollback()
            throw error
        }
    }

    @discardableResult
    func succeed(_ result: RunResult) throws(CivicError) -> RunStats {
        guard result.succeeded else { throw CivicError(result.diagnostics, self) }
        return result.stats
    }

    static func source(_ path: String) throws(CivicError) -> SourceFile {
        do {
            return try Engine.readSource(path: path)
        } catch {
            throw CivicError("cannot read \(path): \(error.localizedDescription)")
        }
    }
}

/// The value a rewritten `show` gave, for `evaluate`.
private final class CapturedValue: @unchecked Sendable {
    var value: Value = .none
    var notOneExpression = false
}
