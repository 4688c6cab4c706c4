import CivicSyntax

/// The first pass: what a file declares (functions, entities, events,
/// accounts), gathered before any statement is checked, so that a function
/// can call one declared below it and a rule can name any entity.
extension Checker {
    func declare(_ statements: [Stmt]) {
        var declaredTypes: [(Identifier, [FieldDecl], EntitySchema.Kind)] = []
        for statement in statements {
            switch statement.kind {
            case .function(let name, let parameters, let body):
                if let existing = functionIndex[name.name] {
                    error("the function '\(name.name)' is already defined at line \(line(of: functions[existing].span))",
                          at: name.span, hint: "give one of them another name")
                    continue
                }
                functionIndex[name.name] = functions.count
                functions.append(FunctionInfo(name: name.name, parameters: parameters, body: body,
                                              slotCount: parameters.count, span: name.span))
            case .entity(let name, let fields):
                if declareType(name, fields, kind: .entity) { declaredTypes.append((name, fields, .entity)) }
            case .event(let name, let fields):
                if declareType(name, fields, kind: .event) { declaredTypes.append((name, fields, .event)) }
            default:
                break
            }
        }
        // Field types are resolved once every type of the file is known.
        for (name, fields, kind) in declaredTypes {
            for field in fields {
                let type = resolveType(field.type)
                if kind == .entity {
                    if let i = schema.entities[name.name]?.fields.firstIndex(where: { $0.name == field.name.name }) {
                        schema.entities[name.name]?.fields[i].type = type
                    }
                } else if let i = schema.events[name.name]?.fields.firstIndex(where: { $0.name == field.name.name }) {
                    schema.events[name.name]?.fields[i].type = type
                }
            }
        }
        for statement in statements {
            statement.forEachStatement { addImpliedFields($0) }
        }
        for statement in statements {
            if case .account(let name, let holder, _) = statement.kind {
                guard schema.entities[holder.name] != nil else {
                    error("unknown entity '\(holder.name)'", at: holder.span,
                          hint: Suggestions.hint(for: holder.name, in: schema.entities.keys)
                            ?? "declare it with 'entity \(holder.name) { ... }'")
                    continue
                }
                if let existing = schema.accounts.first(where: { $0.name == name.name && $0.holder == holder.name }) {
                    error("the account '\(name.name)' of \(holder.name) is already declared at line \(line(of: existing.span))",
                          at: name.span)
                    continue
                }
                if schema.entities[holder.name]?.field(name.name) != nil {
                    error("\(holder.name) already has a field named '\(name.name)'", at: name.span,
                          hint: "an account adds a field to its holder; choose another account name")
                    continue
                }
                schema.accounts.append(AccountSchema(name: name.name, holder: holder.name, span: name.span))
            }
        }
    }

    /// Registers an entity or event with its fields (types still unknown); false if it cannot be.
    func declareType(_ name: Identifier, _ fields: [FieldDecl], kind: EntitySchema.Kind) -> Bool {
        if let existing = schema.type(named: name.name) {
            error("'\(name.name)' is already declared at line \(line(of: existing.span))", at: name.span)
            return false
        }
        if CivicType.builtin(named: name.name) != nil {
            error("'\(name.name)' is the name of a built-in type", at: name.span, hint: "choose another name")
            return false
        }
        var declared: [FieldSchema] = []
        for field in fields {
            declared.append(FieldSchema(name: field.name.name, type: .any, isKey: field.isKey, isPrivate: field.isPrivate,
                                        defaultValue: field.defaultValue, span: field.name.span))
        }
        if fields.filter(\.isKey).count > 1, let second = fields.filter(\.isKey).dropFirst().first {
            error("\(name.name) has more than one key field", at: second.name.span,
                  hint: "an entity has one key; remove 'key' from all but one field")
        }
        if kind == .event {
            for implicit in ["id", "at"] where fields.contains(where: { $0.name.name == implicit }) {
                if let f = fields.first(where: { $0.name.name == implicit }) {
                    error("every event has the field '\(implicit)' already", at: f.name.span,
                          hint: "remove this field; '\(implicit)' is given in 'emit' or made for you")
                }
            }
            // Made when the event is emitted without one (`HazardReport-7`).
            declared.append(FieldSchema(name: "id", type: .text, isKey: true, isPrivate: false, defaultValue: nil, span: name.span,
                                        isGenerated: true))
            declared.append(FieldSchema(name: "at", type: .time, isKey: false, isPrivate: false, defaultValue: nil, span: name.span))
        }
        if kind == .entity, !fields.contains(where: \.isKey) {
            if let clash = fields.first(where: { $0.name.name == "id" }) {
                error("\(name.name) has a field 'id' but no key", at: clash.name.span,
                      hint: "write 'key id: ...' to make it the key, or rename it")
            } else {
                declared.insert(FieldSchema(name: "id", type: .number, isKey: true, isPrivate: false, defaultValue: nil,
                                            span: name.span, isGenerated: true), at: 0)
            }
        }
        let schemaEntry = EntitySchema(name: name.name, kind: kind, fields: declared, span: name.span)
        if kind == .entity { schema.entities[name.name] = schemaEntry } else { schema.events[name.name] = schemaEntry }
        schema.order.append(name.name)
        return true
    }

