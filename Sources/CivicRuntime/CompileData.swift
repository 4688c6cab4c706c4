import Foundation
import CivicStore
import CivicSyntax
import CivicCheck

/// Stored data: reading an entity's rows, `add`, `update`, `remove`, `load`,
/// and following a reference to the row it names.
extension Compiler {
    static func storeError(_ e: StoreError, _ span: Span) -> RuntimeError {
        RuntimeError(e.message, at: span, hint: e.hint)
    }

    /// All stored rows of an entity, as a list.
    func entityRows(_ entity: String, _ span: Span) -> Eval {
        return { m throws(RuntimeError) in try Compiler.allRows(m, entity, span) }
    }

    /// The stored entity a row or reference belongs to, and its key.
    static func identity(_ value: Value, _ span: Span, _ verb: String) throws(RuntimeError) -> (entity: String, key: Value) {
        switch value {
        case .reference(let entity, let key):
            return (entity, key)
        case .record(let r):
            if let entity = r.shape.typeName, let k = r.shape.keyIndex { return (entity, r.values[k]) }
        default:
            break
        }
        throw RuntimeError("'\(verb)' needs a stored row, found \(value.typeNameWithArticle)", at: span,
                           hint: value.typeName == "none" ? "no row was found: check it before changing it" : nil)
    }

    static func storedEntity(_ m: Machine, _ name: String, _ span: Span) throws(RuntimeError) -> StoredEntity {
        guard let e = m.storeSchema.entity(name) else {
            throw RuntimeError("the store has no entity '\(name)'", at: span)
        }
        return e
    }

    /// `add Resident { ... }`: checks the row, stores it, and gives it back as stored.
    mutating func addRow(_ type: Identifier, _ fields: [FieldValue], _ span: Span) -> Eval {
        let values = fields.map { ($0.name.name, expr($0.value)) }
        let entity = type.name
        return { m throws(RuntimeError) in
            var given: [String: Value] = [:]
            for (name, v) in values { given[name] = try v(m) }
            let stored = try Compiler.storedEntity(m, entity, span)
            do throws(StoreError) {
                let row = try RowCheck.row(given, for: stored)
                let key = try m.store.insert(entity, row)
                guard let record = try m.store.row(entity, key: key) else { return .none }
                return .record(record)
            } catch {
                throw Compiler.storeError(error, span)
            }
        }
    }

    /// `update ROW { field: value }`; a variable holding the row sees the change.
    mutating func updateRow(_ target: Expr, _ fields: [FieldValue], _ span: Span) -> Exec {
        let row = expr(target)
        let values = fields.map { ($0.name.name, expr($0.value), $0.name.span) }
        var writeBack: ((Machine, Value) -> Void)?
        if case .name = target.kind, case .variable(let ref)? = program.resolution(of: target) {
            switch ref {
            case .global(let i): writeBack = { m, v in m.globals[i] = v }
            case .local(let i): writeBack = { m, v in m.stack[m.base &+ i] = v }
            }
        }
        let targetSpan = target.span
        return { [writeBack] m throws(RuntimeError) in
            let current = try row(m)
            let (entity, key) = try Compiler.identity(current, targetSpan, "update")
            let stored = try Compiler.storedEntity(m, entity, span)
            var changes: [(field: String, value: Value)] = []
            for (name, v, nameSpan) in values {
                guard let field = stored.field(name) else {
                    throw RuntimeError("\(entity) has no field '\(name)'", at: nameSpan)
                }
                let given = try v(m)
                do throws(StoreError) {
                    changes.append((name, try RowCheck.stored(given, for: field, of: entity)))
                } catch {
                    throw Compiler.storeError(error, nameSpan)
                }
            }
            do throws(StoreError) {
                try m.store.update(entity, key: key, changes)
                if let writeBack, case .record = current, let fresh = try m.store.row(entity, key: key) {
                    writeBack(m, .record(fresh))
                }
            } catch {
                throw Compiler.storeError(error, span)
            }
            return .normal
        }
    }

    /// `remove ROW` or `remove ROWS`.
    mutating func removeRows(_ target: Expr, _ span: Span) -> Exec {
        let rows = expr(target)
        let targetSpan = target.span
        return { m throws(RuntimeError) in
            let value = try rows(m)
            let items: [Value]
            if case .list(let list) = value { items = list } else { items = [value] }
            for item in items {
                let (entity, key) = try Compiler.identity(item, targetSpan, "remove")
                // The ledger refers to the events its entries were made for;
                // keeping their rows is what keeps an event from being handled twice.
                if m.rules.contains(where: { $0.event == entity }) {
                    let handled: Bool
                    let id = Books.keyText(key)
                    do throws(StoreError) { handled = try m.bookkeeper.hasEntries(eventType: entity, eventID: id) } catch {
                        throw Compiler.storeError(error, span)
                    }
                    if handled {
                        throw RuntimeError("\(entity) \(m.storeSchema.entity(entity)?.shown(key: key) ?? key.literal()) cannot be removed: the ledger has entries for it", at: span,
                                           hint: "an event that rules handled stays, so that it is never handled twice; mark it instead (update it)")
                    }
                }
                do throws(StoreError) {
                    try m.store.delete(entity, key: key)
                    m.storedRows = []
                } catch {
                    throw Compiler.storeError(error, span)
                }
            }
            return .normal
        }
    }

    /// The row a reference names (or an error if it is gone).
    static func follow(_ m: Machine, _ entity: String, _ key: Value, _ span: Span) throws(RuntimeError) -> Record {
        let found: Record?
        do throws(StoreError) {
            found = try m.store.row(entity, key: key)
        } catch {
            throw Compiler.storeError(error, span)
        }
        guard let record = found else {
            throw RuntimeError("there is no \(entity) with key \(m.storeSchema.entity(entity)?.shown(key: key) ?? key.literal()) any more", at: span)
        }
        return record
    }
}