    /// Fields a statement adds to an entity or event it names:
    /// `assign Household to Worker` gives each household a `worker` field (the
    /// worker entity's name in lower case; a Chinese name as it is), and
    /// `escalate E { until handled }` gives E a Bool field `handled` (false)
    /// when E does not declare one. An `assign` inside a block counts too.
    func addImpliedFields(_ statement: Stmt) {
        switch statement.kind {
        case .assignment(let entity, let worker, _, _):
            guard schema.entities[entity.name] != nil, schema.entities[worker.name] != nil else { return }
            if !(schema.assignments[entity.name] ?? []).contains(worker.name) {
                schema.assignments[entity.name, default: []].append(worker.name)
            }
            let field = Checker.assignmentField(worker.name)
            if let existing = schema.entities[entity.name]?.field(field) {
                if existing.type != .entity(worker.name) {
                    error("\(entity.name) already has a field '\(field)' that is not a \(worker.name)", at: worker.span,
                          hint: "the assignment keeps each \(entity.name)'s \(worker.name) in the field '\(field)'")
                }
                return
            }
            let none = Expr(id: -1, kind: .none, span: worker.span)
            schema.entities[entity.name]?.fields.append(
                FieldSchema(name: field, type: .entity(worker.name), isKey: false, isPrivate: false, defaultValue: none, span: worker.span))
        case .escalate(let event, let lines):
            guard let e = schema.events[event.name] else { return }
            // A name close to a declared field is a typo, reported later; it adds nothing.
            for case .until(let field, _) in lines where e.field(field.name) == nil
                && Suggestions.nearest(to: field.name, in: e.fields.map(\.name)) == nil {
                let no = Expr(id: -1, kind: .bool(false), span: field.span)
                schema.events[event.name]?.fields.append(
                    FieldSchema(name: field.name, type: .bool, isKey: false, isPrivate: false, defaultValue: no, span: field.span))
            }
        default:
            break
        }
    }

    /// The field an assignment to `worker` keeps its result in.
    public static func assignmentField(_ worker: String) -> String {
        worker.lowercased()
    }

    /// The type a declaration names.
    func resolveType(_ ref: TypeRef) -> CivicType {
        switch ref {
        case .list(let element, _):
            return .list(resolveType(element))
        case .named(let id):
            if let builtin = CivicType.builtin(named: id.name) { return builtin }
            if let e = schema.entities[id.name] { return e.type }
            if schema.events[id.name] != nil {
                error("a field cannot hold an event ('\(id.name)')", at: id.span)
                return .any
            }
            error("unknown type '\(id.name)'", at: id.span,
                  hint: Suggestions.hint(for: id.name, in: CivicType.builtinNames + schema.typeNames)
                    ?? "the types are Text, Number, Bool, Date, Time, Duration, or an entity declared with 'entity'")
            return .any
        }
    }
}
